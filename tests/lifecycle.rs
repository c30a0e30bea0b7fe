//! What is public on a build date: scheduled, draft, withdrawn, expired and
//! removed records, derived statuses, corrections, masking and party pages.

mod common;
use common::{Site, snapshot};

/// Every output file whose bytes contain `needle`.
fn files_containing(site: &Site, needle: &str) -> Vec<String> {
    snapshot(&site.path().join("public"))
        .into_iter()
        .filter(|(_, b)| String::from_utf8_lossy(b).contains(needle))
        .map(|(p, _)| p)
        .collect()
}

const ACTION: &str = "措施类型: 行政处罚
处罚类别: [罚款]
当事人:
  名称: 测试燃气有限公司
  统一社会信用代码: 91210381MA0TAX0017
决定机关: 测试市市场监督管理局
原因: 原因。
";

fn action(site: &Site, id: &str, doc: &str, decided: &str, published: &str, extra: &str) {
    site.write(
        &format!("content/actions/{id}.yaml"),
        &format!("发布日期: {published}\n决定日期: {decided}\n决定书文号: {doc}\n{ACTION}{extra}"),
    );
}

#[test]
fn scheduled_and_draft_records_are_absent_everywhere() {
    let site = Site::new("base");
    action(
        &site,
        "later",
        "定时文号〔2022〕88号",
        "2022-02-10",
        "2022-03-01",
        "罚款金额: 5\n",
    );
    action(
        &site,
        "draft",
        "草稿文号〔2022〕99号",
        "2022-02-10",
        "2022-02-11",
        "罚款金额: 5\n状态: 草稿\n",
    );
    site.build("2022-02-15");
    assert!(!site.exists("public/actions/later.html"));
    assert!(!site.exists("public/actions/draft.html"));
    assert_eq!(files_containing(&site, "定时文号"), Vec::<String>::new());
    assert_eq!(files_containing(&site, "草稿文号"), Vec::<String>::new());
    // on its publication date the scheduled record appears in pages, lists, feeds and data
    site.build("2022-03-01");
    let found = files_containing(&site, "定时文号");
    for f in [
        "actions/later.html",
        "actions/index.html",
        "data/actions.json",
        "data/actions.csv",
    ] {
        assert!(found.contains(&f.to_string()), "{f} missing from {found:?}");
    }
    assert!(site.read("public/feed.xml").contains("actions/later.html"));
    // --drafts previews both, with a banner
    let out = site.run(&[
        "build",
        "--date",
        "2022-02-15",
        "--drafts",
        "--out",
        "preview",
    ]);
    assert!(out.status.success());
    let page = site.read("preview/actions/draft.html");
    assert!(
        page.contains("notice--draft") && page.contains("草稿"),
        "{page}"
    );
}

#[test]
fn withdrawn_record_keeps_its_url_with_only_the_notice() {
    let site = Site::new("base");
    action(
        &site,
        "gone",
        "撤回文号〔2022〕7号",
        "2022-01-05",
        "2022-01-06",
        "罚款金额: 5\n状态: 已撤回\n撤回: {日期: 2022-02-01, 原因: 决定已被依法撤销}\n",
    );
    site.build("2022-02-15");
    let page = site.read("public/actions/gone.html");
    assert!(
        page.contains("本信息已撤回")
            && page.contains("决定已被依法撤销")
            && page.contains("2022-02-01")
    );
    assert!(!page.contains("撤回文号"), "the notice shows nothing else");
    assert_eq!(files_containing(&site, "撤回文号"), Vec::<String>::new());
    let mut lists = files_containing(&site, "actions/gone.html");
    lists.retain(|f| f != "actions/gone.html" && f != "sitemap.xml");
    assert_eq!(
        lists,
        Vec::<String>::new(),
        "no list, feed or export links to it"
    );
}

#[test]
fn corrections_are_shown_in_date_order() {
    let site = Site::new("base");
    let text = site.read("content/cases/tc-2022-001.yaml")
        + "更正:\n  - {日期: 2022-02-03, 说明: 第二次更正}\n  - {日期: 2022-01-25, 说明: 第一次更正}\n";
    site.write("content/cases/tc-2022-001.yaml", &text);
    site.build("2022-02-15");
    let page = site.read("public/cases/tc-2022-001.html");
    let a = page.find("第一次更正").expect("first");
    let b = page.find("第二次更正").expect("second");
    assert!(a < b);
    let json = site.read("public/data/cases.json");
    assert!(
        json.contains("\"更正\":[{\"日期\":\"2022-01-25\""),
        "{json}"
    );
}

#[test]
fn publicity_periods_expire() {
    let site = Site::new("base");
    // light: only 罚款, ≤ 1 万元 → 3 months
    action(
        &site,
        "light",
        "轻微文号〔2022〕1号",
        "2022-01-10",
        "2022-01-11",
        "罚款金额: 0.5\n",
    );
    // not light: 2 万元 → 3 years
    action(
        &site,
        "heavy",
        "较重文号〔2022〕2号",
        "2022-01-10",
        "2022-01-11",
        "罚款金额: 2\n",
    );
    // explicit end
    action(
        &site,
        "ends",
        "截止文号〔2022〕3号",
        "2022-01-10",
        "2022-01-11",
        "罚款金额: 5\n公示截止日期: 2022-03-31\n",
    );
    site.build("2022-04-11");
    assert!(
        site.exists("public/actions/light.html"),
        "3 months from its publication on 2022-01-11 is 2022-04-11: still public"
    );
    assert!(!site.exists("public/actions/ends.html"));
    assert!(files_containing(&site, "截止文号").is_empty());
    site.build("2022-04-12");
    assert!(!site.exists("public/actions/light.html"));
    assert!(
        files_containing(&site, "轻微文号").is_empty(),
        "expired: gone without a notice"
    );
    assert!(site.exists("public/actions/heavy.html"));
    site.build("2025-01-11");
    assert!(site.exists("public/actions/heavy.html"));
    site.build("2025-01-12");
    assert!(!site.exists("public/actions/heavy.html"));
}

#[test]
fn publicity_periods_run_from_the_decision_where_the_site_says_so() {
    let site = Site::new("base");
    action(
        &site,
        "light",
        "轻微文号〔2022〕1号",
        "2022-01-10",
        "2022-01-11",
        "罚款金额: 0.5\n",
    );
    site.build("2022-04-11");
    assert!(site.exists("public/actions/light.html"));
    let cfg = site.read("content/site.yaml") + "公示期起算: 决定日期\n";
    site.write("content/site.yaml", &cfg);
    site.build("2022-04-11");
    assert!(
        !site.exists("public/actions/light.html"),
        "3 months from the decision on 2022-01-10 ended on 2022-04-10"
    );
}

#[test]
fn a_withdrawal_or_correction_dated_later_has_no_effect_yet() {
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml")
        + "状态: 已撤回\n撤回: {日期: 2022-03-01, 原因: 决定已被撤销。}\n更正:\n  - {日期: 2022-03-05, 说明: 更正决定书文号。}\n";
    site.write("content/actions/ta-2022-001.yaml", &text);
    site.build("2022-02-15");
    let page = site.read("public/actions/ta-2022-001.html");
    assert!(!page.contains("决定已被撤销"), "not withdrawn yet");
    assert!(page.contains("充装超期未检气瓶"), "the record as published");
    assert!(!page.contains("更正决定书文号"), "no correction yet");
    assert!(
        site.read("public/data/actions.json")
            .contains("ta-2022-001")
    );
    site.build("2022-03-01");
    let page = site.read("public/actions/ta-2022-001.html");
    assert!(page.contains("决定已被撤销"));
    assert!(!page.contains("充装超期未检气瓶"));
    assert!(
        !site
            .read("public/data/actions.json")
            .contains("ta-2022-001")
    );
}

#[test]
fn light_penalty_period_follows_site_settings() {
    let site = Site::new("base");
    let cfg = site.read("content/site.yaml") + "公示期: {轻微处罚: 10天}\n较低数额罚款: 0.2\n";
    site.write("content/site.yaml", &cfg);
    action(
        &site,
        "light",
        "轻微文号〔2022〕1号",
        "2022-01-10",
        "2022-01-11",
        "罚款金额: 0.1\n",
    );
    action(
        &site,
        "over",
        "超额文号〔2022〕2号",
        "2022-01-10",
        "2022-01-11",
        "罚款金额: 0.5\n",
    );
    site.build("2022-01-21");
    assert!(
        site.exists("public/actions/light.html"),
        "10 days from 2022-01-11"
    );
    site.build("2022-01-22");
    assert!(!site.exists("public/actions/light.html"));
    assert!(site.exists("public/actions/over.html"));
}

#[test]
fn hazard_statuses_on_the_build_date() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let page = site.read("public/hazards/th-2022-001.html");
    assert!(page.contains("badge--warn\">督办中"), "before the deadline");
    site.build("2022-03-02");
    let page = site.read("public/hazards/th-2022-001.html");
    assert!(page.contains("badge--danger\">已逾期"));
    assert!(
        site.read("public/index.html")
            .contains("逾期未整改的重大事故隐患")
    );
    assert!(
        site.read("public/data/hazards.json")
            .contains("\"状态\":\"已逾期\"")
    );
    let text = site.read("content/hazards/th-2022-001.yaml")
        + "销号: {日期: 2022-03-05, 验收单位: 测试市市场监督管理局}\n";
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build("2022-03-04");
    let page = site.read("public/hazards/th-2022-001.html");
    assert!(
        page.contains("badge--danger\">已逾期"),
        "signed off only from the sign-off date on"
    );
    site.build("2022-03-10");
    let page = site.read("public/hazards/th-2022-001.html");
    assert!(page.contains("badge--ok\">已销号"));
    assert!(page.contains("2022-03-05，经测试市市场监督管理局验收，整改完毕销号。"));
}

#[test]
fn clue_feedback_deadline() {
    let site = Site::new("base");
    // assigned 2022-01-17, default deadline +7 days = 2022-01-24
    site.build("2022-01-24");
    assert!(
        site.read("public/data/clues.json")
            .contains("\"状态\":\"办理中\"")
    );
    site.build("2022-01-25");
    assert!(
        site.read("public/clues/tx-2022-001.html")
            .contains("超期未反馈")
    );
    let text =
        site.read("content/clues/tx-2022-001.yaml") + "实际反馈日期: 2022-01-23\n是否属实: 属实\n";
    site.write("content/clues/tx-2022-001.yaml", &text);
    site.build("2022-01-25");
    assert!(
        site.read("public/data/clues.json")
            .contains("\"状态\":\"已反馈\"")
    );
}

#[test]
fn a_default_feedback_deadline_on_a_rest_day_moves_to_the_next_working_day() {
    let site = Site::new("base");
    // Assigned Monday 2022-01-24: + 7 days is 2022-01-31, a holiday of the
    // site (2022-01-31 to 2022-02-04), then a weekend: Monday 2022-02-07.
    let text = site
        .read("content/clues/tx-2022-001.yaml")
        .replace("交办日期: 2022-01-17", "交办日期: 2022-01-24");
    site.write("content/clues/tx-2022-001.yaml", &text);
    site.build("2022-02-07");
    let data = site.read("public/data/clues.json");
    assert!(data.contains("\"反馈期限\":\"2022-02-07\""), "{data}");
    assert!(data.contains("\"状态\":\"办理中\""), "{data}");
    site.build("2022-02-08");
    assert!(
        site.read("public/data/clues.json")
            .contains("\"状态\":\"超期未反馈\"")
    );
    // A deadline that is written is kept as written.
    let text = site.read("content/clues/tx-2022-001.yaml") + "反馈期限: 2022-01-31\n";
    site.write("content/clues/tx-2022-001.yaml", &text);
    site.build("2022-02-01");
    assert!(
        site.read("public/data/clues.json")
            .contains("\"反馈期限\":\"2022-01-31\"")
    );
}

fn blacklist_removed(site: &Site, removal: &str) {
    let text = site.read("content/blacklist/tb-2022-001.yaml") + removal;
    site.write("content/blacklist/tb-2022-001.yaml", &text);
}

#[test]
fn blacklist_current_removal_notice_then_gone() {
    let site = Site::new("base");
    blacklist_removed(
        &site,
        "移出: {日期: 2023-03-01, 原因: 信用修复, 说明: 已完成信用修复}\n",
    );
    site.build("2023-02-28");
    assert!(
        site.read("public/blacklist/index.html")
            .contains("测试黑名单气体有限公司")
    );
    assert!(
        site.read("public/data/blacklist.json")
            .contains("\"状态\":\"在列\"")
    );
    site.build("2023-03-15");
    assert!(
        !site
            .read("public/blacklist/index.html")
            .contains("测试黑名单气体有限公司")
    );
    assert!(
        !site
            .read("public/data/blacklist.json")
            .contains("91210381MA0BLK001M")
    );
    assert!(
        site.read("public/blacklist/removed.html")
            .contains("测试黑名单气体有限公司")
    );
    assert!(
        site.read("public/data/blacklist-removed.json")
            .contains("91210381MA0BLK001M")
    );
    // 30 days after removal the notice is gone too
    site.build("2023-04-01");
    assert!(
        !site
            .read("public/blacklist/removed.html")
            .contains("测试黑名单气体有限公司")
    );
    assert!(!site.exists("public/blacklist/tb-2022-001.html"));
}

#[test]
fn blacklist_entry_expires_after_its_publicity_period() {
    let site = Site::new("base");
    site.build("2025-01-24");
    assert!(
        site.read("public/data/blacklist.json")
            .contains("\"状态\":\"在列\"")
    );
    site.build("2025-01-25");
    let removed = site.read("public/blacklist/removed.html");
    assert!(removed.contains("期满"));
    // Listed on 2025-01-24, its last day: removed on the 25th.
    assert!(
        removed.contains("<td>2025-01-25</td>") && !removed.contains("2025-01-24"),
        "{removed}"
    );
    assert!(
        site.read("public/data/blacklist-removed.json")
            .contains("\"移出\":{\"日期\":\"2025-01-25\",\"原因\":\"期满\"}")
    );
    assert!(
        !site
            .read("public/data/blacklist.json")
            .contains("91210381MA0BLK001M")
    );
    // The notice stays 30 days from the removal.
    site.build("2025-02-24");
    assert!(
        site.read("public/blacklist/removed.html")
            .contains("<td>2025-01-25</td>")
    );
    site.build("2025-02-25");
    assert!(
        !site
            .read("public/blacklist/removed.html")
            .contains("<td>2025-01-25</td>")
    );
}

#[test]
fn a_withdrawn_free_page_is_a_notice_and_the_site_builds() {
    let site = Site::new("base");
    let page = site.read("content/pages/about.md").replacen(
        "---\n",
        "---\n状态: 已撤回\n撤回: {日期: 2022-03-08, 原因: 页面过时。}\n",
        1,
    );
    site.write("content/pages/about.md", &page);
    for date in ["2022-03-07", "2022-03-08", "2022-03-09"] {
        let o = site.build(date);
        assert!(
            o.status.success(),
            "{date}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let notice = site.read("public/pages/about.html");
    assert!(
        notice.contains("本信息已撤回") && notice.contains("页面过时"),
        "{notice}"
    );
    assert!(!notice.contains("pages/index.html"), "{notice}");
}

#[test]
fn natural_persons_are_masked_and_get_no_party_page() {
    let site = Site::new("base");
    site.write(
        "content/actions/person.yaml",
        "发布日期: 2022-02-10\n措施类型: 关闭取缔\n当事人: {名称: 王建国, 类型: 自然人}\n决定日期: 2022-02-09\n决定机关: 测试市应急管理局\n原因: 非法倒装液化石油气。\n",
    );
    site.build("2022-02-15");
    let page = site.read("public/actions/person.html");
    assert!(page.contains("王某"));
    assert!(
        files_containing(&site, "王建国").is_empty(),
        "the full name appears nowhere"
    );
    let parties = snapshot(&site.path().join("public/parties"));
    assert!(
        parties
            .iter()
            .all(|(_, b)| !String::from_utf8_lossy(b).contains("王某")),
        "no party page"
    );
}

#[test]
fn party_page_gathers_every_record_of_the_same_code() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let page = site.read("public/parties/91210381MA0TAX0017.html");
    assert!(page.contains("cases/tc-2022-001.html"));
    assert!(page.contains("actions/ta-2022-001.html"));
    assert!(
        site.read("public/cases/tc-2022-001.html")
            .contains("parties/91210381MA0TAX0017.html")
    );
}

#[test]
fn build_twice_gives_identical_bytes() {
    let site = Site::new("base");
    site.run(&["build", "--date", "2022-02-15", "--out", "a"]);
    site.run(&["build", "--date", "2022-02-15", "--out", "b"]);
    let a = snapshot(&site.path().join("a"));
    let b = snapshot(&site.path().join("b"));
    assert!(a.len() > 30);
    assert_eq!(a.len(), b.len());
    for ((pa, ba), (pb, bb)) in a.iter().zip(b.iter()) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let before = snapshot(&site.path().join("public"));
    site.write("content/cases/broken.yaml", "标题: [\n");
    let out = site.run(&["build", "--date", "2022-02-16"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("content/cases/broken.yaml:"));
    assert_eq!(before, snapshot(&site.path().join("public")));
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary directory left behind");
}

#[test]
fn markdown_never_passes_raw_html() {
    let site = Site::new("base");
    let text = site.read("content/cases/tc-2022-001.yaml").replace(
        "  2022年1月10日",
        "  <script>alert(1)</script> <img src=x onerror=alert(3)>\n\n  见 [链接](javascript:alert(2)) 与 [另一个](JAVASCRIPT:alert(4))。\n\n  2022年1月10日",
    );
    site.write("content/cases/tc-2022-001.yaml", &text);
    site.build("2022-02-15");
    let page = site.read("public/cases/tc-2022-001.html");
    assert!(!page.contains("<script>alert"), "raw script");
    assert!(
        !page.to_lowercase().contains("href=\"javascript"),
        "javascript url"
    );
    assert!(!page.contains("<img src=x"), "raw img");
    assert!(page.contains("&lt;script&gt;"));
}

/// With many overdue hazards the home page shows the ten longest overdue
/// and links to their full list, which is paginated, longest overdue first,
/// and in the sitemap: a large site's home page stays light on a phone.
#[test]
fn the_home_page_shows_the_longest_overdue_hazards_and_links_to_all() {
    let site = Site::new("base");
    let text = site.read("content/hazards/th-2022-001.yaml");
    // 25 more overdue hazards, deadlines 2022-02-01 … 2022-02-25, written
    // in an order unlike their deadlines
    for i in 0..25u32 {
        let day = (i * 7) % 25 + 1;
        site.write(
            &format!("content/hazards/od-{day:02}.yaml"),
            &text.replace(
                "整改时限: 2022-03-01",
                &format!("整改时限: 2022-02-{day:02}"),
            ),
        );
    }
    site.build("2022-03-15");
    let home = site.read("public/index.html");
    let section = home
        .split("id=\"overdue-h\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the overdue section");
    let shown: Vec<&str> = section
        .match_indices("hazards/")
        .map(|(i, _)| &section[i + 8..i + 13])
        .filter(|id| id.starts_with("od-") || id.starts_with("th-"))
        .collect();
    let expected: Vec<String> = (1..=10).map(|d| format!("od-{d:02}")).collect();
    assert_eq!(shown, expected, "the ten earliest deadlines, in order");
    assert!(
        section.contains("href=\"hazards/overdue.html\">查看全部 26 项逾期未整改隐患</a>"),
        "{section}"
    );
    // The latest hazards say how late each is, as the lists do.
    let latest = home
        .split("id=\"sec-hazards\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the hazards section");
    assert!(latest.contains("逾期 42 天"), "{latest}");
    let page1 = site.read("public/hazards/overdue.html");
    let page2 = site.read("public/hazards/overdue/2.html");
    assert!(
        page1.contains("共 26 项，按整改时限从早到晚排列。"),
        "{page1}"
    );
    assert!(
        page1.contains("rel=\"next\" href=\"../hazards/overdue/2.html\""),
        "{page1}"
    );
    let count = |p: &str| p.matches("<li class=\"record-item").count();
    assert_eq!((count(&page1), count(&page2)), (20, 6));
    // every overdue hazard once, the last page ending with the latest
    for d in 1..=25 {
        let id = format!("hazards/od-{d:02}.html");
        assert_eq!(
            page1.matches(&id).count() + page2.matches(&id).count(),
            1,
            "{id}"
        );
    }
    assert!(page2.contains("hazards/th-2022-001.html"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("hazards/overdue.html") && sitemap.contains("hazards/overdue/2.html"));
}

/// The sitemap lists the published pages: each of its URLs is a page of
/// the output, and each page is in it but 404.html and the `noindex`
/// withdrawal notices. (The daily progress records feed the reports and
/// have no page of their own.)
#[test]
fn the_sitemap_lists_the_pages_that_are_published() {
    let site = Site::new("base");
    site.build("2022-03-15");
    let sitemap = site.read("public/sitemap.xml");
    let base = sitemap
        .split("<loc>")
        .nth(1)
        .and_then(|s| s.split("index.html").next())
        .expect("the home page first")
        .to_string();
    let listed: std::collections::BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().replacen(&base, "", 1))
        .collect();
    let public = site.path().join("public");
    let mut pages = std::collections::BTreeSet::new();
    for e in walkdir::WalkDir::new(&public) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".html")
            && rel != "404.html"
            && !std::fs::read_to_string(e.path())
                .unwrap()
                .contains("content=\"noindex\"")
        {
            pages.insert(rel);
        }
    }
    assert!(pages.len() > 20 && pages.iter().any(|p| p.starts_with("reports/daily/")));
    let missing: Vec<_> = pages.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&pages).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not listed: {missing:?}; no such page: {extra:?}"
    );
}

/// The party index is paginated: each page a hundred parties with their
/// record counts, all parties once, linked pages in the sitemap.
#[test]
fn the_party_index_is_paginated() {
    let site = Site::new("base");
    for i in 0..150 {
        action(
            &site,
            &format!("pi-{i:03}"),
            &format!("索引文号〔2022〕{}号", 200 + i),
            "2022-02-10",
            "2022-02-11",
            "罚款金额: 1\n",
        );
        let path = format!("content/actions/pi-{i:03}.yaml");
        let text = site.read(&path).replace(
            "  名称: 测试燃气有限公司\n  统一社会信用代码: 91210381MA0TAX0017\n",
            &format!("  名称: 索引测试第{i:03}号有限公司\n  类型: 企业\n"),
        );
        site.write(&path, &text);
    }
    site.build("2022-02-15");
    let page1 = site.read("public/parties/index.html");
    let page2 = site.read("public/parties/page/2.html");
    let rows = |p: &str| p.matches("<tr><th scope=\"row\">").count();
    let total = rows(&page1) + rows(&page2);
    assert_eq!(rows(&page1), 100);
    assert!(total > 150, "all parties: {total}");
    assert!(
        page1.contains(&format!("当事人（共 {total} 个，第 1 / 2 页）")),
        "{page1}"
    );
    assert!(page1.contains("rel=\"next\" href=\"../parties/page/2.html\""));
    assert!(page2.contains("rel=\"prev\" href=\"../../parties/index.html\""));
    for i in 0..150 {
        let name = format!("索引测试第{i:03}号有限公司");
        assert_eq!(
            page1.matches(&name).count() + page2.matches(&name).count(),
            1,
            "{name}"
        );
    }
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("parties/page/2.html"));
    // Every page of the (150 records long) list of actions too: every
    // action on exactly one numbered page, the newest 20 on the first page
    // as well, which links the newest numbered pages.
    let pages: Vec<String> = std::fs::read_dir(site.path().join("public/actions/page"))
        .expect("the list of actions has more pages")
        .map(|e| format!("actions/page/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert!(pages.len() >= 7, "{pages:?}");
    let mut listed = String::new();
    for p in &pages {
        assert!(
            sitemap.contains(&format!("/{p}</loc>")),
            "{p} not in the sitemap"
        );
        listed.push_str(&site.read(&format!("public/{p}")));
    }
    let first = site.read("public/actions/index.html");
    let newest = pages
        .iter()
        .filter_map(|p| {
            p.trim_start_matches("actions/page/")
                .trim_end_matches(".html")
                .parse::<usize>()
                .ok()
        })
        .max()
        .unwrap();
    assert!(
        first.contains(&format!("href=\"../actions/page/{newest}.html\"")),
        "{first}"
    );
    let on_first = (0..150)
        .filter(|i| first.contains(&format!("actions/pi-{i:03}.html\"")))
        .count();
    assert!(on_first >= 20, "{on_first}");
    for i in 0..150 {
        let link = format!("actions/pi-{i:03}.html\"");
        assert_eq!(listed.matches(&link).count(), 1, "{link}");
    }
}

#[test]
fn a_removal_notice_links_to_its_party_only_while_that_page_exists() {
    let site = Site::new("base");
    blacklist_removed(
        &site,
        "移出: {日期: 2023-03-01, 原因: 信用修复, 说明: 已完成信用修复}\n",
    );
    site.build("2023-02-28");
    assert!(
        site.read("public/blacklist/tb-2022-001.html")
            .contains("parties/91210381MA0BLK001M.html")
    );
    site.build("2023-03-15");
    assert!(!site.exists("public/parties/91210381MA0BLK001M.html"));
    for page in [
        "public/blacklist/tb-2022-001.html",
        "public/blacklist/removed.html",
    ] {
        assert!(
            !site.read(page).contains("parties/91210381MA0BLK001M.html"),
            "{page} links to a page that is not there"
        );
    }
}

#[test]
fn a_dangling_link_is_a_build_error_named_at_its_record() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let before = snapshot(&site.path().join("public"));
    let text = site.read("content/cases/tc-2022-001.yaml").replace(
        "  2022年1月10日",
        "  见 [处罚决定](../actions/no-such-action.html)。\n\n  2022年1月10日",
    );
    site.write("content/cases/tc-2022-001.yaml", &text);
    let out = site.run(&["build", "--date", "2022-02-15"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/cases/tc-2022-001.yaml:"), "{err}");
    assert!(err.contains("actions/no-such-action.html"), "{err}");
    assert_eq!(before, snapshot(&site.path().join("public")));
    let (code, _) = site.check_json("2022-02-15");
    assert_eq!(code, 1, "check agrees");
    // A link to a page that exists is fine.
    let text = text.replace("no-such-action", "ta-2022-001");
    site.write("content/cases/tc-2022-001.yaml", &text);
    site.build("2022-02-15");
}

/// A 销号, a 移出 and a clue's feedback and progress dated after the build
/// date are in no page and no open data until that date, and then they are.
#[test]
fn events_dated_after_the_build_date_are_not_public_yet() {
    let site = Site::new("base");
    let append = |rel: &str, extra: &str| {
        let text = site.read(rel);
        site.write(rel, &format!("{text}{extra}"));
    };
    append(
        "content/hazards/th-2022-001.yaml",
        "销号: {日期: 2023-03-05, 验收单位: 测试验收组甲, 说明: 销号说明甲。}\n",
    );
    append(
        "content/blacklist/tb-2022-001.yaml",
        "移出: {日期: 2023-05-20, 原因: 信用修复, 说明: 移出说明乙。}\n",
    );
    append(
        "content/clues/tx-2022-001.yaml",
        "实际反馈日期: 2023-05-07\n进展:\n  - {日期: 2022-02-01, 说明: 进展说明丙。}\n  - {日期: 2023-05-08, 说明: 进展说明丁。}\n",
    );
    let later = ["测试验收组甲", "移出说明乙", "2023-05-07", "进展说明丁"];
    site.build("2023-03-01");
    for needle in later {
        assert_eq!(
            files_containing(&site, needle),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // What is dated before the build date is there.
    assert!(!files_containing(&site, "进展说明丙").is_empty());
    let clues = site.read("public/data/clues.json");
    assert!(clues.contains("超期未反馈"), "{clues}");
    site.build("2023-06-01");
    for needle in later {
        let files = files_containing(&site, needle);
        assert!(
            files.iter().any(|f| f.starts_with("data/")),
            "{needle}: {files:?}"
        );
    }
}

/// A party with other records keeps its page while its blacklist entry is
/// a removal notice: the page lists the notice, and the notice list links
/// the page and the notices' open data.
#[test]
fn a_party_page_gathers_its_removal_notice() {
    let site = Site::new("base");
    blacklist_removed(
        &site,
        "移出: {日期: 2023-03-01, 原因: 信用修复, 说明: 已完成信用修复}\n",
    );
    action(
        &site,
        "ta-2023-005",
        "测市监罚〔2023〕5号",
        "2023-01-10",
        "2023-01-12",
        "罚款金额: 1\n",
    );
    let text = site
        .read("content/actions/ta-2023-005.yaml")
        .replace("测试燃气有限公司", "测试黑名单气体有限公司")
        .replace("91210381MA0TAX0017", "91210381MA0BLK001M");
    site.write("content/actions/ta-2023-005.yaml", &text);
    site.build("2023-03-15");
    let party = site.read("public/parties/91210381MA0BLK001M.html");
    assert!(party.contains("blacklist/tb-2022-001.html"), "{party}");
    assert!(party.contains("actions/ta-2023-005.html"), "{party}");
    let removed = site.read("public/blacklist/removed.html");
    assert!(
        removed.contains("parties/91210381MA0BLK001M.html"),
        "{removed}"
    );
    assert!(removed.contains("data/blacklist-removed.json"), "{removed}");
}
