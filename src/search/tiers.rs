//! The static index for `search.html`, laid out so that publishing one
//! record rewrites little of it.
//!
//! - Documents keep their numbers ([`super::index::documents`]): oldest
//!   first, a gap where a record left.
//! - The postings are in two tiers, each a complete index of its own
//!   documents: the records published before the build date's month, and
//!   the ones published since. A new record goes into the small second
//!   tier; the first is written again when the month turns, or when one of
//!   its records changes or leaves. The browser asks both and merges (the
//!   documents of the two never meet, and a document's score is its own).
//! - A tier's directory is named by its first document and its numbers of
//!   shards (`search/t0s4096p2048/`), a shard by a stable hash of its keys,
//!   a heavy list by a number made from its key: a file keeps its name and
//!   bytes while what it holds does not change. A tier whose documents are
//!   those of the previous output's (the manifest names each tier's key,
//!   a hash of them) is taken from it as it is, unread.
//! - The result rows, `CHUNK` documents to a file, are by document number
//!   (`search/d/d<n>.json`); the facet table is named by its content hash,
//!   and the manifest by a hash of what it is made from (its tiers' keys
//!   and the rest of its text), known before the index is written.

use super::index::{FACET_LABELS, FACETS, Index, SearchDoc};
use super::patch::{self, kept, kept::Params};
use super::static_files::{SHARD_MAX, write_postings};
use crate::output::{Staging, short_hash};
use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Documents per file of result rows.
pub const CHUNK: usize = 4;

/// The format of the files, part of each tier's key: a tier written by an
/// older format is never taken over.
const FORMAT: &str = "gongshi-search-tier-2";

/// How a tier keeps its long lists: lists of more than `heavy` bytes in
/// files of their own, and in a tier of more than `least_range` documents,
/// those files cut into ranges of document numbers ([`range_width`]).
#[derive(Clone, Copy)]
pub struct Lists {
    pub heavy: usize,
    pub least_range: usize,
}

impl Lists {
    /// What a site's index uses (tests set lower numbers to exercise
    /// heavy lists and ranges on a small corpus).
    pub const SITE: Lists = Lists {
        heavy: super::index::HEAVY,
        least_range: 1024,
    };
}

/// A heavy list's files in at most this many ranges: a query fetches each.
const MOST_RANGES: usize = 8;

/// Documents to a range of a heavy list's files in a tier of `len`
/// document numbers: a power of two of at least `least`, so that there are
/// at most [`MOST_RANGES`]; 0 (each list whole, in one file) in a tier of
/// no more than `least`. The tier's numbers keep their places when records
/// leave, and so the ranges keep their documents: a record that leaves
/// rewrites the range that held it in each of its heavy lists, and the
/// month's records, when they join the tier, the last range.
pub fn range_width(len: usize, least: usize) -> u32 {
    if len <= least {
        return 0;
    }
    let width = len.div_ceil(MOST_RANGES).next_power_of_two().max(least);
    u32::try_from(width).unwrap_or(u32::MAX)
}

/// Where the second tier starts: at the first document published in the
/// month of `date`; or, if that would put more than an eighth of the
/// documents (and more than [`SMALL`]) in the second tier, in its week
/// (from Monday); or else on the day itself. A site whose records are
/// mostly recent still has a small second tier, and the first tier is
/// written again only when the date passes such a line.
pub fn split(docs: &[SearchDoc], date: NaiveDate) -> usize {
    let most = (docs.len() / 8).max(SMALL);
    let month = date.with_day(1).unwrap_or(date);
    let week = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
    let at = |first: NaiveDate| docs.partition_point(|d| d.date < first);
    [month, week]
        .into_iter()
        .map(at)
        .find(|&i| docs.len() - i <= most)
        .unwrap_or_else(|| at(date))
}

/// A second tier of up to this many documents is small enough whatever
/// the size of the first.
const SMALL: usize = 256;

/// The static index of `docs` (in the order of their numbers) as it will
/// be written: the documents before `split` in the first tier and the rest
/// in the second, their long lists kept as `lists` says. Its manifest's
/// name is known before anything is written (see [`Plan::manifest`]), so
/// that search.html can be rendered first, and a large site can free its
/// records and pages before the index takes its memory.
pub struct Plan {
    docs: Arc<Vec<SearchDoc>>,
    lists: Lists,
    tiers: Vec<Planned>,
    /// The facet table, and its path (named by its content).
    facets: (String, Vec<u8>),
    /// The manifest's path.
    manifest: String,
}

/// One tier of a [`Plan`]: its documents, the most bytes of a shard, the
/// width of its heavy lists' ranges and its key ([`tier_key`]).
struct Planned {
    range: Range<usize>,
    shard_max: usize,
    width: u32,
    key: String,
}

impl Plan {
    pub fn new(docs: Arc<Vec<SearchDoc>>, split: usize, lists: Lists) -> Plan {
        let split = split.min(docs.len());
        let tiers: Vec<Planned> = [0..split, split..docs.len()]
            .into_iter()
            .zip(SHARD_MAX)
            .filter(|(r, _)| !docs[r.clone()].iter().all(SearchDoc::is_gap))
            .map(|(range, shard_max)| {
                let width = range_width(range.len(), lists.least_range);
                let key = tier_key(
                    &docs[range.clone()],
                    range.start,
                    lists.heavy,
                    width,
                    shard_max,
                );
                Planned {
                    range,
                    shard_max,
                    width,
                    key,
                }
            })
            .collect();
        let facets = serde_json::to_vec(&facet_table(&docs)).unwrap_or_default();
        let facets = (
            format!("search/facets.{}.json", short_hash(&facets)),
            facets,
        );
        // Named by what it is made from: each tier's key stands for its
        // files (the same documents give the same files), and the rest of
        // the manifest is in this skeleton as it will be written.
        let keys: Vec<&str> = tiers.iter().map(|t| t.key.as_str()).collect();
        let skeleton = manifest(&docs, json!(keys), &facets.0);
        let skeleton = serde_json::to_vec(&skeleton).unwrap_or_default();
        let manifest = format!("search/index.{}.json", short_hash(&skeleton));
        Plan {
            docs,
            lists,
            tiers,
            facets,
            manifest,
        }
    }

    /// The manifest's path (for search.html): the same for the same
    /// documents, and another whenever any file of the index differs.
    pub fn manifest(&self) -> &str {
        &self.manifest
    }

    /// Write the index; returns the manifest's path.
    pub fn write(self, staging: &Staging) -> String {
        let previous = previous_tiers(staging);
        let kept = kept::dir(staging);
        let tiers: Vec<Value> = self
            .tiers
            .iter()
            .map(|t| {
                tier(
                    &self.docs,
                    t,
                    self.lists,
                    &previous,
                    staging,
                    kept.as_deref(),
                )
            })
            .collect();
        if let Some(dir) = &kept {
            // What the previous output's tiers were made from stays too,
            // while that output is still the one in place.
            let keys: Vec<&str> = tiers
                .iter()
                .chain(&previous)
                .filter_map(|t| t["key"].as_str())
                .collect();
            kept::prune(dir, &keys);
        }
        write_chunks(&self.docs, staging);
        staging.write(&self.facets.0, &self.facets.1, None);
        let manifest = manifest(&self.docs, Value::Array(tiers), &self.facets.0);
        let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
        staging.write(&self.manifest, &bytes, None);
        self.manifest
    }
}

/// Write the static index of `docs` in two tiers at `split` (see [`Plan`]).
/// Returns the manifest's path.
pub fn write(docs: &Arc<Vec<SearchDoc>>, split: usize, lists: Lists, staging: &Staging) -> String {
    Plan::new(docs.clone(), split, lists).write(staging)
}

/// The manifest of the index of `docs` whose tiers are `tiers` and facet
/// table `facets`.
fn manifest(docs: &[SearchDoc], tiers: Value, facets: &str) -> Value {
    json!({
        "v": 8,
        "gram": super::index::GRAM,
        "run": super::index::MAX_RUN,
        "docs": docs.len(),
        "body": super::index::BODY,
        "tiers": tiers,
        "rows": "d/",
        "chunk": CHUNK,
        "chunks": docs.len().div_ceil(CHUNK),
        "facets": facets.trim_start_matches("search/"),
        "facet_names": FACETS,
        "facet_labels": FACET_LABELS,
    })
}

/// Write one tier, or take it from the previous output if its documents
/// are the same (`previous`: the tiers of the previous output's manifest),
/// or patch the previous output's if few of them changed ([`patch`]);
/// returns its entry in the manifest. What a patch needs is kept in
/// `kept`.
fn tier(
    docs: &Arc<Vec<SearchDoc>>,
    planned: &Planned,
    lists: Lists,
    previous: &[Value],
    staging: &Staging,
    kept: Option<&Path>,
) -> Value {
    let Planned {
        range,
        shard_max,
        width,
        key,
    } = planned;
    let (range, shard_max, width) = (range.clone(), *shard_max, *width);
    let stem = format!("t{}", range.start);
    // The previous output's tier of the same first document, by its
    // directory `t<first>s<shards>p<phrase shards>/`.
    let old = previous.iter().find(|t| {
        t["dir"]
            .as_str()
            .and_then(|d| d.strip_prefix(&stem))
            .is_some_and(|rest| rest.starts_with('s'))
    });
    if let Some(old) = old
        && old["key"].as_str() == Some(key)
        && reuse(staging, old)
    {
        return old.clone();
    }
    let params = Params {
        first: range.start,
        len: range.len(),
        heavy: lists.heavy,
        width,
        shard_max,
    };
    if let Some(patched) = old.and_then(|old| patched(docs, params, old, key, staging, kept?)) {
        return patched;
    }
    let building = format!("search/.{stem}");
    if let Some(dir) = old.and_then(|t| t["dir"].as_str()) {
        staging.compare_with(&building, &format!("search/{}", dir.trim_end_matches('/')));
    }
    let mut index = Index::over(docs.clone(), range.clone(), lists.heavy);
    let written = write_postings(&mut index, staging, &building, shard_max, width);
    drop(index);
    if let Some(kept) = kept {
        kept::save(
            kept,
            key,
            params,
            written.totals,
            &docs[range],
            &written.runs,
        );
    }
    let [shards, phrase_shards] = written.shards;
    // Letters between the numbers: digits joined by dashes could read
    // as a telephone number to the output scan.
    let dir = format!("{stem}s{shards}p{phrase_shards}");
    staging.rename(&building, &format!("search/{dir}"));
    entry(&dir, shards, phrase_shards, key)
}

/// The previous output's tier `old` patched into the tier of key `key`,
/// if it can be ([`patch`]); its entry in the manifest.
fn patched(
    docs: &[SearchDoc],
    params: Params,
    old: &Value,
    key: &str,
    staging: &Staging,
    kept: &Path,
) -> Option<Value> {
    let dir = old["dir"].as_str()?.trim_end_matches('/');
    let was = kept::load(kept, old["key"].as_str()?)?;
    let rel = format!("search/{dir}");
    let shards = [&old["shards"], &old["phrase_shards"]]
        .map(|n| n.as_u64().and_then(|n| u32::try_from(n).ok()));
    let old = patch::Old {
        kept: &was,
        dir: staging.previous_dir(&rel)?,
        rel,
        shards: [shards[0]?, shards[1]?],
    };
    let p = patch::patch(docs, params, &old, staging)?;
    kept::save(kept, key, params, p.totals, &docs[params.range()], &p.runs);
    Some(entry(dir, p.shards[0], p.shards[1], key))
}

/// A tier in the manifest: its directory, its numbers of shards, and its
/// key, so that the manifest (named by its keys) changes whenever a tier
/// does, and the next build knows what the tier was made from.
fn entry(dir: &str, shards: u32, phrase_shards: u32, key: &str) -> Value {
    json!({
        "dir": format!("{dir}/"),
        "shards": shards,
        "phrase_shards": phrase_shards,
        "key": key,
    })
}

/// What a tier's files depend on, hashed: the format, the first document's
/// number, the threshold of heavy lists and the width of their ranges, the
/// size of shards and every field of its documents that the index reads.
fn tier_key(
    docs: &[SearchDoc],
    first: usize,
    heavy: usize,
    width: u32,
    shard_max: usize,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(FORMAT);
    field(&first.to_string());
    field(&heavy.to_string());
    field(&width.to_string());
    field(&shard_max.to_string());
    for d in docs {
        d.each_field(&mut field);
    }
    // Written in the letters a–p, one per half byte: a run of digits in
    // a hash could read as a telephone number to the output scan.
    h.finalize()
        .iter()
        .flat_map(|b| [b >> 4, b & 15])
        .map(|n| char::from(b'a' + n))
        .collect()
}

/// The tiers that the previous output's manifest lists (none without one).
fn previous_tiers(staging: &Staging) -> Vec<Value> {
    let Some(search) = staging.previous_dir("search") else {
        return Vec::new();
    };
    let manifest = std::fs::read_dir(&search).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("index.") && n.ends_with(".json"))
    });
    manifest
        .and_then(|m| std::fs::read(search.join(m)).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["tiers"].as_array().cloned())
        .unwrap_or_default()
}

/// Take a tier of the previous output (its entry in that manifest) as it
/// is: every file of its directory, linked.
fn reuse(staging: &Staging, old: &Value) -> bool {
    let Some(dir) = old["dir"].as_str().map(|d| d.trim_end_matches('/')) else {
        return false;
    };
    staging.previous_dir(&format!("search/{dir}")).is_some()
        && staging.reuse_dir(&format!("search/{dir}"), |_| false)
}

/// The result rows of the documents, `CHUNK` to a file, by number: url,
/// title, kind, date, party, summary; `null` for a gap.
fn write_chunks(docs: &[SearchDoc], staging: &Staging) {
    use rayon::prelude::*;
    docs.par_chunks(CHUNK).enumerate().for_each(|(i, docs)| {
        let rows: Vec<Value> = docs
            .iter()
            .map(|d| {
                if d.is_gap() {
                    return Value::Null;
                }
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
        let bytes = serde_json::to_vec(&rows).unwrap_or_default();
        staging.write(&format!("search/d/d{i}.json"), &bytes, None);
    });
}

/// Facets whose values go together, written as one column: a kind has its
/// own statuses, and a sector its own equipment, so that the pairs that
/// occur are few and the column of pairs compresses far better than two.
const FACET_GROUPS: [&[usize]; 4] = [&[0, 5], &[1], &[2, 3], &[4]];

/// The facet table: the values of each facet (`values`); the groups of
/// facets written together (`groups`), each with the combinations of
/// value numbers that occur (`combos`); and per group one character per
/// document naming its combination (`docs`, from `A`: never a digit, as a
/// run of digits could read as a personal number to the output scan). A
/// gap takes the character of the document before it (no query finds a
/// gap, and a repeated character compresses best).
fn facet_table(docs: &[SearchDoc]) -> Value {
    let values: Vec<Vec<String>> = (0..FACETS.len())
        .map(|f| {
            let mut set: Vec<String> = docs
                .iter()
                .filter(|d| !d.is_gap())
                .map(|d| d.facets[f].clone())
                .collect();
            set.sort();
            set.dedup();
            if f == 4 {
                set.reverse(); // newest year first
            }
            set
        })
        .collect();
    let number = |f: usize, d: &SearchDoc| -> usize {
        values[f]
            .binary_search_by(|v| {
                let o = v.as_str().cmp(d.facets[f].as_str());
                if f == 4 { o.reverse() } else { o }
            })
            .unwrap_or(0)
    };
    let mut combos: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for group in FACET_GROUPS {
        let of = |d: &SearchDoc| group.iter().map(|&f| number(f, d)).collect::<Vec<usize>>();
        let mut seen: Vec<Vec<usize>> = docs.iter().filter(|d| !d.is_gap()).map(of).collect();
        seen.sort();
        seen.dedup();
        let mut column = String::with_capacity(docs.len());
        let mut last = 'A';
        for d in docs {
            if !d.is_gap() {
                let i = seen.binary_search(&of(d)).unwrap_or(0);
                last = char::from_u32(65 + i as u32).unwrap_or('A');
            }
            column.push(last);
        }
        combos.push(seen);
        columns.push(column);
    }
    json!({ "values": values, "groups": FACET_GROUPS, "combos": combos, "docs": columns })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::Kind;

    fn docs(dates: &[(&str, usize)]) -> Vec<SearchDoc> {
        let mut v = Vec::new();
        for (date, n) in dates {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
            v.extend((0..*n).map(|i| SearchDoc::gap(date, Kind::Cases, &format!("{date}-{i}"))));
        }
        v
    }

    #[test]
    fn the_second_tier_is_the_month_or_less() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(); // a Sunday
        // Records over years: the month.
        let d = docs(&[
            ("2024-03-01", 4000),
            ("2026-10-31", 500),
            ("2026-11-02", 300),
            ("2026-11-20", 100),
        ]);
        assert_eq!(split(&d, date), 4500);
        // Most of them this month: the week, from Monday 16 November.
        let d = docs(&[
            ("2026-10-01", 100),
            ("2026-11-02", 3000),
            ("2026-11-16", 200),
            ("2026-11-22", 50),
        ]);
        assert_eq!(split(&d, date), 3100);
        // Most of them this week: the day.
        let d = docs(&[
            ("2026-11-02", 100),
            ("2026-11-17", 3000),
            ("2026-11-22", 50),
        ]);
        assert_eq!(split(&d, date), 3100);
        // A small site: the month, however much of it is recent.
        let d = docs(&[("2026-10-01", 10), ("2026-11-02", 200)]);
        assert_eq!(split(&d, date), 10);
    }
}
