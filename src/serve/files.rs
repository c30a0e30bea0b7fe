//! What the preview answers for a path of the site: a page rendered now
//! from the last good snapshot (with live reload), a theme file, a file
//! written on request, or the static search index; never a file outside
//! the site's output.

use super::State;
use super::live::*;
use std::path::{Component, Path, PathBuf};

pub(super) type Answer = (&'static str, &'static str, Vec<u8>);

/// Where a directory asked for without its final `/` is (`/cases` →
/// `/cases/`), as a static web server would answer: the page's links are
/// relative to the directory.
pub(super) fn directory(path: &str, state: &State) -> Option<String> {
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
pub fn site_file(path: &str, state: &State, live: bool) -> Answer {
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
    let mut answer = page_response("404 Not Found", snapshot.page("404.html"), live, scripts);
    // A record that exists but is not shown: the preview says why.
    if let Some((file, why)) = snapshot.why_hidden(&rel) {
        let note = format!(
            "<div class=\"notice notice--draft preview-band\" role=\"note\">预览：{} 存在，但没有页面。{}</div>",
            escape(&file),
            escape(&why)
        );
        let body = &mut answer.2;
        if let Some(i) =
            find(body, b"<main").and_then(|i| find(&body[i..], b">").map(|j| i + j + 1))
        {
            body.splice(i..i, note.into_bytes());
        }
    }
    answer
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
) -> Answer {
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
    crate::output::content_type(&p.to_string_lossy())
}

/// The static search index, written on its first request after a build.
pub(super) fn search_file(path: &str, state: &State) -> Answer {
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

fn static_file(path: &str, root: &Path) -> Answer {
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
