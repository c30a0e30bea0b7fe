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

/// Tokens of `text`, positions from `start`.
pub fn tokens_from(text: &str, start: u32) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut pos = start;
    let mut word = String::new();
    let mut gap = false;
    let push = |out: &mut Vec<Token>, text: String, gap: &mut bool, pos: &mut u32| {
        if !out.is_empty() {
            *pos += if *gap { 2 } else { 1 };
        }
        *gap = false;
        out.push(Token { text, pos: *pos });
    };
    for raw in text.chars() {
        let c = normalize(raw);
        if c.is_ascii_alphanumeric() {
            if word.chars().count() < MAX_WORD {
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
