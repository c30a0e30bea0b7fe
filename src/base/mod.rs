//! What every stage may use and that belongs to none of them: the hash
//! maps of the build, money formatting, and the limits that several stages
//! must agree on. It imports nothing of the crate.

/// Hash maps and sets for keys made from the site's own content (short
/// strings, ids, addresses): rustc-hash's Fx hasher, several times
/// faster than SipHash, whose protection against crafted keys buys
/// nothing here.
pub type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub type FastSet<K> = rustc_hash::FxHashSet<K>;
pub use rustc_hash::FxHasher as FastHasher;

/// `bytes` in lowercase hexadecimal, two digits each: how the build names
/// what it hashed.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The characters of a record's text that the search indexes read: the
/// first 10,000 (a long case is a few thousand). The rest is published,
/// not searched; `check` warns about such records. Every position of the
/// text is the start of up to four keys, so without a bound a megabyte of
/// text cost some 170 bytes of memory per byte.
pub const MAX_INDEXED_CHARS: usize = 10_000;

/// The Markdown the site reads: tables and strikethrough. The renderer of
/// the pages and the privacy scan's reading of what they show must agree.
pub const MARKDOWN: pulldown_cmark::Options =
    pulldown_cmark::Options::ENABLE_TABLES.union(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);

/// The addresses of the links and images of `text` that the site's Markdown renderer drops
/// (see [`safe_url`]), in order.
pub fn unsafe_urls(text: &str) -> Vec<String> {
    if !text.contains(':') {
        return Vec::new();
    }
    pulldown_cmark::Parser::new_ext(text, MARKDOWN)
        .filter_map(|ev| match ev {
            pulldown_cmark::Event::Start(
                pulldown_cmark::Tag::Link { dest_url, .. }
                | pulldown_cmark::Tag::Image { dest_url, .. },
            ) if !safe_url(&dest_url) => Some(dest_url.into_string()),
            _ => None,
        })
        .collect()
}

/// Only addresses that cannot run code.
pub fn safe_url(url: &str) -> bool {
    let u: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match u.split_once(':') {
        Some((scheme, _))
            if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') =>
        {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// An amount of 万元 as the site writes it: up to four decimals, no
/// trailing zeros (`3`, `0.5`, `12.375`).
/// Whether process `pid` is running (this one is): what a directory named
/// after a process tells whoever finds it left behind. Linux only; false
/// elsewhere, but for this process.
pub fn running(pid: u32) -> bool {
    pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists()
}

pub fn format_wan(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_in_wan() {
        assert_eq!(super::format_wan(3.0), "3");
        assert_eq!(super::format_wan(0.5), "0.5");
        assert_eq!(super::format_wan(12.375), "12.375");
        assert_eq!(super::format_wan(0.00001), "0");
    }
}
