//! One document's keys, found from its text alone, as the whole index
//! gives them: what the document adds to each list. Written apart from
//! the index (by text, not by packed keys), and tested against it.

use crate::search::SearchDoc;
use crate::search::index::{BODY, GRAM, MAX_RUN, weight_at};
use crate::search::tokenize::{Token as Tok, Walk, exact_key, gram_key, tokens_from};
use std::collections::BTreeMap;

/// The tokens of a document: the title from 0, the body from [`BODY`].
pub fn tokens(d: &SearchDoc) -> Vec<Tok> {
    tokens_of(&d.title, &d.body)
}

/// The tokens of a document of this title and body.
pub fn tokens_of(title: &str, body: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for (text, from) in [(title, 0), (body, BODY)] {
        let mut walk = Walk::new(text, from);
        while let Some(pos) = walk.next_into(&mut buf) {
            out.push(Tok {
                text: buf.clone(),
                pos,
            });
        }
    }
    out
}

/// The text of a run of tokens as a key: `|` where a separator stands
/// between two tokens, a space where none does.
pub fn text_of(run: &[Tok]) -> String {
    gram_key(run)
}

/// A run of tokens, positions from its first.
pub type Seq = Vec<Tok>;

/// The run `run` with positions from its first token.
pub fn seq_of(run: &[Tok]) -> Seq {
    let base = run.first().map_or(0, |t| t.pos);
    run.iter()
        .map(|t| Tok {
            text: t.text.clone(),
            pos: t.pos - base,
        })
        .collect()
}

/// The tokens of a whole value, as the index reads a party name or an
/// exact value for a phrase key.
pub fn value_seq(value: &str) -> Seq {
    seq_of(&tokens_from(value, 0))
}

/// What one document adds to the lists of its keys.
#[derive(Default, Debug, PartialEq)]
pub struct Keys {
    /// Runs of 1..=GRAM tokens: the document's weight.
    pub grams: BTreeMap<String, u32>,
    /// Runs of GRAM tokens (`@…`): positions, ascending.
    pub spans: BTreeMap<String, Vec<u32>>,
    /// Whole values (`=…`).
    pub exact: Vec<String>,
    /// Runs of GRAM + 1 to MAX_RUN tokens: the run and its positions.
    pub windows: BTreeMap<String, (Seq, Vec<u32>)>,
    /// The tokens, for the phrases found in them.
    pub toks: Vec<Tok>,
}

/// Whether token `i + n - 1` continues the run from `i` (title and body
/// do not run into each other).
fn joined(toks: &[Tok], end: usize) -> bool {
    toks[end].pos - toks[end - 1].pos <= 2
}

pub fn keys(d: &SearchDoc) -> Keys {
    let toks = tokens(d);
    let mut k = Keys::default();
    for i in 0..toks.len() {
        let w = weight_at(toks[i].pos);
        let mut n = 1;
        while n <= MAX_RUN && i + n <= toks.len() {
            if n > 1 && !joined(&toks, i + n - 1) {
                break;
            }
            let run = &toks[i..i + n];
            let text = text_of(run);
            if n <= GRAM {
                let g = k.grams.entry(text.clone()).or_insert(0);
                *g = g.saturating_add(w);
            }
            if n == GRAM {
                k.spans
                    .entry(format!("@{text}"))
                    .or_default()
                    .push(toks[i].pos);
            }
            if n > GRAM {
                k.windows
                    .entry(text)
                    .or_insert_with(|| (seq_of(run), Vec::new()))
                    .1
                    .push(toks[i].pos);
            }
            n += 1;
        }
    }
    k.exact = d
        .exact
        .iter()
        .map(|e| exact_key(e))
        .filter(|e| e.len() > 1)
        .collect();
    k.exact.sort_unstable();
    k.exact.dedup();
    k.toks = toks;
    k
}

impl Keys {
    /// The positions where `seq` stands in the document.
    pub fn places(&self, seq: &Seq) -> Vec<u32> {
        if seq.len() > GRAM && seq.len() <= MAX_RUN {
            return self
                .windows
                .get(&text_of(seq))
                .map(|w| w.1.clone())
                .unwrap_or_default();
        }
        places_in(&self.toks, seq)
    }
}

/// The positions where `seq` stands in `toks`.
pub fn places_in(toks: &[Tok], seq: &Seq) -> Vec<u32> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let at = &toks[i..];
        if at.len() >= seq.len()
            && seq
                .iter()
                .zip(at)
                .all(|(a, b)| a.text == b.text && b.pos - at[0].pos == a.pos)
        {
            out.push(at[0].pos);
        }
    }
    out
}

/// The longest run of CJK characters that stand next to each other in
/// `seq`, as text. A text that holds `seq` holds it as it is: the
/// tokenizer changes no CJK character, and anything between two of them
/// would leave a token or a gap. None if `seq` has no CJK character.
pub fn cjk_needle(seq: &Seq) -> Option<String> {
    let mut best = String::new();
    let mut run = String::new();
    let mut last: Option<u32> = None;
    for t in seq {
        let mut chars = t.text.chars();
        let cjk = match (chars.next(), chars.next()) {
            (Some(c), None) => crate::search::tokenize::is_cjk(c).then_some(c),
            _ => None,
        };
        match cjk {
            Some(c) => {
                if last.is_none_or(|p| t.pos != p + 1) {
                    run.clear();
                }
                run.push(c);
                last = Some(t.pos);
                if run.len() > best.len() {
                    best.clone_from(&run);
                }
            }
            None => {
                run.clear();
                last = None;
            }
        }
    }
    (!best.is_empty()).then_some(best)
}

/// The weight of a document with a key at these positions.
pub fn weight_of(places: &[u32]) -> u32 {
    places
        .iter()
        .fold(0u32, |w, &p| w.saturating_add(weight_at(p)))
}
