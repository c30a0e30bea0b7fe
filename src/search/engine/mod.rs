//! The tantivy index, for staff (`gongshi search`) and integrators
//! (`serve`'s `/api/search`). It uses the same tokenizer and the same query
//! semantics as the static index: each term is a phrase of its tokens (at
//! their offsets, gaps included), terms are ANDed, exact values first.

use super::index::{FACETS, SearchDoc};
use super::query::Query;
use super::tokenize::{Walk, exact_key, query_terms};
use crate::base::hex;
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query as TQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, IndexReader, TantivyDocument, Term};

mod stats;

pub use stats::Totals;

/// The tokenizers of the title and the body: the same cut, each counting
/// the tokens of its field when an index on disk is written.
const TOKENIZERS: [&str; 2] = ["gongshi-title", "gongshi-body"];

/// Where a tokenizer counts the tokens of each text it is given, in order:
/// one count per document (each has one title and one body), as tantivy's
/// single indexing thread takes them.
type Sink = Arc<Mutex<Vec<u32>>>;

#[derive(Clone, Default)]
struct GongshiTokenizer {
    sink: Option<Sink>,
}

/// A segment with fewer than this share (1/n) of an index's documents is
/// small: updates append such segments, and merge them when there are
/// too many. The segments an index was built with are left as they are.
const SMALL_SEGMENT: u64 = 32;

/// Deleted documents an index may hold beyond a tenth of its live ones
/// before an update is refused and the index built afresh.
const MOST_DELETED: u64 = 64;

/// The index's layout (schema, tokenizers, what its commits keep): an
/// index of another layout is never kept nor updated, only replaced.
const FORMAT: &str = "gongshi-tantivy-2";

/// Where a separator stands between two tokens (a position of its own).
const SEPARATOR: &str = "|";

/// The tokens of a text for tantivy, with a separator token wherever the
/// cut leaves a gap. One token and one spare buffer are reused throughout:
/// no string per token.
struct Stream<'a> {
    walk: Walk<'a>,
    token: Token,
    /// A token read ahead while its separator is given first: its text is
    /// in `spare`.
    held: Option<u32>,
    spare: String,
    last: Option<u32>,
    /// Tokens given so far, and where to count them when done.
    count: u32,
    sink: Option<&'a Mutex<Vec<u32>>>,
}

impl Tokenizer for GongshiTokenizer {
    type TokenStream<'a> = Stream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream<'a> {
        Stream {
            walk: Walk::new(text, 0),
            token: Token::default(),
            held: None,
            spare: String::new(),
            last: None,
            count: 0,
            sink: self.sink.as_deref(),
        }
    }
}

impl Drop for Stream<'_> {
    fn drop(&mut self) {
        if let Some(sink) = self.sink {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(self.count);
        }
    }
}

impl TokenStream for Stream<'_> {
    fn advance(&mut self) -> bool {
        let more = self.next();
        self.count += u32::from(more);
        more
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Stream<'_> {
    fn next(&mut self) -> bool {
        let pos = match self.held.take() {
            Some(pos) => pos,
            None => {
                let Some(pos) = self.walk.next_into(&mut self.spare) else {
                    return false;
                };
                let gap = self.last.is_some_and(|l| pos == l + 2);
                self.last = Some(pos);
                if gap {
                    // A separator is a token of its own, so that a term
                    // with one does not match text with a token in its place.
                    self.held = Some(pos);
                    self.token.text.clear();
                    self.token.text.push_str(SEPARATOR);
                    self.token.position = pos as usize - 1;
                    return true;
                }
                pos
            }
        };
        std::mem::swap(&mut self.token.text, &mut self.spare);
        self.token.position = pos as usize;
        true
    }
}

#[derive(Clone, Copy)]
struct Fields {
    kind: Field,
    id: Field,
    url: Field,
    title: Field,
    body: Field,
    date: Field,
    exact: Field,
    facets: [Field; 6],
    /// The document's hash ([`Engine::doc_hashes`]), to delete it by.
    doc: Field,
}

pub struct Engine {
    index: Index,
    reader: IndexReader,
    f: Fields,
    /// The documents indexed, by `kind/id`, where the caller gave them
    /// ([`Engine::ranked_as_the_site`]): results are then ranked by the
    /// site's rule, not by tantivy's score.
    docs: Option<Ranking>,
    /// The live documents and their tokens, as the last commit kept them
    /// (an index on disk): scores count only live documents.
    totals: Option<Totals>,
}

/// The documents an engine was built from, and each one's number by its
/// address.
type Ranking = (
    Arc<Vec<SearchDoc>>,
    std::collections::HashMap<String, usize>,
);

/// Results (each with whether it is an exact value) in the site's order:
/// exact values first, then the site's score ([`super::query::weight`]),
/// then the newer (the higher number).
fn as_the_site(
    (docs, at): &Ranking,
    terms: &[Vec<super::tokenize::Token>],
    rows: impl Iterator<Item = (bool, Found)>,
) -> Vec<Found> {
    let mut ranked: Vec<(bool, u32, usize, Found)> = rows
        .map(|(exact, found)| {
            let n = at.get(&found.url).copied().unwrap_or(0);
            let w = docs.get(n).map_or(0, |d| super::query::weight(d, terms));
            (exact, w, n, found)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
    ranked.into_iter().map(|r| r.3).collect()
}

/// One result, as `gongshi search --format json` and the API give it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Found {
    pub kind: String,
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: String,
}

/// The tantivy document of `d`, with its hash where the index is kept on
/// disk (to delete it by when it changes or leaves).
fn tantivy_doc(f: Fields, d: &SearchDoc, hash: Option<&[u8; 16]>) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.kind, d.kind.dir());
    doc.add_text(f.id, &d.id);
    doc.add_text(f.url, &d.url);
    doc.add_text(f.title, &d.title);
    doc.add_text(f.body, &d.body);
    doc.add_text(f.date, d.date.to_string());
    for e in &d.exact {
        doc.add_text(f.exact, exact_key(e));
    }
    for (i, v) in d.facets.iter().enumerate() {
        doc.add_text(f.facets[i], v);
    }
    if let Some(h) = hash {
        doc.add_text(f.doc, hex(h));
    }
    doc
}

/// One writer thread and a small arena: the index is built beside the
/// page rendering.
fn writer(index: &Index) -> tantivy::Result<tantivy::IndexWriter> {
    index.writer_with_num_threads(1, 20_000_000)
}

/// Register the tokenizers of `index`; counting each text's tokens into
/// the sinks given back when `count`.
fn tokenizers(index: &Index, count: bool) -> [Sink; 2] {
    let sinks: [Sink; 2] = Default::default();
    for (name, sink) in TOKENIZERS.iter().zip(&sinks) {
        let sink = count.then(|| Arc::clone(sink));
        index.tokenizers().register(name, GongshiTokenizer { sink });
    }
    sinks
}

/// The tokens of each of `n` documents indexed with `sinks`, title and
/// body; None unless both fields counted `n` texts.
fn counted(sinks: &[Sink; 2], n: usize) -> Option<Vec<[u32; 2]>> {
    let [titles, bodies] = sinks
        .each_ref()
        .map(|s| std::mem::take(&mut *s.lock().unwrap_or_else(|e| e.into_inner())));
    (titles.len() == n && bodies.len() == n).then(|| {
        titles
            .into_iter()
            .zip(bodies)
            .map(|(t, b)| [t, b])
            .collect()
    })
}

fn refused(why: &str) -> tantivy::TantivyError {
    tantivy::TantivyError::InvalidArgument(why.to_string())
}

/// A change to an index on disk: documents that left it (their hashes and
/// tokens, as counted when they were added) and documents that join it
/// (with their hashes).
pub struct Change<'d> {
    pub removed: Vec<([u8; 16], [u32; 2])>,
    pub added: Vec<(&'d SearchDoc, [u8; 16])>,
}

/// Write the documents of `change` into the index with the tokenizers
/// counting into `sinks`, after deleting those it removes, and commit with
/// the live totals (`before`, those the index held, less the removed plus
/// the added) in the commit's payload. The added documents' tokens and the
/// totals.
fn write_counted(
    index: &Index,
    f: Fields,
    sinks: &[Sink; 2],
    before: Totals,
    change: &Change,
) -> tantivy::Result<(Vec<[u32; 2]>, Totals)> {
    let appended = before.docs > 0;
    let mut writer = writer(index)?;
    if appended {
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }
    for (h, _) in &change.removed {
        writer.delete_term(Term::from_field_text(f.doc, &hex(h)));
    }
    for (d, h) in &change.added {
        writer.add_document(tantivy_doc(f, d, Some(h)))?;
    }
    let mut prepared = writer.prepare_commit()?;
    // The indexing thread is done: every text is counted.
    let counts = counted(sinks, change.added.len()).ok_or_else(|| refused("词元计数不符"))?;
    let removed: Vec<[u32; 2]> = change.removed.iter().map(|r| r.1).collect();
    let totals = before
        .with(&removed, false)
        .and_then(|t| t.with(&counts, true))
        .ok_or_else(|| refused("词元计数不符"))?;
    prepared.set_payload(&totals.payload());
    prepared.commit()?;
    if appended {
        writer.wait_merging_threads()?;
    }
    Ok((counts, totals))
}

/// Whether the index holds `totals` live documents, and its segments not
/// among `old` hold `counts`' documents and tokens: the counts kept are
/// the index's own.
fn counts_hold(
    index: &Index,
    f: Fields,
    old: &[tantivy::index::SegmentId],
    counts: &[[u32; 2]],
    totals: Totals,
) -> tantivy::Result<bool> {
    let searcher = index.reader()?.searcher();
    let (mut docs, mut tokens) = (0u64, [0u64; 2]);
    for segment in searcher.segment_readers() {
        if old.contains(&segment.segment_id()) {
            continue;
        }
        docs += u64::from(segment.max_doc());
        for (t, field) in tokens.iter_mut().zip([f.title, f.body]) {
            *t += segment.inverted_index(field)?.total_num_tokens();
        }
    }
    let added = Totals::default().with(counts, true);
    Ok(searcher.num_docs() == totals.docs && added == Some(Totals { docs, tokens }))
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // The body is searched, never shown: it is not stored.
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let f = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", text(TOKENIZERS[0]).set_stored()),
        body: b.add_text_field("body", text(TOKENIZERS[1])),
        date: b.add_text_field("date", STRING | STORED),
        exact: b.add_text_field("exact", STRING),
        facets: FACETS.map(|name| b.add_text_field(&format!("facet_{name}"), STRING | STORED)),
        doc: b.add_text_field("doc", STRING),
    };
    (b.build(), f)
}

impl Engine {
    fn with(index: Index, f: Fields, totals: Option<Totals>) -> tantivy::Result<Engine> {
        let reader = index.reader()?;
        Ok(Engine {
            index,
            reader,
            f,
            docs: None,
            totals,
        })
    }

    /// Index `docs` in memory.
    pub fn build(docs: &[SearchDoc]) -> tantivy::Result<Engine> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        tokenizers(&index, false);
        let mut writer = writer(&index)?;
        for d in docs.iter().filter(|d| !d.is_gap()) {
            writer.add_document(tantivy_doc(f, d, None))?;
        }
        writer.commit()?;
        Engine::with(index, f, None)
    }

    /// Index `docs` (gaps left out), whose [`Engine::doc_hashes`] are
    /// `hashes`, in `dir` (which must not exist yet): the tokens of each
    /// document, title and body, in the order of `hashes`, for
    /// [`Engine::update`] to take away when it leaves; None if they could
    /// not be counted (the index is good, but cannot be updated).
    pub fn create(
        dir: &Path,
        docs: &[SearchDoc],
        hashes: &[[u8; 16]],
    ) -> tantivy::Result<Option<Vec<[u32; 2]>>> {
        let (schema, f) = schema();
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema)?;
        let sinks = tokenizers(&index, true);
        let live = docs.iter().filter(|d| !d.is_gap());
        let change = Change {
            removed: Vec::new(),
            added: live.zip(hashes.iter().copied()).collect(),
        };
        let (counts, totals) = write_counted(&index, f, &sinks, Totals::default(), &change)?;
        Ok(counts_hold(&index, f, &[], &counts, totals)?.then_some(counts))
    }

    /// Open an index that [`Engine::create`] wrote in `dir`.
    pub fn open(dir: &Path) -> tantivy::Result<Engine> {
        let (schema, f) = schema();
        let index = Index::open_in_dir(dir)?;
        if index.schema() != schema {
            return Err(tantivy::TantivyError::SchemaError(
                "另一版本的索引".to_string(),
            ));
        }
        tokenizers(&index, false);
        let totals = Totals::from_payload(index.load_metas()?.payload.as_deref());
        Engine::with(index, f, totals)
    }

    /// Change the index in `dir` in place: delete the documents that left,
    /// and add those that joined as a segment of their own. A search then
    /// finds what an index built afresh of the live documents finds, and
    /// scores it the same ([`stats`]: the counts of deleted documents are
    /// left out; ties are sorted by kind and id, not by place). The added
    /// documents' tokens. Refused (the caller builds afresh) when deleted
    /// documents would pass a tenth of the live ones (and
    /// [`MOST_DELETED`]), when the counts kept
    /// do not hold, or when a document to delete is not there; past
    /// `most_segments` small segments (under 1/[`SMALL_SEGMENT`] of the
    /// documents), these are merged.
    pub fn update(
        dir: &Path,
        change: &Change,
        most_segments: usize,
    ) -> tantivy::Result<Vec<[u32; 2]>> {
        let engine = Engine::open(dir)?;
        let before = engine.totals.ok_or_else(|| refused("索引没有计数"))?;
        let searcher = engine.reader.searcher();
        let slots: u64 = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum();
        let deleted = slots - searcher.num_docs() + change.removed.len() as u64;
        if searcher.num_docs() != before.docs || deleted > before.docs / 10 + MOST_DELETED {
            return Err(refused("删除的文档过多"));
        }
        let old = engine.index.searchable_segment_ids()?;
        let sinks = tokenizers(&engine.index, true);
        let (counts, totals) = write_counted(&engine.index, engine.f, &sinks, before, change)?;
        if !counts_hold(&engine.index, engine.f, &old, &counts, totals)? {
            return Err(refused("词元计数不符"));
        }
        // The small segments (those updates appended) are merged once
        // there are too many; the large ones an index was built with stay.
        let metas = engine.index.searchable_segment_metas()?;
        let slots: u64 = metas.iter().map(|m| u64::from(m.max_doc())).sum();
        let small: Vec<_> = metas
            .iter()
            .filter(|m| u64::from(m.max_doc()) * SMALL_SEGMENT <= slots)
            .map(|m| m.id())
            .collect();
        if small.len() > most_segments {
            let mut writer = writer(&engine.index)?;
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            writer.merge(&small).wait()?;
            writer.wait_merging_threads()?;
        }
        Ok(counts)
    }

    /// What each document of `docs` holds, hashed, in their order (gaps
    /// left out): the program's version and [`FORMAT`] (which fix the
    /// schema, the tokenizer and tantivy's format) and every field of the document
    /// ([`SearchDoc::each_field`], those [`Engine::build`] reads among
    /// them). What [`Engine::key`] is made of, and what tells which
    /// documents a rebuild adds to the previous index.
    pub fn doc_hashes(docs: &[SearchDoc]) -> Vec<[u8; 16]> {
        use rayon::prelude::*;
        use sha2::{Digest, Sha256};
        docs.par_iter()
            .filter(|d| !d.is_gap())
            .map(|d| {
                let mut h = Sha256::new();
                h.update(env!("CARGO_PKG_VERSION").as_bytes());
                h.update(FORMAT.as_bytes());
                d.each_field(|s| {
                    h.update((s.len() as u64).to_le_bytes());
                    h.update(s.as_bytes());
                });
                let mut out = [0u8; 16];
                out.copy_from_slice(&h.finalize()[..16]);
                out
            })
            .collect()
    }

    /// What an index built from the documents of `hashes` (their
    /// [`Engine::doc_hashes`], in order) holds, as one hash: an index of
    /// the same key need not be built again.
    pub fn key(hashes: &[[u8; 16]]) -> String {
        crate::output::short_hash(&hashes.concat())
    }

    fn phrase(&self, field: Field, term: &[super::tokenize::Token]) -> Box<dyn TQuery> {
        if term.len() == 1 {
            return Box::new(TermQuery::new(
                Term::from_field_text(field, &term[0].text),
                IndexRecordOption::WithFreqs,
            ));
        }
        let base = term[0].pos as usize;
        let mut terms = Vec::with_capacity(term.len() * 2);
        for (i, t) in term.iter().enumerate() {
            let at = t.pos as usize - base;
            if i > 0 && t.pos - term[i - 1].pos == 2 {
                terms.push((at - 1, Term::from_field_text(field, SEPARATOR)));
            }
            terms.push((at, Term::from_field_text(field, &t.text)));
        }
        Box::new(PhraseQuery::new_with_offset(terms))
    }

    /// Rank results as the site's search does (docs/search-index.md): an
    /// exact value first, then ten for each place in a title and one for
    /// each in a body ([`super::query::weight`]), then the newer; `docs`
    /// are the documents this engine was built from, in their order.
    pub fn ranked_as_the_site(mut self, docs: Arc<Vec<SearchDoc>>) -> Engine {
        let at = docs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.is_gap())
            .map(|(i, d)| (d.url.clone(), i))
            .collect();
        self.docs = Some((docs, at));
        self
    }

    /// Every term of `terms` (in the title or the body) and, for each
    /// facet `q` narrows, one of its values.
    fn query(&self, terms: &[Vec<super::tokenize::Token>], q: &Query) -> BooleanQuery {
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for t in terms {
            let either = BooleanQuery::new(vec![
                (Occur::Should, self.phrase(self.f.title, t)),
                (Occur::Should, self.phrase(self.f.body, t)),
            ]);
            must.push((Occur::Must, Box::new(either)));
        }
        for (facet, values) in &q.filters {
            if values.is_empty() || *facet >= FACETS.len() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn TQuery>)> = values
                .iter()
                .map(|v| {
                    let tq: Box<dyn TQuery> = Box::new(TermQuery::new(
                        Term::from_field_text(self.f.facets[*facet], v),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, tq)
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        BooleanQuery::new(must)
    }

    /// All matches, best first (exact values, then score, then recency).
    pub fn search(&self, q: &Query) -> tantivy::Result<Vec<Found>> {
        let terms = query_terms(&q.text);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let query = self.query(&terms, q);
        let searcher = self.reader.searcher();
        let limit = (searcher.num_docs() as usize).max(1);
        let alive = stats::Alive {
            searcher: &searcher,
            totals: self.totals,
            f: self.f,
        };
        let top = searcher.search_with_statistics_provider(
            &query,
            &TopDocs::with_limit(limit).order_by_score(),
            &alive,
        )?;
        let exact_q = TermQuery::new(
            Term::from_field_text(self.f.exact, &exact_key(q.text.trim())),
            IndexRecordOption::Basic,
        );
        let exact = searcher.search(&exact_q, &DocSetCollector)?;
        let mut rows: Vec<(bool, f32, String, DocAddress, Found)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let found = Found {
                kind: get(self.f.kind),
                id: get(self.f.id),
                title: get(self.f.title),
                url: get(self.f.url),
                date: get(self.f.date),
            };
            rows.push((
                exact.contains(&addr),
                score,
                found.date.clone(),
                addr,
                found,
            ));
        }
        if let Some(ranking) = &self.docs {
            let rows = rows
                .into_iter()
                .map(|(exact, _, _, _, found)| (exact, found));
            return Ok(as_the_site(ranking, &terms, rows));
        }
        rows.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.total_cmp(&a.1))
                .then(b.2.cmp(&a.2))
                .then((&a.4.kind, &a.4.id).cmp(&(&b.4.kind, &b.4.id)))
        });
        Ok(rows.into_iter().map(|r| r.4).collect())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    #[doc(hidden)]
    pub fn index(&self) -> &Index {
        &self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::Kind;
    use tantivy::query::Bm25StatisticsProvider;

    /// A document of random words from a small vocabulary (so that terms
    /// are shared and scores differ by counts).
    fn doc(n: usize, seed: &mut u64) -> SearchDoc {
        const WORDS: [&str; 12] = [
            "气瓶",
            "安全阀",
            "压力容器",
            "电梯",
            "充装",
            "检验",
            "锅炉",
            "储罐",
            "超期",
            "未检",
            "维保",
            "隐患",
        ];
        let mut word = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            WORDS[(*seed % WORDS.len() as u64) as usize]
        };
        let title: String = (0..2 + n % 3).map(|_| word()).collect();
        let body: Vec<&str> = (0..3 + n % 11).map(|_| word()).collect();
        SearchDoc {
            kind: Kind::Actions,
            id: format!("a-{n:03}"),
            url: format!("actions/a-{n:03}.html"),
            title,
            date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1 + (n % 28) as u32).unwrap(),
            party: None,
            summary: String::new(),
            facets: Default::default(),
            body: body.join("，"),
            exact: Vec::new(),
        }
    }

    /// The first `n` documents of an index, as a change removes them.
    fn first(hashes: &[[u8; 16]], counts: &[[u32; 2]], n: usize) -> Vec<([u8; 16], [u32; 2])> {
        hashes[..n]
            .iter()
            .copied()
            .zip(counts[..n].to_vec())
            .collect()
    }

    fn found(engine: &Engine, q: &str) -> Vec<String> {
        let query = Query {
            text: q.to_string(),
            filters: Default::default(),
        };
        engine
            .search(&query)
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect()
    }

    /// An index updated in place (documents deleted and added) scores as
    /// one built afresh of its live documents: the same counts, the same
    /// results in the same order. Without the counts of the live documents
    /// alone, the deleted documents would still weigh in.
    #[test]
    fn an_updated_index_counts_and_ranks_as_a_fresh_one() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let all: Vec<SearchDoc> = (0..160).map(|n| doc(n, &mut seed)).collect();
        let (before, after): (Vec<usize>, Vec<usize>) = ((0..150).collect(), (10..160).collect());
        let pick = |ns: &[usize]| ns.iter().map(|&n| all[n].clone()).collect::<Vec<_>>();
        let (old_docs, new_docs) = (pick(&before), pick(&after));
        let old_hashes = Engine::doc_hashes(&old_docs);
        let new_hashes = Engine::doc_hashes(&new_docs);
        let tmp = tempfile::tempdir().unwrap();
        let (updated, fresh) = (tmp.path().join("updated"), tmp.path().join("fresh"));
        let counts = Engine::create(&updated, &old_docs, &old_hashes)
            .unwrap()
            .expect("counted");
        let change = Change {
            removed: first(&old_hashes, &counts, 10),
            added: new_docs[140..]
                .iter()
                .zip(new_hashes[140..].iter().copied())
                .collect(),
        };
        let added = Engine::update(&updated, &change, 8).unwrap();
        let fresh_counts = Engine::create(&fresh, &new_docs, &new_hashes)
            .unwrap()
            .expect("counted");
        assert_eq!(
            added,
            fresh_counts[140..].to_vec(),
            "the same tokens counted"
        );
        let (updated, fresh) = (
            Engine::open(&updated).unwrap(),
            Engine::open(&fresh).unwrap(),
        );
        assert_eq!(updated.num_docs(), 150);
        let searcher = updated.reader.searcher();
        assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));
        let fresh_searcher = fresh.reader.searcher();
        let alive = stats::Alive {
            searcher: &searcher,
            totals: updated.totals,
            f: updated.f,
        };
        // tantivy's own counts of the updated index are not the fresh ones.
        assert_ne!(
            Bm25StatisticsProvider::total_num_docs(&searcher).unwrap(),
            Bm25StatisticsProvider::total_num_docs(&fresh_searcher).unwrap()
        );
        assert_eq!(
            alive.total_num_docs().unwrap(),
            Bm25StatisticsProvider::total_num_docs(&fresh_searcher).unwrap()
        );
        for field in [updated.f.title, updated.f.body] {
            assert_eq!(
                alive.total_num_tokens(field).unwrap(),
                Bm25StatisticsProvider::total_num_tokens(&fresh_searcher, field).unwrap()
            );
        }
        for word in ["气瓶", "安全阀", "压力容器", "电梯", "锅炉", "隐患", "|"] {
            for field in [updated.f.title, updated.f.body] {
                for t in query_terms(word).iter().flatten() {
                    let term = Term::from_field_text(field, &t.text);
                    assert_eq!(
                        alive.doc_freq(&term).unwrap(),
                        fresh_searcher.doc_freq(&term).unwrap(),
                        "{word} {}",
                        t.text
                    );
                }
            }
        }
        for q in [
            "气瓶",
            "安全阀 电梯",
            "压力容器",
            "超期未检",
            "锅炉 储罐 隐患",
            "检验",
        ] {
            let (a, b) = (found(&updated, q), found(&fresh, q));
            assert!(!b.is_empty(), "{q}");
            assert_eq!(a, b, "{q}");
        }
        // A document to delete that is not there, or too many: refused.
        let dir = tmp.path().join("again");
        Engine::create(&dir, &old_docs, &old_hashes).unwrap();
        let missing = Change {
            removed: vec![([7; 16], [1, 1])],
            added: Vec::new(),
        };
        assert!(Engine::update(&dir, &missing, 8).is_err());
        let many = Change {
            removed: first(&old_hashes, &counts, 80),
            added: Vec::new(),
        };
        assert!(Engine::update(&dir, &many, 8).is_err());
    }

    /// Past the most small segments, an update merges them: an index
    /// updated many times stays few files, and still finds the same.
    #[test]
    fn updates_past_the_most_segments_are_merged() {
        let mut seed = 42;
        let all: Vec<SearchDoc> = (0..210).map(|n| doc(n, &mut seed)).collect();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("i");
        let hashes = Engine::doc_hashes(&all[..200]);
        Engine::create(&dir, &all[..200], &hashes).unwrap();
        let base = Engine::open(&dir)
            .unwrap()
            .index
            .searchable_segment_ids()
            .unwrap();
        let mut merged = false;
        for n in 200..210 {
            let h = Engine::doc_hashes(&all[n..=n]);
            let change = Change {
                removed: Vec::new(),
                added: vec![(&all[n], h[0])],
            };
            Engine::update(&dir, &change, 3).unwrap();
            let metas = Engine::open(&dir)
                .unwrap()
                .index
                .searchable_segment_metas()
                .unwrap();
            // Those appended stay few: at most three small ones, and what
            // merging them made.
            let appended = metas.iter().filter(|m| !base.contains(&m.id())).count();
            assert!(appended <= 5, "{n}: {appended} appended segments");
            // The segments it was built with stay.
            assert!(base.iter().all(|b| metas.iter().any(|m| m.id() == *b)));
            merged |= metas
                .iter()
                .any(|m| !base.contains(&m.id()) && m.max_doc() > 1);
        }
        assert!(merged, "small segments were merged");
        let fresh_dir = tmp.path().join("f");
        let hashes = Engine::doc_hashes(&all);
        Engine::create(&fresh_dir, &all, &hashes).unwrap();
        let (a, b) = (
            Engine::open(&dir).unwrap(),
            Engine::open(&fresh_dir).unwrap(),
        );
        assert_eq!(a.num_docs(), 210);
        for q in ["气瓶", "安全阀", "锅炉 检验"] {
            assert_eq!(found(&a, q), found(&b, q), "{q}");
        }
    }
}
