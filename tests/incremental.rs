//! Incremental builds equal clean builds: random sequences of edits,
//! additions and deletions (and a template change), each followed by an
//! incremental build and a clean build that must be byte-identical.

mod common;
use common::{Site, snapshot};

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
        // The same changes built by one process that keeps its load cache,
        // as `serve` does: unchanged files are not read again.
        let mut loaded = gongshi::content::LoadCache::default();
        let cached_opts = gongshi::cmd::build::BuildOptions {
            site: site.path().to_path_buf(),
            out: None,
            date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            drafts: false,
            verbose: false,
            engine: false,
            static_search: true,
        };
        let cached_out = site.path().join("cached");
        let mut added: Vec<String> = Vec::new();
        for step in 0..12 {
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
                }
                // add a record (a copy of an action under a new id)
                1 | 2 => {
                    let id = format!("add-{step}");
                    let text = site.read("content/actions/ta-2022-001.yaml").replace(
                        "测市监罚〔2022〕1号",
                        &format!("测市监罚〔2022〕{}号", 100 + step),
                    );
                    site.write(&format!("content/actions/{id}.yaml"), &text);
                    added.push(id);
                }
                // delete a record added earlier
                3 if !added.is_empty() => {
                    let id = added.remove(rng.next(added.len()));
                    site.remove(&format!("content/actions/{id}.yaml"));
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
                }
                // override a template
                _ => {
                    site.write("templates/404.html", &format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>找不到页面 {step}</h1>{{% endblock %}}\n"));
                }
            }
            site.build(date);
            let incremental = snapshot(&site.path().join("public"));
            let built = gongshi::cmd::build::build_site_cached(
                &cached_opts,
                &cached_out,
                Some(&mut loaded),
                None,
            );
            assert!(
                matches!(built, gongshi::cmd::build::Outcome::Built { .. }),
                "seed {seed:x} step {step}: the cached build succeeds"
            );
            let cached = snapshot(&cached_out);
            let clean = clean_build(&site, date);
            assert!(
                cached == clean,
                "seed {seed:x} step {step}: a build from the load cache differs from a clean build"
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
    // page and its CSV and XLSX, the search page (the index changed)
    assert!((1..=8).contains(&rendered), "{line}");
    assert!(total > 20, "{line}");
    assert!(
        site.read("public/hazards/th-2022-001.html")
            .contains("立即停用储罐")
    );
}

/// The preview may take unchanged pages without scanning them again, but
/// only from an output scanned by the same scanner: when a private value
/// is added that stands in pages that did not change, they are scanned
/// again and the build is refused.
#[test]
fn reused_pages_are_scanned_again_when_the_secrets_change() {
    use gongshi::cmd::build::{BuildOptions, Outcome, build_site_cached};
    let site = Site::new("base");
    let opts = BuildOptions {
        site: site.path().to_path_buf(),
        out: None,
        date: chrono::NaiveDate::from_ymd_opt(2022, 2, 15).unwrap(),
        drafts: false,
        verbose: false,
        engine: false,
        static_search: false,
    };
    let out = site.path().join("preview");
    let mut loaded = gongshi::content::LoadCache::default();
    let first = build_site_cached(&opts, &out, Some(&mut loaded), None);
    let Outcome::Built { scanner, .. } = first else {
        panic!("the first build succeeds");
    };
    let trusted = scanner.fingerprint().to_string();
    // Unchanged content: trusted, and the same site.
    let again = build_site_cached(&opts, &out, Some(&mut loaded), Some(&trusted));
    assert!(matches!(again, Outcome::Built { .. }));
    // The whistleblower's "name" becomes the ICP number that every page
    // shows in its footer (and no feed or data file does); no page's own
    // content changes, so every page is taken from the previous output.
    let clue = "content/clues/tx-2022-001.yaml";
    site.write(
        clue,
        &site
            .read(clue)
            .replace("姓名: 赵举报", "姓名: 辽ICP备00000000号"),
    );
    match build_site_cached(&opts, &out, Some(&mut loaded), Some(&trusted)) {
        Outcome::Failed(diags, _) => assert!(
            diags.iter().any(|d| d.message.contains("隐私")),
            "{diags:?}"
        ),
        _ => panic!("a secret in reused pages is found"),
    }
}
