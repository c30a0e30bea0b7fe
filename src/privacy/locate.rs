//! Where a finding stands in the file that was written: a value's text is
//! what the YAML parser made of the file (escapes, folded lines, block
//! indentation), so a number found in it is looked for again in the file
//! itself, from the place the value begins.

use super::fold::{At, Mode, fold_into, is_separator};
use super::{Found, compact_folded};
use crate::diag::Pos;

/// The byte offset of the start of line `line` (1-based) of `text`.
pub fn line_start(text: &str, line: u32) -> usize {
    if line <= 1 {
        return 0;
    }
    let mut seen = 1;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == line {
                return i + 1;
            }
        }
    }
    text.len()
}

/// The line and column (in characters, both from 1) of byte `offset`.
pub fn pos_at(text: &str, offset: usize) -> Pos {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = text
        .get(start..offset)
        .map_or(offset - start, |s| s.chars().count()) as u32
        + 1;
    Pos::new(line, col)
}

/// How far past its start a value is looked for.
const WINDOW: usize = 1 << 20;

/// The byte offset in `text` of the thing found as `key`, looking from
/// `from` on; None if it is not written there in a form the reader's
/// folding recognises (a YAML escape, say).
pub fn find(text: &str, from: usize, what: Found, key: &str) -> Option<usize> {
    let mut from = from.min(text.len());
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut end = (from + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut folded = Vec::new();
    fold_into(&text[from..end], from as u32, Mode::Markup, &mut folded);
    match what {
        Found::Number(_) => find_digits(&folded, key),
        Found::Secret(_) => {
            let (compact, index) = compact_folded(&folded);
            let k = compact.find(key)?;
            let k = super::with_prefix(compact.as_bytes(), k, k + key.len());
            Some(folded[index[k] as usize].at as usize)
        }
    }
}

/// The first run of digit groups (as [`super::detect`] reads them) that
/// holds `key`'s digits in a row: the offset of its first digit.
fn find_digits(text: &[At], key: &str) -> Option<usize> {
    let key: Vec<char> = key.chars().map(|c| c.to_ascii_uppercase()).collect();
    let mut run: Vec<(char, u32)> = Vec::new();
    let mut i = 0;
    while i <= text.len() {
        let c = text.get(i).map(|a| a.c.to_ascii_uppercase());
        match c {
            Some(c) if c.is_ascii_digit() || (c == 'X' && !run.is_empty()) => {
                run.push((c, text[i].at));
                i += 1;
                continue;
            }
            Some(c) if is_separator(c) && !run.is_empty() => {
                i += 1;
                continue;
            }
            _ => {}
        }
        if run.len() >= key.len()
            && let Some(k) = run
                .windows(key.len())
                .position(|w| w.iter().map(|p| p.0).eq(key.iter().copied()))
        {
            // A mobile number's international prefix is part of it.
            let digits: String = run[..k].iter().map(|p| p.0).collect();
            let start = if matches!(digits.as_str(), "86" | "0086") {
                0
            } else {
                k
            };
            return Some(run[start].1 as usize);
        }
        run.clear();
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::What;

    #[test]
    fn a_number_in_a_block_scalar_is_found_on_its_own_line() {
        let text = "标题: 某某案\n基本案情: |\n  第一行。\n  当事人电话 138 1234\n  5678。\n";
        let at = find(text, 0, Found::Number(What::Mobile), "13812345678").unwrap();
        assert_eq!(pos_at(text, at), Pos::new(4, 9));
    }

    #[test]
    fn markup_and_references_do_not_hide_the_place() {
        let text = "a: x\nb: \"电话 1&#51;8<b>1234</b>5678\"\n";
        let at = find(text, 0, Found::Number(What::Mobile), "13812345678").unwrap();
        assert_eq!(pos_at(text, at), Pos::new(2, 8));
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(pos_at("ab\n中文x", 9), Pos::new(2, 3));
        assert_eq!(line_start("a\nb\nc", 3), 4);
    }
}
