//! The privacy scanner: every byte that is about to be published is searched
//! for resident identity numbers (with a valid check character and birth
//! date), mobile phone numbers, bank card numbers (Luhn), and for the literal
//! values of private fields. Digits may be full-width and separated by
//! spaces or dashes, as people write them.

use crate::codes::{luhn, resident_id};
use crate::publish::Secret;
use aho_corasick::{AhoCorasick, Anchored, Input, StartKind};
use std::collections::HashSet;
use std::sync::Arc;

/// One finding: what was found where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub what: String,
    /// The source record and field, for literal private values.
    pub source: Option<String>,
    pub excerpt: String,
}

/// Cheap to clone: a build makes one and shares it.
#[derive(Clone)]
pub struct Scanner {
    /// None without private values; the error when their automaton could
    /// not be made (then nothing may be published: see [`Scanner::scan`]).
    literals: Result<Option<Literals>, Arc<str>>,
    /// The record and field of each literal pattern.
    secrets: Arc<[(String, String)]>,
    /// Numbers reviewed as not personal (隐私例外), normalized.
    allowed: Arc<HashSet<String>>,
    /// SHA-256 of everything the scanner looks for and accepts: two
    /// scanners with the same fingerprint find the same things.
    fingerprint: Arc<str>,
}

/// The literal values of private fields, found by two filters on the first
/// bytes of each pattern: every position of the text is looked up in a bit
/// set of the patterns' first two bytes (8 KB, in the fastest cache), then
/// in a hashed set of their first 8 (or 4) bytes, and only where a pattern
/// may begin does the automaton confirm a match anchored there. Over megabytes of pages with
/// thousands of patterns this is several times faster than an unanchored
/// automaton search, whose prefilter matches the common CJK lead bytes.
#[derive(Clone)]
struct Literals {
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

    #[cfg(test)]
    fn may_hold(&self, b: u8) -> bool {
        self.lo[(b & 15) as usize] & self.hi[(b >> 4) as usize] != 0
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
    fn new(patterns: &[String]) -> Result<Option<Literals>, String> {
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
    fn find(&self, bytes: &[u8], out: &mut Vec<(usize, usize, usize)>) {
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

/// A number as compared with the reviewed exceptions: ASCII digits and
/// letters only, upper-case.
pub fn normalize_number(s: &str) -> String {
    s.chars()
        .map(crate::search::tokenize::normalize)
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Scanner {
    pub fn new(secrets: &[Secret]) -> Scanner {
        Scanner::with_exceptions(secrets, &[])
    }

    pub fn with_exceptions(secrets: &[Secret], allowed: &[String]) -> Scanner {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<(String, String)> = Vec::new();
        for s in secrets {
            for variant in variants(&s.value) {
                patterns.push(variant);
                owners.push((s.source.clone(), s.field.to_string()));
            }
        }
        let allowed: HashSet<String> = allowed.iter().map(|a| normalize_number(a)).collect();
        let fingerprint = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for (p, (source, field)) in patterns.iter().zip(&owners) {
                for part in [p, source, field] {
                    h.update((part.len() as u64).to_le_bytes());
                    h.update(part.as_bytes());
                }
            }
            let mut sorted: Vec<&String> = allowed.iter().collect();
            sorted.sort();
            for a in sorted {
                h.update((a.len() as u64).to_le_bytes());
                h.update(a.as_bytes());
            }
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        Scanner {
            literals: Literals::new(&patterns).map_err(Arc::from),
            secrets: owners.into(),
            allowed: Arc::new(allowed),
            fingerprint: fingerprint.into(),
        }
    }

    /// What identifies this scanner's findings: the preview keeps the scan
    /// of unchanged records only while it stays the same.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Why this scanner cannot look for the private values, if it cannot.
    pub fn broken(&self) -> Option<&str> {
        self.literals.as_ref().err().map(|e| &**e)
    }

    /// Whether a number was reviewed as not personal (隐私例外).
    pub fn allows(&self, excerpt: &str) -> bool {
        self.allowed.contains(&normalize_number(excerpt))
    }

    /// All findings in `bytes` (text; other bytes are skipped by the caller).
    pub fn scan(&self, bytes: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        // A scanner that cannot look for the private values finds every
        // text: the build fails rather than publish unchecked.
        let literals = match &self.literals {
            Ok(l) => l,
            Err(e) => {
                return vec![Hit {
                    what: format!("无法检查的内容（隐私字段的扫描器未能建立：{e}）"),
                    source: None,
                    excerpt: String::new(),
                }];
            }
        };
        if let Some(lit) = literals {
            let mut found = Vec::new();
            lit.find(bytes, &mut found);
            for (id, start, end) in found {
                let (source, field) = &self.secrets[id];
                hits.push(Hit {
                    what: format!("隐私字段「{field}」的内容"),
                    source: Some(source.clone()),
                    excerpt: excerpt(bytes, start, end),
                });
            }
        }
        let mut numbers = Vec::new();
        scan_numbers(bytes, &mut numbers, true);
        numbers.retain(|h| !self.allowed.contains(&normalize_number(&h.excerpt)));
        hits.extend(numbers);
        hits
    }
}

/// Landline numbers (`0412-1234567`, `(0412) 12345678`, full-width too): a
/// natural person's are private; a company's switchboard is not, so this
/// is applied only to records about natural persons.
pub fn landlines(text: &str) -> Vec<Hit> {
    let chars: Vec<char> = text
        .chars()
        .map(crate::search::tokenize::normalize)
        .collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        if chars[i] != '0' || prev_digit {
            i += 1;
            continue;
        }
        // area code: 0 + 2 or 3 digits
        let mut j = i + 1;
        while j < chars.len() && chars[j].is_ascii_digit() && j - i < 4 {
            j += 1;
        }
        let area = j - i;
        let mut k = j;
        while k < chars.len() && matches!(chars[k], '-' | ' ' | ')' | '）') && k - j < 2 {
            k += 1;
        }
        let start = k;
        while k < chars.len() && chars[k].is_ascii_digit() {
            k += 1;
        }
        let local = k - start;
        let next_digit = k < chars.len() && chars[k].is_ascii_digit();
        if (3..=4).contains(&area) && (7..=8).contains(&local) && !next_digit && start > j {
            hits.push(Hit {
                what: "自然人的固定电话号码".to_string(),
                source: None,
                excerpt: chars[i..k].iter().collect(),
            });
        }
        i = k.max(i + 1);
    }
    hits
}

/// The forms a literal can take in the output: as written, and escaped for
/// HTML and JSON.
fn variants(v: &str) -> Vec<String> {
    let mut out = vec![v.to_string()];
    let html = v
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    let json = serde_json::to_string(v).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    for x in [html, json] {
        if !out.contains(&x) && !x.is_empty() {
            out.push(x);
        }
    }
    out
}

fn excerpt(bytes: &[u8], start: usize, end: usize) -> String {
    let s = String::from_utf8_lossy(&bytes[start..end.min(bytes.len())]);
    let t: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        format!("{t}…")
    } else {
        t
    }
}

/// A digit, ASCII or full-width, and its value.
fn digit_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    let b = bytes[i];
    if b.is_ascii_digit() {
        return Some((b, 1));
    }
    // U+FF10..U+FF19 = EF BC 90..99
    if b == 0xEF
        && i + 2 < bytes.len()
        && bytes[i + 1] == 0xBC
        && (0x90..=0x99).contains(&bytes[i + 2])
    {
        return Some((b'0' + (bytes[i + 2] - 0x90), 3));
    }
    None
}

/// A separator allowed inside a number: space, dash, or ideographic space.
fn separator_at(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b' ' | b'-' => Some(1),
        0xE3 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0x80) => Some(3),
        // U+2014/U+2013 dashes, U+00A0 NBSP
        0xC2 if bytes.get(i + 1) == Some(&0xA0) => Some(2),
        _ => None,
    }
}

/// Whether a run of digits ending before `j` goes on there: a digit or a
/// separator stands at `j` (what [`scan_numbers`] reads next).
fn continues(bytes: &[u8], j: usize) -> bool {
    j < bytes.len() && (digit_at(bytes, j).is_some() || separator_at(bytes, j).is_some())
}

/// The next ASCII digit or full-width digit's lead byte at or after `from`,
/// 16 bytes at a time where there is none (the test of a whole block
/// compiles to a few vector instructions).
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let wanted = |b: u8| b.wrapping_sub(b'0') < 10 || b == 0xEF;
    // Numbers come close together in lists: look at the next few first.
    let near = (from + 4).min(bytes.len());
    if let Some(k) = bytes[from..near].iter().position(|&b| wanted(b)) {
        return Some(from + k);
    }
    let mut i = near;
    while let Some(block) = bytes.get(i..i + 16) {
        if block.iter().fold(false, |any, &b| any | wanted(b)) {
            break;
        }
        i += 16;
    }
    bytes[i..].iter().position(|&b| wanted(b)).map(|k| i + k)
}

/// Whether `b` can be a byte of a number as [`scan_numbers`] reads it: of
/// a digit ([`digit_at`]) or of a separator ([`separator_at`]). Tested
/// against both.
fn numberish(b: u8) -> bool {
    b.wrapping_sub(b'0') < 10
        || b.wrapping_sub(0x90) < 10
        || matches!(b, b' ' | b'-' | 0xEF | 0xBC | 0xE3 | 0x80 | 0xC2 | 0xA0)
}

/// Bit k set where `bytes[k]` is [`numberish`], for up to 16 bytes.
#[inline(always)]
fn mask16(bytes: &[u8]) -> u16 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Ok(block) = <&[u8; 16]>::try_from(bytes) {
        // SAFETY: compiled only where SSE2 is enabled for the whole program.
        return unsafe { mask16_sse2(block) };
    }
    bytes
        .iter()
        .enumerate()
        .fold(0, |m, (k, &b)| m | (numberish(b) as u16) << k)
}

/// [`mask16`] of a whole block in SSE2, which every x86-64 processor has:
/// a dozen vector instructions instead of sixteen rounds of tests.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn mask16_sse2(block: &[u8; 16]) -> u16 {
    use std::arch::x86_64::*;
    // SAFETY: the load reads exactly the 16 bytes of `block`; it need not
    // be aligned.
    let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
    let within = |low: i8, len: i8| {
        // v - low, unsigned, at most len - 1
        let x = _mm_sub_epi8(v, _mm_set1_epi8(low));
        _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(len - 1)), x)
    };
    let mut m = _mm_or_si128(within(b'0' as i8, 10), within(0x90u8 as i8, 10));
    for b in [b' ', b'-', 0xEF, 0xBC, 0xE3, 0x80, 0xC2, 0xA0] {
        m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
    }
    _mm_movemask_epi8(m) as u16
}

/// Nothing personal is shorter than a mobile number.
const SHORTEST: usize = 11;

/// Call `f(start, end)` for every run of at least [`SHORTEST`] bytes that
/// are all [`numberish`]: a number of 11 digits or more lies within one.
/// Text is read 64 bytes at a time into a bit mask (a few vector
/// instructions), and most blocks have no such run at all.
fn number_regions(bytes: &[u8], mut f: impl FnMut(usize, usize)) {
    let (mut start, mut len) = (0, 0);
    for (c, block) in bytes.chunks(64).enumerate() {
        let base = c * 64;
        let mut m = 0u64;
        for (q, quarter) in block.chunks(16).enumerate() {
            m |= (mask16(quarter) as u64) << (16 * q);
        }
        // Most blocks hold no long run, neither inside nor across their
        // start: then only the run that reaches their end is carried on.
        if block.len() == 64 && len + (m.trailing_ones() as usize) < SHORTEST && !has_run(m) {
            len = m.leading_ones() as usize;
            start = base + 64 - len;
            continue;
        }
        let mut pos = 0;
        while pos < block.len() {
            let ones = ((m >> pos).trailing_ones() as usize).min(block.len() - pos);
            if ones > 0 {
                if len == 0 {
                    start = base + pos;
                }
                len += ones;
                pos += ones;
                if pos == block.len() {
                    break;
                }
            }
            if len >= SHORTEST {
                f(start, start + len);
            }
            len = 0;
            pos += ((m >> pos).trailing_zeros() as usize).min(block.len() - pos);
        }
    }
    if len >= SHORTEST {
        f(start, start + len);
    }
}

/// Whether `m` has [`SHORTEST`] set bits in a row.
fn has_run(m: u64) -> bool {
    let x = m & (m >> 1); // bit i: bits i..=i+1 set
    let x = x & (x >> 2); // i..=i+3
    let x = x & (x >> 4); // i..=i+7
    x & (x >> (SHORTEST - 8)) != 0 // i..=i+10
}

/// Find runs of digits (with single separators inside) and test them.
/// `fast`: look only inside the runs of [`number_regions`], and there pass
/// over a run of fewer than 11 ASCII digits that nothing can continue
/// without looking at it further (the same hits; tested).
fn scan_numbers(bytes: &[u8], hits: &mut Vec<Hit>, fast: bool) {
    if fast {
        number_regions(bytes, |from, to| scan_range(bytes, from, to, hits, true));
    } else {
        scan_range(bytes, 0, bytes.len(), hits, false);
    }
}

/// [`scan_numbers`] for the numbers that start in `from..to`.
fn scan_range(bytes: &[u8], from: usize, to: usize, hits: &mut Vec<Hit>, skip_short: bool) {
    let mut digits: Vec<u8> = Vec::new();
    // Digit index ranges of the groups of one run.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = from;
    while i < to {
        match next_digit(bytes, i) {
            Some(k) if k < to => i = k,
            _ => break,
        }
        // Most runs are short numbers that nothing can continue (dates,
        // amounts, the numbers of the search index): skip them whole.
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if skip_short && run > 0 && run < SHORTEST && !continues(bytes, i + run) {
            i += run;
            continue;
        }
        if digit_at(bytes, i).is_none() {
            i += 1;
            continue;
        }
        // A run must not continue a word: "ab123" or "No.123" are fine, but
        // preceded by a letter/digit means it's part of a code.
        let prev_alnum = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        let plus86 = i >= 1 && bytes[i - 1] == b'+';
        let start = i;
        digits.clear();
        groups.clear();
        let mut j = i;
        let mut group_start = 0;
        loop {
            if j < bytes.len()
                && let Some((d, w)) = digit_at(bytes, j)
            {
                digits.push(d);
                j += w;
                continue;
            }
            groups.push((group_start, digits.len()));
            // a single separator followed by a digit continues the number
            if j < bytes.len()
                && let Some(w) = separator_at(bytes, j)
                && j + w < bytes.len()
                && digit_at(bytes, j + w).is_some()
            {
                j += w;
                group_start = digits.len();
                continue;
            }
            break;
        }
        if digits.len() < SHORTEST {
            i = j.max(i + 1);
            continue;
        }
        // The id's check letter X.
        let mut end = j;
        let trailing_x = j < bytes.len() && (bytes[j] == b'X' || bytes[j] == b'x');
        if trailing_x {
            end = j + 1;
        }
        let next_alnum = end < bytes.len() && bytes[end].is_ascii_alphanumeric();
        if !prev_alnum && !next_alnum {
            test_number(
                &digits, trailing_x, plus86, &groups, bytes, start, end, hits,
            );
        }
        i = j.max(i + 1);
    }
}

#[allow(clippy::too_many_arguments)]
fn test_number(
    digits: &[u8],
    trailing_x: bool,
    plus86: bool,
    groups: &[(usize, usize)],
    bytes: &[u8],
    start: usize,
    end: usize,
    hits: &mut Vec<Hit>,
) {
    let mut report = |what: &str| {
        hits.push(Hit {
            what: what.to_string(),
            source: None,
            excerpt: excerpt(bytes, start, end),
        })
    };
    let n = digits.len();
    // Resident id: 18 characters, the last may be X.
    if n == 17 && trailing_x {
        let mut id = digits.to_vec();
        id.push(b'X');
        if resident_id(&id) {
            report("公民身份号码");
            return;
        }
    }
    if n == 18 && resident_id(digits) {
        report("公民身份号码");
        return;
    }
    // Mobile: 11 digits 1[3-9]…, or 86 + 11 digits.
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    if mobile(digits)
        || (n == 13
            && (plus86 || groups.first().is_some_and(|g| g.1 - g.0 == 2))
            && &digits[..2] == b"86"
            && mobile(&digits[2..]))
    {
        report("手机号码");
        return;
    }
    // Bank card: 16 to 19 digits passing Luhn, written as one number or in
    // groups of four.
    if (16..=19).contains(&n) && luhn(digits) && !trailing_x {
        report("银行卡号");
        return;
    }
    // Any 11-digit mobile standing as its own group inside a longer run
    // ("电话 0412 13812345678" is two numbers).
    if groups.len() > 1 {
        for (a, b) in groups {
            let g = &digits[*a..*b];
            if mobile(g) {
                report("手机号码");
                return;
            }
            if g.len() == 18 && resident_id(g) {
                report("公民身份号码");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scanner_without_its_automaton_lets_nothing_through() {
        let mut scanner = Scanner::new(&[]);
        scanner.literals = Err(Arc::from("pattern set too large"));
        let hits = scanner.scan(b"<p>plain public text</p>");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(hits[0].what.contains("pattern set too large"), "{hits:?}");
    }

    #[test]
    fn skipping_short_numbers_finds_what_a_full_look_finds() {
        // Random text of digits (ASCII and full-width), separators, X and
        // other characters: the fast path must not change any hit.
        let pieces: [&str; 16] = [
            "1", "3", "8", "0", "5", "１", "２", " ", "-", "\u{3000}", "\u{a0}", "X", "a", "，",
            "中", "\u{2014}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut found = 0;
        for _ in 0..20_000 {
            // Long enough to cross the 64-byte blocks of number_regions.
            let len = 8 + next() % 120;
            let mut text = String::new();
            for _ in 0..len {
                // Mostly digits, so that long runs and mobile numbers occur.
                let r = next() % 100;
                let piece = if r < 70 {
                    pieces[(r % 5) as usize]
                } else {
                    pieces[(r % 16) as usize]
                };
                text.push_str(piece);
            }
            let (mut fast, mut full) = (Vec::new(), Vec::new());
            scan_numbers(text.as_bytes(), &mut fast, true);
            scan_numbers(text.as_bytes(), &mut full, false);
            let show = |h: &[Hit]| {
                h.iter()
                    .map(|h| format!("{} {}", h.what, h.excerpt))
                    .collect::<Vec<_>>()
            };
            assert_eq!(show(&fast), show(&full), "{text:?}");
            found += full.len();
        }
        assert!(
            found > 100,
            "the random texts hold numbers to find: {found}"
        );
    }

    #[test]
    fn every_byte_of_a_digit_or_separator_is_numberish() {
        // All three-byte inputs: whatever digit_at or separator_at accepts
        // at their start must lie inside a run that number_regions reports.
        let mut accepted = 0;
        for x in 0..1u32 << 24 {
            let b = [(x >> 16) as u8, (x >> 8) as u8, x as u8];
            let width = digit_at(&b, 0).map(|d| d.1).or_else(|| separator_at(&b, 0));
            if let Some(w) = width {
                accepted += 1;
                assert!(b[..w].iter().all(|&c| numberish(c)), "{b:02x?}");
            }
        }
        assert!(accepted > 0);
    }

    #[test]
    fn the_block_mask_agrees_with_numberish() {
        for b in 0..=255u8 {
            let want = if numberish(b) { 0xFFFF } else { 0 };
            assert_eq!(mask16(&[b; 16]), want, "{b:#04x}");
            // One byte of it among others, at every place of the block.
            for k in 0..16 {
                let mut block = [b'x'; 16];
                block[k] = b;
                assert_eq!(mask16(&block), (want & 1) << k, "{b:#04x} at {k}");
                assert_eq!(mask16(&block[..k + 1]), (want & 1) << k, "{b:#04x} short");
            }
        }
    }

    #[test]
    fn regions_are_the_long_numberish_runs() {
        let text = format!("{}a{}中{}", "1".repeat(70), "2".repeat(10), "3 ".repeat(6));
        let mut found = Vec::new();
        number_regions(text.as_bytes(), |a, b| found.push((a, b)));
        let tail = 70 + 1 + 10 + 3;
        assert_eq!(found, [(0, 70), (tail, tail + 12)]);
    }

    fn what(s: &str) -> Vec<String> {
        Scanner::new(&[])
            .scan(s.as_bytes())
            .into_iter()
            .map(|h| h.what)
            .collect()
    }

    #[test]
    fn resident_ids() {
        assert_eq!(what("身份证 11010519491231002X 。"), ["公民身份号码"]);
        assert_eq!(what("110105 19491231 002X"), ["公民身份号码"]);
        assert_eq!(
            what("１１０１０５１９４９１２３１００２Ｘ").len(),
            0,
            "full-width X is not ASCII X"
        );
        assert_eq!(
            what("１１０１０５１９４９１２３１００２x"),
            ["公民身份号码"]
        );
        // wrong check digit: an ordinary 18-digit number
        assert!(what("文号 110105194912310021").is_empty());
    }

    #[test]
    fn mobiles() {
        assert_eq!(what("电话13812345678"), ["手机号码"]);
        assert_eq!(what("+86 138 1234 5678"), ["手机号码"]);
        assert_eq!(what("138-1234-5678"), ["手机号码"]);
        assert_eq!(what("１３８１２３４５６７８"), ["手机号码"]);
        assert!(what("0412-1234567").is_empty());
        assert!(what("2026-11-22").is_empty());
        assert!(what("91350100M000100Y43").is_empty());
    }

    #[test]
    fn landline_numbers() {
        let w = |s: &str| {
            landlines(s)
                .into_iter()
                .map(|h| h.excerpt)
                .collect::<Vec<_>>()
        };
        assert_eq!(w("电话 0412-1234567。"), ["0412-1234567"]);
        assert_eq!(w("电话 010 12345678"), ["010 12345678"]);
        assert_eq!(w("０４１２－１２３４５６７"), ["0412-1234567"]);
        assert!(w("2022-01-20").is_empty());
        assert!(
            w("编号 04121234567").is_empty(),
            "no separator: not a written landline"
        );
    }

    #[test]
    fn bank_cards() {
        assert_eq!(what("卡号 4111 1111 1111 1111"), ["银行卡号"]);
        assert!(what("4111111111111112").is_empty());
    }

    #[test]
    fn literals() {
        let s = Secret {
            source: "content/clues/a.yaml:1".into(),
            field: "举报人.姓名",
            value: "赵铁柱".into(),
        };
        let sc = Scanner::new(&[s]);
        let hits = sc.scan("…赵铁柱…".as_bytes());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].source.as_deref(), Some("content/clues/a.yaml:1"));
        let s = Secret {
            source: "x".into(),
            field: "举报人.地址",
            value: "A & B".into(),
        };
        assert_eq!(Scanner::new(&[s]).scan(b"<p>A &amp; B</p>").len(), 1);
    }

    fn secret(value: &str) -> Secret {
        Secret {
            source: format!("src:{value}"),
            field: "举报人.姓名",
            value: value.into(),
        }
    }

    /// Patterns of every length class (tiny, short, long), at the start,
    /// the end and after multi-byte characters.
    #[test]
    fn literals_of_every_length_anywhere() {
        for value in ["AB", "李明", "张三丰", "赵铁柱先生", "13800000070", "xyz"] {
            let sc = Scanner::new(&[secret(value)]);
            for text in [
                value.to_string(),
                format!("{value}。"),
                format!("前文{value}"),
                format!("<td>{value}</td>"),
                format!("é{value}é"),
            ] {
                let hits = sc.scan(text.as_bytes());
                assert!(
                    hits.iter().any(|h| h.excerpt == value),
                    "{value} in {text}: {hits:?}"
                );
            }
            // One character short of the pattern is no finding.
            let mut cut: Vec<char> = value.chars().collect();
            cut.pop();
            let cut: String = cut.into_iter().collect();
            assert!(
                sc.scan(format!("前文{cut}").as_bytes())
                    .iter()
                    .all(|h| h.source.is_none()),
                "{cut}"
            );
        }
    }

    /// Every byte added to the set is let through, by the table and by the
    /// vector lookup alike; the continuation bytes of UTF-8 and the ASCII
    /// of markup are kept out when no pattern begins with them.
    #[test]
    fn first_bytes_let_through_every_member() {
        let firsts: Vec<u8> = "李张王1é7"
            .chars()
            .map(|c| c.to_string().as_bytes()[0])
            .collect();
        let mut f = FirstBytes::default();
        for &b in &firsts {
            f.add(b);
        }
        for &b in &firsts {
            assert!(f.may_hold(b), "{b:#x}");
        }
        for b in (0x80..0xC0).chain("<>/=\" class".bytes()) {
            assert!(!f.may_hold(b), "{b:#x}");
        }
        #[cfg(target_arch = "x86_64")]
        {
            assert!(has_simd(), "every x86-64 processor this runs on has SSSE3");
            for start in (0..=255u8).step_by(16) {
                let block: [u8; 16] = std::array::from_fn(|k| start + k as u8);
                // SAFETY: checked just above.
                let m = unsafe { f.mask16(&block) };
                for (k, b) in block.iter().enumerate() {
                    assert_eq!(m >> k & 1 == 1, f.may_hold(*b), "{b:#x}");
                }
            }
        }
    }

    /// A short pattern inside a long one: each is found once, by its own
    /// search, and the long one is named.
    #[test]
    fn a_tiny_pattern_does_not_hide_a_long_one() {
        let sc = Scanner::new(&[secret("AB"), secret("AB赵铁柱")]);
        let mut sources: Vec<String> = sc
            .scan("x AB赵铁柱 y".as_bytes())
            .into_iter()
            .filter_map(|h| h.source)
            .collect();
        sources.sort();
        assert_eq!(sources, ["src:AB", "src:AB赵铁柱"]);
    }

    proptest::proptest! {
        /// The search 16 positions at a time finds exactly what the search
        /// one position at a time finds, over texts of many blocks.
        #[test]
        fn block_search_finds_what_the_plain_search_finds(
            secrets in proptest::collection::vec("[甲乙丙丁ab1 ]{2,9}", 1..6),
            text in "[甲乙丙丁ab1 <>&x\n]{0,200}",
        ) {
            let secrets: Vec<Secret> = secrets.iter().map(|v| secret(v)).collect();
            let sc = Scanner::new(&secrets);
            let Ok(Some(lit)) = &sc.literals else {
                return Err(proptest::test_runner::TestCaseError::fail("no literals"));
            };
            let mut plain = lit.clone();
            plain.simd = false;
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            lit.find(text.as_bytes(), &mut fast);
            plain.find(text.as_bytes(), &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }

        /// The filtered search agrees with a plain substring test: some
        /// pattern is reported exactly when some secret occurs, and every
        /// report is an occurrence of its own secret.
        #[test]
        fn literal_search_agrees_with_substring_truth(
            secrets in proptest::collection::vec("[甲乙丙丁ab1 ]{2,9}", 1..6),
            text in "[甲乙丙丁ab1 <>&]{0,60}",
        ) {
            let secrets: Vec<Secret> = secrets.iter().map(|v| secret(v)).collect();
            let sc = Scanner::new(&secrets);
            let hits: Vec<Hit> = sc
                .scan(text.as_bytes())
                .into_iter()
                .filter(|h| h.source.is_some())
                .collect();
            let occurs = secrets
                .iter()
                .any(|s| variants(&s.value).iter().any(|v| text.contains(v.as_str())));
            proptest::prop_assert_eq!(!hits.is_empty(), occurs);
            for h in &hits {
                let s = secrets
                    .iter()
                    .find(|s| Some(format!("src:{}", s.value)) == h.source)
                    .unwrap();
                proptest::prop_assert!(variants(&s.value).contains(&h.excerpt));
            }
        }
    }
}
