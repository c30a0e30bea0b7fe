//! Hostile input, faults and leaks: each guarantee of SECURITY.md as a test
//! that fails when the guarantee breaks.

mod common;
use common::{BIN, Site, snapshot};
use std::process::Command;
use std::time::Duration;

fn check_fails_with(site: &Site, needle: &str) {
    let out = site.run(&["check", "--date", "2022-02-15"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(needle), "expected «{needle}» in:\n{text}");
}

#[test]
fn oversized_files_are_refused_with_the_configured_limit() {
    let site = Site::new("base");
    let cfg = site.read("content/site.yaml") + "限制: {文件大小: 2KiB}\n";
    site.write("content/site.yaml", &cfg);
    let big = site
        .read("content/cases/tc-2022-001.yaml")
        .replace("企业主体责任未落实。", &"企业主体责任未落实。".repeat(200));
    site.write("content/cases/tc-2022-001.yaml", &big);
    check_fails_with(&site, "content/cases/tc-2022-001.yaml:1:1: 错误: 文件过大");
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused() {
    let site = Site::new("base");
    let mut bomb = String::from("发布日期: 2022-01-20\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    site.write("content/cases/bomb.yaml", &bomb);
    site.write(
        "content/cases/deep.yaml",
        &format!("标题: {}x{}\n", "[".repeat(200), "]".repeat(200)),
    );
    let out = site.run(&["check", "--date", "2022-02-15"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("content/cases/bomb.yaml:") && text.contains("content/cases/deep.yaml:"),
        "{text}"
    );
    assert!(text.contains("YAML 超出解析限制"), "{text}");
}

#[test]
fn too_many_records_are_refused() {
    let site = Site::new("base");
    let cfg = site.read("content/site.yaml") + "限制: {记录数: 3}\n";
    site.write("content/site.yaml", &cfg);
    check_fails_with(&site, "记录文件数超过上限");
}

#[test]
fn symbolic_links_out_of_the_site_are_refused() {
    let site = Site::new("base");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "发布日期: 2022-01-01\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        site.path().join("content/cases/link.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("content/pages/dir")).unwrap();
    let out = site.run(&["check", "--date", "2022-02-15"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("content/cases/link.yaml:1:1: 错误: 符号链接指向站点目录之外"),
        "{text}"
    );
    assert!(
        text.contains("content/pages/dir:1:1: 错误: 符号链接指向站点目录之外"),
        "{text}"
    );
}

#[test]
fn the_output_directory_is_guarded() {
    let site = Site::new("base");
    let stranger = site.path().join("documents");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("thesis.docx"), "precious").unwrap();
    for out in [".", "content", "content/public", "documents", ".."] {
        let o = site.run(&["build", "--date", "2022-02-15", "--out", out]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "--out {out}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(stranger.join("thesis.docx")).unwrap(),
        "precious"
    );
    // an empty directory, or one gongshi made, is fine
    std::fs::create_dir_all(site.path().join("empty")).unwrap();
    assert!(
        site.run(&["build", "--date", "2022-02-15", "--out", "empty"])
            .status
            .success()
    );
    assert!(
        site.run(&["build", "--date", "2022-02-16", "--out", "empty"])
            .status
            .success()
    );
}

#[test]
fn an_unwritable_output_is_an_error_not_a_half_written_site() {
    let site = Site::new("base");
    site.write("blocker", "a file where a directory should be");
    let o = site.run(&["build", "--date", "2022-02-15", "--out", "blocker/public"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(site.read("blocker"), "a file where a directory should be");
}

#[test]
fn a_full_disk_leaves_the_previous_output_intact() {
    // Needs root (tools/test-all.sh runs as root): a small tmpfs to fill.
    let site = Site::new("base");
    let mnt = site.path().join("disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(ok.success(), "mounting a tmpfs needs root");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let out = mnt.join("public");
    assert!(
        site.run(&[
            "build",
            "--date",
            "2022-02-15",
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    let before = snapshot(&out);
    // fill the disk, then free 40 KB: the new build starts, then runs out
    let filler = mnt.join("filler");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=1k", "count=4096"])
        .arg(format!("of={}", filler.display()))
        .output();
    let len = std::fs::metadata(&filler).unwrap().len();
    for free in [40 * 1024, 0] {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&filler)
            .unwrap()
            .set_len(len - free)
            .unwrap();
        let o = site.run(&[
            "build",
            "--date",
            "2025-06-01",
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("输出目录未改动"), "{err}");
        assert_eq!(
            before,
            snapshot(&out),
            "previous output untouched ({free} bytes free)"
        );
    }
    let leftovers = std::fs::read_dir(&mnt)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(leftovers, 0, "no half-written site left behind");
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_output_intact() {
    // A site large enough that a debug build takes a while.
    let tmp = tempfile::tempdir().unwrap();
    let generator = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/gen_corpus.py");
    let st = Command::new("python3")
        .arg(generator)
        .arg("1500")
        .arg(tmp.path())
        .status()
        .expect("python3");
    assert!(st.success());
    let out = tmp.path().join("public");
    let build = |date: &str| {
        Command::new(BIN)
            .args(["build", "--date", date])
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    assert!(build("2026-11-22").status.success());
    let old = snapshot(&out);
    // What a completed build for the new date publishes (built elsewhere).
    let reference = tmp.path().join("reference");
    let st = Command::new(BIN)
        .args(["build", "--date", "2027-06-01", "--out"])
        .arg(&reference)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(st.status.success());
    let new = snapshot(&reference);
    assert_ne!(old, new);
    let mut killed = 0;
    for delay_ms in [30u64, 120, 250, 400, 700, 1000, 1500] {
        // start each round from the old site
        assert!(build("2026-11-22").status.success());
        assert_eq!(snapshot(&out), old);
        let mut child = Command::new(BIN)
            .args(["build", "--date", "2027-06-01"])
            .current_dir(tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        let _ = child.wait();
        // Never a mixture: the old site byte for byte, or — when the kill
        // came after the atomic swap — the new one, whole.
        let now = snapshot(&out);
        assert!(
            now == old || now == new,
            "killed after {delay_ms} ms: the output is neither the old nor the new site"
        );
    }
    assert!(killed >= 3, "the kills landed while building ({killed})");
    // the next build succeeds and leaves no temporary directory
    assert!(build("2026-11-23").status.success());
    let leftovers = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn every_page_carries_a_strict_content_security_policy() {
    let site = Site::new("base");
    site.build("2022-02-15");
    let pages: Vec<(String, Vec<u8>)> = snapshot(&site.path().join("public"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 20);
    for (p, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            html.contains(
                "Content-Security-Policy\" content=\"default-src 'self'; script-src 'self';"
            ),
            "{p}"
        );
        assert!(
            !html.contains(" style=\"") && !html.contains("<style"),
            "{p} has inline style"
        );
        for (i, _) in html.match_indices("<script") {
            assert!(
                html[i..].starts_with("<script src="),
                "{p} has an inline script"
            );
        }
        assert!(!html.to_lowercase().contains("javascript:"), "{p}");
    }
}

#[test]
fn a_reviewed_false_positive_is_accepted_and_listed_by_check() {
    let site = Site::new("base");
    // a device serial number that looks like a mobile number
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装超期未检气瓶（气瓶钢印号 13912345678）。",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    check_fails_with(&site, "手机号码");
    site.write(
        "content/actions/ta-2022-001.yaml",
        &(text + "隐私例外:\n  - {内容: \"13912345678\", 说明: 气瓶钢印号，非手机号码，经张某某审核}\n"),
    );
    let out = site.run(&["check", "--date", "2022-02-15"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("警告 [隐私例外[1]]: 隐私扫描已按人工审核放行：气瓶钢印号"),
        "{stdout}"
    );
    site.build("2022-02-15");
    assert!(
        site.read("public/actions/ta-2022-001.html")
            .contains("13912345678")
    );
    // the exception covers that number only
    let other = site.read("content/actions/ta-2022-001.yaml").replace(
        "充装超期未检气瓶（",
        "联系人 13812345678，充装超期未检气瓶（",
    );
    site.write("content/actions/ta-2022-001.yaml", &other);
    check_fails_with(&site, "手机号码");
}

#[test]
fn whistleblower_markers_reach_neither_the_tantivy_index_nor_serve() {
    let site = Site::new("base");
    site.build("2022-02-15");
    for query in ["赵举报", "幸福路", "非常危险"] {
        let out = site.run(&["search", query, "--date", "2022-02-15", "--format", "json"]);
        let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.is_empty(), "{query} found: {v:?}");
    }
    let index = site.path().join(".public.tantivy");
    assert!(
        index.is_dir(),
        "the tantivy index is built beside the output"
    );
    assert!(index.join("meta.json").is_file());
    let inside: Vec<String> = snapshot(&site.path().join("public"))
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.ends_with("meta.json")
                || [".store", ".idx", ".pos", ".term", ".fast", ".fieldnorm"]
                    .iter()
                    .any(|x| p.ends_with(x))
        })
        .collect();
    assert!(
        inside.is_empty(),
        "not inside the public output: {inside:?}"
    );
    let siblings: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(
        siblings.is_empty(),
        "no temporary directory left: {siblings:?}"
    );
    for (p, bytes) in snapshot(&index) {
        let text = String::from_utf8_lossy(&bytes);
        for m in ["赵举报", "13800000000", "幸福路"] {
            assert!(!text.contains(m), "{m} in tantivy file {p}");
        }
    }
}

/// Output piped into a reader that has gone (`gongshi schema cases | head
/// -1`) ends the command quietly, never in a panic.
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    use std::process::Stdio;
    for args in [&["schema", "cases"][..], &["--help"][..]] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the command has started to write.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
    }
}
