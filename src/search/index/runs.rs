//! Runs longer than the keys: phrases found by meeting the position lists
//! of their parts.

use super::*;

/// Where a list's occurrences stand, `doc << 32 | position`, ascending.
pub(super) fn places(list: &List) -> Vec<u64> {
    let mut out = Vec::with_capacity(list.len() / 2);
    list.each_position(|doc, _, _, pos| out.push(at_key(doc, pos)));
    out
}

/// The first index from `from` on whose element is not `below` (which the
/// element at `from` is), by galloping.
pub(super) fn gallop(v: &[u64], from: usize, below: impl Fn(u64) -> bool) -> usize {
    let mut lo = from;
    let mut step = 1;
    while lo + step < v.len() && below(v[lo + step]) {
        lo += step;
        step *= 2;
    }
    let end = (lo + step + 1).min(v.len());
    lo + 1 + v[lo + 1..end].partition_point(|&x| below(x))
}

/// Every place `x` of list `b` and place `p` of `a` with `p + a_shift`
/// equal to `x + b_shift` (both ascending; the shifts stay within the
/// document), as `hit(p, x)`. `b` is read as it goes, never decoded into
/// a copy: a span's list is met with many heavy runs.
pub(super) fn meet_list(
    a: &[u64],
    a_shift: u64,
    b: &List,
    b_shift: u64,
    mut hit: impl FnMut(u64, u64),
) {
    let mut i = 0;
    b.each_position(|doc, _, _, pos| {
        let x = at_key(doc, pos);
        let y = x + b_shift;
        if i < a.len() && a[i] + a_shift < y {
            i = gallop(a, i, |v| v + a_shift < y);
        }
        if i < a.len() && a[i] + a_shift == y {
            hit(a[i], x);
            i += 1;
        }
    });
}

/// The runs one token longer than heavy run `h`: `h` followed by the last
/// token of each span in `rights` (spans whose first GRAM − 1 tokens are
/// the last of `h`), with their positions.
pub(super) fn right_of(h: Run, here: &[u64], rights: &[(Key, Key, &List)]) -> Vec<(Run, List)> {
    let n = run_len(&h);
    let off = u64::from(offset(&h, n + 1 - GRAM));
    let mut out = Vec::new();
    for &(_, k, l) in rights {
        let mut found = Positions::default();
        meet_list(here, off, l, 0, |p, _| found.push(p));
        let list = found.finish();
        if !list.is_empty() {
            let mut r = h;
            r[n] = run_of(k)[GRAM - 1];
            out.push((r, list));
        }
    }
    out
}

/// The runs one token longer than heavy run `h`: the first token of each
/// span in `lefts` (spans whose last GRAM − 1 tokens are the first of `h`)
/// followed by `h`, with their positions; but not those whose first
/// tokens are a heavy run too (in `heavy`): [`right_of`] finds those.
pub(super) fn left_of(
    h: Run,
    here: &[u64],
    lefts: &[(Key, Key, &List)],
    heavy: &std::collections::HashSet<Run>,
) -> Vec<(Run, List)> {
    let n = run_len(&h);
    let mut out = Vec::new();
    for &(_, k, l) in lefts {
        let span = run_of(k);
        let mut r = [0; MAX_RUN];
        r[0] = span[0];
        r[1..=n].copy_from_slice(&h[..n]);
        r[1] = span[1];
        let mut head = r;
        head[n] = 0;
        if heavy.contains(&head) {
            continue;
        }
        let step = if tok_gap(span[1]) { 2 } else { 1 };
        let mut found = Positions::default();
        meet_list(here, 0, l, step, |_, x| found.push(x));
        let list = found.finish();
        if !list.is_empty() {
            out.push((r, list));
        }
    }
    out
}

/// Runs joined, not yet named ([`Index::join_runs`]): tokens, list,
/// whether the list holds positions, and for a heavy run's list of
/// documents, the size of its positions.
pub struct Runs(pub(super) Vec<(Run, List, bool, u32)>);
