//! The portal a citizen expects, checked in headless Chromium on the demo
//! site (`tools/web/portal.js` measures, this file judges): search from
//! every page and the home page's company lookup, the forgiving search,
//! the phone layout at 360 px, the 404 page at any depth, lists that
//! inform, readable charts, credit-repair help, favicon and site map, and
//! the printed daily report. Screenshots of each new state go to
//! `target/screenshots/`.
//!
//! Needs what `tools/install-test-deps.sh` installs (node, Chromium and
//! the npm packages of tools/web).

mod common;
use chrono::NaiveDate;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo site built on `date`, and the portal report on it.
fn report(date: &str) -> Option<(tempfile::TempDir, Value)> {
    let tools = [
        ("node", common::runs("node")),
        (
            "playwright-core",
            root()
                .join("tools/web/node_modules/playwright-core")
                .is_dir(),
        ),
        ("Chromium", Path::new("/usr/bin/chromium").exists()),
    ];
    if !common::tools_present("the portal test", &tools) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let status = Command::new(common::BIN)
        .args(["build", ".", "--date", date, "--out"])
        .arg(&out)
        .current_dir(root())
        .status()
        .unwrap();
    assert!(status.success());
    let run = Command::new("node")
        .arg(root().join("tools/web/portal.js"))
        .arg(&out)
        .arg(root().join("target/screenshots"))
        .current_dir(root().join("tools/web"))
        .output()
        .expect("node");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: Value = serde_json::from_slice(&run.stdout).unwrap();
    Some((dir, v))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_citizen_finds_reads_and_prints_on_phone_and_desktop() {
    let Some((_dir, r)) = report("2026-11-22") else {
        return;
    };
    search_from_anywhere(&r);
    forgiving_search(&r);
    phone_first(&r);
    not_found_at_any_depth(&r);
    lists_that_inform(&r);
    charts_that_can_be_read(&r);
    what_citizens_look_for(&r);
    print(&r);
    for shot in [
        "search-near-360.png",
        "menu-closed-360.png",
        "menu-open-360.png",
        "deep-404-360.png",
        "list-filtered-360.png",
        "report-table-360.png",
        "stats-chart-360.png",
    ] {
        assert!(
            root().join("target/screenshots").join(shot).exists(),
            "{shot}"
        );
    }
}

fn search_from_anywhere(r: &Value) {
    for p in r["header_search"].as_array().unwrap() {
        let form = &p["form"];
        assert_eq!(form["method"], "get", "{p}");
        assert!(
            form["action"]
                .as_str()
                .is_some_and(|a| a.ends_with("search.html")),
            "{p}"
        );
        assert_eq!(form["name"], "q", "{p}");
    }
    // Without JavaScript, the header's form still reaches the results page.
    assert_eq!(r["header_search_lands"], "search.html?q=%E6%B0%94%E7%93%B6");
    let lookup = &r["lookup"];
    assert!(
        lookup["box"]["label"]
            .as_str()
            .is_some_and(|l| l.contains("企业名称") && l.contains("统一社会信用代码")),
        "{lookup}"
    );
    let code = lookup["code"].as_str().unwrap();
    assert_eq!(lookup["lands"], format!("search.html?q={code}"));
}

fn forgiving_search(r: &Value) {
    let near = &r["near"];
    let name = near["name"].as_str().unwrap();
    // 有限 left out: no exact match, the company among 相近结果, and its
    // name suggested.
    let status = near["status"].as_str().unwrap();
    assert!(status.contains("共找到 0 条结果"), "{near}");
    assert!(status.contains("相近结果"), "{near}");
    assert_eq!(near["heading"], "相近结果");
    assert!(
        strs(&near["links"]).iter().any(|l| l.contains(name)),
        "{near}"
    );
    assert_eq!(strs(&near["did_you_mean"]), vec![name.to_string()]);
    // The exact name: exact results first, as before.
    assert!(
        !near["exact_status"]
            .as_str()
            .unwrap()
            .contains("共找到 0 条"),
        "{near}"
    );
    assert_eq!(near["exact_first"], true);
    // Nothing at all: the empty result offers help.
    assert!(
        near["nothing"]["help"]
            .as_str()
            .is_some_and(|h| h.contains("当事人索引")),
        "{near}"
    );
}

fn phone_first(r: &Value) {
    let phone = &r["phone"];
    for h in phone["headings"].as_array().unwrap() {
        let top = h["top"].as_i64().unwrap();
        assert!((0..=220).contains(&top), "heading below 220 px: {h}");
    }
    for s in phone["sideways"].as_array().unwrap() {
        assert_eq!(s["by"], 0, "{s}");
    }
    let values: i64 = phone["unbroken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["values"].as_i64().unwrap())
        .sum();
    assert!(values > 20, "codes and dates are marked: {phone}");
    for u in phone["unbroken"].as_array().unwrap() {
        assert_eq!(u["broken"], serde_json::json!([]), "broken inside: {u}");
    }
    let menu = &phone["menu"];
    assert_eq!(menu["details"], true, "{menu}");
    assert_eq!(menu["open"], false, "{menu}");
    assert_eq!(menu["visible"], true, "{menu}");
    assert_eq!(menu["bar_hidden"], true, "{menu}");
    assert_eq!(menu["links_visible"], 0, "folded: {menu}");
    assert!(menu["links_after_open"].as_i64().unwrap() >= 8, "{menu}");
    let crumb = &phone["crumb"];
    let text = crumb["text"].as_str().unwrap();
    assert!(crumb["title"].as_str().unwrap().chars().count() > 12);
    assert!(text.chars().count() <= 12 && text.ends_with('…'), "{crumb}");
    assert_eq!(crumb["one_line"], true);
    for c in phone["cards"].as_array().unwrap() {
        assert_eq!(c["border"], "1px", "a card: {c}");
        assert_ne!(c["radius"], "0px", "a card: {c}");
        assert!(c["width"].as_i64().unwrap() >= 300, "stacked: {c}");
    }
    let tables = phone["tables"].as_array().unwrap();
    assert!(!tables.is_empty());
    for t in tables {
        assert_eq!(t["scrolls"], true, "{t}");
        assert_eq!(t["overflow"], "auto", "{t}");
        assert!(t["hint"].as_str().unwrap().contains("滑动"), "{t}");
        assert_eq!(t["sticky"], "sticky", "{t}");
        assert!(t["narrowest"].as_f64().unwrap() >= 60.0, "{t}");
    }
}

fn not_found_at_any_depth(r: &Value) {
    let nf = &r["deep404"];
    assert_eq!(nf["status"], 404);
    assert_eq!(nf["header"], "rgb(157, 28, 32)", "styled: {nf}");
    assert_eq!(nf["home_status"], 200, "{nf}");
    assert!(
        nf["css_status"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s == 200),
        "{nf}"
    );
}

fn lists_that_inform(r: &Value) {
    let lists = &r["lists"];
    let date =
        NaiveDate::parse_from_str(lists["build_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let items = lists["hazard_items"].as_array().unwrap();
    assert!(!items.is_empty());
    let mut late = 0;
    for item in items {
        let facts = strs(&item["facts"]);
        assert!(facts.contains(&"隐患".to_string()), "{item}");
        assert!(facts.contains(&"整改时限".to_string()), "{item}");
        let href = item["href"].as_str().unwrap();
        let h = lists["hazards"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| href.ends_with(h["url"].as_str().unwrap()))
            .unwrap();
        let deadline =
            NaiveDate::parse_from_str(h["deadline"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        if h["status"] == "已逾期" {
            late += 1;
            let days = (date - deadline).num_days().to_string();
            assert_eq!(item["late"].as_str(), Some(days.as_str()), "{item}");
        } else {
            assert!(item["late"].is_null(), "{item}");
        }
    }
    assert!(late > 0, "the demo has overdue hazards");
    assert!(lists["overdue_from_hazards"].as_i64().unwrap() >= 1);
    assert!(lists["overdue_from_home"].as_i64().unwrap() >= 1);
    for b in lists["blacklist_items"].as_array().unwrap() {
        let facts = strs(b);
        for f in ["列入事由", "列入日期"] {
            assert!(facts.contains(&f.to_string()), "{b}");
        }
        assert!(
            facts.iter().any(|f| f == "预计移出" || f == "移出日期"),
            "when it leaves: {b}"
        );
    }
    // The first page links the older ones by number, and the next.
    let pages = lists["pagination"].as_array().unwrap();
    let numbered = |p: &Value| {
        p["text"]
            .as_str()
            .is_some_and(|t| t.parse::<usize>().is_ok())
            && p["href"]
                .as_str()
                .is_some_and(|h| h.contains("actions/page/"))
    };
    assert!(pages.iter().any(numbered), "numbered: {pages:?}");
    assert!(pages.iter().any(|p| p["text"] == "较早"), "{pages:?}");
    let filters = lists["filters"].as_array().unwrap();
    let names: Vec<&str> = filters
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["地区", "年份"]);
    let filtered = &lists["filtered"];
    let label = filtered["label"].as_str().unwrap();
    let items = strs(&filtered["items"]);
    assert_eq!(items.len() as i64, filtered["count"].as_i64().unwrap());
    assert!(items.iter().all(|m| m.contains(label)), "{filtered}");
    assert!(
        filtered["current"]
            .as_str()
            .is_some_and(|c| c.contains(label)),
        "{filtered}"
    );
}

fn charts_that_can_be_read(r: &Value) {
    let c = &r["charts"];
    assert!(c["count"].as_i64().unwrap() >= 4);
    assert!(
        c["smallest_text_px"].as_f64().unwrap() >= 12.0,
        "labels at least 12 px: {c}"
    );
    assert_eq!(c["scaled"], 0, "drawn at their size: {c}");
    // The month charts have a labelled y axis starting at 0.
    let with_axis: Vec<Vec<String>> = c["y_ticks"]
        .as_array()
        .unwrap()
        .iter()
        .map(strs)
        .filter(|t| !t.is_empty())
        .collect();
    assert!(!with_axis.is_empty());
    for t in &with_axis {
        assert!(t.len() >= 2 && t[0] == "0", "{t:?}");
    }
    // Months are continuous: each row is the month after the one before.
    let months = c["months"].as_array().unwrap();
    assert!(!months.is_empty());
    for rows in months {
        let rows = strs(rows);
        for w in rows.windows(2) {
            let a = NaiveDate::parse_from_str(&format!("{}-01", w[0]), "%Y-%m-%d").unwrap();
            let b = NaiveDate::parse_from_str(&format!("{}-01", w[1]), "%Y-%m-%d").unwrap();
            assert_eq!(
                a.checked_add_months(chrono::Months::new(1)),
                Some(b),
                "{rows:?}"
            );
        }
    }
    for folded in c["tables_in_details"].as_array().unwrap() {
        assert_eq!(folded, true, "each chart's table folded below it");
    }
    let heads: Vec<Vec<String>> = c["heads"].as_array().unwrap().iter().map(strs).collect();
    assert!(
        heads.iter().all(|h| !h.contains(&"数量".to_string())),
        "{heads:?}"
    );
    assert!(heads.contains(&vec!["月份".to_string(), "罚款金额（万元）".to_string()]));
}

fn what_citizens_look_for(r: &Value) {
    for page in ["penalty", "party", "blacklist"] {
        let help = r["help"][page].as_str().unwrap_or("");
        assert!(help.contains("信用修复"), "{page}: {help}");
        assert!(help.contains("异议"), "{page}: {help}");
    }
    assert_eq!(r["favicon"]["status"], 200);
    assert_eq!(r["favicon"]["ico"], 200);
    assert_eq!(r["sitemap"]["linked"], 1);
    let links = strs(&r["sitemap"]["links"]);
    for want in [
        "cases/index.html",
        "search.html",
        "parties/index.html",
        "stats.html",
    ] {
        assert!(links.iter().any(|l| l == want), "{want}: {links:?}");
    }
}

fn print(r: &Value) {
    let p = &r["print"];
    assert_eq!(p["downloads"], 0, "no download links on paper: {p}");
    assert_eq!(p["empty_rows"], 0, "{p}");
    let empty = p["empty_sections"].as_array().unwrap();
    assert!(!empty.is_empty(), "{p}");
    for e in empty {
        assert_eq!(e["lines"], 1, "{e}");
        assert!(e["text"].as_str().unwrap().ends_with("：无"), "{e}");
    }
    for b in p["thead_break_after"].as_array().unwrap() {
        assert_eq!(b, "avoid", "{p}");
    }
    for b in p["caption_break_after"].as_array().unwrap() {
        assert_eq!(b, "avoid", "{p}");
    }
    for d in p["thead_repeats"].as_array().unwrap() {
        assert_eq!(d, "table-header-group", "{p}");
    }
    // The statistics' charts fit the page, and their figures print too.
    assert_eq!(p["charts_overflow"], 0, "{p}");
    assert!(p["chart_tables"].as_u64().unwrap() > 0, "{p}");
    assert_eq!(p["chart_tables_printed"], p["chart_tables"], "{p}");
    assert_eq!(p["chart_tables_after"], 0, "{p}");
}

/// `init` writes a site with contact and privacy pages and the texts of
/// 信用修复 and 异议 in site.yaml, which the pages show.
#[test]
fn init_writes_contact_privacy_and_credit_texts() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = Command::new(common::BIN)
        .arg("init")
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success());
    let yaml = std::fs::read_to_string(site.join("content/site.yaml")).unwrap();
    assert!(
        yaml.contains("信用修复:") && yaml.contains("异议:"),
        "{yaml}"
    );
    let built = Command::new(common::BIN)
        .args(["build", "--date", "2026-12-05"])
        .current_dir(&site)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let public = site.join("public");
    for page in [
        "pages/contact.html",
        "pages/privacy.html",
        "sitemap.html",
        "favicon.ico",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    let footer = std::fs::read_to_string(public.join("index.html")).unwrap();
    for link in ["pages/contact.html", "pages/privacy.html", "sitemap.html"] {
        assert!(footer.contains(link), "{link} in the footer");
    }
    // The site's own 异议 text is shown where penalties are.
    let party = std::fs::read_dir(public.join("parties"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name() != "index.html")
        .unwrap();
    let html = std::fs::read_to_string(party.path()).unwrap();
    assert!(html.contains("经核实有误的，将及时更正"), "{html}");
}
