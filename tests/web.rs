//! Web quality of the demo site, checked by outside tools: the Nu HTML
//! Checker (vnu-jar, with the machine's Java) on every page, axe-core in
//! headless Chromium on every page type at 360 and 1280 px (no serious or
//! critical WCAG 2.1 A/AA violation, no sideways scrolling), screenshots of
//! every page type into `target/screenshots/`, the search page driven as a
//! person would, and the weight of a record page.
//!
//! Needs what `tools/install-test-deps.sh` installs (Java, Chromium, the npm
//! packages in tools/web); the README's test command runs it first.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn built_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let status = Command::new(common::BIN)
        .args(["build", ".", "--date", "2026-11-22", "--out"])
        .arg(&out)
        .current_dir(root())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

/// Whether the tools of `test` are here (see [`common::tools_present`]).
fn need(test: &str, tools: &[(&str, bool)]) -> bool {
    common::tools_present(test, tools)
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = root().join("tools/web/node_modules/vnu-jar/build/dist/vnu.jar");
    if !need(
        "the Nu HTML Checker test",
        &[("vnu-jar", jar.exists()), ("java", common::runs("java"))],
    ) {
        return;
    }
    let dir = built_demo();
    let out = Command::new("java")
        .args(["-Xss4m", "-jar"])
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(dir.path().join("site"))
        .output()
        .expect("java is needed (tools/install-test-deps.sh installs it)");
    let text = String::from_utf8_lossy(&out.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("vnu output ({e}): {text}"));
    let errors: Vec<String> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error")
        .map(|m| {
            format!(
                "{}:{}: {}",
                m["url"].as_str().unwrap_or(""),
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let pages = common::snapshot(&dir.path().join("site"))
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .count();
    assert!(pages > 100, "checked {pages} pages");
    assert!(
        errors.is_empty(),
        "{} HTML errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn every_page_type_is_accessible_fits_a_phone_and_search_works() {
    let tools = [
        ("node", common::runs("node")),
        (
            "playwright-core",
            root()
                .join("tools/web/node_modules/playwright-core")
                .is_dir(),
        ),
        (
            "axe-core",
            root().join("tools/web/node_modules/axe-core").is_dir(),
        ),
        ("Chromium", Path::new("/usr/bin/chromium").exists()),
    ];
    if !need("the browser test", &tools) {
        return;
    }
    let dir = built_demo();
    let site = dir.path().join("site");
    let check = root().join("tools/web/check.js");
    let first = |dir: &str, prefix: &str| -> String {
        let mut names: Vec<String> = std::fs::read_dir(site.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(prefix) && n.ends_with(".html"))
            .collect();
        names.sort();
        format!("{dir}/{}", names[0])
    };
    // The first page of the first narrowed list under `dir`.
    let first_dir = |dir: &str| -> String {
        let mut names: Vec<String> = std::fs::read_dir(site.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        format!("{dir}/{}/index.html", names[0])
    };
    let pages = serde_json::json!([
        {"name": "home", "path": "index.html"},
        {"name": "list", "path": "actions/index.html"},
        {"name": "case", "path": "cases/hc-2026-001.html"},
        {"name": "action", "path": "actions/ha-2026-004.html"},
        {"name": "withdrawn", "path": "actions/ha-2026-007.html"},
        {"name": "hazard", "path": "hazards/hz-2026-003.html"},
        {"name": "accountability", "path": "accountability/wz-2026-001.html"},
        {"name": "clue", "path": "clues/jb-2026-005.html"},
        {"name": "blacklist", "path": "blacklist/hb-2026-001.html"},
        {"name": "removed", "path": "blacklist/removed.html"},
        {"name": "party", "path": first("parties", "9")},
        {"name": "parties", "path": "parties/index.html"},
        {"name": "page", "path": "pages/report.html"},
        {"name": "stats", "path": "stats.html"},
        {"name": "reports", "path": "reports/index.html"},
        {"name": "daily", "path": "reports/daily/2026-11-17.html"},
        {"name": "weekly", "path": first("reports/weekly", "2026")},
        {"name": "search", "path": "search.html?q=%E6%B0%94%E7%93%B6"},
        {"name": "search-near", "path": "search.html?q=%E4%B8%9C%E6%96%B9%E7%83%AD%E5%8A%9B%E5%85%AC%E5%8F%B8"},
        {"name": "filtered", "path": first_dir("actions/place")},
        {"name": "sitemap", "path": "sitemap.html"},
        {"name": "notfound", "path": "404.html"},
        {"name": "notfound-deep", "path": "cases/2019/old/expired.html", "status": 404}
    ]);
    let list = dir.path().join("pages.json");
    std::fs::write(&list, pages.to_string()).unwrap();
    let shots = root().join("target/screenshots");
    let out = Command::new("node")
        .arg(&check)
        .arg(&site)
        .arg(&shots)
        .arg(&list)
        .output()
        .expect("node");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        v["pages"].as_array().unwrap().len(),
        46,
        "23 page types at two widths"
    );
    assert!(shots.join("case-360.png").exists() && shots.join("home-1280.png").exists());
    assert_eq!(
        v["search"]["typed"]["reloaded"],
        serde_json::Value::Bool(false),
        "a typed query is answered in the page"
    );
}

/// gzip -9 size of a file.
fn gz(path: &Path) -> usize {
    let out = Command::new("gzip").arg("-9c").arg(path).output().unwrap();
    out.stdout.len()
}

#[test]
fn a_record_page_is_light() {
    let dir = built_demo();
    let site = dir.path().join("site");
    let css = std::fs::read_dir(site.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "css"))
        .unwrap();
    for page in [
        "cases/hc-2026-001.html",
        "hazards/hz-2026-003.html",
        "actions/index.html",
    ] {
        let html = site.join(page);
        let total = gz(&html) + gz(&css);
        assert!(
            total <= 30 * 1024,
            "{page}: {total} bytes gzipped with its CSS"
        );
        let text = std::fs::read_to_string(&html).unwrap();
        // the only script is the optional reading aid (large text, contrast)
        assert_eq!(text.matches("<script").count(), 1, "{page}");
        assert!(text.contains("assets/a11y."), "{page}");
        assert!(
            !text.contains("style=\""),
            "{page} has no inline style (CSP)"
        );
    }
}

/// On every page of the demo, headings step down one level at a time
/// (WCAG 1.3.1: a free page written with `##` sections has them at h2
/// under its h1), the title is plain text, and landmarks of the same role
/// are told apart.
#[test]
fn headings_titles_and_landmarks_are_well_formed() {
    let dir = built_demo();
    let site = dir.path().join("site");
    let mut pages = 0;
    for e in walkdir::WalkDir::new(&site) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(e.path()).unwrap();
        let mut last = 0u8;
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<h") {
            rest = &rest[i + 2..];
            let Some(level) = rest.bytes().next().filter(|b| (b'1'..=b'6').contains(b)) else {
                continue;
            };
            let level = level - b'0';
            assert!(
                level <= last + 1,
                "{}: h{last} then h{level}",
                e.path().display()
            );
            last = level;
        }
        // A title is text: no markup rendered into it.
        let title = html
            .split_once("<title>")
            .and_then(|(_, t)| t.split_once("</title>"))
            .map(|(t, _)| t)
            .unwrap_or_default();
        assert!(
            !title.is_empty() && !title.contains('<') && !title.contains('\n'),
            "{}: <title>{title}</title>",
            e.path().display()
        );
        let searches = html.matches("role=\"search\"").count();
        let named = html.matches("role=\"search\" aria-label=").count();
        assert_eq!(searches, named, "{}", e.path().display());
    }
    assert!(pages > 100, "{pages}");
    // The search results' excerpts are text as the pages show it, without
    // Markdown's marks.
    for e in std::fs::read_dir(site.join("search/d")).unwrap() {
        let rows = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(!rows.contains("## ") && !rows.contains("**"), "{rows}");
    }
}
