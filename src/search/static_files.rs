//! The static index for `search.html`: a small manifest, postings sharded by
//! key hash (a query fetches only the shards of its keys), document chunks
//! (fetched only for the results shown) and one facet table. Every file name
//! carries its content hash, so hosts may cache them for ever.

use super::index::{BODY, FACET_LABELS, FACETS, Index, decode};
use super::tokenize::shard_of;
use crate::output::{Staging, short_hash};
use serde_json::{Value, json};

/// Raw bytes of postings per shard we aim for (gzip takes them to a third).
pub const SHARD_TARGET: usize = 24_000;
/// Documents per chunk of result metadata.
pub const CHUNK: usize = 32;

/// `[Δdoc, n, Δpos…, Δdoc, n, Δpos…]`: deltas keep the numbers short.
fn encode_pairs(p: &[u32], out: &mut String) {
    use std::fmt::Write;
    out.push('[');
    let mut last = 0;
    let mut first = true;
    for (doc, positions) in decode(p) {
        let mut lp = 0;
        let _ = write!(
            out,
            "{}{},{}",
            if first { "" } else { "," },
            doc - last,
            positions.len()
        );
        first = false;
        last = doc;
        for pos in positions {
            let _ = write!(out, ",{}", pos - lp);
            lp = *pos;
        }
    }
    out.push(']');
}

fn encode_docs(d: &[u32], out: &mut String) {
    use std::fmt::Write;
    out.push('[');
    let mut last = 0;
    for (i, x) in d.iter().enumerate() {
        let _ = write!(out, "{}{}", if i == 0 { "" } else { "," }, x - last);
        last = *x;
    }
    out.push(']');
}

/// Every key with its encoded postings (JSON text), sorted by key.
pub fn entries(index: &Index) -> Vec<(&str, String)> {
    let mut all: Vec<(&str, String)> =
        Vec::with_capacity(index.pairs.len() + index.singles.len() + index.exact.len());
    for (k, p) in &index.pairs {
        let mut s = String::new();
        encode_pairs(p, &mut s);
        all.push((k, s));
    }
    for (k, d) in index.singles.iter().chain(index.exact.iter()) {
        let mut s = String::new();
        encode_docs(d, &mut s);
        all.push((k, s));
    }
    all.sort_unstable_by(|a, b| a.0.cmp(b.0));
    all
}

fn write_json(staging: &Staging, stem: &str, v: &Value) -> String {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let name = format!("search/{stem}.{}.json", short_hash(&bytes));
    staging.write(&name, &bytes, None);
    name
}

/// Write the index; returns the manifest's path (for search.html).
pub fn write(index: &Index, staging: &Staging) -> String {
    let entries = entries(index);
    let total: usize = entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let shards = total.div_ceil(SHARD_TARGET).max(1) as u32;
    let mut buckets: Vec<String> = vec![String::from("{"); shards as usize];
    for (k, v) in entries {
        let b = &mut buckets[shard_of(k, shards) as usize];
        if b.len() > 1 {
            b.push(',');
        }
        b.push_str(&serde_json::to_string(k).unwrap_or_default());
        b.push(':');
        b.push_str(&v);
    }
    let shard_names: Vec<String> = buckets
        .into_iter()
        .enumerate()
        .map(|(i, mut b)| {
            b.push('}');
            let name = format!("search/s{i}.{}.json", short_hash(b.as_bytes()));
            staging.write(&name, b.as_bytes(), None);
            name
        })
        .collect();
    let chunk_names: Vec<String> = index
        .docs
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, docs)| {
            let rows: Vec<Value> = docs
                .iter()
                .map(|d| {
                    json!([
                        d.url,
                        d.title,
                        d.facets[0],
                        d.date,
                        d.party.clone().unwrap_or_default(),
                        d.summary
                    ])
                })
                .collect();
            write_json(staging, &format!("d{i}"), &json!(rows))
        })
        .collect();
    let mut values: Vec<Vec<String>> = vec![Vec::new(); FACETS.len()];
    let mut columns: Vec<String> = vec![String::new(); FACETS.len()];
    for (f, vals) in values.iter_mut().enumerate() {
        let mut set: Vec<String> = index.docs.iter().map(|d| d.facets[f].clone()).collect();
        set.sort();
        set.dedup();
        if f == 4 {
            set.reverse(); // newest year first
        }
        *vals = set;
        let col: String = index
            .docs
            .iter()
            .map(|d| {
                let i = vals
                    .binary_search_by(|v| {
                        if f == 4 {
                            d.facets[f].cmp(v)
                        } else {
                            v.cmp(&d.facets[f])
                        }
                    })
                    .unwrap_or(0);
                char::from_u32(48 + i as u32).unwrap_or('0')
            })
            .collect();
        columns[f] = col;
    }
    let facets = write_json(staging, "f", &json!({ "values": values, "docs": columns }));
    let manifest = json!({
        "v": 1,
        "docs": index.docs.len(),
        "body": BODY,
        "shards": shard_names.iter().map(|n| n.trim_start_matches("search/")).collect::<Vec<_>>(),
        "chunk": CHUNK,
        "chunks": chunk_names.iter().map(|n| n.trim_start_matches("search/")).collect::<Vec<_>>(),
        "facets": facets.trim_start_matches("search/"),
        "facet_names": FACETS,
        "facet_labels": FACET_LABELS,
    });
    write_json(staging, "index", &manifest)
}
