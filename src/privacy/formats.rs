//! Every kind of file the site publishes, read as its reader reads it: a
//! page as a person sees it, JSON and CSV as the values a program parses,
//! a workbook as the cells a spreadsheet shows, a feed as the entries a
//! feed reader shows (its escaped HTML rendered too).

use super::fold::{BOUNDARY, Mode, fold_into};

/// How a published file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    /// XML whose text may itself be escaped HTML (feeds).
    Xml,
    Json,
    Csv,
    Xlsx,
    /// JavaScript, CSS, plain text: read as written.
    Text,
    /// Images and other files nobody reads as text.
    Binary,
}

impl Format {
    pub fn of(rel: &str) -> Format {
        let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" | "svg" => Format::Html,
            "xml" | "atom" | "rss" => Format::Xml,
            "json" | "webmanifest" => Format::Json,
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            "js" | "mjs" | "css" | "txt" | "md" | "yaml" | "yml" | "idx" => Format::Text,
            _ => Format::Binary,
        }
    }
}

/// The reader's text of a published file, appended to `out`; offsets are
/// byte offsets of the file where they can be (0 where the text had to be
/// decoded first).
///
/// A workbook that cannot be opened is an error: nothing is published
/// unread.
pub fn read(format: Format, bytes: &[u8], out: &mut String) -> Result<(), &'static str> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    match format {
        Format::Html => fold_into(&text, 0, Mode::Markup, out),
        Format::Xml => xml(&text, out),
        Format::Json => json(&text, out),
        Format::Csv => csv(&text, out),
        Format::Xlsx => return xlsx(bytes, out),
        Format::Text => fold_into(&text, 0, Mode::Plain, out),
        // A file of a kind not known here that is text all the same (a
        // theme's .tsv or .vcf attachment) is read as text: only what is
        // not text at all goes unread.
        Format::Binary => {
            if let Ok(t) = std::str::from_utf8(bytes) {
                fold_into(t, 0, Mode::Plain, out);
            }
        }
    }
    Ok(())
}

fn boundary(out: &mut String) {
    out.push(BOUNDARY);
}

/// XML: its text, and that text read again as markup (a feed's content is
/// HTML escaped once).
fn xml(text: &str, out: &mut String) {
    let mut once = String::with_capacity(text.len());
    fold_into(text, 0, Mode::Markup, &mut once);
    for part in once.split(BOUNDARY) {
        fold_into(part, 0, Mode::Markup, out);
        boundary(out);
    }
}

/// JSON: every string (keys too) and every number, each a text of its
/// own. Text that is not JSON is read as markup.
fn json(text: &str, out: &mut String) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut s = String::new();
    while i < b.len() {
        match b[i] {
            b'"' => {
                s.clear();
                let start = i;
                i += 1;
                // Most strings have no escape: read in place.
                if let Some(end) = text[i..].find(['"', '\\']).map(|k| i + k)
                    && b[end] == b'"'
                {
                    boundary(out);
                    fold_into(&text[i..end], i as u32, Mode::Markup, out);
                    boundary(out);
                    i = end + 1;
                    continue;
                }
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                        match b[i] {
                            b'n' => s.push('\n'),
                            b't' => s.push('\t'),
                            b'r' => s.push('\r'),
                            b'b' | b'f' => s.push(' '),
                            b'u' => {
                                let (c, len) = unicode_escape(&b[i - 1..]);
                                s.push(c);
                                i += len - 2;
                            }
                            c => s.push(c as char),
                        }
                        i += 1;
                    } else {
                        let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
                        s.push(ch);
                        i += ch.len_utf8();
                    }
                }
                i += 1;
                boundary(out);
                fold_into(&s, start as u32, Mode::Markup, out);
                boundary(out);
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                boundary(out);
                fold_into(&text[start..i], start as u32, Mode::Plain, out);
                boundary(out);
            }
            _ => i += 1,
        }
    }
}

/// A `\uXXXX` escape (and the low half of a surrogate pair after it) at
/// the start of `b`: the character and the escape's length.
fn unicode_escape(b: &[u8]) -> (char, usize) {
    let hex = |b: &[u8]| -> Option<u32> {
        let s = std::str::from_utf8(b.get(2..6)?).ok()?;
        u32::from_str_radix(s, 16).ok()
    };
    let Some(hi) = hex(b) else {
        return ('\u{FFFD}', 2);
    };
    if (0xD800..0xDC00).contains(&hi)
        && b.get(6) == Some(&b'\\')
        && let Some(lo) = hex(&b[6..])
        && (0xDC00..0xE000).contains(&lo)
    {
        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return (char::from_u32(c).unwrap_or('\u{FFFD}'), 12);
    }
    (char::from_u32(hi).unwrap_or('\u{FFFD}'), 6)
}

/// CSV: each cell a text of its own (quoted cells unquoted).
fn csv(text: &str, out: &mut String) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut cell = String::new();
    while i <= b.len() {
        cell.clear();
        let start = i;
        if b.get(i) == Some(&b'"') {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        cell.push('"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
                cell.push(ch);
                i += ch.len_utf8();
            }
        }
        while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
            let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
            cell.push(ch);
            i += ch.len_utf8();
        }
        boundary(out);
        fold_into(&cell, start as u32, Mode::Markup, out);
        i += 1;
    }
    boundary(out);
}

/// A workbook: the text of each of its XML parts (shared strings, inline
/// strings, numbers, properties). A part is read a piece at a time, each
/// piece ending between two tags (`><`, never inside a value), so that a
/// sheet of a hundred thousand rows needs no string of its whole size.
fn xlsx(bytes: &[u8], out: &mut String) -> Result<(), &'static str> {
    use std::io::Read;
    /// What a part may unpack to: the site's own workbooks stay far below;
    /// a part above it is refused rather than read.
    const MOST: u64 = 1 << 30;
    const PIECE: usize = 1 << 20;
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| "不是有效的 XLSX 文件")?;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| "XLSX 文件的部件无法读取")?;
        let mut part = part.take(MOST + 1);
        let (mut buf, mut read) = (Vec::with_capacity(PIECE * 2), 0u64);
        boundary(out);
        loop {
            let start = buf.len();
            buf.resize(start + PIECE, 0);
            let n = part
                .read(&mut buf[start..])
                .map_err(|_| "XLSX 文件的部件无法读取")?;
            buf.truncate(start + n);
            read += n as u64;
            if read > MOST {
                return Err("XLSX 文件的部件过大");
            }
            // The whole rest at the end, else up to the last `><`.
            let cut = if n == 0 {
                buf.len()
            } else {
                match buf.windows(2).rposition(|w| w == b"><") {
                    Some(k) => k + 1,
                    None => continue,
                }
            };
            let piece = std::str::from_utf8(&buf[..cut]).map_err(|_| "XLSX 文件的部件无法读取")?;
            xml(piece, out);
            buf.drain(..cut);
            if n == 0 {
                break;
            }
        }
        boundary(out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(format: Format, bytes: &[u8]) -> String {
        let mut out = String::new();
        if read(format, bytes, &mut out).is_err() {
            return "无法读取".into();
        }
        out.replace(BOUNDARY, "|")
    }

    #[test]
    fn json_is_read_as_values() {
        let r = reading(
            Format::Json,
            br#"{"a":"1\u0033 8","b":[13812345678,"x\"y"]}"#,
        );
        assert_eq!(r, "|a||13 8||b||13812345678||x\"y|");
    }

    #[test]
    fn csv_cells_are_unquoted() {
        let r = reading(Format::Csv, "a,\"b,\"\"c\"\"\"\n1,2".as_bytes());
        assert_eq!(r, "|a|b,\"c\"|1|2|");
    }

    #[test]
    fn a_feed_is_read_with_its_escaped_html_rendered() {
        let r = reading(
            Format::Xml,
            b"<content>138&lt;b&gt;1234&lt;/b&gt;5678</content>",
        );
        assert!(r.contains("13812345678"), "{r}");
        let r = reading(Format::Xml, b"<c><v>120</v></c><c><v>150.7</v></c>");
        assert!(r.contains("120|") && !r.contains("120150"), "{r}");
    }

    #[test]
    fn a_workbook_is_read_as_its_cells() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut book = crate::xlsx::Book::new(date);
        book.sheet("s")
            .text(0, 0, "电话 138 1234 5678", crate::xlsx::Style::Plain);
        let bytes = book.into_bytes().unwrap();
        let r = reading(Format::Xlsx, &bytes);
        assert!(r.contains("138 1234 5678"), "{r}");
        assert!(reading(Format::Xlsx, b"not a zip").contains("无法读取"));
    }

    /// A sheet of many megabytes is read a piece at a time: every value is
    /// read whole, wherever the pieces end.
    #[test]
    fn a_large_workbook_is_read_whole_piece_by_piece() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut book = crate::xlsx::Book::new(date);
        let sheet = book.sheet("s");
        let filler = "压力容器定期检验".repeat(8);
        for row in 0..40_000u32 {
            sheet.text(row, 0, &filler, crate::xlsx::Style::Plain);
            let phone = format!("电话 138{row:08}");
            sheet.text(
                row,
                1,
                if row % 7 == 0 { &phone } else { "无" },
                crate::xlsx::Style::Plain,
            );
        }
        let bytes = book.into_bytes().unwrap();
        let r = reading(Format::Xlsx, &bytes);
        assert!(
            r.len() > 8 << 20,
            "more than eight pieces ({} bytes)",
            r.len()
        );
        let values: std::collections::HashSet<&str> = r.split('|').collect();
        let found = (0..40_000u32)
            .filter(|row| row % 7 == 0)
            .filter(|row| values.contains(format!("电话 138{row:08}").as_str()))
            .count();
        assert_eq!(found, 40_000usize.div_ceil(7), "every number read whole");
    }
}
