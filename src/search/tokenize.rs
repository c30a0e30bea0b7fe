//! The one tokenizer of gongshi's search: the static index, the tantivy
//! index and the browser (`theme/search.js`, which mirrors this file and is
//! tested against it) all cut text the same way.
//!
//! - Full-width ASCII becomes half-width, ASCII letters lower-case.
//! - A run of ASCII letters and digits is one token (a *word*), cut at 40.
//! - Every CJK character (Han, kana) is a token of its own.
//! - Anything else separates tokens and leaves a one-position *gap*, so that
//!   `安全，阀门` does not contain the phrase `安全阀`.
//!
//! A phrase is a sequence of tokens at given offsets; a document contains it
//! when the same tokens stand at the same offsets from some position.

/// A token and its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub pos: u32,
}

pub const MAX_WORD: usize = 40;

pub fn normalize(c: char) -> char {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) {
        return char::from_u32(u - 0xFEE0).unwrap_or(c).to_ascii_lowercase();
    }
    if u == 0x3000 {
        return ' ';
    }
    c.to_ascii_lowercase()
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// A walk through the tokens of a text that writes each token's text into
/// a buffer of the caller's: the indexes cut millions of tokens, and a
/// string for each would cost more than the cutting.
pub struct Walk<'a> {
    chars: std::str::Chars<'a>,
    pos: u32,
    started: bool,
    gap: bool,
    /// A CJK character that ended a word: the next token.
    pending: Option<char>,
}

impl<'a> Walk<'a> {
    /// The tokens of `text`, positions from `start`.
    pub fn new(text: &'a str, start: u32) -> Walk<'a> {
        Walk {
            chars: text.chars(),
            pos: start,
            started: false,
            gap: false,
            pending: None,
        }
    }

    /// The position of the next token, one past the last (two past it
    /// after a separator).
    fn advance(&mut self) -> u32 {
        if self.started {
            self.pos += if self.gap { 2 } else { 1 };
        }
        self.started = true;
        self.gap = false;
        self.pos
    }

    /// The next token: its text in `buf` (replacing what was there), its
    /// position returned; `None` at the end.
    pub fn next_into(&mut self, buf: &mut String) -> Option<u32> {
        buf.clear();
        if let Some(c) = self.pending.take() {
            buf.push(c);
            return Some(self.advance());
        }
        while let Some(raw) = self.chars.next() {
            let c = normalize(raw);
            if c.is_ascii_alphanumeric() {
                // A word is ASCII: its length in bytes is its length.
                if buf.len() < MAX_WORD {
                    buf.push(c);
                }
                continue;
            }
            if !buf.is_empty() {
                let at = self.advance();
                if is_cjk(c) {
                    self.pending = Some(c);
                } else {
                    self.gap = true;
                }
                return Some(at);
            }
            if is_cjk(c) {
                buf.push(c);
                return Some(self.advance());
            }
            self.gap = true;
        }
        if buf.is_empty() {
            None
        } else {
            Some(self.advance())
        }
    }
}

/// Tokens of `text`, positions from `start`.
pub fn tokens_from(text: &str, start: u32) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut walk = Walk::new(text, start);
    let mut buf = String::new();
    while let Some(pos) = walk.next_into(&mut buf) {
        out.push(Token {
            text: buf.clone(),
            pos,
        });
    }
    out
}

pub fn tokens(text: &str) -> Vec<Token> {
    tokens_from(text, 0)
}

/// The terms of a query: whitespace separates them.
pub fn query_terms(q: &str) -> Vec<Vec<Token>> {
    q.split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .map(tokens)
        .filter(|t| !t.is_empty())
        .collect()
}

/// The index key of a run of tokens: their texts joined by a space where
/// two stand side by side and by `|` where a separator lies between them
/// (`安 全 阀`, `罚|2025|1001 号`). Mirrored in search.js.
pub fn gram_key(run: &[Token]) -> String {
    let mut k = String::new();
    for (i, t) in run.iter().enumerate() {
        if i > 0 {
            k.push(if t.pos - run[i - 1].pos == 2 {
                '|'
            } else {
                ' '
            });
        }
        k.push_str(&t.text);
    }
    k
}

/// The key under which a whole value (party name, credit code, decision
/// number) is found when the query is exactly that value.
pub fn exact_key(value: &str) -> String {
    let t: Vec<String> = tokens(value).into_iter().map(|t| t.text).collect();
    format!("={}", t.join(" "))
}

/// Which shard holds a key: its FNV-1a hash modulo the number of shards.
/// Mirrored in search.js.
pub fn shard_of(key: &str, shards: u32) -> u32 {
    fnv1a(key) % shards.max(1)
}

/// FNV-1a over UTF-8.
pub fn fnv1a(key: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in key.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x01000193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, u32)> {
        tokens(s).into_iter().map(|t| (t.text, t.pos)).collect()
    }

    #[test]
    fn cjk_words_and_gaps() {
        assert_eq!(
            texts("安全阀 ABC１２３，第00001号"),
            vec![
                ("安".into(), 0),
                ("全".into(), 1),
                ("阀".into(), 2),
                ("abc123".into(), 4),
                ("第".into(), 6),
                ("00001".into(), 7),
                ("号".into(), 8)
            ]
        );
    }

    /// The cut as the module comment states it, one string per token.
    fn cut_plainly(text: &str, start: u32) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        let (mut pos, mut word, mut gap) = (start, String::new(), false);
        let push = |out: &mut Vec<Token>, text: String, gap: &mut bool, pos: &mut u32| {
            if !out.is_empty() {
                *pos += if *gap { 2 } else { 1 };
            }
            *gap = false;
            out.push(Token { text, pos: *pos });
        };
        for c in text.chars().map(normalize) {
            if c.is_ascii_alphanumeric() {
                if word.len() < MAX_WORD {
                    word.push(c);
                }
                continue;
            }
            if !word.is_empty() {
                push(&mut out, std::mem::take(&mut word), &mut gap, &mut pos);
            }
            if is_cjk(c) {
                push(&mut out, c.to_string(), &mut gap, &mut pos);
            } else {
                gap = true;
            }
        }
        if !word.is_empty() {
            push(&mut out, word, &mut gap, &mut pos);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_walk_cuts_as_stated(
            text in "[a-zA-Z0-9Ａ-Ｚ０-９安全阀门〇ぁ-ゖ，、 　.|〔〕-]{0,80}",
            start in 0u32..5000,
        ) {
            proptest::prop_assert_eq!(tokens_from(&text, start), cut_plainly(&text, start));
        }
    }

    #[test]
    fn a_word_is_cut_at_forty_characters() {
        let long = "a".repeat(45);
        let text = format!("{long}安");
        let t = tokens(&text);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].text.len(), MAX_WORD);
        assert_eq!((t[1].text.as_str(), t[1].pos), ("安", 1));
    }

    #[test]
    fn leading_and_trailing_separators_leave_no_gap() {
        assert_eq!(texts("〔2022〕"), vec![("2022".into(), 0)]);
    }

    #[test]
    fn shard_hash_is_fnv1a() {
        // FNV-1a("a") = 0xe40c292c
        assert_eq!(shard_of("a", 1 << 31), 0xe40c292c % (1 << 31));
        assert_eq!(shard_of("a", 7), 0xe40c292c % 7);
    }
}
