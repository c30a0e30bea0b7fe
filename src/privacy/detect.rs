//! Personal numbers in a reader's text ([`super::fold`]): resident identity
//! numbers (18 characters with a valid check character and birth date, and
//! the old 15-digit form with a valid birth date), mobile numbers (with or
//! without +86 / 0086), bank card numbers (16 to 19 digits passing Luhn),
//! and, in records about natural persons, landline numbers.
//!
//! A number is a run of digit groups; any run of separators
//! ([`super::fold::is_separator`]) between two groups is read as nothing,
//! as a reader reads `138 1234-5678`. A letter glued to a number does not
//! hide it. The whole run is tested, and so is every stretch of whole
//! groups inside it, for the shapes that stand on their own (a mobile
//! number after an area code, an identity number after a date).

use super::fold::{At, is_separator};
use crate::codes::{luhn, resident_id};

/// What kind of number was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum What {
    ResidentId,
    OldResidentId,
    Mobile,
    BankCard,
    Landline,
}

impl What {
    pub fn label(self) -> &'static str {
        match self {
            What::ResidentId => "公民身份号码",
            What::OldResidentId => "公民身份号码（15 位旧号码）",
            What::Mobile => "手机号码",
            What::BankCard => "银行卡号",
            What::Landline => "自然人的固定电话号码",
        }
    }
}

/// A number found: what it is, its digits as a reader would write them
/// down (the key that findings are compared and excepted by), and where it
/// stands (indexes into the folded text, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub what: What,
    pub key: String,
    pub start: usize,
    pub end: usize,
}

/// At most this many separators between two groups of one number: more
/// is layout, not writing.
const MAX_GAP: usize = 12;

fn digit(c: char) -> Option<u8> {
    c.is_ascii_digit().then_some(c as u8)
}

/// A folded text as the detector reads it: by position, each position
/// holding a character and naming the next. Positions are indexes of a
/// `[At]`, or byte offsets of a `str`.
pub trait Text {
    fn char_at(&self, i: usize) -> Option<(char, usize)>;
    /// The character that ends at `i`, and where it starts.
    fn char_before(&self, i: usize) -> Option<(char, usize)>;
    /// The first position at or after `from` that holds an ASCII digit.
    fn next_digit(&self, from: usize) -> Option<usize>;
}

impl Text for [At] {
    #[inline]
    fn char_at(&self, i: usize) -> Option<(char, usize)> {
        self.get(i).map(|a| (a.c, i + 1))
    }
    fn char_before(&self, i: usize) -> Option<(char, usize)> {
        let k = i.checked_sub(1)?;
        self.get(k).map(|a| (a.c, k))
    }
    fn next_digit(&self, from: usize) -> Option<usize> {
        self.get(from..)?
            .iter()
            .position(|a| a.c.is_ascii_digit())
            .map(|k| from + k)
    }
}

impl Text for str {
    fn char_before(&self, i: usize) -> Option<(char, usize)> {
        let c = self.get(..i)?.chars().next_back()?;
        Some((c, i - c.len_utf8()))
    }
    #[inline]
    fn char_at(&self, i: usize) -> Option<(char, usize)> {
        let b = *self.as_bytes().get(i)?;
        if b < 0x80 {
            return Some((b as char, i + 1));
        }
        let c = self.get(i..)?.chars().next()?;
        Some((c, i + c.len_utf8()))
    }
    fn next_digit(&self, from: usize) -> Option<usize> {
        // Digits are ASCII: any byte that is one starts a character.
        self.as_bytes()
            .get(from..)?
            .iter()
            .position(u8::is_ascii_digit)
            .map(|k| from + k)
    }
}

/// Every number of `text` that a reader would recognise as personal.
/// `person`: the text is about a natural person, whose landline is
/// private too.
pub fn numbers<T: Text + ?Sized>(text: &T, person: bool, out: &mut Vec<Number>) {
    let mut digits: Vec<u8> = Vec::with_capacity(32);
    // The position of each digit, and the digit ranges of the groups.
    let mut places: Vec<usize> = Vec::with_capacity(32);
    let mut groups: Vec<(usize, usize)> = Vec::with_capacity(8);
    let mut i = 0;
    while let Some(start) = text.next_digit(i) {
        digits.clear();
        places.clear();
        groups.clear();
        let mut j = start;
        let mut trailing_x = None;
        loop {
            let g = digits.len();
            while let Some((c, next)) = text.char_at(j) {
                let Some(d) = digit(c) else { break };
                digits.push(d);
                places.push(j);
                j = next;
            }
            groups.push((g, digits.len()));
            // A run of white space counts once: a page shows it as one
            // space, however long it is written.
            let (mut k, mut gap, mut in_space) = (j, 0, false);
            while gap <= MAX_GAP {
                match text.char_at(k) {
                    Some((c, next)) if is_separator(c) => {
                        let space = matches!(c, ' ' | '\t' | '\n' | '\r');
                        if !(space && in_space) {
                            gap += 1;
                        }
                        in_space = space;
                        k = next;
                    }
                    _ => break,
                }
            }
            match text.char_at(k) {
                Some((c, _)) if digit(c).is_some() && gap <= MAX_GAP => j = k,
                Some(('X' | 'x', _)) if gap <= MAX_GAP => {
                    trailing_x = Some(k);
                    break;
                }
                _ => break,
            }
        }
        // Nothing personal is shorter than a mobile number (a landline,
        // in a text about a person): most runs are dates and amounts. A
        // run inside an organisation's credit code is that code.
        if digits.len() >= if person { 10 } else { 11 } && !in_credit_code(text, start, j) {
            test_run(&digits, &places, &groups, trailing_x, person, out);
        }
        i = j.max(start + 1);
    }
}

/// Whether the characters `start..end` lie inside an 18-character code of
/// capital letters and digits built as GB 32100 builds a 统一社会信用代码
/// ([`crate::codes::credit_code_built`]: such as 9121038110000069XF, whose
/// first sixteen digits might otherwise read as a card number). The search
/// index holds codes in lower case (its keys are normalized): they are
/// read in upper case. A card number with letters glued to it (A…b) passes
/// the code's last check one time in 31, but is not built as a code.
///
/// A code of digits only is not told by its shape: one 18-digit bank card
/// number in about thirty passes the code's check too. Such a number reads
/// as a card; the codes of a site's own parties are accepted by value
/// (`pipeline::allowed_numbers`, `content::scan::record`).
fn in_credit_code<T: Text + ?Sized>(text: &T, start: usize, end: usize) -> bool {
    let code_char = |c: char| c.is_ascii_digit() || c.is_ascii_alphabetic();
    let mut before = Vec::new();
    let mut i = start;
    while let Some((c, k)) = text.char_before(i) {
        if !code_char(c) || before.len() > 18 {
            break;
        }
        before.push(c);
        i = k;
    }
    let mut code: String = before.iter().rev().collect();
    let mut j = start;
    while let Some((c, next)) = text.char_at(j) {
        if !code_char(c) || code.len() > 18 {
            break;
        }
        code.push(c);
        j = next;
    }
    code.make_ascii_uppercase();
    j >= end
        && code.len() == 18
        && code.bytes().any(|b| b.is_ascii_alphabetic())
        && crate::codes::credit_code_built(&code)
        && !resident_id(code.as_bytes())
}

/// Test a run and the stretches of whole groups inside it.
fn test_run(
    digits: &[u8],
    places: &[usize],
    groups: &[(usize, usize)],
    trailing_x: Option<usize>,
    person: bool,
    out: &mut Vec<Number>,
) {
    let n = groups.len();
    let found_before = out.len();
    // The whole run first (with the X that ends it), then stretches,
    // longest first; a digit is reported once.
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let whole = (0, digits.len());
    let mut spans: Vec<(usize, usize, bool)> = vec![(whole.0, whole.1, true)];
    if n > 1 && n <= 24 {
        for len in (1..n).rev() {
            for a in 0..=n - len {
                let (s, e) = (groups[a].0, groups[a + len - 1].1);
                spans.push((s, e, a + len == n));
            }
        }
    }
    for (s, e, at_end) in spans {
        if covered.iter().any(|&(cs, ce)| s < ce && cs < e) {
            continue;
        }
        let whole_run = (s, e) == whole;
        let x = at_end.then_some(trailing_x).flatten();
        // A card number at the start or the end of a longer run (followed
        // by the next line's figures, after an area code), written in
        // groups of three digits or more as cards are.
        let card_like = !whole_run
            && (s == 0 || e == digits.len())
            && groups
                .iter()
                .filter(|g| g.0 >= s && g.1 <= e)
                .rev()
                .skip(1)
                .all(|g| g.1 - g.0 >= 3);
        if card_like
            && (16..=19).contains(&(e - s))
            && luhn(&digits[s..e])
            && !two_dates(&digits[s..e])
        {
            out.push(Number {
                what: What::BankCard,
                key: String::from_utf8_lossy(&digits[s..e]).into_owned(),
                start: places[s],
                end: places[e - 1] + 1,
            });
            covered.push((s, e));
            continue;
        }
        if let Some((what, key)) = classify(&digits[s..e], x.is_some(), whole_run, person) {
            let end = match (what, x) {
                (What::ResidentId, Some(k)) => k + 1,
                _ => places[e - 1] + 1,
            };
            out.push(Number {
                what,
                key,
                start: places[s],
                end,
            });
            covered.push((s, e));
        }
    }
    out[found_before..].sort_by_key(|n| n.start);
}

/// What `d` is, if it is personal. `whole`: the digits are a whole run,
/// not a stretch of one (only the shapes that stand out are looked for
/// inside a run).
fn classify(d: &[u8], x: bool, whole: bool, person: bool) -> Option<(What, String)> {
    let text = |d: &[u8]| String::from_utf8_lossy(d).into_owned();
    let n = d.len();
    if n == 17 && x {
        let mut id = d.to_vec();
        id.push(b'X');
        if resident_id(&id) {
            return Some((What::ResidentId, text(&id)));
        }
    }
    if n == 18 && resident_id(d) {
        return Some((What::ResidentId, text(d)));
    }
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    if mobile(d) {
        return Some((What::Mobile, text(d)));
    }
    if n == 13 && d.starts_with(b"86") && mobile(&d[2..]) {
        return Some((What::Mobile, text(&d[2..])));
    }
    if n == 15 && d.starts_with(b"0086") && mobile(&d[4..]) {
        return Some((What::Mobile, text(&d[4..])));
    }
    if !whole {
        return None;
    }
    if n == 15 && old_resident_id(d) {
        return Some((What::OldResidentId, text(d)));
    }
    if (16..=19).contains(&n) && luhn(d) && !two_dates(d) {
        return Some((What::BankCard, text(d)));
    }
    if person && landline(d) {
        return Some((What::Landline, text(d)));
    }
    None
}

/// The 15-digit identity number of before 1999: a 6-digit area code whose
/// first digit names a region (1–8), a birth date `YYMMDD` in 19YY, and a
/// 3-digit sequence.
fn old_resident_id(d: &[u8]) -> bool {
    if !(b'1'..=b'8').contains(&d[0]) {
        return false;
    }
    let num = |a: usize, b: usize| -> u32 {
        d[a..b].iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0'))
    };
    let (y, m, day) = (1900 + num(6, 8) as i32, num(8, 10), num(10, 12));
    chrono::NaiveDate::from_ymd_opt(y, m, day).is_some()
}

/// Two dates `YYYYMMDD` side by side (`2026-11-22 2026-12-01`), which
/// are not a card number.
fn two_dates(d: &[u8]) -> bool {
    let date = |p: &[u8]| -> bool {
        let s = std::str::from_utf8(p).unwrap_or("");
        p.len() == 8
            && (s.starts_with("19") || s.starts_with("20"))
            && chrono::NaiveDate::parse_from_str(s, "%Y%m%d").is_ok()
    };
    d.len() == 16 && date(&d[..8]) && date(&d[8..])
}

/// A landline: 0, a 2- or 3-digit area code, and a 7- or 8-digit local
/// number (10 to 12 digits in all), not a mobile number.
fn landline(d: &[u8]) -> bool {
    (10..=12).contains(&d.len()) && d[0] == b'0' && d[1] != b'0'
}

#[cfg(test)]
mod tests {
    use super::super::fold::{Mode, fold_into};
    use super::*;

    #[test]
    fn a_credit_code_is_no_card_number_but_a_card_beside_it_is() {
        let found = |t: &str| {
            let mut out = Vec::new();
            numbers(t, false, &mut out);
            out.into_iter().map(|n| n.what).collect::<Vec<_>>()
        };
        // sixteen leading digits that pass Luhn, in a code built as GB
        // 32100 builds one (its organisation code's check is the X)
        let code = "9121038110000069XF";
        assert!(crate::codes::luhn(&code.as_bytes()[..16]));
        assert!(crate::codes::credit_code_built(code));
        assert_eq!(found(&format!("统一社会信用代码：{code}。")), Vec::new());
        // the same digits alone, or in a code whose check fails, are a card
        assert_eq!(found("卡号 9121038110000069。"), vec![What::BankCard]);
        assert_eq!(found("代码 9121038110000069XA。"), vec![What::BankCard]);
        // as the search index writes it: in lower case, in a key
        assert_eq!(found(r#"{"~9121038110000069xf|责":[3]}"#), Vec::new());
        assert_eq!(
            found(r#"{"~9121038110000069xa|责":[3]}"#),
            vec![What::BankCard]
        );
        // A card with letters glued to it that pass the code's last check
        // (one time in 31) is no code: no province 78, no organisation
        // code's check.
        let glued = "9178625413167884PF";
        assert!(crate::codes::luhn(&glued.as_bytes()[..16]));
        assert!(crate::codes::credit_code(glued).is_ok());
        assert!(!crate::codes::credit_code_built(glued));
        assert_eq!(found(&format!("卡号{glued}")), vec![What::BankCard]);
        // Every pair of letters glued around a card, whenever the eighteen
        // characters pass the code's check.
        let card = (0..10)
            .map(|d| format!("622202020011223{d}"))
            .find(|c| crate::codes::luhn(c.as_bytes()))
            .unwrap();
        let mut passing = 0;
        for a in "ABCDEFGHJKLMNPQRTUWXY".chars() {
            for b in "ABCDEFGHJKLMNPQRTUWXY".chars() {
                let text = format!("{a}{card}{b}");
                if crate::codes::credit_code(&text).is_ok() {
                    passing += 1;
                    assert_eq!(found(&text), vec![What::BankCard], "{text}");
                }
            }
        }
        assert!(passing > 0);
        // Eighteen digits that pass both Luhn and the code's check: a
        // card by its shape, written plainly or between other text.
        for card in ["620448111473943686", "912103811000000184"] {
            assert!(crate::codes::luhn(card.as_bytes()));
            assert!(crate::codes::credit_code(card).is_ok());
            for text in [
                card.to_string(),
                format!("卡号{card}。"),
                format!("代码：{card}"),
            ] {
                assert_eq!(found(&text), vec![What::BankCard], "{text}");
            }
        }
    }

    fn found(s: &str, person: bool) -> Vec<(What, String)> {
        let mut text = Vec::new();
        fold_into(s, 0, Mode::Markup, &mut text);
        let mut out = Vec::new();
        numbers(text.as_slice(), person, &mut out);
        out.into_iter().map(|n| (n.what, n.key)).collect()
    }

    fn mobile(s: &str) -> Vec<(What, String)> {
        vec![(What::Mobile, s.to_string())]
    }

    #[test]
    fn mobiles_in_the_forms_people_write_them() {
        for s in [
            "电话13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "138\t1234\n5678",
            "１３８－１２３４－５６７８",
            "+86 138 1234 5678",
            "＋８６１３８１２３４５６７８",
            "0086-13812345678",
            "(+86)13812345678",
            "tel13812345678号",
            "138<b>1234</b>5678",
            "1&#51;812345678",
            "1\u{200b}3812345678",
            "138**1234**5678",
            "138. 1234. 5678",
            "138\u{2E3A}1234\u{FE58}5678",
            "13812345678a",
            "138/1234/5678",
            "138／1234／5678",
            "138:1234:5678",
            "138+1234+5678",
            "138\\-1234\\-5678",
        ] {
            assert_eq!(found(s, false), mobile("13812345678"), "{s:?}");
        }
    }

    #[test]
    fn identity_numbers() {
        let id = vec![(What::ResidentId, "11010519491231002X".to_string())];
        for s in [
            "11010519491231002X",
            "11010519491231002x",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105 19491231 002X",
            "110105 19491231 002 X",
            "ID11010519491231002X号",
            "日期 2026-11-22 11010519491231002X",
        ] {
            assert_eq!(found(s, false), id, "{s:?}");
        }
        // Born before 1900: a real date, a real number.
        for s in ["110105189912310023", "110105/18800101/0025"] {
            assert_eq!(found(s, false).len(), 1, "{s:?}");
        }
        // Wrong check digit, impossible date: document numbers.
        assert!(found("110105194912310021", false).is_empty());
        assert_eq!(
            found("身份证 110105491231002", false),
            [(What::OldResidentId, "110105491231002".to_string())]
        );
        assert!(found("110105491331002", false).is_empty());
    }

    #[test]
    fn cards_and_ordinary_numbers() {
        assert_eq!(
            found("6222 0202 0011 2233 446", false),
            [(What::BankCard, "6222020200112233446".to_string())]
        );
        for s in [
            "2026-11-22",
            "0412-1234567",
            "91350100M000100Y43",
            "海市监罚〔2022〕12号",
            "2026-11-22 2026-12-01",
            "<td>2026-11-22</td><td>2026-12-01</td>",
            "1 2 3 4 5",
            "1,234,567.89",
            // Lists and times, with the marks that now join groups.
            "2021、2022、2023、2024年度",
            "2026/11/22 10:30:00+08:00",
            "第13、14、15、16、17、18条",
        ] {
            assert!(found(s, false).is_empty(), "{s:?}");
        }
        assert_eq!(
            found("电话 0412-1234567", true),
            [(What::Landline, "04121234567".to_string())]
        );
        assert_eq!(found("电话 0412 13812345678", false), mobile("13812345678"));
    }

    #[test]
    fn a_card_is_found_before_the_next_lines_figures() {
        assert_eq!(
            found("卡号 6200 0000 0000 4812 4\n2022年", false),
            [(What::BankCard, "62000000000048124".to_string())]
        );
        // Page numbers and dates are not cards.
        assert!(found("1 2 3 4 5 6 7 8 9 10 11 12 13 14", false).is_empty());
        // However many spaces a page shows as one.
        let wide = format!("电话139{}1234{}5678", " ".repeat(13), "\n".repeat(20));
        assert_eq!(found(&wide, false), mobile("13912345678"));
        assert!(found("2026 11 22 2026 12 01 2026 12 15", false).is_empty());
    }

    #[test]
    fn offsets_cover_the_number() {
        let s = "电话 138-1234-5678。";
        let mut text = Vec::new();
        fold_into(s, 0, Mode::Markup, &mut text);
        let mut out = Vec::new();
        numbers(text.as_slice(), false, &mut out);
        let (a, b) = (
            text[out[0].start].at as usize,
            text[out[0].end - 1].at as usize,
        );
        assert_eq!(&s[a..=b], "138-1234-5678");
    }
}
