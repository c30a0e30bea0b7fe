//! Incremental builds equal clean builds: random sequences of edits,
//! additions and deletions (and a template change), each followed by an
//! incremental build and a clean build that must be byte-identical.

mod common;
use common::{Site, copy_dir, snapshot};
use gongshi::serve::{State, rebuild};

fn serve_options(site: &Site, date: &str) -> gongshi::pipeline::BuildOptions {
    gongshi::pipeline::BuildOptions {
        site: site.path().to_path_buf(),
        out: None,
        date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        drafts: false,
        verbose: false,
        engine: false,
        static_search: false,
        search_apart_above: gongshi::pipeline::SEARCH_APART_ABOVE,
    }
}

/// The files of a clean build that the preview answers differently (asked
/// for as a browser would, by path), and the pages it has that the build
/// has not. search.html and the static search index differ by design (the
/// preview writes the index on request).
fn preview_differences(state: &State, clean: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut differ = Vec::new();
    for (path, bytes) in clean {
        if path == "search.html" || path.starts_with("search/") || path.starts_with('.') {
            continue;
        }
        let (status, _, body) = gongshi::serve::site_file(&format!("/{path}"), state, false);
        // The not-found page's links start at the site's path; the preview
        // serves the site from `/`.
        let bytes = if path == "404.html" {
            String::from_utf8_lossy(bytes)
                .replace("\"/disclosure/", "\"/")
                .into_bytes()
        } else {
            bytes.clone()
        };
        if !status.starts_with("200") || body != bytes {
            differ.push(format!("{path} ({status})"));
        }
    }
    let built: std::collections::HashSet<&str> = clean.iter().map(|(p, _)| p.as_str()).collect();
    let snap = state.current().expect("a preview");
    differ.extend(
        snap.page_paths()
            .into_iter()
            .filter(|p| !built.contains(p.as_str()))
            .map(|p| format!("{p} (only in the preview)")),
    );
    // Nothing that is not in the build is found either.
    for missing in [
        "no/such/page.html",
        "apple-touch-icon.png",
        "data/no-such.json",
    ] {
        let (status, _, _) = gongshi::serve::site_file(&format!("/{missing}"), state, false);
        if !status.starts_with("404") {
            differ.push(format!("{missing} ({status}, not 404)"));
        }
    }
    differ.sort();
    differ
}

struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn clean_build(site: &Site, date: &str) -> Vec<(String, Vec<u8>)> {
    let clean = site.path().join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    let _ = std::fs::remove_file(site.path().join(".clean.pages.json"));
    let out = site.run(&["build", "--date", date, "--out", "clean"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    snapshot(&clean)
}

#[test]
fn incremental_output_equals_a_clean_build_after_random_changes() {
    for seed in [
        0x9e37_79b9_7f4a_7c15u64,
        0x2545_f491_4f6c_dd1d,
        0x1234_5678_9abc_def1,
    ] {
        let site = Site::new("base");
        let mut rng = Rng(seed);
        let date = "2022-02-15";
        site.build(date);
        // The same changes previewed by `serve`, which keeps its records
        // between builds and renders pages when they are asked for.
        let preview_opts = serve_options(&site, date);
        let preview = State::new(site.path().join("preview"));
        let mut added: Vec<String> = Vec::new();
        for step in 0..12 {
            // The paths changed, as the preview's watcher would see them.
            let mut touched: Vec<String> = Vec::new();
            match rng.next(6) {
                // edit a text field of an existing record
                0 => {
                    let (path, from) = [
                        ("content/cases/tc-2022-001.yaml", "企业主体责任未落实"),
                        ("content/actions/ta-2022-001.yaml", "充装超期未检气瓶"),
                        (
                            "content/hazards/th-2022-001.yaml",
                            "液氨储罐安全阀超期未校验",
                        ),
                        ("content/blacklist/tb-2022-001.yaml", "拒不执行安全监察指令"),
                    ][rng.next(4)];
                    let text = site.read(path).replacen(from, &format!("{from}{step}"), 1);
                    site.write(path, &text);
                    touched.push(path.to_string());
                }
                // add a record (a copy of an action under a new id)
                1 | 2 => {
                    let id = format!("add-{step}");
                    let text = site.read("content/actions/ta-2022-001.yaml").replace(
                        "测市监罚〔2022〕1号",
                        &format!("测市监罚〔2022〕{}号", 100 + step),
                    );
                    site.write(&format!("content/actions/{id}.yaml"), &text);
                    touched.push(format!("content/actions/{id}.yaml"));
                    added.push(id);
                }
                // delete a record added earlier
                3 if !added.is_empty() => {
                    let id = added.remove(rng.next(added.len()));
                    site.remove(&format!("content/actions/{id}.yaml"));
                    touched.push(format!("content/actions/{id}.yaml"));
                }
                // change the site name: every page changes
                4 => {
                    let text = site.read("content/site.yaml").replacen(
                        "名称: 测试市",
                        &format!("名称: 测试{step}市"),
                        1,
                    );
                    let text = if text.contains("名称: 测试市") {
                        text
                    } else {
                        text.replacen(
                            &format!("名称: 测试{}市", step.max(1) - 1),
                            "名称: 测试市",
                            1,
                        )
                    };
                    site.write("content/site.yaml", &text);
                    touched.push("content/site.yaml".into());
                }
                // override a template
                _ => {
                    site.write("templates/404.html", &format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>找不到页面 {step}</h1>{{% endblock %}}\n"));
                    touched.push("templates/404.html".into());
                }
            }
            site.build(date);
            let incremental = snapshot(&site.path().join("public"));
            preview
                .loaded
                .lock()
                .unwrap()
                .changed_only(touched.iter().map(|p| site.path().join(p)).collect());
            assert!(
                rebuild(&preview_opts, &preview),
                "seed {seed:x} step {step}: the preview is made"
            );
            let clean = clean_build(&site, date);
            assert_eq!(
                preview_differences(&preview, &clean),
                Vec::<String>::new(),
                "seed {seed:x} step {step}: the preview differs from a clean build"
            );
            assert_eq!(
                incremental.len(),
                clean.len(),
                "seed {seed:x} step {step}: file lists differ"
            );
            for ((p1, b1), (p2, b2)) in incremental.iter().zip(clean.iter()) {
                assert_eq!(p1, p2, "seed {seed:x} step {step}");
                assert!(
                    b1 == b2,
                    "seed {seed:x} step {step}: {p1} differs from a clean build"
                );
            }
        }
    }
}

/// A list of more than one page: a record added to, or removed from, its
/// last page changes the count on the first page, whose records stay the
/// same. The incremental build must show the new count, as a clean one
/// does.
#[test]
fn a_change_on_a_lists_last_page_updates_its_first_page() {
    let site = Site::new("base");
    let action = site.read("content/actions/ta-2022-001.yaml");
    let make = |i: usize, day: usize| {
        action
            .replace("2022-01-14", &format!("2022-01-{day:02}"))
            .replace("2022-01-12", "2022-01-01")
            .replace("〔2022〕1号", &format!("〔2022〕{}号", 100 + i))
    };
    for i in 0..24 {
        site.write(
            &format!("content/actions/tm-{i:03}.yaml"),
            &make(i, 15 + i % 10),
        );
    }
    let date = "2022-02-15";
    site.build(date);
    let first = "public/actions/index.html";
    assert!(
        site.read(first).contains("共 25 条"),
        "{}",
        site.read(first)
    );
    for (step, change) in ["add", "remove"].iter().enumerate() {
        if *change == "add" {
            site.write("content/actions/tm-old.yaml", &make(99, 2));
        } else {
            site.remove("content/actions/tm-old.yaml");
        }
        site.build(date);
        let want = if *change == "add" {
            "共 26 条"
        } else {
            "共 25 条"
        };
        assert!(site.read(first).contains(want), "step {step}: {want}");
        let clean = clean_build(&site, date);
        let incremental = snapshot(&site.path().join("public"));
        assert_eq!(incremental, clean, "step {step}: {change}");
    }
}

#[test]
fn an_edit_re_renders_only_the_pages_the_record_appears_on() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let text = site
        .read("content/hazards/th-2022-001.yaml")
        .replace("停用储罐", "立即停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    let out = site.run(&["build", "--date", "2022-02-15", "-v"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("重新生成"))
        .expect("-v reports the pages");
    let rendered: usize = line
        .split("重新生成")
        .nth(1)
        .unwrap()
        .split('，')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let total: usize = line
        .split("沿用")
        .nth(1)
        .unwrap()
        .trim()
        .parse::<usize>()
        .unwrap()
        + rendered;
    // the hazard's page, the hazard list, the home page, the day's report
    // page and its CSV and XLSX, the search page (the index changed), and
    // the open data of hazards (JSON, CSV, XLSX)
    assert!((1..=11).contains(&rendered), "{line}");
    assert!(total > 20, "{line}");
    // The parts of the longest stage, each with its time.
    let parts = err
        .lines()
        .find(|l| l.contains("其中（同时进行）"))
        .expect("-v reports the parts of the pages stage");
    for part in ["静态搜索索引", "服务端搜索索引", "页面", "开放数据与报表"] {
        assert!(parts.contains(&format!("{part} ")), "{part} in {parts}");
    }
    assert_eq!(parts.matches(" ms").count(), 4, "{parts}");
    assert!(
        site.read("public/hazards/th-2022-001.html")
            .contains("立即停用储罐")
    );
}

/// The preview scans again only the records that changed, while the
/// private values stay the same. When they change, every record is scanned
/// again: a record that did not change but now shows a private value is
/// refused, naming its file and field.
#[test]
fn the_preview_scans_unchanged_records_again_when_the_secrets_change() {
    let site = Site::new("base");
    let opts = serve_options(&site, "2022-02-15");
    let state = State::new(site.path().join("preview"));
    assert!(rebuild(&opts, &state), "the first preview is made");
    let page = "actions/ta-2022-001.html";
    let before = state.current().unwrap().page(page).unwrap().unwrap();
    // The whistleblower's name becomes a phrase that an action, which does
    // not change, publishes.
    let clue = "content/clues/tx-2022-001.yaml";
    site.write(
        clue,
        &site
            .read(clue)
            .replace("姓名: 赵举报", "姓名: 充装超期未检气瓶"),
    );
    assert!(!rebuild(&opts, &state), "the preview is refused");
    let errors = state.errors.read().unwrap().clone();
    assert!(
        errors
            .iter()
            .any(|d| d.path == "content/actions/ta-2022-001.yaml"
                && d.field == "原因"
                && d.message.contains("隐私")),
        "{errors:?}"
    );
    // ... and the last good preview is still served
    assert_eq!(
        state.current().unwrap().page(page).unwrap().unwrap(),
        before
    );
}

/// The preview keeps what the rules of one record found in it while that
/// record is unchanged (it does not check 20,000 records at every save):
/// a record's warning stays reported after another record is saved, and
/// goes when the record is fixed; after each save the preview reports
/// exactly what a clean check does.
#[test]
fn the_preview_reports_what_a_clean_check_reports_after_each_save() {
    let site = Site::new("base");
    let date = "2022-02-15";
    let opts = serve_options(&site, date);
    let preview = State::new(site.path().join("preview"));
    assert!(rebuild(&opts, &preview), "the first preview is made");
    let action = "content/actions/ta-2022-001.yaml";
    let case = "content/cases/tc-2022-001.yaml";
    let original = site.read(action);
    let reviewed = original.clone()
        + "隐私例外:\n  - {内容: \"13912345678\", 说明: 气瓶钢印号，非手机号码，经张某某审核}\n";
    let edited_case = site
        .read(case)
        .replacen("企业主体责任未落实", "企业主体责任长期未落实", 1);
    let steps: [(&str, &str, usize); 3] = [
        (action, &reviewed, 1),
        (case, &edited_case, 1),
        (action, &original, 0),
    ];
    for (step, (path, text, warnings)) in steps.into_iter().enumerate() {
        site.write(path, text);
        preview
            .loaded
            .lock()
            .unwrap()
            .changed_only(vec![site.path().join(path)]);
        assert!(rebuild(&opts, &preview), "step {step}: the preview is made");
        let shown = preview.current().expect("a preview").warnings.clone();
        let (content, mut clean) = gongshi::content::load(site.path());
        gongshi::check::check(&content, &mut clean);
        assert_eq!(shown, clean.sorted(), "step {step}: as a clean check");
        assert_eq!(
            shown
                .iter()
                .filter(|d| d.message.contains("隐私扫描已按人工审核放行"))
                .count(),
            warnings,
            "step {step}: {shown:?}"
        );
    }
}

/// The static search index keeps its files' names while their content
/// does not change (tiers by the documents' dates, shards by a stable hash
/// of their keys): a rebuild after an edit rewrites the few files whose
/// content changed and links the others from the previous output (on a
/// disk, creating tens of thousands of files is most of a rebuild's time).
#[cfg(unix)]
#[test]
fn a_rebuild_rewrites_only_the_changed_files_of_the_search_index() {
    use std::collections::BTreeMap;
    use std::os::unix::fs::MetadataExt;
    fn index_files(site: &Site) -> BTreeMap<String, (u64, Vec<u8>)> {
        let search = site.path().join("public/search");
        walkdir::WalkDir::new(&search)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let name = e
                    .path()
                    .strip_prefix(&search)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let ino = e.metadata().unwrap().ino();
                (name, (ino, std::fs::read(e.path()).unwrap()))
            })
            .collect()
    }
    let site = Site::new("base");
    site.build("2022-02-15");
    let old = index_files(&site);
    let text = site
        .read("content/hazards/th-2022-001.yaml")
        .replace("停用储罐", "立即停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build("2022-02-15");
    let new = index_files(&site);
    let manifest =
        |m: &BTreeMap<String, (u64, Vec<u8>)>| m.keys().find(|k| k.starts_with("index.")).cloned();
    assert_ne!(manifest(&old), manifest(&new), "the edit changes the index");
    // By directory (a tier's, the result rows'): unchanged files, changed.
    let mut by_dir: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (name, (ino, bytes)) in &new {
        let dir = name.split('/').next().unwrap_or("").to_string();
        let count = by_dir.entry(dir).or_default();
        match old.get(name) {
            Some((old_ino, old_bytes)) if old_bytes == bytes => {
                assert_eq!(ino, old_ino, "{name} is unchanged but was written again");
                count.0 += 1;
            }
            _ => {
                assert!(
                    old.values().all(|(i, _)| i != ino),
                    "{name} changed but is linked"
                );
                count.1 += 1;
            }
        }
    }
    let tiers: Vec<&(usize, usize)> = by_dir
        .iter()
        .filter(|(d, _)| d.starts_with('t'))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(tiers.len(), 2, "two tiers: {by_dir:?}");
    // The hazard was published in January: the tier of February's
    // records is taken whole; January's has changed files.
    assert!(
        tiers.iter().any(|c| c.1 == 0 && c.0 > 0) && tiers.iter().any(|c| c.1 > 0),
        "one tier untouched, one rewritten in part: {by_dir:?}"
    );
}

/// The tantivy index beside the output is built again only when what it
/// holds changes: a rebuild of the same documents keeps the previous one
/// as it is (a rebuild that changes only a date, a template or a field the
/// index does not read), and one with an edited record builds it afresh,
/// keyed as a clean build of the same content is.
#[test]
fn the_tantivy_index_is_built_again_only_when_its_documents_change() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::new("base");
    let stamp = |site: &Site, out: &str| {
        let dir = site.path().join(format!(".{out}.tantivy"));
        let key = std::fs::read_to_string(dir.join("gongshi-key")).expect("a keyed index");
        let ino = std::fs::metadata(dir.join("meta.json")).unwrap().ino();
        (key, ino)
    };
    site.build("2022-02-15");
    let first = stamp(&site, "public");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>页面不存在</h1>{% endblock %}\n",
    );
    site.build("2022-02-15");
    assert_eq!(stamp(&site, "public"), first, "the same documents: kept");
    let text = site
        .read("content/hazards/th-2022-001.yaml")
        .replace("停用储罐", "立即停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build("2022-02-15");
    let edited = stamp(&site, "public");
    assert_ne!(edited.0, first.0, "an edited record changes the key");
    assert_ne!(edited.1, first.1, "and the index is built again");
    let out = site.run(&["build", "--date", "2022-02-15", "--out", "clean"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stamp(&site, "clean").0, edited.0, "keyed as a clean build");
}

/// A large site builds its search indexes after its pages, once its records
/// are freed: the site (its search page naming the manifest that is there)
/// and the tantivy index are those of a build that makes them side by side.
#[test]
fn search_indexes_built_after_the_pages_give_the_same_site() {
    use gongshi::pipeline::{BuildOptions, Outcome, build_site};
    let site = Site::new("base");
    let build = |name: &str, apart: usize| {
        let out = site.path().join(name);
        let opts = BuildOptions {
            site: site.path().to_path_buf(),
            out: Some(out.clone()),
            date: chrono::NaiveDate::from_ymd_opt(2022, 2, 15).unwrap(),
            drafts: false,
            verbose: false,
            engine: true,
            static_search: true,
            search_apart_above: apart,
        };
        match build_site(&opts, Some(&out)) {
            Outcome::Built { .. } => {}
            Outcome::Failed(d, why) => panic!(
                "{why}: {:?}",
                d.iter().map(|d| &d.message).collect::<Vec<_>>()
            ),
            Outcome::Io(e) => panic!("{e}"),
        }
        let key = std::fs::read_to_string(site.path().join(format!(".{name}.tantivy/gongshi-key")));
        (snapshot(&out), key.expect("a tantivy index"))
    };
    let (together, together_key) = build("together", usize::MAX);
    let (apart, apart_key) = build("apart", 0);
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&apart), names(&together));
    assert!(apart == together, "the same bytes");
    assert_eq!(apart_key, together_key);
    let page = apart
        .iter()
        .find(|f| f.0 == "search.html")
        .expect("search.html");
    let page = String::from_utf8_lossy(&page.1);
    let manifest = page
        .split("data-index=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("search.html names its index");
    assert!(manifest.starts_with("search/index."), "{manifest}");
    assert!(
        apart.iter().any(|f| f.0 == manifest),
        "{manifest} is written"
    );
}

/// A rebuild does not read the pages it takes unchanged from the previous
/// output; yet a link of such a page to a file that this build no longer
/// writes is still found (the files the previous output linked to are
/// kept beside it, and one of them missing makes the rebuild read them).
#[test]
fn a_page_taken_unchanged_still_has_its_links_checked() {
    let site = Site::new("base");
    site.write(
        "content/pages/about.md",
        "---\n标题: 关于本平台\n发布日期: 2022-01-01\n---\n本平台公开特种设备安全监管信息。参见[典型案例](../cases/tc-2022-001.html)。\n",
    );
    site.build("2022-02-15");
    let about = site.read("public/pages/about.html");
    assert!(
        site.path().join(".public.links").is_file(),
        "the links are kept"
    );
    // Another record changes: the page about the platform is taken as it is.
    let text = site
        .read("content/hazards/th-2022-001.yaml")
        .replace("停用储罐", "立即停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build("2022-02-15");
    assert_eq!(site.read("public/pages/about.html"), about);
    // The case it links to goes: the build fails, naming the page.
    site.remove("content/cases/tc-2022-001.yaml");
    let out = site.run(&["build", "--date", "2022-02-15"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("content/pages/about.md") && err.contains("页面链接到不存在的文件"),
        "{err}"
    );
    assert_eq!(
        site.read("public/pages/about.html"),
        about,
        "the previous output is untouched"
    );
    assert!(site.exists("public/cases/tc-2022-001.html"));
}

/// The files of `before` that are not in `now` as they were.
fn changed(before: &[(String, Vec<u8>)], now: &[(String, Vec<u8>)]) -> Vec<String> {
    before
        .iter()
        .filter(|b| !now.contains(b))
        .map(|(p, _)| p.clone())
        .collect()
}

/// The files of `pages` that link to the record page `id`.html.
fn listing(pages: &[(String, Vec<u8>)], id: &str) -> Vec<String> {
    let link = format!("{id}.html\"");
    pages
        .iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(&link))
        .map(|(p, _)| p.clone())
        .collect()
}

/// The numbered pages of a list keep their records when others come and
/// go: a record published after the others changes only the list's first
/// page and the newest numbered page, and a withdrawn one only the pages
/// it was on. Every record is
/// listed once either way, as a clean build lists it.
#[test]
fn list_pages_keep_their_records_when_others_come_and_go() {
    let site = Site::new("base");
    let action = site.read("content/actions/ta-2022-001.yaml");
    let make = |i: usize, date: &str| {
        action
            .replace("2022-01-14", date)
            .replace("2022-01-12", "2022-01-01")
            .replace("〔2022〕1号", &format!("〔2022〕{}号", 100 + i))
    };
    // Two months of actions, a few a day.
    let day = |i: usize| format!("2022-{:02}-{:02}", 2 + i / 28, 1 + i % 28);
    for i in 0..53 {
        site.write(
            &format!("content/actions/st-{i:03}.yaml"),
            &make(i, &day(i / 2)),
        );
    }
    let date = "2022-04-20";
    site.build(date);
    let numbered = |site: &Site| -> Vec<(String, Vec<u8>)> {
        snapshot(&site.path().join("public/actions"))
            .into_iter()
            .filter(|(p, _)| p.contains("page/"))
            .collect()
    };
    let before = numbered(&site);
    let front = site.read("public/actions/index.html");
    let total: usize = front
        .split("共 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the first page gives the total");
    assert!(
        !total.is_multiple_of(20) && !before.is_empty(),
        "the newest page has room: {total}, {before:?}"
    );

    // A new record: of the numbered pages, only those that take it change.
    site.write("content/actions/st-new.yaml", &make(99, "2022-04-18"));
    site.build(date);
    let now = numbered(&site);
    let took = listing(&now, "st-new");
    assert!(!took.is_empty(), "the newest numbered page lists it");
    assert_eq!(
        changed(&before, &now),
        took,
        "a new record moved older pages"
    );
    assert_eq!(now.len(), before.len());
    assert!(
        site.read("public/actions/index.html")
            .contains("st-new.html")
    );
    let before = now;

    // An old record withdrawn: only the pages that listed it change.
    let old = "content/actions/st-004.yaml";
    let text = format!(
        "状态: 已撤回\n撤回: {{日期: 2022-04-19, 原因: 决定已依法撤销。}}\n{}",
        site.read(old)
    );
    site.write(old, &text);
    site.build(date);
    let after = numbered(&site);
    let held = listing(&before, "st-004");
    assert!(!held.is_empty(), "an old record is on a numbered page");
    assert_eq!(
        changed(&before, &after),
        held,
        "only the pages that listed it change"
    );
    assert_eq!(listing(&after, "st-004"), Vec::<String>::new());
    let clean = clean_build(&site, date);
    assert_eq!(snapshot(&site.path().join("public")), clean);
}

/// A list whose first page shows all its records still links its numbered
/// pages; a numbered page of hazards does not carry the link to the
/// overdue hazards, which comes and goes with the date, not with its
/// records: a rebuild after the last overdue hazard is closed equals a
/// clean build and links no page that is gone.
#[test]
fn numbered_list_pages_are_linked_and_carry_nothing_of_the_date() {
    let site = Site::new("base");
    let hazard = site.read("content/hazards/th-2022-001.yaml");
    for i in 0..24 {
        let text = hazard
            .replace("2022-01-15", &format!("2022-01-{:02}", 1 + i))
            .replace("整改时限: 2022-03-01", "整改时限: 2022-12-01");
        site.write(&format!("content/hazards/hz-{i:03}.yaml"), &text);
    }
    // th-2022-001 is overdue after 2022-03-01.
    let date = "2022-03-10";
    site.build(date);
    let first = site.read("public/hazards/index.html");
    assert!(first.contains("hazards/overdue.html"), "{first}");
    for n in [1, 2] {
        let page = format!("hazards/page/{n}.html");
        assert!(first.contains(&format!("href=\"../{page}\"")), "{page}");
        let text = site.read(&format!("public/{page}"));
        assert!(!text.contains("overdue.html"), "{page}");
    }
    // Closed: no hazard is overdue, and no page links the list of them.
    let closed = format!(
        "{}销号: {{日期: 2022-03-05, 验收单位: 测试市市场监督管理局, 说明: 已校验安全阀}}\n",
        site.read("content/hazards/th-2022-001.yaml")
    );
    site.write("content/hazards/th-2022-001.yaml", &closed);
    site.build(date);
    assert!(!site.exists("public/hazards/overdue.html"));
    let clean = clean_build(&site, date);
    let built = snapshot(&site.path().join("public"));
    assert_eq!(built, clean);
    for (path, bytes) in &built {
        assert!(
            !String::from_utf8_lossy(bytes).contains("hazards/overdue.html"),
            "{path}"
        );
    }
}

/// `gongshi build -v`'s count of record files taken from the last build
/// and read again: (kept, parsed).
fn kept_and_parsed(site: &Site, date: &str) -> (usize, usize) {
    let (kept, parsed, _) = kept_parsed_unread(site, date);
    (kept, parsed)
}

/// [`kept_and_parsed`], with how many of the files kept were not read at
/// all (they had settled).
fn kept_parsed_unread(site: &Site, date: &str) -> (usize, usize, usize) {
    let out = site.run(&["build", "-v", "--date", date]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("沿用上次读取的记录文件"))
        .unwrap_or_else(|| panic!("no count of kept files:\n{err}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}

/// A record file that had settled when it was read (its last change more
/// than two seconds before) is taken by its attributes alone at the next
/// build, without being read; one written since is read (and, until it
/// settles, read and hashed at every build).
#[test]
fn settled_record_files_are_taken_without_being_read() {
    let site = Site::new("base");
    let date = "2022-02-15";
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (kept, files, unread) = kept_parsed_unread(&site, date);
    assert_eq!((kept, unread), (0, 0), "nothing kept yet");
    assert!(files > 5);
    assert_eq!(kept_parsed_unread(&site, date), (files, 0, files));
    let path = "content/actions/ta-2022-001.yaml";
    let text = site.read(path);
    assert!(text.contains("充装超期未检气瓶"));
    site.write(path, &text.replace("充装超期未检气瓶", "充装过期未检气瓶"));
    assert_eq!(kept_parsed_unread(&site, date), (files - 1, 1, files - 1));
    // Written just now: read again (and found the same) while it settles.
    assert_eq!(kept_parsed_unread(&site, date), (files, 0, files - 1));
    let clean = fresh_copy(&site);
    clean.build(date);
    site.build(date);
    assert_eq!(
        snapshot(&site.path().join("public")),
        snapshot(&clean.path().join("public"))
    );
}

/// A copy of the site's files in a new directory: new inodes, so nothing
/// of what the site's builds kept is taken over.
fn fresh_copy(site: &Site) -> Site {
    let copy = Site {
        dir: tempfile::tempdir().unwrap(),
    };
    copy_dir(&site.path().join("content"), &copy.path().join("content"));
    copy
}

#[test]
fn records_kept_from_the_last_build_give_the_same_site_and_messages() {
    let site = Site::new("base");
    let date = "2022-02-15";
    // A bulk file of two actions and an empty one (a warning from reading).
    let action = site.read("content/actions/ta-2022-001.yaml");
    let item = |id: &str| {
        format!("- 编号: {id}\n")
            + &action
                .replace("测市监罚〔2022〕1号", &format!("测市监罚〔2022〕{id}号"))
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
    };
    site.write(
        "content/actions/bulk.yaml",
        &(item("ta-2022-101") + &item("ta-2022-102")),
    );
    site.write("content/actions/empty.yaml", "[]\n");
    let files = 10;
    // check writes nothing, not even this.
    site.check_json(date);
    assert!(!site.exists(".gongshi-cache"));
    assert_eq!(kept_and_parsed(&site, date), (0, files));
    assert_eq!(kept_and_parsed(&site, date), (files, 0));
    let kept = site.path().join(".gongshi-cache/records");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only: {mode:o}");
    }
    // Built from what was kept, the site is the one a fresh read gives.
    let copy = fresh_copy(&site);
    assert_eq!(kept_and_parsed(&copy, date), (0, files));
    assert_eq!(
        snapshot(&site.path().join("public")),
        snapshot(&copy.path().join("public"))
    );
    // So are the messages, errors included.
    for s in [&site, &copy] {
        s.write(
            "content/hazards/broken.yaml",
            "发布日期: 2022-01-20\n标题: [未闭合\n",
        );
    }
    let (code, diags) = site.check_json(date);
    assert_eq!(code, 1);
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "content/hazards/broken.yaml")
    );
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "content/actions/empty.yaml")
    );
    assert_eq!((code, diags.clone()), copy.check_json(date));
    assert_eq!((code, diags), site.check_json(date), "kept errors");
    site.remove("content/hazards/broken.yaml");
    // One file edited: that file is read again, and only it.
    let path = "content/cases/tc-2022-001.yaml";
    site.write(
        path,
        &site
            .read(path)
            .replacen("企业主体责任未落实", "企业主体责任长期未落实", 1),
    );
    assert_eq!(kept_and_parsed(&site, date), (files - 1, 1));
    assert!(
        site.read("public/cases/tc-2022-001.html")
            .contains("企业主体责任长期未落实")
    );
    // site.yaml decides what a file reads as: all are read again.
    let yaml = site.read("content/site.yaml");
    site.write("content/site.yaml", &format!("{yaml}\n# 注释\n"));
    assert_eq!(kept_and_parsed(&site, date), (0, files));
}

#[test]
fn a_records_file_that_came_with_the_site_or_is_damaged_is_not_used() {
    let site = Site::new("base");
    let date = "2022-02-15";
    let files = 8;
    assert_eq!(kept_and_parsed(&site, date), (0, files));
    let kept = site.path().join(".gongshi-cache/records");
    let bytes = std::fs::read(&kept).unwrap();
    // The same files' bytes in another checkout, with the records file
    // copied along (as if committed): other inodes, so nothing is taken.
    let copy = fresh_copy(&site);
    std::fs::create_dir_all(copy.path().join(".gongshi-cache")).unwrap();
    std::fs::write(copy.path().join(".gongshi-cache/records"), &bytes).unwrap();
    assert_eq!(kept_and_parsed(&copy, date), (0, files));
    // Damaged anywhere: set aside, the build as a fresh one, and written
    // anew for the next.
    let clean = snapshot(&copy.path().join("public"));
    for cut in [bytes.len() / 2, bytes.len() - 1, 20] {
        std::fs::write(&kept, &bytes[..cut]).unwrap();
        assert_eq!(kept_and_parsed(&site, date), (0, files), "cut at {cut}");
        assert_eq!(kept_and_parsed(&site, date), (files, 0));
    }
    let mut flipped = std::fs::read(&kept).unwrap();
    for i in (60..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5a;
    }
    std::fs::write(&kept, &flipped).unwrap();
    assert_eq!(kept_and_parsed(&site, date), (0, files), "bytes changed");
    assert_eq!(snapshot(&site.path().join("public")), clean);
}

#[cfg(unix)]
#[test]
fn the_records_cache_is_never_written_through_a_link() {
    let site = Site::new("base");
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join(".gongshi-cache")).unwrap();
    assert_eq!(kept_and_parsed(&site, "2022-02-15"), (0, 8));
    assert_eq!(kept_and_parsed(&site, "2022-02-15"), (0, 8));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// The segments of the tantivy index beside the output `out`.
fn segments(site: &Site, out: &str) -> Vec<String> {
    let meta = site.read(&format!(".{out}.tantivy/meta.json"));
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let ids = meta["segments"].as_array().unwrap().iter();
    ids.map(|s| s["segment_id"].as_str().unwrap().to_string())
        .collect()
}

/// What the tantivy index beside `out` finds for each query, in order.
fn tantivy_finds(site: &Site, out: &str, queries: &[&str]) -> Vec<Vec<(String, String)>> {
    use gongshi::search::engine::Engine;
    use gongshi::search::query::Query;
    let engine = Engine::open(&site.path().join(format!(".{out}.tantivy"))).unwrap();
    queries
        .iter()
        .map(|q| {
            let query = Query {
                text: q.to_string(),
                filters: Default::default(),
            };
            let found = engine.search(&query).unwrap();
            found.into_iter().map(|f| (f.kind, f.id)).collect()
        })
        .collect()
}

/// A record added, edited or withdrawn changes the previous tantivy index
/// in place (its old version deleted, its new one a segment of its own),
/// which then finds what an index built afresh finds, in the same order.
#[test]
fn a_changed_record_updates_the_tantivy_index_which_then_searches_as_a_fresh_one() {
    let site = Site::new("base");
    let date = "2022-02-15";
    site.build(date);
    let before = segments(&site, "public");
    let queries = [
        "气瓶",
        "安全阀",
        "充装",
        "测试",
        "储罐",
        "压力表",
        "测市监罚〔2022〕77号",
    ];
    // As a clean build of the same site indexes it (its key names the
    // documents it holds).
    let same_as_clean = |what: &str| {
        let _ = std::fs::remove_dir_all(site.path().join(".clean.tantivy"));
        let clean = site.run(&["build", "--date", date, "--out", "clean"]);
        assert!(clean.status.success(), "{what}");
        let key = |out: &str| site.read(&format!(".{out}.tantivy/gongshi-key"));
        assert_eq!(key("public"), key("clean"), "{what}");
        let found = tantivy_finds(&site, "public", &queries);
        assert_eq!(found, tantivy_finds(&site, "clean", &queries), "{what}");
        found
    };
    let action = site.read("content/actions/ta-2022-001.yaml");
    let added = action
        .replace("测市监罚〔2022〕1号", "测市监罚〔2022〕77号")
        .replace("充装超期未检气瓶", "充装超期未检气瓶，另有安全阀失效");
    site.write("content/actions/ta-2022-077.yaml", &added);
    site.build(date);
    let joined = segments(&site, "public");
    assert_eq!(joined.len(), before.len() + 1, "joined, not rebuilt");
    assert!(before.iter().all(|s| joined.contains(s)), "{joined:?}");
    let found = same_as_clean("added");
    assert!(found[0].len() >= 3, "{found:?}");
    let new = ("actions".to_string(), "ta-2022-077".to_string());
    assert!(found[1].contains(&new));
    // An edit: the old version deleted, the new one joins.
    site.write(
        "content/actions/ta-2022-077.yaml",
        &added.replace("另有安全阀失效", "另有压力表失效"),
    );
    site.build(date);
    // (The segment of the added version alone is gone with it.)
    let updated = segments(&site, "public");
    assert_eq!(updated.len(), before.len() + 1, "updated, not rebuilt");
    assert!(before.iter().all(|s| updated.contains(s)), "{updated:?}");
    assert!(!updated.contains(joined.last().unwrap()), "{updated:?}");
    let found = same_as_clean("edited");
    assert!(!found[1].contains(&new), "{found:?}");
    assert!(found[5].contains(&new), "{found:?}");
    // A withdrawal: deleted.
    site.write(
        "content/actions/ta-2022-077.yaml",
        &format!(
            "状态: 已撤回\n撤回: {{日期: 2022-02-14, 原因: 决定已依法撤销。}}\n{}",
            added.replace("另有安全阀失效", "另有压力表失效")
        ),
    );
    site.build(date);
    assert!(before.iter().all(|s| segments(&site, "public").contains(s)));
    let found = same_as_clean("withdrawn");
    assert!(found.iter().all(|f| !f.contains(&new)), "{found:?}");
}

/// A rebuild works in the tree of the output before the last, kept beside
/// it (`.public.spare`), brought up to the current output: the site is the
/// one a clean build makes, after an edit, after a build that failed once
/// it had started changing that tree, after a file of the tree was removed
/// behind gongshi's back, and after the output was replaced by a copy (the
/// tree is then not trusted).
#[test]
fn a_rebuild_in_the_spare_tree_makes_the_site_a_clean_build_makes() {
    let date = "2022-02-15";
    let site = Site::new("base");
    let public = site.path().join("public");
    let state = site.path().join(".public.spare.state");
    site.build(date);
    site.build(date);
    assert!(state.is_file(), "the spare is kept after a build");
    let text = site
        .read("content/hazards/th-2022-001.yaml")
        .replace("停用储罐", "立即停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build(date);
    assert_eq!(snapshot(&public), clean_build(&site, date), "after an edit");

    // A page that puts a personal number together fails the build while
    // the pages are written: the output stays, the spare is not trusted.
    let before = snapshot(&public);
    site.write(
        "content/accountability/composed.yaml",
        "发布日期: 2022-02-01\n姓名: 赵六\n单位: 城关镇第138\n职务: 12345678号岗站长\n情形: 诫勉谈话\n事由: 督办不力。\n决定日期: 2022-01-28\n",
    );
    let o = site.run(&["build", "--date", date]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(before, snapshot(&public), "the output is untouched");
    assert!(!state.exists(), "a failed build leaves no spare to trust");
    site.remove("content/accountability/composed.yaml");
    site.build(date);
    assert_eq!(
        snapshot(&public),
        clean_build(&site, date),
        "after a failure"
    );

    // A file of the spare removed: it is taken from the output again.
    site.build(date);
    let spare = site.path().join(".public.spare");
    std::fs::remove_file(spare.join("cases/tc-2022-001.html")).unwrap();
    let text = text.replace("立即停用储罐", "停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build(date);
    assert_eq!(snapshot(&public), clean_build(&site, date), "after a loss");

    // The output replaced by a copy of itself: a new tree is made.
    let copy = site.path().join("public-copy");
    copy_dir(&public, &copy);
    std::fs::remove_dir_all(&public).unwrap();
    std::fs::rename(&copy, &public).unwrap();
    let text = text.replace("停用储罐", "立即停用储罐");
    site.write("content/hazards/th-2022-001.yaml", &text);
    site.build(date);
    assert_eq!(snapshot(&public), clean_build(&site, date), "after a copy");
}

/// The tantivy index names the privacy scan its documents passed: the one
/// the output's marker names, written only once the site is published, so
/// that a later build with the same scan need not scan them again; a scan
/// that changes is named anew.
#[test]
fn the_tantivy_index_names_the_scan_its_documents_passed() {
    let site = Site::new("base");
    let date = "2022-02-15";
    let scans = |site: &Site| {
        let marker = site.read("public/.gongshi-output");
        let scan = site.read(".public.tantivy/gongshi-scan");
        assert!(marker.lines().any(|l| l == scan), "{marker} / {scan}");
        scan
    };
    site.build(date);
    let first = scans(&site);
    // A build that fails changes neither.
    let action = site.read("content/actions/ta-2022-001.yaml");
    site.write(
        "content/actions/ta-2022-001.yaml",
        &action.replace(
            "原因: 充装超期未检气瓶。",
            "原因: 充装超期未检气瓶。\n依据: 《特种设备安全法》第 138\n处罚内容: 12345678 号文件所列处罚",
        ),
    );
    assert!(!site.run(&["build", "--date", date]).status.success());
    assert_eq!(scans(&site), first);
    // Another private value to look for: another scan, named once built.
    site.write("content/actions/ta-2022-001.yaml", &action);
    let clue = "content/clues/tx-2022-001.yaml";
    let text = site.read(clue);
    assert!(text.contains("姓名: 赵举报"));
    site.write(clue, &text.replace("姓名: 赵举报", "姓名: 钱另报"));
    site.build(date);
    assert_ne!(scans(&site), first);
}
