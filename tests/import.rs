//! `gongshi import`: the spreadsheets clerks keep become records. gongshi's
//! own open data round-trips; the paper forms of seed 003 (附件4 清单2 and
//! 清单4, 附件7) are read by their headings, from CSV (UTF-8, with a byte
//! order mark, or GB18030) and XLSX with merged headings.

mod common;
use common::Site;
use gongshi::xlsx::{Book, Style};
use std::path::Path;

fn import(site: &Site, file: &Path, kind: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", file.to_str().unwrap(), "--kind", kind];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn files(site: &Site, dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(site.path().join(dir))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Export → import → build gives the same site.
#[test]
fn open_data_round_trips_to_the_same_site() {
    round_trips(&Site::new("base"));
}

/// Values a spreadsheet or a YAML reader would take for something else
/// come back as they were: a list item with a comma, an object's text
/// with spaces, a cell open data guards from formulas, and texts YAML
/// would read as a number or a boolean.
#[test]
fn awkward_values_round_trip_too() {
    let site = Site::new("base");
    let case = site
        .read("content/cases/tc-2022-001.yaml")
        .replace("要旨: 充装单位应当", "要旨: \"=充装单位应当")
        .replace("不得充装超期未检气瓶。\n", "不得充装超期未检气瓶。\"\n")
        .replace(
            "  - 开展气瓶充装单位专项检查。",
            "  - 开展专项检查, 严格执法。\n  - \"整改完成: 是\"\n  - \"{a} [b]\"",
        );
    site.write("content/cases/tc-2022-001.yaml", &case);
    let person = site
        .read("content/accountability/tq-2022-001.yaml")
        .replace("单位: 西河镇安全生产监督管理站", "单位: 1.50")
        .replace("职务: 站长", "职务: \"on\"");
    site.write("content/accountability/tq-2022-001.yaml", &person);
    round_trips(&site);
    let back = site.read("content/cases/tc-2022-001.yaml");
    assert!(back.contains("开展专项检查, 严格执法。"), "{back}");
}

fn round_trips(site: &Site) {
    assert!(site.build("2022-02-15").status.success());
    let before = common::snapshot(&site.path().join("public"));
    let export = tempfile::tempdir().unwrap();
    common::copy_dir(&site.path().join("public/data"), export.path());
    for (kind, format) in [
        ("actions", "xlsx"),
        ("hazards", "csv"),
        ("cases", "csv"),
        ("blacklist", "xlsx"),
        ("accountability", "csv"),
        ("daily", "xlsx"),
    ] {
        for f in files(site, &format!("content/{kind}")) {
            site.remove(&format!("content/{kind}/{f}"));
        }
        let out = import(
            site,
            &export.path().join(format!("{kind}.{format}")),
            kind,
            &[],
        );
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 0, "{diags:#?}");
    assert!(site.build("2022-02-15").status.success());
    let after = common::snapshot(&site.path().join("public"));
    let differ: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b && !a.0.starts_with('.'))
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(before.len(), after.len());
    assert!(differ.is_empty(), "republished differently: {differ:?}");
}

/// 附件4 清单2, saved as CSV by an older Excel (GB18030): two tables, each
/// under its two rows of headings, as on the form.
#[test]
fn the_enforcement_form_is_read_from_a_gbk_csv() {
    let site = Site::new("base");
    let form = "2.集中行动执法检查清单,,,,,,\n\
                序号,责令限期整改企业,整改原因,整改验收情况,,,备注\n\
                ,,,验收时间,验收单位,整改情况,\n\
                1,测试气体有限公司,气瓶超期未检。,2022年2月10日,测试市市场监督管理局,已整改,\n\
                序号,行政处罚款,罚款原因,整改验收情况,,,备注\n\
                ,,,验收时间,验收单位,整改情况,\n\
                1,测试燃气有限公司（罚款 2.5 万元）,充装超期未检气瓶。,,,,测市监罚〔2022〕7号\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(form);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("清单2.csv");
    std::fs::write(&file, &gbk).unwrap();
    let out = import(&site, &file, "actions", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new: Vec<String> = files(&site, "content/actions")
        .into_iter()
        .filter(|f| f.starts_with("zf-"))
        .collect();
    assert_eq!(new.len(), 2, "{new:?}");
    let first = site.read(&format!("content/actions/{}", new[0]));
    assert!(first.contains("措施类型: 责令限期整改"), "{first}");
    assert!(first.contains("  名称: 测试气体有限公司"), "{first}");
    assert!(first.contains("原因: 气瓶超期未检。"), "{first}");
    assert!(first.contains("验收时间: 2022-02-10"), "{first}");
    // laid out as `gongshi new` lays it out: every field, with its comment
    let template = site.run(&["new", "actions", "x-template"]);
    assert!(template.status.success());
    let keys = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(':'))
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        keys(&first),
        keys(&site.read("content/actions/x-template.yaml"))
    );
    assert!(first.contains("# 必填："), "{first}");
    let second = site.read(&format!("content/actions/{}", new[1]));
    assert!(second.contains("措施类型: 行政处罚"), "{second}");
    assert!(second.contains("罚款金额: 2.5"), "{second}");
    assert!(second.contains("处罚类别: [罚款]"), "{second}");
    assert!(
        second.contains("决定书文号: 测市监罚〔2022〕7号"),
        "{second}"
    );
    // Drafts until a clerk completes them: what the form lacks is reported.
    assert!(second.contains("状态: 草稿"));
    let (_, diags) = site.check_json("2022-02-15");
    let path = format!("content/actions/{}", new[1]);
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == path.as_str() && d["field"] == "决定日期"),
        "{diags:#?}"
    );
}

/// 附件4 清单4 as gongshi's own daily report writes it (an XLSX with merged
/// headings), and 附件7 as a UTF-8 CSV with a byte order mark.
#[test]
fn the_hazard_and_clue_forms_are_read_from_xlsx_and_csv() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let mut book = Book::new(chrono::NaiveDate::from_ymd_opt(2022, 2, 15).unwrap());
    let ws = book.sheet("4.重大隐患挂牌督办清单");
    ws.merge(
        (0, 0),
        (0, 11),
        "集中行动重大隐患挂牌督办清单",
        Style::Title,
    );
    let heads = [
        "序号",
        "检查单位",
        "行业领域",
        "被检查对象 (企业或单位)",
        "重大隐患内容",
        "整改措施",
        "整改时限",
        "整改责任单位",
        "整改责任人",
        "挂牌督办单位 (政府或部门)",
        "挂牌责任人",
        "整改销号情况",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.text(1, c as u16, h, Style::Head);
    }
    let row = [
        "1",
        "测试市市场监督管理局",
        "特种设备",
        "测试化工有限公司",
        "储罐安全阀超期未校验。",
        "停用储罐。",
        "2022-03-20",
        "测试化工有限公司",
        "赵六",
        "测试市安全生产委员会办公室",
        "钱七",
        "2022年03月10日，经测试市市场监督管理局验收，整改完毕销号。",
    ];
    for (c, v) in row.iter().enumerate() {
        ws.text(2, c as u16, v, Style::Plain);
    }
    let xlsx = dir.path().join("清单4.xlsx");
    std::fs::write(&xlsx, book.into_bytes().unwrap()).unwrap();
    let out = import(&site, &xlsx, "hazards", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new: Vec<String> = files(&site, "content/hazards")
        .into_iter()
        .filter(|f| f.starts_with("yh-"))
        .collect();
    let h = site.read(&format!("content/hazards/{}", new[0]));
    for want in [
        "检查单位: 测试市市场监督管理局",
        "  名称: 测试化工有限公司",
        "整改时限: 2022-03-20",
        "挂牌责任人: 钱七",
        "  日期: 2022-03-10",
        "  验收单位: 测试市市场监督管理局",
    ] {
        assert!(h.contains(want), "{want}: {h}");
    }
    let clues = "\u{feff}序号,举报来源,举报人信息,举报内容,举报类型,涉及企业,属地政府,交办文书文号,交办单位(部门或政府),交办日期(7日内反馈),实际反馈日期,是否属实,办理结果,查出进展情况,答复情况,备注\n\
        1,电话,张某某,楼下有人私自倒灌液化气。,非法违法生产经营建设,,城关镇,（特）移〔2022〕3号,特种设备安全监察科,2022/2/8,,属实,违法性质：非法充装；行政处罚：罚款 1 万元,已立案调查,已电话答复,移送公安机关\n";
    let csv = dir.path().join("线索清单.csv");
    std::fs::write(&csv, clues).unwrap();
    let out = import(&site, &csv, "clues", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new: Vec<String> = files(&site, "content/clues")
        .into_iter()
        .filter(|f| f.starts_with("xs-"))
        .collect();
    let c = site.read(&format!("content/clues/{}", new[0]));
    for want in [
        "举报来源: 电话",
        "  姓名: 张某某",
        "举报内容: 楼下有人私自倒灌液化气。",
        "属地: 城关镇",
        "交办日期: 2022-02-08",
        "  违法性质: 非法充装",
        "  行政处罚: 罚款 1 万元",
        "# 导入时的备注：移送公安机关",
    ] {
        assert!(c.contains(want), "{want}: {c}");
    }
    // Dates the forms do not have are left for the clerk, not made up:
    // check names them as missing.
    for (text, key) in [
        (&h, "挂牌日期"),
        (&h, "发布日期"),
        (&c, "举报日期"),
        (&c, "发布日期"),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key}: {text}"));
        assert_eq!(line.trim_end(), format!("{key}:"), "{text}");
    }
    let (code, diags) = site.check_json("2022-03-15");
    assert_eq!(code, 1);
    let file = new[0].as_str();
    assert!(
        diags
            .iter()
            .any(|d| d["path"].as_str().is_some_and(|p| p.ends_with(file))
                && d["field"] == "举报日期"),
        "{diags:#?}"
    );
}

#[test]
fn a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_written() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("清单4.csv");
    std::fs::write(
        &csv,
        "序号,检查单位,行业领域,被检查对象(企业或单位),重大隐患内容,整改措施,整改时限,整改责任单位,整改责任人,挂牌督办单位(政府或部门),挂牌责任人,整改销号情况\n\
         1,单位,特种设备,甲公司,内容,措施,2022-03-01,单位,甲,单位,乙,\n\
         2,单位,特种设备,乙公司,内容,措施,下个月,单位,甲,单位,乙,\n",
    )
    .unwrap();
    let before = files(&site, "content/hazards");
    let out = import(&site, &csv, "hazards", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("清单4.csv 第 3 行 G 列（整改时限）"), "{err}");
    assert_eq!(files(&site, "content/hazards"), before, "nothing written");
    // --dry-run writes nothing even when all is well.
    std::fs::write(
        &csv,
        "序号,检查单位,行业领域,被检查对象(企业或单位),重大隐患内容,整改措施,整改时限,整改责任单位,整改责任人,挂牌督办单位(政府或部门),挂牌责任人,整改销号情况\n\
         1,单位,特种设备,甲公司,内容,措施,2022-03-01,单位,甲,单位,乙,\n",
    )
    .unwrap();
    let out = import(&site, &csv, "hazards", &["--dry-run"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("将写入"));
    assert_eq!(files(&site, "content/hazards"), before);
    // An existing record is never overwritten.
    assert!(site.build("2022-02-15").status.success());
    let mine = site.read("content/hazards/th-2022-001.yaml");
    let out = import(
        &site,
        &site.path().join("public/data/hazards.csv"),
        "hazards",
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已存在，未覆盖"));
    assert_eq!(site.read("content/hazards/th-2022-001.yaml"), mine);
}

/// A stray mark far to the right of a sheet (Excel reaches column XFD) is
/// named by its place: it is not read as a grid of empty cells to it,
/// which at the sheet's last cell would be billions.
#[test]
fn a_cell_far_outside_the_table_is_named_not_read_as_a_grid() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let mut book = Book::new(chrono::NaiveDate::from_ymd_opt(2022, 2, 15).unwrap());
    let ws = book.sheet("a");
    ws.text(0, 0, "id", Style::Head);
    ws.text(1, 0, "x-1", Style::Plain);
    ws.text(1_000_000, 16_000, "x", Style::Plain);
    let xlsx = dir.path().join("far.xlsx");
    std::fs::write(&xlsx, book.into_bytes().unwrap()).unwrap();
    let out = import(&site, &xlsx, "actions", &["--dry-run"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("第 1000001 行 WQK 列"), "{err}");
}

/// A cell left empty stays empty: import makes up no choice and calls no
/// party a company; check then names what is missing.
#[test]
fn an_empty_cell_is_left_empty_not_made_up() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("问责.csv");
    std::fs::write(
        &csv,
        "id,姓名,单位,职务,情形,事由,决定日期,发布日期\nq1,王五,某单位,站长,,督办不力,2022-01-05,2022-01-06\n",
    )
    .unwrap();
    let out = import(&site, &csv, "accountability", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = site.read("content/accountability/q1.yaml");
    assert!(written.lines().any(|l| l == "情形:"), "{written}");
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "content/accountability/q1.yaml" && d["field"] == "情形"),
        "{diags:#?}"
    );
    // 清单2: a party named in a cell is of no type until a clerk says.
    let form = "序号,责令限期整改企业,存在问题,整改验收情况,,,备注\n\
                ,,,验收时间,验收单位,整改情况,\n\
                1,张三（罚款 500 元）,未按期检验。,,,,\n";
    let file = dir.path().join("清单2.csv");
    std::fs::write(&file, form).unwrap();
    let out = import(&site, &file, "actions", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new: Vec<String> = files(&site, "content/actions")
        .into_iter()
        .filter(|f| f.starts_with("zf-"))
        .collect();
    let action = site.read(&format!("content/actions/{}", new[0]));
    assert!(action.lines().any(|l| l == "  类型:"), "{action}");
    assert!(
        !action.lines().any(|l| l.trim() == "类型: 企业"),
        "{action}"
    );
    // 500 元 is 0.05 万元.
    assert!(action.contains("罚款金额: 0.05"), "{action}");
}

/// What import cannot read is a problem at its cell, and nothing is
/// written: a sign-off without a date, a result without its item, a
/// fine in words, a two-digit year, a value check would reject, a
/// column no field takes.
#[test]
fn what_import_cannot_read_is_named_at_its_cell() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let hazards = dir.path().join("清单4.csv");
    std::fs::write(
        &hazards,
        "序号,检查单位,行业领域,被检查对象(企业或单位),重大隐患内容,整改措施,整改时限,整改责任单位,整改责任人,挂牌督办单位(政府或部门),挂牌责任人,整改销号情况,整改期限\n\
         1,单位,特种设备,甲公司,内容,措施,2022-03-01,单位,甲,单位,乙,已销号,2022-03-01\n\
         2,单位,特种设备,乙公司,内容,措施,22/3/1,单位,甲,单位,乙,2022年2月20日经海城市局验收销号,\n",
    )
    .unwrap();
    let out = import(&site, &hazards, "hazards", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for place in [
        "清单4.csv 第 1 行 M 列",
        "清单4.csv 第 2 行 L 列（销号）",
        "清单4.csv 第 3 行 G 列（整改时限）",
    ] {
        assert!(err.contains(place), "{place}: {err}");
    }
    // The row whose sign-off reads is not named.
    assert!(!err.contains("第 3 行 L 列"), "{err}");
    assert!(
        files(&site, "content/hazards").len() == 1,
        "nothing written"
    );
    let open_data = dir.path().join("actions.csv");
    std::fs::write(
        &open_data,
        "id,发布日期,措施类型,处罚类别,当事人.名称,当事人.统一社会信用代码,当事人.类型,罚款金额\n\
         a1,2022-01-05,行政处罚,罚款,甲公司,91210381MA0TAX0018,企业,3\n\
         a2,2022-01-05,行政处罚,罚款,乙公司,,企业,-2\n",
    )
    .unwrap();
    let out = import(&site, &open_data, "actions", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("actions.csv 第 2 行 F 列（当事人.统一社会信用代码）"),
        "a wrong check digit at its cell: {err}"
    );
    assert!(
        err.contains("actions.csv 第 3 行 H 列（罚款金额）"),
        "{err}"
    );
    assert!(!site.exists("content/actions/a1.yaml"), "nothing written");
}

/// A heading that is no field is named once, at the heading.
#[test]
fn a_column_no_field_takes_is_named_once_at_its_heading() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("问责.csv");
    let rows: String = (1..=50)
        .map(|i| format!("q{i},王五,某单位,站长,诫勉谈话,督办不力,2022-01-05,2022-01-06,x\n"))
        .collect();
    std::fs::write(
        &csv,
        format!("id,姓名,单位,职务,情形,事由,决定日期,发布日期,经办人\n{rows}"),
    )
    .unwrap();
    let out = import(&site, &csv, "accountability", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("经办人").count(), 1, "{err}");
    assert!(
        err.contains("问责.csv 第 1 行 I 列：栏目「经办人」"),
        "{err}"
    );
}

/// A quote left open would take every row after it into one cell: an
/// error at its line, and nothing written.
#[test]
fn a_quote_left_open_is_an_error_not_one_long_cell() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("问责.csv");
    std::fs::write(
        &csv,
        "id,姓名,单位,职务,情形,事由,决定日期,发布日期\n\
         q1,王五,某单位,\"站长,诫勉谈话,督办不力,2022-01-05,2022-01-06\n\
         q2,赵六,某单位,站长,诫勉谈话,督办不力,2022-01-05,2022-01-06\n",
    )
    .unwrap();
    let out = import(&site, &csv, "accountability", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("问责.csv 第 2 行 D 列的引号没有配对"), "{err}");
    assert!(!site.exists("content/accountability/q1.yaml"));
}

/// A form's row pasted twice is named, not made into a second record.
#[test]
fn a_row_pasted_twice_is_named() {
    let site = Site::new("base");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("清单4.csv");
    let row = "1,单位,特种设备,甲公司,内容,措施,2022-03-01,单位,甲,单位,乙,";
    std::fs::write(
        &csv,
        format!("序号,检查单位,行业领域,被检查对象(企业或单位),重大隐患内容,整改措施,整改时限,整改责任单位,整改责任人,挂牌督办单位(政府或部门),挂牌责任人,整改销号情况\n{row}\n{row}\n"),
    )
    .unwrap();
    let before = files(&site, "content/hazards");
    let out = import(&site, &csv, "hazards", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("清单4.csv 第 3 行：与第 2 行的内容完全相同"),
        "{err}"
    );
    assert_eq!(files(&site, "content/hazards"), before);
}

/// A minimal workbook of one sheet whose cells are `(reference, inline
/// text or formula)`: a formula is written without a value, as tools that
/// do not compute them write it.
fn workbook(cells: &[(&str, &str, bool)]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, body: String| {
        z.start_file(name, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    };
    put("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into());
    put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into());
    put("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="问责" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into());
    put("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into());
    let mut rows: std::collections::BTreeMap<u32, String> = Default::default();
    for (r, v, formula) in cells {
        let n: u32 = r
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap();
        let c = if *formula {
            format!(r#"<c r="{r}"><f>{v}</f></c>"#)
        } else {
            format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
        };
        rows.entry(n).or_default().push_str(&c);
    }
    let data: String = rows
        .iter()
        .map(|(n, c)| format!(r#"<row r="{n}">{c}</row>"#))
        .collect();
    put(
        "xl/worksheets/sheet1.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
        ),
    );
    z.finish().unwrap().into_inner()
}

#[test]
fn a_formula_without_its_value_is_named_not_left_empty() {
    let site = Site::new("base");
    let heads = [
        "id",
        "姓名",
        "单位",
        "职务",
        "情形",
        "事由",
        "决定日期",
        "发布日期",
    ];
    let mut cells: Vec<(String, String, bool)> = heads
        .iter()
        .zip('A'..)
        .map(|(h, c)| (format!("{c}1"), h.to_string(), false))
        .collect();
    for (v, c) in ["q1", "王五", "某单位", "站长", "诫勉谈话"]
        .iter()
        .zip('A'..)
    {
        cells.push((format!("{c}2"), v.to_string(), false));
    }
    cells.push(("F2".into(), "CONCATENATE(\"督办\",\"不力\")".into(), true));
    cells.push(("G2".into(), "2022-01-05".into(), false));
    cells.push(("H2".into(), "2022-01-06".into(), false));
    let refs: Vec<(&str, &str, bool)> = cells
        .iter()
        .map(|(r, v, f)| (r.as_str(), v.as_str(), *f))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("问责.xlsx");
    std::fs::write(&file, workbook(&refs)).unwrap();
    let out = import(&site, &file, "accountability", &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("第 2 行 F 列是没有计算结果的公式"), "{err}");
    assert!(!site.exists("content/accountability/q1.yaml"));
}
