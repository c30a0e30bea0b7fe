//! The preview's HTTP side, on hyper: static files from the last good
//! build (no path may leave it), live reload by server-sent events, the
//! error overlay's status and the search API. Only requests addressed to
//! this machine are answered (see [`host_allowed`]). Pages are rendered
//! and files read on tokio's blocking threads; at most `MAX_CONNECTIONS`
//! connections are open at once, and a client has 10 s to send a
//! request's head.

use super::State;
use super::live::*;
use crate::search::Query;
use crate::search::index::FACETS;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

const MAX_CONNECTIONS: usize = 256;
const MAX_HEADER: usize = 16 * 1024;

type Body = BoxBody<Bytes, Infallible>;
type Answer = (&'static str, &'static str, Vec<u8>);

/// Answer on `listener` until the process ends.
pub fn serve(listener: std::net::TcpListener, state: Arc<State>) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(accept(listener, state))
}

async fn accept(listener: std::net::TcpListener, state: Arc<State>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let open = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors, say: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            tokio::spawn(busy(stream));
            continue;
        };
        let port = stream.local_addr().map(|a| a.port()).unwrap_or(0);
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(handle(req, state, port).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .max_buf_size(MAX_HEADER)
                // Header names as browsers and HTTP/1.0 clients write them.
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

/// Too many connections: say so and close.
async fn busy(mut stream: tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let _ = stream
        .write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .await;
}

struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
}

/// Whether a request for `host` is meant for this server, listening on
/// `port`: a name that is `localhost` or an IP address, and our port if it
/// names one. A page of another site that has its name resolve to this
/// machine (DNS rebinding) sends its own name and is refused.
fn host_allowed(host: Option<&str>, http10: bool, port: u16) -> bool {
    let Some(host) = host.map(str::trim) else {
        // HTTP/1.1 requires the header; HTTP/1.0 clients may omit it.
        return http10;
    };
    let (name, given_port) = match host.rsplit_once(':') {
        Some((n, p))
            if !n.ends_with(':') && p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() =>
        {
            (n, p.parse::<u16>().ok())
        }
        _ => (host, None),
    };
    if given_port.is_some_and(|p| p != port) {
        return false;
    }
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost") || bare.parse::<std::net::IpAddr>().is_ok()
}

async fn handle(
    req: hyper::Request<Incoming>,
    state: Arc<State>,
    port: u16,
) -> hyper::Response<Body> {
    let http10 = req.version() == Version::HTTP_10;
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let host = header(header::HOST);
    // HTTP/1.0 keeps a connection only when asked to; hyper does, and
    // the answer says so.
    let keep_10 =
        http10 && header(header::CONNECTION).is_some_and(|c| c.eq_ignore_ascii_case("keep-alive"));
    if !host_allowed(host, http10, port) {
        let text = "预览服务只接受发给本机地址的请求（Host 须为 localhost 或 IP 地址）\n";
        return answer(
            ("403 Forbidden", "text/plain; charset=utf-8", text.into()),
            "/",
            None,
            keep_10,
            &state,
        );
    }
    let request = Request {
        method: req.method().clone(),
        path: decode(req.uri().path(), false),
        query: req
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (decode(k, true), decode(v, true))
            })
            .collect(),
    };
    if request.path == "/__gongshi/events" {
        return events(&state);
    }
    let blocking = Arc::clone(&state);
    let answered = tokio::task::spawn_blocking(move || {
        let location = directory(&request.path, &blocking);
        let answer = match &location {
            Some(_) => (
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                Vec::new(),
            ),
            None => route(&request, &blocking),
        };
        (answer, location, request.path)
    })
    .await;
    match answered {
        Ok((a, location, path)) => answer(a, &path, location, keep_10, &state),
        Err(_) => answer(
            (
                "500 Internal Server Error",
                "text/plain; charset=utf-8",
                Vec::new(),
            ),
            "/",
            None,
            keep_10,
            &state,
        ),
    }
}

fn answer(
    (status, ctype, body): Answer,
    path: &str,
    location: Option<String>,
    keep_10: bool,
    state: &State,
) -> hyper::Response<Body> {
    let code = status
        .get(..3)
        .and_then(|c| c.parse().ok())
        .and_then(|c| StatusCode::from_u16(c).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = hyper::Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, ctype)
        .header(header::CACHE_CONTROL, cache_control(path, status, state))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "same-origin");
    if let Some(l) = location {
        r = r.header(header::LOCATION, l);
    }
    if keep_10 {
        r = r.header(header::CONNECTION, "keep-alive");
    }
    r.body(Full::new(Bytes::from(body)).boxed())
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()).boxed()))
}

/// Percent-decoding; `+` is a space in query strings.
pub fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A body whose parts arrive on a channel: the event stream.
struct Channel(tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for Channel {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}

/// The live-reload event stream: a message for each new generation (and
/// how many errors it has, so that a page reloads at once when there are
/// none), a comment every 15 s to keep the connection.
fn events(state: &Arc<State>) -> hyper::Response<Body> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut generations = state.generations.subscribe();
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let message = |g: u64| {
            let errors = state.errors.read().unwrap_or_else(|e| e.into_inner()).len();
            Bytes::from(format!("data: {g} {errors}\n\n"))
        };
        let mut seen = *generations.borrow_and_update();
        if tx.send(message(seen)).await.is_err() {
            return;
        }
        loop {
            let next = tokio::time::timeout(Duration::from_secs(15), generations.changed()).await;
            let part = match next {
                Ok(Err(_)) => return,
                Ok(Ok(())) => {
                    let now = *generations.borrow_and_update();
                    if now == seen {
                        continue;
                    }
                    seen = now;
                    message(now)
                }
                Err(_) => Bytes::from_static(b": ping\n\n"),
            };
            // The page went away.
            if tx.send(part).await.is_err() {
                return;
            }
        }
    });
    hyper::Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Channel(rx).boxed())
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()).boxed()))
}

fn route(req: &Request, state: &State) -> Answer {
    if req.method != Method::GET && req.method != Method::HEAD {
        return (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"method not allowed".to_vec(),
        );
    }
    match req.path.as_str() {
        p if p == live_js_path() => (
            "200 OK",
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        ),
        "/__gongshi/status" => ("200 OK", "application/json", status_json(state)),
        "/api/search" => api_search(req, state),
        p if p.starts_with("/search/") => search_file(p, state),
        _ => site_file(&req.path, state, true),
    }
}

/// Theme files under content-hashed names never change: a reload does not
/// ask for them again. Everything else is asked for again each time.
fn cache_control(path: &str, status: &str, state: &State) -> &'static str {
    let hashed = status.starts_with("200")
        && (path == live_js_path()
            || state
                .current()
                .is_some_and(|s| s.is_hashed_asset(path.trim_start_matches('/'))));
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Where a directory asked for without its final `/` is (`/cases` →
/// `/cases/`), as a static web server would answer: the page's links are
/// relative to the directory.
fn directory(path: &str, state: &State) -> Option<String> {
    if path.ends_with('/') {
        return None;
    }
    let rel = relative(path)?;
    // A file (`style.css`, `b000041.html`): no directory has a dot in its
    // name, and looking it up would make the map of pages.
    if rel
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        return None;
    }
    let snapshot = state.current()?;
    (!snapshot.has_page(&rel) && snapshot.has_page(&format!("{rel}/index.html")))
        .then(|| format!("/{}/", encode_path(&rel)))
}

/// Percent-encoding of a site path for a header (its `/` kept).
fn encode_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The files written on their first request after a change (see
/// [`crate::pipeline::write_files`]); any other path that is not a page
/// or theme file is not found without writing them.
fn written_on_request(rel: &str) -> bool {
    ["data/", "feeds/", "reports/"]
        .iter()
        .any(|d| rel.starts_with(d))
        || rel == "feed.xml"
        || rel == "robots.txt"
        || (rel.starts_with("sitemap") && rel.ends_with(".xml"))
}

/// A page (rendered now, with the live-reload script if `live`), a theme
/// file, or a file written on request: what the preview answers for a
/// path of the site.
pub fn site_file(path: &str, state: &State, live: bool) -> (&'static str, &'static str, Vec<u8>) {
    let Some(rel) = relative(path) else {
        return (
            "403 Forbidden",
            "text/plain; charset=utf-8",
            b"forbidden".to_vec(),
        );
    };
    let Some(snapshot) = state.current() else {
        // Nothing has built yet: a page that shows the errors and reloads
        // once they are mended.
        let mut body = "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>预览</title><body><p>站点尚未生成，请按终端或下方提示改正内容。</p></body></html>"
            .as_bytes()
            .to_vec();
        inject_live_reload(&mut body);
        return ("503 Service Unavailable", "text/html; charset=utf-8", body);
    };
    if let Some(bytes) = snapshot.theme_file(&rel) {
        return ("200 OK", content_type(Path::new(&rel)), bytes.to_vec());
    }
    let index = || snapshot.page(&format!("{}/index.html", rel.trim_end_matches('/')));
    let a11y = snapshot.builtin_a11y_js();
    let scripts = a11y.as_slice();
    if let Some(page) = snapshot.page(&rel).or_else(index) {
        return page_response("200 OK", Some(page), live, scripts);
    }
    if written_on_request(&rel) {
        state.files();
        if let Some(f) = resolve(path, &state.root).filter(|f| f.is_file()) {
            let body = std::fs::read(&f).unwrap_or_default();
            return ("200 OK", content_type(&f), body);
        }
    }
    page_response("404 Not Found", snapshot.page("404.html"), live, scripts)
}

/// The site-relative path of a request (`index.html` for the root), or
/// None if it would leave the site.
fn relative(path: &str) -> Option<String> {
    if path.contains('\0') || path.contains('\\') {
        return None;
    }
    let mut parts = Vec::new();
    for c in Path::new(path.trim_start_matches('/')).components() {
        match c {
            Component::Normal(n) => parts.push(n.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let mut rel = parts.join("/");
    if rel.is_empty() || path.ends_with('/') {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str("index.html");
    }
    Some(rel)
}

/// A page rendered from the snapshot, with live reload; its errors (a
/// template that fails, a privacy finding) instead of it. `scripts`: the
/// theme scripts that leave the page's `<main>` alone (see [`frame`]).
fn page_response(
    status: &'static str,
    page: Option<Result<Vec<u8>, Vec<crate::diag::Diagnostic>>>,
    live: bool,
    scripts: &[&str],
) -> (&'static str, &'static str, Vec<u8>) {
    let (status, mut body) = match page {
        Some(Ok(body)) => (status, body),
        Some(Err(errors)) => {
            let mut text = String::from(
                "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>页面无法生成</title><body><h1>页面无法生成</h1>",
            );
            for e in &errors {
                text.push_str("<pre>");
                text.push_str(&escape(&e.to_string()));
                text.push_str("</pre>");
            }
            text.push_str("</body></html>");
            ("500 Internal Server Error", text.into_bytes())
        }
        None => (status, Vec::new()),
    };
    if live {
        let frame = frame(&body, scripts);
        inject_live_reload_framed(&mut body, frame);
    }
    (status, "text/html; charset=utf-8", body)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn status_json(state: &State) -> Vec<u8> {
    let generation = *state.generation.lock().unwrap_or_else(|e| e.into_inner());
    let errors = state.errors.read().unwrap_or_else(|e| e.into_inner());
    let list: Vec<serde_json::Value> = errors
        .iter()
        .map(|d| serde_json::json!({ "location": d.location(), "severity": d.severity, "field": d.field, "message": d.message, "expected": d.expected, "found": d.found }))
        .collect();
    serde_json::to_vec(&serde_json::json!({ "generation": generation, "errors": list }))
        .unwrap_or_default()
}

fn api_search(req: &Request, state: &State) -> (&'static str, &'static str, Vec<u8>) {
    let mut q = Query::default();
    let mut limit = 20usize;
    let mut offset = 0usize;
    for (k, v) in &req.query {
        match k.as_str() {
            "q" => q.text = v.clone(),
            "limit" => limit = v.parse().unwrap_or(20).min(1000),
            "offset" => offset = v.parse().unwrap_or(0),
            other => {
                if let Some(i) = FACETS.iter().position(|f| *f == other) {
                    q.filters.entry(i).or_default().push(v.clone());
                }
            }
        }
    }
    let engine = state.engine();
    let Some(engine) = engine.as_ref() else {
        return (
            "503 Service Unavailable",
            "application/json",
            br#"{"error":"index not ready"}"#.to_vec(),
        );
    };
    match engine.search(&q) {
        Ok(found) => {
            let total = found.len();
            let page: Vec<_> = found.into_iter().skip(offset).take(limit).collect();
            let body = serde_json::json!({ "query": q.text, "total": total, "offset": offset, "results": page });
            (
                "200 OK",
                "application/json; charset=utf-8",
                serde_json::to_vec(&body).unwrap_or_default(),
            )
        }
        Err(e) => (
            "500 Internal Server Error",
            "application/json",
            serde_json::to_vec(&serde_json::json!({ "error": e.to_string() })).unwrap_or_default(),
        ),
    }
}

/// The file for a URL path, never outside `root`.
pub fn resolve(path: &str, root: &Path) -> Option<PathBuf> {
    if path.contains('\0') || path.contains('\\') {
        return None;
    }
    let mut p = root.to_path_buf();
    for c in Path::new(path.trim_start_matches('/')).components() {
        match c {
            Component::Normal(n) => p.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if p.is_dir() {
        p.push("index.html");
    }
    let canon = p.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    canon.starts_with(&root).then_some(canon)
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// The static search index, written on its first request after a build.
fn search_file(path: &str, state: &State) -> (&'static str, &'static str, Vec<u8>) {
    let Some(manifest) = state.search_manifest() else {
        return (
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found".to_vec(),
        );
    };
    if path.strip_prefix('/') == Some(crate::pipeline::LAZY_SEARCH_INDEX) {
        return static_file(&format!("/{manifest}"), &state.search_root);
    }
    static_file(path, &state.search_root)
}

fn static_file(path: &str, root: &Path) -> (&'static str, &'static str, Vec<u8>) {
    let leaves_root = Path::new(path)
        .components()
        .any(|c| matches!(c, Component::ParentDir));
    if leaves_root {
        return (
            "403 Forbidden",
            "text/plain; charset=utf-8",
            b"forbidden".to_vec(),
        );
    }
    let (status, file) = match resolve(path, root) {
        Some(f) if f.is_file() => ("200 OK", f),
        _ => ("404 Not Found", root.join("404.html")),
    };
    let ctype = content_type(&file);
    let mut body = std::fs::read(&file).unwrap_or_default();
    if ctype.starts_with("text/html") {
        inject_live_reload(&mut body);
    }
    (status, ctype, body)
}

#[cfg(test)]
mod tests {
    use super::host_allowed;
    use crate::serve::live::frame;

    #[test]
    fn only_requests_for_this_machine_are_answered() {
        for ok in [
            "127.0.0.1:8000",
            "localhost:8000",
            "localhost",
            "[::1]:8000",
            "LOCALHOST:8000",
            "127.0.0.1",
        ] {
            assert!(host_allowed(Some(ok), false, 8000), "{ok}");
        }
        for bad in [
            "evil.example:8000",
            "evil.example",
            "127.0.0.1:9000",
            "localhost.evil.example:8000",
            "127.0.0.1.nip.io:8000",
        ] {
            assert!(!host_allowed(Some(bad), false, 8000), "{bad}");
        }
        assert!(!host_allowed(None, false, 8000));
        assert!(host_allowed(None, true, 8000));
    }

    const A11Y: &str = "assets/a11y.0123456789.js";

    fn page(title: &str, header: &str, main: &str, scripts: &str) -> Vec<u8> {
        format!(
            "<!DOCTYPE html><html><head><title>{title}</title>{scripts}</head>\
             <body><header>{header}</header><main id=\"main\">{main}</main><footer>f</footer></body></html>"
        )
        .into_bytes()
    }

    #[test]
    fn a_page_keeps_its_frame_when_only_its_main_and_title_change() {
        let s = r#"<script src="../assets/a11y.0123456789.js"></script>"#;
        let before = frame(&page("甲", "h", "<p>一</p>", s), &[A11Y]);
        assert!(before.is_some());
        assert_eq!(before, frame(&page("乙", "h", "<p>二</p>", s), &[A11Y]));
        // Anything else that changes is a new frame: the page is reloaded.
        assert_ne!(before, frame(&page("甲", "h2", "<p>一</p>", s), &[A11Y]));
    }

    #[test]
    fn a_page_with_another_script_or_none_of_main_has_no_frame() {
        let search = r#"<script src="../assets/search.1.js" defer></script>"#;
        assert_eq!(frame(&page("t", "h", "m", search), &[A11Y]), None);
        assert_eq!(
            frame(&page("t", "h", "<script>x()</script>", ""), &[A11Y]),
            None
        );
        assert_eq!(
            frame(b"<html><body><p>no main</p></body></html>", &[A11Y]),
            None
        );
        // An inline script outside <main> is not one of the known ones,
        // in whatever case.
        for inline in ["<script>y()</script>", "<SCRIPT>y()</SCRIPT>"] {
            assert_eq!(frame(&page("t", "h", "m", inline), &[A11Y]), None);
        }
        // With the theme's script replaced by the site's, none is known.
        let s = r#"<script src="../assets/a11y.0123456789.js"></script>"#;
        assert_eq!(frame(&page("t", "h", "m", s), &[]), None);
    }
}
