//! The in-memory index: documents in recency order, phrase postings of token
//! pairs, document postings of single tokens and of exact values.

use super::tokenize::{Token, exact_key, pair_key, tokens_from};
use crate::content::model::Kind;
use crate::publish::{PubBody, PubRecord, PublicSite};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// The pair keys (with positions), single tokens and exact keys of a document.
type DocKeys = (Vec<(String, u32)>, Vec<String>, Vec<String>);

/// Positions of one key in one document.
pub type Postings = Vec<(u32, Vec<u32>)>;

#[derive(Default)]
pub struct Index {
    pub docs: Vec<SearchDoc>,
    pub pairs: BTreeMap<String, Postings>,
    pub singles: BTreeMap<String, Vec<u32>>,
    pub exact: BTreeMap<String, Vec<u32>>,
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

impl Index {
    /// Index these documents, numbered newest first.
    pub fn from_docs(mut docs: Vec<SearchDoc>) -> Index {
        docs.sort_by(|a, b| {
            (std::cmp::Reverse(a.date), a.kind, &a.id).cmp(&(
                std::cmp::Reverse(b.date),
                b.kind,
                &b.id,
            ))
        });
        let per_doc: Vec<DocKeys> = docs
            .par_iter()
            .map(|d| {
                let mut toks: Vec<Token> = tokens_from(&d.title, 0);
                toks.extend(tokens_from(&d.body, BODY));
                let mut pairs = Vec::new();
                for w in toks.windows(2) {
                    let diff = w[1].pos - w[0].pos;
                    if diff <= 2 {
                        pairs.push((pair_key(&w[0].text, &w[1].text, diff == 2), w[0].pos));
                    }
                }
                let mut singles: Vec<String> = toks.into_iter().map(|t| t.text).collect();
                singles.sort();
                singles.dedup();
                let mut exact: Vec<String> = d
                    .exact
                    .iter()
                    .map(|e| exact_key(e))
                    .filter(|k| k.len() > 1)
                    .collect();
                exact.sort();
                exact.dedup();
                (pairs, singles, exact)
            })
            .collect();
        let mut index = Index {
            docs,
            ..Index::default()
        };
        for (id, (pairs, singles, exact)) in per_doc.into_iter().enumerate() {
            let id = id as u32;
            for (key, pos) in pairs {
                let list = index.pairs.entry(key).or_default();
                match list.last_mut() {
                    Some((d, positions)) if *d == id => positions.push(pos),
                    _ => list.push((id, vec![pos])),
                }
            }
            for s in singles {
                index.singles.entry(s).or_default().push(id);
            }
            for e in exact {
                index.exact.entry(e).or_default().push(id);
            }
        }
        index
    }
}
