//! Snapshots of representative pages of the small fixture site: an
//! accidental change to a template or to what a page shows appears as a
//! diff. After an intended change, regenerate with `GONGSHI_BLESS=1 cargo
//! test --test snapshots` and read the diff of tests/golden/pages/.

mod common;
use common::Site;

const PAGES: &[&str] = &[
    "index.html",
    "cases/tc-2022-001.html",
    "actions/index.html",
    "actions/ta-2022-001.html",
    "hazards/th-2022-001.html",
    "accountability/tq-2022-001.html",
    "clues/tx-2022-001.html",
    "blacklist/tb-2022-001.html",
    "parties/91210381MA0TAX0017.html",
    "reports/daily/2022-01-20.html",
    "feed.xml",
    "data/cases.json",
    "data/hazards.csv",
];

#[test]
fn representative_pages_match_their_snapshots() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/pages");
    let bless = std::env::var_os("GONGSHI_BLESS").is_some();
    let mut changed = Vec::new();
    for page in PAGES {
        // asset names carry content hashes: a theme change must not fail every snapshot
        let got = site.read(&format!("public/{page}"));
        let got = regex_free_asset_names(&got);
        let file = dir.join(page.replace('/', "__"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&file, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("no snapshot for {page} (GONGSHI_BLESS=1 to create)"));
        if want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            changed.push(format!(
                "{page}: first difference at line {}:\n  - {}\n  + {}",
                line + 1,
                want.lines().nth(line).unwrap_or(""),
                got.lines().nth(line).unwrap_or("")
            ));
        }
    }
    assert!(changed.is_empty(), "pages changed:\n{}", changed.join("\n"));
}

/// `assets/style.0123456789.css` → `assets/style.HASH.css`
fn regex_free_asset_names(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("assets/") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        if let Some(dot) = rest.find('.') {
            let tail = &rest[dot + 1..];
            if tail.len() > 11
                && tail[..10].bytes().all(|b| b.is_ascii_hexdigit())
                && tail.as_bytes()[10] == b'.'
            {
                out.push_str(&rest[..dot + 1]);
                out.push_str("HASH");
                rest = &tail[10..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A site's own `header.html` and `footer.html` replace the built-in ones
/// on every page, each page with its own `root` and `section` (they are
/// rendered once per pair and shared), and an error in one names its file.
#[test]
fn a_sites_header_and_footer_are_on_every_page_with_its_own_root() {
    let site = Site::new("base");
    site.write(
        "templates/header.html",
        "<p class=\"mine\">[{{ root }}|{{ section }}|{{ site.名称 }}]</p>\n",
    );
    site.write(
        "templates/footer.html",
        "<footer>尾部 {{ build_date }}</footer>\n",
    );
    site.build("2022-02-15");
    let mut pages = 0;
    for (rel, bytes) in common::snapshot(&site.path().join("public")) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let root = "../".repeat(rel.matches('/').count());
        let section = match rel.split_once('/') {
            Some((dir, _)) => dir,
            None => match rel.as_str() {
                "index.html" => "home",
                "stats.html" => "stats",
                "search.html" => "search",
                "404.html" | "sitemap.html" => "none",
                other => panic!("a page at the top: {other}"),
            },
        };
        // The not-found page's links start at the site's path (网址).
        let root = if rel == "404.html" {
            "/disclosure/".to_string()
        } else {
            root
        };
        let mine = format!("<p class=\"mine\">[{root}|{section}|");
        assert!(html.contains(&mine), "{rel}: {mine} not in\n{html}");
        assert!(html.contains("<footer>尾部 2022-02-15</footer>\n"), "{rel}");
        assert!(!html.contains("site-footer"), "{rel}: the built-in footer");
        pages += 1;
    }
    assert!(pages > 20, "{pages} pages");

    site.write(
        "templates/footer.html",
        "<footer>{{ 1 + \"甲\" }}</footer>\n",
    );
    let out = site.run(&["build", "--date", "2022-02-16"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("templates/footer.html"), "{err}");
}
