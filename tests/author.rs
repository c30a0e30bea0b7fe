//! Authoring: init → new → check → fix → build, and the JSON Schemas that
//! editors use agree with what the checker accepts.

mod common;
use common::BIN;
use gongshi::content::fields::json_schema;
use gongshi::content::kinds::known_keys;
use gongshi::content::model::Kind;
use std::process::Command;

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn init_builds_at_once_and_new_guides_to_a_valid_record() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["init", "site"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = tmp.path().join("site");
    for k in [
        "cases",
        "actions",
        "hazards",
        "accountability",
        "clues",
        "blacklist",
        "daily",
    ] {
        assert!(site.join("schemas").join(format!("{k}.json")).exists());
        assert!(
            std::fs::read_dir(site.join("content").join(k))
                .unwrap()
                .count()
                == 1,
            "one example of {k}"
        );
    }
    assert!(
        run(&site, &["build", "--date", "2022-02-15"])
            .status
            .success()
    );
    assert!(
        run(tmp.path(), &["init", "site"]).status.code() == Some(2),
        "refuses a non-empty directory"
    );
    // a repository just made, with nothing but its .git, is empty enough
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    assert!(run(tmp.path(), &["init", "repo"]).status.success());
    assert!(repo.join("content/site.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(repo.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );

    let out = run(&site, &["new", "cases", "hc-2026-100"]);
    assert!(out.status.success());
    let path = site.join("content/cases/hc-2026-100.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // every field of the form, in order, each with a comment
    let keys: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(':'))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(keys, known_keys(Kind::Cases));
    assert!(text.contains("「检查主体+违法主体+案」") && text.contains("3 到 5 个"));
    // the empty template names what is missing, with its place
    let out = run(
        &site,
        &["check", "--format", "json", "--date", "2026-12-01"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fields: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    for f in [
        "标题",
        "要旨",
        "检查主体",
        "当事人.名称",
        "基本案情",
        "关键词",
        "举一反三工作建议",
    ] {
        assert!(fields.contains(&f), "{f} not reported: {fields:?}");
    }
    // filled in as a staff member would, it passes
    let filled = text
        .replace("标题:\n", "标题: 某某市市场监督管理局对某公司检查案\n")
        .replace("关键词: []", "关键词: [电梯, 维保, 检验]")
        .replace("要旨:\n", "要旨: 要旨。\n")
        .replace("检查主体:\n", "检查主体: 某某市市场监督管理局\n")
        .replace("  名称: \n", "  名称: 某公司\n")
        .replace("  统一社会信用代码: \n", "")
        .replace("基本案情: |\n", "基本案情: |\n  案情。\n")
        .replace("  责任落实:\n", "  责任落实: 剖析。\n")
        .replace("举一反三工作建议: []", "举一反三工作建议: [建议。]");
    std::fs::write(&path, filled).unwrap();
    let out = run(&site, &["check", "--date", "2026-12-01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // a clue, filled in: the optional keys it leaves blank (反馈期限 of
    // a clue not yet assigned) are not taken as written
    assert!(
        run(&site, &["new", "clues", "xs-2026-100"])
            .status
            .success()
    );
    let path = site.join("content/clues/xs-2026-100.yaml");
    let template = std::fs::read_to_string(&path).unwrap();
    // the keys of the objects it leaves blank are named in their comments
    for keys in ["{姓名, 电话, 地址}", "{违法性质, 停产整顿", "{日期, 原因}"] {
        assert!(template.contains(keys), "{keys}: {template}");
    }
    let filled = template
        .replace("举报内容:\n", "举报内容: 来电反映某厂夜间违法生产。\n")
        .replace("问题摘要:\n", "问题摘要: 某厂违法生产。\n")
        .replace("属地:\n", "属地: 城关镇\n");
    std::fs::write(&path, filled).unwrap();
    let out = run(&site, &["check", "--date", "2026-12-01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // an id that exists is refused, also one inside a bulk file
    assert_eq!(
        run(&site, &["new", "cases", "hc-2026-100"]).status.code(),
        Some(1)
    );
    std::fs::write(
        site.join("content/actions/bulk.yaml"),
        std::fs::read_to_string(site.join("content/actions/ta-2022-001.yaml"))
            .unwrap()
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("- 编号: bulk-1\n  {l}\n")
                } else {
                    format!("  {l}\n")
                }
            })
            .collect::<String>(),
    )
    .unwrap();
    assert_eq!(
        run(&site, &["new", "actions", "bulk-1"]).status.code(),
        Some(1)
    );
    assert_eq!(run(&site, &["new", "nonsense", "x"]).status.code(), Some(2));
    assert_eq!(
        run(&site, &["new", "cases", "Bad_ID"]).status.code(),
        Some(2)
    );
    // an id whose page the site makes itself
    let out = run(&site, &["new", "hazards", "overdue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hazards/overdue.html"));
    assert!(!site.join("content/hazards/overdue.yaml").exists());
}

#[test]
fn schemas_describe_exactly_the_keys_the_checker_accepts() {
    // The schema and the decoder come from one table per kind; this holds
    // them to each other through the binary: every key of the schema is
    // known to `check`, one outside it is not, and an empty record misses
    // exactly the schema's required keys.
    let site = common::Site::new("base");
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Pages) {
        let s = json_schema(kind);
        let record = if kind == Kind::Actions {
            &s["oneOf"][0]
        } else {
            &s
        };
        assert_eq!(record["additionalProperties"], false);
        let props: Vec<&String> = record["properties"].as_object().unwrap().keys().collect();
        let dir = kind.dir();
        let mut every = String::new();
        for key in &props {
            every.push_str(&format!("{key}: ~\n"));
        }
        every.push_str("不存在的字段: 1\n");
        site.write(&format!("content/{dir}/every-key.yaml"), &every);
        site.write(&format!("content/{dir}/no-key.yaml"), "不存在的字段: 1\n");
        let (_, diags) = site.check_json("2022-02-15");
        let of = |file: &str, what: &str| -> Vec<String> {
            let path = format!("content/{dir}/{file}.yaml");
            diags
                .iter()
                .filter(|d| d["path"] == path.as_str())
                .filter(|d| d["message"].as_str().unwrap_or("").starts_with(what))
                .map(|d| d["field"].as_str().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(
            of("every-key", "未知字段"),
            ["不存在的字段"],
            "{kind:?}: every key of the schema is known"
        );
        let mut missing = of("no-key", "缺少必填字段");
        missing.sort();
        let mut required: Vec<String> = record["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        required.sort();
        assert_eq!(missing, required, "{kind:?}: the required keys");
        // An optional key left empty, as `new` writes it, is valid.
        for p in &props {
            if !required.contains(p) {
                assert_eq!(
                    record["properties"][p.as_str()]["anyOf"][1]["type"],
                    "null",
                    "{kind:?} {p}"
                );
            }
        }
        assert!(
            props.iter().all(|p| known_keys(kind).contains(&p.as_str())),
            "{kind:?}"
        );
        site.remove(&format!("content/{dir}/every-key.yaml"));
        site.remove(&format!("content/{dir}/no-key.yaml"));
    }
    let out = Command::new(BIN)
        .args(["schema", "hazards"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["properties"]["整改时限"]["pattern"],
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    );
}
