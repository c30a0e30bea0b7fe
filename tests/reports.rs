//! Reports and statistics against values computed by hand for a fixture
//! built for it: 2022-03-01 in two towns.

mod common;
use common::Site;

fn fixture() -> Site {
    let site = Site::new("base");
    site.write("content/daily/2022-03-01.yaml", "日期: 2022-03-01\n发布日期: 2022-03-01\n地区:\n  - {名称: 城关镇, 检查组: 3, 检查企业: 12}\n  - {名称: 西河镇, 检查组: 2, 检查企业: 7}\n");
    let party = "当事人:\n  名称: 测试燃气有限公司\n  统一社会信用代码: 91210381MA0TAX0017\n";
    let action = |id: &str, region: &str, measure: &str, extra: &str, published: &str| {
        site.write(
            &format!("content/actions/{id}.yaml"),
            &format!("发布日期: {published}\n地区: {region}\n措施类型: {measure}\n{party}决定日期: 2022-03-01\n决定机关: 测试市市场监督管理局\n原因: {id}的原因。\n{extra}"),
        );
    };
    action(
        "r1",
        "城关镇",
        "责令限期整改",
        "整改验收: {验收时间: 2022-03-04, 验收单位: 测试市市场监督管理局, 整改情况: 已整改到位}\n",
        "2022-03-02",
    );
    action(
        "r2",
        "城关镇",
        "行政处罚",
        "处罚类别: [罚款]\n决定书文号: 测罚〔2022〕21号\n罚款金额: 2.5\n",
        "2022-03-03",
    );
    // published 2022-03-14: 9 working days after the decision → late
    action(
        "r3",
        "西河镇",
        "行政处罚",
        "处罚类别: [罚款, 警告]\n决定书文号: 测罚〔2022〕22号\n罚款金额: 1.25\n",
        "2022-03-14",
    );
    action("r4", "西河镇", "停产整顿", "", "2022-03-02");
    site.write(
        "content/hazards/r5.yaml",
        "发布日期: 2022-03-01\n地区: 西河镇\n行业领域: 危险化学品\n检查单位: 测试市应急管理局\n被检查对象: {名称: 测试化工有限公司, 统一社会信用代码: 91210381MA0TAX002A}\n重大隐患内容: 储罐区可燃气体报警器失效。\n整改措施: 更换报警器。\n整改时限: 2022-03-10\n整改责任单位: 测试化工有限公司\n整改责任人: 周某\n挂牌督办单位: 测试市安委办\n挂牌责任人: 吴某\n挂牌日期: 2022-03-01\n销号: {日期: 2022-03-05, 验收单位: 测试市应急管理局}\n",
    );
    site.write(
        "content/accountability/r6.yaml",
        "发布日期: 2022-03-02\n地区: 城关镇\n姓名: 郑某某\n单位: 城关镇人民政府\n职务: 副镇长\n情形: 政务处分\n事由: 督办不力。\n决定日期: 2022-03-01\n",
    );
    let case = site
        .read("content/cases/tc-2022-001.yaml")
        .replace("发布日期: 2022-01-20", "发布日期: 2022-03-01")
        .replace(
            "措施: [行政处罚, 责令限期整改]",
            "措施: [行政处罚, 公开曝光]",
        )
        .replace("关联: [actions/ta-2022-001]\n", "");
    site.write("content/cases/r7.yaml", &case);
    site
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .split("\r\n")
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn daily_progress_list_matches_hand_computed_values() {
    let site = fixture();
    site.build("2022-03-20");
    let csv = site.read("public/reports/daily/2022-03-01.csv");
    let rows = csv_rows(&csv);
    let find = |unit: &str| {
        rows.iter()
            .find(|r| r[0] == unit)
            .unwrap_or_else(|| panic!("{unit} row in {csv}"))
            .clone()
    };
    //                    单位      组    企业   案例  隐患  限改  罚款    停产  吊证  关闭  问责  曝光  典型
    assert_eq!(
        find("总计"),
        [
            "总计", "5", "19", "4", "1", "1", "3.75", "1", "0", "0", "1", "1", "1"
        ]
    );
    assert_eq!(
        find("城关镇"),
        [
            "城关镇",
            "3",
            "12",
            "2",
            "0",
            "1",
            "2.5",
            "0",
            "0",
            "0",
            "1",
            "1",
            "1"
        ]
    );
    assert_eq!(
        find("西河镇"),
        [
            "西河镇",
            "2",
            "7",
            "2",
            "1",
            "0",
            "1.25",
            "1",
            "0",
            "0",
            "0",
            "0",
            "0"
        ]
    );
    let html = site.read("public/reports/daily/2022-03-01.html");
    assert!(html.contains("2022年03月05日，经测试市应急管理局验收，整改完毕销号。"));
    assert!(html.contains("已整改到位"));
    assert!(html.contains("郑某某"));
    assert!(html.contains("class=\"print-landscape\""));
    assert!(
        site.read("public/reports/index.html")
            .contains("daily/2022-03-01.html")
    );
}

#[test]
fn daily_xlsx_has_the_forms_merged_header_and_the_same_cells() {
    use calamine::{Reader, Xlsx, open_workbook};
    let site = fixture();
    site.build("2022-03-20");
    let path = site.path().join("public/reports/daily/2022-03-01.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("xlsx opens");
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "1.进展清单",
            "2.执法检查清单",
            "3.追责问责清单",
            "4.重大隐患挂牌督办清单"
        ]
    );
    let range = wb.worksheet_range("1.进展清单").unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(1, 2), "集中行动开展情况");
    assert_eq!(cell(2, 2), "检查企业（家）");
    assert_eq!(cell(3, 0), "总计");
    assert_eq!(cell(3, 1), "5");
    assert_eq!(cell(3, 6), "3.75");
    let merged = wb.worksheet_merge_cells("1.进展清单").unwrap().unwrap();
    assert!(
        merged.iter().any(|d| d.start == (1, 2) && d.end == (1, 4)),
        "集中行动开展情况 spans three columns: {merged:?}"
    );
    let hz = wb.worksheet_range("4.重大隐患挂牌督办清单").unwrap();
    assert_eq!(
        hz.get_value((2, 11))
            .map(|v| v.to_string())
            .unwrap_or_default(),
        "2022年03月05日，经测试市应急管理局验收，整改完毕销号。"
    );
}

#[test]
fn weekly_table_lists_the_weeks_findings() {
    let site = fixture();
    site.build("2022-03-20");
    let csv = site.read("public/reports/weekly/2022-W09.csv");
    let rows = csv_rows(&csv);
    assert_eq!(rows[1][0], "序号");
    let body: Vec<&Vec<String>> = rows.iter().skip(2).filter(|r| r.len() > 1).collect();
    assert_eq!(body.len(), 5, "four actions and one hazard: {csv}");
    assert!(
        body.iter()
            .any(|r| r[7] == "重大事故隐患" && r[4] == "西河镇")
    );
    assert!(body.iter().any(|r| r[8].contains("罚款 2.5 万元")));
}

#[test]
fn statistics_match_hand_computed_values() {
    let site = fixture();
    site.build("2022-03-20");
    let html = site.read("public/stats.html");
    // hazards: th-2022-001 (overdue since 2022-03-01, not signed off) and r5 (signed off) → 1/2
    assert!(html.contains("50%（1/2）"), "rectification rate");
    // 行政处罚: ta-2022-001 (on time), r2 (on time), r3 (late) → 2/3 = 66.7%
    assert!(html.contains("66.7%（2/3）"), "timeliness");
    // fines: 3 + 2.5 + 1.25
    assert!(html.contains("6.75 万元（3 件）"), "fines");
    // clue tx-2022-001 assigned, never answered → 0/1
    assert!(html.contains("0%（0/1）"), "clues in time");
    // publications per month by kind, 2022-03: cases r7; actions r1-r4; hazard r5; accountability r6
    let by_kind = html
        .split("<caption>每月各类公开信息数量（条）</caption>")
        .nth(1)
        .expect("table by kind");
    let row = by_kind
        .split("<th scope=\"row\">2022-03</th>")
        .nth(1)
        .expect("2022-03 row")
        .split("</tr>")
        .next()
        .unwrap();
    let cells: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(
        cells,
        ["1", "4", "1", "1", "0", "0", "7"],
        "典型案例 执法措施 重大隐患 追责问责 举报线索 黑名单 合计"
    );
    assert!(html.contains("<svg"), "charts drawn at build time");
    assert!(
        html.contains("<caption>执法措施按地区</caption>"),
        "each chart has its table"
    );
    let out = site.run(&["check", "--date", "2022-03-20"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("content/actions/r3.yaml:1:1: 警告 [发布日期]")
    );
}

#[test]
fn open_data_xlsx_opens_with_the_csv_cells() {
    use calamine::{Reader, Xlsx, open_workbook};
    let site = fixture();
    site.build("2022-03-20");
    let mut wb: Xlsx<_> =
        open_workbook(site.path().join("public/data/actions.xlsx")).expect("xlsx opens");
    let range = wb.worksheet_range("执法措施").unwrap();
    let header: Vec<String> = (0..range.width() as u32)
        .map(|c| {
            range
                .get_value((0, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(&header[..3], ["id", "url", "措施类型"]);
    let fine_col = header.iter().position(|h| h == "罚款金额").unwrap() as u32;
    let id_of = |r: u32| {
        range
            .get_value((r, 0))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let r2 = (1..range.height() as u32)
        .find(|r| id_of(*r) == "r2")
        .expect("row r2");
    assert_eq!(
        range.get_value((r2, fine_col)),
        Some(&calamine::Data::Float(2.5))
    );
    assert_eq!(indexed_records(&site, "data/actions.xlsx"), Some(5));
}

/// The daily tallies are a kind of record too: their figures are open
/// data like every other kind's, without a page to point to.
#[test]
fn the_daily_tallies_are_open_data() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let daily = site.read("public/data/daily.json");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&daily).unwrap();
    assert_eq!(rows.len(), 1, "{daily}");
    assert_eq!(rows[0]["日期"], "2022-01-20");
    assert!(rows[0]["地区"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(rows[0].get("url").is_none(), "{daily}");
    assert!(site.read("public/data/daily.csv").contains("2022-01-20"));
    assert!(site.path().join("public/data/daily.xlsx").is_file());
    assert_eq!(indexed_records(&site, "data/daily.json"), Some(1));
}

/// A kind with nothing public still has a table: its header row, which
/// reads and imports as one.
#[test]
fn an_empty_kind_still_has_its_header() {
    let site = Site::new("base");
    // The base site's penalty is past its publicity period by then.
    site.build("2030-01-01");
    let csv = site.read("public/data/actions.csv");
    assert_eq!(csv, "\u{feff}id,url\r\n");
    assert_eq!(site.read("public/data/actions.json").trim(), "[\n]");
    let out = site.run(&["import", "public/data/actions.csv", "--kind", "actions"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How many records data/index.json says a file of open data holds.
fn indexed_records(site: &Site, name: &str) -> Option<u64> {
    let index: serde_json::Value =
        serde_json::from_str(&site.read("public/data/index.json")).unwrap();
    index["files"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)?["records"]
        .as_u64()
}
