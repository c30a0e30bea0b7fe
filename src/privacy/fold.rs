//! The text a reader sees, folded the way a reader folds it.
//!
//! A person reading a page does not see markup, character references or
//! invisible characters, and reads a full-width `１３８` or a circled `①`
//! as digits. [`fold_into`] turns text (or markup) into that reading: each
//! character of the result carries the byte offset of what it came from, so
//! a finding can be located in the file that was written.
//!
//! - Markup ([`Mode::Markup`]): tags are removed. Inline tags (`<b>`,
//!   `<span>`, …) and comments vanish, so they cannot split a number; block
//!   tags (`<p>`, `<td>`, …) become a [`BOUNDARY`] that no number crosses,
//!   as a reader sees two cells as two things; `<br>` is a line break.
//!   Attribute values are read too, each as a text of its own. Character
//!   references (`&#49;`, `&#x31;`, `&nbsp;`, …) are decoded.
//! - Always: Unicode compatibility folding (NFKC's mapping: full-width
//!   letters, digits and signs, circled and superscript digits), and the
//!   removal of invisible characters: every character of Unicode category
//!   Cf (zero-width spaces and joiners, soft hyphen, bidi marks), variation
//!   selectors, and control characters other than white space.

use unicode_normalization::char::decompose_compatible;

/// A character of the reader's text and the byte offset of its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub c: char,
    pub at: u32,
}

/// Where a reader sees two separate things (table cells, paragraphs,
/// attribute values): no number runs across it.
pub const BOUNDARY: char = '\u{1}';

/// Where folded text goes: characters with their source offsets
/// (`Vec<At>`, to locate findings), or a plain string (`String`, for the
/// output's files, where only what was found matters).
pub trait Sink {
    fn put(&mut self, c: char, at: u32);
    /// A run of printable ASCII, which folds to itself.
    fn put_ascii(&mut self, run: &str, at: u32);
}

impl Sink for Vec<At> {
    fn put(&mut self, c: char, at: u32) {
        self.push(At { c, at });
    }
    fn put_ascii(&mut self, run: &str, at: u32) {
        self.extend(run.bytes().enumerate().map(|(k, c)| At {
            c: c as char,
            at: at + k as u32,
        }));
    }
}

impl Sink for String {
    fn put(&mut self, c: char, _: u32) {
        self.push(c);
    }
    fn put_ascii(&mut self, run: &str, _: u32) {
        self.push_str(run);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Text shown as it is (a JavaScript or CSS file).
    Plain,
    /// HTML or XML, or a value that a page may show as such.
    Markup,
}

/// Append the reader's view of `text` to `out`; offsets start at `base`.
///
/// In markup a comment vanishes from the text around it (`138<!-- -->1234`
/// reads 1381234), and its body is read after the text, each a text of
/// its own: a page's source shows it, and an old browser shows a
/// conditional comment's.
pub fn fold_into<S: Sink>(text: &str, base: u32, mode: Mode, out: &mut S) {
    fold_text(text, base, mode, out);
    if mode == Mode::Markup && text.contains("<!--") {
        for (at, body) in comment_bodies(text) {
            out.put(BOUNDARY, base + at as u32);
            fold_into(body, base + at as u32, Mode::Markup, out);
            out.put(BOUNDARY, base + (at + body.len()) as u32);
        }
    }
}

/// The bodies of the comments of `text`, each with its offset (a comment
/// left open runs to the end).
fn comment_bodies(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = text[from..].find("<!--") {
        let start = from + k + 4;
        let end = text[start..].find("-->").map_or(text.len(), |e| start + e);
        out.push((start, &text[start..end]));
        from = (end + 3).min(text.len());
    }
    out
}

fn fold_text<S: Sink>(text: &str, base: u32, mode: Mode, out: &mut S) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if mode == Mode::Markup && b == b'<' && is_tag_start(bytes, i) {
            i = tag(text, i, base, out);
            continue;
        }
        if mode == Mode::Markup
            && b == b'&'
            && let Some((c, len)) = char_ref(&bytes[i..])
        {
            push(c, base + i as u32, out);
            i += len;
            continue;
        }
        // Percent-encoding (a link's `tel:%31%33%38…`, a map link's
        // address): a reader's browser shows it decoded.
        if b == b'%'
            && let Some(len) = percent_run(&bytes[i..])
        {
            let decoded = percent_decode(&bytes[i..i + len]);
            for c in String::from_utf8_lossy(&decoded).chars() {
                push(c, base + i as u32, out);
            }
            i += len;
            continue;
        }
        if b < 0x80 {
            // Plain ASCII text up to the next byte that needs a look.
            let run = bytes[i..]
                .iter()
                .position(|&c| !(0x20..0x7F).contains(&c) || c == b'<' || c == b'&' || c == b'%')
                .unwrap_or(bytes.len() - i);
            if run == 0 {
                push_ascii(b, base + i as u32, out);
                i += 1;
                continue;
            }
            out.put_ascii(&text[i..i + run], base + i as u32);
            i += run;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        push(c, base + i as u32, out);
        i += c.len_utf8();
    }
}

/// The length of a run of `%XX` at the start of `b`, if it starts with one.
fn percent_run(b: &[u8]) -> Option<usize> {
    let mut n = 0;
    while b.len() >= n + 3
        && b[n] == b'%'
        && b[n + 1].is_ascii_hexdigit()
        && b[n + 2].is_ascii_hexdigit()
    {
        n += 3;
    }
    (n > 0).then_some(n)
}

/// The bytes of a run of `%XX`.
fn percent_decode(run: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    run.chunks(3).map(|c| hex(c[1]) << 4 | hex(c[2])).collect()
}

#[inline]
fn push_ascii<S: Sink>(b: u8, at: u32, out: &mut S) {
    // Control characters other than white space are invisible.
    if b >= 0x20 && b != 0x7F || matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
        out.put(b as char, at);
    }
}

/// Push `c` as a reader reads it: compatibility-folded, nothing if it is
/// invisible.
pub fn push<S: Sink>(c: char, at: u32, out: &mut S) {
    if c.is_ascii() {
        push_ascii(c as u8, at, out);
        return;
    }
    // Most text is CJK, which has no compatibility form.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        out.put(c, at);
        return;
    }
    if invisible(c) {
        return;
    }
    decompose_compatible(c, |d| {
        if d.is_ascii() {
            push_ascii(d as u8, at, out);
        } else if !invisible(d) && !is_combining_mark(d) {
            out.put(d, at);
        }
    });
}

/// Combining marks that a compatibility decomposition leaves behind
/// (`①` is plain, but `1️⃣` is `1` + U+FE0F + U+20E3): a reader sees the
/// base character.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Characters a reader does not see: Unicode category Cf, variation
/// selectors, fillers, C0 and C1 controls other than white space.
pub fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x08 | 0x0E..=0x1F | 0x7F..=0x84 | 0x86..=0x9F
        | 0xAD | 0x034F | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F
        | 0x0890..=0x0891 | 0x08E2 | 0x115F | 0x1160 | 0x17B4 | 0x17B5
        | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x206F | 0x20E3 | 0x2800 | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF
        | 0xFFA0 | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

/// Whether `<` at `i` opens a tag or a comment (and is not a lone `<`).
fn is_tag_start(b: &[u8], i: usize) -> bool {
    matches!(b.get(i + 1), Some(c) if c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'))
}

/// Tags that a reader does not see as a break: they vanish.
fn inline(name: &[u8]) -> bool {
    let mut lower = [0u8; 8];
    if name.len() > lower.len() {
        return false;
    }
    for (l, c) in lower.iter_mut().zip(name) {
        *l = c.to_ascii_lowercase();
    }
    matches!(
        &lower[..name.len()],
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"big"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"font"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"mark"
            | b"nobr"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strike"
            | b"strong"
            | b"sub"
            | b"sup"
            | b"time"
            | b"tt"
            | b"u"
            | b"var"
            | b"wbr"
    )
}

/// Read the tag at `i`; returns where the text goes on.
fn tag<S: Sink>(text: &str, i: usize, base: u32, out: &mut S) -> usize {
    let b = text.as_bytes();
    if b[i..].starts_with(b"<!--") {
        return match text[i + 4..].find("-->") {
            Some(k) => i + 4 + k + 3,
            None => b.len(),
        };
    }
    let mut j = i + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let name_start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'-' | b':')) {
        j += 1;
    }
    let name = &b[name_start..j];
    // An autolink (`<tel:13812345678>`, `<https://…>`): Markdown shows it
    // as its text.
    if !closing && let Some(end) = autolink(text, name_start, j) {
        fold_text(
            &text[name_start..end],
            base + name_start as u32,
            Mode::Markup,
            out,
        );
        return (end + 1).min(b.len());
    }
    // Attributes: each value is a text of its own.
    while j < b.len() && b[j] != b'>' {
        match b[j] {
            q @ (b'"' | b'\'') => {
                let end = text[j + 1..].find(q as char).map_or(b.len(), |k| j + 1 + k);
                out.put(BOUNDARY, base + j as u32);
                fold_into(&text[j + 1..end], base + j as u32 + 1, Mode::Markup, out);
                out.put(BOUNDARY, base + end as u32);
                j = (end + 1).min(b.len());
            }
            b'=' => {
                j += 1;
                // An unquoted value.
                let start = j;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    if matches!(b[j], b'"' | b'\'') && j == start {
                        break;
                    }
                    j += 1;
                }
                if j > start {
                    out.put(BOUNDARY, base + start as u32);
                    fold_into(&text[start..j], base + start as u32, Mode::Markup, out);
                    out.put(BOUNDARY, base + j as u32);
                }
            }
            _ => j += 1,
        }
    }
    let after = (j + 1).min(b.len());
    let at = base + i as u32;
    if name.eq_ignore_ascii_case(b"br") {
        out.put('\n', at);
    } else if !inline(name) {
        out.put(BOUNDARY, at);
    }
    // A script or style is read as plain text up to its end tag.
    let raw_text = ["script", "style"]
        .into_iter()
        .find(|t| name.eq_ignore_ascii_case(t.as_bytes()));
    if !closing && let Some(name) = raw_text {
        let end_tag = format!("</{name}");
        let rest = &text[after..];
        let end = find_ascii_ci(rest, &end_tag).map_or(text.len(), |k| after + k);
        fold_into(&text[after..end], base + after as u32, Mode::Plain, out);
        return end;
    }
    after
}

/// Where the `>` of an autolink ends, if the tag whose name runs from
/// `start` to `name_end` is one: a scheme, a colon, and no space up to the
/// `>`; the scheme a web one, or what follows it no letter (so that an
/// XML name like `dc:creator` stays a tag).
fn autolink(text: &str, start: usize, name_end: usize) -> Option<usize> {
    let name = &text[start..name_end];
    let (scheme, after) = name.split_once(':')?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(&c))
    {
        return None;
    }
    let end = start + text[start..].find('>')?;
    if text[start..end].contains(|c: char| c.is_whitespace() || c == '<') {
        return None;
    }
    let known = ["http", "https", "mailto", "tel", "ftp", "sms"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    let rest = text[start + scheme.len() + 1..end].chars().next();
    let letter_follows = after.starts_with(|c: char| c.is_ascii_alphabetic())
        || rest.is_some_and(|c| c.is_ascii_alphabetic());
    (known || !letter_follows).then_some(end)
}

/// Where `needle` (ASCII) first stands in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

/// A character reference at the start of `b`: the character and the
/// reference's length. Numeric references may omit the `;`, as browsers
/// allow.
fn char_ref(b: &[u8]) -> Option<(char, usize)> {
    if b.get(1) == Some(&b'#') {
        let (radix, start) = match b.get(2) {
            Some(b'x' | b'X') => (16, 3),
            _ => (10, 2),
        };
        let mut end = start;
        while end < b.len() && end - start < 8 && (b[end] as char).is_digit(radix) {
            end += 1;
        }
        if end == start {
            return None;
        }
        let digits = std::str::from_utf8(&b[start..end]).ok()?;
        let v = u32::from_str_radix(digits, radix).ok()?;
        let c = char::from_u32(v).unwrap_or('\u{FFFD}');
        let len = if b.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return Some((c, len));
    }
    let mut end = 1;
    while end < b.len() && end < 40 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let name = std::str::from_utf8(&b[1..end]).ok()?;
    // Any other reference a browser knows (there are two thousand) shows
    // a character that is no digit: read as a space, so that it parts
    // nothing a reader would read whole, and joins nothing either.
    let c = match named(name) {
        Some(c) => c,
        None if end > 1
            && b.get(end) == Some(&b';')
            && name.bytes().all(|c| c.is_ascii_alphabetic()) =>
        {
            ' '
        }
        None => return None,
    };
    Some(if b.get(end) == Some(&b';') {
        (c, end + 1)
    } else if matches!(name, "amp" | "lt" | "gt" | "quot" | "nbsp" | "shy") {
        (c, end)
    } else {
        return None;
    })
}

/// The named references that can stand in a number: spaces, dashes, dots,
/// invisible characters, and the markup characters themselves.
fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "NonBreakingSpace" => '\u{A0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "emsp13" => '\u{2004}',
        "emsp14" => '\u{2005}',
        "numsp" => '\u{2007}',
        "puncsp" => '\u{2008}',
        "thinsp" | "ThinSpace" => '\u{2009}',
        "hairsp" | "VeryThinSpace" => '\u{200A}',
        "MediumSpace" | "ThickSpace" => '\u{205F}',
        "Tab" => '\t',
        "NewLine" => '\n',
        "ZeroWidthSpace"
        | "NegativeVeryThinSpace"
        | "NegativeThinSpace"
        | "NegativeMediumSpace"
        | "NegativeThickSpace" => '\u{200B}',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "shy" => '\u{AD}',
        "NoBreak" => '\u{2060}',
        "af" | "ApplyFunction" => '\u{2061}',
        "it" | "InvisibleTimes" => '\u{2062}',
        "ic" | "InvisibleComma" => '\u{2063}',
        "hyphen" | "dash" => '\u{2010}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "horbar" => '\u{2015}',
        "minus" => '\u{2212}',
        "period" => '.',
        "middot" | "centerdot" | "CenterDot" => '\u{B7}',
        "bull" | "bullet" => '\u{2022}',
        "sdot" => '\u{22C5}',
        "lowbar" | "UnderBar" => '_',
        "ast" | "midast" => '*',
        "grave" | "DiacriticalGrave" => '`',
        "lpar" => '(',
        "rpar" => ')',
        "plus" => '+',
        "num" => '#',
        "colon" => ':',
        "comma" => ',',
        "sol" => '/',
        _ => return None,
    })
}

/// Whether `c` (folded) may stand between the digit groups of one number:
/// white space of any kind, every dash and hyphen (Unicode Pd), dots
/// (ASCII and full-width), slashes, colons and plus signs, brackets around
/// an area code, the marks of Markdown emphasis and its escaping
/// backslash (folding makes the full-width forms ASCII). Not the
/// ideographic full stop, nor the enumeration comma 、: they end a
/// sentence or part a list (`2021、2022、2023、2024年度`), and not `|`,
/// which the search index writes between tokens wherever punctuation
/// parted them.
#[inline]
pub fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            ' ' | '\t'
                | '\n'
                | '\r'
                | '\x0B'
                | '\x0C'
                | '-'
                | '.'
                | '_'
                | '*'
                | '`'
                | '~'
                | '('
                | ')'
                | '/'
                | '\\'
                | ':'
                | '+'
        );
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return false;
    }
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '*'
                | '`'
                | '~'
                | '('
                | ')'
                | '\u{B7}'
                | '\u{058A}'
                | '\u{05BE}'
                | '\u{1400}'
                | '\u{1806}'
                | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2022}'
                    | '\u{2027}'
                    | '\u{2043}'
                    | '\u{2053}'
                    | '\u{2212}'
                    | '\u{2219}'
                    | '\u{22C5}'
                    | '\u{2E17}'
                    | '\u{2E1A}'
                    | '\u{2E3A}'
                    | '\u{2E3B}'
                    | '\u{2E40}'
                    | '\u{2E5D}'
                    | '\u{10EAD}'
                    | '\u{301C}'
                    | '\u{3030}'
                    | '\u{30A0}'
                    | '\u{30FB}'
                    | '\u{30FC}'
                    | '\u{FE31}'
                    | '\u{FE32}'
                    | '\u{FE58}'
                    | '\u{FF65}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str, mode: Mode) -> String {
        let mut out = Vec::new();
        fold_into(s, 0, mode, &mut out);
        out.iter().map(|a| a.c).collect()
    }

    #[test]
    fn markup_is_read_as_a_reader_reads_it() {
        assert_eq!(read("138<b>1234</b>5678", Mode::Markup), "13812345678");
        // A comment vanishes from its text, and its body is read after it.
        assert_eq!(
            read("138<!-- x -->1234", Mode::Markup),
            "1381234\u{1} x \u{1}"
        );
        assert!(read("<!--[if IE]>13812345678<![endif]-->", Mode::Markup).contains("13812345678"));
        assert!(
            read("a<!-- 身份证 11010519491231002X -->b", Mode::Markup)
                .contains("11010519491231002X")
        );
        // Percent-encoding is read decoded.
        assert_eq!(
            read("tel:%31%33%38%31%32%33%34%35%36%37%38", Mode::Markup),
            "tel:13812345678"
        );
        assert_eq!(read("q=%E5%B9%B8%E7%A6%8F", Mode::Plain), "q=幸福");
        assert_eq!(read("width:100%;", Mode::Plain), "width:100%;");
        // An autolink shows its text; an XML name stays a tag.
        assert_eq!(read("<tel:13812345678>", Mode::Markup), "tel:13812345678");
        assert_eq!(
            read("见<https://a.cn/1>。", Mode::Markup),
            "见https://a.cn/1。"
        );
        assert_eq!(
            read("<dc:creator>x</dc:creator>", Mode::Markup),
            "\u{1}x\u{1}"
        );
        assert_eq!(read("&#49;&#x33;&#56", Mode::Markup), "138");
        assert_eq!(read("1&nbsp;2&zwj;3", Mode::Markup), "1 23");
        assert_eq!(
            read("138&ThickSpace;1234&Foo;5678", Mode::Markup),
            "138 1234 5678"
        );
        assert_eq!(
            read("<td>1</td><td>2</td>", Mode::Markup),
            "\u{1}1\u{1}\u{1}2\u{1}"
        );
        assert_eq!(read("a<br>b", Mode::Markup), "a\nb");
        assert_eq!(
            read("<a title=\"13&#56;\">x</a>", Mode::Markup),
            "\u{1}138\u{1}x"
        );
        assert_eq!(read("a < b", Mode::Markup), "a < b");
        assert_eq!(read("<b>1</b>", Mode::Plain), "<b>1</b>");
    }

    #[test]
    fn compatibility_forms_and_invisible_characters() {
        assert_eq!(read("１３８Ｘ＋", Mode::Plain), "138X+");
        assert_eq!(read("①②③¹𝟖", Mode::Plain), "12318");
        assert_eq!(
            read("1\u{200b}3\u{ad}8\u{202e}0\u{feff}", Mode::Plain),
            "1380"
        );
        assert_eq!(read("1\u{fe0f}\u{20e3}", Mode::Plain), "1");
        assert_eq!(read("中文", Mode::Plain), "中文");
    }

    #[test]
    fn offsets_point_at_the_source() {
        let mut out = Vec::new();
        fold_into("<b>１</b>&#50;", 10, Mode::Markup, &mut out);
        assert_eq!(out, [At { c: '1', at: 13 }, At { c: '2', at: 20 }]);
    }
}
