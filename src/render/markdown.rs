//! Markdown fields to HTML, safely: raw HTML is shown as text, links and
//! images may only point to http(s), mailto, tel or relative addresses, and
//! headings are moved so that the highest sits just under the page's own.

pub use crate::base::{safe_url, unsafe_urls};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Render `text`; `min_level` is the highest heading level allowed (3 inside
/// a record section, 2 on a free page).
pub fn render(text: &str, min_level: u8) -> String {
    let opts = crate::base::MARKDOWN;
    let shift = heading_shift(text, opts, min_level);
    let mut skip_link_end = Vec::new();
    let mut skip_image_end = Vec::new();
    let events = Parser::new_ext(text, opts).filter_map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demote(level, shift),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => {
            Some(Event::End(TagEnd::Heading(demote(level, shift))))
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = safe_url(&dest_url);
            skip_link_end.push(!safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            if skip_link_end.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = safe_url(&dest_url);
            skip_image_end.push(!safe);
            Some(if safe {
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            } else {
                Event::Text(CowStr::from("[图片]"))
            })
        }
        Event::End(TagEnd::Image) => {
            if skip_image_end.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Image))
            }
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// How far to move the headings of `text` so that its highest goes to
/// `min_level` and the others keep their steps below it: a page written
/// with `##` sections has them at h2 under its h1, never h3 with a level
/// skipped.
fn heading_shift(text: &str, opts: Options, min_level: u8) -> i16 {
    let top = Parser::new_ext(text, opts)
        .filter_map(|ev| match ev {
            Event::Start(Tag::Heading { level, .. }) => Some(level as u8),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    i16::from(min_level) - i16::from(top)
}

fn demote(level: HeadingLevel, by: i16) -> HeadingLevel {
    let n = (i16::from(level as u8) + by).clamp(1, 6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text() {
        let h = render("hi <script>alert(1)</script>\n\n<div onclick=x>y</div>", 3);
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<div"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn dangerous_links_are_dropped() {
        let h = render(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](data:text/html,x) [d](https://ok.example/)",
            3,
        );
        assert!(!h.to_lowercase().contains("javascript:"), "{h}");
        assert!(!h.contains("data:"), "{h}");
        assert!(h.contains(r#"href="https://ok.example/""#), "{h}");
        assert!(h.contains('a') && h.contains('b'));
    }

    #[test]
    fn headings_are_demoted() {
        assert!(render("# T", 3).contains("<h3>"));
        // The highest heading of the text goes to the level given.
        assert!(render("## T", 2).contains("<h2>"));
        let h = render("## A\n\n### B\n\n## C", 2);
        assert!(
            h.contains("<h2>A") && h.contains("<h3>B") && h.contains("<h2>C"),
            "{h}"
        );
        assert!(render("### T", 3).contains("<h3>"));
        // and a text that starts lower is raised to it
        let h = render("#### A\n\n##### B", 3);
        assert!(h.contains("<h3>A") && h.contains("<h4>B"), "{h}");
    }

    #[test]
    fn unsafe_image_becomes_text() {
        let h = render("![x](javascript:alert(1))", 3);
        assert!(!h.contains("javascript"), "{h}");
    }
}
