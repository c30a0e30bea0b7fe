//! The privacy findings of the files about to be published, and the stamp
//! of what a scan looked for.

use super::*;

/// What a scan looks for, as one line of the output's marker: the
/// scanner's version and fingerprint (its private values) and the numbers
/// the records' 隐私例外 accepted. Two builds with the same stamp find the
/// same things in the same bytes.
/// The numbers the output may show: what may read as one in a party's
/// 统一社会信用代码 (anywhere: an organisation's code is public), and the
/// numbers each record's 隐私例外 accept — on that record's own page (and
/// on the pages of the records it links or that link it, which show its
/// title), and in the files that gather many records (lists, open data,
/// the search index), never on another record's page.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    anywhere: HashSet<String>,
    /// By a record's source (`PATH:LINE`, a page's origin).
    by_record: std::collections::HashMap<String, HashSet<String>>,
    /// Every record's, for the files that gather them.
    declared: HashSet<String>,
}

impl Allowed {
    /// `anywhere`; and each record's source with its own numbers and the
    /// sources of the records its page shows.
    pub fn new(
        anywhere: HashSet<String>,
        records: &[(String, Vec<String>, Vec<String>)],
    ) -> Allowed {
        let own: std::collections::HashMap<&str, &Vec<String>> =
            records.iter().map(|(s, n, _)| (s.as_str(), n)).collect();
        let mut by_record = std::collections::HashMap::new();
        for (source, _, shown) in records {
            let set: HashSet<String> = std::iter::once(source)
                .chain(shown)
                .filter_map(|s| own.get(s.as_str()))
                .flat_map(|n| n.iter().cloned())
                .collect();
            if !set.is_empty() {
                by_record.insert(source.clone(), set);
            }
        }
        let declared = records.iter().flat_map(|r| r.1.iter().cloned()).collect();
        Allowed {
            anywhere,
            by_record,
            declared,
        }
    }

    /// Whether the number `key` may stand in a file made from `origin`
    /// (a record's page) or from many records (`None`).
    pub fn allows(&self, key: &str, origin: Option<&str>) -> bool {
        if self.anywhere.contains(key) {
            return true;
        }
        match origin {
            Some(o) => self.by_record.get(o).is_some_and(|s| s.contains(key)),
            None => self.declared.contains(key),
        }
    }

    /// Every entry, in an order of its own (for the scan's stamp).
    fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = self.anywhere.iter().map(|a| format!("*{a}")).collect();
        for (s, set) in &self.by_record {
            v.extend(set.iter().map(|n| format!("{s}={n}")));
        }
        v.sort();
        v
    }
}

pub(super) fn scan_stamp(scanner: &Scanner, allowed: &Allowed) -> String {
    let allowed = allowed.entries();
    let mut h = Sha256::new();
    h.update(SCAN_VERSION.as_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(scanner.fingerprint().as_bytes());
    for a in &allowed {
        h.update((a.len() as u64).to_le_bytes());
        h.update(a.as_bytes());
    }
    format!("scan: {}", crate::base::hex(&h.finalize()[..16]))
}

/// Changed whenever what the scan finds in the same bytes may change.
pub(super) const SCAN_VERSION: &str = "reader-view-2";

/// A finding in a file about to be published.
#[derive(Debug, Clone)]
pub struct OutputFinding {
    /// What was found, for the message.
    pub(super) what: String,
    pub(super) key: String,
    pub(super) excerpt: String,
    pub(super) rel: String,
    /// The source record of the file (`PATH:LINE`), if it shows one.
    pub(super) origin: Option<String>,
}

/// The privacy findings in one output file `rel`: the numbers and private
/// values a reader of it would see, except the numbers that the records
/// holding them declared (`allowed`).
pub fn scan_file(
    scanner: &Scanner,
    allowed: &Allowed,
    rel: &str,
    bytes: &[u8],
    origin: Option<&str>,
) -> Vec<OutputFinding> {
    let format = formats::Format::of(rel);
    // A file of no known kind is read if it is text ([`formats::read`]).
    if format == formats::Format::Binary && std::str::from_utf8(bytes).is_err() {
        return Vec::new();
    }
    // One buffer a thread: the site's files are read one after another.
    thread_local! {
        static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    let mut found = Vec::new();
    let readable = TEXT.with_borrow_mut(|text| {
        text.clear();
        let readable = formats::read(format, bytes, text);
        scanner.scan_reader(text, &mut found);
        if text.capacity() > 1 << 24 {
            // Not kept for the rest of the build after one large file.
            *text = String::new();
        }
        readable
    });
    let mut out = kept(scanner, allowed, found, rel, origin);
    if let Err(why) = readable {
        out.push(OutputFinding {
            what: format!("无法读取的内容（{why}）"),
            key: format!("unreadable:{rel}"),
            excerpt: String::new(),
            rel: rel.to_string(),
            origin: origin.map(str::to_string),
        });
    }
    out
}

/// The findings of a scan of `rel`, but the numbers that the records
/// holding them declared (`allowed`).
pub(super) fn kept(
    scanner: &Scanner,
    allowed: &Allowed,
    found: Vec<crate::privacy::Finding>,
    rel: &str,
    origin: Option<&str>,
) -> Vec<OutputFinding> {
    found
        .into_iter()
        .filter(|f| !(matches!(f.what, Found::Number(_)) && allowed.allows(&f.key, origin)))
        .map(|f| OutputFinding {
            what: scanner.describe(&f.what),
            key: f.key,
            excerpt: f.excerpt,
            rel: rel.to_string(),
            origin: origin.map(str::to_string),
        })
        .collect()
}

/// [`scan_file`] as diagnostics (the preview's page by page).
pub fn findings_in(
    scanner: &Scanner,
    allowed: &Allowed,
    rel: &str,
    bytes: &[u8],
    origin: Option<&str>,
) -> Vec<Diagnostic> {
    group(&scan_file(scanner, allowed, rel, bytes, origin))
}

/// One diagnostic for each thing found, at the source of the first file
/// that shows it (files of records before others), however many files it
/// stands in. The sources themselves were scanned before anything was
/// written, so what is found here was put together by a template, or
/// from several fields.
pub(super) fn group(found: &[OutputFinding]) -> Vec<Diagnostic> {
    let mut by_key: BTreeMap<(&str, &str), Vec<&OutputFinding>> = BTreeMap::new();
    for f in found {
        by_key.entry((&f.key, &f.what)).or_default().push(f);
    }
    by_key
        .into_values()
        .map(|all| {
            let mut all = all;
            all.sort_by(|a, b| (a.origin.is_none(), &a.rel).cmp(&(b.origin.is_none(), &b.rel)));
            let f = all[0];
            let (path, line) = match &f.origin {
                Some(o) => split_source(o),
                None => ("templates".to_string(), 1),
            };
            let files = if all.len() > 1 {
                format!("{} 等 {} 个输出文件", f.rel, all.len())
            } else {
                format!("输出文件 {}", f.rel)
            };
            report(
                &path,
                Pos::new(line, 1),
                "",
                format!(
                    "发布内容中含有{}（由模板或多个字段拼合而成），已阻止发布",
                    f.what
                ),
            )
            .expected("不含个人隐私信息的公开内容（请检查模板和相关字段，删除或脱敏）")
            .found(format!("{}（{files}）", f.excerpt))
            .build()
        })
        .collect()
}

pub(super) fn split_source(s: &str) -> (String, u32) {
    match s.rsplit_once(':') {
        Some((p, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => {
            (p.to_string(), l.parse().unwrap_or(1))
        }
        _ => (s.to_string(), 1),
    }
}
