//! What must never reach the public, found where a reader would find it.
//!
//! This module sits below every stage: `content` scans each value as it is
//! loaded (so a finding names the line and column of the number itself in
//! the file the clerk wrote), `check` scans every record for the private
//! values of the others, and `output` scans every file about to be
//! published, as a reader or a program would read it ([`formats`]).
//!
//! Everything is looked for in the reader's text ([`fold`]): markup removed,
//! character references decoded, compatibility forms folded, invisible
//! characters dropped. Numbers ([`detect`]) are read across any separators
//! between their digit groups; private literal values (a whistleblower's
//! name, phone, address, the sentences of the report) are compared with the
//! separators removed on both sides ([`Scanner`]).

pub mod detect;
pub mod fold;
pub mod formats;
mod literals;
pub mod locate;
pub mod markdown;

pub use detect::What;
use fold::{At, BOUNDARY, Mode, fold_into, is_separator};
use literals::Literals;
use std::sync::Arc;

/// A private value that must never be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// The site-relative file that holds it.
    pub path: String,
    /// `kind/id` of the record it belongs to.
    pub record: String,
    /// The private field, for messages (`举报人.姓名`).
    pub field: &'static str,
    pub value: String,
}

/// Values that mean "nobody" and are not anyone's secret.
const PLACEHOLDERS: &[&str] = &[
    "匿名",
    "无",
    "不详",
    "未知",
    "保密",
    "略",
    "空",
    "暂无",
    "未提供",
    "不愿透露",
    "匿名举报",
    "无名氏",
    "本人",
    "群众",
    "网民",
    "市民",
];

/// Whether a private value is only a placeholder (匿名, 无, 不详, …).
pub fn is_placeholder(value: &str) -> bool {
    let c = compact(value);
    c.chars().count() < 2 || PLACEHOLDERS.iter().any(|p| compact(p) == c)
}

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Found {
    Number(What),
    /// The index of a [`Secret`] of the scanner.
    Secret(usize),
}

/// One finding in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub what: Found,
    /// The number's digits, or the secret's compact text: two findings of
    /// the same thing have the same key.
    pub key: String,
    /// Byte offsets of the finding in the text scanned (plus its base).
    pub start: u32,
    pub end: u32,
    /// What a reader sees there.
    pub excerpt: String,
}

/// Looks for personal numbers and for a set of private values. Cheap to
/// clone: a build makes one and shares it.
#[derive(Clone)]
pub struct Scanner {
    literals: Result<Option<Arc<Literals>>, Arc<str>>,
    /// The secret of each literal pattern.
    owners: Arc<[usize]>,
    secrets: Arc<[Secret]>,
    fingerprint: Arc<str>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new(Vec::new())
    }
}

impl Scanner {
    pub fn new(secrets: Vec<Secret>) -> Scanner {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        // Each value once, owned by its first record: a set, since a
        // province's site has hundreds of thousands of them.
        let mut seen = crate::base::FastSet::default();
        for (i, s) in secrets.iter().enumerate() {
            if is_placeholder(&s.value) {
                continue;
            }
            for p in recognisable(s) {
                if seen.insert(p.clone()) {
                    patterns.push(p);
                    owners.push(i);
                }
            }
        }
        drop(seen);
        let fingerprint = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for (p, &i) in patterns.iter().zip(&owners) {
                let s = &secrets[i];
                for part in [p.as_str(), &s.path, &s.record, s.field] {
                    h.update((part.len() as u64).to_le_bytes());
                    h.update(part.as_bytes());
                }
            }
            crate::base::hex(&h.finalize())
        };
        Scanner {
            literals: Literals::new(&patterns)
                .map(|l| l.map(Arc::new))
                .map_err(Arc::from),
            owners: owners.into(),
            secrets: secrets.into(),
            fingerprint: fingerprint.into(),
        }
    }

    /// The private values looked for.
    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// Identifies what this scanner finds: two with the same fingerprint
    /// find the same things.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Why this scanner cannot look for the private values, if it cannot.
    pub fn broken(&self) -> Option<&str> {
        self.literals.as_ref().err().map(|e| &**e)
    }

    /// The findings in `text` (a value, a template, a page): offsets from
    /// `base`. `person`: the text is about a natural person.
    pub fn scan_str(&self, text: &str, base: u32, mode: Mode, person: bool) -> Vec<Finding> {
        let mut folded = Vec::with_capacity(text.len());
        fold_into(text, base, mode, &mut folded);
        let mut out = Vec::new();
        self.scan_folded(&folded, person, &mut out);
        out
    }

    /// The findings in a reader's text held as a string (a published
    /// file's, [`formats::read`]): offsets are byte offsets in `text`.
    pub fn scan_reader(&self, text: &str, out: &mut Vec<Finding>) {
        let cut = |a: usize, b: usize| excerpt_str(text.get(a..b).unwrap_or(""));
        let mut numbers = Vec::new();
        detect::numbers(text, false, &mut numbers);
        for n in numbers {
            out.push(Finding {
                what: Found::Number(n.what),
                excerpt: cut(n.start, n.end),
                key: n.key,
                start: n.start as u32,
                end: n.end as u32,
            });
        }
        match &self.literals {
            Ok(None) => {}
            Ok(Some(lit)) => {
                let compact = compact_str(text);
                let mut found = Vec::new();
                lit.find(&compact, &mut found);
                if found.is_empty() {
                    return;
                }
                // The byte of `text` that each byte of `compact` comes from.
                let mut index = Vec::with_capacity(compact.len());
                for (i, c) in text.char_indices().filter(|(_, c)| !is_separator(*c)) {
                    index.resize(index.len() + c.len_utf8(), i as u32);
                }
                for (p, s, e) in found {
                    let key = String::from_utf8_lossy(&compact[s..e]).into_owned();
                    let s = with_prefix(&compact, s, e);
                    let (a, b) = (index[s] as usize, index[e - 1] as usize);
                    let b = b + text[b..].chars().next().map_or(1, char::len_utf8);
                    out.push(Finding {
                        what: Found::Secret(self.owners[p]),
                        key,
                        start: a as u32,
                        end: b as u32,
                        excerpt: cut(a, b),
                    });
                }
            }
            Err(_) if !text.is_empty() => out.push(Finding {
                what: Found::Secret(usize::MAX),
                key: String::new(),
                start: 0,
                end: 0,
                excerpt: String::new(),
            }),
            Err(_) => {}
        }
    }

    /// The findings in a reader's text.
    pub fn scan_folded(&self, text: &[At], person: bool, out: &mut Vec<Finding>) {
        let mut numbers = Vec::new();
        detect::numbers(text, person, &mut numbers);
        for n in numbers {
            out.push(Finding {
                what: Found::Number(n.what),
                key: n.key,
                start: text[n.start].at,
                end: text[n.end - 1].at + 1,
                excerpt: excerpt(&text[n.start..n.end]),
            });
        }
        match &self.literals {
            Ok(None) => {}
            Ok(Some(lit)) => {
                let mut found = Vec::new();
                let bytes = compact_text(text);
                lit.find(bytes.as_bytes(), &mut found);
                if found.is_empty() {
                    return;
                }
                let (bytes, index) = compact_folded(text);
                for (p, s, e) in found {
                    let key = bytes[s..e].to_string();
                    let s = with_prefix(bytes.as_bytes(), s, e);
                    let (a, b) = (index[s] as usize, index[e - 1] as usize);
                    let secret = self.owners[p];
                    out.push(Finding {
                        what: Found::Secret(secret),
                        key,
                        start: text[a].at,
                        end: text[b].at + 1,
                        excerpt: excerpt(&text[a..=b]),
                    });
                }
            }
            // A scanner that cannot look for the private values finds
            // every text: nothing is published unchecked.
            Err(_) if !text.is_empty() => out.push(Finding {
                what: Found::Secret(usize::MAX),
                key: String::new(),
                start: text[0].at,
                end: text[0].at,
                excerpt: String::new(),
            }),
            Err(_) => {}
        }
    }

    /// What a finding is, for a message.
    pub fn describe(&self, f: &Found) -> String {
        match f {
            Found::Number(w) => w.label().to_string(),
            Found::Secret(i) => match self.secrets.get(*i) {
                Some(s) => format!("隐私字段「{}」的内容（{}）", s.field, s.path),
                None => format!(
                    "无法检查的内容（隐私字段的扫描器未能建立：{}）",
                    self.broken().unwrap_or("")
                ),
            },
        }
    }
}

/// The text of a value with every separator removed, ASCII letters
/// lower-cased: how private values are compared.
pub fn compact(value: &str) -> String {
    let mut folded = Vec::with_capacity(value.len());
    fold_into(value, 0, Mode::Markup, &mut folded);
    compact_folded(&folded).0
}

/// The compact forms in which a reader would still recognise a private
/// value, from each of its parts ([`parts`]: a value may hold two numbers,
/// or a note in brackets): the part itself (a telephone number by its
/// core, [`phone_core`]); a landline's local number, which is how
/// neighbours write it; each tail of an address after a level of
/// administration (市, 区, 县, 镇, 乡, 街道: `城关镇幸福路1号`, `幸福路1号` of
/// `某某市城关镇幸福路1号`), and each such tail up to a house, building, unit
/// or room (`幸福路12号`, `幸福路12号3单元` of `…幸福路12号3单元401室`), still
/// five characters or more.
fn recognisable(s: &Secret) -> Vec<String> {
    let mut out = vec![compact(&s.value)];
    // A name, a number or an address has parts; a sentence of a report
    // is matched whole (its clauses would match common words).
    let has_parts = ["姓名", "名称", "电话", "地址"]
        .iter()
        .any(|f| s.field.contains(f));
    if !has_parts {
        return out;
    }
    for part in parts(&s.value, s.field) {
        let whole = compact(&part);
        if s.field.ends_with("电话") {
            let digits = whole.bytes().filter(u8::is_ascii_digit).count();
            if digits < 7 {
                continue;
            }
            let core = phone_core(&whole).unwrap_or_else(|| whole.clone());
            if let Some(local) = landline_local(&core) {
                out.push(local.to_string());
            }
            out.push(core);
            continue;
        }
        if s.field.ends_with("地址") {
            out.extend(address_forms(&whole));
        }
        if whole.chars().count() >= 2 {
            out.push(whole);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The parts of a private value as a reader may meet them apart: the
/// value without its notes in brackets (`张三丰（退休职工）`, `…401室（小区
/// 北门）`, `0412-5556677（白天）`), and each item of a list of them
/// (`0412-5556677、13800001111`, `张三、李四`); a telephone number without
/// its extension (`0412-5556677转8001`).
fn parts(value: &str, field: &str) -> Vec<String> {
    let mut bare = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let mut cuts: Vec<char> = vec!['、', '，', ',', '；', ';', '/', '／'];
    if field.ends_with("电话") {
        cuts.extend(['转', '或', ' ']);
    }
    let mut out: Vec<String> = bare
        .split(|c| cuts.contains(&c))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if field.ends_with("电话") {
        // `0412 5556677`: the parts split at spaces are joined again
        // where a number was written in groups.
        let joined: String = bare.split(['转', '或']).next().unwrap_or("").to_string();
        out.push(joined);
    }
    out.push(bare);
    out
}

/// The forms of an address a reader would still take for it: each tail
/// after a level of administration, and each of those (and the whole)
/// cut after a house number, building, unit or room; five characters or
/// more.
fn address_forms(whole: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = whole.char_indices().collect();
    let mut tails = vec![0usize];
    for (k, &(_, c)) in chars.iter().enumerate() {
        let level = matches!(c, '省' | '市' | '区' | '县' | '镇' | '乡')
            || (c == '道' && k > 0 && chars[k - 1].1 == '街');
        if level && k + 1 < chars.len() {
            tails.push(k + 1);
        }
    }
    let mut out = Vec::new();
    for &t in &tails {
        let tail = &chars[t..];
        if tail.len() >= 5 {
            out.push(whole[tail[0].0..].to_string());
        }
        for (k, &(_, c)) in tail.iter().enumerate() {
            let ends = matches!(c, '号' | '栋' | '幢' | '座' | '楼' | '室' | '弄' | '巷')
                || (c == '元' && k > 0 && tail[k - 1].1 == '单');
            if ends && k + 1 >= 5 && k + 1 < tail.len() {
                let end = tail.get(k + 1).map_or(whole.len(), |n| n.0);
                out.push(whole[tail[0].0..end].to_string());
            }
        }
    }
    out
}

/// The local number of a landline's core (its area code without the 0,
/// then 7 or 8 digits): after 10 and 2x, two digits of area code; else
/// three. None for a mobile number or anything shorter.
fn landline_local(core: &str) -> Option<&str> {
    if !core.bytes().all(|b| b.is_ascii_digit()) || !(9..=11).contains(&core.len()) {
        return None;
    }
    let mobile = core.len() == 11 && core.starts_with('1') && core.as_bytes()[1] >= b'3';
    if mobile {
        return None;
    }
    let area = if core.starts_with("10") || core.starts_with('2') {
        2
    } else {
        3
    };
    let local = core.get(area..)?;
    (7..=8).contains(&local.len()).then_some(local)
}

/// A telephone number (the compact digits of a private value) without
/// what a writer may put before it or leave off: an international prefix
/// (86, 0086) and the trunk 0 of an area code. `0412-5556677`,
/// `+86 412 5556677` and `0086 412 5556677` all hold `4125556677`, so a
/// private number is found however it is written. `None` when nothing
/// is to be taken off, or what is left is too short to stand for a
/// whole number (an area code and a local number: nine digits or more).
fn phone_core(p: &str) -> Option<String> {
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut core = p;
    for prefix in ["0086", "86"] {
        if let Some(rest) = core.strip_prefix(prefix)
            && rest.len() >= 9
        {
            core = rest;
            break;
        }
    }
    if let Some(rest) = core.strip_prefix('0')
        && rest.len() >= 9
    {
        core = rest;
    }
    (core.len() < p.len()).then(|| core.to_string())
}

/// Where a private value found at `s..e` of a compact text starts as it
/// is written: a telephone number ([`phone_core`]) with the prefix or the
/// trunk 0 that stands before it.
pub(crate) fn with_prefix(compact: &[u8], s: usize, e: usize) -> usize {
    let key = &compact[s..e];
    if key.len() < 9 || !key.iter().all(u8::is_ascii_digit) {
        return s;
    }
    let before = &compact[..s];
    for prefix in [&b"0086"[..], b"86", b"0"] {
        if before.ends_with(prefix) {
            return s - prefix.len();
        }
    }
    s
}

/// [`compact`] of a reader's text held as a string: runs of bytes that
/// are no separator are copied whole, and only the lead bytes of the few
/// non-ASCII separators make a character be decoded.
fn compact_str(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            // Runs of ASCII that holds no separator are copied whole.
            let run = b[i..]
                .iter()
                .position(|&x| x >= 0x80 || is_separator(x as char) || x.is_ascii_uppercase())
                .unwrap_or(b.len() - i);
            if run > 0 {
                out.extend_from_slice(&b[i..i + run]);
                i += run;
                continue;
            }
            if !is_separator(c as char) {
                out.push(c.to_ascii_lowercase());
            }
            i += 1;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
        let len = ch.len_utf8();
        // Separators outside ASCII start with these lead bytes.
        if !matches!(c, 0xC2 | 0xD6 | 0xD7 | 0xE1 | 0xE2 | 0xE3 | 0xEF | 0xF0) || !is_separator(ch)
        {
            out.extend_from_slice(&b[i..i + len]);
        }
        i += len;
    }
    out
}

/// [`compact`] of a folded text.
fn compact_text(text: &[At]) -> String {
    text.iter()
        .filter(|a| !is_separator(a.c))
        .map(|a| a.c.to_ascii_lowercase())
        .collect()
}

/// [`compact`] of a folded text, with the folded index of each byte.
fn compact_folded(text: &[At]) -> (String, Vec<u32>) {
    let mut s = String::with_capacity(text.len());
    let mut index = Vec::with_capacity(text.len());
    for (i, a) in text.iter().enumerate() {
        if is_separator(a.c) {
            continue;
        }
        let c = a.c.to_ascii_lowercase();
        let before = s.len();
        s.push(c);
        index.resize(index.len() + (s.len() - before), i as u32);
    }
    (s, index)
}

/// What the scanner may find in a party's 统一社会信用代码 that passes its
/// check: the code, and each run of ten digits or more in it (a code that
/// the scanner does not take for one by its shape,
/// [`crate::codes::credit_code_built`], may read as a card number). These
/// are the party's, not a person's, wherever the party's records write
/// them.
pub fn party_code_numbers(code: &str) -> Vec<String> {
    // A person's identity number is never an organisation's code.
    if crate::codes::credit_code(code).is_err() || crate::codes::person_id(code.as_bytes()) {
        return Vec::new();
    }
    let mut out = vec![normalize_number(code)];
    out.extend(
        code.split(|c: char| !c.is_ascii_digit())
            .filter(|run| run.len() >= 10)
            .map(str::to_string),
    );
    out
}

/// A number as reviewed in a 隐私例外: its digits and X, upper-case, an
/// international prefix of a mobile number dropped.
pub fn normalize_number(s: &str) -> String {
    let mut folded = Vec::new();
    fold_into(s, 0, Mode::Markup, &mut folded);
    let n: String = folded
        .iter()
        .map(|a| a.c.to_ascii_uppercase())
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mobile = |d: &str| d.len() == 11 && d.starts_with('1');
    for prefix in ["0086", "86"] {
        if let Some(rest) = n.strip_prefix(prefix)
            && mobile(rest)
        {
            return rest.to_string();
        }
    }
    n
}

fn excerpt_str(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| if c == BOUNDARY { ' ' } else { c })
        .take(40)
        .collect();
    if text.chars().count() > 40 {
        format!("{s}…")
    } else {
        s
    }
}

fn excerpt(text: &[At]) -> String {
    let s: String = text
        .iter()
        .map(|a| if a.c == BOUNDARY { ' ' } else { a.c })
        .take(40)
        .collect();
    if text.len() > 40 {
        format!("{s}…")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(field: &'static str, value: &str) -> Secret {
        Secret {
            path: "content/clues/a.yaml".into(),
            record: "clues/a".into(),
            field,
            value: value.into(),
        }
    }

    #[test]
    fn private_values_are_found_in_any_form() {
        let s = Scanner::new(vec![
            secret("举报人.姓名", "张三丰"),
            secret("举报人.电话", "0412-7654321"),
            secret("举报人.地址", "匿名"),
        ]);
        for text in [
            "举报人张三丰反映",
            "举报人张 三　丰反映",
            "张<b>三</b>丰",
            "张&#x4E09;丰",
            "电话 0412 7654321",
            "电话04127654321",
            "电话（０４１２）７６５４３２１",
            // With the country's prefix, and the area code's 0 left off.
            "电话 +86 412 7654321",
            "电话+86-412-7654321",
            "电话 0086 412 7654321",
            "电话 (+86) 412-7654321",
            "电话 0412/7654321",
            "电话 0412\\-7654321",
        ] {
            let found = s.scan_str(text, 0, Mode::Markup, false);
            assert!(
                found.iter().any(|f| matches!(f.what, Found::Secret(_))),
                "{text}: {found:?}"
            );
        }
        // Stored with the prefix, written without it.
        let s2 = Scanner::new(vec![secret("举报人.电话", "+86-412-7654321")]);
        for text in [
            "电话 0412-7654321",
            "电话 412 7654321",
            "电话0086 4127654321",
        ] {
            let found = s2.scan_str(text, 0, Mode::Markup, false);
            assert!(!found.is_empty(), "{text}");
        }
        // The local number alone is still the whistleblower's: as people
        // who know the area write it.
        for text in ["电话 7654321", "电话 ７６５-４３２１"] {
            assert!(
                !s.scan_str(text, 0, Mode::Markup, false).is_empty(),
                "{text}"
            );
        }
        // An address by its tail after a level of administration; not
        // by a tail too short to name a place.
        let s3 = Scanner::new(vec![secret("举报人.地址", "某某市城关镇幸福路1号")]);
        for text in ["反映城关镇幸福路1号问题", "反映幸福路1号某处问题"] {
            assert!(
                !s3.scan_str(text, 0, Mode::Markup, false).is_empty(),
                "{text}"
            );
        }
        assert!(
            s3.scan_str("城关镇辖区内", 0, Mode::Markup, false)
                .is_empty()
        );
        // A value with a note, or two of them: each part is the
        // whistleblower's; an address by its house too.
        let s4 = Scanner::new(vec![
            secret("举报人.姓名", "张三丰（退休职工）"),
            secret("举报人.电话", "0412-5556677、13800001111"),
            secret(
                "举报人.地址",
                "海城市城关镇幸福路12号3单元401室（小区北门）",
            ),
        ]);
        for text in [
            "举报人张三丰反映",
            "回访电话0412-5556677",
            "回访电话5556677",
            "手机13800001111",
            "反映幸福路12号3单元楼下",
            "幸福路12号",
        ] {
            assert!(
                s4.scan_str(text, 0, Mode::Markup, false)
                    .iter()
                    .any(|f| matches!(f.what, Found::Secret(_))),
                "{text}"
            );
        }
        let s5 = Scanner::new(vec![secret("举报人.电话", "0412-5556677转8001")]);
        assert!(
            !s5.scan_str("电话0412-5556677", 0, Mode::Markup, false)
                .is_empty()
        );
        // The extension alone is nobody's number.
        assert!(s5.scan_str("第8001号", 0, Mode::Markup, false).is_empty());
        // Nor is a street without its number.
        assert!(s4.scan_str("幸福路沿线", 0, Mode::Markup, false).is_empty());
        // A placeholder is nobody's secret.
        assert!(
            s.scan_str("支持匿名举报", 0, Mode::Markup, false)
                .is_empty()
        );
    }

    #[test]
    fn the_two_compactions_agree() {
        for text in [
            "张 三-丰",
            "Ａ\u{3000}b—c・d\u{a0}e",
            "1·2‐3\u{2212}4",
            "中文，标点。",
        ] {
            let mut folded = Vec::new();
            fold_into(text, 0, Mode::Markup, &mut folded);
            let mut reader = String::new();
            fold_into(text, 0, Mode::Markup, &mut reader);
            assert_eq!(
                compact_text(&folded).as_bytes(),
                compact_str(&reader),
                "{text}"
            );
        }
        // Every separator outside ASCII starts with one of the lead bytes
        // that compact_str decodes.
        for c in (0x80..0x10000u32).filter_map(char::from_u32) {
            if is_separator(c) {
                let lead = c.to_string().as_bytes()[0];
                assert!(
                    matches!(lead, 0xC2 | 0xD6 | 0xD7 | 0xE1 | 0xE2 | 0xE3 | 0xEF),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn exceptions_are_compared_by_their_digits() {
        assert_eq!(normalize_number("+86 139-1234-5678"), "13912345678");
        assert_eq!(
            normalize_number("１１０１０５１９４９１２３１００２ｘ"),
            "11010519491231002X"
        );
    }

    #[test]
    fn a_scanner_without_its_automaton_lets_nothing_through() {
        let s = Scanner {
            literals: Err(Arc::from("too large")),
            ..Scanner::default()
        };
        let found = s.scan_str("plain text", 0, Mode::Plain, false);
        assert_eq!(found.len(), 1);
        assert!(s.describe(&found[0].what).contains("too large"));
    }
}
