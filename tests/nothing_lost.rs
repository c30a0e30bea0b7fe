//! Nothing of the user's is deleted and nothing outside the site is read,
//! however the paths are spelled: output directories, links in the input
//! directories, files that are not regular, two builds at once.

mod common;
use common::{BIN, Site, snapshot};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A site in `root/site`, with the user's own files beside it.
struct Layout {
    tmp: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        common::copy_dir(&common::fixture("base"), &site);
        let mine = tmp.path().join("mydir");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("thesis.docx"), "precious").unwrap();
        std::fs::create_dir_all(tmp.path().join("home")).unwrap();
        std::os::unix::fs::symlink(&site, tmp.path().join("link")).unwrap();
        Layout { tmp }
    }
    fn root(&self) -> &Path {
        self.tmp.path()
    }
    fn site(&self) -> std::path::PathBuf {
        self.root().join("site")
    }
    fn build(&self, out: &str) -> std::process::Output {
        Command::new(BIN)
            .args(["build", "--date", "2022-02-15", "--out", out])
            .current_dir(self.site())
            .env("HOME", self.root().join("home"))
            .output()
            .unwrap()
    }
}

#[test]
fn output_paths_are_resolved_before_they_are_judged() {
    let l = Layout::new();
    let content = snapshot(&l.site().join("content"));
    let root = l.root().display().to_string();
    let refused = [
        // through directories that do not exist
        "nope/../../mydir".to_string(),
        "nope/deeper/../../../mydir/".to_string(),
        "x/../content".to_string(),
        "x/../content/".to_string(),
        "x/../templates/out".to_string(),
        "theme/../theme".to_string(),
        // relative, absolute, trailing slashes and dots
        "../mydir".to_string(),
        "../mydir/.".to_string(),
        format!("{root}/mydir"),
        format!("{root}/mydir//"),
        format!("{root}/site/x/../content"),
        ".".to_string(),
        "./".to_string(),
        "..".to_string(),
        format!("{root}/site"),
        // through a symbolic link to the site
        "../link".to_string(),
        "../link/content".to_string(),
        format!("{root}/link/content/cases"),
        // the root, the home directory
        "/".to_string(),
        "/..".to_string(),
        format!("{root}/home"),
        format!("{root}/home/"),
        "../home".to_string(),
    ];
    for out in &refused {
        let o = l.build(out);
        assert_eq!(
            o.status.code(),
            Some(2),
            "--out {out}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(l.root().join("mydir/thesis.docx")).unwrap(),
        "precious"
    );
    assert_eq!(
        content,
        snapshot(&l.site().join("content")),
        "no record lost"
    );
    // What may be used is used, by its resolved name.
    for out in [
        "public",
        "./public/",
        "nope/../public2",
        "../outside-new",
        &format!("{root}/abs-new"),
    ] {
        let o = l.build(out);
        assert!(
            o.status.success(),
            "--out {out}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(l.site().join("public2/index.html").is_file());
    assert!(
        !l.site().join("nope").exists(),
        "no directory made on the way"
    );
    assert!(l.root().join("outside-new/index.html").is_file());
}

#[test]
fn links_out_of_the_site_in_theme_or_templates_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.css");
    std::fs::write(&secret, "/* SECRET-OUTSIDE-THE-SITE */").unwrap();
    std::fs::write(outside.path().join("404.html"), "SECRET-OUTSIDE-THE-SITE").unwrap();
    type Setup = fn(&Path, &Path);
    let cases: [(&str, Setup); 4] = [
        ("theme/style.css", |site, out| {
            std::fs::create_dir_all(site.join("theme")).unwrap();
            std::os::unix::fs::symlink(out.join("secret.css"), site.join("theme/style.css"))
                .unwrap();
        }),
        ("theme/logo.css", |site, out| {
            std::fs::create_dir_all(site.join("theme")).unwrap();
            std::os::unix::fs::symlink(out.join("secret.css"), site.join("theme/logo.css"))
                .unwrap();
        }),
        ("theme", |site, out| {
            std::os::unix::fs::symlink(out, site.join("theme")).unwrap();
        }),
        ("templates/404.html", |site, out| {
            std::fs::create_dir_all(site.join("templates")).unwrap();
            std::os::unix::fs::symlink(out.join("404.html"), site.join("templates/404.html"))
                .unwrap();
        }),
    ];
    for (link, setup) in cases {
        let site = Site::new("base");
        setup(site.path(), outside.path());
        let o = site.run(&["build", "--date", "2022-02-15"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{link}: {err}");
        assert!(
            err.contains(&format!("{link}:")),
            "names the link {link}: {err}"
        );
        assert!(!site.exists("public"), "{link}: nothing written");
        let (code, _) = site.check_json("2022-02-15");
        assert_eq!(code, 1, "{link}: check agrees");
    }
    // A link that stays inside the site is fine.
    let site = Site::new("base");
    site.write("shared/extra.css", "body{}");
    std::fs::create_dir_all(site.path().join("theme")).unwrap();
    std::os::unix::fs::symlink(
        site.path().join("shared/extra.css"),
        site.path().join("theme/extra.css"),
    )
    .unwrap();
    site.build("2022-02-15");
    assert!(site.exists("public/assets/extra.css"));
}

/// Run `args` in `dir`, killed after `limit`: (exit code, output), or
/// None if it had to be killed.
fn run_for(dir: &Path, args: &[&str], limit: Duration) -> Option<(Option<i32>, String)> {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            // What it printed, on either stream (check reports on stdout).
            let mut err = String::new();
            use std::io::Read;
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return Some((status.code(), err));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn files_that_are_not_regular_are_errors_never_opened() {
    for (fifo, name) in [
        ("content/cases/hc-2022-099.yaml", "a record"),
        ("content/pages/fifo.md", "a page"),
        ("templates/404.html", "a template"),
        ("theme/style.css", "a theme file"),
    ] {
        let site = Site::new("base");
        let path = site.path().join(fifo);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert!(
            Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        );
        for args in [
            &["check", "--date", "2022-02-15"][..],
            &["build", "--date", "2022-02-15"][..],
        ] {
            let (code, err) = run_for(site.path(), args, Duration::from_secs(20))
                .unwrap_or_else(|| panic!("{args:?} hangs on {name}"));
            assert_eq!(code, Some(1), "{name}: {err}");
            assert!(err.contains(&format!("{fifo}:")), "{name}: {err}");
        }
    }
}

#[test]
fn a_second_build_of_the_same_output_waits_for_the_first() {
    let site = Site::new("base");
    site.build("2022-02-15");
    // Another build holds the lock for a moment.
    let mut holder = Command::new("flock")
        .arg(site.path().join(".public.lock"))
        .args(["sleep", "2"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let o = site.run(&["build", "--date", "2022-02-16"]);
    let waited = start.elapsed();
    holder.wait().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("另一个构建正在写入"), "{err}");
    assert!(
        waited >= Duration::from_millis(1000),
        "it waited: {waited:?}"
    );
    assert!(site.exists("public/index.html"));
}

#[test]
fn control_characters_in_a_value_are_a_located_error() {
    let site = Site::new("base");
    // An escape that would turn a terminal red, written as a YAML escape,
    // and a C1 control, written as itself.
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: \"充装\\x1b[31m超期未检气瓶。\"\n依据: 条例\u{85}第十条",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    let fields: Vec<&str> = diags
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("控制字符"))
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"原因"), "{diags:#?}");
    let out = site.run(&["check", "--date", "2022-02-15"]);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        !printed.contains('\u{1b}'),
        "no terminal escape printed: {printed:?}"
    );
}

#[test]
fn a_link_the_page_cannot_keep_is_a_located_warning() {
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: |\n  充装超期未检气瓶。\n  见[检验报告](file:///C:/报告.pdf)和[说明](JavaScript:alert(1))、[通知](https://example.gov.cn/a)。",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    site.write(
        "content/pages/about.md",
        "---\n标题: 关于\n发布日期: 2022-01-01\n---\n\n正文。\n\n![图](data:image/png;base64,AAAA)\n",
    );
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 0, "a warning, not an error: {diags:#?}");
    let found: Vec<(String, String, u64, u64)> = diags
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("链接地址"))
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["found"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let record = site.read("content/actions/ta-2022-001.yaml");
    let line = record.lines().position(|l| l.contains("file:///")).unwrap() as u64 + 1;
    let col = |url: &str| {
        let l = record.lines().nth(line as usize - 1).unwrap();
        l[..l.find(url).unwrap()].chars().count() as u64 + 1
    };
    assert!(
        found.contains(&(
            "content/actions/ta-2022-001.yaml".into(),
            "file:///C:/报告.pdf".into(),
            line,
            col("file:///")
        )),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.1 == "JavaScript:alert(1)" && f.2 == line && f.3 == col("JavaScript:")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.0 == "content/pages/about.md" && f.1.starts_with("data:") && f.2 == 8),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|f| f.1.starts_with("https:")),
        "{found:#?}"
    );
    // The page keeps the text and drops the address.
    let o = site.run(&["build", "--date", "2022-02-15"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = site.read("public/actions/ta-2022-001.html");
    assert!(
        page.contains("检验报告") && !page.contains("file:///"),
        "{page}"
    );
}

#[test]
fn diagnostics_cannot_drive_the_terminal_or_forge_a_line() {
    let site = Site::new("base");
    let forged = "content/cases/fake.yaml:1:1: 错误: forged";
    // A file name with an escape sequence, and a value with a line break
    // followed by a made-up diagnostic.
    site.write(
        "content/cases/bad\u{1b}[2Jname.yaml",
        "发布日期: 2022-01-20\n",
    );
    let text = site.read("content/cases/tc-2022-001.yaml").replace(
        "标题: 测试市市场监督管理局对测试燃气有限公司超期未检气瓶充装案",
        &format!("标题: \"不以案结尾\\n{forged}\""),
    );
    site.write("content/cases/tc-2022-001.yaml", &text);
    let out = site.run(&["check", "--date", "2022-02-15"]);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(!printed.contains('\u{1b}'), "{printed:?}");
    assert!(
        printed.contains("\\u{1b}"),
        "the escape is shown, escaped: {printed}"
    );
    assert!(
        !printed.lines().any(|l| l.starts_with(forged)),
        "no forged line: {printed}"
    );
}

#[test]
fn json_output_is_json_for_usage_errors_too() {
    let site = Site::new("base");
    for args in [
        &["check", "--format", "json", "--no-such-flag"][..],
        &["check", "--format=json", "--date", "2022-13-45"][..],
        &["check", "no-such-site", "--format", "json"][..],
        &["search", "气瓶", "--format", "json", "--date", "soon"][..],
    ] {
        let out = site.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        });
        assert_eq!(v["errors"], 1, "{args:?}");
        let message = v["diagnostics"][0]["message"].as_str().unwrap();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "in Chinese: {message}"
        );
    }
}

#[test]
fn encodings_are_named_and_positions_count_characters() {
    let site = Site::new("base");
    // Invalid UTF-8 after seven characters on line 2: column 8, not 16.
    let mut bytes = "发布日期: 2022-01-20\n标题: 中文\u{6848}"
        .as_bytes()
        .to_vec();
    bytes.extend([0xB0, 0xB8]);
    std::fs::write(site.path().join("content/cases/gbk.yaml"), &bytes).unwrap();
    // UTF-16 with and without a byte-order mark.
    let utf16: Vec<u8> = "发布日期: 2022-01-20\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut with_bom = vec![0xFF, 0xFE];
    with_bom.extend(&utf16);
    std::fs::write(site.path().join("content/cases/u16a.yaml"), &with_bom).unwrap();
    std::fs::write(site.path().join("content/cases/u16b.yaml"), &utf16).unwrap();
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    let at = |p: &str| {
        diags
            .iter()
            .find(|d| d["path"] == p)
            .unwrap_or_else(|| panic!("{p}: {diags:#?}"))
            .clone()
    };
    let gbk = at("content/cases/gbk.yaml");
    assert_eq!(
        (gbk["line"].as_u64(), gbk["column"].as_u64()),
        (Some(2), Some(8)),
        "{gbk}"
    );
    for p in ["content/cases/u16a.yaml", "content/cases/u16b.yaml"] {
        let d = at(p);
        assert!(d["message"].as_str().unwrap().contains("UTF-16"), "{d}");
    }
}

#[test]
fn yaml_aliases_are_bounded_by_the_size_they_expand_to() {
    // Under the file size limit, few aliases and nodes, but 30 copies of
    // 200 KB: 6 MB once expanded.
    let site = Site::new("base");
    let big = "某".repeat(70_000);
    let aliases = vec!["*a"; 30].join(", ");
    site.write(
        "content/cases/aliases.yaml",
        &format!("发布日期: 2022-01-20\n要旨: &a \"{big}\"\n关键词: [{aliases}]\n"),
    );
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    let d = diags
        .iter()
        .find(|d| d["path"] == "content/cases/aliases.yaml" && d["severity"] == "error")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert!(d["message"].as_str().unwrap().contains("展开"), "{d}");
    assert!(
        d["expected"].as_str().unwrap().contains("限制.展开大小"),
        "{d}"
    );
    // The limit is the site's to set.
    let cfg = site.read("content/site.yaml") + "限制: {展开大小: 16MiB}\n";
    site.write("content/site.yaml", &cfg);
    let (_, diags) = site.check_json("2022-02-15");
    assert!(
        !diags
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("展开")),
        "{diags:#?}"
    );
}

#[test]
fn every_command_that_writes_obeys_the_same_rules() {
    let l = Layout::new();
    let home = l.root().join("home");
    std::fs::write(home.join("notes.txt"), "mine").unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(l.root())
            .env("HOME", &home)
            .output()
            .unwrap()
    };
    // init: not into the home directory, the root, or a non-empty one.
    for dir in [home.to_str().unwrap(), "/", "mydir", "home/.."] {
        let o = run(&["init", dir]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "init {dir}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(home.join("notes.txt")).unwrap(),
        "mine"
    );
    // new: never through a link that leaves the site's content/.
    let site = l.site();
    std::fs::remove_dir_all(site.join("content/hazards")).unwrap();
    std::os::unix::fs::symlink(l.root().join("mydir"), site.join("content/hazards")).unwrap();
    let o = run(&["new", "hazards", "hz-2099-001", site.to_str().unwrap()]);
    assert_ne!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !l.root().join("mydir/hz-2099-001.yaml").exists(),
        "nothing written outside"
    );
    std::fs::remove_file(site.join("content/hazards")).unwrap();
    // serve: its cache is an output directory like any other.
    std::os::unix::fs::symlink(l.root().join("mydir"), site.join(".gongshi-cache")).unwrap();
    let o = run(&["serve", site.to_str().unwrap(), "--port", "0"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(l.root().join("mydir/thesis.docx")).unwrap(),
        "precious"
    );
}

#[test]
fn a_content_directory_that_leaves_the_site_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("base").join("content"), outside.path());
    let site = Site::new("base");
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("content")).unwrap();
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "content"
                && d["message"].as_str().unwrap().contains("站点目录之外")),
        "{diags:#?}"
    );
    assert!(!site.exists("public"));
}

/// `search --format json` on content with errors: the diagnostics as JSON
/// on stdout, as check gives them, and the status of a content error.
#[test]
fn search_in_json_reports_content_errors_as_json() {
    let site = Site::new("base");
    let clue = site.read("content/clues/tx-2022-001.yaml");
    site.write(
        "content/clues/tx-2022-001.yaml",
        &clue.replace("举报来源: 电话", "举报来源: 飞鸽"),
    );
    let out = site.run(&["search", "气瓶", "--format", "json", "--date", "2022-02-15"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1, "{v}");
    assert_eq!(v["diagnostics"][0]["field"], "举报来源", "{v}");
}

/// A site's own template that loops without end, or makes a page of
/// gigabytes, fails check and build with an error at the template, in
/// bounded time and memory; the previous output stays as it was.
#[test]
fn a_template_that_never_ends_or_never_stops_growing_is_an_error() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let before = common::snapshot(&site.path().join("public"));
    for (template, kind) in [
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}x{% endfor %}{% endfor %}{% endfor %}",
            "OutOfFuel",
        ),
        (
            "{% for i in range(100000) %}{{ \"y\" * 100000 }}{% endfor %}",
            "WriteFailure",
        ),
    ] {
        site.write("templates/404.html", template);
        let out = site.run(&["check", "--date", "2022-02-15", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "check {kind}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let d = &v["diagnostics"][0];
        assert_eq!(d["path"], "templates/404.html", "{v}");
        assert_eq!(d["found"], kind, "{v}");
        let out = site.run(&["build", "--date", "2022-02-15"]);
        assert_eq!(out.status.code(), Some(1), "build {kind}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("templates/404.html"));
        assert_eq!(common::snapshot(&site.path().join("public")), before);
    }
}
