//! The keys of one document, with their weights, partition by partition.

use super::*;

/// The keys of one document: runs of tokens with their weight, runs of
/// GRAM tokens with their positions, exact values.
pub(super) struct DocKeys {
    /// Partition, key, weight; by partition, then key.
    pub(super) grams: Vec<(u8, Key, u32)>,
    /// Partition, key, position; by partition, key, position.
    pub(super) spans: Vec<(u8, Key, u32)>,
    /// Where each partition's grams and spans begin (and the last ends):
    /// the merge of a partition goes straight to its entries.
    pub(super) gram_parts: [u32; PARTS + 1],
    pub(super) span_parts: [u32; PARTS + 1],
    pub(super) exact: Vec<String>,
    /// Phrase number and weight.
    pub(super) phrases: Vec<(u32, u32)>,
}

/// One entry per key, with the sum of its weights (keys sorted, equal keys
/// next to each other).
pub(super) fn sum_weights<K: PartialEq>(v: &mut Vec<(K, u32)>) {
    sum_weights_by(v, |e| &mut e.0, |e| &mut e.1);
}

/// [`sum_weights`] of entries with their key and weight where `key` and
/// `weight` find them.
pub(super) fn sum_weights_by<T, K: PartialEq>(
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
pub(super) fn phrase_at(p: &Phrase, toks: &[Tok], i: usize) -> bool {
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
pub(super) fn by_part(
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
pub(super) fn part_starts(v: &[(u8, Key, u32)]) -> [u32; PARTS + 1] {
    let mut starts = [0u32; PARTS + 1];
    for e in v {
        starts[usize::from(e.0) + 1] += 1;
    }
    for p in 0..PARTS {
        starts[p + 1] += starts[p];
    }
    starts
}

pub(super) fn doc_keys(
    toks: &[Tok],
    d: &SearchDoc,
    phrases: &[Phrase],
    starts: &KeyMap<Vec<u32>>,
) -> DocKeys {
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
