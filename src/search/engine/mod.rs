//! The tantivy index, for staff (`gongshi search`) and integrators
//! (`serve`'s `/api/search`). It uses the same tokenizer and the same query
//! semantics as the static index: each term is a phrase of its tokens (at
//! their offsets, gaps included), terms are ANDed, exact values first.

use super::index::{FACETS, SearchDoc};
use super::query::Query;
use super::tokenize::{Walk, exact_key, query_terms};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query as TQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, IndexReader, TantivyDocument, Term};

const TOKENIZER: &str = "gongshi";

#[derive(Clone)]
struct GongshiTokenizer;

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
        }
    }
}

impl TokenStream for Stream<'_> {
    fn advance(&mut self) -> bool {
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
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
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
}

pub struct Engine {
    index: Index,
    reader: IndexReader,
    f: Fields,
    /// The documents indexed, by `kind/id`, where the caller gave them
    /// ([`Engine::ranked_as_the_site`]): results are then ranked by the
    /// site's rule, not by tantivy's score.
    docs: Option<Ranking>,
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

/// Write `docs` into `index` and commit: one writer thread and a small
/// arena (it runs beside the page rendering). Documents `appended` to an
/// index make a segment of their own, not merged with the others.
fn add<'d>(
    index: &Index,
    f: Fields,
    docs: impl Iterator<Item = &'d SearchDoc>,
    appended: bool,
) -> tantivy::Result<()> {
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 20_000_000)?;
    if appended {
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }
    for d in docs {
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
        writer.add_document(doc)?;
    }
    writer.commit()?;
    if appended {
        writer.wait_merging_threads()?;
    }
    Ok(())
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // The body is searched, never shown: it is not stored.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let f = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", text.clone().set_stored()),
        body: b.add_text_field("body", text),
        date: b.add_text_field("date", STRING | STORED),
        exact: b.add_text_field("exact", STRING),
        facets: FACETS.map(|name| b.add_text_field(&format!("facet_{name}"), STRING | STORED)),
    };
    (b.build(), f)
}

impl Engine {
    /// Index `docs` in memory, or in `dir` (which must not exist yet).
    pub fn build(docs: &[SearchDoc], dir: Option<&Path>) -> tantivy::Result<Engine> {
        let (schema, f) = schema();
        let index = match dir {
            Some(d) => {
                std::fs::create_dir_all(d)?;
                Index::create_in_dir(d, schema)?
            }
            None => Index::create_in_ram(schema),
        };
        index.tokenizers().register(TOKENIZER, GongshiTokenizer);
        add(&index, f, docs.iter().filter(|d| !d.is_gap()), false)?;
        let reader = index.reader()?;
        Ok(Engine {
            index,
            reader,
            f,
            docs: None,
        })
    }

    /// Open an index that [`Engine::build`] wrote in `dir`.
    pub fn open(dir: &Path) -> tantivy::Result<Engine> {
        let (schema, f) = schema();
        let index = Index::open_in_dir(dir)?;
        if index.schema() != schema {
            return Err(tantivy::TantivyError::SchemaError(
                "另一版本的索引".to_string(),
            ));
        }
        index.tokenizers().register(TOKENIZER, GongshiTokenizer);
        let reader = index.reader()?;
        Ok(Engine {
            index,
            reader,
            f,
            docs: None,
        })
    }

    /// Add `docs` to the index in `dir`, as a segment of their own: what
    /// a build does when the documents of the previous index are all
    /// still there, unchanged, and others have joined them. A search
    /// scores each document as in one index built of them all (without
    /// deletions, the counts that scores are made of are sums over the
    /// segments), and sorts ties by kind and id, not by place. Refused
    /// (the caller builds afresh) when the index has `most_segments`.
    pub fn append<'d>(
        dir: &Path,
        docs: impl Iterator<Item = &'d SearchDoc>,
        most_segments: usize,
    ) -> tantivy::Result<()> {
        let engine = Engine::open(dir)?;
        if engine.index.searchable_segment_ids()?.len() >= most_segments {
            return Err(tantivy::TantivyError::InvalidArgument(
                "段数已到上限".to_string(),
            ));
        }
        add(&engine.index, engine.f, docs, true)
    }

    /// What each document of `docs` holds, hashed, in their order (gaps
    /// left out): the program's version (which fixes the schema, the
    /// tokenizer and tantivy's format) and every field of the document
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

    /// All matches, best first (exact values, then score, then recency).
    pub fn search(&self, q: &Query) -> tantivy::Result<Vec<Found>> {
        let terms = query_terms(&q.text);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for t in &terms {
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
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let limit = (searcher.num_docs() as usize).max(1);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
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
