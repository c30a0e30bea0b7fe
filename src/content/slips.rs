//! The slips of a Chinese input method, found in a file's text before it is
//! parsed: full-width punctuation where YAML needs its ASCII form (a colon
//! after a key, brackets and commas of a list, quotes, a space after a
//! colon) and full-width spaces as indentation. Each is reported at the
//! character, in Chinese, with the fix. The YAML parser's own messages
//! (English, and about the grammar) are then not shown for a line that
//! has a slip.

use crate::diag::{Diagnostics, Pos, report};

/// Full-width forms and the ASCII ones YAML needs.
const BRACKETS: [(char, &str); 6] = [
    ('［', "["),
    ('］', "]"),
    ('【', "["),
    ('】', "]"),
    ('｛', "{"),
    ('｝', "}"),
];

/// The slips of a file: the lines that have one, and the text with the
/// slips that break its YAML mended (so that the rest of the file is still
/// read and checked), if there were any.
pub struct Slips {
    pub lines: Vec<u32>,
    pub mended: Option<String>,
}

/// Report the slips of `text` (a record file of `rel`).
pub fn find(rel: &str, text: &str, diags: &mut Diagnostics) -> Slips {
    let mut lines = Vec::new();
    let mut mended = String::with_capacity(text.len());
    let mut changed = false;
    // The indentation of a block scalar's key (`key: |`): the lines below
    // it indented more are its text, not YAML.
    let mut block: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        if let Some(b) = block {
            if body.trim().is_empty() || indent > b {
                mended.push_str(line);
                mended.push('\n');
                continue;
            }
            block = None;
        }
        if body.trim_start().starts_with('#') || body.trim().is_empty() {
            mended.push_str(line);
            mended.push('\n');
            continue;
        }
        let before = diags.len();
        slips_of(rel, n, line, indent, diags);
        if diags.len() > before {
            lines.push(n);
            let fixed = mend(line, indent);
            changed |= fixed != line;
            mended.push_str(&fixed);
        } else if let Some(fixed) = quote_exponent(line) {
            // Not a slip: a code such as 9180141070E5782951 reads as a
            // number in YAML (and overflows); it is kept as written.
            changed = true;
            mended.push_str(&fixed);
        } else {
            mended.push_str(line);
        }
        mended.push('\n');
        let value = line.split_once(": ").map(|(_, v)| v.trim());
        if matches!(value, Some(v) if v.starts_with('|') || v.starts_with('>')) {
            block = Some(indent);
        }
    }
    Slips {
        lines,
        mended: changed.then_some(mended),
    }
}

/// `key: 123E456` with the value quoted: digits, an E and digits (a credit
/// code or a document number may be written so) are a number in scientific
/// notation to YAML, which loses what was written or overflows.
fn quote_exponent(line: &str) -> Option<String> {
    let (head, value) = line.split_once(": ")?;
    let v = value.trim();
    let (mant, exp) = v.split_once(['e', 'E'])?;
    let mant = mant.strip_prefix(['+', '-']).unwrap_or(mant);
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (digits(mant) && !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{head}: \"{v}\""))
}

/// A line with its breaking slips mended: full-width indentation, a
/// full-width colon after the key or space after the colon, full-width
/// brackets.
fn mend(line: &str, indent: usize) -> String {
    let (lead, body) = line.split_at(indent);
    let spaces = body.chars().take_while(|c| *c == '\u{3000}').count();
    let body: String = body.chars().skip(spaces).collect();
    let mut out = format!("{lead}{}", "  ".repeat(spaces));
    let colon = body.find(['：', ':']);
    let body = match colon {
        Some(i) if body[i..].starts_with('：') => format!(
            "{}: {}",
            &body[..i],
            body[i + '：'.len_utf8()..].trim_start()
        ),
        Some(i) if body[i + 1..].starts_with('\u{3000}') => {
            format!(
                "{}: {}",
                &body[..i],
                body[i + 1..].trim_start_matches(['\u{3000}', ' '])
            )
        }
        _ => body,
    };
    out.push_str(
        &body
            .chars()
            .map(|c| match c {
                '［' | '【' => '[',
                '］' | '】' => ']',
                '｛' => '{',
                '｝' => '}',
                c => c,
            })
            .collect::<String>(),
    );
    out
}

/// The column (1-based, in characters) of byte `at` of `line`.
fn col(line: &str, at: usize) -> u32 {
    line[..at].chars().count() as u32 + 1
}

fn slips_of(rel: &str, n: u32, line: &str, indent: usize, diags: &mut Diagnostics) {
    let body = &line[indent..];
    // A full-width space where the indentation is.
    if body.starts_with('\u{3000}') {
        diags.push(
            report(
                rel,
                Pos::new(n, col(line, indent)),
                "",
                "缩进用了全角空格「　」",
            )
            .expected("用半角空格缩进（每层两个空格）")
            .found("全角空格"),
        );
        return;
    }
    // The item of a list: `- ` before the key or value.
    let mut item = body;
    while let Some(rest) = item.strip_prefix("- ") {
        item = rest.trim_start_matches(' ');
    }
    let start = line.len() - item.len();
    let ascii = item.find(':');
    // A full-width colon after a key, before any ASCII one.
    if let Some(w) = item.find('：')
        && ascii.is_none_or(|a| w < a)
    {
        let key = &item[..w];
        if looks_like_key(key) {
            diags.push(
                report(
                    rel,
                    Pos::new(n, col(line, start + w)),
                    key,
                    format!("「{key}」后面用了全角冒号「：」"),
                )
                .expected(format!("半角冒号加一个空格：{key}: …"))
                .found(format!("{key}：")),
            );
            return;
        }
    }
    let Some(a) = ascii else { return };
    let key = &item[..a];
    let after = &item[a + 1..];
    let at = start + a + 1;
    if after.starts_with('\u{3000}') {
        diags.push(
            report(
                rel,
                Pos::new(n, col(line, at)),
                key,
                format!("「{key}:」后面用了全角空格「　」"),
            )
            .expected(format!("冒号后用一个半角空格：{key}: …"))
            .found("全角空格"),
        );
        return;
    }
    if !after.starts_with(' ') || !looks_like_key(key) {
        return;
    }
    let value = after.trim();
    let vat = at + (after.len() - after.trim_start().len());
    value_slips(rel, n, line, key, value, vat, diags);
}

fn value_slips(
    rel: &str,
    n: u32,
    line: &str,
    key: &str,
    value: &str,
    at: usize,
    diags: &mut Diagnostics,
) {
    let Some(first) = value.chars().next() else {
        return;
    };
    if let Some((c, ascii)) = BRACKETS.iter().find(|(c, _)| *c == first) {
        diags.push(
            report(
                rel,
                Pos::new(n, col(line, at)),
                key,
                format!("「{key}」的值用了全角括号「{c}」"),
            )
            .expected(format!("半角括号「{ascii}」，例如 {key}: [甲, 乙]"))
            .found(value.to_string()),
        );
        return;
    }
    if first == '['
        && !value.contains(',')
        && let Some(c) = ['，', '、'].into_iter().find(|c| value.contains(*c))
    {
        let name = if c == '，' { "全角逗号" } else { "顿号" };
        let w = value.find(c).unwrap_or(0);
        diags.push(
            report(
                rel,
                Pos::new(n, col(line, at + w)),
                key,
                format!("「{key}」的列表用{name}「{c}」分隔，会被当作一项"),
            )
            .expected("各项之间用半角逗号「,」分隔，例如 [甲, 乙, 丙]")
            .found(value.to_string())
            .warning(),
        );
        return;
    }
    let quoted = |open: char, close: char| value.starts_with(open) && value.ends_with(close);
    if quoted('“', '”') || quoted('‘', '’') {
        diags.push(
            report(
                rel,
                Pos::new(n, col(line, at)),
                key,
                format!("「{key}」的值两端是全角引号，引号会作为内容原样公开"),
            )
            .expected("不加引号，或用半角引号 \"…\"")
            .found(value.to_string())
            .warning(),
        );
    }
}

/// A key as staff write them: a few characters, no spaces, no quotes,
/// brackets or YAML punctuation.
fn looks_like_key(key: &str) -> bool {
    let n = key.chars().count();
    (1..=20).contains(&n)
        && !key.chars().any(|c| {
            c.is_whitespace() || "\"'[]{}#&*!|>%@`,：，。；、“”‘’【】［］｛｝（）()".contains(c)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slips(text: &str) -> Vec<(u32, u32, String, String)> {
        let mut d = Diagnostics::default();
        let _ = find("content/cases/x.yaml", text, &mut d);
        d.sorted()
            .into_iter()
            .map(|d| (d.line, d.column, d.field, d.message))
            .collect()
    }

    #[test]
    fn each_slip_is_named_at_its_character() {
        let found = slips("标题: 测试案\n要旨：内容\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (2, 3));
        assert!(found[0].3.contains("全角冒号"));
        let found = slips("当事人:\n　　名称: 某公司\n");
        assert_eq!((found[0].0, found[0].1), (2, 1));
        assert!(found[0].3.contains("全角空格"));
        let found = slips("关键词: 【电梯, 维保】\n");
        assert!(found[0].3.contains("全角括号「【」"), "{found:?}");
        let found = slips("关键词: [电梯，维保，检验]\n");
        assert_eq!((found[0].0, found[0].1), (1, 9));
        assert!(found[0].3.contains("全角逗号"));
        let found = slips("标题: “某案”\n");
        assert!(found[0].3.contains("全角引号"));
        let found = slips("要旨:\u{3000}内容\n");
        assert!(found[0].3.contains("全角空格"), "{found:?}");
        let found = slips("处理结果：\n  措施: [罚款]\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, "处理结果");
    }

    #[test]
    fn the_breaking_slips_are_mended_so_that_the_rest_is_read() {
        let mut d = Diagnostics::default();
        let s = find(
            "x",
            "标题: 某案\n要旨：内容：细节\n当事人:\n　名称: 某公司\n关键词: 【甲, 乙】\n",
            &mut d,
        );
        assert_eq!(s.lines, vec![2, 4, 5]);
        assert_eq!(
            s.mended.as_deref(),
            Some("标题: 某案\n要旨: 内容：细节\n当事人:\n  名称: 某公司\n关键词: [甲, 乙]\n")
        );
        let mut d = Diagnostics::default();
        assert!(find("x", "标题: 某案\n", &mut d).mended.is_none());
    }

    #[test]
    fn a_code_that_reads_as_a_number_in_scientific_notation_is_kept_as_written() {
        let mut d = Diagnostics::default();
        let s = find(
            "x",
            "当事人:\n  统一社会信用代码: 9180141070E5782951\n罚款金额: 3\n",
            &mut d,
        );
        assert!(d.is_empty());
        assert_eq!(
            s.mended.as_deref(),
            Some("当事人:\n  统一社会信用代码: \"9180141070E5782951\"\n罚款金额: 3\n")
        );
        let node =
            crate::content::yaml::parse(s.mended.as_deref().unwrap(), Default::default()).unwrap();
        let crate::content::yaml::Value::Map(m) = &node.value else {
            panic!()
        };
        let crate::content::yaml::Value::Map(p) = &m[0].1.value else {
            panic!()
        };
        assert_eq!(p[0].1.as_str(), Some("9180141070E5782951"));
    }

    #[test]
    fn what_is_not_a_slip_is_left_alone() {
        // a full-width colon inside a value, a sentence with commas, text
        // of a block scalar, a comment
        let text = "说明: 联系电话：0412-1234567\n基本案情: 经查，该公司未检验。\n要旨: |\n  依据：第一条，第二条\n  要点：略\n# 注：备注\n举一反三工作建议: [加强检查, 落实责任]\n";
        assert_eq!(slips(text), Vec::new());
    }
}
