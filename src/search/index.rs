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

use super::tokenize::{Token, Walk, exact_key, tokens_from};
use crate::content::model::Kind;
use crate::publish::{PubBody, PubRecord, PublicSite};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

pub use crate::base::{FastMap, FastSet};

/// A multiplicative hash for packed [`Key`]s.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = (k ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u128(&mut self, k: u128) {
        self.0 = ((k as u64) ^ ((k >> 64) as u64).rotate_left(23) ^ self.0)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;

/// A run of 1..=GRAM tokens packed into one number, so that the index never
/// builds a string per occurrence: per token 27 bits of token id and one bit
/// saying whether a separator stands before it, then 3 bits of length.
/// A CJK token's id is its code point; a word's id is `WORD_BASE` plus its
/// number in [`Index::words`].
pub type Key = u128;
const ID_BITS: u32 = 27;
const WORD_BASE: u32 = 0x4_0000;
/// Partitions of the key space, merged in parallel.
const PARTS: usize = 8;

pub fn part_of(k: Key) -> usize {
    let h = ((k as u64) ^ ((k >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 61) as usize % PARTS
}

/// A token as the index holds it: id and position.
#[derive(Clone, Copy)]
struct Tok {
    id: u32,
    pos: u32,
}

/// The id of a token that is one CJK character: the character itself.
fn cjk_id(text: &str) -> Option<u32> {
    let mut cs = text.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) if super::tokenize::is_cjk(c) => Some(c as u32),
        _ => None,
    }
}

/// A word's id while it is not yet given ([`Index::with_heavy`]): no id
/// is this large.
const UNNAMED: u32 = u32::MAX;

fn pack(run: &[Tok]) -> Key {
    let mut k: Key = 0;
    for (i, t) in run.iter().enumerate() {
        let gap = i > 0 && t.pos - run[i - 1].pos == 2;
        k = (k << (ID_BITS + 1)) | (Key::from(gap) << ID_BITS) | Key::from(t.id);
    }
    (k << 3) | run.len() as Key
}

/// The tokens of a packed key, first first: id, and whether a separator
/// stands before it. Read in place: the last token is in the lowest bits.
fn unpack(key: Key) -> impl Iterator<Item = (u32, bool)> {
    let n = (key & 7) as u32;
    let k = key >> 3;
    (0..n).map(move |i| {
        let part = k >> ((n - 1 - i) * (ID_BITS + 1));
        let id = (part & ((1 << ID_BITS) - 1)) as u32;
        (id, (part >> ID_BITS) & 1 == 1)
    })
}

/// Pack tokens given as (id, separator before); the first has none.
fn pack_parts(parts: &[(u32, bool)]) -> Key {
    let mut k: Key = 0;
    for (i, &(id, gap)) in parts.iter().enumerate() {
        k = (k << (ID_BITS + 1)) | (Key::from(gap && i > 0) << ID_BITS) | Key::from(id);
    }
    (k << 3) | parts.len() as Key
}

/// The longest run of tokens that [`Index::add_runs`] gives a list of its
/// own: twelve, so that an agency's name with what follows it
/// (基准市市场监督管理局对…) is a run; a longer term is pinned down by the
/// positions of runs this long.
pub const MAX_RUN: usize = 12;

/// A run of up to MAX_RUN tokens: per token its id and, in bit `ID_BITS`,
/// whether a separator stands before it (never before the first); zeros
/// after the last (no token has id 0).
type Run = [u32; MAX_RUN];

fn tok_id(t: u32) -> u32 {
    t & ((1 << ID_BITS) - 1)
}

fn tok_gap(t: u32) -> bool {
    t >> ID_BITS == 1
}

fn run_of(key: Key) -> Run {
    let mut r = [0; MAX_RUN];
    for (i, (id, gap)) in unpack(key).enumerate().take(MAX_RUN) {
        r[i] = id | (u32::from(gap && i > 0) << ID_BITS);
    }
    r
}

fn run_len(r: &Run) -> usize {
    r.iter().position(|&t| t == 0).unwrap_or(MAX_RUN)
}

/// Tokens `from..to` (at most GRAM) of a run as a packed key of their own.
fn run_key(r: &Run, from: usize, to: usize) -> Key {
    let parts: Vec<(u32, bool)> = r[from..to]
        .iter()
        .map(|&t| (tok_id(t), tok_gap(t)))
        .collect();
    pack_parts(&parts)
}

/// Where token `i` of a run stands, relative to the first.
fn offset(r: &Run, i: usize) -> u32 {
    r[1..=i]
        .iter()
        .map(|&t| if tok_gap(t) { 2 } else { 1 })
        .sum()
}

/// Builds a list of positions (as [`List::spans`] reads it) from
/// occurrences met in order of document and position.
#[derive(Default)]
struct Positions {
    list: List,
    doc: Option<u32>,
    at: Vec<u32>,
}

impl Positions {
    /// An occurrence at [`at_key`]`(doc, pos)`.
    fn push(&mut self, at: u64) {
        let (doc, pos) = ((at >> 32) as u32, at as u32);
        if self.doc != Some(doc) {
            self.flush();
            self.doc = Some(doc);
        }
        self.at.push(pos);
    }
    fn flush(&mut self) {
        if let Some(d) = self.doc.take() {
            self.list.positions(d, self.at.iter().copied());
            self.at.clear();
        }
    }
    fn finish(mut self) -> List {
        self.flush();
        self.list.bytes.shrink_to_fit();
        self.list
    }
}

/// `doc, weight, …` from a list of positions.
fn weights_of(positions: &List) -> List {
    let mut out = List::default();
    let mut weight = 0u32;
    positions.each_position(|doc, n, i, pos| {
        if i == 0 {
            weight = 0;
        }
        weight = weight.saturating_add(weight_at(pos));
        if i + 1 == n {
            out.doc(doc);
            out.put(weight);
        }
    });
    out.bytes.shrink_to_fit();
    out
}

/// Where an occurrence stands: `doc << 32 | position`.
fn at_key(doc: u32, pos: u32) -> u64 {
    u64::from(doc) << 32 | u64::from(pos)
}

/// Body tokens start here, so that a position tells title from body.
pub const BODY: u32 = 100_000;

/// The facets of a document, in this order.
pub const FACETS: [&str; 6] = ["kind", "region", "sector", "equipment", "year", "status"];
pub const FACET_LABELS: [&str; 6] = ["类别", "地区", "行业领域", "设备类别", "年份", "状态"];

#[derive(Debug, Clone, Serialize)]
pub struct SearchDoc {
    pub kind: Kind,
    pub id: String,
    pub url: String,
    pub title: String,
    pub date: chrono::NaiveDate,
    pub party: Option<String>,
    /// The opening of the body, for the snippet.
    pub summary: String,
    pub facets: [String; 6],
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub exact: Vec<String>,
}

use crate::base::MAX_INDEXED_CHARS;

/// The longest run of tokens indexed as one key.
pub const GRAM: usize = 4;

/// Postings longer than this (in bytes of the static index, as
/// [`List::encoded_size`] estimates them) are heavy: the static index keeps
/// them out of the shards, and runs at heavy keys get lists of their own
/// ([`Index::add_runs`]).
pub const HEAVY: usize = 3_000;

/// What one occurrence adds to a document's weight for a key: ten in the
/// title, one in the body.
pub fn weight_at(pos: u32) -> u32 {
    if pos < BODY { 10 } else { 1 }
}

/// Positions of a span key, flat: `doc, n, pos₁ … posₙ, doc, n, …`, documents
/// ascending. One allocation per key, not per (key, document).
pub type Postings = Vec<u32>;

/// Decode flat postings into (document, positions).
pub fn decode(p: &[u32]) -> Vec<(u32, &[u32])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < p.len() {
        let doc = p[i];
        let n = p[i + 1] as usize;
        let end = (i + 2 + n).min(p.len());
        out.push((doc, &p[i + 2..end]));
        i = end;
    }
    out
}

/// A postings list as the index keeps it while building: numbers as
/// variable-length bytes, documents as differences (a fifth of the memory
/// of plain `u32`s). [`List::grams`] and [`List::spans`] give back the
/// plain forms.
#[derive(Default)]
pub struct List {
    last: u32,
    bytes: Vec<u8>,
}

impl List {
    fn put(&mut self, mut v: u32) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }
    fn doc(&mut self, doc: u32) {
        self.put(doc - self.last);
        self.last = doc;
    }
    /// A document and its positions, ascending (as [`List::spans`] reads
    /// them).
    fn positions(&mut self, doc: u32, ps: impl ExactSizeIterator<Item = u32>) {
        self.doc(doc);
        self.put(ps.len() as u32);
        let mut last = 0;
        for p in ps {
            self.put(p - last);
            last = p;
        }
    }
    /// Bytes held.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    /// About how many bytes the list takes in the static index.
    pub fn encoded_size(&self) -> usize {
        2 * self.len() + 2
    }
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            let mut v: u32 = 0;
            let mut shift = 0;
            while let Some(b) = self.bytes.get(i) {
                i += 1;
                v |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
                if b & 0x80 == 0 {
                    return Some(v);
                }
                shift += 7;
            }
            None
        })
    }
    /// The numbers as they are kept: `Δdoc, weight, …` for a list of
    /// documents, `Δdoc, n, pos₁, pos₂ − pos₁, …` for one of positions.
    pub fn stored(&self) -> impl Iterator<Item = u32> + '_ {
        self.numbers()
    }
    /// `doc, weight, doc, weight, …`
    pub fn grams(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut it = self.numbers();
        let mut doc = 0;
        while let (Some(d), Some(w)) = (it.next(), it.next()) {
            doc += d;
            out.push(doc);
            out.push(w);
        }
        out
    }
    /// `doc, n, pos₁ … posₙ, …` (see [`Postings`]).
    pub fn spans(&self) -> Postings {
        let mut out = Vec::new();
        self.each_position(|doc, n, i, pos| {
            if i == 0 {
                out.push(doc);
                out.push(n);
            }
            out.push(pos);
        });
        out
    }
    /// Each occurrence of a list of positions, in order: its document, the
    /// number of positions in it, its index among them, and its position.
    fn each_position(&self, mut f: impl FnMut(u32, u32, u32, u32)) {
        let mut it = self.numbers();
        let mut doc = 0;
        while let (Some(d), Some(n)) = (it.next(), it.next()) {
            doc += d;
            let mut pos = 0;
            for i in 0..n {
                let Some(p) = it.next() else { break };
                pos = if i == 0 { p } else { pos + p };
                f(doc, n, i, pos);
            }
        }
    }
}

#[derive(Default)]
pub struct Index {
    /// Shared, so that the tantivy index can be built from them while the
    /// postings are written.
    pub docs: Arc<Vec<SearchDoc>>,
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
}

const SUMMARY_CHARS: usize = 120;

fn opt(body: &mut Vec<String>, s: &Option<String>) {
    if let Some(s) = s {
        body.push(s.clone());
    }
}

/// The searchable text of a record: the title, then its public fields.
fn doc_of(r: &PubRecord) -> SearchDoc {
    let mut body: Vec<String> = Vec::new();
    let mut exact = vec![r.id.clone()];
    if let Some(p) = &r.party {
        opt(&mut body, &Some(p.name.clone()));
        opt(&mut body, &p.code);
        exact.push(p.name.clone());
        if let Some(c) = &p.code {
            exact.push(c.clone());
        }
    }
    match &r.body {
        PubBody::Case(c) => {
            body.push(c.keywords.join("、"));
            body.push(c.gist.clone());
            body.push(c.inspector.clone());
            body.push(c.facts.clone());
            body.push(c.result.measures.join("、"));
            opt(&mut body, &c.result.note);
            opt(&mut body, &c.analysis.responsibility);
            opt(&mut body, &c.analysis.institutions);
            opt(&mut body, &c.analysis.factors);
            body.extend(c.advice.iter().cloned());
        }
        PubBody::Action(a) => {
            opt(&mut body, &a.doc_no);
            if let Some(d) = &a.doc_no {
                exact.push(d.clone());
            }
            body.push(a.measure.clone());
            body.push(a.classes.join("、"));
            body.push(a.authority.clone());
            body.push(a.reason.clone());
            opt(&mut body, &a.basis);
            opt(&mut body, &a.content);
        }
        PubBody::Hazard(h) => {
            body.push(h.content.clone());
            body.push(h.measures.clone());
            body.push(h.inspector.clone());
            body.push(h.listing_unit.clone());
            body.push(h.resp_unit.clone());
        }
        PubBody::Accountability(a) => {
            body.push(a.cause.clone());
            body.push(a.form.clone());
        }
        PubBody::Clue(c) => {
            opt(&mut body, &c.assign_no);
            if let Some(d) = &c.assign_no {
                exact.push(d.clone());
            }
            body.push(c.kind.clone());
            body.push(c.locality.clone());
            opt(&mut body, &c.assign_unit);
            body.extend(c.results.iter().map(|x| format!("{}：{}", x.item, x.text)));
            body.extend(c.progress.iter().map(|x| x.text.clone()));
            opt(&mut body, &c.reply);
        }
        PubBody::Blacklist(b) => {
            body.push(b.doc_no.clone());
            exact.push(b.doc_no.clone());
            opt(&mut body, &b.representative);
            body.push(b.cause.clone());
            body.push(b.basis.clone());
            body.push(b.authority.clone());
        }
        PubBody::Page(p) => body.push(p.body.clone()),
        PubBody::Daily(_) => {}
    }
    for c in &r.corrections {
        body.push(c.text.clone());
    }
    // The facets are words people search for too (气瓶, 城关镇).
    for v in [&r.region, &r.sector, &r.equipment].into_iter().flatten() {
        body.push(v.clone());
    }
    let body: Vec<String> = body.into_iter().filter(|s| !s.trim().is_empty()).collect();
    let mut joined = body.join("\n");
    // What a record's text can cost the indexes is bounded: every
    // position of the text is the start of up to GRAM keys, and the text
    // of a record may be a megabyte.
    if let Some((cut, _)) = joined.char_indices().nth(MAX_INDEXED_CHARS) {
        joined.truncate(cut);
    }
    let summary_src = match &r.body {
        PubBody::Case(c) => c.gist.clone(),
        PubBody::Action(a) => a.reason.clone(),
        PubBody::Hazard(h) => h.content.clone(),
        PubBody::Accountability(a) => a.cause.clone(),
        PubBody::Clue(c) => c
            .results
            .first()
            .map(|x| x.text.clone())
            .unwrap_or_else(|| c.kind.clone()),
        PubBody::Blacklist(b) => b.cause.clone(),
        _ => joined.clone(),
    };
    let summary: String = summary_src
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(SUMMARY_CHARS)
        .collect();
    let status = r
        .status
        .as_ref()
        .map(|s| s.label().to_string())
        .unwrap_or_default();
    let region = r.region.clone().or_else(|| match &r.body {
        PubBody::Clue(c) => Some(c.locality.clone()),
        _ => None,
    });
    SearchDoc {
        kind: r.kind,
        id: r.id.clone(),
        url: r.url.clone(),
        title: r.title.clone(),
        date: r.published,
        party: r.party.as_ref().map(|p| p.name.clone()),
        summary,
        facets: [
            r.kind.label().to_string(),
            region.unwrap_or_default(),
            r.sector.clone().unwrap_or_default(),
            r.equipment.clone().unwrap_or_default(),
            r.published.format("%Y").to_string(),
            status,
        ],
        body: joined,
        exact,
    }
}

/// What the search covers: every listed record of the listed kinds and the
/// free pages; not previews, not removal notices, not daily tallies.
pub fn searchable<'p, 'a>(public: &'p PublicSite<'a>) -> impl Iterator<Item = &'p PubRecord<'a>> {
    public
        .records
        .iter()
        .filter(|r| r.preview.is_none() && r.kind != Kind::Daily)
}

/// The searchable documents, newest first (the index's numbering).
pub fn documents(public: &PublicSite) -> Vec<SearchDoc> {
    let mut docs: Vec<SearchDoc> = searchable(public)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|r| doc_of(r))
        .collect();
    sort_docs(&mut docs);
    docs
}

fn sort_docs(docs: &mut [SearchDoc]) {
    docs.sort_by(|a, b| {
        (std::cmp::Reverse(a.date), a.kind, &a.id).cmp(&(std::cmp::Reverse(b.date), b.kind, &b.id))
    });
}

/// Where a list's occurrences stand, `doc << 32 | position`, ascending.
fn places(list: &List) -> Vec<u64> {
    let mut out = Vec::with_capacity(list.len() / 2);
    list.each_position(|doc, _, _, pos| out.push(at_key(doc, pos)));
    out
}

/// The first index from `from` on whose element is not `below` (which the
/// element at `from` is), by galloping.
fn gallop(v: &[u64], from: usize, below: impl Fn(u64) -> bool) -> usize {
    let mut lo = from;
    let mut step = 1;
    while lo + step < v.len() && below(v[lo + step]) {
        lo += step;
        step *= 2;
    }
    let end = (lo + step + 1).min(v.len());
    lo + 1 + v[lo + 1..end].partition_point(|&x| below(x))
}

/// Every place `x` of list `b` and place `p` of `a` with `p + a_shift`
/// equal to `x + b_shift` (both ascending; the shifts stay within the
/// document), as `hit(p, x)`. `b` is read as it goes, never decoded into
/// a copy: a span's list is met with many heavy runs.
fn meet_list(a: &[u64], a_shift: u64, b: &List, b_shift: u64, mut hit: impl FnMut(u64, u64)) {
    let mut i = 0;
    b.each_position(|doc, _, _, pos| {
        let x = at_key(doc, pos);
        let y = x + b_shift;
        if i < a.len() && a[i] + a_shift < y {
            i = gallop(a, i, |v| v + a_shift < y);
        }
        if i < a.len() && a[i] + a_shift == y {
            hit(a[i], x);
            i += 1;
        }
    });
}

/// The runs one token longer than heavy run `h`: `h` followed by the last
/// token of each span in `rights` (spans whose first GRAM − 1 tokens are
/// the last of `h`), with their positions.
fn right_of(h: Run, here: &[u64], rights: &[(Key, Key, &List)]) -> Vec<(Run, List)> {
    let n = run_len(&h);
    let off = u64::from(offset(&h, n + 1 - GRAM));
    let mut out = Vec::new();
    for &(_, k, l) in rights {
        let mut found = Positions::default();
        meet_list(here, off, l, 0, |p, _| found.push(p));
        let list = found.finish();
        if !list.is_empty() {
            let mut r = h;
            r[n] = run_of(k)[GRAM - 1];
            out.push((r, list));
        }
    }
    out
}

/// The runs one token longer than heavy run `h`: the first token of each
/// span in `lefts` (spans whose last GRAM − 1 tokens are the first of `h`)
/// followed by `h`, with their positions; but not those whose first
/// tokens are a heavy run too (in `heavy`): [`right_of`] finds those.
fn left_of(
    h: Run,
    here: &[u64],
    lefts: &[(Key, Key, &List)],
    heavy: &std::collections::HashSet<Run>,
) -> Vec<(Run, List)> {
    let n = run_len(&h);
    let mut out = Vec::new();
    for &(_, k, l) in lefts {
        let span = run_of(k);
        let mut r = [0; MAX_RUN];
        r[0] = span[0];
        r[1..=n].copy_from_slice(&h[..n]);
        r[1] = span[1];
        let mut head = r;
        head[n] = 0;
        if heavy.contains(&head) {
            continue;
        }
        let step = if tok_gap(span[1]) { 2 } else { 1 };
        let mut found = Positions::default();
        meet_list(here, 0, l, step, |_, x| found.push(x));
        let list = found.finish();
        if !list.is_empty() {
            out.push((r, list));
        }
    }
    out
}

/// Runs joined, not yet named ([`Index::join_runs`]): tokens, list, and
/// whether the list holds positions.
pub struct Runs(Vec<(Run, List, bool)>);

/// Build the index. Documents are numbered newest first.
pub fn build(public: &PublicSite) -> Index {
    Index::from_docs(documents(public))
}

/// The keys of one document: runs of tokens with their weight, runs of
/// GRAM tokens with their positions, exact values.
struct DocKeys {
    /// Partition, key, weight; by partition, then key.
    grams: Vec<(u8, Key, u32)>,
    /// Partition, key, position; by partition, key, position.
    spans: Vec<(u8, Key, u32)>,
    /// Where each partition's grams and spans begin (and the last ends):
    /// the merge of a partition goes straight to its entries.
    gram_parts: [u32; PARTS + 1],
    span_parts: [u32; PARTS + 1],
    exact: Vec<String>,
    /// Phrase number and weight.
    phrases: Vec<(u32, u32)>,
}

/// One entry per key, with the sum of its weights (keys sorted, equal keys
/// next to each other).
fn sum_weights<K: PartialEq>(v: &mut Vec<(K, u32)>) {
    sum_weights_by(v, |e| &mut e.0, |e| &mut e.1);
}

/// [`sum_weights`] of entries with their key and weight where `key` and
/// `weight` find them.
fn sum_weights_by<T, K: PartialEq>(
    v: &mut Vec<T>,
    key: impl Fn(&mut T) -> &mut K,
    weight: impl Fn(&mut T) -> &mut u32,
) {
    v.dedup_by(|b, a| {
        if key(a) == key(b) {
            *weight(a) = weight(a).saturating_add(*weight(b));
            true
        } else {
            false
        }
    });
}

/// Whether the phrase's tokens stand at `toks[i..]`, in the same spacing.
fn phrase_at(p: &Phrase, toks: &[Tok], i: usize) -> bool {
    toks.len() >= i + p.toks.len()
        && p.toks
            .iter()
            .zip(&toks[i..])
            .all(|(a, b)| a.id == b.id && b.pos.checked_sub(toks[i].pos) == Some(a.pos))
}

/// Entries sorted by partition, then by `within`: put in their partition
/// first (one pass, as a counting sort), then each partition sorted on its
/// own, which takes fewer and cheaper comparisons than sorting the whole.
/// Also where each partition begins.
fn by_part(
    v: Vec<(u8, Key, u32)>,
    within: impl Fn(&(u8, Key, u32), &(u8, Key, u32)) -> std::cmp::Ordering + Copy,
) -> (Vec<(u8, Key, u32)>, [u32; PARTS + 1]) {
    let starts = part_starts(&v);
    let mut next = starts;
    let mut out = vec![(0u8, 0, 0u32); v.len()];
    for e in v {
        let at = &mut next[usize::from(e.0)];
        out[*at as usize] = e;
        *at += 1;
    }
    for p in 0..PARTS {
        out[starts[p] as usize..starts[p + 1] as usize].sort_unstable_by(within);
    }
    (out, starts)
}

/// Where each partition's entries begin in a list sorted by partition.
fn part_starts(v: &[(u8, Key, u32)]) -> [u32; PARTS + 1] {
    let mut starts = [0u32; PARTS + 1];
    for e in v {
        starts[usize::from(e.0) + 1] += 1;
    }
    for p in 0..PARTS {
        starts[p + 1] += starts[p];
    }
    starts
}

fn doc_keys(toks: &[Tok], d: &SearchDoc, phrases: &[Phrase], starts: &KeyMap<Vec<u32>>) -> DocKeys {
    let mut grams: Vec<(u8, Key, u32)> = Vec::with_capacity(toks.len() * GRAM);
    let mut spans: Vec<(u8, Key, u32)> = Vec::with_capacity(toks.len());
    let mut found: Vec<(u32, u32)> = Vec::new();
    for i in 0..toks.len() {
        let w = weight_at(toks[i].pos);
        let mut n = 1;
        while n <= GRAM && i + n <= toks.len() {
            if n > 1 && toks[i + n - 1].pos - toks[i + n - 2].pos > 2 {
                break; // title and body do not run into each other
            }
            let key = pack(&toks[i..i + n]);
            // The partition is computed once, not at every comparison of the sort.
            let part = part_of(key) as u8;
            if n == GRAM {
                spans.push((part, key, toks[i].pos));
                if !starts.is_empty()
                    && let Some(ids) = starts.get(&key)
                {
                    for &id in ids {
                        if phrase_at(&phrases[id as usize], toks, i) {
                            found.push((id, w));
                        }
                    }
                }
            }
            grams.push((part, key, w));
            n += 1;
        }
    }
    let (mut grams, _) = by_part(grams, |a, b| a.1.cmp(&b.1));
    // Summing the weights of equal keys moves the partitions' starts.
    sum_weights_by(&mut grams, |g| &mut g.1, |g| &mut g.2);
    let gram_parts = part_starts(&grams);
    let (spans, span_parts) = by_part(spans, |a, b| (a.1, a.2).cmp(&(b.1, b.2)));
    let mut exact: Vec<String> = d
        .exact
        .iter()
        .map(|e| exact_key(e))
        .filter(|k| k.len() > 1)
        .collect();
    exact.sort_unstable();
    exact.dedup();
    found.sort_unstable();
    sum_weights(&mut found);
    DocKeys {
        grams,
        spans,
        gram_parts,
        span_parts,
        exact,
        phrases: found,
    }
}

impl Index {
    /// Index these documents, numbered newest first. Documents are cut in
    /// parallel, a block at a time, so memory stays bounded; the keys of a
    /// block are merged in parallel, one partition of the key space each.
    pub fn from_docs(docs: Vec<SearchDoc>) -> Index {
        Index::with_heavy(docs, HEAVY)
    }

    /// [`Index::from_docs`] with another threshold for heavy postings.
    pub fn with_heavy(mut docs: Vec<SearchDoc>, heavy: usize) -> Index {
        sort_docs(&mut docs);
        let mut index = Index {
            docs: Arc::new(docs),
            heavy,
            grams: (0..PARTS).map(|_| KeyMap::default()).collect(),
            spans: (0..PARTS).map(|_| KeyMap::default()).collect(),
            ..Index::default()
        };
        index.collect_phrases();
        const BLOCK: usize = 256;
        for start in (0..index.docs.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(index.docs.len());
            // A CJK token is its own id; a word's id is given below.
            let cut: Vec<(Vec<Tok>, Vec<String>)> = index.docs[start..end]
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
            // Words get their ids in order of meeting: deterministic.
            let toks: Vec<Vec<Tok>> = cut
                .into_iter()
                .map(|(mut toks, words)| {
                    let unnamed = toks.iter_mut().filter(|t| t.id == UNNAMED);
                    for (t, word) in unnamed.zip(words) {
                        t.id = index.word_id(word);
                    }
                    toks
                })
                .collect();
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
                        .for_each(|(p, (grams, spans))| {
                            for (k, dk) in keys.iter().enumerate() {
                                let id = (start + k) as u32;
                                let mine = |starts: &[u32; PARTS + 1]| {
                                    (starts[p] as usize, starts[p + 1] as usize)
                                };
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
                        })
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
        let mut runs: Vec<(Run, List, bool)> = Vec::new();
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
                runs.extend(light.into_iter().map(|(r, l)| (r, l, true)));
                if m == MAX_RUN {
                    // The longest runs keep their positions, heavy or not:
                    // a longer term is pinned down by them.
                    runs.extend(heavy.into_iter().map(|(r, l)| (r, l, true)));
                    Vec::new()
                } else {
                    runs.extend(heavy.iter().map(|(r, l)| (*r, weights_of(l), false)));
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
            .map(|(r, list, at)| Phrase {
                text: self.run_text(&r),
                toks: Vec::new(),
                list,
                at,
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
        for d in self.docs.iter() {
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
