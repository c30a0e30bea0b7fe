//! Query semantics, the same in Rust and in `theme/search.js`:
//! whitespace separates terms, every term must match (AND), a term matches
//! only as a contiguous phrase of its tokens; documents whose exact value
//! (party name, credit code, decision number, id) equals the whole query come
//! first, then relevance (each occurrence counts, ten times in the title), then recency.

use super::index::{GRAM, Index, decode, weight_at};
use super::tokenize::{Token, exact_key, query_terms};
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

/// Where the span keys that pin down a term of more than GRAM tokens start:
/// every GRAM-th token, and the last GRAM tokens. Each key fixes the tokens
/// it covers at their offsets, and a separator between two of them (the
/// key says where one stands), so together they fix the whole term. Where
/// a separator would fall between two keys, the second starts a token
/// earlier: `安全阀门，压力容器` must not match 安全阀门X压力容器.
/// Mirrored in search.js.
pub fn span_starts(term: &[Token]) -> Vec<usize> {
    let len = term.len();
    let mut v = Vec::new();
    if len < GRAM {
        return v;
    }
    let mut s = 0;
    loop {
        v.push(s);
        let next = s + GRAM;
        if next + GRAM > len {
            break;
        }
        s = if term[next].pos - term[next - 1].pos == 2 {
            next - 1
        } else {
            next
        };
    }
    if v.last().is_some_and(|&last| last + GRAM < len) {
        v.push(len - GRAM);
    }
    v
}

/// Documents matching one term, with their score: ten for each occurrence
/// in the title, one for each in the body.
pub fn term_matches(index: &Index, term: &[Token]) -> BTreeMap<u32, u32> {
    let mut out = BTreeMap::new();
    if term.len() <= GRAM {
        if let Some(list) = index.gram(term) {
            for pair in list.chunks_exact(2) {
                out.insert(pair[0], pair[1]);
            }
        }
        return out;
    }
    // A whole value (a company's name, a decision number) has its own list.
    if let Some(list) = index.phrase(term) {
        for pair in list.chunks_exact(2) {
            out.insert(pair[0], pair[1]);
        }
        return out;
    }
    let base = term[0].pos;
    let mut lists: Vec<(Vec<u32>, u32)> = Vec::new();
    for s in span_starts(term) {
        match index.span(&term[s..s + GRAM]) {
            Some(p) => lists.push((p, term[s].pos - base)),
            None => return out,
        }
    }
    let keys: Vec<(Decoded, u32)> = lists.iter().map(|(p, off)| (decode(p), *off)).collect();
    // Walk the rarest key's documents.
    let (rarest, _) = keys
        .iter()
        .enumerate()
        .min_by_key(|(_, (p, _))| p.len())
        .map(|(i, k)| (i, k.1))
        .unwrap_or((0, 0));
    let (first, off0) = (&keys[rarest].0, keys[rarest].1);
    for (doc, starts) in first {
        let mut score = 0u32;
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
            score = score.saturating_add(weight_at(origin));
        }
        if score > 0 {
            out.insert(*doc, score);
        }
    }
    out
}

/// The score of `doc` for `terms` as the static index gives it: for each
/// term, ten for each place it stands in the title and one for each in
/// the body (the same tokens, side by side, a separator where the term
/// has one). What `gongshi search` and `/api/search` rank by, so that
/// they give the site's order.
pub fn weight(doc: &super::index::SearchDoc, terms: &[Vec<Token>]) -> u32 {
    use super::tokenize::tokens_from;
    let mut toks = tokens_from(&doc.title, 0);
    toks.extend(tokens_from(&doc.body, super::index::BODY));
    let at: std::collections::HashMap<u32, &str> =
        toks.iter().map(|t| (t.pos, t.text.as_str())).collect();
    let mut score = 0u32;
    for term in terms {
        let Some(first) = term.first() else { continue };
        for t in toks.iter().filter(|t| t.text == first.text) {
            let whole = term
                .iter()
                .all(|q| at.get(&(t.pos + (q.pos - first.pos))) == Some(&q.text.as_str()));
            if whole {
                score = score.saturating_add(weight_at(t.pos));
            }
        }
    }
    score
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
            .then(b.doc.cmp(&a.doc))
    });
    hits
}
