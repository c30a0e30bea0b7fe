//! The preview's HTTP side, on hyper: static files from the last good
//! build (no path may leave it), live reload by server-sent events, the
//! error overlay's status and the search API. Only requests addressed to
//! this machine are answered (see [`host_allowed`]). Pages are rendered
//! and files read on tokio's blocking threads; at most `MAX_CONNECTIONS`
//! connections are open at once, and a client has 10 s to send a
//! request's head.

use super::State;
use super::files::*;
use super::live::*;
use crate::search::Query;
use crate::search::index::FACETS;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

const MAX_CONNECTIONS: usize = 256;
const MAX_HEADER: usize = 16 * 1024;

type Body = BoxBody<Bytes, Infallible>;

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

fn api_search(req: &Request, state: &State) -> Answer {
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
                    // A kind by the name results give it (`cases`) or by
                    // its label (典型案例), as the facet table holds it.
                    let v = match crate::content::model::Kind::from_dir(v) {
                        Some(k) if other == "kind" => k.label().to_string(),
                        _ => v.clone(),
                    };
                    q.filters.entry(i).or_default().push(v);
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
