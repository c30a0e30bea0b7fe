//! One fixture per rule of the content format.
//!
//! Each file in `tests/rules/` is a record file with a header of `#!` lines:
//!
//! ```text
//! #! path: content/cases/bad-title.yaml      where to put it in the base site
//! #! expect: error 4:1 标题                   a diagnostic that must appear (LINE:COL FIELD)
//! #! remove: content/cases/tc-2022-001.yaml   optional: a base file to delete first
//! #! date: 2022-02-15                        optional: build date (default 2022-02-15)
//! ```
//!
//! Lines count in the fixture file as it stands (the header lines are YAML
//! comments and are written too; for a `.md` page they are left out and lines
//! count without them). To add a test, add a file.

mod common;
use common::Site;

struct Expect {
    severity: String,
    line: u64,
    col: u64,
    field: String,
}

fn parse_header(text: &str) -> (String, Vec<Expect>, Vec<String>, String, Option<String>) {
    let mut path = String::new();
    let mut expects = Vec::new();
    let mut removes = Vec::new();
    let mut date = "2022-02-15".to_string();
    let mut site_yaml = None;
    for line in text.lines().filter_map(|l| l.strip_prefix("#! ")) {
        let (k, v) = line.split_once(": ").expect("header line is `key: value`");
        match k {
            "path" => path = v.trim().to_string(),
            "remove" => removes.push(v.trim().to_string()),
            "date" => date = v.trim().to_string(),
            "site" => site_yaml = Some(v.trim().replace("\\n", "\n")),
            "expect" => {
                let mut parts = v.split_whitespace();
                let severity = parts.next().unwrap().to_string();
                let (l, c) = parts.next().unwrap().split_once(':').unwrap();
                let c = if c == "COL" { "0" } else { c };
                let field = parts.next().unwrap_or("").to_string();
                expects.push(Expect {
                    severity,
                    line: l.parse().unwrap(),
                    col: c.parse().unwrap(),
                    field,
                });
            }
            other => panic!("unknown header {other}"),
        }
    }
    (path, expects, removes, date, site_yaml)
}

#[test]
fn every_rule_fixture_reports_its_location() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "expected a fixture per rule, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let (path, expects, removes, date, site_yaml) = parse_header(&text);
        assert!(
            !path.is_empty() && !expects.is_empty(),
            "{}: header needs path and expect",
            f.display()
        );
        let site = Site::new("base");
        for r in &removes {
            site.remove(r);
        }
        if let Some(extra) = site_yaml {
            let mut s = site.read("content/site.yaml");
            s.push_str(&extra);
            s.push('\n');
            site.write("content/site.yaml", &s);
        }
        let target = site.path().join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        if path.ends_with(".md") {
            let body: String = text
                .lines()
                .filter(|l| !l.starts_with("#! "))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&target, body).unwrap();
        } else if f.extension().is_some_and(|e| e == "bin") {
            std::fs::write(&target, &bytes).unwrap();
        } else {
            std::fs::write(&target, &text).unwrap();
        }
        let (code, diags) = site.check_json(&date);
        let any_error = expects.iter().any(|e| e.severity == "error");
        let want_code = if any_error { 1 } else { 0 };
        if code != want_code {
            failures.push(format!(
                "{}: exit {code}, expected {want_code}; diagnostics: {diags:#?}",
                f.display()
            ));
            continue;
        }
        for e in &expects {
            let found = diags.iter().any(|d| {
                d["path"] == path.as_str()
                    && d["line"] == e.line
                    && d["column"] == e.col
                    && d["field"] == e.field.as_str()
                    && d["severity"] == e.severity.as_str()
                    && d["message"].as_str().is_some_and(|m| !m.is_empty())
                    && d["expected"].as_str().is_some_and(|m| !m.is_empty())
                    && d["found"].as_str().is_some_and(|m| !m.is_empty())
                    && d["location"] == format!("{path}:{}:{}", e.line, e.col).as_str()
            });
            if !found {
                failures.push(format!(
                    "{}: no {} at {}:{}:{} [{}]; got: {}",
                    f.display(),
                    e.severity,
                    path,
                    e.line,
                    e.col,
                    e.field,
                    serde_json::to_string_pretty(&diags).unwrap()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn all_errors_of_a_run_are_reported() {
    let site = Site::new("base");
    site.write(
        "content/cases/a.yaml",
        "发布日期: 2022-01-01\n标题: 没有案字\n",
    );
    site.write("content/actions/b.yaml", "发布日期: 2022-13-01\n");
    site.write("content/hazards/c.yaml", "整改时限: [\n");
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    let files: std::collections::BTreeSet<&str> =
        diags.iter().filter_map(|d| d["path"].as_str()).collect();
    for f in [
        "content/cases/a.yaml",
        "content/actions/b.yaml",
        "content/hazards/c.yaml",
    ] {
        assert!(files.contains(f), "no diagnostic for {f}: {diags:#?}");
    }
    // one file, many problems: the missing fields of the case are all named
    let case_fields: Vec<&str> = diags
        .iter()
        .filter(|d| d["path"] == "content/cases/a.yaml")
        .filter_map(|d| d["field"].as_str())
        .collect();
    for f in [
        "关键词",
        "要旨",
        "检查主体",
        "当事人",
        "基本案情",
        "处理结果",
        "案例剖析",
        "举一反三工作建议",
    ] {
        assert!(
            case_fields.contains(&f),
            "{f} not reported: {case_fields:?}"
        );
    }
}

#[test]
fn human_output_names_path_line_column_in_chinese() {
    let site = Site::new("base");
    site.write(
        "content/cases/tc-2022-001.yaml",
        &site
            .read("content/cases/tc-2022-001.yaml")
            .replace("标题:", "标提:"),
    );
    let out = site.run(&["check", "--date", "2022-02-15"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("content/cases/tc-2022-001.yaml:5:1: 错误 [标提]: 未知字段「标提」"),
        "{text}"
    );
    assert!(text.contains("是否想写「标题」"), "{text}");
    assert!(text.contains("共 2 个错误"), "{text}");
}

#[test]
fn valid_base_site_checks_clean() {
    let site = Site::new("base");
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 0, "{diags:#?}");
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new("base");
    assert_eq!(
        site.run(&["build", "--date", "2022-2-30"]).status.code(),
        Some(2)
    );
    assert_eq!(site.run(&["check", "no-such-dir"]).status.code(), Some(2));
    assert_eq!(site.run(&["frobnicate"]).status.code(), Some(2));
}
