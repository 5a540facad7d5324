//! Throughput and memory of the grouping stage on Reuters-21578 (dated, fed by date) followed by
//! the Multi-News validation articles (undated: they count as published on the newest day seen).
//!
//! ```text
//! cargo run --release -p storyline-eval --example bench_grouping -- \
//!     ../shared/data/bench/reuters21578 ../shared/data/summaries/multinews_val.jsonl [LIMIT]
//! ```
//!
//! Prints articles/s end to end (raw article → analysis → features → grouping) and for grouping
//! alone (the same features fed to a fresh grouper), the working-set size at the end, and the
//! peak resident memory (VmHWM) of the process.
//!
//! `STORYLINE_FEATURES_CACHE=FILE` keeps the grouping features (JSON Lines) after a first run;
//! later runs read them and time grouping alone — what to profile it with:
//!
//! ```text
//! STORYLINE_FEATURES_CACHE=/tmp/features.jsonl valgrind --tool=callgrind \
//!     target/release/examples/bench_grouping REUTERS_DIR MULTINEWS_JSONL
//! ```

use std::path::Path;
use std::time::Instant;

use storyline_eval::clustering::{self, copies};
use storyline_group::{Features, Grouper};
use storyline_model::Article;

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".into())
}

/// CPU seconds (user + system) this process has used, from `/proc/self/stat` (100 ticks/s): the
/// machine is shared, so wall-clock rates alone understate the stage's speed.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1.split_whitespace().collect::<Vec<_>>();
            let ticks: f64 =
                rest.get(11)?.parse::<f64>().ok()? + rest.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: bench_grouping REUTERS_DIR MULTINEWS_JSONL [LIMIT]");
        std::process::exit(2);
    }
    let limit: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(usize::MAX);
    let cache = std::env::var_os("STORYLINE_FEATURES_CACHE").map(std::path::PathBuf::from);
    let features = match cache.as_deref().filter(|c| c.exists()) {
        Some(cached) => read_features(cached, limit),
        None => analysed_features(&args, limit, cache.as_deref()),
    };
    group_alone(features);
    println!("peak memory (VmHWM): {}", vm_hwm());
}

/// The cached features, one JSON `[id, features]` per line.
fn read_features(path: &Path, limit: usize) -> Vec<(storyline_model::ArticleId, Features)> {
    let text = std::fs::read_to_string(path).expect("the features cache");
    let rows = text.lines().take(limit).map(|l| serde_json::from_str(l).expect("a cached row"));
    let features: Vec<(storyline_model::ArticleId, Features)> = rows.collect();
    eprintln!("{} articles from {}", features.len(), path.display());
    features
}

/// Reads and analyses the articles, grouping them as it goes (the end-to-end rate), and returns
/// their features (saved to `cache` when given).
fn analysed_features(
    args: &[String],
    limit: usize,
    cache: Option<&Path>,
) -> Vec<(storyline_model::ArticleId, Features)> {
    let mut wires = copies::read_reuters(Path::new(&args[0])).expect("Reuters-21578");
    wires.sort_by_key(|w| w.date);
    let mut articles: Vec<Article> = wires
        .iter()
        .map(|w| {
            let mut a = storyline_ingest::raw_article(&format!("reuters-{}", w.id), &w.body);
            a.id = format!("reuters-{}", w.id).into();
            a.title = Some(w.title.clone());
            a.title_origin = storyline_model::TitleOrigin::Given;
            a.published = w.date;
            a
        })
        .collect();
    for d in clustering::read_multinews(Path::new(&args[1])).expect("Multi-News") {
        let mut a = storyline_ingest::body_article(&d.name, &d.text);
        a.id = format!("mn-{}", d.name).into();
        articles.push(a);
    }
    articles.truncate(limit);
    let n = articles.len();
    eprintln!("{n} articles; analysing and grouping…");

    let (t0, c0) = (Instant::now(), cpu_seconds());
    let mut grouper = Grouper::new();
    let mut features: Vec<(storyline_model::ArticleId, Features)> = Vec::with_capacity(n);
    for a in &mut articles {
        a.analysis = storyline_analyze::analyze(&a.text, a.published);
        let f = storyline_group::features(a);
        grouper.add(&a.id, f.clone());
        features.push((a.id.clone(), f));
        a.analysis = Default::default();
    }
    let end_to_end = t0.elapsed().as_secs_f64();
    let end_to_end_cpu = cpu_seconds() - c0;
    drop(articles);
    println!("articles: {n}");
    println!(
        "end to end (analysis + features + grouping): {:.0} articles/s wall ({end_to_end:.1} s), {:.0} per CPU second",
        rate(n, end_to_end),
        rate(n, end_to_end_cpu)
    );
    if let Some(cache) = cache {
        let rows: Vec<String> = features
            .iter()
            .map(|row| serde_json::to_string(row).expect("features serialise"))
            .collect();
        std::fs::write(cache, rows.join("\n") + "\n").expect("write the features cache");
    }
    features
}

fn rate(n: usize, secs: f64) -> f64 {
    if secs > 0.0 {
        n as f64 / secs
    } else {
        f64::INFINITY
    }
}

/// Feeds the features to a fresh grouper and prints the rate and what it found.
fn group_alone(features: Vec<(storyline_model::ArticleId, Features)>) {
    let n = features.len();
    let (t1, c1) = (Instant::now(), cpu_seconds());
    let mut alone = Grouper::new();
    let mut copies = 0;
    let mut stories = std::collections::HashSet::new();
    // A digest of every decision, so a change meant to be faster only can be checked to give
    // the same groupings.
    let mut digest = std::hash::DefaultHasher::new();
    for (id, f) in features {
        let g = alone.add(&id, f);
        copies += g.duplicate_of.is_some() as usize;
        std::hash::Hash::hash(&(&id, &g.story, &g.storyline, &g.duplicate_of), &mut digest);
        std::hash::Hash::hash(&g.duplicate_similarity.map(f32::to_bits), &mut digest);
        stories.insert(g.story.unwrap_or_default());
    }
    let grouping = t1.elapsed().as_secs_f64();
    let grouping_cpu = cpu_seconds() - c1;
    println!(
        "grouping alone: {:.0} articles/s wall ({grouping:.2} s), {:.0} per CPU second",
        rate(n, grouping),
        rate(n, grouping_cpu)
    );
    println!("stories: {}, copies linked: {copies}", stories.len());
    println!("groupings digest: {:016x}", std::hash::Hasher::finish(&digest));
    println!(
        "working set at the end: {} articles, {} stories",
        alone.stories().active_members(),
        alone.stories().active_stories()
    );
}
