//! The text a reader sees of a Markdown value, for the scan of what the
//! clerk wrote: Markdown's own syntax can part a number's digits in the
//! file (`[138](https://…)12345678`) that the page shows side by side.

use pulldown_cmark::{Event, Parser, TagEnd};

/// Whether `text` may hold syntax that the raw text's folding does not see
/// through (links, images, references: all begin with `[`, and so do
/// footnotes and task lists).
pub fn may_part_digits(text: &str) -> bool {
    text.contains('[')
}

/// The text of `text` rendered as Markdown (as the site's renderer reads
/// it, [`crate::base::MARKDOWN`]), with the byte offset in `text` that each byte of it comes
/// from. Blocks are parted by a line break; raw HTML is kept as it is
/// written (its tags are markup to the scan).
pub fn reader_text(text: &str) -> (String, Vec<u32>) {
    let opts = crate::base::MARKDOWN;
    let mut out = String::with_capacity(text.len());
    let mut from: Vec<u32> = Vec::with_capacity(text.len());
    let mut push = |s: &str, at: &dyn Fn(usize) -> usize, out: &mut String| {
        for (i, c) in s.char_indices() {
            out.push(c);
            from.resize(out.len(), at(i) as u32);
        }
    };
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                // Where the event's text is the source's, each byte has
                // its own place; else (an escape, a reference) the event's.
                let same = text.get(range.clone()) == Some(&*t);
                let start = range.start;
                push(&t, &|i| if same { start + i } else { start }, &mut out);
            }
            Event::SoftBreak | Event::HardBreak => push("\n", &|_| range.start, &mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => push("\n", &|_| range.end.saturating_sub(1), &mut out),
            _ => {}
        }
    }
    (out, from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_syntax_is_read_as_its_text_and_keeps_its_places() {
        let src = "电话 [138](https://example.gov.cn/)12345678。";
        let (text, from) = reader_text(src);
        assert_eq!(text.trim_end(), "电话 13812345678。");
        let at = text.find("138").unwrap();
        assert_eq!(&src[from[at] as usize..][..3], "138");
        let at = text.find("1234").unwrap();
        assert_eq!(&src[from[at] as usize..][..4], "1234");
    }

    #[test]
    fn escapes_and_references_stand_at_their_event() {
        let (text, _) = reader_text("a\\*b [x][r]\n\n[r]: https://e.cn/");
        assert_eq!(text.trim_end(), "a*b x");
    }
}
