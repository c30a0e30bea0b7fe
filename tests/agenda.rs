//! `gongshi agenda`: what falls due in the next days, and what is late,
//! as a terminal list and as JSON.

mod common;
use common::Site;
use serde_json::Value;

fn site() -> Site {
    let site = Site::new("base");
    let case = site.read("content/cases/tc-2022-001.yaml");
    // scheduled: public on 2022-03-02
    site.write(
        "content/cases/later.yaml",
        &case.replace("发布日期: 2022-01-20", "发布日期: 2022-03-02"),
    );
    let action = site.read("content/actions/ta-2022-001.yaml");
    // a decision of 2022-02-22 not yet published (a draft)
    site.write(
        "content/actions/pending.yaml",
        &format!(
            "状态: 草稿\n{}",
            action
                .replace("决定日期: 2022-01-12", "决定日期: 2022-02-22")
                .replace("发布日期: 2022-01-14", "发布日期: 2022-02-28")
                .replace("测市监罚〔2022〕1号", "测市监罚〔2022〕9号")
        ),
    );
    // a penalty of 2019 whose three years end on 2022-03-03
    site.write(
        "content/actions/old.yaml",
        &action
            .replace("决定日期: 2022-01-12", "决定日期: 2019-03-01")
            .replace("发布日期: 2022-01-14", "发布日期: 2019-03-03")
            .replace("测市监罚〔2022〕1号", "测市监罚〔2019〕3号"),
    );
    // a blacklist entry listed on 2021-03-01: credit repair from 2022-03-01
    let bl = site.read("content/blacklist/tb-2022-001.yaml");
    site.write(
        "content/blacklist/year.yaml",
        &bl.replace("列入日期: 2022-01-24", "列入日期: 2021-03-01")
            .replace("发布日期: 2022-01-25", "发布日期: 2021-03-02")
            .replace("测市监列〔2022〕1号", "测市监列〔2021〕7号"),
    );
    // work in hand before it is public: a draft hazard due 2022-02-28,
    // and a clue to be published on 2022-03-05 due 2022-03-02
    let hazard = site.read("content/hazards/th-2022-001.yaml");
    site.write(
        "content/hazards/draft-hz.yaml",
        &format!(
            "状态: 草稿\n{}",
            hazard.replace("整改时限: 2022-03-01", "整改时限: 2022-02-28")
        ),
    );
    let clue = site.read("content/clues/tx-2022-001.yaml");
    site.write(
        "content/clues/later-clue.yaml",
        &format!(
            "{}反馈期限: 2022-03-02\n",
            clue.replace("发布日期: 2022-01-18", "发布日期: 2022-03-05")
        ),
    );
    site
}

#[test]
fn the_agenda_lists_what_falls_due_and_what_is_late() {
    let site = site();
    let out = site.run(&[
        "agenda",
        "--date",
        "2022-02-25",
        "--days",
        "7",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for i in &items {
        let keys: Vec<&String> = i.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "id", "title", "what", "due"], "{i}");
    }
    let find = |kind: &str, id: &str| -> Vec<&Value> {
        items
            .iter()
            .filter(|i| i["kind"] == kind && i["id"] == id)
            .collect()
    };
    let one = |kind: &str, id: &str, due: &str, words: &str| {
        let found = find(kind, id);
        assert!(
            found
                .iter()
                .any(|i| i["due"] == due && i["what"].as_str().unwrap().contains(words)),
            "{kind}/{id} {due} {words}: {items:#?}"
        );
    };
    one("cases", "later", "2022-03-02", "定时公开");
    one("hazards", "th-2022-001", "2022-03-01", "整改时限");
    // 交办 2022-01-17, no 反馈期限 written: seven days later, on a working day
    let clue = find("clues", "tx-2022-001");
    assert!(
        clue.iter()
            .any(|i| i["what"].as_str().unwrap().contains("超期")),
        "{items:#?}"
    );
    one("hazards", "draft-hz", "2022-02-28", "整改时限");
    one("clues", "later-clue", "2022-03-02", "反馈期限");
    one("actions", "old", "2022-03-03", "公示期满");
    one("blacklist", "year", "2022-03-01", "信用修复");
    let pending = find("actions", "pending");
    assert!(
        pending
            .iter()
            .any(|i| i["what"].as_str().unwrap().contains("工作日内须公开")),
        "{items:#?}"
    );
    // nothing outside the window: the base penalty's publicity ends in 2025
    assert!(find("actions", "ta-2022-001").is_empty(), "{items:#?}");
    // The terminal list: each group under its heading, dated.
    let out = site.run(&["agenda", "--date", "2022-02-25", "--days", "7"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in ["已经逾期", "定时公开", "重大隐患整改时限", "待公开的决定"]
    {
        assert!(text.contains(heading), "{heading}: {text}");
    }
    assert!(text.contains("2022-03-01  hazards/th-2022-001"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
}

#[test]
fn a_quiet_window_says_so_and_a_missing_site_is_a_usage_error() {
    let site = Site::new("base");
    let out = site.run(&[
        "agenda",
        "--date",
        "2030-01-01",
        "--days",
        "1",
        "--format",
        "json",
    ]);
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        items
            .iter()
            .all(|i| i["what"].as_str().unwrap().contains("逾期")
                || i["what"].as_str().unwrap().contains("超期")),
        "{items:#?}"
    );
    let out = site.run(&["agenda", "no-such-dir"]);
    assert_eq!(out.status.code(), Some(2));
    // Content with an error: the list all the same, and the status of a
    // content error, as check gives.
    let clue = site.read("content/clues/tx-2022-001.yaml");
    site.write(
        "content/clues/tx-2022-001.yaml",
        &clue.replace("举报来源: 电话", "举报来源: 飞鸽"),
    );
    let out = site.run(&["agenda", "--date", "2022-02-25", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(items.iter().any(|i| i["id"] == "th-2022-001"), "{items:#?}");
}

/// A withdrawal or a feedback dated after the agenda's date has not
/// happened yet: the hazard is still late, the clue still unanswered, as
/// the site built on that date shows them.
#[test]
fn a_withdrawal_or_feedback_dated_later_has_not_happened_yet() {
    let site = Site::new("base");
    let hazard = site.read("content/hazards/th-2022-001.yaml");
    site.write(
        "content/hazards/th-2022-001.yaml",
        &format!("状态: 已撤回\n撤回: {{日期: 2022-03-20, 原因: 督办决定撤销。}}\n{hazard}"),
    );
    let clue = site.read("content/clues/tx-2022-001.yaml");
    site.write(
        "content/clues/tx-2022-001.yaml",
        &format!("{clue}实际反馈日期: 2022-03-15\n答复情况: 已答复。\n"),
    );
    let items = |date: &str| -> Vec<Value> {
        let out = site.run(&["agenda", "--date", date, "--days", "3", "--format", "json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let on = items("2022-03-10");
    let late = |id: &str| {
        on.iter().any(|i| {
            i["id"] == id
                && ["逾期", "超期"]
                    .iter()
                    .any(|w| i["what"].as_str().unwrap().contains(w))
        })
    };
    assert!(late("th-2022-001"), "{on:#?}");
    assert!(late("tx-2022-001"), "{on:#?}");
    // Once they have happened, nothing is due.
    let after = items("2022-03-21");
    assert!(
        !after
            .iter()
            .any(|i| i["id"] == "th-2022-001" || i["id"] == "tx-2022-001"),
        "{after:#?}"
    );
}
