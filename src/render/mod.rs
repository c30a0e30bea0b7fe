//! Pages: the minijinja environment, the built-in templates, and the jobs
//! that turn the public view into HTML files.
//!
//! Templates are embedded in the binary; a site overrides one by putting a
//! file of the same name in its `templates/`. Autoescaping is on for every
//! `.html` template; Markdown reaches a page only through the `markdown`
//! filter, which never passes raw HTML.

mod keys;
mod list_pages;
pub use list_pages::FRONT;
mod lists;
pub mod markdown;
mod pages;

pub use pages::{
    Assets, PageRef, Pages, Renderer, out_path, overdue_pages, overdue_url, page_refs,
    party_index_pages, party_index_url, render_all, with_out_path,
};

use crate::diag::{Diagnostic, Pos, report};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value};
use std::path::Path;

/// The built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("header.html", include_str!("../../templates/header.html")),
    ("footer.html", include_str!("../../templates/footer.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("record.html", include_str!("../../templates/record.html")),
    ("cases.html", include_str!("../../templates/cases.html")),
    ("actions.html", include_str!("../../templates/actions.html")),
    ("hazards.html", include_str!("../../templates/hazards.html")),
    (
        "accountability.html",
        include_str!("../../templates/accountability.html"),
    ),
    ("clues.html", include_str!("../../templates/clues.html")),
    (
        "blacklist.html",
        include_str!("../../templates/blacklist.html"),
    ),
    (
        "withdrawn.html",
        include_str!("../../templates/withdrawn.html"),
    ),
    ("removed.html", include_str!("../../templates/removed.html")),
    ("party.html", include_str!("../../templates/party.html")),
    ("parties.html", include_str!("../../templates/parties.html")),
    ("page.html", include_str!("../../templates/page.html")),
    ("stats.html", include_str!("../../templates/stats.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "report_daily.html",
        include_str!("../../templates/report_daily.html"),
    ),
    (
        "report_weekly.html",
        include_str!("../../templates/report_weekly.html"),
    ),
    ("reports.html", include_str!("../../templates/reports.html")),
    ("sitemap.html", include_str!("../../templates/sitemap.html")),
];

/// Build the environment: built-in templates, each replaced by the site's
/// `templates/NAME` when there is one. Template errors are diagnostics.
pub fn environment(site_root: &Path) -> Result<Environment<'static>, Vec<Diagnostic>> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    // A site's own template can loop: each render has a bounded number
    // of steps ([`FUEL`]), and its output a bounded size ([`render`]).
    env.set_fuel(Some(FUEL));
    env.set_keep_trailing_newline(false);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_formatter(html_formatter);
    env.add_filter("markdown", markdown_filter);
    env.add_filter("wan", wan_filter);
    env.add_filter("short", short_filter);
    env.add_function("fact_row", fact_row);
    let mut errors = Vec::new();
    let dir = site_root.join("templates");
    for (name, builtin) in TEMPLATES {
        let path = dir.join(name);
        let rel = format!("templates/{name}");
        let (source, rel) = match crate::content::inputs::read(site_root, &path) {
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(s) => (s, rel),
                Err(_) => {
                    errors.push(
                        report(&rel, Pos::FILE, "", "模板文件不是 UTF-8 编码")
                            .expected("UTF-8 文本")
                            .found("无效的字节序列")
                            .build(),
                    );
                    continue;
                }
            },
            Ok(None) => (builtin.to_string(), format!("(内置模板) {name}")),
            Err(why) => {
                errors.push(
                    report(&rel, Pos::FILE, "", why)
                        .expected("站点目录之内的普通文件")
                        .found(path.display().to_string())
                        .build(),
                );
                continue;
            }
        };
        if let Err(e) = env.add_template_owned(name.to_string(), source) {
            errors.push(template_error(&rel, &e));
        }
    }
    if errors.is_empty() {
        Ok(env)
    } else {
        Err(errors)
    }
}

/// Steps of the template engine that one page may take: every page of the
/// 20,000-record benchmark site renders within 5,000,000, and an endless
/// loop stops after some 4 s.
const FUEL: u64 = 100_000_000;
/// Bytes that one page may come to.
const MOST_PAGE_BYTES: usize = 64 << 20;

/// Render `template` with `ctx`, its output at most [`MOST_PAGE_BYTES`].
pub fn render(template: &minijinja::Template, ctx: impl serde::Serialize) -> Result<String, Error> {
    struct Bounded(Vec<u8>);
    impl std::io::Write for Bounded {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + b.len() > MOST_PAGE_BYTES {
                return Err(std::io::Error::other("page too large"));
            }
            self.0.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Bounded(Vec::new());
    template.render_captured_to(ctx, &mut out)?;
    String::from_utf8(out.0).map_err(|e| Error::new(ErrorKind::BadSerialization, e.to_string()))
}

pub fn template_error(path: &str, e: &Error) -> Diagnostic {
    let line = e.line().unwrap_or(0) as u32;
    let why = match e.kind() {
        ErrorKind::OutOfFuel => {
            format!("模板运行的步数超过上限（{FUEL} 步）：可能是没有尽头或过大的循环")
        }
        ErrorKind::WriteFailure => format!(
            "模板生成的页面超过 {} MB 的上限，或无法写出",
            MOST_PAGE_BYTES >> 20
        ),
        _ => format!("模板错误：{}", e.detail().unwrap_or(&e.to_string())),
    };
    report(path, Pos::new(line, 1), "", why)
        .expected("有效的 minijinja 模板")
        .found(format!("{:?}", e.kind()))
        .build()
}

/// Like minijinja's escaping formatter, but `none` prints nothing and only
/// the five characters that matter in HTML are escaped (URLs keep their `/`).
fn html_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), Error> {
    if state.auto_escape() == AutoEscape::None {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        return minijinja::escape_formatter(out, state, value);
    }
    write_escaped(out, value).map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
}

/// A value as `{{ value }}` prints it in an HTML template: nothing for
/// none or undefined, a safe string as it is, anything else escaped.
fn write_escaped(out: &mut impl std::fmt::Write, value: &Value) -> std::fmt::Result {
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    let owned;
    let s = match value.as_str() {
        Some(s) => s,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    if value.is_safe() {
        return out.write_str(s);
    }
    // Write the runs between the characters to escape as they are (the
    // five are ASCII, so a byte test finds them).
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[from..i])?;
        out.write_str(entity)?;
        from = i + 1;
    }
    out.write_str(&s[from..])
}

/// `{{ fact_row(label, value) }}`: one fact of a form,
/// `<div class="fact"><dt>label</dt><dd>value</dd></div>`, or nothing when
/// the value is missing, none or empty. The same as the macro `fact` of
/// `macros.html` (which sites' templates may call), as a function: a record
/// page shows a dozen facts, and a macro call costs several times more.
fn fact_row(label: Value, value: Value) -> Value {
    if value.is_undefined() || value.is_none() || value.as_str() == Some("") {
        return Value::from_safe_string(String::new());
    }
    let mut out = String::from("<div class=\"fact\"><dt>");
    let _ = write_escaped(&mut out, &label);
    out.push_str("</dt><dd>");
    let whole = value
        .as_str()
        .filter(|s| !value.is_safe() && unbreakable(s));
    if whole.is_some() {
        out.push_str("<span class=\"nb\">");
    }
    let _ = write_escaped(&mut out, &value);
    if whole.is_some() {
        out.push_str("</span>");
    }
    out.push_str("</dd></div>\n");
    Value::from_safe_string(out)
}

/// `{{ text | markdown }}`: safe HTML from Markdown; `markdown(2)` on free pages.
fn markdown_filter(value: Value, min_level: Option<u8>) -> Result<Value, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(Value::from(""));
    }
    let Some(s) = value.as_str() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "markdown 过滤器需要文本",
        ));
    };
    Ok(Value::from_safe_string(markdown::render(
        s,
        min_level.unwrap_or(3),
    )))
}

/// `{{ amount | wan }}`: 万元 with at most four decimals, no trailing zeros.
/// A value that must not break across lines: a date, a code or a
/// document number (short, without spaces or sentence punctuation, with a
/// digit).
fn unbreakable(s: &str) -> bool {
    s.chars().count() <= 24
        && s.chars().any(|c| c.is_ascii_digit())
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "，。；、：,;".contains(c))
}

/// At most `n` characters of a title, with "…" when shortened (a phone's
/// breadcrumb).
fn short_filter(value: String, n: Option<usize>) -> String {
    let n = n.unwrap_or(12);
    if value.chars().count() <= n {
        return value;
    }
    let mut s: String = value.chars().take(n.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn wan_filter(value: Value) -> String {
    match f64::try_from(value) {
        Ok(v) => format_wan(v),
        Err(_) => String::new(),
    }
}

pub use crate::base::format_wan;

/// What every page depends on besides its own context: the program, every
/// template, and the context shared by all pages.
pub fn fingerprint(env: &Environment<'static>, shared: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for (name, _) in TEMPLATES {
        if let Ok(t) = env.get_template(name) {
            h.update(name.as_bytes());
            h.update(t.source().as_bytes());
        }
    }
    h.update(shared);
    crate::base::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fact_row_prints_what_the_macro_prints() {
        let env =
            environment(Path::new("/nonexistent")).unwrap_or_else(|_| panic!("built-in templates"));
        let source = concat!(
            r#"{% import "macros.html" as m %}{% for v in values %}{{ m.fact(label, v) }}§{{ fact_row(label, v) }}¶{% endfor %}"#,
            r#"{{ m.fact(label, nothing.x) }}§{{ fact_row(label, nothing.x) }}¶"#,
            r#"{{ m.fact(label, m.money(amount)) }}§{{ fact_row(label, m.money(amount)) }}¶"#,
            r#"{{ m.fact(label, m.money(nothing)) }}§{{ fact_row(label, m.money(nothing)) }}¶"#,
        );
        let mut env = env;
        env.add_template_owned("t.html", source.to_string())
            .unwrap();
        let values = minijinja::Value::from_serialize(serde_json::json!([
            "x<y & \"z\"", "", " ", 0, 1.5, -2, true, false, null, ["a", "b"], {"名称": "某"}
        ]));
        for label in ["事项", "<b>"] {
            let out = env
                .get_template("t.html")
                .unwrap()
                .render(minijinja::context! { values => values.clone(), label => label, amount => 12.5 })
                .unwrap();
            let mut rows = 0;
            for row in out.split('¶').filter(|r| !r.is_empty()) {
                let (a, b) = row.split_once('§').unwrap();
                assert_eq!(a, b, "{label}: {out}");
                rows += 1;
            }
            assert_eq!(rows, 14);
            assert!(out.contains("<dd>x&lt;y &amp; &quot;z&quot;</dd>"), "{out}");
            assert!(out.contains("<dd>12.5 万元</dd>"), "{out}");
        }
    }
}
