//! Keys of the index: runs of up to MAX_RUN tokens (CJK characters and
//! words, with the gaps between them) packed into one integer.

use super::*;

/// A multiplicative hash for packed [`Key`]s.
#[derive(Default)]
pub struct KeyHasher(pub(super) u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = (k ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u128(&mut self, k: u128) {
        self.0 = ((k as u64) ^ ((k >> 64) as u64).rotate_left(23) ^ self.0)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;

/// A run of 1..=GRAM tokens packed into one number, so that the index never
/// builds a string per occurrence: per token 27 bits of token id and one bit
/// saying whether a separator stands before it, then 3 bits of length.
/// A CJK token's id is its code point; a word's id is `WORD_BASE` plus its
/// number in [`Index::words`].
pub type Key = u128;

pub(super) const ID_BITS: u32 = 27;

pub(super) const WORD_BASE: u32 = 0x4_0000;

/// Partitions of the key space, merged in parallel.
pub(super) const PARTS: usize = 8;

pub fn part_of(k: Key) -> usize {
    let h = ((k as u64) ^ ((k >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 61) as usize % PARTS
}

/// A token as the index holds it: id and position.
#[derive(Clone, Copy)]
pub(super) struct Tok {
    pub(super) id: u32,
    pub(super) pos: u32,
}

/// The id of a token that is one CJK character: the character itself.
pub(super) fn cjk_id(text: &str) -> Option<u32> {
    let mut cs = text.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) if crate::search::tokenize::is_cjk(c) => Some(c as u32),
        _ => None,
    }
}

/// A word's id while it is not yet given ([`Index::with_heavy`]): no id
/// is this large.
pub(super) const UNNAMED: u32 = u32::MAX;

pub(super) fn pack(run: &[Tok]) -> Key {
    let mut k: Key = 0;
    for (i, t) in run.iter().enumerate() {
        let gap = i > 0 && t.pos - run[i - 1].pos == 2;
        k = (k << (ID_BITS + 1)) | (Key::from(gap) << ID_BITS) | Key::from(t.id);
    }
    (k << 3) | run.len() as Key
}

/// The tokens of a packed key, first first: id, and whether a separator
/// stands before it. Read in place: the last token is in the lowest bits.
pub(super) fn unpack(key: Key) -> impl Iterator<Item = (u32, bool)> {
    let n = (key & 7) as u32;
    let k = key >> 3;
    (0..n).map(move |i| {
        let part = k >> ((n - 1 - i) * (ID_BITS + 1));
        let id = (part & ((1 << ID_BITS) - 1)) as u32;
        (id, (part >> ID_BITS) & 1 == 1)
    })
}

/// Pack tokens given as (id, separator before); the first has none.
pub(super) fn pack_parts(parts: &[(u32, bool)]) -> Key {
    let mut k: Key = 0;
    for (i, &(id, gap)) in parts.iter().enumerate() {
        k = (k << (ID_BITS + 1)) | (Key::from(gap && i > 0) << ID_BITS) | Key::from(id);
    }
    (k << 3) | parts.len() as Key
}

/// The longest run of tokens that [`Index::add_runs`] gives a list of its
/// own: twelve, so that an agency's name with what follows it
/// (基准市市场监督管理局对…) is a run; a longer term is pinned down by the
/// positions of runs this long.
pub const MAX_RUN: usize = 12;

/// A run of up to MAX_RUN tokens: per token its id and, in bit `ID_BITS`,
/// whether a separator stands before it (never before the first); zeros
/// after the last (no token has id 0).
pub(super) type Run = [u32; MAX_RUN];

pub(super) fn tok_id(t: u32) -> u32 {
    t & ((1 << ID_BITS) - 1)
}

pub(super) fn tok_gap(t: u32) -> bool {
    t >> ID_BITS == 1
}

pub(super) fn run_of(key: Key) -> Run {
    let mut r = [0; MAX_RUN];
    for (i, (id, gap)) in unpack(key).enumerate().take(MAX_RUN) {
        r[i] = id | (u32::from(gap && i > 0) << ID_BITS);
    }
    r
}

pub(super) fn run_len(r: &Run) -> usize {
    r.iter().position(|&t| t == 0).unwrap_or(MAX_RUN)
}

/// Tokens `from..to` (at most GRAM) of a run as a packed key of their own.
pub(super) fn run_key(r: &Run, from: usize, to: usize) -> Key {
    let parts: Vec<(u32, bool)> = r[from..to]
        .iter()
        .map(|&t| (tok_id(t), tok_gap(t)))
        .collect();
    pack_parts(&parts)
}

/// Where token `i` of a run stands, relative to the first.
pub(super) fn offset(r: &Run, i: usize) -> u32 {
    r[1..=i]
        .iter()
        .map(|&t| if tok_gap(t) { 2 } else { 1 })
        .sum()
}
