//! The static index for `search.html`: a small manifest, postings sharded by
//! key hash (a query fetches only the shards of its keys), document chunks
//! (fetched only for the results shown) and one facet table. Every file name
//! carries its content hash, so hosts may cache them for ever.

use super::index::{BODY, FACET_LABELS, FACETS, Index};
use super::tokenize::shard_of;
use crate::output::{Staging, short_hash};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Raw bytes of postings per shard we aim for (gzip takes them to a third).
pub const SHARD_TARGET: usize = 24_000;
/// Documents per chunk of result metadata.
pub const CHUNK: usize = 32;

fn encode_pairs(p: &super::index::Postings) -> Value {
    let mut v = Vec::with_capacity(p.len() * 3);
    let mut last = 0;
    for (doc, positions) in p {
        v.push(doc - last);
        last = *doc;
        v.push(positions.len() as u32);
        let mut lp = 0;
        for pos in positions {
            v.push(pos - lp);
            lp = *pos;
        }
    }
    json!(v)
}

fn encode_docs(d: &[u32]) -> Value {
    let mut last = 0;
    json!(
        d.iter()
            .map(|x| {
                let v = x - last;
                last = *x;
                v
            })
            .collect::<Vec<_>>()
    )
}

/// All keys with their encoded postings, sorted.
pub fn entries(index: &Index) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for (k, p) in &index.pairs {
        all.insert(k.clone(), encode_pairs(p));
    }
    for (k, d) in &index.singles {
        all.insert(k.clone(), encode_docs(d));
    }
    for (k, d) in &index.exact {
        all.insert(k.clone(), encode_docs(d));
    }
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
    let total: usize = entries
        .iter()
        .map(|(k, v)| k.len() + v.to_string().len() + 4)
        .sum();
    let shards = total.div_ceil(SHARD_TARGET).max(1) as u32;
    let mut buckets: Vec<serde_json::Map<String, Value>> =
        vec![serde_json::Map::new(); shards as usize];
    for (k, v) in entries {
        buckets[shard_of(&k, shards) as usize].insert(k, v);
    }
    let shard_names: Vec<String> = buckets
        .into_iter()
        .enumerate()
        .map(|(i, b)| write_json(staging, &format!("s{i}"), &Value::Object(b)))
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
