//! A tier of the static index patched in place: when a few of its
//! documents changed or left, only the lists of their keys are written
//! again, from the previous output's files, instead of the whole tier.
//!
//! What a changed document adds to each list is found from its text alone
//! ([`doc`]), before and after (the previous text is kept beside the
//! output, [`kept`]). A key's list is read back from its shard (and its
//! heavy files), the document's old entry checked to be there as its old
//! text gives it, and replaced by the new one. A shard whose keys did not
//! change, a range of a heavy list that holds none of the documents, is
//! linked from the previous output unread.
//!
//! The result must be byte for byte what writing the tier from scratch
//! gives, so the patch gives up (and the tier is written whole) whenever
//! the layout of other keys could move: a list that turns heavy or light
//! (which decides where it is written, and which longer runs have lists,
//! [`crate::search::Index::add_runs`]), a number of shards that changes,
//! more than [`MOST`] documents changed, or anything read back that does
//! not agree with what was kept. A whole value new to the tier (a party
//! name corrected, a record with a party of its own back) has a phrase
//! list that holds every document containing it: those that did not
//! change are found in the kept texts. Tests compare patched tiers with
//! tiers written whole.

mod doc;
pub mod kept;
mod lists;

use crate::output::Staging;
use crate::search::SearchDoc;
use crate::search::index::{GRAM, MAX_RUN};
use crate::search::static_files::{HEAVY_ENTRY, Listed, shard_count, shard_text};
use crate::search::tokenize::fnv1a;
use doc::{Keys, Seq, seq_of, text_of, value_seq, weight_of};
use kept::{Kept, Params};
use lists::{Entries, Entry, Held};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// The most changed documents a patch takes on.
pub const MOST: usize = 64;

/// A patched tier: what [`crate::search::static_files::Written`] gives
/// for a tier written whole.
pub struct Patched {
    pub shards: [u32; 2],
    pub totals: [u64; 2],
    pub runs: Vec<(String, u32)>,
}

/// The previous output's tier to patch.
pub struct Old<'a> {
    pub kept: &'a Kept,
    /// Its directory in the previous output, and as written (`search/…`).
    pub dir: PathBuf,
    pub rel: String,
    pub shards: [u32; 2],
}

/// Patch the tier of `docs` made with `params` from `old`; none if it must
/// be written whole.
pub fn patch(docs: &[SearchDoc], params: Params, old: &Old, staging: &Staging) -> Option<Patched> {
    if old.kept.params != Some(params) || old.kept.docs.len() != params.len {
        return None;
    }
    let tier = docs.get(params.range())?;
    let changed: Vec<usize> = (0..tier.len())
        .filter(|&i| !old.kept.docs[i].is(&tier[i]))
        .collect();
    if changed.len() > MOST {
        return None;
    }
    let mut p = Patch::new(tier, params, old, &changed)?;
    p.grams_and_spans()?;
    p.phrases_and_runs()?;
    let shards = p.shard_counts()?;
    if !p.write(staging) {
        return None;
    }
    PATCHED.with(|n| n.set(n.get() + 1));
    Some(Patched {
        shards,
        totals: p.totals,
        runs: p.runs.into_iter().collect(),
    })
}

thread_local! {
    static PATCHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many tiers were patched on this thread so far.
pub fn patched_on_this_thread() -> usize {
    PATCHED.with(std::cell::Cell::get)
}

const KEYS: usize = 0;
const PHRASES: usize = 1;

/// What a document held in a list and holds now.
type Change = (u32, Option<Held>, Option<Held>);

/// A document's positions of a run, before and after.
type Moved = (Option<Vec<u32>>, Option<Vec<u32>>);

/// How a key's list changes.
enum How<'m> {
    /// Each document to what it holds now.
    Patch,
    /// The key has no list any more, whatever its documents hold.
    Gone,
    /// A heavy run's list of documents: and what each change does to its
    /// positions (before, after), to tell that it stays heavy.
    HeavyRun(&'m [Moved]),
}

/// A changed document: its number in the tier, its keys before and after.
struct Changed {
    doc: u32,
    old: Keys,
    new: Keys,
}

struct Patch<'a> {
    params: Params,
    old: &'a Old<'a>,
    changed: Vec<Changed>,
    /// The whole values of the tier's documents that are not changed, and
    /// of the changed ones before and after (texts of more than GRAM
    /// tokens).
    values: HashSet<String>,
    values_old: HashMap<String, Seq>,
    values_new: HashMap<String, Seq>,
    /// Whole values longer than MAX_RUN tokens, by the text of their first
    /// MAX_RUN tokens (shorter ones are found as the documents' windows).
    long: HashMap<String, Vec<Seq>>,
    /// Shards read: part and number → keys and entries.
    shards: HashMap<(usize, u32), lists::Shard>,
    /// Entries to put (none: to take out), by part and key.
    edits: BTreeMap<(usize, String), Option<String>>,
    /// Heavy files to write again, and the old ones they replace.
    files: Vec<(String, String)>,
    dropped: HashSet<String>,
    totals: [u64; 2],
    runs: BTreeMap<String, u32>,
    qualified: HashMap<String, bool>,
}

/// The whole values of a document longer than GRAM tokens: text and run.
fn values_of(d: &SearchDoc) -> Vec<(String, Seq)> {
    d.party
        .iter()
        .chain(&d.exact)
        .filter(|v| v.chars().count() > GRAM)
        .map(|v| value_seq(v))
        .filter(|s| s.len() > GRAM)
        .map(|s| (text_of(&s), s))
        .collect()
}

impl<'a> Patch<'a> {
    fn new(
        tier: &[SearchDoc],
        params: Params,
        old: &'a Old<'a>,
        changed: &[usize],
    ) -> Option<Patch<'a>> {
        let is_changed: HashSet<usize> = changed.iter().copied().collect();
        let mut values = HashSet::new();
        let mut long: HashMap<String, Vec<Seq>> = HashMap::new();
        let add_long = |(text, seq): &(String, Seq), long: &mut HashMap<String, Vec<Seq>>| {
            if seq.len() > MAX_RUN {
                let head = text_of(&seq[..MAX_RUN]);
                let list = long.entry(head).or_default();
                if !list.iter().any(|s| text_of(s) == *text) {
                    list.push(seq.clone());
                }
            }
        };
        for (i, d) in tier.iter().enumerate() {
            if !is_changed.contains(&i) {
                for v in values_of(d) {
                    add_long(&v, &mut long);
                    values.insert(v.0);
                }
            }
        }
        let (mut values_old, mut values_new) = (HashMap::new(), HashMap::new());
        let mut list = Vec::new();
        for &i in changed {
            let before = old.kept.docs[i].doc();
            for v in values_of(&before) {
                add_long(&v, &mut long);
                values_old.insert(v.0, v.1);
            }
            for v in values_of(&tier[i]) {
                add_long(&v, &mut long);
                values_new.insert(v.0, v.1);
            }
            list.push(Changed {
                doc: u32::try_from(params.first + i).ok()?,
                old: doc::keys(&before),
                new: doc::keys(&tier[i]),
            });
        }
        Some(Patch {
            params,
            old,
            changed: list,
            values,
            values_old,
            values_new,
            long,
            shards: HashMap::new(),
            edits: BTreeMap::new(),
            files: Vec::new(),
            dropped: HashSet::new(),
            totals: old.kept.totals,
            runs: old.kept.runs.iter().cloned().collect(),
            qualified: HashMap::new(),
        })
    }

    fn shard_of(&self, part: usize, text: &str) -> u32 {
        fnv1a(text) % self.old.shards[part].max(1)
    }

    /// The entry of a key in the previous output (none if it has none);
    /// `None` if its shard cannot be read.
    fn entry(&mut self, part: usize, text: &str) -> Option<Option<Entry>> {
        let i = self.shard_of(part, text);
        if !self.shards.contains_key(&(part, i)) {
            let prefix = if part == KEYS { 's' } else { 'p' };
            let bytes =
                std::fs::read_to_string(self.old.dir.join(format!("{prefix}{i}.json"))).ok()?;
            self.shards.insert((part, i), lists::parse_shard(&bytes)?);
        }
        let shard = &self.shards[&(part, i)];
        match shard.binary_search_by(|e| e.0.as_str().cmp(text)) {
            Ok(j) => Some(Some(lists::parse_entry(&shard[j].1)?)),
            Err(_) => Some(None),
        }
    }

    /// The grams, spans and exact values of the changed documents.
    fn grams_and_spans(&mut self) -> Option<()> {
        let mut keys: BTreeMap<String, Vec<Change>> = BTreeMap::new();
        for c in &self.changed {
            let mut note = |text: &String, old: Option<Held>, new: Option<Held>| {
                if old != new {
                    keys.entry(text.clone())
                        .or_default()
                        .push((c.doc, old, new));
                }
            };
            for (k, w) in &c.old.grams {
                note(
                    k,
                    Some(Held::Weight(*w)),
                    c.new.grams.get(k).map(|w| Held::Weight(*w)),
                );
            }
            for (k, w) in &c.new.grams {
                if !c.old.grams.contains_key(k) {
                    note(k, None, Some(Held::Weight(*w)));
                }
            }
            for (k, p) in &c.old.spans {
                note(
                    k,
                    Some(Held::Places(p.clone())),
                    c.new.spans.get(k).cloned().map(Held::Places),
                );
            }
            for (k, p) in &c.new.spans {
                if !c.old.spans.contains_key(k) {
                    note(k, None, Some(Held::Places(p.clone())));
                }
            }
            let old: HashSet<&String> = c.old.exact.iter().collect();
            let new: HashSet<&String> = c.new.exact.iter().collect();
            for k in old.symmetric_difference(&new) {
                let held = |s: &HashSet<&String>| s.contains(k).then_some(Held::Doc);
                note(k, held(&old), held(&new));
            }
        }
        for (text, changes) in keys {
            let empty = if text.starts_with('@') {
                Entries::Pairs(Vec::new())
            } else if text.starts_with('=') {
                Entries::Docs(Vec::new())
            } else {
                Entries::Weighted(Vec::new())
            };
            self.change(KEYS, &text, empty, &changes, How::Patch)?;
        }
        Some(())
    }

    /// Change the list of key `text` of `part` (read back as `empty` is)
    /// by `changes` (document, what it held, what it holds), as `how`
    /// says.
    fn change(
        &mut self,
        part: usize,
        text: &str,
        empty: Entries,
        changes: &[Change],
        how: How,
    ) -> Option<()> {
        let old = self.entry(part, text)?;
        let mut list = match &old {
            None => empty,
            Some(e) => {
                let n = lists::list_numbers(e, &self.old.dir, self.params.width)?;
                match empty {
                    Entries::Weighted(_) => lists::weighted(&n)?,
                    Entries::Pairs(_) => lists::pairs(&n)?,
                    Entries::Docs(_) => lists::docs(&n)?,
                }
            }
        };
        let text_size = ((text.len() + 4).min(usize::from(u16::MAX))) as u64;
        let size_of = |list: &Entries, file: bool| -> u64 {
            match (list.is_empty(), file) {
                (true, _) => 0,
                (false, true) => text_size + HEAVY_ENTRY as u64,
                (false, false) => text_size + listed_size(list, part) as u64,
            }
        };
        let was_file = old.as_ref().is_some_and(Entry::is_file);
        let before = size_of(&list, was_file);
        let run = text.strip_prefix('~').unwrap_or(text);
        let mut size = match how {
            How::HeavyRun(_) => Some(*self.runs.get(run)?),
            _ => None,
        };
        for (i, (doc, was, now)) in changes.iter().enumerate() {
            if list.held(*doc) != *was {
                return None; // the previous output is not what was kept
            }
            if let (Some(s), How::HeavyRun(places)) = (size.as_mut(), &how) {
                *s = run_size(*s, &list, *doc, places.get(i)?)?;
            }
            if !list.set(*doc, now.clone()) {
                return None;
            }
        }
        if matches!(how, How::Gone) {
            list = Entries::Docs(Vec::new());
        }
        let file = !list.is_empty() && listed_size(&list, part) > self.params.heavy;
        if file != was_file {
            return None; // turns heavy or light, or a heavy list leaves
        }
        if let Some(s) = size {
            if !list.is_empty() && s as usize <= self.params.heavy {
                return None; // a heavy run turns light
            }
            self.runs.insert(run.to_string(), s);
        }
        let after = size_of(&list, file);
        self.totals[part] = (self.totals[part] + after).checked_sub(before)?;
        self.put(part, text, old.as_ref(), &list)
    }

    /// Write the new entry of a key (and its heavy files, taking the
    /// place of its old ones).
    fn put(&mut self, part: usize, text: &str, old: Option<&Entry>, list: &Entries) -> Option<()> {
        if let Some(Entry::File { n, ranges, .. }) = old {
            for name in lists::file_names(*n, ranges, self.params.width) {
                self.dropped.insert(name);
            }
        }
        if list.is_empty() {
            self.edits.insert((part, text.to_string()), None);
            return Some(());
        }
        let file = match old {
            Some(Entry::File { n, .. }) => Some(*n),
            _ => None,
        };
        let (entry, files) = listed(list, part, |l| l.written(file, self.params.width));
        self.files.extend(files);
        self.edits.insert((part, text.to_string()), Some(entry));
        Some(())
    }

    /// The numbers of shards, which must not move.
    fn shard_counts(&self) -> Option<[u32; 2]> {
        let counts = self.totals.map(|t| {
            shard_count(
                usize::try_from(t).unwrap_or(usize::MAX),
                self.params.shard_max,
            )
        });
        (counts == self.old.shards).then_some(counts)
    }

    /// Write the shards that changed and the heavy files written again;
    /// link the rest of the previous tier. False if some could not be
    /// linked.
    fn write(&mut self, staging: &Staging) -> bool {
        type Edits = Vec<(String, Option<String>)>;
        let mut touched: BTreeMap<(usize, u32), Edits> = BTreeMap::new();
        for ((part, text), entry) in std::mem::take(&mut self.edits) {
            touched
                .entry((part, self.shard_of(part, &text)))
                .or_default()
                .push((text, entry));
        }
        let mut written: HashSet<String> = HashSet::new();
        for ((part, i), edits) in touched {
            let mut shard = self.shards.remove(&(part, i)).unwrap_or_default();
            for (text, entry) in edits {
                let at = shard.binary_search_by(|e| e.0.as_str().cmp(&text));
                match (at, entry) {
                    (Ok(j), Some(e)) => shard[j].1 = e,
                    (Ok(j), None) => {
                        shard.remove(j);
                    }
                    (Err(j), Some(e)) => shard.insert(j, (text, e)),
                    (Err(_), None) => {}
                }
            }
            let b = shard_text(&shard, |e, b| b.push_str(e));
            let name = format!("{}{i}.json", if part == KEYS { 's' } else { 'p' });
            staging.write(&format!("{}/{name}", self.old.rel), b.as_bytes(), None);
            written.insert(name);
        }
        for (name, text) in std::mem::take(&mut self.files) {
            staging.write(&format!("{}/{name}", self.old.rel), text.as_bytes(), None);
            written.insert(name);
        }
        staging.reuse_dir(&self.old.rel, |n| {
            written.contains(n) || self.dropped.contains(n)
        })
    }
}

/// `f` of a list of `part` as the tier writes it: positions are a span's
/// among the keys, a run's among the phrases.
fn listed<R>(list: &Entries, part: usize, f: impl FnOnce(Listed) -> R) -> R {
    match (list.list(), list) {
        (Ok(l), Entries::Pairs(_)) if part == PHRASES => f(Listed::Run(&l)),
        (Ok(l), Entries::Pairs(_)) => f(Listed::Span(&l)),
        (Ok(l), _) => f(Listed::Gram(&l)),
        (Err(d), _) => f(Listed::Exact(&d)),
    }
}

/// The size of a list as the layout measures it.
fn listed_size(list: &Entries, part: usize) -> usize {
    listed(list, part, |l| l.size())
}

/// Bytes of a number as the index keeps it.
fn varint(v: u32) -> i64 {
    match v {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        0x4000..0x20_0000 => 3,
        0x20_0000..0x1000_0000 => 4,
        _ => 5,
    }
}

/// Bytes of a document's positions after its number.
fn places_bytes(p: &[u32]) -> i64 {
    let mut n = varint(p.len() as u32);
    let mut last = 0;
    for &x in p {
        n += varint(x - last);
        last = x;
    }
    n
}

/// The size of a heavy run's positions (`size`, as [`crate::search::index::List::encoded_size`]
/// measures it) once document `doc` holds `now` (none: leaves), given its
/// list of documents `list` before.
fn run_size(size: u32, list: &Entries, doc: u32, change: &Moved) -> Option<u32> {
    let Entries::Weighted(v) = list else {
        return None;
    };
    let at = v.partition_point(|e| e.0 < doc);
    let prev = at.checked_sub(1).map_or(0, |i| v[i].0);
    let here = v.get(at).is_some_and(|e| e.0 == doc);
    let next = v.get(if here { at + 1 } else { at }).map(|e| e.0);
    let mut bytes = (i64::from(size) - 2) / 2;
    let link = |from: u32| next.map_or(0, |n| varint(n - from));
    if let Some(old) = &change.0 {
        bytes -= varint(doc - prev) + places_bytes(old) + link(doc);
        bytes += link(prev);
    }
    if let Some(new) = &change.1 {
        bytes += varint(doc - prev) + places_bytes(new) + link(doc);
        bytes -= link(prev);
    }
    u32::try_from(2 * bytes + 2).ok()
}

impl Patch<'_> {
    /// Every document of the tier that holds `seq`, with its weight, as a
    /// change from holding nothing: the changed ones by `places` (each
    /// changed document's positions before and after), the others by
    /// their kept texts, of which only those that hold the longest run of
    /// CJK characters of `seq` are cut into tokens.
    fn holders(&self, seq: &Seq, places: &[(u32, Vec<u32>, Vec<u32>)]) -> Option<Vec<Change>> {
        let needle = doc::cjk_needle(seq);
        let changed: HashSet<u32> = self.changed.iter().map(|c| c.doc).collect();
        let mut out = Vec::new();
        for (i, t) in self.old.kept.docs.iter().enumerate() {
            let doc = u32::try_from(self.params.first + i).ok()?;
            let lacks = |n: &str| !t.title.contains(n) && !t.body.contains(n);
            if changed.contains(&doc) || needle.as_deref().is_some_and(lacks) {
                continue;
            }
            let found = doc::places_in(&doc::tokens_of(&t.title, &t.body), seq);
            if !found.is_empty() {
                out.push((doc, None, Some(Held::Weight(weight_of(&found)))));
            }
        }
        out.extend(
            places
                .iter()
                .filter(|p| !p.2.is_empty())
                .map(|(doc, _, after)| (*doc, None, Some(Held::Weight(weight_of(after))))),
        );
        out.sort_unstable_by_key(|c| c.0);
        Some(out)
    }

    /// Whether a run of GRAM + 1 to MAX_RUN tokens has a list of its own:
    /// its first or last tokens are a heavy span, or a heavy run that has
    /// one ([`crate::search::Index::add_runs`]).
    fn is_run(&mut self, seq: &Seq) -> Option<bool> {
        if seq.len() <= GRAM || seq.len() > MAX_RUN {
            return Some(false);
        }
        let text = text_of(seq);
        if let Some(&q) = self.qualified.get(&text) {
            return Some(q);
        }
        let head = seq[..seq.len() - 1].to_vec();
        let tail = seq_of(&seq[1..]);
        let q = self.heavy(&head)? || self.heavy(&tail)?;
        self.qualified.insert(text, q);
        Some(q)
    }

    /// Whether a span is heavy, or a run is heavy and has a list.
    fn heavy(&mut self, seq: &Seq) -> Option<bool> {
        let text = text_of(seq);
        if seq.len() == GRAM {
            return Some(
                self.entry(KEYS, &format!("@{text}"))?
                    .is_some_and(|e| e.is_file()),
            );
        }
        if !self.is_run(seq)? {
            return Some(false);
        }
        self.holds_documents(&text)
    }

    /// Whether run `text`'s list holds documents (a heavy run's) rather
    /// than positions.
    fn holds_documents(&mut self, text: &str) -> Option<bool> {
        Some(matches!(
            self.entry(PHRASES, &format!("~{text}"))?,
            Some(Entry::List(_)) | Some(Entry::File { tag: b'h', .. })
        ))
    }

    /// The runs and whole values that the changed documents hold, before
    /// or after, and the whole values that came or left.
    fn phrases_and_runs(&mut self) -> Option<()> {
        let mut seqs: BTreeMap<String, Seq> = BTreeMap::new();
        for c in &self.changed {
            for keys in [&c.old, &c.new] {
                for (text, (seq, _)) in &keys.windows {
                    seqs.insert(text.clone(), seq.clone());
                }
                for i in 0..keys.toks.len().saturating_sub(MAX_RUN - 1) {
                    let head = text_of(&keys.toks[i..i + MAX_RUN]);
                    for s in self.long.get(&head).into_iter().flatten() {
                        seqs.insert(text_of(s), s.clone());
                    }
                }
            }
        }
        let left: Vec<String> = self
            .values_old
            .keys()
            .filter(|t| !self.values_new.contains_key(*t))
            .chain(
                self.values_new
                    .keys()
                    .filter(|t| !self.values_old.contains_key(*t)),
            )
            .filter(|t| !self.values.contains(*t))
            .cloned()
            .collect();
        for t in &left {
            if let Some(seq) = self.values_old.get(t).or_else(|| self.values_new.get(t)) {
                seqs.entry(t.clone()).or_insert_with(|| seq.clone());
            }
        }
        for (text, seq) in seqs {
            self.phrase_or_run(&text, &seq)?;
        }
        Some(())
    }

    /// Change the list of `~text`: a run's, a whole value's, or none.
    fn phrase_or_run(&mut self, text: &str, seq: &Seq) -> Option<()> {
        let in_old = self.values.contains(text) || self.values_old.contains_key(text);
        let in_new = self.values.contains(text) || self.values_new.contains_key(text);
        let key = format!("~{text}");
        let places: Vec<(u32, Vec<u32>, Vec<u32>)> = self
            .changed
            .iter()
            .map(|c| (c.doc, c.old.places(seq), c.new.places(seq)))
            .collect();
        if self.is_run(seq)? {
            let documents = seq.len() < MAX_RUN && self.holds_documents(text)?;
            let mut changes = Vec::new();
            let mut measured = Vec::new();
            for (doc, before, after) in places {
                if before == after {
                    continue;
                }
                let held = |p: &Vec<u32>| {
                    (!p.is_empty()).then(|| {
                        if documents {
                            Held::Weight(weight_of(p))
                        } else {
                            Held::Places(p.clone())
                        }
                    })
                };
                changes.push((doc, held(&before), held(&after)));
                let some = |p: Vec<u32>| (!p.is_empty()).then_some(p);
                measured.push((some(before), some(after)));
            }
            if changes.is_empty() {
                return Some(());
            }
            let empty = if documents {
                Entries::Weighted(Vec::new())
            } else {
                Entries::Pairs(Vec::new())
            };
            let how = match documents {
                true => How::HeavyRun(&measured),
                false => How::Patch,
            };
            return self.change(PHRASES, &key, empty, &changes, how);
        }
        if in_new && !in_old {
            // A whole value new to the tier: its list holds every
            // document that contains it, changed or not.
            let changes = self.holders(seq, &places)?;
            return self.change(
                PHRASES,
                &key,
                Entries::Weighted(Vec::new()),
                &changes,
                How::Patch,
            );
        }
        let held =
            |p: &Vec<u32>, here: bool| (here && !p.is_empty()).then(|| Held::Weight(weight_of(p)));
        let changes: Vec<Change> = places
            .iter()
            .map(|(doc, before, after)| (*doc, held(before, in_old), held(after, in_new)))
            .filter(|c| c.1 != c.2)
            .collect();
        if !in_new && in_old {
            // The value left the tier: its list goes, whoever holds it.
            return self.change(PHRASES, &key, Entries::Weighted(Vec::new()), &[], How::Gone);
        }
        if changes.is_empty() {
            return Some(());
        }
        self.change(
            PHRASES,
            &key,
            Entries::Weighted(Vec::new()),
            &changes,
            How::Patch,
        )
    }
}

#[cfg(test)]
mod tests;
