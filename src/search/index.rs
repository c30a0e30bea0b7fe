//! The in-memory index: documents in recency order, phrase postings of token
//! pairs, document postings of single tokens and of exact values.

use super::tokenize::{Token, exact_key, pair_key, tokens_from};
use crate::content::model::Kind;
use crate::publish::{PubBody, PubRecord, PublicSite};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: keys are short strings, and SipHash's protection against
/// crafted keys buys nothing for an index built from the site's own content.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf29ce484222325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
        self.0 = h;
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

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

/// Postings of a pair key, flat: `doc, n, pos₁ … posₙ, doc, n, …`, documents
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

#[derive(Default)]
pub struct Index {
    pub docs: Vec<SearchDoc>,
    pub pairs: FastMap<String, Postings>,
    pub singles: FastMap<String, Vec<u32>>,
    pub exact: FastMap<String, Vec<u32>>,
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
    match r.body {
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
    let joined = body.join("\n");
    let summary_src = match r.body {
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
        .map(|s| s.label.to_string())
        .unwrap_or_default();
    let region = r.region.clone().or_else(|| match r.body {
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

/// Build the index. Documents are numbered newest first.
pub fn build(public: &PublicSite) -> Index {
    let docs: Vec<SearchDoc> = searchable(public)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|r| doc_of(r))
        .collect();
    Index::from_docs(docs)
}

/// The keys of one document: pair keys with their positions, single
/// tokens, exact values.
struct DocKeys {
    pairs: Vec<(String, Vec<u32>)>,
    singles: Vec<String>,
    exact: Vec<String>,
}

fn doc_keys(d: &SearchDoc) -> DocKeys {
    let mut toks: Vec<Token> = tokens_from(&d.title, 0);
    toks.extend(tokens_from(&d.body, BODY));
    let mut pairs: FastMap<String, Vec<u32>> = FastMap::default();
    for w in toks.windows(2) {
        let diff = w[1].pos - w[0].pos;
        if diff <= 2 {
            pairs
                .entry(pair_key(&w[0].text, &w[1].text, diff == 2))
                .or_default()
                .push(w[0].pos);
        }
    }
    let mut singles: Vec<String> = toks.into_iter().map(|t| t.text).collect();
    singles.sort_unstable();
    singles.dedup();
    let mut exact: Vec<String> = d
        .exact
        .iter()
        .map(|e| exact_key(e))
        .filter(|k| k.len() > 1)
        .collect();
    exact.sort_unstable();
    exact.dedup();
    DocKeys {
        pairs: pairs.into_iter().collect(),
        singles,
        exact,
    }
}

impl Index {
    /// Index these documents, numbered newest first. Documents are cut in
    /// parallel, a block at a time, so memory stays bounded.
    pub fn from_docs(mut docs: Vec<SearchDoc>) -> Index {
        docs.sort_by(|a, b| {
            (std::cmp::Reverse(a.date), a.kind, &a.id).cmp(&(
                std::cmp::Reverse(b.date),
                b.kind,
                &b.id,
            ))
        });
        let mut index = Index {
            docs,
            ..Index::default()
        };
        const BLOCK: usize = 1024;
        for start in (0..index.docs.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(index.docs.len());
            let keys: Vec<DocKeys> = index.docs[start..end].par_iter().map(doc_keys).collect();
            for (k, dk) in keys.into_iter().enumerate() {
                let id = (start + k) as u32;
                for (key, mut positions) in dk.pairs {
                    let list = index.pairs.entry(key).or_default();
                    list.push(id);
                    list.push(positions.len() as u32);
                    list.append(&mut positions);
                }
                for s in dk.singles {
                    index.singles.entry(s).or_default().push(id);
                }
                for e in dk.exact {
                    index.exact.entry(e).or_default().push(id);
                }
            }
        }
        index
    }
}
