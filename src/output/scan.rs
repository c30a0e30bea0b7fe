//! The privacy scanner: every byte that is about to be published is searched
//! for resident identity numbers (with a valid check character and birth
//! date), mobile phone numbers, bank card numbers (Luhn), and for the literal
//! values of private fields. Digits may be full-width and separated by
//! spaces or dashes, as people write them.

use crate::codes::{luhn, resident_id};
use crate::publish::Secret;
use aho_corasick::AhoCorasick;

/// One finding: what was found where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub what: String,
    /// The source record and field, for literal private values.
    pub source: Option<String>,
    pub excerpt: String,
}

pub struct Scanner {
    literals: Option<AhoCorasick>,
    secrets: Vec<(String, String)>,
    /// Numbers reviewed as not personal (隐私例外), normalized.
    allowed: std::collections::HashSet<String>,
}

/// A number as compared with the reviewed exceptions: ASCII digits and
/// letters only, upper-case.
pub fn normalize_number(s: &str) -> String {
    s.chars()
        .map(crate::search::tokenize::normalize)
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Scanner {
    pub fn new(secrets: &[Secret]) -> Scanner {
        Scanner::with_exceptions(secrets, &[])
    }

    pub fn with_exceptions(secrets: &[Secret], allowed: &[String]) -> Scanner {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<(String, String)> = Vec::new();
        for s in secrets {
            for variant in variants(&s.value) {
                patterns.push(variant);
                owners.push((s.source.clone(), s.field.to_string()));
            }
        }
        let literals = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::new(&patterns).ok()
        };
        Scanner {
            literals,
            secrets: owners,
            allowed: allowed.iter().map(|a| normalize_number(a)).collect(),
        }
    }

    /// Whether a number was reviewed as not personal (隐私例外).
    pub fn allows(&self, excerpt: &str) -> bool {
        self.allowed.contains(&normalize_number(excerpt))
    }

    /// All findings in `bytes` (text; other bytes are skipped by the caller).
    pub fn scan(&self, bytes: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        if let Some(ac) = &self.literals {
            for m in ac.find_iter(bytes) {
                let (source, field) = &self.secrets[m.pattern().as_usize()];
                hits.push(Hit {
                    what: format!("隐私字段「{field}」的内容"),
                    source: Some(source.clone()),
                    excerpt: excerpt(bytes, m.start(), m.end()),
                });
            }
        }
        let mut numbers = Vec::new();
        scan_numbers(bytes, &mut numbers);
        numbers.retain(|h| !self.allowed.contains(&normalize_number(&h.excerpt)));
        hits.extend(numbers);
        hits
    }
}

/// Landline numbers (`0412-1234567`, `(0412) 12345678`, full-width too): a
/// natural person's are private; a company's switchboard is not, so this
/// is applied only to records about natural persons.
pub fn landlines(text: &str) -> Vec<Hit> {
    let chars: Vec<char> = text
        .chars()
        .map(crate::search::tokenize::normalize)
        .collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        if chars[i] != '0' || prev_digit {
            i += 1;
            continue;
        }
        // area code: 0 + 2 or 3 digits
        let mut j = i + 1;
        while j < chars.len() && chars[j].is_ascii_digit() && j - i < 4 {
            j += 1;
        }
        let area = j - i;
        let mut k = j;
        while k < chars.len() && matches!(chars[k], '-' | ' ' | ')' | '）') && k - j < 2 {
            k += 1;
        }
        let start = k;
        while k < chars.len() && chars[k].is_ascii_digit() {
            k += 1;
        }
        let local = k - start;
        let next_digit = k < chars.len() && chars[k].is_ascii_digit();
        if (3..=4).contains(&area) && (7..=8).contains(&local) && !next_digit && start > j {
            hits.push(Hit {
                what: "自然人的固定电话号码".to_string(),
                source: None,
                excerpt: chars[i..k].iter().collect(),
            });
        }
        i = k.max(i + 1);
    }
    hits
}

/// The forms a literal can take in the output: as written, and escaped for
/// HTML and JSON.
fn variants(v: &str) -> Vec<String> {
    let mut out = vec![v.to_string()];
    let html = v
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    let json = serde_json::to_string(v).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    for x in [html, json] {
        if !out.contains(&x) && !x.is_empty() {
            out.push(x);
        }
    }
    out
}

fn excerpt(bytes: &[u8], start: usize, end: usize) -> String {
    let s = String::from_utf8_lossy(&bytes[start..end.min(bytes.len())]);
    let t: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        format!("{t}…")
    } else {
        t
    }
}

/// A digit, ASCII or full-width, and its value.
fn digit_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    let b = bytes[i];
    if b.is_ascii_digit() {
        return Some((b, 1));
    }
    // U+FF10..U+FF19 = EF BC 90..99
    if b == 0xEF
        && i + 2 < bytes.len()
        && bytes[i + 1] == 0xBC
        && (0x90..=0x99).contains(&bytes[i + 2])
    {
        return Some((b'0' + (bytes[i + 2] - 0x90), 3));
    }
    None
}

/// A separator allowed inside a number: space, dash, or ideographic space.
fn separator_at(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b' ' | b'-' => Some(1),
        0xE3 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0x80) => Some(3),
        // U+2014/U+2013 dashes, U+00A0 NBSP
        0xC2 if bytes.get(i + 1) == Some(&0xA0) => Some(2),
        _ => None,
    }
}

/// Find runs of digits (with single separators inside) and test them.
fn scan_numbers(bytes: &[u8], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i < bytes.len() {
        let Some((_, _)) = digit_at(bytes, i) else {
            i += 1;
            continue;
        };
        // A run must not continue a word: "ab123" or "No.123" are fine, but
        // preceded by a letter/digit means it's part of a code.
        let prev_alnum = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        let plus86 = i >= 1 && bytes[i - 1] == b'+';
        let start = i;
        let mut digits: Vec<u8> = Vec::new();
        let mut groups: Vec<(usize, usize)> = Vec::new(); // digit index ranges of groups
        let mut j = i;
        let mut group_start = 0;
        loop {
            if j < bytes.len()
                && let Some((d, w)) = digit_at(bytes, j)
            {
                digits.push(d);
                j += w;
                continue;
            }
            groups.push((group_start, digits.len()));
            // a single separator followed by a digit continues the number
            if j < bytes.len()
                && let Some(w) = separator_at(bytes, j)
                && j + w < bytes.len()
                && digit_at(bytes, j + w).is_some()
            {
                j += w;
                group_start = digits.len();
                continue;
            }
            break;
        }
        // The id's check letter X.
        let mut end = j;
        let trailing_x = j < bytes.len() && (bytes[j] == b'X' || bytes[j] == b'x');
        if trailing_x {
            end = j + 1;
        }
        let next_alnum = end < bytes.len() && bytes[end].is_ascii_alphanumeric();
        if !prev_alnum && !next_alnum {
            test_number(
                &digits, trailing_x, plus86, &groups, bytes, start, end, hits,
            );
        }
        i = j.max(i + 1);
    }
}

#[allow(clippy::too_many_arguments)]
fn test_number(
    digits: &[u8],
    trailing_x: bool,
    plus86: bool,
    groups: &[(usize, usize)],
    bytes: &[u8],
    start: usize,
    end: usize,
    hits: &mut Vec<Hit>,
) {
    let mut report = |what: &str| {
        hits.push(Hit {
            what: what.to_string(),
            source: None,
            excerpt: excerpt(bytes, start, end),
        })
    };
    let n = digits.len();
    // Resident id: 18 characters, the last may be X.
    if n == 17 && trailing_x {
        let mut id = digits.to_vec();
        id.push(b'X');
        if resident_id(&id) {
            report("公民身份号码");
            return;
        }
    }
    if n == 18 && resident_id(digits) {
        report("公民身份号码");
        return;
    }
    // Mobile: 11 digits 1[3-9]…, or 86 + 11 digits.
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    if mobile(digits)
        || (n == 13
            && (plus86 || groups.first().is_some_and(|g| g.1 - g.0 == 2))
            && &digits[..2] == b"86"
            && mobile(&digits[2..]))
    {
        report("手机号码");
        return;
    }
    // Bank card: 16 to 19 digits passing Luhn, written as one number or in
    // groups of four.
    if (16..=19).contains(&n) && luhn(digits) && !trailing_x {
        report("银行卡号");
        return;
    }
    // Any 11-digit mobile standing as its own group inside a longer run
    // ("电话 0412 13812345678" is two numbers).
    if groups.len() > 1 {
        for (a, b) in groups {
            let g = &digits[*a..*b];
            if mobile(g) {
                report("手机号码");
                return;
            }
            if g.len() == 18 && resident_id(g) {
                report("公民身份号码");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(s: &str) -> Vec<String> {
        Scanner::new(&[])
            .scan(s.as_bytes())
            .into_iter()
            .map(|h| h.what)
            .collect()
    }

    #[test]
    fn resident_ids() {
        assert_eq!(what("身份证 11010519491231002X 。"), ["公民身份号码"]);
        assert_eq!(what("110105 19491231 002X"), ["公民身份号码"]);
        assert_eq!(
            what("１１０１０５１９４９１２３１００２Ｘ").len(),
            0,
            "full-width X is not ASCII X"
        );
        assert_eq!(
            what("１１０１０５１９４９１２３１００２x"),
            ["公民身份号码"]
        );
        // wrong check digit: an ordinary 18-digit number
        assert!(what("文号 110105194912310021").is_empty());
    }

    #[test]
    fn mobiles() {
        assert_eq!(what("电话13812345678"), ["手机号码"]);
        assert_eq!(what("+86 138 1234 5678"), ["手机号码"]);
        assert_eq!(what("138-1234-5678"), ["手机号码"]);
        assert_eq!(what("１３８１２３４５６７８"), ["手机号码"]);
        assert!(what("0412-1234567").is_empty());
        assert!(what("2026-11-22").is_empty());
        assert!(what("91350100M000100Y43").is_empty());
    }

    #[test]
    fn landline_numbers() {
        let w = |s: &str| {
            landlines(s)
                .into_iter()
                .map(|h| h.excerpt)
                .collect::<Vec<_>>()
        };
        assert_eq!(w("电话 0412-1234567。"), ["0412-1234567"]);
        assert_eq!(w("电话 010 12345678"), ["010 12345678"]);
        assert_eq!(w("０４１２－１２３４５６７"), ["0412-1234567"]);
        assert!(w("2022-01-20").is_empty());
        assert!(
            w("编号 04121234567").is_empty(),
            "no separator: not a written landline"
        );
    }

    #[test]
    fn bank_cards() {
        assert_eq!(what("卡号 4111 1111 1111 1111"), ["银行卡号"]);
        assert!(what("4111111111111112").is_empty());
    }

    #[test]
    fn literals() {
        let s = Secret {
            source: "content/clues/a.yaml:1".into(),
            field: "举报人.姓名",
            value: "赵铁柱".into(),
        };
        let sc = Scanner::new(&[s]);
        let hits = sc.scan("…赵铁柱…".as_bytes());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].source.as_deref(), Some("content/clues/a.yaml:1"));
        let s = Secret {
            source: "x".into(),
            field: "举报人.地址",
            value: "A & B".into(),
        };
        assert_eq!(Scanner::new(&[s]).scan(b"<p>A &amp; B</p>").len(), 1);
    }
}
