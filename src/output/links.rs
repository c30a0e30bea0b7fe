//! Links that exist: every internal `href` and `src` of the pages written
//! must name a file of the same output. A dangling link (a page that is not
//! generated, an asset that is not there) is a build error, named at what
//! produced the page that holds it.

use crate::diag::{Diagnostic, Pos, report};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The links of a build's pages, by the file they point at.
#[derive(Default)]
pub struct Links {
    /// The site's base URL: an absolute link under it is internal.
    base: String,
    /// Each target with the pages read that link to it.
    targets: Mutex<HashMap<String, Linked>>,
    written: Mutex<HashSet<String>>,
    /// The files that the previous output's pages linked to (kept beside
    /// it, [`Links::save`]), if known.
    previous: Option<Known>,
    /// Pages taken unchanged from the previous output, not read
    /// ([`Links::defer`]): each with its source record.
    deferred: Mutex<Vec<(String, Option<String>)>>,
}

/// The pages read that link to a file: the first, with its source record,
/// and all of them while they are at most [`FEW`].
struct Linked {
    first: (Arc<str>, Option<String>),
    pages: Option<Vec<Arc<str>>>,
}

/// The links of an output as kept beside it: every file its pages link
/// to, with the numbers (in `pages`) of the pages that do if they are at
/// most [`FEW`].
#[derive(Debug, PartialEq)]
struct Known {
    pages: Vec<String>,
    targets: HashMap<String, Option<Vec<u32>>>,
}

/// The most pages kept for a file they link to. A file that more pages
/// link to (the home page, a list, a style sheet) is known to be linked,
/// not by whom: if it goes, every page taken unchanged is read.
const FEW: usize = 16;

/// The first line of the file of links kept beside the output.
const MAGIC: &str = "gongshi-links-2";

impl Links {
    pub fn new(base_url: &str) -> Links {
        Links {
            base: base_url.to_string(),
            ..Links::default()
        }
    }

    /// The links of the previous output, from the file `known` beside it
    /// ([`Links::save`]), if there is one.
    pub fn with_previous(mut self, known: &std::path::Path) -> Links {
        self.previous = std::fs::read_to_string(known)
            .ok()
            .and_then(|t| Known::parse(&t));
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
    /// only if a file that it linked to is not written now.
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
    /// that linked to a file of the previous output that is not written
    /// now: the few pages that did, or all of them if many did. Files
    /// below `skip` are not counted.
    pub fn read_deferred(&self, skip: &[&str], read: impl Fn(&str) -> Option<Vec<u8>> + Sync) {
        let Some(previous) = &self.previous else {
            return;
        };
        // The pages to read; None: all.
        let wanted: Option<HashSet<&str>> = {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            let mut gone = previous
                .targets
                .iter()
                .filter(|(t, _)| !written.contains(*t) && !skip.iter().any(|s| t.starts_with(s)))
                .peekable();
            if gone.peek().is_none() {
                return;
            }
            gone.map(|(_, pages)| pages.as_ref())
                .collect::<Option<Vec<_>>>()
                .map(|lists| {
                    lists
                        .into_iter()
                        .flatten()
                        .filter_map(|&n| previous.pages.get(n as usize))
                        .map(String::as_str)
                        .collect()
                })
        };
        let mut deferred = self.deferred.lock().unwrap_or_else(|e| e.into_inner());
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut *deferred)
            .into_iter()
            .partition(|(rel, _)| wanted.as_ref().is_none_or(|w| w.contains(rel.as_str())));
        *deferred = later;
        drop(deferred);
        use rayon::prelude::*;
        now.par_iter().for_each(|(rel, origin)| {
            if let Some(bytes) = read(rel) {
                self.add(rel, &bytes, origin.as_deref());
            }
        });
    }

    /// Keep, beside the output, every file its pages link to, with the
    /// pages that do when they are few: the files linked from the pages
    /// read, and those that the pages taken unchanged linked to (as the
    /// previous output's kept links say).
    pub fn save(&self, known: &std::path::Path) {
        use crate::base::{FastMap, FastSet};
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let targets = self.targets.lock().unwrap_or_else(|e| e.into_inner());
        let deferred = self.deferred.lock().unwrap_or_else(|e| e.into_inner());
        // Every page, read or taken unchanged, numbered in order of name.
        let mut pages: Vec<&str> = written
            .iter()
            .map(String::as_str)
            .filter(|p| p.ends_with(".html"))
            .collect();
        pages.sort_unstable();
        let number: FastMap<&str, u32> = (0u32..)
            .zip(pages.iter().copied())
            .map(|(i, p)| (p, i))
            .collect();
        // The previous output's numbers of the pages taken unchanged.
        let unread: FastSet<&str> = deferred.iter().map(|(rel, _)| rel.as_str()).collect();
        let renumber: Vec<Option<u32>> = self
            .previous
            .iter()
            .flat_map(|p| &p.pages)
            .map(|p| {
                unread
                    .contains(p.as_str())
                    .then(|| number.get(p.as_str()).copied())
                    .flatten()
            })
            .collect();
        let mut all: FastMap<&str, Option<Vec<u32>>> = targets
            .iter()
            .filter(|(t, _)| written.contains(*t))
            .map(|(t, l)| {
                let numbers = l
                    .pages
                    .as_ref()
                    .map(|p| p.iter().filter_map(|p| number.get(&**p).copied()).collect());
                (t.as_str(), numbers)
            })
            .collect();
        for (t, linked) in self.previous.iter().flat_map(|p| &p.targets) {
            if !written.contains(t) {
                continue;
            }
            let kept: Option<Vec<u32>> = linked.as_ref().map(|numbers| {
                numbers
                    .iter()
                    .filter_map(|&n| renumber.get(n as usize).copied().flatten())
                    .collect()
            });
            match (all.get_mut(t.as_str()), kept) {
                // No page links to it any more.
                (None, Some(kept)) if kept.is_empty() => {}
                (None, kept) => {
                    all.insert(t, kept);
                }
                (Some(Some(numbers)), Some(kept)) => numbers.extend(kept),
                (Some(entry), _) => *entry = None,
            }
        }
        let text = Known::text(&pages, all);
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
        let page: Arc<str> = Arc::from(rel);
        let mut targets = self.targets.lock().unwrap_or_else(|e| e.into_inner());
        for t in found {
            let linked = targets.entry(t).or_insert_with(|| Linked {
                first: (page.clone(), origin.map(str::to_string)),
                pages: Some(Vec::new()),
            });
            if let Some(pages) = &mut linked.pages {
                if pages.len() < FEW {
                    pages.push(page.clone());
                } else {
                    linked.pages = None;
                }
            }
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
            .map(|(t, linked)| {
                let (page, origin) = &linked.first;
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

impl Known {
    /// The text kept beside the output: [`MAGIC`], the number of pages
    /// named, the pages (one per line, sorted), then each linked file
    /// (sorted), with the numbers of the pages that link to it if they are
    /// few: `parties/x.html<TAB>3,17`.
    fn text(pages: &[&str], all: crate::base::FastMap<&str, Option<Vec<u32>>>) -> String {
        use std::fmt::Write;
        let mut all: Vec<(&str, Option<Vec<u32>>)> = all
            .into_iter()
            .map(|(t, numbers)| {
                let numbers = numbers.map(|mut n| {
                    n.sort_unstable();
                    n.dedup();
                    n
                });
                (t, numbers.filter(|n| n.len() <= FEW))
            })
            .collect();
        all.sort_unstable_by_key(|a| a.0);
        let mut text = format!("{MAGIC}\n{}\n", pages.len());
        for p in pages {
            text.push_str(p);
            text.push('\n');
        }
        for (t, numbers) in &all {
            text.push_str(t);
            if let Some(numbers) = numbers {
                text.push('\t');
                for (i, n) in numbers.iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    let _ = write!(text, "{n}");
                }
            }
            text.push('\n');
        }
        text
    }

    /// The links of [`Known::text`]; none if the text is not such a file
    /// (one of an older version, or damaged).
    fn parse(text: &str) -> Option<Known> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let n: usize = lines.next()?.parse().ok()?;
        let pages: Vec<String> = lines.by_ref().take(n).map(str::to_string).collect();
        if pages.len() != n {
            return None;
        }
        let targets = lines
            .map(|line| match line.split_once('\t') {
                None => Some((line.to_string(), None)),
                Some((t, numbers)) => {
                    let linked = numbers
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(|i| i.parse::<u32>().ok().filter(|&i| (i as usize) < n))
                        .collect::<Option<Vec<u32>>>()?;
                    Some((t.to_string(), Some(linked)))
                }
            })
            .collect::<Option<_>>()?;
        Some(Known { pages, targets })
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

    /// Two builds of pages that link to each other: the second takes most
    /// pages unchanged, and a file that goes makes it read only the pages
    /// that linked to it (all of them when many did), which find the
    /// dangling link. What is kept after the second build still names the
    /// pages taken unchanged.
    #[test]
    fn a_file_that_goes_has_its_few_pages_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let known = dir.path().join("links");
        let page = |links: &[&str]| {
            links
                .iter()
                .map(|l| format!("<a href=\"{l}\">x</a>"))
                .collect::<String>()
        };
        let mut pages: Vec<(String, String)> = vec![
            ("index.html".into(), page(&["a.html", "b.html"])),
            ("a.html".into(), page(&["index.html", "p.html"])),
            ("b.html".into(), page(&["index.html", "p.html"])),
            ("p.html".into(), page(&["index.html"])),
        ];
        for i in 0..=FEW {
            pages.push((format!("l{i}.html"), page(&["index.html", "s.css"])));
        }
        let first = Links::new("");
        for (rel, html) in &pages {
            first.add(rel, html.as_bytes(), None);
        }
        first.add("s.css", b"", None);
        first.save(&known);
        let kept = Known::parse(&std::fs::read_to_string(&known).unwrap()).unwrap();
        let named = |k: &Known, t: &str| {
            k.targets[t].as_ref().map(|n| {
                n.iter()
                    .map(|&i| k.pages[i as usize].clone())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            named(&kept, "p.html"),
            Some(vec!["a.html".into(), "b.html".into()])
        );
        assert_eq!(named(&kept, "s.css"), None, "many pages link to it");
        // A build that writes `changed` again, leaves out `gone` and takes
        // every other page unchanged: the pages it reads, the links found
        // dangling.
        let build = |changed: &str, gone: &str| {
            let next = Links::new("").with_previous(&known);
            for (rel, html) in &pages {
                if rel == changed {
                    next.add(rel, html.as_bytes(), None);
                } else if rel != gone {
                    next.defer(rel, None);
                }
            }
            if gone != "s.css" {
                next.defer("s.css", None);
            }
            let read = Mutex::new(Vec::new());
            next.read_deferred(&[], |rel| {
                read.lock().unwrap().push(rel.to_string());
                pages
                    .iter()
                    .find(|p| p.0 == rel)
                    .map(|p| p.1.clone().into_bytes())
            });
            let found = next.dangling(&[]).len();
            let mut read = read.into_inner().unwrap();
            read.sort();
            (next, read, found)
        };
        let (_, read, found) = build("a.html", "p.html");
        assert_eq!((read, found), (vec!["b.html".to_string()], 1));
        let (_, read, found) = build("", "s.css");
        assert_eq!((read.len(), found), (pages.len(), 1), "all are read");
        // Nothing goes: nothing is read, and what is kept still names the
        // pages that link to p.html, read or taken unchanged.
        let (next, read, found) = build("a.html", "none.html");
        assert_eq!((read, found), (vec![], 0));
        next.save(&known);
        let kept = Known::parse(&std::fs::read_to_string(&known).unwrap()).unwrap();
        assert_eq!(
            named(&kept, "p.html"),
            Some(vec!["a.html".into(), "b.html".into()])
        );
        assert_eq!(named(&kept, "s.css"), None);
        // A file of the previous kind (one linked file per line) is not
        // trusted: every page is read.
        std::fs::write(&known, "a.html\np.html\n").unwrap();
        assert!(!Links::new("").with_previous(&known).can_defer());
    }
}
