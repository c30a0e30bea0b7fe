//! `gongshi serve`: preview, path safety, live rebuild, error status and
//! the search API, against the real binary on a loopback port.

mod common;
use common::{BIN, Site};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site) -> Server {
    start_with(site, &[])
}

fn start_with(site: &Site, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--date", "2022-02-15"])
        .args(extra)
        .current_dir(site.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut line = String::new();
    let port = loop {
        line.clear();
        assert!(Instant::now() < deadline, "serve did not start");
        if err.read_line(&mut line).unwrap() == 0 {
            panic!("serve exited");
        }
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
        }
    };
    // keep draining stderr so the server never blocks on it
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = err.read_to_string(&mut sink);
    });
    Server { child, port }
}

/// The whole answer to GET `path`, head and body.
fn request(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    String::from_utf8_lossy(&buf).to_string()
}

fn get(port: u16, path: &str) -> (u16, String) {
    let text = request(port, path);
    let status = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The Location header of the answer to GET `path`.
fn location(port: u16, path: &str) -> Option<String> {
    let text = request(port, path);
    let head = text.split_once("\r\n\r\n")?.0;
    head.lines()
        .find_map(|l| l.strip_prefix("Location: ").map(str::to_string))
}

fn wait_for(mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("condition not reached in time");
}

#[test]
fn serves_previews_rebuilds_and_answers_search() {
    let site = Site::new("base");
    let srv = start(&site);
    let (status, body) = get(srv.port, "/");
    assert_eq!(status, 200);
    let live = body
        .split("<script src=\"/__gongshi/live.")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("live reload injected");
    let (status, script) = get(srv.port, &format!("/__gongshi/live.{live}"));
    assert_eq!(status, 200);
    assert!(script.contains("EventSource"), "{script}");
    assert_eq!(get(srv.port, "/cases/tc-2022-001.html").0, 200);
    // a directory without its final slash is redirected, so that the
    // list's relative links resolve; with it, the list is served
    assert_eq!(get(srv.port, "/cases").0, 301);
    assert_eq!(location(srv.port, "/cases").as_deref(), Some("/cases/"));
    let (status, body) = get(srv.port, "/cases/");
    assert_eq!(status, 200);
    assert!(body.contains("href=\"../index.html\""), "{body}");
    assert_eq!(get(srv.port, "/no/such/page.html").0, 404);
    assert_eq!(get(srv.port, "/../../etc/passwd").0, 403);
    assert_eq!(get(srv.port, "/%2e%2e/%2e%2e/etc/passwd").0, 403);
    let (status, body) = get(srv.port, "/api/search?q=%E6%B0%94%E7%93%B6");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 3, "{v}");
    let (_, body) = get(
        srv.port,
        "/api/search?q=%E6%B0%94%E7%93%B6&kind=%E9%BB%91%E5%90%8D%E5%8D%95",
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 1, "facet filter: {v}");
    // The kind as results name it filters too.
    let kind = v["results"][0]["kind"].as_str().unwrap().to_string();
    let (_, body) = get(
        srv.port,
        &format!("/api/search?q=%E6%B0%94%E7%93%B6&kind={kind}"),
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 1, "kind={kind}: {v}");

    // search.html's static index is written on its first request
    let (_, page) = get(srv.port, "/search.html");
    assert!(page.contains("data-index=\"search/index.json\""), "{page}");
    let (status, body) = get(srv.port, "/search/index.json");
    assert_eq!(status, 200);
    let man: serde_json::Value = serde_json::from_str(&body).unwrap();
    let facets = format!("/search/{}", man["facets"].as_str().unwrap());
    let (status, body) = get(srv.port, &facets);
    assert_eq!(status, 200, "{facets}");
    assert!(body.contains("\"values\""), "{body}");

    // an edit is rebuilt and shown
    let gen0: serde_json::Value =
        serde_json::from_str(&get(srv.port, "/__gongshi/status").1).unwrap();
    let text = site
        .read("content/cases/tc-2022-001.yaml")
        .replace("企业主体责任未落实。", "企业主体责任未落实（已修改）。");
    site.write("content/cases/tc-2022-001.yaml", &text);
    wait_for(|| {
        get(srv.port, "/cases/tc-2022-001.html")
            .1
            .contains("已修改")
    });
    // ... and the static search index follows it
    wait_for(|| {
        let (_, body) = get(srv.port, "/search/index.json");
        serde_json::from_str::<serde_json::Value>(&body).is_ok_and(|m| m["tiers"] != man["tiers"])
    });
    // an editor that saves by writing a temporary file and renaming it
    // over the record (as many do) is seen too
    let tmp = site.path().join("content/cases/tc-2022-001.yaml.tmp~");
    std::fs::write(
        &tmp,
        site.read("content/cases/tc-2022-001.yaml")
            .replace("（已修改）", "（改名保存）"),
    )
    .unwrap();
    std::fs::rename(&tmp, site.path().join("content/cases/tc-2022-001.yaml")).unwrap();
    wait_for(|| {
        get(srv.port, "/cases/tc-2022-001.html")
            .1
            .contains("改名保存")
    });
    // the generation (which open pages watch to reload) moves on too
    wait_for(|| {
        let gen1: serde_json::Value =
            serde_json::from_str(&get(srv.port, "/__gongshi/status").1).unwrap();
        gen1["generation"].as_u64() > gen0["generation"].as_u64()
    });

    // a broken record: errors in the status, the last good page still served
    site.write("content/cases/broken.yaml", "标题: [\n");
    wait_for(|| {
        let v: serde_json::Value =
            serde_json::from_str(&get(srv.port, "/__gongshi/status").1).unwrap();
        v["errors"].as_array().is_some_and(|e| {
            e.iter().any(|d| {
                d["location"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("content/cases/broken.yaml:")
            })
        })
    });
    assert!(
        get(srv.port, "/cases/tc-2022-001.html")
            .1
            .contains("改名保存")
    );
}

/// A directory made while serving is watched too: a template override put
/// in a new templates/ directory, then changed, shows each time.
#[test]
fn a_new_template_directory_is_watched() {
    let site = Site::new("base");
    assert!(
        !site.path().join("templates").exists(),
        "the fixture has none"
    );
    let srv = start(&site);
    let page = |mark: &str| {
        format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{mark}</h1>{{% endblock %}}\n")
    };
    site.write("templates/404.html", &page("找不到页面甲"));
    wait_for(|| get(srv.port, "/404.html").1.contains("找不到页面甲"));
    site.write("templates/404.html", &page("找不到页面乙"));
    wait_for(|| get(srv.port, "/404.html").1.contains("找不到页面乙"));
}

#[test]
fn binds_loopback_by_default() {
    let site = Site::new("base");
    let srv = start(&site);
    // the announced address is 127.0.0.1 (parsed in start); a keep-alive client works
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    for _ in 0..3 {
        write!(s, "GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut status = String::new();
        r.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut len = 0;
        loop {
            let mut h = String::new();
            r.read_line(&mut h).unwrap();
            if h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
    }
}

fn rss_kb(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// One keep-alive connection sending `n` requests; returns the errors.
fn hammer(port: u16, n: usize, paths: &[&str]) -> usize {
    let Ok(s) = TcpStream::connect(("127.0.0.1", port)) else {
        return n;
    };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut errors = 0;
    for i in 0..n {
        let path = paths[i % paths.len()];
        if write!(w, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
            return errors + n - i;
        }
        let mut status = String::new();
        if r.read_line(&mut status).is_err() || !status.starts_with("HTTP/1.1 200") {
            errors += 1;
        }
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            errors += 1;
        }
    }
    errors
}

#[test]
fn survives_20000_requests_from_50_connections_with_flat_memory() {
    let site = Site::new("base");
    let srv = start(&site);
    let paths = [
        "/",
        "/cases/tc-2022-001.html",
        "/data/actions.json",
        "/api/search?q=%E6%B0%94%E7%93%B6",
        "/robots.txt",
    ];
    let round = |per_connection: usize| -> usize {
        let threads: Vec<_> = (0..50)
            .map(|_| std::thread::spawn(move || hammer(srv.port, per_connection, &paths)))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    };
    // A first round brings the server to its working size (threads, caches).
    assert_eq!(round(100), 0);
    let before = rss_kb(srv.child.id());
    // Then 20,000 requests from 50 connections: no error, and memory does
    // not keep growing (a leak per request would show here).
    assert_eq!(round(400), 0, "20,000 requests, no error");
    let after = rss_kb(srv.child.id());
    assert!(
        before > 0 && after < before + 20_000,
        "memory stays flat: {before} KB -> {after} KB"
    );
    assert_eq!(get(srv.port, "/").0, 200, "still serving");
}

#[test]
fn preview_search_index_is_scanned_with_the_sites_own_exceptions() {
    // A number reviewed as not personal (隐私例外) is published by `build`;
    // the preview's search index, written later, must accept it too.
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装超期未检气瓶（气瓶钢印号 13912345678）。",
    );
    site.write(
        "content/actions/ta-2022-001.yaml",
        &(text + "隐私例外:\n  - {内容: \"13912345678\", 说明: 气瓶钢印号，非手机号码}\n"),
    );
    let srv = start(&site);
    let (status, body) = get(srv.port, "/search/index.json");
    assert_eq!(status, 200, "{body}");
    let man: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(man["tiers"][0]["shards"].as_u64().unwrap() > 0);
}

/// In a browser (headless Chromium): an open record page shows the edit by
/// itself after its file is saved, its new content put in place without a
/// reload; a broken save shows the error overlay with `PATH:LINE:COL` over
/// the page; the mended file clears it. Needs what
/// `tools/install-test-deps.sh` installs.
#[test]
fn an_open_page_reloads_itself_and_shows_errors_in_the_browser() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tools/web/live.js");
    let present = common::tools_present(
        "the live reload browser test",
        &[
            ("node", common::runs("node")),
            (
                "playwright-core",
                root.join("tools/web/node_modules/playwright-core").is_dir(),
            ),
            (
                "Chromium",
                std::path::Path::new("/usr/bin/chromium").exists(),
            ),
        ],
    );
    if !present {
        return;
    }
    let site = Site::new("base");
    let srv = start(&site);
    let out = Command::new("node")
        .arg(&script)
        .arg(format!("http://127.0.0.1:{}/", srv.port))
        .arg("cases/tc-2022-001.html")
        .arg(site.path().join("content/cases/tc-2022-001.yaml"))
        .arg("企业主体责任未落实")
        .arg("2")
        .output()
        .expect("node");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(out.status.success(), "{report}");
    assert_eq!(
        report["shown_ms"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
    // A record's edit changes only the page's <main>: it is put in place.
    assert_eq!(report["in_place"], 2, "{report}");
    assert_eq!(report["overlay"], true, "{report}");
    assert_eq!(report["recovered"], true, "{report}");
}

/// Send `raw` and read the answer until the server closes or 3 s pass.
fn exchange(port: u16, raw: &str) -> (String, bool) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut buf = Vec::new();
    // An error is the read timing out: the connection is still open.
    let closed = s.read_to_end(&mut buf).is_ok();
    (String::from_utf8_lossy(&buf).to_string(), closed)
}

#[test]
fn a_page_of_another_site_cannot_read_the_preview() {
    let site = Site::new("base");
    let server = start(&site);
    let port = server.port;
    // DNS rebinding: another site's name that resolves to this machine.
    let (answer, _) = exchange(
        port,
        &format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(!answer.contains("<html"), "{answer}");
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let (answer, _) = exchange(
            port,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
}

#[test]
fn http_1_0_keep_alive_is_honoured_or_the_connection_closed() {
    let site = Site::new("base");
    let server = start(&site);
    let port = server.port;
    // Without keep-alive, an HTTP/1.0 answer ends with the connection.
    let (answer, closed) = exchange(port, "GET /robots.txt HTTP/1.0\r\n\r\n");
    // Either version is a valid answer to HTTP/1.0 (RFC 9110 §6.2).
    let ok = |head: &str| head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200");
    assert!(ok(&answer), "{answer}");
    assert!(closed, "closed after an HTTP/1.0 answer");
    // With it, the server says so and keeps the connection for a second
    // request.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let ask = "GET /robots.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    let mut reader = BufReader::new(s.try_clone().unwrap());
    for round in 0..2 {
        s.write_all(ask.as_bytes()).unwrap();
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        assert!(ok(&head), "round {round}: {head}");
        assert!(
            head.contains("Connection: keep-alive"),
            "round {round}: {head}"
        );
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
    }
}

/// The preview shows what is being written: drafts and scheduled records,
/// each marked; `--public` shows what `build` would publish, and says why
/// a record that exists has no page.
#[test]
fn the_preview_shows_drafts_and_scheduled_records_marked_unless_public() {
    let site = Site::new("base");
    let case = site.read("content/cases/tc-2022-001.yaml");
    site.write(
        "content/cases/draft-1.yaml",
        &format!(
            "状态: 草稿\n{}",
            case.replace("发布日期: 2022-01-20", "发布日期: 2022-02-10")
        ),
    );
    site.write(
        "content/cases/later-1.yaml",
        &case.replace("发布日期: 2022-01-20", "发布日期: 2022-03-01"),
    );
    {
        let srv = start(&site);
        let (status, body) = get(srv.port, "/cases/draft-1.html");
        assert_eq!(status, 200, "a draft is previewed");
        assert!(
            body.contains("preview-band") && body.contains("草稿："),
            "{body}"
        );
        let (status, body) = get(srv.port, "/cases/later-1.html");
        assert_eq!(status, 200, "a scheduled record is previewed");
        assert!(body.contains("定时发布：2022-03-01"), "{body}");
        let (_, list) = get(srv.port, "/cases/");
        assert!(list.contains("定时发布：2022-03-01"), "marked in lists too");
        // And on the home page and the party's page.
        let (_, home) = get(srv.port, "/");
        let marked = |page: &str, id: &str, mark: &str| {
            page.split(&format!("cases/{id}.html"))
                .nth(1)
                .and_then(|rest| rest.split("</li>").next().or(Some(rest)))
                .is_some_and(|item| item.split("</tr>").next().unwrap_or(item).contains(mark))
        };
        assert!(marked(&home, "draft-1", "草稿"), "{home}");
        assert!(marked(&home, "later-1", "定时发布"), "{home}");
        let (_, party) = get(srv.port, "/parties/91210381MA0TAX0017.html");
        assert!(marked(&party, "draft-1", "草稿"), "{party}");
        assert!(marked(&party, "later-1", "定时发布"), "{party}");
    }
    {
        // --drafts is still accepted
        let srv = start_with(&site, &["--drafts"]);
        assert_eq!(get(srv.port, "/cases/draft-1.html").0, 200);
    }
    {
        let srv = start_with(&site, &["--public"]);
        let (status, body) = get(srv.port, "/cases/draft-1.html");
        assert_eq!(status, 404);
        assert!(
            body.contains("content/cases/draft-1.yaml 存在") && body.contains("草稿"),
            "{body}"
        );
        let (status, body) = get(srv.port, "/cases/later-1.html");
        assert_eq!(status, 404);
        assert!(
            body.contains("2022-03-01") && body.contains("定时发布"),
            "{body}"
        );
        assert_eq!(get(srv.port, "/cases/tc-2022-001.html").0, 200);
        let (_, list) = get(srv.port, "/cases/");
        assert!(
            !list.contains("draft-1") && !list.contains("later-1"),
            "{list}"
        );
    }
}

/// Two previews of one site side by side, one of them `--public`: each
/// serves its own files; the public one never the other's drafts.
#[test]
fn two_previews_of_one_site_keep_their_files_apart() {
    let site = Site::new("base");
    let case = site.read("content/cases/tc-2022-001.yaml");
    site.write(
        "content/cases/draft-1.yaml",
        &format!(
            "状态: 草稿\n{}",
            case.replace("发布日期: 2022-01-20", "发布日期: 2022-02-10")
        ),
    );
    let preview = start(&site);
    let public = start_with(&site, &["--public"]);
    for _ in 0..2 {
        let (status, data) = get(preview.port, "/data/cases.json");
        assert_eq!(status, 200);
        assert!(data.contains("draft-1"), "the preview has the draft");
        let (status, data) = get(public.port, "/data/cases.json");
        assert_eq!(status, 200);
        assert!(!data.contains("draft-1"), "the public preview never has it");
    }
}

/// A port in use is said at once, in words, before any build.
#[test]
fn a_port_in_use_is_said_at_once() {
    let site = Site::new("base");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(BIN)
        .args(["serve", "--port", &port])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("端口已被占用") && err.contains("--port"),
        "{err}"
    );
    assert!(!err.contains("预览已更新"), "no build first: {err}");
}

/// A content directory that is a link to another directory of the site
/// is watched through the link: an edit there is built and shown.
#[cfg(unix)]
#[test]
fn an_edit_in_a_linked_directory_is_rebuilt() {
    let site = Site::new("base");
    let root = site.path();
    let srv = start(&site);
    // Made a link while the preview runs.
    std::fs::rename(root.join("content/pages"), root.join("shared_pages")).unwrap();
    std::os::unix::fs::symlink("../shared_pages", root.join("content/pages")).unwrap();
    wait_for(|| get(srv.port, "/pages/about.html").0 == 200);
    let text = std::fs::read_to_string(root.join("shared_pages/about.md")).unwrap();
    std::fs::write(
        root.join("shared_pages/about.md"),
        text.replace("本平台公开", "本平台（经链接修改）公开"),
    )
    .unwrap();
    wait_for(|| get(srv.port, "/pages/about.html").1.contains("经链接修改"));
}
