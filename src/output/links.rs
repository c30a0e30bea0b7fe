//! Links that exist: every internal `href` and `src` of the pages written
//! must name a file of the same output. A dangling link (a page that is not
//! generated, an asset that is not there) is a build error, named at what
//! produced the page that holds it.

use crate::diag::{Diagnostic, Pos, report};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The links of a build's pages, by the file they point at.
#[derive(Default)]
pub struct Links {
    /// The site's base URL: an absolute link under it is internal.
    base: String,
    /// Each target with the first page that links to it (and that page's
    /// source record, if it shows one).
    targets: Mutex<HashMap<String, (String, Option<String>)>>,
    written: Mutex<HashSet<String>>,
    /// Every file that a page of the previous output linked to (kept
    /// beside it, [`Links::save`]), if known.
    previous: Option<HashSet<String>>,
    /// Pages taken unchanged from the previous output, not read
    /// ([`Links::defer`]): each with its source record.
    deferred: Mutex<Vec<(String, Option<String>)>>,
}

impl Links {
    pub fn new(base_url: &str) -> Links {
        Links {
            base: base_url.to_string(),
            ..Links::default()
        }
    }

    /// The links of the previous output, from the file `known` beside it
    /// (one linked file per line), if there is one.
    pub fn with_previous(mut self, known: &std::path::Path) -> Links {
        self.previous = std::fs::read_to_string(known)
            .ok()
            .map(|t| t.lines().map(str::to_string).collect());
        self
    }

    /// Whether a page taken unchanged from the previous output need not be
    /// read now ([`Links::defer`]).
    pub fn can_defer(&self) -> bool {
        self.previous.is_some()
    }

    /// Note a page taken byte for byte from the previous output, without
    /// reading it. Its links were those of the previous output, where each
    /// named a file; they are read at the end ([`Links::read_deferred`])
    /// only if a file that the previous output's pages linked to is not
    /// written now.
    pub fn defer(&self, rel: &str, origin: Option<&str>) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        if rel.ends_with(".html") {
            self.deferred
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((rel.to_string(), origin.map(str::to_string)));
        }
    }

    /// Read the links of the deferred pages (`read` gives a page's bytes)
    /// if any file that the previous output linked to is not written now;
    /// files below `skip` are not counted.
    pub fn read_deferred(&self, skip: &[&str], read: impl Fn(&str) -> Option<Vec<u8>> + Sync) {
        let gone = {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            self.previous.as_ref().is_none_or(|p| {
                p.iter()
                    .any(|t| !written.contains(t) && !skip.iter().any(|s| t.starts_with(s)))
            })
        };
        if !gone {
            return;
        }
        let deferred =
            std::mem::take(&mut *self.deferred.lock().unwrap_or_else(|e| e.into_inner()));
        use rayon::prelude::*;
        deferred.par_iter().for_each(|(rel, origin)| {
            if let Some(bytes) = read(rel) {
                self.add(rel, &bytes, origin.as_deref());
            }
        });
    }

    /// Keep, beside the output, every file its pages link to: the files
    /// linked from the pages read, and those the previous output's pages
    /// linked to that are still written (a page taken unchanged links to
    /// no others).
    pub fn save(&self, known: &std::path::Path) {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let targets = self.targets.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<&str> = targets
            .keys()
            .map(String::as_str)
            .chain(self.previous.iter().flatten().map(String::as_str))
            .filter(|t| written.contains(*t))
            .collect();
        all.sort_unstable();
        all.dedup();
        let mut text = all.join("\n");
        text.push('\n');
        let tmp = known.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, known);
        }
    }

    /// Note a file written as `rel`, and the links of it if it is a page.
    pub fn add(&self, rel: &str, bytes: &[u8], origin: Option<&str>) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        if !rel.ends_with(".html") {
            return;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => std::borrow::Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let mut links = attribute_values(&text, &["href", "src"]);
        links.sort_unstable();
        links.dedup();
        let mut found: Vec<String> = links
            .iter()
            .filter_map(|link| self.target(rel, link))
            .collect();
        found.sort_unstable();
        found.dedup();
        let mut targets = self.targets.lock().unwrap_or_else(|e| e.into_inner());
        for t in found {
            targets
                .entry(t)
                .or_insert_with(|| (rel.to_string(), origin.map(str::to_string)));
        }
    }

    /// The output file a link of page `from` names, if it is internal.
    fn target(&self, from: &str, link: &str) -> Option<String> {
        let link = decode_entities(link.trim());
        let link = link.split(['#', '?']).next().unwrap_or("");
        if link.is_empty() {
            return None;
        }
        let path = if let Some(rest) = (!self.base.is_empty())
            .then(|| link.strip_prefix(self.base.as_str()))
            .flatten()
        {
            rest.to_string()
        } else if link.contains(':') || link.starts_with("//") {
            // Another site, mailto:, tel:, data:, javascript:.
            return None;
        } else if let Some(rest) = link.strip_prefix('/') {
            // Root-relative: below the base URL's path.
            let base_path = self
                .base
                .split_once("//")
                .and_then(|(_, r)| r.split_once('/'))
                .map_or("", |(_, p)| p);
            rest.strip_prefix(base_path).unwrap_or(rest).to_string()
        } else {
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
            if dir.is_empty() {
                link.to_string()
            } else {
                format!("{dir}/{link}")
            }
        };
        let mut parts: Vec<&str> = Vec::new();
        for p in path.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        let mut t = parts.join("/");
        if t.is_empty() || path.ends_with('/') {
            t = if t.is_empty() {
                "index.html".to_string()
            } else {
                format!("{t}/index.html")
            };
        }
        Some(t)
    }

    /// A diagnostic for each link to a file that was not written; files
    /// below `skip` (written under another name, or on request) are not
    /// checked.
    pub fn dangling(&self, skip: &[&str]) -> Vec<Diagnostic> {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let targets = self.targets.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<Diagnostic> = targets
            .iter()
            .filter(|(t, _)| !written.contains(*t) && !skip.iter().any(|s| t.starts_with(s)))
            .map(|(t, (page, origin))| {
                let (path, line) = match origin {
                    Some(o) => match o.rsplit_once(':') {
                        Some((p, l)) => (p.to_string(), l.parse().unwrap_or(1)),
                        None => (o.clone(), 1),
                    },
                    None => ("templates".to_string(), 1),
                };
                report(&path, Pos::new(line, 1), "", "页面链接到不存在的文件")
                    .expected("站点中生成的页面或文件")
                    .found(format!("{t}（见输出文件 {page}）"))
                    .build()
            })
            .collect();
        out.sort_by(|a, b| (&a.path, &a.found).cmp(&(&b.path, &b.found)));
        out
    }
}

/// The values of the attributes `names` of the tags of an HTML text
/// (text that only looks like a tag, `&lt;img src=x&gt;`, is not one).
fn attribute_values(text: &str, names: &[&str]) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = text[i..].find('<') {
        i += k + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        // The tag's name, then its attributes up to `>`.
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
            i += 1;
        }
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = &text[start..i];
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                if i == start {
                    i += 1;
                }
                continue;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = text[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                    let v = &text[i + 1..end];
                    i = (end + 1).min(b.len());
                    v
                }
                _ => {
                    let s = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &text[s..i]
                }
            };
            if names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                out.push(value.to_string());
            }
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_their_page() {
        let l = Links::new("https://example.gov.cn/disclosure/");
        assert_eq!(
            l.target("cases/a.html", "../parties/x.html").as_deref(),
            Some("parties/x.html")
        );
        assert_eq!(
            l.target("cases/a.html", "b.html#top").as_deref(),
            Some("cases/b.html")
        );
        assert_eq!(
            l.target("index.html", "search.html?q=x").as_deref(),
            Some("search.html")
        );
        assert_eq!(
            l.target(
                "a/b/404.html",
                "https://example.gov.cn/disclosure/index.html"
            )
            .as_deref(),
            Some("index.html")
        );
        assert_eq!(
            l.target("x.html", "/disclosure/cases/").as_deref(),
            Some("cases/index.html")
        );
        assert_eq!(l.target("x.html", "https://other.example/"), None);
        assert_eq!(l.target("x.html", "mailto:a@b"), None);
        assert_eq!(l.target("x.html", "../../etc/passwd"), None);
    }

    #[test]
    fn a_dangling_link_is_named_at_its_page_source() {
        let l = Links::new("/");
        l.add(
            "blacklist/removed.html",
            br#"<a href="../parties/91x.html">x</a> <img src="../assets/a.png">"#,
            Some("content/blacklist/b.yaml:1"),
        );
        l.add("assets/a.png", b"", None);
        let d = l.dangling(&[]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "content/blacklist/b.yaml");
        assert!(d[0].found.as_deref().unwrap().contains("parties/91x.html"));
    }

    #[test]
    fn attribute_values_are_found_quoted_or_not() {
        let v = attribute_values(
            r#"<a href="a.html" data-href="no"><img src='b.png'><link rel=x href=c.css> &lt;img src=x&gt; src=y"#,
            &["href", "src"],
        );
        assert_eq!(v, ["a.html", "b.png", "c.css"]);
    }
}
