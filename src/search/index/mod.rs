//! The in-memory index: documents in recency order; for every run of one to
//! [`GRAM`] consecutive tokens the documents that hold it, with a weight;
//! for runs of exactly [`GRAM`] tokens also their positions (only terms
//! longer than that need them); documents of exact values.
//!
//! A term of up to [`GRAM`] tokens is answered by one key without any
//! position: a phrase query for a common word costs a list of documents,
//! not a list of every place it occurs. Runs of up to [`MAX_RUN`] tokens
//! at [heavy](Index::heavy) keys have lists of their own
//! ([`Index::add_runs`]), so that a longer term costs light lists: a
//! five-character word in a third of the documents (液化石油气) its list of
//! documents, not the positions of two common runs.

mod doc_keys;
mod documents;
mod keys;
mod list;
mod runs;
use super::tokenize::{Token, Walk, exact_key, tokens_from};
use crate::content::model::Kind;
use crate::publish::{PubBody, PubRecord, PublicSite};
use doc_keys::*;
pub use documents::*;
pub use keys::*;
pub use list::*;
use rayon::prelude::*;
pub use runs::*;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

pub use crate::base::{FastMap, FastSet};

/// Body tokens start here, so that a position tells title from body.
pub const BODY: u32 = 100_000;

/// The facets of a document, in this order.
pub const FACETS: [&str; 6] = ["kind", "region", "sector", "equipment", "year", "status"];
pub const FACET_LABELS: [&str; 6] = ["类别", "地区", "行业领域", "设备类别", "年份", "状态"];

use crate::base::MAX_INDEXED_CHARS;

/// The longest run of tokens indexed as one key.
pub const GRAM: usize = 4;

/// Postings longer than this (in bytes of the static index, as
/// [`List::encoded_size`] estimates them) are heavy: the static index keeps
/// them out of the shards, and runs at heavy keys get lists of their own
/// ([`Index::add_runs`]).
pub const HEAVY: usize = 3_000;

#[derive(Default)]
pub struct Index {
    /// Shared, so that the tantivy index can be built from them while the
    /// postings are written.
    pub docs: Arc<Vec<SearchDoc>>,
    /// The documents indexed: a tier of the static index covers a range
    /// of them ([`super::static_files`]); numbers are places in `docs`.
    pub range: std::ops::Range<usize>,
    /// The words (runs of ASCII letters and digits) met, in order of meeting.
    pub words: Vec<String>,
    word_ids: FastMap<String, u32>,
    /// Key of 1..=GRAM tokens → `doc, weight, doc, weight, …`, documents
    /// ascending; the key space cut into `PARTS` maps.
    pub grams: Vec<KeyMap<List>>,
    /// Key of GRAM tokens → positions (see [`Postings`]).
    pub spans: Vec<KeyMap<List>>,
    pub exact: FastMap<String, Vec<u32>>,
    /// Whole values longer than GRAM tokens (party names, decision numbers)
    /// and every document that contains one as a phrase, anywhere: a query
    /// for a company's full name needs this one list instead of the
    /// positions of common runs like 有限公司 (see [`Phrase`]).
    pub phrases: Vec<Phrase>,
    phrase_ids: FastMap<String, u32>,
    /// Runs of GRAM + 1 to MAX_RUN tokens at heavy keys, by text
    /// ([`Index::add_runs`]).
    pub runs: Vec<Phrase>,
    /// First GRAM tokens of a phrase → the phrases that start so.
    phrase_starts: KeyMap<Vec<u32>>,
    /// Postings of more bytes than this are heavy ([`HEAVY`]; tests set it
    /// low to exercise heavy keys on a small corpus).
    pub heavy: usize,
}

/// A run indexed as one phrase key: a whole value longer than GRAM tokens,
/// or a run of up to MAX_RUN tokens at a heavy key ([`Index::add_runs`]).
pub struct Phrase {
    /// As the browser spells the whole term ([`super::tokenize::gram_key`]).
    pub text: String,
    /// A whole value's token ids and positions relative to the first token,
    /// to find it while the documents are indexed; none for a run, which is
    /// joined from the spans afterwards.
    toks: Vec<Tok>,
    /// `doc, weight, …` like a gram key's list; or, if `at`, positions like
    /// a span key's.
    pub list: List,
    /// Whether `list` holds positions: a light run's does, and so does a
    /// run of MAX_RUN tokens, so that the browser can pin down a longer
    /// term with it.
    pub at: bool,
    /// A heavy run's list holds its documents: the size its positions
    /// would take (what made it heavy), kept for a patch of the tier
    /// ([`crate::search::patch`]); 0 otherwise.
    pub measured: u32,
}

impl Index {
    /// Index these documents, numbered in their order ([`documents`]). Documents are cut in
    /// parallel, a block at a time, so memory stays bounded; the keys of a
    /// block are merged in parallel, one partition of the key space each.
    pub fn from_docs(docs: Vec<SearchDoc>) -> Index {
        Index::with_heavy(docs, HEAVY)
    }

    /// [`Index::from_docs`] with another threshold for heavy postings.
    /// The tokens of documents `start..end`, title then body. A CJK token
    /// is its own id; words get theirs in order of meeting: deterministic.
    fn tokens(&mut self, start: usize, end: usize) -> Vec<Vec<Tok>> {
        let cut: Vec<(Vec<Tok>, Vec<String>)> = self.docs[start..end]
            .par_iter()
            .map(|d| {
                let (mut toks, mut words) = (Vec::new(), Vec::new());
                let mut buf = String::new();
                for (text, from) in [(&d.title, 0), (&d.body, BODY)] {
                    let mut walk = Walk::new(text, from);
                    while let Some(pos) = walk.next_into(&mut buf) {
                        let id = cjk_id(&buf).unwrap_or_else(|| {
                            words.push(buf.clone());
                            UNNAMED
                        });
                        toks.push(Tok { id, pos });
                    }
                }
                (toks, words)
            })
            .collect();
        cut.into_iter()
            .map(|(mut toks, words)| {
                let unnamed = toks.iter_mut().filter(|t| t.id == UNNAMED);
                for (t, word) in unnamed.zip(words) {
                    t.id = self.word_id(word);
                }
                toks
            })
            .collect()
    }

    pub fn with_heavy(mut docs: Vec<SearchDoc>, heavy: usize) -> Index {
        sort_docs(&mut docs);
        let n = docs.len();
        Index::over(Arc::new(docs), 0..n, heavy)
    }

    /// Index the documents `range` of `docs`, which are in the order of
    /// their numbers ([`documents`]).
    pub fn over(docs: Arc<Vec<SearchDoc>>, range: std::ops::Range<usize>, heavy: usize) -> Index {
        let mut index = Index {
            docs,
            range: range.clone(),
            heavy,
            grams: (0..PARTS).map(|_| KeyMap::default()).collect(),
            spans: (0..PARTS).map(|_| KeyMap::default()).collect(),
            ..Index::default()
        };
        index.collect_phrases();
        const BLOCK: usize = 256;
        for start in range.clone().step_by(BLOCK) {
            let end = (start + BLOCK).min(range.end);
            let toks = index.tokens(start, end);
            let keys: Vec<DocKeys> = toks
                .par_iter()
                .zip(index.docs[start..end].par_iter())
                .map(|(t, d)| doc_keys(t, d, &index.phrases, &index.phrase_starts))
                .collect();
            rayon::join(
                || {
                    index
                        .grams
                        .par_iter_mut()
                        .zip(index.spans.par_iter_mut())
                        .enumerate()
                        .for_each(|(p, (grams, spans))| add_part(p, grams, spans, &keys, start))
                },
                || {
                    for (k, dk) in keys.iter().enumerate() {
                        let id = (start + k) as u32;
                        for e in &dk.exact {
                            index.exact.entry(e.clone()).or_default().push(id);
                        }
                        for &(p, weight) in &dk.phrases {
                            let list = &mut index.phrases[p as usize].list;
                            list.doc(id);
                            list.put(weight);
                        }
                    }
                },
            );
        }
        index
    }

    /// Whether a list is heavy.
    pub fn is_heavy(&self, list: &List) -> bool {
        list.encoded_size() > self.heavy
    }

    /// Give runs of GRAM + 1 to MAX_RUN tokens at heavy keys lists of their
    /// own, so that the browser never needs a heavy list of positions to
    /// pin down a term of up to MAX_RUN tokens:
    ///
    /// - a run of m tokens gets one if its first or last m − 1 tokens are
    ///   heavy (a heavy span for m = GRAM + 1, a heavy run after that);
    /// - a heavy run's list holds its documents (and the browser uses it only
    ///   for a term that is the run itself); a light run's holds positions,
    ///   and so does every run of MAX_RUN tokens, heavy or light.
    ///
    /// So a term longer than GRAM tokens is pinned down by light lists:
    /// from each heavy span of the term the next longer run, until one is
    /// light; and a run that would have a list but has none occurs nowhere.
    /// A term longer than MAX_RUN tokens whose runs of MAX_RUN tokens are
    /// still heavy is pinned down by their positions, never by a heavy
    /// span's: a phrase that long is rarer than its pieces.
    ///
    /// A run is joined from a heavy run one shorter and the span at its
    /// other end: `t₀…tₘ` stands at `p` where `t₀…tₘ₋₁` does and the span
    /// `tₘ₋₃…tₘ` stands at the position of `tₘ₋₃`. A run that is a whole
    /// value (a phrase key already) takes the run's list. The static index
    /// does this once the grams are written and freed; queries in Rust find
    /// the same documents without the runs, from the positions.
    pub fn add_runs(&mut self) {
        let runs = self.join_runs();
        self.name_runs(runs);
    }

    /// The runs of [`Index::add_runs`], joined from the spans.
    pub fn join_runs(&self) -> Runs {
        let all: Vec<(Key, &List)> = self
            .spans
            .iter()
            .flat_map(|m| m.iter())
            .map(|(k, l)| (*k, l))
            .collect();
        // Every span by its first GRAM − 1 tokens, and by its last.
        let by = |from: usize| {
            let mut v: Vec<(Key, Key, &List)> = all
                .iter()
                .map(|&(k, l)| (run_key(&run_of(k), from, from + GRAM - 1), k, l))
                .collect();
            v.par_sort_unstable_by_key(|e| (e.0, e.1));
            v
        };
        let (by_head, by_tail) = (by(0), by(1));
        fn with<'v, 'l>(v: &'v [(Key, Key, &'l List)], part: Key) -> &'v [(Key, Key, &'l List)] {
            let a = v.partition_point(|e| e.0 < part);
            let b = v.partition_point(|e| e.0 <= part);
            &v[a..b]
        }
        let heavy_spans: Vec<(Run, &List)> = all
            .iter()
            .filter(|(_, l)| self.is_heavy(l))
            .map(|&(k, l)| (run_of(k), l))
            .collect();
        let mut runs: Vec<(Run, List, bool, u32)> = Vec::new();
        let mut heavy_runs: Vec<(Run, List)> = Vec::new();
        for m in GRAM + 1..=MAX_RUN {
            let next: Vec<(Run, List)> = {
                let prev: Vec<(Run, &List)> = if m == GRAM + 1 {
                    heavy_spans.clone()
                } else {
                    heavy_runs.iter().map(|(r, l)| (*r, l)).collect()
                };
                if prev.is_empty() {
                    break;
                }
                let heavy_prev: std::collections::HashSet<Run> = prev.iter().map(|p| p.0).collect();
                let found: Vec<(Run, List)> = prev
                    .par_iter()
                    .flat_map_iter(|&(h, list)| {
                        let here = places(list);
                        let mut out =
                            right_of(h, &here, with(&by_head, run_key(&h, m - GRAM, m - 1)));
                        out.extend(left_of(
                            h,
                            &here,
                            with(&by_tail, run_key(&h, 0, GRAM - 1)),
                            &heavy_prev,
                        ));
                        out
                    })
                    .collect();
                let (heavy, light): (Vec<_>, Vec<_>) =
                    found.into_iter().partition(|(_, l)| self.is_heavy(l));
                runs.extend(light.into_iter().map(|(r, l)| (r, l, true, 0)));
                if m == MAX_RUN {
                    // The longest runs keep their positions, heavy or not:
                    // a longer term is pinned down by them.
                    runs.extend(heavy.into_iter().map(|(r, l)| (r, l, true, 0)));
                    Vec::new()
                } else {
                    runs.extend(heavy.iter().map(|(r, l)| {
                        let measured = u32::try_from(l.encoded_size()).unwrap_or(u32::MAX);
                        (*r, weights_of(l), false, measured)
                    }));
                    heavy
                }
            };
            heavy_runs = next;
        }
        Runs(runs)
    }

    /// Name the runs and keep them, by text (the spans may be gone).
    pub fn name_runs(&mut self, runs: Runs) {
        let mut named: Vec<Phrase> = runs
            .0
            .into_par_iter()
            .map(|(r, list, at, measured)| Phrase {
                text: self.run_text(&r),
                toks: Vec::new(),
                list,
                at,
                measured,
            })
            .collect();
        named.par_sort_unstable_by(|a, b| a.text.cmp(&b.text));
        self.runs = named;
    }

    /// The run of this text, if there is one.
    pub fn run(&self, text: &str) -> Option<&Phrase> {
        let i = self
            .runs
            .binary_search_by(|p| p.text.as_str().cmp(text))
            .ok()?;
        self.runs.get(i)
    }

    /// A run as the browser spells it.
    fn run_text(&self, r: &Run) -> String {
        let mut s = String::with_capacity(4 * MAX_RUN);
        for (i, &t) in r[..run_len(r)].iter().enumerate() {
            if i > 0 {
                s.push(if tok_gap(t) { '|' } else { ' ' });
            }
            self.push_token(&mut s, tok_id(t));
        }
        s
    }

    /// The party names and exact values of all documents that are longer
    /// than GRAM tokens, each once, in order of meeting.
    fn collect_phrases(&mut self) {
        let mut values: Vec<String> = Vec::new();
        for d in &self.docs[self.range.clone()] {
            values.extend(d.party.iter().cloned());
            values.extend(d.exact.iter().cloned());
        }
        for v in values {
            let tokens = tokens_from(&v, 0);
            if tokens.len() <= GRAM {
                continue;
            }
            let text = super::tokenize::gram_key(&tokens);
            if self.phrase_ids.contains_key(&text) {
                continue;
            }
            let toks: Vec<Tok> = tokens.into_iter().map(|t| self.tok(t)).collect();
            let base = toks[0].pos;
            let toks: Vec<Tok> = toks
                .into_iter()
                .map(|t| Tok {
                    id: t.id,
                    pos: t.pos - base,
                })
                .collect();
            let start = pack(&toks[..GRAM]);
            let id = self.phrases.len() as u32;
            self.phrase_ids.insert(text.clone(), id);
            self.phrase_starts.entry(start).or_default().push(id);
            self.phrases.push(Phrase {
                text,
                toks,
                list: List::default(),
                at: false,
                measured: 0,
            });
        }
    }

    /// `doc, weight, …` of a term that is a whole phrase key, if it is one.
    pub fn phrase(&self, run: &[Token]) -> Option<Vec<u32>> {
        let text = super::tokenize::gram_key(run);
        let p = match self.phrase_ids.get(&text) {
            Some(&id) => self.phrases.get(id as usize)?,
            None => self.run(&text)?,
        };
        if p.list.is_empty() {
            None
        } else if p.at {
            Some(weights_of(&p.list).grams())
        } else {
            Some(p.list.grams())
        }
    }

    fn tok(&mut self, t: Token) -> Tok {
        let id = match cjk_id(&t.text) {
            Some(id) => id,
            None => self.word_id(t.text),
        };
        Tok { id, pos: t.pos }
    }

    /// The id of a word, given in order of meeting.
    fn word_id(&mut self, word: String) -> u32 {
        match self.word_ids.get(&word) {
            Some(id) => *id,
            None => {
                // 2²⁷ − 2¹⁸ distinct words is far beyond any site the
                // limits allow; past it, words share the last id (and
                // search for them degrades) rather than corrupt keys.
                let id = (WORD_BASE as usize + self.words.len()).min((1 << ID_BITS) - 1) as u32;
                self.word_ids.insert(word.clone(), id);
                self.words.push(word);
                id
            }
        }
    }

    /// The packed key of a run of query tokens; `None` when a word in it was
    /// never indexed (then nothing can match).
    pub fn key(&self, run: &[Token]) -> Option<Key> {
        let mut toks = Vec::with_capacity(run.len());
        for t in run {
            let id = match cjk_id(&t.text) {
                Some(id) => id,
                None => *self.word_ids.get(&t.text)?,
            };
            toks.push(Tok { id, pos: t.pos });
        }
        Some(pack(&toks))
    }

    /// The text form of a packed key, as the browser spells it
    /// ([`super::tokenize::gram_key`]).
    pub fn key_text(&self, key: Key) -> String {
        let mut s = String::new();
        self.key_text_into(key, &mut s);
        s
    }

    /// [`Index::key_text`] appended to `s`: for the million keys of a
    /// large site, without a string (or a list of tokens) for each.
    pub fn key_text_into(&self, key: Key, s: &mut String) {
        for (i, (id, gap)) in unpack(key).enumerate() {
            if i > 0 {
                s.push(if gap { '|' } else { ' ' });
            }
            self.push_token(s, id);
        }
    }

    /// Append the text of a token id: a CJK character, or a word.
    fn push_token(&self, s: &mut String, id: u32) {
        if id >= WORD_BASE {
            s.push_str(
                self.words
                    .get((id - WORD_BASE) as usize)
                    .map_or("", String::as_str),
            );
        } else {
            s.extend(char::from_u32(id));
        }
    }

    /// Free the postings once they are written; the documents stay.
    pub fn drop_postings(&mut self) {
        self.grams = Vec::new();
        self.spans = Vec::new();
        self.exact = FastMap::default();
        self.phrases = Vec::new();
        self.phrase_ids = FastMap::default();
        self.runs = Vec::new();
        self.phrase_starts = KeyMap::default();
        self.words = Vec::new();
        self.word_ids = FastMap::default();
    }

    /// `doc, weight, …` of a run of 1..=GRAM tokens.
    pub fn gram(&self, run: &[Token]) -> Option<Vec<u32>> {
        let k = self.key(run)?;
        self.grams.get(part_of(k))?.get(&k).map(List::grams)
    }

    /// Positions of a run of GRAM tokens.
    pub fn span(&self, run: &[Token]) -> Option<Postings> {
        let k = self.key(run)?;
        self.spans.get(part_of(k))?.get(&k).map(List::spans)
    }
}

/// Part `p` of the gram and span lists: each document of a block (the
/// first numbered `start`) adds its keys of that part.
fn add_part(
    p: usize,
    grams: &mut KeyMap<List>,
    spans: &mut KeyMap<List>,
    keys: &[DocKeys],
    start: usize,
) {
    for (k, dk) in keys.iter().enumerate() {
        let id = (start + k) as u32;
        let mine = |starts: &[u32; PARTS + 1]| (starts[p] as usize, starts[p + 1] as usize);
        let (a, b) = mine(&dk.gram_parts);
        for &(_, key, weight) in &dk.grams[a..b] {
            let list = grams.entry(key).or_default();
            list.doc(id);
            list.put(weight);
        }
        let (a, b) = mine(&dk.span_parts);
        let mine = &dk.spans[a..b];
        let mut i = 0;
        while i < mine.len() {
            let key = mine[i].1;
            let j = mine[i..]
                .iter()
                .position(|s| s.1 != key)
                .map_or(mine.len(), |n| i + n);
            spans
                .entry(key)
                .or_default()
                .positions(id, mine[i..j].iter().map(|s| s.2));
            i = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A packed key reads back as its tokens, in order (the first with
        /// no separator before it), and its text is theirs with the
        /// separators between them.
        #[test]
        fn a_packed_key_reads_back_as_its_tokens(
            parts in proptest::collection::vec((0x4E00u32..0x9FA5, proptest::bool::ANY), 1..=GRAM),
        ) {
            let key = pack_parts(&parts);
            let mut want: Vec<(u32, bool)> = parts.clone();
            want[0].1 = false;
            proptest::prop_assert_eq!(unpack(key).collect::<Vec<_>>(), want.clone());
            let mut text = String::new();
            for (i, (id, gap)) in want.into_iter().enumerate() {
                if i > 0 {
                    text.push(if gap { '|' } else { ' ' });
                }
                text.extend(char::from_u32(id));
            }
            proptest::prop_assert_eq!(Index::default().key_text(key), text);
        }
    }
}
