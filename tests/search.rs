//! Search: the JavaScript tokenizer equals the Rust one, the static index
//! has not changed by accident, and queries find exactly what brute force
//! finds.

mod common;
use common::Site;
use gongshi::search::tiers::Lists;
use gongshi::search::tokenize::{shard_of, tokens};
use gongshi::search::{Index, Query, SearchDoc, search};
use std::process::Command;

fn cases() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tokenizer-cases.txt"
    ))
    .unwrap();
    text.lines().map(str::to_string).collect()
}

#[test]
fn javascript_tokenizer_gives_identical_tokens() {
    if !common::tools_present(
        "the JavaScript tokenizer test",
        &[("node", common::runs("node"))],
    ) {
        return;
    }
    let js = concat!(env!("CARGO_MANIFEST_DIR"), "/theme/search.js");
    let script = format!(
        "const s = require({js:?}); const lines = require('fs').readFileSync(0, 'utf8').split('\\n'); \
         console.log(JSON.stringify(lines.map(l => [s.tokens(l).map(t => [t.text, t.pos]), s.shardOf(l, 97), s.exactKey(l)])));"
    );
    let mut child = Command::new("node")
        .arg("-e")
        .arg(&script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node is needed for this test (tools/install-test-deps.sh installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(cases().join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    type JsLine = (Vec<(String, u32)>, u32, String);
    let js: Vec<JsLine> = serde_json::from_slice(&out.stdout).unwrap();
    let cases = cases();
    assert_eq!(js.len(), cases.len());
    for (line, (js_tokens, js_shard, js_exact)) in cases.iter().zip(js) {
        let rust: Vec<(String, u32)> = tokens(line).into_iter().map(|t| (t.text, t.pos)).collect();
        assert_eq!(rust, js_tokens, "tokens of {line:?}");
        assert_eq!(shard_of(line, 97), js_shard, "shard of {line:?}");
        assert_eq!(
            gongshi::search::tokenize::exact_key(line),
            js_exact,
            "exact key of {line:?}"
        );
    }
}

#[test]
fn static_index_has_not_changed_by_accident() {
    // Golden file: regenerate with GONGSHI_BLESS=1 after an intended change,
    // and read the diff.
    let site = Site::new("base");
    site.build("2022-02-15");
    let dir = site.path().join("public/search");
    let mut listing = String::new();
    for (name, bytes) in common::snapshot(&dir) {
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        listing.push_str(&format!(
            "== {name}\n{}\n",
            serde_json::to_string_pretty(&v).unwrap()
        ));
    }
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/search-index.txt");
    if std::env::var_os("GONGSHI_BLESS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(golden).parent().unwrap()).unwrap();
        std::fs::write(golden, &listing).unwrap();
    }
    let want = std::fs::read_to_string(golden).expect("golden file (GONGSHI_BLESS=1 to create)");
    assert!(
        want == listing,
        "search index changed; diff tests/golden/search-index.txt against:\n{listing}"
    );
}

/// A corpus of random documents over a small alphabet, so that phrases
/// repeat, overlap and are interrupted by punctuation.
fn corpus(n: usize, seed: u64) -> Vec<SearchDoc> {
    let alphabet: Vec<char> = "安全阀门压力容器气瓶隐患整改，。 、".chars().collect();
    let mut s = seed;
    let mut rnd = move |m: usize| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % m as u64) as usize
    };
    (0..n)
        .map(|i| {
            let len = 20 + rnd(60);
            let title: String = (0..8).map(|_| alphabet[rnd(alphabet.len())]).collect();
            let body: String = (0..len).map(|_| alphabet[rnd(alphabet.len())]).collect();
            // Every third document has a party whose name (5 to 9 characters,
            // a phrase key) may stand in its text and in others'.
            let party = (i % 3 == 0).then(|| {
                let letters = &alphabet[..14];
                let n = 5 + rnd(5);
                (0..n)
                    .map(|_| letters[rnd(letters.len())])
                    .collect::<String>()
            });
            let body = match &party {
                Some(p) if rnd(2) == 0 => format!("{body}{p}"),
                _ => body,
            };
            SearchDoc {
                kind: gongshi::content::model::Kind::Cases,
                id: format!("d{i}"),
                url: format!("cases/d{i}.html"),
                title,
                date: chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap()
                    + chrono::Days::new(i as u64),
                party,
                summary: String::new(),
                facets: Default::default(),
                body,
                exact: vec![],
            }
        })
        .collect()
}

/// Text as the search sees it: every run of separators is one gap (`|`),
/// none at the ends.
fn normalized(s: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in s.chars() {
        if gongshi::search::tokenize::is_cjk(c) || c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('|');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// Whether a document's title or body holds a [`normalized`] phrase: the
/// truth a search must find.
fn holds(d: &SearchDoc, want: &str) -> bool {
    normalized(&d.title).contains(want) || normalized(&d.body).contains(want)
}

/// The browser's hits for `q` are the brute-force truth over the index's
/// documents, in any order: recall and precision.
fn assert_truth(index: &Index, q: &str, hits: &[u32]) {
    let want = normalized(q);
    let truth: Vec<u32> = (0..index.docs.len() as u32)
        .filter(|&i| holds(&index.docs[i as usize], &want))
        .collect();
    let mut sorted = hits.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, truth, "query {q:?}: recall and precision");
}

/// Phrases of every length over the corpus alphabet: short ones (one key,
/// no positions) and long ones (span keys with positions), with and
/// without separators inside.
fn phrases(truth: &[SearchDoc]) -> Vec<String> {
    let mut v = Vec::new();
    let src: Vec<char> = "安全阀门压力容器气瓶隐患整改".chars().collect();
    for len in 1..=9 {
        for start in 0..src.len() - len {
            v.push(src[start..start + len].iter().collect());
        }
    }
    // phrases taken from documents, so that most have hits
    for (i, d) in truth.iter().take(120).enumerate() {
        let cs: Vec<char> = d.body.chars().filter(|c| *c != ' ').collect();
        let len = 2 + i % 10;
        let start = (i * 7) % cs.len().saturating_sub(len).max(1);
        v.push(cs.iter().skip(start).take(len).collect());
        let letters: Vec<char> = d.body.chars().filter(|c| !"，。 、".contains(*c)).collect();
        v.push(letters.iter().skip(start).take(len).collect());
    }
    // whole party names: terms that are phrase keys
    v.extend(truth.iter().filter_map(|d| d.party.clone()).take(80));
    v.retain(|p: &String| !normalized(p).is_empty());
    v
}

#[test]
fn chinese_phrase_queries_match_brute_force_exactly() {
    let docs = corpus(400, 0x9e3779b97f4a7c15);
    brute_force(&docs, Index::from_docs(docs.clone()));
    // Heavy spans, and runs of five tokens with lists of their own, are
    // rare in a small corpus: here every span is heavy.
    let mut index = Index::with_heavy(docs.clone(), 0);
    index.add_runs();
    let runs = phrases(&docs)
        .iter()
        .map(|p| gongshi::search::tokenize::tokens(p))
        .filter(|t| t.len() == 5 && index.phrase(t).is_some())
        .count();
    assert!(runs > 10, "five-token runs have phrase keys ({runs})");
    brute_force(&docs, index);
}

fn brute_force(docs: &[SearchDoc], index: Index) {
    let truth = docs;
    let mut checked = 0;
    let mut long = 0;
    for p in &phrases(truth) {
        let want = normalized(p);
        let mut expected: Vec<&str> = truth
            .iter()
            .filter(|d| holds(d, &want))
            .map(|d| d.id.as_str())
            .collect();
        expected.sort();
        let mut got: Vec<&str> = search(
            &index,
            &Query {
                text: p.clone(),
                ..Query::default()
            },
        )
        .iter()
        .map(|h| index.docs[h.doc as usize].id.as_str())
        .collect();
        got.sort();
        assert_eq!(
            got, expected,
            "query {p:?}: recall and precision must be 100%"
        );
        checked += expected.len();
        if want.chars().count() > 4 {
            long += expected.len();
        }
    }
    assert!(
        checked > 1000 && long > 50,
        "the corpus exercises the index ({checked} matches, {long} of long phrases)"
    );
    let named = truth
        .iter()
        .filter_map(|d| d.party.as_deref())
        .filter(|p| {
            let t = gongshi::search::tokenize::tokens(p);
            index.phrase(&t).is_some()
        })
        .count();
    assert!(
        named > 50,
        "party names are answered by phrase keys ({named})"
    );
}

/// The static index of `docs` written as a site (kept while the directory
/// lives), for search.js to read.
fn written_index(docs: Vec<SearchDoc>) -> (tempfile::TempDir, std::path::PathBuf) {
    written_index_with(Index::from_docs(docs))
}

/// Written in one tier: what a query fetches is that tier's.
fn written_index_with(index: Index) -> (tempfile::TempDir, std::path::PathBuf) {
    written_tiers(index, |n| n)
}

fn written_tiers(
    index: Index,
    split: impl Fn(usize) -> usize,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let lists = Lists {
        heavy: index.heavy,
        ..Lists::SITE
    };
    written_docs(&index.docs, split(index.docs.len()), lists)
}

/// `docs`, in the order of their numbers, written in two tiers at `split`,
/// their long lists kept as `lists` says.
fn written_docs(
    docs: &std::sync::Arc<Vec<SearchDoc>>,
    split: usize,
    lists: Lists,
) -> (tempfile::TempDir, std::path::PathBuf) {
    use gongshi::output::Staging;
    use gongshi::privacy::Scanner;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let staging = Staging::begin(&out, Scanner::default(), Default::default()).unwrap();
    gongshi::search::tiers::write(docs, split, lists, &staging);
    match staging.commit() {
        Ok(()) => {}
        Err(gongshi::output::CommitError::Io(e)) => panic!("the index is not written: {e}"),
        Err(gongshi::output::CommitError::Privacy(d)) => panic!(
            "the index is not written: {:?}",
            d.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        ),
    }
    (tmp, out)
}

/// The start of a node script over a [`written_index`] given as its first
/// argument: search.js as `s`, `fs`, the index directory `dir`, the
/// manifest `man` and the facet table `facets`.
fn node_prelude() -> String {
    let js = concat!(env!("CARGO_MANIFEST_DIR"), "/theme/search.js");
    format!(
        "const s = require({js:?}); const fs = require('fs'); const dir = process.argv[1] + '/search/';\n\
         const man = JSON.parse(fs.readFileSync(dir + fs.readdirSync(dir).find(f => f.startsWith('index.'))));\n\
         const facets = JSON.parse(fs.readFileSync(dir + man.facets));\n"
    )
}

/// The manifest of a [`written_index`].
fn manifest(out: &std::path::Path) -> serde_json::Value {
    let dir = out.join("search");
    let name = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|n| n.starts_with("index."))
        .expect("a manifest");
    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

/// The directory of the first tier of a [`written_index`].
fn first_tier(out: &std::path::Path) -> std::path::PathBuf {
    out.join("search").join(
        manifest(out)["tiers"][0]["dir"]
            .as_str()
            .unwrap()
            .trim_end_matches('/'),
    )
}

/// Run each query through search.js over a [`written_index`]: its hits,
/// which must be those of the Rust search over `index`, and the names of
/// the files it fetched, each once, in order.
fn fetched_by_browser(
    out: &std::path::Path,
    index: &Index,
    queries: &[&str],
) -> Vec<(Vec<u32>, Vec<String>)> {
    let script = format!(
        "{}(async () => {{ const out = []; for (const q of process.argv.slice(2)) {{ const seen = new Set();\n\
         const load = u => {{ seen.add(u.replace(/^.*\\//, '')); return Promise.resolve(JSON.parse(fs.readFileSync(dir + u))); }};\n\
         const r = await s.search(man, facets, q, {{}}, load);\n\
         out.push([r.hits.map(h => h.doc), Array.from(seen)]); }} console.log(JSON.stringify(out)); }})();",
        node_prelude()
    );
    let res = Command::new("node")
        .arg("-e")
        .arg(&script)
        .arg(out)
        .args(queries)
        .output()
        .expect("node is needed for this test");
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let got: Vec<(Vec<u32>, Vec<String>)> = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(got.len(), queries.len());
    for (q, (docs, _)) in queries.iter().zip(&got) {
        let want: Vec<u32> = search(
            index,
            &Query {
                text: q.to_string(),
                ..Query::default()
            },
        )
        .into_iter()
        .map(|h| h.doc)
        .collect();
        assert_eq!(docs, &want, "query {q:?}: browser and Rust differ");
    }
    got
}

#[test]
fn browser_search_gives_the_same_hits_in_the_same_order() {
    same_hits_in_browser(None, Lists::SITE.least_range);
}

/// With heavy lists in files of their own and runs of five tokens as
/// phrase keys (every span of more than 40 bytes heavy).
#[test]
fn browser_search_gives_the_same_hits_with_heavy_keys() {
    same_hits_in_browser(Some(40), Lists::SITE.least_range);
}

/// With the heavy lists' files cut into ranges of 32 document numbers, as
/// a large tier's are.
#[test]
fn browser_search_gives_the_same_hits_with_heavy_lists_in_ranges() {
    same_hits_in_browser(Some(40), 32);
}

fn same_hits_in_browser(heavy: Option<usize>, least_range: usize) {
    let mut docs = corpus(400, 0x5851f42d4c957f2d);
    // Records that were public and are not now: their numbers stay empty.
    let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    docs.extend((0..40).map(|i| {
        let date = day + chrono::Days::new(i * 9);
        SearchDoc::gap(
            date,
            gongshi::content::model::Kind::Cases,
            &format!("gone-{i}"),
        )
    }));
    let queries: Vec<String> = {
        let mut q = phrases(&docs);
        q.extend(
            [
                "安全 阀门",
                "气瓶 隐患 整改",
                "门压力容器气瓶隐",
                "改，安全",
            ]
            .map(String::from),
        );
        q
    };
    let index = match heavy {
        Some(h) => Index::with_heavy(docs.clone(), h),
        None => Index::from_docs(docs.clone()),
    };
    // In two tiers: the browser merges what it finds in each.
    let lists = Lists {
        heavy: index.heavy,
        least_range,
    };
    let (_tmp, out) = written_docs(&index.docs, index.docs.len() / 2, lists);
    assert_eq!(manifest(&out)["tiers"].as_array().map(Vec::len), Some(2));
    if heavy.is_some() {
        let files: Vec<String> = std::fs::read_dir(out.join("search"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
            .map(|f| f.file_name().to_string_lossy().to_string())
            .filter(|f| f.starts_with('h'))
            .collect();
        assert!(
            files.len() > 10,
            "heavy lists have files of their own ({})",
            files.len()
        );
        let in_ranges = files.iter().filter(|f| f.contains('r')).count();
        if least_range < index.docs.len() / 2 {
            assert!(in_ranges > 10, "heavy lists are in ranges ({in_ranges})");
        } else {
            assert_eq!(in_ranges, 0, "no tier is large enough for ranges");
        }
    }
    let script = format!(
        "{}const load = u => Promise.resolve(JSON.parse(fs.readFileSync(dir + u)));\n\
         const qs = JSON.parse(fs.readFileSync(0, 'utf8'));\n\
         (async () => {{ const out = []; for (const q of qs) {{ const r = await s.search(man, facets, q, {{}}, load);\n\
         out.push(r.hits.map(h => [h.doc, h.score, h.exact])); }} console.log(JSON.stringify(out)); }})();",
        node_prelude()
    );
    let mut child = Command::new("node")
        .arg("-e")
        .arg(&script)
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node is needed for this test");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&queries).unwrap().as_bytes())
        .unwrap();
    let res = child.wait_with_output().unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let browser: Vec<Vec<(u32, u32, bool)>> = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(browser.len(), queries.len());
    let mut compared = 0;
    for (q, got) in queries.iter().zip(browser) {
        let want: Vec<(u32, u32, bool)> = search(
            &index,
            &Query {
                text: q.clone(),
                ..Query::default()
            },
        )
        .into_iter()
        .map(|h| (h.doc, h.score, h.exact))
        .collect();
        assert_eq!(got, want, "query {q:?}: browser and Rust differ");
        compared += want.len();
    }
    assert!(compared > 1000, "queries have hits ({compared})");
}

/// The heavy lists' files of a written index, by name, with their bytes.
fn heavy_files(out: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let dir = first_tier(out);
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('h'))
        .map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap()))
        .collect()
}

/// A record that leaves a large tier rewrites, in each heavy list that
/// held it, the range of document numbers that held it (and the next one,
/// whose first difference counts from it), not the whole list: the rest
/// keep their bytes, and far fewer bytes change than with the lists whole.
#[test]
fn a_record_that_leaves_rewrites_one_range_of_each_heavy_list() {
    let index = Index::with_heavy(corpus(400, 0x2545f4914f6cdd1d), 40);
    let docs = index.docs.clone();
    let gone = 130;
    let mut after = (*docs).clone();
    let d = &docs[gone];
    after[gone] = SearchDoc::gap(d.date, d.kind, &d.id);
    let after = std::sync::Arc::new(after);
    let changed = |least_range: usize| {
        let lists = Lists {
            heavy: 40,
            least_range,
        };
        let (_a, before_out) = written_docs(&docs, docs.len(), lists);
        let (_b, after_out) = written_docs(&after, after.len(), lists);
        let (before, after) = (heavy_files(&before_out), heavy_files(&after_out));
        let changed: Vec<(String, usize)> = after
            .iter()
            .filter(|(name, bytes)| before.get(*name) != Some(*bytes))
            .map(|(name, bytes)| (name.clone(), bytes.len()))
            .collect();
        (before, changed)
    };
    // 400 numbers in ranges of 64.
    let (before, with_ranges) = changed(32);
    let range_of = |name: &str| -> u32 {
        let (_, j) = name.trim_end_matches(".json").split_once('r').unwrap();
        j.parse().unwrap()
    };
    assert!(
        before.keys().all(|n| n.contains('r')),
        "every heavy list is in ranges"
    );
    let held = (gone / 64) as u32;
    assert!(!with_ranges.is_empty(), "the record was in heavy lists");
    for (name, _) in &with_ranges {
        let j = range_of(name);
        assert!(
            j == held || j == held + 1,
            "{name} changed, but holds range {j}"
        );
    }
    assert!(with_ranges.iter().any(|(n, _)| range_of(n) == held));
    // The same change with every list whole.
    let (whole_before, whole) = changed(usize::MAX);
    assert!(whole_before.keys().all(|n| !n.contains('r')));
    let bytes = |c: &[(String, usize)]| c.iter().map(|c| c.1).sum::<usize>();
    assert!(
        bytes(&with_ranges) * 3 < bytes(&whole),
        "ranges rewrite {} bytes, whole lists {}",
        bytes(&with_ranges),
        bytes(&whole)
    );
}

/// A company's full name is one phrase key, in a shard of its own: the
/// browser fetches that shard (and the exact value's), not the positions
/// of the name's common runs such as 有限公司.
#[test]
fn a_company_name_is_found_from_its_phrase_key_alone() {
    let names = [
        "安澜特种设备检验有限公司",
        "东湖燃气有限公司",
        "北辰气瓶充装有限公司",
    ];
    let mut docs = corpus(300, 0x2545f4914f6cdd1d);
    for (i, d) in docs.iter_mut().enumerate() {
        // Every document mentions some company; one in five is about one.
        d.body
            .push_str(&format!("，{}", ["华东", "华南", "西北"][i % 3]));
        d.body.push_str("有限公司");
        if i % 5 == 0 {
            let n = names[i % names.len()];
            d.party = Some(n.to_string());
            d.body.push_str(&format!("，当事人{n}"));
        }
    }
    let index = Index::from_docs(docs.clone());
    let (_tmp, out) = written_index(docs);
    let shards = manifest(&out)["tiers"][0]["shards"].as_u64().unwrap();
    assert!(shards > 10, "the index has many shards ({shards})");
    let queries = [names[0], "当事人安澜特种设备"];
    let got = fetched_by_browser(&out, &index, &queries);
    for (q, (docs, _)) in queries.iter().zip(&got) {
        assert!(!docs.is_empty(), "{q:?} has hits");
    }
    let t = gongshi::search::tokenize::tokens(names[0]);
    assert!(index.phrase(&t).is_some(), "the name is a phrase key");
    // The name: its exact value's shard and its phrase key's shard.
    assert!(
        got[0].1.len() <= 2,
        "fetched {:?} for a phrase key",
        got[0].1
    );
    // Not a phrase key: the phrase shard (no key there), then the span keys'.
    assert!(got[1].1.len() > 2, "fetched {:?} for spans", got[1].1);
}

/// A common word of five characters is one list of documents: the
/// browser fetches the exact value's shard, the phrase key's shard and the
/// list's file, not the positions of 液化石油 and 化石油气. A five-token
/// term that occurs nowhere costs no heavy list either; a longer one is
/// found from runs with light lists, not from the heavy spans.
#[test]
fn a_common_five_character_word_costs_its_list_of_documents() {
    let mut docs = corpus(300, 0x6a09e667f3bcc909);
    for (i, d) in docs.iter_mut().enumerate() {
        if i % 3 == 0 {
            d.body
                .push_str(["，液化石油气钢瓶", "。液化石油气站", "，储存液化石油气"][i % 9 / 3]);
        }
    }
    let heavy = 200;
    let mut index = Index::with_heavy(docs.clone(), heavy);
    index.add_runs();
    let (_tmp, out) = written_index_with(Index::with_heavy(docs, heavy));
    let got = fetched_by_browser(
        &out,
        &index,
        &["液化石油气", "液化石油罐", "液化石油气钢瓶"],
    );
    let files = |i: usize| got[i].1.iter().filter(|f| f.starts_with('h')).count();
    let t = gongshi::search::tokenize::tokens("液化石油气");
    assert!(index.phrase(&t).is_some(), "液化石油气 is a phrase key");
    assert!(
        got[0].0.len() >= 100,
        "液化石油气 is common ({})",
        got[0].0.len()
    );
    assert_eq!(
        (got[0].1.len(), files(0)),
        (3, 1),
        "液化石油气: two shards and its list's file ({:?})",
        got[0].1
    );
    assert!(got[1].0.is_empty(), "液化石油罐 occurs nowhere");
    assert_eq!(
        files(1),
        0,
        "液化石油罐 fetched a heavy list ({:?})",
        got[1].1
    );
    assert!(!got[2].0.is_empty(), "液化石油气钢瓶 occurs");
    let spans = heavy_span_files(&out);
    assert!(
        !spans.is_empty(),
        "液化石油 and its neighbours are heavy spans"
    );
    assert!(
        got[2].1.iter().all(|f| !spans.contains(f)),
        "液化石油气钢瓶 is found from runs, not heavy spans ({:?})",
        got[2].1
    );
}

/// An agency's name followed by 对 stands in a third of the documents: its
/// runs are heavy up to MAX_RUN tokens. A longer term that begins with it
/// is pinned down by the positions of its runs of MAX_RUN tokens (kept in
/// their files even when heavy), not by a heavy span's, and the hits are
/// the brute-force truth.
#[test]
fn a_term_longer_than_the_longest_run_uses_its_positions() {
    use gongshi::search::index::MAX_RUN;
    let agency = "基准市市场监督管理局对"; // 11 characters
    let mut docs = corpus(300, 0x510e527fade682d1);
    let parties = ["基准化工", "基准燃气", "临河物业"];
    for (i, d) in docs.iter_mut().enumerate() {
        if i % 3 == 0 {
            d.body
                .push_str(&format!("。{agency}{}有限公司检查", parties[i % 9 / 3]));
        }
    }
    let heavy = 200;
    let mut index = Index::with_heavy(docs.clone(), heavy);
    index.add_runs();
    let longest: Vec<&gongshi::search::index::Phrase> = index
        .runs
        .iter()
        .filter(|r| tokens(&r.text).len() == MAX_RUN)
        .collect();
    assert!(
        longest.iter().any(|r| r.at && index.is_heavy(&r.list)),
        "some runs of MAX_RUN tokens are heavy and keep their positions"
    );
    assert!(
        longest.iter().all(|r| r.at),
        "every run of MAX_RUN tokens keeps its positions"
    );
    let queries = [
        "基准市市场监督管理局对基准化工",
        "市场监督管理局对基准燃气有限公司",
        "基准市市场监督管理局对临河物业有限公司检查",
        "基准市市场监督管理局对基准物业",
    ];
    let (_tmp, out) = written_index_with(Index::with_heavy(docs, heavy));
    let spans = heavy_span_files(&out);
    assert!(!spans.is_empty(), "the agency's spans are heavy");
    let got = fetched_by_browser(&out, &index, &queries);
    for (q, (hits, files)) in queries.iter().zip(&got) {
        assert!(tokens(q).len() > MAX_RUN, "{q:?} is longer than MAX_RUN");
        assert_truth(&index, q, hits);
        assert!(
            files.iter().all(|f| !spans.contains(f)),
            "{q:?} fetched heavy spans: {files:?}"
        );
    }
    assert!(got[0].0.len() >= 20, "the first term is common");
    assert!(got[3].0.is_empty(), "the last term occurs nowhere");
    assert!(
        got[0].1.iter().any(|f| f.starts_with('h')),
        "the first term is pinned down by heavy runs' positions ({:?})",
        got[0].1
    );
}

/// The files of the heavy span keys of a [`written_index`].
fn heavy_span_files(out: &std::path::Path) -> std::collections::HashSet<String> {
    let dir = first_tier(out);
    let mut files = std::collections::HashSet::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.starts_with('s') {
            continue;
        }
        let shard: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
        for (k, v) in shard {
            if let (true, Some(n)) = (k.starts_with('@'), v.as_u64()) {
                files.insert(format!("h{n}.json"));
            }
            assert!(v.get("r").is_none(), "a small tier keeps its lists whole");
        }
    }
    files
}

/// A corpus over three characters: every span is common, runs of five to
/// MAX_RUN tokens range from common to rare.
fn three_letter_corpus(n: usize, seed: u64) -> Vec<SearchDoc> {
    let mut docs = corpus(n, seed);
    let mut s = seed;
    for d in &mut docs {
        d.body = d
            .body
            .chars()
            .map(|c| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match c {
                    '，' | '。' => c,
                    _ => ['安', '全', '阀'][(s >> 33) as usize % 3],
                }
            })
            .collect();
    }
    docs
}

/// Over three characters every span is heavy; a term is still found
/// without the positions of a heavy span (from the runs that grow out of
/// them, a token at a time, until light; a term longer than MAX_RUN tokens
/// from the positions of its runs of MAX_RUN tokens), with the same hits
/// as Rust.
#[test]
fn long_terms_are_pinned_down_by_light_runs() {
    use gongshi::search::index::MAX_RUN;
    let docs = three_letter_corpus(300, 0x1f83d9abfb41bd6b);
    let heavy = 16;
    let mut index = Index::with_heavy(docs.clone(), heavy);
    index.add_runs();
    let levels: std::collections::BTreeSet<usize> = index
        .runs
        .iter()
        .map(|r| gongshi::search::tokenize::tokens(&r.text).len())
        .collect();
    assert_eq!(
        levels,
        (gongshi::search::index::GRAM + 1..=MAX_RUN).collect(),
        "runs of every length have lists"
    );
    assert!(
        index.runs.iter().any(|r| r.at) && index.runs.iter().any(|r| !r.at),
        "some runs are light, some heavy"
    );
    let mut queries: Vec<String> = Vec::new();
    for (i, d) in docs.iter().enumerate().take(150) {
        let cs: Vec<char> = normalized(&d.body).chars().collect();
        let len = 5 + i % MAX_RUN; // 5 to MAX_RUN + 4 characters
        let start = (i * 11) % cs.len().saturating_sub(len).max(1);
        queries.push(cs.iter().skip(start).take(len).collect());
    }
    // Repetitive terms of every length, long ones occurring nowhere.
    queries.extend((5..=MAX_RUN + 4).map(|n| "阀".repeat(n)));
    queries.extend((5..=MAX_RUN + 4).map(|n| "安全".repeat(n)[..n * 3].to_string()));
    let (_tmp, out) = written_index_with(Index::with_heavy(docs, heavy));
    let spans = heavy_span_files(&out);
    assert!(spans.len() > 20, "spans are heavy ({})", spans.len());
    let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
    let got = fetched_by_browser(&out, &index, &queries);
    let (mut found, mut longest) = (0, 0);
    for (q, (hits, files)) in queries.iter().zip(&got) {
        // The browser gives Rust's hits (fetched_by_browser), and Rust the
        // truth: a separator between the span keys is no wildcard.
        assert_truth(&index, q, hits);
        let n = gongshi::search::tokenize::tokens(q).len();
        assert!(
            files.iter().all(|f| !spans.contains(f)),
            "{q:?} ({n} tokens) fetched heavy spans: {files:?}"
        );
        found += usize::from(!hits.is_empty());
        longest = longest.max(if hits.is_empty() { 0 } else { n });
    }
    assert!(found > 100, "most terms occur ({found})");
    assert!(
        longest > MAX_RUN,
        "terms longer than MAX_RUN occur ({longest})"
    );
}

#[test]
fn terms_are_anded_and_scattered_characters_do_not_match() {
    let mk = |id: &str, body: &str| SearchDoc {
        kind: gongshi::content::model::Kind::Actions,
        id: id.into(),
        url: format!("actions/{id}.html"),
        title: String::new(),
        date: chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
        party: None,
        summary: String::new(),
        facets: Default::default(),
        body: body.into(),
        exact: vec![],
    };
    let index = Index::from_docs(vec![
        mk("a", "安全阀失效"),
        mk("b", "安全，阀门"),
        mk("c", "阀门安全检查"),
        mk("d", "压力表 安全阀"),
    ]);
    let ids = |q: &str| {
        let mut v: Vec<String> = search(
            &index,
            &Query {
                text: q.into(),
                ..Query::default()
            },
        )
        .iter()
        .map(|h| index.docs[h.doc as usize].id.clone())
        .collect();
        v.sort();
        v
    };
    assert_eq!(ids("安全阀"), ["a", "d"]);
    assert_eq!(ids("安全 阀门"), ["b", "c"]);
    assert_eq!(ids("压力表 安全阀"), ["d"]);
    assert!(ids("安阀").is_empty());
    // a term of up to four tokens is one key, without positions
    assert_eq!(index.gram(&tokens("全阀")).map(|l| l.len() / 2), Some(2));
    assert!(index.gram(&tokens("安阀")).is_none());
}

#[test]
fn exact_decision_number_ranks_first() {
    let mut docs = Vec::new();
    for i in 0..50 {
        docs.push(SearchDoc {
            kind: gongshi::content::model::Kind::Actions,
            id: format!("x{i}"),
            url: format!("actions/x{i}.html"),
            title: format!("行政处罚：某公司{i}"),
            date: chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Days::new(i),
            party: None,
            summary: String::new(),
            facets: Default::default(),
            body: format!("海市监罚〔2022〕{i}号 第0000{i}号 参见 第00001号"),
            exact: vec![format!("第0000{i}号")],
        });
    }
    let index = Index::from_docs(docs);
    let hits = search(
        &index,
        &Query {
            text: "第00001号".into(),
            ..Query::default()
        },
    );
    assert_eq!(hits.len(), 50);
    assert_eq!(index.docs[hits[0].doc as usize].id, "x1");
    assert!(hits[0].exact);
}

#[test]
fn nothing_unpublished_or_private_is_indexed() {
    let site = Site::new("base");
    site.write(
        "content/actions/later.yaml",
        "发布日期: 2022-03-01\n措施类型: 责令限期整改\n当事人: {名称: 龘靐定时公司, 类型: 企业}\n决定日期: 2022-02-10\n决定机关: 某局\n原因: 未来。\n",
    );
    site.write(
        "content/actions/draft.yaml",
        "发布日期: 2022-02-01\n状态: 草稿\n措施类型: 责令限期整改\n当事人: {名称: 齉爩草稿公司, 类型: 企业}\n决定日期: 2022-01-30\n决定机关: 某局\n原因: 草稿。\n",
    );
    site.write(
        "content/actions/gone.yaml",
        "发布日期: 2022-02-01\n状态: 已撤回\n撤回: {日期: 2022-02-05, 原因: 错误}\n措施类型: 责令限期整改\n当事人: {名称: 麤籱撤回公司, 类型: 企业}\n决定日期: 2022-01-30\n决定机关: 某局\n原因: 撤回。\n",
    );
    site.build("2022-02-15");
    let all: String = common::snapshot(&site.path().join("public/search"))
        .into_iter()
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect();
    assert!(
        all.contains("测试燃气有限公司"),
        "published records are indexed"
    );
    for m in [
        "龘靐",
        "齉爩",
        "麤籱",
        "赵举报",
        "13800000000",
        "幸福路",
        "非常危险",
    ] {
        let t: Vec<String> = tokens(m).into_iter().map(|t| t.text).collect();
        let key = if t.len() > 1 {
            format!("\"{} {}\"", t[0], t[1])
        } else {
            format!("\"{}\"", t[0])
        };
        assert!(!all.contains(&key), "{m} has a key in the static index");
        assert!(!all.contains(m), "{m} in the static index");
    }
}

#[test]
fn tantivy_finds_the_same_documents_as_the_static_index() {
    let docs = corpus(300, 0x2545f4914f6cdd1d);
    let engine = gongshi::search::engine::Engine::build(&docs).unwrap();
    let index = Index::from_docs(docs);
    let mut compared = 0;
    for q in [
        "安全",
        "安全阀",
        "阀门 压力",
        "气瓶隐患",
        "整改",
        "容器气",
        "隐",
        "压力容器 安全 整改",
    ] {
        let mut a: Vec<String> = search(
            &index,
            &Query {
                text: q.into(),
                ..Query::default()
            },
        )
        .iter()
        .map(|h| index.docs[h.doc as usize].id.clone())
        .collect();
        let mut b: Vec<String> = engine
            .search(&Query {
                text: q.into(),
                ..Query::default()
            })
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "query {q:?}");
        compared += a.len();
    }
    assert!(compared > 100);
}

/// `gongshi search` and `/api/search` rank as the site does: the same
/// documents in the same order, for single words, phrases, several terms
/// and party names.
#[test]
fn tantivy_ranks_as_the_static_index() {
    let index = Index::from_docs(corpus(300, 0x9e3779b97f4a7c15));
    let docs = index.docs.clone();
    let engine = gongshi::search::engine::Engine::build(&docs)
        .unwrap()
        .ranked_as_the_site(docs.clone());
    let mut compared = 0;
    let parties: Vec<String> = docs
        .iter()
        .filter_map(|d| d.party.clone())
        .take(5)
        .collect();
    let mut queries: Vec<String> = [
        "安全",
        "安全阀",
        "阀门 压力",
        "气瓶隐患",
        "整改",
        "隐",
        "压力容器 安全 整改",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    queries.extend(parties);
    for q in &queries {
        let site: Vec<String> = search(
            &index,
            &Query {
                text: q.clone(),
                ..Query::default()
            },
        )
        .iter()
        .map(|h| index.docs[h.doc as usize].id.clone())
        .collect();
        let tantivy: Vec<String> = engine
            .search(&Query {
                text: q.clone(),
                ..Query::default()
            })
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(tantivy, site, "query {q:?}: the same order");
        compared += site.len();
    }
    assert!(compared > 100);
}

#[test]
fn search_command_prints_json_in_the_contract_shape() {
    let site = Site::new("base");
    let out = site.run(&[
        "search",
        "测试燃气",
        "--date",
        "2022-02-15",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), 2);
    for r in &v {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "id", "title", "url"]);
    }
    assert!(v.iter().any(|r| r["url"] == "cases/tc-2022-001.html"));
    // a scheduled record is not found before its date
    let out = site.run(&[
        "search",
        "测试燃气",
        "--date",
        "2022-01-13",
        "--format",
        "json",
    ]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.is_empty(), "{v:?}");
}

/// A term with a separator inside matches text with a separator there,
/// never text with a token in its place: in tantivy as in the static index.
#[test]
fn a_separator_in_a_term_is_no_wildcard() {
    let docs = three_letter_corpus(200, 0x3c6ef372fe94f82b);
    let engine = gongshi::search::engine::Engine::build(&docs).unwrap();
    let index = Index::from_docs(docs.clone());
    let mut queries: Vec<String> = Vec::new();
    for d in &docs {
        let cs: Vec<char> = normalized(&d.body).chars().collect();
        if let Some(i) = cs.iter().position(|&c| c == '|').filter(|&i| i >= 4) {
            let term: String = cs[i - 4..(i + 5).min(cs.len())].iter().collect();
            queries.push(term.replace('|', "，"));
            // the same with a token in the separator's place
            queries.push(term.replace('|', "阀"));
        }
    }
    assert!(
        queries.len() > 100,
        "terms with separators ({})",
        queries.len()
    );
    let mut matched = 0;
    for q in &queries {
        let want = normalized(q);
        let truth: Vec<String> = docs
            .iter()
            .filter(|d| holds(d, &want))
            .map(|d| d.id.clone())
            .collect();
        let query = Query {
            text: q.clone(),
            ..Query::default()
        };
        let mut a: Vec<String> = search(&index, &query)
            .iter()
            .map(|h| index.docs[h.doc as usize].id.clone())
            .collect();
        let mut b: Vec<String> = engine
            .search(&query)
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        let mut truth = truth;
        a.sort();
        b.sort();
        truth.sort();
        assert_eq!(a, truth, "query {q:?}: static index");
        assert_eq!(b, truth, "query {q:?}: tantivy");
        matched += truth.len();
    }
    assert!(matched > 100, "the terms occur ({matched})");
}

/// The manifest's name is known before the index is written (search.html
/// is rendered with it while the index is built), is the one written, and
/// is another as soon as anything the index holds is: a browser that kept
/// an old manifest never reads it with new shards.
#[test]
fn the_manifests_name_is_known_before_the_index_and_follows_its_content() {
    use gongshi::search::tiers::Plan;
    use std::sync::Arc;
    let docs = Arc::new(corpus(300, 7));
    let lists = Lists {
        heavy: 200,
        least_range: 64,
    };
    let name = |docs: &Arc<Vec<SearchDoc>>, split: usize| {
        Plan::new(docs.clone(), split, lists).manifest().to_string()
    };
    let planned = name(&docs, 250);
    let (_tmp, out) = written_docs(&docs, 250, lists);
    assert!(
        out.join(&planned).is_file(),
        "{planned} is the manifest written"
    );
    let manifests = std::fs::read_dir(out.join("search"))
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            n.to_string_lossy().starts_with("index.")
        })
        .count();
    assert_eq!(manifests, 1);
    assert_eq!(
        name(&docs, 250),
        planned,
        "the same documents, the same name"
    );
    // One character of one document's body, in either tier; a title; a
    // facet; a tier boundary.
    let mut variants = Vec::new();
    for i in [3, 270] {
        let mut d = (*docs).clone();
        d[i].body.push('阀');
        variants.push((format!("body of {i}"), Arc::new(d), 250));
    }
    let mut d = (*docs).clone();
    d[10].title.push('气');
    variants.push(("a title".to_string(), Arc::new(d), 250));
    let mut d = (*docs).clone();
    d[10].facets[1] = "城关镇".to_string();
    variants.push(("a facet".to_string(), Arc::new(d), 250));
    variants.push(("the split".to_string(), docs.clone(), 249));
    let mut seen = vec![planned];
    for (what, docs, split) in variants {
        let n = name(&docs, split);
        assert!(!seen.contains(&n), "{what} changes the name");
        seen.push(n);
    }
}
