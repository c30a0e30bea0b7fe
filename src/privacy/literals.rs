//! The literal private values (a whistleblower's name, phone, address and
//! report), looked for in the compact reader text of [`super::Scanner`].

use aho_corasick::{AhoCorasick, Anchored, Input, StartKind};
use std::sync::Arc;

/// The literal values of private fields, found by two filters on the first
/// bytes of each pattern: every position of the text is looked up in a bit
/// set of the patterns' first two bytes (8 KB, in the fastest cache), then
/// in a hashed set of their first 8 (or 4) bytes, and only where a pattern
/// may begin does the automaton confirm a match anchored there. Over megabytes of pages with
/// thousands of patterns this is several times faster than an unanchored
/// automaton search, whose prefilter matches the common CJK lead bytes.
#[derive(Clone)]
pub struct Literals {
    /// Anchored matcher for the patterns of 4 bytes or more (the ones the
    /// filters below cover); `anchored_ids` maps its pattern numbers back.
    anchored: Option<AhoCorasick>,
    anchored_ids: Arc<[usize]>,
    /// The first two bytes of the patterns of 4 bytes or more.
    pairs: Arc<[u64]>,
    /// Patterns of at least 8 bytes, by their first 8 bytes.
    long: Arc<[u64]>,
    /// Patterns of 4 to 7 bytes, by their first 4 bytes.
    short: Arc<[u64]>,
    has_short: bool,
    /// Patterns under 4 bytes (rare: two ASCII characters), searched the
    /// ordinary way.
    tiny: Option<AhoCorasick>,
    /// Pattern index in `tiny` → index in the scanner's owners.
    tiny_ids: Arc<[usize]>,
    /// The first bytes of the patterns of 4 bytes or more, for a filter
    /// that looks at 16 positions at once.
    firsts: FirstBytes,
    /// Whether this processor runs [`FirstBytes::mask16`] (SSSE3).
    simd: bool,
}

/// A set of bytes as two tables of 16, looked up by a byte's low and its
/// high half ("nibble"): byte `b` may be in the set when
/// `lo[b & 15] & hi[b >> 4] != 0`. The high halves share eight buckets
/// (0x0–0x1, then one each for 0x2–0x7, and 0x8–0xF together), so a byte
/// of the set is always let through and a byte outside it only sometimes.
/// Text is mostly ASCII markup, digits and the lead bytes of Chinese
/// characters; a pattern of Chinese text lets through only the last.
#[derive(Clone, Default)]
struct FirstBytes {
    lo: [u8; 16],
    hi: [u8; 16],
}

impl FirstBytes {
    const BUCKET: [u8; 16] = [0, 0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7];

    fn add(&mut self, b: u8) {
        let bit = 1 << Self::BUCKET[(b >> 4) as usize];
        self.hi[(b >> 4) as usize] |= bit;
        self.lo[(b & 15) as usize] |= bit;
    }

    /// Bit k set where `block[k]` may be in the set.
    ///
    /// # Safety
    /// Only where the processor has SSSE3.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    #[inline]
    unsafe fn mask16(&self, block: &[u8; 16]) -> u32 {
        use std::arch::x86_64::*;
        // SAFETY: each load reads exactly 16 bytes of an array of 16.
        let (v, lo, hi) = unsafe {
            (
                _mm_loadu_si128(block.as_ptr().cast()),
                _mm_loadu_si128(self.lo.as_ptr().cast()),
                _mm_loadu_si128(self.hi.as_ptr().cast()),
            )
        };
        let nibble = _mm_set1_epi8(0x0F);
        let low = _mm_shuffle_epi8(lo, _mm_and_si128(v, nibble));
        let high = _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), nibble));
        let none = _mm_cmpeq_epi8(_mm_and_si128(low, high), _mm_setzero_si128());
        !(_mm_movemask_epi8(none) as u32) & 0xFFFF
    }
}

#[cfg(target_arch = "x86_64")]
fn has_simd() -> bool {
    std::arch::is_x86_feature_detected!("ssse3")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_simd() -> bool {
    false
}

const FILTER_BITS: u32 = 20;

fn slot(window: u64) -> usize {
    (window.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn test(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

#[inline(always)]
fn window8(b: &[u8], i: usize) -> u64 {
    match b.get(i..i + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
        None => 0,
    }
}

#[inline(always)]
fn window4(b: &[u8], i: usize) -> u64 {
    match b.get(i..i + 4) {
        Some(w) => u32::from_le_bytes(w.try_into().unwrap_or_default()) as u64,
        None => 0,
    }
}

#[inline(always)]
fn pair(b: &[u8], i: usize) -> usize {
    b[i] as usize | (b[i + 1] as usize) << 8
}

impl Literals {
    pub fn new(patterns: &[String]) -> Result<Option<Literals>, String> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let mut pairs = vec![0u64; 1 << (16 - 6)];
        let mut long = vec![0u64; 1 << (FILTER_BITS - 6)];
        let mut short = vec![0u64; 1 << (FILTER_BITS - 6)];
        let mut has_short = false;
        let (mut big, mut big_ids) = (Vec::new(), Vec::new());
        let (mut tiny, mut tiny_ids) = (Vec::new(), Vec::new());
        let mut firsts = FirstBytes::default();
        for (id, p) in patterns.iter().enumerate() {
            let b = p.as_bytes();
            if b.len() >= 4 {
                set(&mut pairs, pair(b, 0));
                firsts.add(b[0]);
                big.push(p.as_str());
                big_ids.push(id);
            }
            if b.len() >= 8 {
                set(&mut long, slot(window8(b, 0)));
            } else if b.len() >= 4 {
                set(&mut short, slot(window4(b, 0)));
                has_short = true;
            } else {
                tiny.push(p.as_str());
                tiny_ids.push(id);
            }
        }
        let anchored = if big.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .start_kind(StartKind::Anchored)
                    .build(&big)
                    .map_err(|e| e.to_string())?,
            )
        };
        let tiny = if tiny.is_empty() {
            None
        } else {
            Some(AhoCorasick::new(&tiny).map_err(|e| e.to_string())?)
        };
        Ok(Some(Literals {
            anchored,
            anchored_ids: big_ids.into(),
            pairs: pairs.into(),
            long: long.into(),
            short: short.into(),
            has_short,
            tiny,
            tiny_ids: tiny_ids.into(),
            firsts,
            simd: has_simd(),
        }))
    }

    /// Every match as (pattern index, start, end), left to right, not
    /// overlapping.
    pub fn find(&self, bytes: &[u8], out: &mut Vec<(usize, usize, usize)>) {
        if let Some(anchored) = &self.anchored {
            self.find_anchored(anchored, bytes, out);
        }
        if let Some(tiny) = &self.tiny {
            for m in tiny.find_iter(bytes) {
                out.push((self.tiny_ids[m.pattern().as_usize()], m.start(), m.end()));
            }
        }
    }

    /// The patterns of 4 bytes or more, tried where the filters let them:
    /// 16 positions at a time through [`FirstBytes`] where the processor
    /// can, then one by one.
    fn find_anchored(
        &self,
        anchored: &AhoCorasick,
        bytes: &[u8],
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        let n = bytes.len();
        // The first position a match may start at (after the last match).
        let mut i = 0;
        #[cfg(target_arch = "x86_64")]
        if self.simd {
            // SAFETY: `simd` says the processor has SSSE3.
            i = unsafe { self.find_in_blocks(anchored, bytes, out) };
        }
        while i + 4 <= n {
            match self.try_at(anchored, bytes, i, out) {
                Some(end) => i = end,
                None => i += 1,
            }
        }
    }

    /// [`Literals::find_anchored`] over the blocks of 16 positions that
    /// have the 4 bytes a pattern needs; returns where the rest begins.
    ///
    /// # Safety
    /// Only where the processor has SSSE3.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    unsafe fn find_in_blocks(
        &self,
        anchored: &AhoCorasick,
        bytes: &[u8],
        out: &mut Vec<(usize, usize, usize)>,
    ) -> usize {
        let mut i = 0;
        let mut base = 0;
        while base + 19 <= bytes.len() {
            let block: &[u8; 16] = bytes[base..base + 16].try_into().unwrap_or(&[0; 16]);
            // SAFETY: this function runs only where SSSE3 is.
            let mut m = unsafe { self.firsts.mask16(block) };
            if i > base {
                m &= u32::MAX.checked_shl((i - base) as u32).unwrap_or(0);
            }
            while m != 0 {
                let at = base + m.trailing_zeros() as usize;
                m &= m - 1;
                if at < i {
                    continue;
                }
                if let Some(end) = self.try_at(anchored, bytes, at, out) {
                    i = end;
                }
            }
            base += 16;
        }
        i.max(base)
    }

    /// A pattern anchored at `i`, if the filters let one begin there: the
    /// end of the match.
    #[inline(always)]
    fn try_at(
        &self,
        anchored: &AhoCorasick,
        bytes: &[u8],
        i: usize,
        out: &mut Vec<(usize, usize, usize)>,
    ) -> Option<usize> {
        if !test(&self.pairs, pair(bytes, i)) {
            return None;
        }
        let candidate = test(&self.long, slot(window8(bytes, i)))
            || (self.has_short && test(&self.short, slot(window4(bytes, i))));
        if !candidate {
            return None;
        }
        let input = Input::new(bytes)
            .span(i..bytes.len())
            .anchored(Anchored::Yes);
        let m = anchored.find(input)?;
        out.push((
            self.anchored_ids[m.pattern().as_usize()],
            m.start(),
            m.end(),
        ));
        Some(m.end())
    }
}
