//! The privacy scan of each file as it is loaded: every value that may be
//! published is searched for personal numbers while the file's text and
//! its located tree are at hand, so that a finding names the line and
//! column of the number itself (inside a block scalar or a Markdown body,
//! the line it stands on). It runs on every record, whatever its
//! 发布日期 and 状态: a draft with an ID number in it is an error today.
//!
//! Not scanned: the whistleblower's fields of a clue (举报人, 举报内容:
//! private, never published) and the 隐私例外 list itself. A record's own
//! 隐私例外 accept a reviewed number in that record only; a draft's accept
//! nothing.

use super::model::Kind;
use super::yaml::{Node, Value};
use crate::diag::{Diagnostics, Pos, report};
use crate::privacy::{Finding, Found, Scanner, fold::Mode, locate, markdown, normalize_number};

/// A file being loaded: its site-relative path and its text.
pub struct Source<'a> {
    pub rel: &'a str,
    pub text: &'a str,
}

impl Source<'_> {
    /// Where `needle` is first written from the line of `pos` on, if it
    /// is written as itself (a byte offset of the file).
    fn written_at(&self, pos: Pos, needle: &str) -> Option<usize> {
        let from = locate::line_start(self.text, pos.line);
        self.text[from..].find(needle).map(|k| from + k)
    }

    /// Report `f`, found in a value that begins at `pos`, at the place of
    /// the file where it is written.
    pub fn report(&self, pos: Pos, field: &str, f: &Finding, label: &str, diags: &mut Diagnostics) {
        let from = locate::line_start(self.text, pos.line);
        let at = locate::find(self.text, from, f.what, &f.key).unwrap_or(from);
        let pos = match at {
            at if at == from => Pos::new(pos.line.max(1), pos.col.max(1)),
            at => locate::pos_at(self.text, at),
        };
        diags.push(
            report(
                self.rel,
                pos,
                field,
                format!("公开内容中含有{label}，不得发布"),
            )
            .expected("删除或脱敏后的内容；确属误判的号码，经审核后写入本记录的「隐私例外」")
            .found(f.excerpt.clone()),
        );
    }
}

/// Whether a value may hold a number of 10 digits or more: most values
/// (names, dates, short sentences) cannot, and are not folded at all.
pub fn may_hold_number(value: &str) -> bool {
    let mut digits = 0;
    for c in value.chars() {
        digits += match c {
            '0'..='9' | '&' => 1,
            c if c.is_ascii() => 0,
            '\u{3001}'..='\u{3006}' | '\u{3008}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' => 0,
            // A circled ２０ is two digits.
            _ => 2,
        };
        if digits >= 10 {
            return true;
        }
    }
    false
}

/// The numbers the 隐私例外 of the record whose tree is `node` accept,
/// normalized: none for a draft, whose exceptions apply to nothing.
pub fn exceptions(node: &Node) -> Vec<String> {
    if get(node, "状态").and_then(Node::as_str) == Some("草稿") {
        return Vec::new();
    }
    match get(node, "隐私例外") {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|e| get(e, "内容").and_then(Node::as_str))
            .map(normalize_number)
            .collect(),
        _ => Vec::new(),
    }
}

/// The party objects of the record whose tree is `node`.
fn parties(node: &Node) -> impl Iterator<Item = &Node> {
    ["当事人", "被检查对象", "涉及单位"]
        .into_iter()
        .filter_map(|k| get(node, k))
}

/// What may read as a personal number in the 统一社会信用代码 of the parties
/// of the record whose tree is `node` ([`crate::privacy::party_code_numbers`]):
/// the organisation's, wherever the record writes it.
fn party_codes(node: &Node) -> Vec<String> {
    parties(node)
        .filter_map(|p| get(p, "统一社会信用代码"))
        .filter_map(Node::as_str)
        .flat_map(crate::privacy::party_code_numbers)
        .collect()
}

/// Scan the record whose tree is `node` (a file's, or one item of a bulk
/// file). Returns the numbers its own 隐私例外 accepted.
pub fn record(src: &Source, kind: Kind, node: &Node, diags: &mut Diagnostics) -> Vec<String> {
    let person = parties(node).any(|p| get(p, "类型").and_then(Node::as_str) == Some("自然人"));
    let exceptions = exceptions(node);
    let codes = party_codes(node);
    let private: &[&str] = match kind {
        Kind::Clues => &["举报人", "举报内容", "隐私例外"],
        _ => &["隐私例外"],
    };
    let mut used = Vec::new();
    values(node, "", &mut |path, n, text| {
        let top = path.split(['.', '[']).next().unwrap_or(path);
        if private.contains(&top) || !may_hold_number(text) {
            return;
        }
        for f in read_as_written(text, 0, person) {
            if codes.contains(&f.key) {
                continue;
            }
            if exceptions.contains(&f.key) {
                if !used.contains(&f.key) {
                    used.push(f.key);
                }
                continue;
            }
            src.report(n.pos, path, &f, &label(&f), diags);
        }
    });
    used
}

/// Scan a record's file name: it is the record's id and its page's URL.
pub fn file_name(src: &Source, stem: &str, diags: &mut Diagnostics) {
    if !may_hold_number(stem) {
        return;
    }
    for f in Scanner::default().scan_str(stem, 0, Mode::Plain, false) {
        diags.push(
            report(
                src.rel,
                Pos::FILE,
                "",
                format!(
                    "文件名（记录编号，即网页地址）中含有{}，不得发布",
                    label(&f)
                ),
            )
            .expected("不含个人信息的编号，例如 hc-2022-001")
            .found(stem.to_string()),
        );
    }
}

/// Whether `c` is a control character that has no place in a value:
/// C0 (but tab and line breaks), DEL and C1.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Control characters in the values of `node` (and in a page's `body`,
/// which begins at byte `body_at`): each a located error. They are
/// invisible, can hide a number from a reader's eye, and can drive a
/// terminal.
pub fn controls(src: &Source, node: &Node, body: Option<(&str, usize)>, diags: &mut Diagnostics) {
    let mut report_at = |pos: Pos, field: &str, c: char, at: Option<usize>| {
        let pos = at.map_or(pos, |a| locate::pos_at(src.text, a));
        diags.push(
            report(
                src.rel,
                pos,
                field,
                format!("「{field}」中含有控制字符 U+{:04X}", c as u32),
            )
            .expected("可见的文字（删除该控制字符）")
            .found(format!("U+{:04X}", c as u32)),
        );
    };
    values(node, "", &mut |path, n, text| {
        if let Some(c) = text.chars().find(|c| is_forbidden_control(*c)) {
            let at = src.written_at(n.pos, c.encode_utf8(&mut [0; 4]));
            report_at(n.pos, path, c, at);
        }
    });
    if let Some((body, offset)) = body
        && let Some((k, c)) = body.char_indices().find(|(_, c)| is_forbidden_control(*c))
    {
        report_at(Pos::FILE, "正文", c, Some(offset + k));
    }
}

/// Links and images of the values of `node` (and of a page's `body`,
/// which begins at byte `body_at`) whose address could run code or leave
/// the web (`javascript:`, `file:`, `data:` …): the page shows their text
/// and drops the address ([`crate::base::safe_url`]), so each
/// is a located warning rather than a link lost without a word.
pub fn links(src: &Source, node: &Node, body: Option<(&str, usize)>, diags: &mut Diagnostics) {
    let mut report_at = |pos: Pos, field: &str, url: &str, at: Option<usize>| {
        let pos = at.map_or(pos, |a| locate::pos_at(src.text, a));
        diags.push(
            report(
                src.rel,
                pos,
                field,
                "链接地址不安全或不是网址，发布时只保留文字、不成为链接",
            )
            .expected("以 http://、https://、mailto: 或 tel: 开头的地址，或站内的相对地址")
            .found(crate::diag::escape_controls(url).into_owned())
            .warning(),
        );
    };
    values(node, "", &mut |path, n, text| {
        for url in crate::base::unsafe_urls(text) {
            report_at(n.pos, path, &url, src.written_at(n.pos, &url));
        }
    });
    if let Some((body, offset)) = body {
        let mut from = 0;
        for url in crate::base::unsafe_urls(body) {
            let at = body[from..].find(url.as_str()).map(|k| from + k);
            if let Some(k) = at {
                from = k + url.len();
            }
            report_at(Pos::FILE, "正文", &url, at.map(|k| offset + k));
        }
    }
}

/// Scan site.yaml: every value of it may be shown (its footer fields on
/// every page).
pub fn site(src: &Source, node: &Node, diags: &mut Diagnostics) {
    values(node, "", &mut |path, n, text| {
        if !may_hold_number(text) {
            return;
        }
        for f in Scanner::default().scan_str(text, 0, Mode::Markup, false) {
            src.report(n.pos, path, &f, &label(&f), diags);
        }
    });
}

/// Scan a page's Markdown body, which begins at byte `offset` of the file.
pub fn body(
    src: &Source,
    body: &str,
    offset: usize,
    exceptions: &[String],
    diags: &mut Diagnostics,
) -> Vec<String> {
    let mut used = Vec::new();
    for f in read_as_written(body, offset as u32, false) {
        if exceptions.contains(&f.key) {
            used.push(f.key);
            continue;
        }
        let pos = locate::pos_at(src.text, f.start as usize);
        diags.push(
            report(
                src.rel,
                pos,
                "正文",
                format!("公开内容中含有{}，不得发布", label(&f)),
            )
            .expected("删除或脱敏后的内容；确属误判的号码，经审核后写入本页的「隐私例外」")
            .found(f.excerpt.clone()),
        );
    }
    used
}

/// The findings in a text that begins at byte `base` of its file, as it is
/// written and, where Markdown's syntax may part a number's digits, as its
/// page shows it: a number found only so stands where its first and last
/// characters are written (a record's value is then reported at its
/// start, [`Source::report`]: the file has the number in pieces).
fn read_as_written(text: &str, base: u32, person: bool) -> Vec<Finding> {
    let mut found = Scanner::default().scan_str(text, base, Mode::Markup, person);
    if markdown::may_part_digits(text) {
        let (shown, from) = markdown::reader_text(text);
        let at = |i: u32| base + from.get(i as usize).copied().unwrap_or(0);
        for mut f in Scanner::default().scan_str(&shown, 0, Mode::Markup, person) {
            if found.iter().all(|g| g.key != f.key) {
                (f.start, f.end) = (at(f.start), at(f.end.saturating_sub(1)) + 1);
                found.push(f);
            }
        }
    }
    found
}

fn label(f: &Finding) -> String {
    match f.what {
        Found::Number(w) => w.label().to_string(),
        Found::Secret(_) => "隐私内容".to_string(),
    }
}

fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// Call `f(path, node, text)` for every scalar of `node`.
fn values(node: &Node, path: &str, f: &mut impl FnMut(&str, &Node, &str)) {
    match &node.value {
        Value::Str(s) => f(path, node, s),
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                values(item, &format!("{path}[{}]", i + 1), f);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = k.as_str().unwrap_or("");
                let p = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                values(v, &p, f);
            }
        }
        Value::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefilter_lets_every_possible_number_through() {
        assert!(may_hold_number("电话13812345678"));
        assert!(may_hold_number("１３８１２３４５６７８"));
        assert!(may_hold_number(
            "&#49;&#51;&#56;&#49;&#50;&#51;&#52;&#53;&#54;&#55;"
        ));
        assert!(may_hold_number("⑪⑫⑬⑭⑮"));
        assert!(!may_hold_number("2026-11-22"));
        assert!(!may_hold_number("海城市某某化工有限公司"));
    }
}
