//! Patched tiers against tiers written whole, byte for byte.

use crate::content::model::Kind;
use crate::output::{Allowed, Staging};
use crate::privacy::Scanner;
use crate::search::SearchDoc;
use crate::search::tiers::{self, Lists};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A small generator of numbers, the same for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }
}

const CHARS: &[&str] = &[
    "安", "全", "阀", "门", "气", "瓶", "压", "力", "容", "器", "检", "验",
];
const PHRASES: &[&str] = &[
    "市场监督管理局对",
    "安全阀门未经检验",
    "气瓶充装单位",
    "abc",
    "xy",
];
const PARTIES: &[&str] = &[
    "安全阀门气瓶公司",
    "压力容器检验检测研究院安全阀门气瓶分公司",
    "气瓶压力容器有限公司",
    "检验",
];

/// Party names that no document of [`doc`] has (some of them stand in
/// texts, as [`PHRASES`], or in the text around them).
const NEW_PARTIES: &[&str] = &[
    "安全阀门未经检验",
    "市场监督管理局对",
    "气瓶充装单位气瓶充装单位有限公司",
    "东方热力有限公司",
    "abc 安全阀门 xy",
];

fn text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < len {
        match rng.next(10) {
            0..=5 => s.push_str(rng.pick(CHARS)),
            6 | 7 => s.push_str(rng.pick(PHRASES)),
            8 => s.push('，'),
            // Now and then a name that is no document's party yet.
            9 if rng.next(12) == 0 => s.push_str(NEW_PARTIES[3]),
            _ => s.push(' '),
        }
    }
    s
}

fn doc(rng: &mut Rng, i: usize) -> SearchDoc {
    let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(i as u64);
    let mut d = SearchDoc::gap(date, Kind::Actions, &format!("r{i}"));
    d.url = format!("actions/r{i}.html");
    let (t, b) = (4 + rng.next(12), 10 + rng.next(90));
    d.title = text(rng, t);
    d.body = text(rng, b);
    d.party = (rng.next(3) > 0).then(|| rng.pick(PARTIES).to_string());
    d.exact = vec![format!("r{i}")];
    if let Some(p) = &d.party {
        d.exact.push(p.clone());
    }
    if rng.next(2) == 0 {
        d.exact
            .push(format!("安监罚〔{}〕号", rng.pick(&["abc", "xy", "qq"])));
    }
    d.summary = d.body.chars().take(10).collect();
    d
}

/// One change of a document: an edit of its text, a withdrawal, a return.
fn change(rng: &mut Rng, docs: &mut [SearchDoc], keep: &[SearchDoc]) {
    let i = rng.next(docs.len());
    let d = &mut docs[i];
    match rng.next(8) {
        0 => d.body.push_str(&text(rng, 6)),
        1 => {
            let cut: String = d.body.chars().skip(3).collect();
            d.body = format!("{}{cut}", text(rng, 2));
        }
        2 | 3 => *d = SearchDoc::gap(d.date, d.kind, &d.id.clone()),
        4 => *d = keep[i].clone(),
        5 => d.party = Some(rng.pick(PARTIES).to_string()),
        // A party name no document had: one that other texts hold, a
        // long one, one that no text holds.
        6 => d.party = Some(rng.pick(NEW_PARTIES).to_string()),
        _ => d.title = text(rng, 6),
    }
}

fn build(docs: &[SearchDoc], split: usize, lists: Lists, out: &Path) {
    let staging = Staging::begin(out, Scanner::default(), Allowed::default()).unwrap();
    tiers::write(&Arc::new(docs.to_vec()), split, lists, &staging);
    assert!(staging.commit().is_ok(), "the index is written");
}

fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Random sites, random changes of one to three documents: the patched
/// index is the index written whole, file for file, and most changes are
/// patched rather than written whole.
#[test]
fn a_patched_tier_is_the_tier_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cases, mut patched) = (0, 0);
    for seed in 0..24u64 {
        let mut rng = Rng(seed);
        let n = 40 + rng.next(120);
        let docs: Vec<SearchDoc> = (0..n).map(|i| doc(&mut rng, i)).collect();
        let lists = Lists {
            heavy: 40 + rng.next(200),
            least_range: [8, 16, 1024][rng.next(3)],
        };
        let split = n * 3 / 4;
        let out = dir.path().join(format!("s{seed}/public"));
        build(&docs, split, lists, &out);
        let mut now = docs.clone();
        for round in 0..3 {
            for _ in 0..=rng.next(3) {
                change(&mut rng, &mut now[..split], &docs);
            }
            let before = super::patched_on_this_thread();
            build(&now, split, lists, &out);
            patched += super::patched_on_this_thread() - before;
            cases += 1;
            let fresh = dir.path().join(format!("f{seed}-{round}/public"));
            build(&now, split, lists, &fresh);
            let (a, b) = (files(&out), files(&fresh));
            let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(
                names(&a),
                names(&b),
                "seed {seed} round {round}: the same files"
            );
            for (name, bytes) in &a {
                assert!(
                    b[name] == *bytes,
                    "seed {seed} round {round}: {name} differs:\n{}\n{}",
                    String::from_utf8_lossy(bytes),
                    String::from_utf8_lossy(&b[name])
                );
            }
        }
    }
    assert!(
        patched * 2 >= cases,
        "most changes are patched: {patched} of {cases}"
    );
}

/// A kept file that does not tell what the previous output holds (here:
/// written for its key from other documents) is found out by the patch,
/// which then writes the tier whole.
#[test]
fn a_kept_text_unlike_the_output_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(7);
    let docs: Vec<SearchDoc> = (0..80).map(|i| doc(&mut rng, i)).collect();
    let lists = Lists {
        heavy: 3_000,
        least_range: 1024,
    };
    let out = dir.path().join("public");
    build(&docs, 60, lists, &out);
    // The kept file of the first tier, rewritten from other texts.
    let kept_dir = crate::output::beside(&out, "search-kept");
    let key = std::fs::read_dir(&kept_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|k| {
            super::kept::load(&kept_dir, k).is_some_and(|k| k.params.is_some_and(|p| p.first == 0))
        })
        .unwrap();
    let was = super::kept::load(&kept_dir, &key).unwrap();
    let mut other = docs[..60].to_vec();
    other[5].body.push_str("检验检验");
    std::fs::remove_file(kept_dir.join(&key)).unwrap();
    super::kept::save(
        &kept_dir,
        &key,
        was.params.unwrap(),
        was.totals,
        &other,
        &was.runs,
    );
    let mut now = docs.clone();
    now[5].body.push_str("安全阀");
    let before = super::patched_on_this_thread();
    build(&now, 60, lists, &out);
    assert_eq!(super::patched_on_this_thread(), before, "not patched");
    let fresh = dir.path().join("fresh/public");
    build(&now, 60, lists, &fresh);
    assert_eq!(files(&out), files(&fresh));
    // With the true text kept again, the next change is patched.
    now[5].body.push_str("气瓶");
    build(&now, 60, lists, &out);
    assert_eq!(super::patched_on_this_thread(), before + 1, "patched");
    let fresh = dir.path().join("fresh2/public");
    build(&now, 60, lists, &fresh);
    assert_eq!(files(&out), files(&fresh));
}

/// A party name corrected to one that no document had, which other
/// documents' texts hold: the tier is patched, not written whole, and its
/// files are those written whole.
#[test]
fn a_whole_value_new_to_the_tier_is_patched() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(12);
    let mut docs: Vec<SearchDoc> = (0..80).map(|i| doc(&mut rng, i)).collect();
    for (i, d) in docs.iter_mut().enumerate().take(60).skip(10).step_by(7) {
        d.body = format!("{}东方热力有限公司{i}", d.body);
    }
    let lists = Lists {
        heavy: 3_000,
        least_range: 1024,
    };
    let out = dir.path().join("public");
    build(&docs, 60, lists, &out);
    let mut now = docs.clone();
    now[4].party = Some("东方热力有限公司".to_string());
    now[4].exact.push("东方热力有限公司".to_string());
    let before = super::patched_on_this_thread();
    build(&now, 60, lists, &out);
    assert_eq!(super::patched_on_this_thread(), before + 1, "patched");
    let fresh = dir.path().join("fresh/public");
    build(&now, 60, lists, &fresh);
    let (a, b) = (files(&out), files(&fresh));
    assert_eq!(a, b);
    let listed = a
        .iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains("东 方 热 力 有 限 公 司"))
        .count();
    assert!(listed > 0, "the value has a phrase list");
}
