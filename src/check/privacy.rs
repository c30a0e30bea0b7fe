//! The privacy rules that look across files: a whistleblower's name, phone,
//! address or report (and a natural person's full name) written into any
//! record's public fields, whatever that record's date and status; and
//! personal numbers or private values written into a site's own templates
//! and theme files. Numbers in the records and site.yaml are found as each
//! file is loaded ([`crate::content::scan`]).

use crate::content::Content;
use crate::content::model::Record;
use crate::diag::{Diagnostic, Pos, report};
use crate::privacy::{Found, Scanner, fold::Mode, formats::Format, locate};
use rayon::prelude::*;
use std::path::Path;

/// The private values of every record of a site, whatever its date and
/// status.
pub fn secrets(content: &Content) -> Vec<crate::privacy::Secret> {
    content
        .records
        .iter()
        .flat_map(|r| r.secrets(&content.site))
        .collect()
}

/// The scanner of a site's private values.
pub fn scanner(content: &Content) -> Scanner {
    Scanner::new(secrets(content))
}

/// The private values of other records (or other fields of the same one)
/// in the public texts of the records that are `wanted`.
pub fn records(
    content: &Content,
    scanner: &Scanner,
    wanted: impl Fn(&Record) -> bool + Sync,
) -> Vec<Diagnostic> {
    if let Some(e) = scanner.broken() {
        return vec![
            report("content", Pos::FILE, "", "隐私扫描无法进行，已阻止发布")
                .expected("能够建立的隐私字段扫描器")
                .found(e.to_string())
                .build(),
        ];
    }
    if scanner.secrets().is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Diagnostic> = content
        .records
        .par_iter()
        .filter(|r| wanted(r))
        .flat_map_iter(|r| record(content, scanner, r))
        .collect();
    out.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    out.dedup();
    out
}

fn record(content: &Content, scanner: &Scanner, r: &Record) -> Vec<Diagnostic> {
    let site = &content.site;
    // Names this record's own page shows masked.
    let masked_party = site.mask_persons && r.party().is_some_and(|p| p.is_person());
    let masked_name =
        site.mask_officials && r.meta.kind == crate::content::model::Kind::Accountability;
    let mut found = Vec::new();
    for (field, text) in r.public_texts() {
        for f in scanner.scan_str(&text, 0, Mode::Markup, false) {
            let Found::Secret(i) = f.what else { continue };
            let Some(s) = scanner.secrets().get(i) else {
                continue;
            };
            // A natural person's name in the party field of a record
            // about a natural person is masked when published.
            let party_name = matches!(
                field.as_str(),
                "当事人.名称" | "被检查对象.名称" | "涉及单位.名称"
            );
            if party_name && masked_party || field == "姓名" && masked_name {
                continue;
            }
            found.push((field.clone(), f, s.field, s.path.clone()));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    // Only now is the file read again, to name the place.
    let text = crate::content::inputs::read(&content.root, &content.root.join(&r.meta.path))
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    found
        .into_iter()
        .map(|(field, f, secret, from)| {
            let top = field.split('.').next().unwrap_or(&field);
            let start = r.meta.spans.get(top).copied().unwrap_or(r.meta.pos);
            let line = locate::line_start(&text, start.line);
            let pos = locate::find(&text, line, f.what, &f.key)
                .map(|at| locate::pos_at(&text, at))
                .unwrap_or(start);
            let whose = if from == r.meta.path {
                String::new()
            } else {
                format!("（来自 {from}）")
            };
            report(
                &r.meta.path,
                pos,
                &field,
                format!("公开字段中含有隐私字段「{secret}」的内容{whose}，不得发布"),
            )
            .expected("删除或脱敏后的内容")
            .found(f.excerpt)
            .build()
        })
        .collect()
}

/// Personal numbers and private values in a site's own templates and
/// theme files: a number in an overriding template would stand on every
/// page it makes, and is named once, here, where it is written.
pub fn site_files(root: &Path, scanner: &Scanner) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // site.yaml's values stand on every page: its numbers were looked for
    // as it was loaded, the private values are looked for here.
    let site_yaml = root.join("content").join("site.yaml");
    let read = |p: &Path| {
        crate::content::inputs::read(root, p)
            .ok()
            .flatten()
            .and_then(|b| String::from_utf8(b).ok())
    };
    if let Some(text) = read(&site_yaml) {
        for f in scanner.scan_str(&text, 0, Mode::Plain, false) {
            if matches!(f.what, Found::Secret(_)) {
                out.push(
                    report(
                        "content/site.yaml",
                        locate::pos_at(&text, f.start as usize),
                        "",
                        format!("站点设置中含有{}，不得发布", scanner.describe(&f.what)),
                    )
                    .expected("删除或脱敏后的内容")
                    .found(f.excerpt)
                    .build(),
                );
            }
        }
    }
    for dir in ["templates", "theme"] {
        let base = root.join(dir);
        if !base.is_dir() {
            continue;
        }
        let files = walkdir::WalkDir::new(&base)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file());
        for e in files {
            let rel = crate::content::rel(root, e.path());
            let format = Format::of(&rel);
            let mode = match format {
                Format::Html | Format::Xml => Mode::Markup,
                // A file of no known kind is read if it is text.
                Format::Json | Format::Csv | Format::Text | Format::Binary => Mode::Plain,
                Format::Xlsx => continue,
            };
            let Some(text) = read(e.path()) else {
                continue;
            };
            let masked = if dir == "templates" {
                mask_template_code(&text)
            } else {
                text.clone()
            };
            for f in scanner.scan_str(&masked, 0, mode, false) {
                let pos = locate::pos_at(&text, f.start as usize);
                out.push(
                    report(
                        &rel,
                        pos,
                        "",
                        format!(
                            "模板或主题文件中含有{}，不得发布",
                            scanner.describe(&f.what)
                        ),
                    )
                    .expected("删除或脱敏后的内容")
                    .found(f.excerpt)
                    .build(),
                );
            }
        }
    }
    out
}

/// A template with its code (`{{ … }}`, `{% … %}`, `{# … #}`) blanked out,
/// byte for byte, so that what is left is the text it writes and offsets
/// still point into the file.
fn mask_template_code(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let b = text.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        let close = match (b[i], b[i + 1]) {
            (b'{', b'{') => "}}",
            (b'{', b'%') => "%}",
            (b'{', b'#') => "#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let end = text[i + 2..].find(close).map_or(b.len(), |k| i + 2 + k + 2);
        for x in &mut out[i..end] {
            // Keep line breaks (and the UTF-8 of nothing else): spaces.
            if *x != b'\n' {
                *x = b' ';
            }
        }
        i = end;
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_code_is_blanked_in_place() {
        let t = "<p>{{ r.title }}电话 138{# x #}12345678</p>";
        let m = mask_template_code(t);
        assert_eq!(m.len(), t.len());
        assert!(m.contains("电话 138"));
        assert!(!m.contains("r.title"));
        let found = Scanner::default().scan_str(&m, 0, Mode::Markup, false);
        assert_eq!(found.len(), 1);
        assert_eq!(locate::pos_at(t, found[0].start as usize), Pos::new(1, 20));
    }
}
