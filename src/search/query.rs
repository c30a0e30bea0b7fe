//! Query semantics, the same in Rust and in `theme/search.js`:
//! whitespace separates terms, every term must match (AND), a term matches
//! only as a contiguous phrase of its tokens; documents whose exact value
//! (party name, credit code, decision number, id) equals the whole query come
//! first, then relevance (title matches count ten times), then recency.

use super::index::{BODY, Index, decode};
use super::tokenize::{exact_key, pair_key, query_terms};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    /// facet index → accepted values (any of them)
    pub filters: BTreeMap<usize, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub exact: bool,
    pub score: u32,
}

type Decoded<'i> = Vec<(u32, &'i [u32])>;

fn positions<'i>(p: &Decoded<'i>, doc: u32) -> Option<&'i [u32]> {
    p.binary_search_by_key(&doc, |(d, _)| *d)
        .ok()
        .map(|i| p[i].1)
}

/// Documents matching one term, with their score.
pub fn term_matches(index: &Index, term: &[super::tokenize::Token]) -> BTreeMap<u32, u32> {
    let mut out = BTreeMap::new();
    if term.len() == 1 {
        if let Some(docs) = index.singles.get(&term[0].text) {
            for d in docs {
                out.insert(*d, 1);
            }
        }
        return out;
    }
    let base = term[0].pos;
    let mut keys: Vec<(Decoded, u32)> = Vec::new();
    for w in term.windows(2) {
        let key = pair_key(&w[0].text, &w[1].text, w[1].pos - w[0].pos == 2);
        match index.pairs.get(&key) {
            Some(p) => keys.push((decode(p), w[0].pos - base)),
            None => return out,
        }
    }
    // Walk the rarest key's documents.
    let (rarest, _) = keys
        .iter()
        .enumerate()
        .min_by_key(|(_, (p, _))| p.len())
        .map(|(i, k)| (i, k.1))
        .unwrap_or((0, 0));
    let (first, off0) = (&keys[rarest].0, keys[rarest].1);
    for (doc, starts) in first {
        let mut score = 0;
        'pos: for p in starts.iter() {
            let Some(origin) = p.checked_sub(off0) else {
                continue;
            };
            for (postings, off) in &keys {
                match positions(postings, *doc) {
                    Some(ps) if ps.binary_search(&(origin + off)).is_ok() => {}
                    _ => continue 'pos,
                }
            }
            score += if origin < BODY { 10 } else { 1 };
        }
        if score > 0 {
            out.insert(*doc, score);
        }
    }
    out
}

/// All matching documents, best first; facet filters applied.
pub fn search(index: &Index, q: &Query) -> Vec<Hit> {
    let terms = query_terms(&q.text);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut acc: Option<BTreeMap<u32, u32>> = None;
    for t in &terms {
        let m = term_matches(index, t);
        acc = Some(match acc {
            None => m,
            Some(prev) => prev
                .into_iter()
                .filter_map(|(d, s)| m.get(&d).map(|s2| (d, s.saturating_add(*s2))))
                .collect(),
        });
    }
    let exact: Vec<u32> = index
        .exact
        .get(&exact_key(q.text.trim()))
        .cloned()
        .unwrap_or_default();
    let mut hits: Vec<Hit> = acc
        .unwrap_or_default()
        .into_iter()
        .filter(|(d, _)| {
            let doc = &index.docs[*d as usize];
            q.filters
                .iter()
                .all(|(f, vals)| vals.is_empty() || vals.contains(&doc.facets[*f]))
        })
        .map(|(doc, score)| Hit {
            doc,
            exact: exact.binary_search(&doc).is_ok(),
            score,
        })
        .collect();
    hits.sort_by(|a, b| {
        b.exact
            .cmp(&a.exact)
            .then(b.score.cmp(&a.score))
            .then(a.doc.cmp(&b.doc))
    });
    hits
}
