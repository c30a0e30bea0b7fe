//! The preview's work for one saved record, without the file watcher, the
//! HTTP server and the browser: load (the changed file only), check,
//! publish, scan and try the templates ([`Snapshot::build`]).
//!
//!     cargo bench --bench preview -- [SITE] [SAVES]
//!
//! SITE defaults to the 20,000-record corpus of `bench/build.sh`. Each save
//! edits another hazard record. The machine's speed varies from minute to
//! minute, so the smallest and the median time are printed: compare two
//! versions by both, run one after the other.

use gongshi::content::LoadCache;
use gongshi::pipeline::BuildOptions;
use gongshi::serve::snapshot::Snapshot;
use std::path::PathBuf;
use std::time::Instant;

/// The allocator of the `gongshi` binary, which the times depend on.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One update of the preview: by name, so that a profiler can count it
/// alone (`valgrind --tool=callgrind --toggle-collect='*save*'`).
#[inline(never)]
fn save(
    opts: &BuildOptions,
    cache: &mut LoadCache,
    current: &Snapshot,
) -> Result<Snapshot, gongshi::serve::snapshot::Refused> {
    Snapshot::build(opts, cache, Some(current))
}

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes --bench; `cargo test --all-targets` only builds
    // and starts this, and there is nothing to test.
    if !all.iter().any(|a| a == "--bench") {
        return;
    }
    let args: Vec<String> = all.into_iter().filter(|a| a != "--bench").collect();
    let site = PathBuf::from(
        args.first()
            .map_or("bench/out/corpus-20000", String::as_str),
    );
    let saves: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(30);
    if !site.join("content").is_dir() {
        eprintln!(
            "no site at {}: run `python3 bench/gen_corpus.py 20000 bench/out/corpus-20000` first",
            site.display()
        );
        std::process::exit(2);
    }
    let opts = BuildOptions {
        site: site.clone(),
        out: None,
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date"),
        drafts: false,
        verbose: false,
        engine: false,
        static_search: false,
        search_apart_above: gongshi::pipeline::SEARCH_APART_ABOVE,
    };
    let mut cache = LoadCache::default();
    let start = Instant::now();
    let mut current = match Snapshot::build(&opts, &mut cache, None) {
        Ok(s) => s,
        Err((diags, why)) => {
            eprintln!("{why}: {} diagnostics", diags.len());
            std::process::exit(1);
        }
    };
    println!(
        "first snapshot: {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let hazards = site.join("content").join("hazards");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&hazards)
        .expect("content/hazards")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let pick = |i: usize| &files[(i * 7) % files.len()];
    let mut times = Vec::new();
    for i in 0..saves {
        let path = pick(i);
        let text = std::fs::read_to_string(path).expect("a record");
        let edited = text.replacen("整改措施: ", &format!("整改措施: （第{i}次修改）"), 1);
        std::fs::write(path, &edited).expect("write");
        cache.changed_only(vec![path.clone()]);
        let t = Instant::now();
        let next = save(&opts, &mut cache, &current);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        std::fs::write(path, &text).expect("write back");
        match next {
            Ok(s) => current = s,
            Err((_, why)) => {
                eprintln!("{why}");
                std::process::exit(1);
            }
        }
    }
    // Leave the cache and the site as they were.
    cache.changed_only((0..saves).map(|i| pick(i).clone()).collect());
    let _ = Snapshot::build(&opts, &mut cache, Some(&current));
    times.sort_by(f64::total_cmp);
    println!(
        "one save, {saves} times: smallest {:.1} ms, median {:.1} ms, largest {:.1} ms",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
