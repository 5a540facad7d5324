//! Builds a large SQLite store for timing `storyline regroup` (`bench/regroup.sh`): the grouping
//! features cached by `bench_grouping` (Reuters-21578, dated, then Multi-News, undated) replayed
//! until `COUNT` articles, each replay a year later with its own ids, copy fingerprints and
//! minhash values (so replays neither copy nor join one another), grouped as an ingest groups
//! them (batches of [`BATCH`] by date) and committed with their story summaries.
//!
//! ```text
//! cargo run --release -p storyline-pipeline --example bench_store -- DB FEATURES_JSONL COUNT
//! ```
//!
//! The stored articles are stubs (a title and a short text of their own terms): regroup reads
//! grouping features, and the articles of the stories it changes for their summaries.

use std::collections::BTreeMap;
use std::time::Instant;

use storyline_group::text::date_of_day;
use storyline_group::{batch_order, Features, Grouper};
use storyline_model::{Article, ArticleId, Grouping, StoryId, TitleOrigin};
use storyline_pipeline::{summarise, BATCH};
use storyline_store::{Batch, NewArticle, Store};
use storyline_store_sqlite::SqliteStore;

/// Days between two replays: more than Reuters-21578's span plus the story window.
const REPLAY_DAYS: i32 = 365;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, cache, count] = args.as_slice() else {
        eprintln!("usage: bench_store DB FEATURES_JSONL COUNT");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let rows: Vec<(String, Features)> = std::fs::read_to_string(cache)
        .expect("the features cache")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a cached row"))
        .collect();
    let store = SqliteStore::open(db).expect("a new store");
    assert_eq!(store.count().expect("count"), 0, "{db} must be a new store");

    let t0 = Instant::now();
    let mut grouper = Grouper::new();
    let mut writer = Writer { store: &store, seq: 0, members: BTreeMap::new(), now: i32::MIN };
    let mut batch: Vec<(ArticleId, Features)> = Vec::with_capacity(BATCH);
    let mut stored = 0;
    'replays: for replay in 0.. {
        // Each replay in date order (the cache is Reuters by date, then undated Multi-News,
        // which only the first replay keeps).
        for (id, f) in &rows {
            if stored == count {
                break 'replays;
            }
            if replay > 0 && f.published.is_none() {
                continue;
            }
            batch.push((format!("{id}.{replay}").into(), replayed(f, replay)));
            stored += 1;
            if batch.len() == BATCH {
                writer.commit(&mut grouper, &mut batch);
            }
        }
    }
    writer.commit(&mut grouper, &mut batch);
    let secs = t0.elapsed().as_secs_f64();
    println!("stored {stored} articles in {secs:.1} s ({:.0} articles/s)", stored as f64 / secs);
}

/// The features of replay `n`: a year later per replay, other copy fingerprints.
fn replayed(f: &Features, n: i32) -> Features {
    if n == 0 {
        return f.clone();
    }
    let shift = n * REPLAY_DAYS;
    let salt = (n as u32).wrapping_mul(0x9e37_79b9);
    Features {
        exact: if f.exact.is_empty() { String::new() } else { format!("{}.{n}", f.exact) },
        // One bijection of the values per replay: near copies within a replay stay near copies.
        minhash: f.minhash.iter().map(|v| (v ^ salt).wrapping_mul(0x85eb_ca6b)).collect(),
        published: f.published.map(|d| d + shift),
        days: f.days.iter().map(|d| d + shift).collect(),
        years: f.years.iter().map(|y| y + n).collect(),
        ..f.clone()
    }
}

/// Commits batches as the `Ingestor` does, with the summaries of the stories each touched.
struct Writer<'s> {
    store: &'s SqliteStore,
    seq: u64,
    /// The stored members of recent stories (dropped when their last day is past the window).
    members: BTreeMap<StoryId, (i32, Vec<(Article, Grouping)>)>,
    now: i32,
}

impl Writer<'_> {
    fn commit(&mut self, grouper: &mut Grouper, batch: &mut Vec<(ArticleId, Features)>) {
        if batch.is_empty() {
            return;
        }
        let groupings = grouper.add_batch(batch);
        let mut articles = Vec::with_capacity(batch.len());
        let mut touched = std::collections::BTreeSet::new();
        for i in batch_order(batch) {
            let (id, f) = &batch[i];
            let g = &groupings[i];
            let article = stub(id, f);
            self.seq += 1;
            let story = g.story.clone().unwrap_or_else(|| StoryId::started_by(id));
            let day = f.published.unwrap_or(self.now);
            self.now = self.now.max(day);
            let entry = self.members.entry(story.clone()).or_insert((day, Vec::new()));
            entry.0 = entry.0.max(day);
            entry.1.push((article.clone(), g.clone()));
            touched.insert(story);
            articles.push(NewArticle {
                seq: self.seq,
                article,
                features: serde_json::to_string(f).expect("features serialise"),
                grouping: g.clone(),
            });
        }
        let stories = touched.iter().map(|s| summarise(s, &self.members[s].1)).collect();
        self.store
            .save_batch(&Batch { articles, stories, ..Batch::default() })
            .expect("the batch is stored");
        let horizon = self.now - 2 * storyline_group::stories::STORYLINE_DAYS;
        self.members.retain(|_, (last, _)| *last >= horizon);
        batch.clear();
    }
}

/// A stored article standing for one with these features: its title and text are its terms.
fn stub(id: &str, f: &Features) -> Article {
    let words: Vec<&str> = f.terms.iter().map(|(t, _)| t.as_str()).collect();
    Article {
        id: id.into(),
        title: Some(words.iter().take(8).copied().collect::<Vec<_>>().join(" ")),
        title_origin: TitleOrigin::Given,
        published: f.published.map(date_of_day),
        source: Some(if id.starts_with("mn-") { "multinews" } else { "reuters" }.to_string()),
        text: words.join(" ") + ".",
        input_id: None,
        url: None,
        published_origin: None,
        author: None,
        language: Some("en".into()),
        removed: Vec::new(),
        analysis: Default::default(),
    }
}
