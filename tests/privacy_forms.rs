//! Personal numbers in every form a reader would still recognise, written
//! in every kind of place a clerk writes: each one fails `check` and
//! `build` at the `PATH:LINE:COL` of the number itself, once, and leaves
//! the previous output byte for byte as it was.

mod common;
use common::{Site, snapshot};
use proptest::prelude::*;

/// A valid resident identity number: a birth date that exists, the right
/// check character.
fn resident_id(area: u32, y: i32, m: u32, d: u32, seq: u32) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d)
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap());
    let body = format!("{area:06}{}{seq:03}", date.format("%Y%m%d"));
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A number of `len` digits that passes Luhn, starting with `prefix`.
fn card(prefix: &str, body: u64, len: usize) -> String {
    let mut digits = format!("{prefix}{body:020}");
    digits.truncate(len - 1);
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let v = u32::from(b - b'0');
            if i % 2 == 0 {
                let d = v * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                v
            }
        })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

#[derive(Debug, Clone)]
enum Kind {
    Id,
    Mobile,
    Card,
}

/// The separators people put between digit groups.
const SEPARATORS: &[&str] = &[
    " ", "  ", "\t", "-", " - ", ".", "·", "－", "—", "–", "\u{3000}", "\u{a0}", "．", "\u{2009}",
];
const INVISIBLE: &[&str] = &[
    "\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}", "\u{ad}", "\u{200e}", "\u{202a}",
];

/// `number` written in form `form`: the text, and the byte offset in it of
/// the first character that is part of the number as a reader reads it.
fn written(number: &str, kind: &Kind, form: usize, pick: usize) -> (String, usize) {
    let groups: Vec<&str> = match kind {
        Kind::Mobile => vec![&number[..3], &number[3..7], &number[7..]],
        Kind::Id => vec![&number[..6], &number[6..14], &number[14..]],
        Kind::Card => number
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect(),
    };
    let full_width = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | 'X' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                c => c,
            })
            .collect()
    };
    match form {
        // full-width digits and Ｘ
        0 => (full_width(number), 0),
        // any separator between the groups
        1 => (groups.join(SEPARATORS[pick % SEPARATORS.len()]), 0),
        // an international prefix (mobile numbers)
        2 => match kind {
            Kind::Mobile => {
                let prefix =
                    ["+86", "＋86", "0086", "+86-", "+86 ", "（+86）", "＋８６－"][pick % 7];
                // The prefix's own digits are part of what is read.
                let first = prefix
                    .char_indices()
                    .find(|(_, c)| c.is_ascii_digit() || ('０'..='９').contains(c))
                    .map_or(prefix.len(), |(i, _)| i);
                (format!("{prefix}{number}"), first)
            }
            _ => (full_width(&groups.join(" ")), 0),
        },
        // an invisible character between every two digits
        3 => {
            let inv = INVISIBLE[pick % INVISIBLE.len()];
            let s: Vec<String> = number.chars().map(String::from).collect();
            (s.join(inv), 0)
        }
        // markup splitting the number
        4 => {
            let (a, b) = number.split_at(3);
            let (b, c) = b.split_at(4);
            match pick % 6 {
                0 => (format!("{a}<b>{b}</b>{c}"), 0),
                1 => (format!("<span>{a}</span>{b}{c}"), "<span>".len()),
                2 => (format!("{a}**{b}**{c}"), 0),
                3 => (format!("{a}<!-- -->{b}{c}"), 0),
                // inside a comment: the page's source shows it
                4 => (format!("<!-- {number} -->"), "<!-- ".len()),
                // an autolink, which Markdown shows as its text
                _ => (format!("<tel:{number}>"), "<tel:".len()),
            }
        }
        // character references for the first digits
        5 => {
            let (a, rest) = number.split_at(3);
            let refs: String = a
                .chars()
                .map(|c| {
                    if pick.is_multiple_of(2) {
                        format!("&#{};", c as u32)
                    } else {
                        format!("&#x{:x};", c as u32)
                    }
                })
                .collect();
            (format!("{refs}{rest}"), 0)
        }
        // a letter glued to the number
        _ => (
            format!(
                "{}{number}{}",
                ["A", "tel", "ID", "号码"][pick % 4],
                ["b", "号", "X", ""][pick % 4]
            ),
            ["A", "tel", "ID", "号码"][pick % 4].len(),
        ),
    }
}

/// Where the number is written: the file, its new text, and the byte
/// offset in it where the written number begins.
fn place(site: &Site, at: usize, text: &str) -> (String, String, usize) {
    // Double quotes keep YAML from reading the forms' characters as syntax.
    let quoted = text.replace('\\', "\\\\").replace('"', "\\\"");
    let replace = |rel: &str, from: &str, to_before: &str, to_after: &str, value: &str| {
        let old = site.read(rel);
        let new_value = format!("{to_before}{value}{to_after}");
        let at = old.find(from).unwrap_or_else(|| panic!("{from} in {rel}"));
        let offset = at + to_before.len();
        (
            rel.to_string(),
            format!("{}{new_value}{}", &old[..at], &old[at + from.len()..]),
            offset,
        )
    };
    match at % 8 {
        // a one-line field
        0 => replace(
            "content/actions/ta-2022-001.yaml",
            "原因: 充装超期未检气瓶。",
            "原因: \"充装超期未检气瓶，当事人联系方式 ",
            "。\"",
            &quoted,
        ),
        // the second line of a block scalar
        1 => replace(
            "content/cases/tc-2022-001.yaml",
            "基本案情: |\n  2022年1月10日",
            "基本案情: |\n  当事人联系方式：",
            "。\n  2022年1月10日",
            text,
        ),
        // an item of a bulk file
        2 => {
            let rel = "content/actions/bulk-2022.yaml".to_string();
            let head = "- 编号: tb-1\n  发布日期: 2022-01-14\n  措施类型: 责令限期整改\n  当事人: {名称: 测试燃气有限公司, 统一社会信用代码: 91210381MA0TAX0017}\n  决定日期: 2022-01-12\n  决定机关: 测试市市场监督管理局\n  原因: 一号。\n- 编号: tb-2\n  发布日期: 2022-01-14\n  措施类型: 责令限期整改\n  当事人: {名称: 测试燃气有限公司, 统一社会信用代码: 91210381MA0TAX0017}\n  决定日期: 2022-01-12\n  决定机关: 测试市市场监督管理局\n  原因: \"二号，电话 ";
            let body = format!("{head}{quoted}。\"\n");
            (rel, body, head.len())
        }
        // a page's Markdown body
        3 => replace(
            "content/pages/about.md",
            "本平台公开特种设备安全监管信息。",
            "本平台公开特种设备安全监管信息。\n\n咨询电话：",
            "。",
            text,
        ),
        // a footer field of site.yaml
        4 => replace(
            "content/site.yaml",
            "举报电话: 0412-0000000",
            "举报电话: \"",
            "\"",
            &quoted,
        ),
        // an overriding template
        5 => {
            let rel = "templates/404.html".to_string();
            let before =
                "{% extends \"base.html\" %}\n{% block main %}\n<h1>页面不存在</h1>\n<p>咨询电话 ";
            (
                rel,
                format!("{before}{text}</p>\n{{% endblock %}}\n"),
                before.len(),
            )
        }
        // a draft
        6 => {
            let rel = "content/cases/draft-1.yaml".to_string();
            let old = site.read("content/cases/tc-2022-001.yaml");
            let old = old.replace("发布日期: 2022-01-20", "发布日期: 2022-01-20\n状态: 草稿");
            let key = "要旨: ";
            let at = old.find(key).unwrap() + key.len();
            let end = at + old[at..].find('\n').unwrap();
            let value = format!("\"联系方式 {quoted}。\"");
            (
                rel,
                format!("{}{value}{}", &old[..at], &old[end..]),
                at + "\"联系方式 ".len(),
            )
        }
        // a record scheduled for next year
        _ => {
            let rel = "content/actions/later.yaml".to_string();
            let before = "发布日期: 2023-06-01\n措施类型: 责令限期整改\n当事人: {名称: 测试燃气有限公司, 统一社会信用代码: 91210381MA0TAX0017}\n决定日期: 2023-05-30\n决定机关: 测试市市场监督管理局\n原因: \"联系方式 ";
            (rel, format!("{before}{quoted}。\"\n"), before.len())
        }
    }
}

/// Line and column (characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() as u64 + 1)
}

fn case(kind: Kind, value: u64, form: usize, pick: usize, at: usize) -> Result<(), TestCaseError> {
    let number = match kind {
        Kind::Id => resident_id(
            110101 + (value % 500000) as u32,
            1950 + (value % 60) as i32,
            1 + (value % 12) as u32,
            1 + (value / 7 % 28) as u32,
            (value % 1000) as u32,
        ),
        Kind::Mobile => format!("1{}{:09}", 3 + value % 7, value % 1_000_000_000),
        Kind::Card => card("62", value, 16 + (value % 4) as usize),
    };
    let site = Site::new("base");
    site.build("2022-02-15");
    let before = snapshot(&site.path().join("public"));
    let (text, first) = written(&number, &kind, form, pick);
    let (rel, body, offset) = place(&site, at, &text);
    site.write(&rel, &body);
    let (line, col) = line_col(&body, offset + first);
    let (code, diags) = site.check_json("2022-02-15");
    prop_assert_eq!(code, 1, "{:?} in {}: {:#?}", text, rel, diags);
    let privacy: Vec<_> = diags.iter().filter(|d| d["severity"] == "error").collect();
    prop_assert_eq!(privacy.len(), 1, "one finding for {:?}: {:#?}", text, diags);
    let d = privacy[0];
    prop_assert_eq!(&d["path"], &serde_json::json!(rel), "{:?}", text);
    prop_assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(col)),
        "{:?} in {}: {:#?}",
        text,
        rel,
        d
    );
    let out = site.run(&["build", "--date", "2022-02-15"]);
    prop_assert_eq!(out.status.code(), Some(1), "{:?}", text);
    let err = String::from_utf8_lossy(&out.stderr);
    let location = format!("{rel}:{line}:{col}");
    prop_assert!(err.contains(&location), "{} in {}", location, err);
    prop_assert!(
        !err.contains("public/") && !err.contains(".tmp-"),
        "{}",
        err
    );
    prop_assert_eq!(
        &before,
        &snapshot(&site.path().join("public")),
        "previous output untouched"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_personal_number_in_any_form_and_place_fails_at_its_own_place(
        kind in prop_oneof![Just(Kind::Id), Just(Kind::Mobile), Just(Kind::Card)],
        value in 1_000_000u64..u64::MAX / 4,
        form in 0usize..7,
        pick in 0usize..64,
        at in 0usize..8,
    ) {
        case(kind, value, form, pick, at)?;
    }
}

/// Every form in every place at least once, whatever the random draws.
#[test]
fn every_form_in_every_place() {
    let kinds = [Kind::Id, Kind::Mobile, Kind::Card];
    for form in 0..7 {
        for at in 0..8 {
            let kind = kinds[(form + at) % 3].clone();
            case(
                kind,
                4_812_345_678 + (form * 8 + at) as u64 * 7919,
                form,
                form + at,
                at,
            )
            .unwrap_or_else(|e| panic!("form {form} at {at}: {e}"));
        }
    }
}
