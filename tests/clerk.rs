//! A clerk's day: every mistake of a record in one run, the slips of a
//! Chinese input method named in Chinese at their character, and
//! plausibility warnings that never block.

mod common;
use common::Site;
use serde_json::Value;

fn at(d: &Value) -> String {
    format!(
        "{}:{}:{} [{}]",
        d["path"].as_str().unwrap_or(""),
        d["line"],
        d["column"],
        d["field"].as_str().unwrap_or("")
    )
}

fn errors_of<'a>(diags: &'a [Value], path: &str) -> Vec<&'a Value> {
    diags
        .iter()
        .filter(|d| d["path"] == path && d["severity"] == "error")
        .collect()
}

/// A penalty with eight mistakes of every class (shape and rule alike):
/// all are reported in one run, in file order, each at its place.
#[test]
fn every_mistake_of_a_record_in_one_run() {
    let site = Site::new("base");
    site.write(
        "content/actions/bad.yaml",
        "发布日期: 2022-01-14\n\
         措施类型: 行政处罚\n\
         处罚类别: [罚款]\n\
         当事人:\n  名称: 测试燃气有限公司\n  统一社会信用代码: 91210381MA0TAX0018\n\
         决定日期: 2022-01-20\n\
         决定机关: 测试市市场监督管理局\n\
         地区: 城关镇\n\
         行业领域: 不存在的领域\n\
         整改验收:\n  验收时间: 2022-13-01\n  验收单位: 单位\n  整改情况: 已整改\n\
         罚款: 3\n",
    );
    // A second file with a syntax error hides nothing of the first.
    site.write(
        "content/cases/broken.yaml",
        "标题: [未闭合\n要旨: 后面的内容\n",
    );
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    let found: Vec<String> = errors_of(&diags, "content/actions/bad.yaml")
        .into_iter()
        .map(at)
        .collect();
    let want = [
        // a rule: the decision is dated after publication
        "content/actions/bad.yaml:1:1 [发布日期]",
        // the shape: a wrong credit code, missing 决定书文号 and 原因, an
        // unknown sector, an impossible date, an unknown key
        "content/actions/bad.yaml:6:3 [当事人.统一社会信用代码]",
        "[决定书文号]",
        "[原因]",
        "content/actions/bad.yaml:10:7 [行业领域]",
        "content/actions/bad.yaml:12:9 [整改验收.验收时间]",
        "content/actions/bad.yaml:15:1 [罚款]",
        // a rule between fields: 罚款 without 罚款金额
        "[罚款金额]",
    ];
    for w in want {
        assert!(
            found.iter().any(|f| f.contains(w) || f.ends_with(w)),
            "{w} not reported: {found:#?}"
        );
    }
    assert!(found.len() >= want.len(), "{found:#?}");
    // In file order.
    let lines: Vec<i64> = errors_of(&diags, "content/actions/bad.yaml")
        .iter()
        .map(|d| d["line"].as_i64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    // The broken file reports its syntax error, in Chinese, with its line.
    let broken = errors_of(&diags, "content/cases/broken.yaml");
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert!(no_english(broken[0]), "{}", broken[0]);
    assert!(
        broken[0]["message"].as_str().unwrap().contains("括号"),
        "{}",
        broken[0]
    );
}

/// No word of English in a message meant for a clerk.
fn no_english(d: &Value) -> bool {
    ["message", "expected", "found"].iter().all(|k| {
        let s = d[*k].as_str().unwrap_or("");
        !s.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 4 && w != "YAML")
    })
}

#[test]
fn the_slips_of_an_input_method_are_named_with_their_fix() {
    let site = Site::new("base");
    // Each slip in a copy of a valid case: (line written, expected line,
    // column, character named).
    let base = site.read("content/cases/tc-2022-001.yaml");
    let slips: [(&str, &str, &str, u32, &str); 6] = [
        ("colon", "要旨: ", "要旨：", 3, "："),
        (
            "comma",
            "关键词: [气瓶, 超期未检, 充装]",
            "关键词: [气瓶，超期未检，充装]",
            9,
            "，",
        ),
        (
            "bracket",
            "关键词: [气瓶, 超期未检, 充装]",
            "关键词: 【气瓶, 超期未检, 充装】",
            6,
            "【",
        ),
        (
            "quotes",
            "检查主体: 测试市市场监督管理局",
            "检查主体: “测试市市场监督管理局”",
            7,
            "引号",
        ),
        ("space", "要旨: ", "要旨:\u{3000}", 4, "全角空格"),
        (
            "indent",
            "  名称: ",
            "\u{3000}\u{3000}名称: ",
            1,
            "全角空格",
        ),
    ];
    for (name, from, to, col, named) in slips {
        assert!(base.contains(from), "{name}: the fixture has {from}");
        let text = base.replacen(from, to, 1);
        let line = text
            .lines()
            .position(|l| l.contains(to.trim_end()))
            .unwrap() as i64
            + 1;
        site.write(&format!("content/cases/slip-{name}.yaml"), &text);
        let (_, diags) = site.check_json("2022-02-15");
        let mine: Vec<&Value> = diags
            .iter()
            .filter(|d| d["path"] == format!("content/cases/slip-{name}.yaml"))
            .collect();
        let slip = mine
            .iter()
            .find(|d| d["line"] == line && d["message"].as_str().unwrap().contains(named))
            .unwrap_or_else(|| panic!("{name}: no slip named at line {line}: {mine:#?}"));
        assert_eq!(slip["column"], col, "{name}: {slip}");
        assert!(
            slip["expected"]
                .as_str()
                .is_some_and(|e| e.contains("半角")),
            "{name}: the fix is named: {slip}"
        );
        for d in &mine {
            assert!(no_english(d), "{name}: {d}");
        }
        // The slip is mended to read on: no other error than what the slip
        // itself causes (a keyword list read as one item).
        let others: Vec<&&Value> = mine
            .iter()
            .filter(|d| d["severity"] == "error" && d["line"] != line)
            .collect();
        assert!(others.is_empty(), "{name}: {others:#?}");
        site.remove(&format!("content/cases/slip-{name}.yaml"));
    }
}

#[test]
fn dates_written_otherwise_and_yes_for_a_list_say_what_to_write() {
    let site = Site::new("base");
    let base = site.read("content/actions/ta-2022-001.yaml");
    for written in ["2022年1月12日", "2022/1/12", "2022.1.12"] {
        site.write(
            "content/actions/d.yaml",
            &base.replace("决定日期: 2022-01-12", &format!("决定日期: {written}")),
        );
        let (_, diags) = site.check_json("2022-02-15");
        let d = diags
            .iter()
            .find(|d| d["path"] == "content/actions/d.yaml" && d["field"] == "决定日期")
            .unwrap_or_else(|| panic!("{written}: {diags:#?}"));
        assert!(
            d["expected"].as_str().unwrap().contains("2022-01-12"),
            "{written}: {d}"
        );
    }
    site.write(
        "content/actions/d.yaml",
        &base.replace("处罚类别: [罚款]", "处罚类别: 否"),
    );
    let (_, diags) = site.check_json("2022-02-15");
    let d = diags
        .iter()
        .find(|d| d["path"] == "content/actions/d.yaml" && d["field"] == "处罚类别")
        .unwrap();
    assert!(d["message"].as_str().unwrap().contains("应为列表"), "{d}");
    assert!(d["expected"].as_str().unwrap().contains("删去"), "{d}");
}

#[test]
fn plausibility_warnings_ask_and_never_block() {
    let site = Site::new("base");
    let action = site.read("content/actions/ta-2022-001.yaml");
    site.write(
        "content/actions/yuan.yaml",
        &action.replace("罚款金额: 3", "罚款金额: 30000"),
    );
    site.write(
        "content/actions/old.yaml",
        &action.replace("决定日期: 2022-01-12", "决定日期: 1922-01-12"),
    );
    let hazard = site.read("content/hazards/th-2022-001.yaml");
    let deadline = hazard
        .lines()
        .find(|l| l.starts_with("整改时限:"))
        .unwrap()
        .to_string();
    site.write(
        "content/hazards/late.yaml",
        &hazard.replace(&deadline, "整改时限: 2031-03-01"),
    );
    let (code, diags) = site.check_json("2022-02-15");
    let warned = |path: &str, field: &str, words: &str| {
        diags.iter().any(|d| {
            d["path"] == path
                && d["field"] == field
                && d["severity"] == "warning"
                && d["message"].as_str().unwrap_or("").contains(words)
        })
    };
    assert!(
        warned(
            "content/actions/yuan.yaml",
            "罚款金额",
            "是否以元为单位填写"
        ),
        "{diags:#?}"
    );
    assert!(
        warned("content/actions/old.yaml", "决定日期", "早于 2000 年"),
        "{diags:#?}"
    );
    assert!(
        warned("content/hazards/late.yaml", "整改时限", "一年以后"),
        "{diags:#?}"
    );
    assert!(
        warned("content/hazards/late.yaml", "整改时限", "挂牌一年以后"),
        "{diags:#?}"
    );
    // Warnings only: the check passes.
    assert_eq!(
        code,
        0,
        "{:#?}",
        diags
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect::<Vec<_>>()
    );
}
