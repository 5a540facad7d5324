//! Writers of one store, as real processes: two `storyline ingest` runs at once into one SQLite
//! file wait for each other and store exactly what running them one after the other stores; an
//! ingest killed with SIGKILL in the middle of a big JSON Lines file keeps the batches it
//! committed, and a re-run stores every article once.
//!
//! The articles are invented here: events in places, people and outlets that do not exist.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{run, stderr};
use storyline_store::Store;
use storyline_store_sqlite::SqliteStore;

const PLACES: &[&str] = &[
    "Varnholt",
    "Ostermere",
    "Quillby",
    "Draskov",
    "Penhallow",
    "Tirrel Bay",
    "Makuri",
    "Elsgard",
    "Brennock",
    "Sulavi",
    "Corranmouth",
    "Yelvik",
];
const PEOPLE: &[&str] = &[
    "Mirela Ostrand",
    "Tobias Harkwell",
    "Ines Valcourt",
    "Anders Mikkelby",
    "Lucia Ferramonte",
    "Oskar Brandvik",
    "Priya Anselm",
    "Jonah Treadwell",
    "Selma Kovacic",
    "Ruben Aldana",
    "Hedda Lindqvist",
    "Caspar Molyneux",
];
const HAPPENINGS: &[(&str, &str, &str)] = &[
    ("flood", "floodwaters", "residents were evacuated"),
    ("strike", "striking workers", "the depot stayed closed"),
    ("bridge collapse", "the collapsed span", "traffic was diverted"),
    ("chemical spill", "the leaking tanker", "schools were shut"),
    ("wildfire", "the fire front", "homes were lost"),
    ("power cut", "the failed substation", "hospitals ran on generators"),
];
const OUTLETS: &[&str] = &[
    "The Harbour Ledger",
    "Northgate Times",
    "Copper Valley Post",
    "The Evening Lamp",
    "Riverside Bulletin",
    "The Quayside Mercury",
];

/// One invented article: event `event` as told by outlet `outlet` (`part` makes the two halves of
/// a collection differ in wording).
fn article(event: usize, outlet: usize, part: usize) -> serde_json::Value {
    let place = PLACES[event % PLACES.len()];
    let person = PEOPLE[event % PEOPLE.len()];
    let (what, agent, consequence) = HAPPENINGS[event % HAPPENINGS.len()];
    let source = OUTLETS[outlet % OUTLETS.len()];
    let day = 1 + event % 20;
    let count = 10 + event * 3 + outlet;
    let hour = 5 + (outlet + part) % 6;
    let text = format!(
        "A {what} struck {place} early on Tuesday, and {consequence} as {agent} spread through \
         the town, officials said. Mayor {person} said at least {count} people needed help by \
         {hour} a.m. and that the council had opened two shelters in {place}. \"We have never \
         seen anything like this in {place},\" {person} told reporters outside the town hall. \
         Emergency crews from neighbouring districts arrived in {place} before noon. The \
         regional authority said an inquiry into the {what} would begin next week. Report \
         {part}-{outlet} by {source}."
    );
    serde_json::json!({
        "title": format!("{place} {what}: {count} people need help, mayor says"),
        "text": text,
        "source": source,
        "published": format!("2026-04-{day:02}"),
        "url": format!("https://example.invalid/{event}/{outlet}/{part}"),
    })
}

/// A JSON Lines file of `events` events told by `outlets` outlets each.
fn write_jsonl(path: &Path, events: std::ops::Range<usize>, outlets: usize, part: usize) {
    let mut lines = String::new();
    for event in events {
        for outlet in 0..outlets {
            lines.push_str(&article(event, outlet, part).to_string());
            lines.push('\n');
        }
    }
    std::fs::write(path, lines).unwrap();
}

/// Every stored article as `seq id story duplicate_of storyline`, in seq order.
fn dump(db: &Path) -> Vec<(u64, String, String)> {
    let store = SqliteStore::open(db).unwrap();
    let mut rows = Vec::new();
    store
        .for_each_grouping_record(&mut |r| {
            let g = &r.grouping;
            let grouping = format!("{:?} {:?} {:?}", g.story, g.duplicate_of, g.storyline);
            rows.push((r.seq, r.id.into_string(), grouping));
            Ok(())
        })
        .unwrap();
    rows
}

/// The stories as sets of article ids (the partition, whatever the stories are called).
fn partition(rows: &[(u64, String, String)]) -> Vec<Vec<String>> {
    let mut stories: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (_, id, grouping) in rows {
        let story = grouping.split(' ').next().unwrap();
        stories.entry(story).or_default().push(id.clone());
    }
    let mut out: Vec<Vec<String>> = stories
        .into_values()
        .map(|mut ids| {
            ids.sort();
            ids
        })
        .collect();
    out.sort();
    out
}

fn ingest_command(db: &Path, input: &Path, threads: usize) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storyline"));
    cmd.arg("--db").arg(db).arg("ingest").arg(input).arg("--threads").arg(threads.to_string());
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// Two ingests started together into one store: one waits for the other's writer lock, so the
/// store ends up exactly as after running them one after the other (in the order they got the
/// lock): the same articles with the same seqs, stories, copy links and storylines. Without the
/// lock each groups against the empty store it read at start, and the second's articles found
/// stories of their own instead of joining the first's.
#[test]
fn concurrent_ingests_store_what_a_sequential_run_stores() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    // The same twelve events, told by six outlets in each file (in other words): every story
    // has articles from both files.
    write_jsonl(&a, 0..12, 6, 1);
    write_jsonl(&b, 0..12, 6, 2);
    let db = dir.path().join("together.db");
    // Created first, so the two runs race on the lock, not on creating the file.
    assert!(run(&db, &["stories"]).status.success());
    let first = ingest_command(&db, &a, 1).spawn().unwrap();
    let second = ingest_command(&db, &b, 1).spawn().unwrap();
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let together = dump(&db);
    assert_eq!(together.len(), 144, "every article stored once");

    // Which run got the lock first: the one whose articles have the lowest seqs.
    let ids_of = |path: &Path, name: &str| {
        let db = dir.path().join(name);
        let out = run(&db, &["ingest", path.to_str().unwrap(), "--threads", "1"]);
        assert!(out.status.success(), "{}", stderr(&out));
        dump(&db).into_iter().map(|(_, id, _)| id).collect::<Vec<_>>()
    };
    let a_ids = ids_of(&a, "a-only.db");
    let a_first = together.first().map(|(_, id, _)| a_ids.contains(id)).unwrap();
    let (one, two) = if a_first { (&a, &b) } else { (&b, &a) };
    let db2 = dir.path().join("sequential.db");
    for input in [one, two] {
        let out = run(&db2, &["ingest", input.to_str().unwrap(), "--threads", "1"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let sequential = dump(&db2);
    assert_eq!(partition(&together), partition(&sequential), "the same stories");
    assert_eq!(together, sequential, "the same seqs, stories, copy links and storylines");
    // The stories span both files (so a run grouping against a stale view would differ).
    let second_ids = ids_of(two, "second-only.db");
    let joined = partition(&sequential)
        .iter()
        .filter(|s| {
            s.iter().any(|id| second_ids.contains(id))
                && s.iter().any(|id| !second_ids.contains(id))
        })
        .count();
    assert!(joined > 0, "some story has articles of both runs: {:?}", partition(&sequential));
}

/// An ingest and a regroup that find the writer lock held say so on stderr, naming the process
/// that holds it and the lock file, wait, and go on once it is released.
#[test]
fn a_waiting_writer_says_whom_it_waits_for() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jsonl");
    write_jsonl(&input, 0..2, 2, 1);
    let db = dir.path().join("held.db");
    assert!(run(&db, &["stories"]).status.success());
    let lock_path = dir.path().join("held.db.lock");
    let store = SqliteStore::open(&db).unwrap();
    for args in [vec!["ingest", input.to_str().unwrap()], vec!["regroup"]] {
        let held = store.lock_writer().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_storyline"));
        child.arg("--db").arg(&db).args(&args).stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = child.spawn().unwrap();
        // Still waiting after a moment: the lock is held.
        std::thread::sleep(Duration::from_millis(500));
        assert!(child.try_wait().unwrap().is_none(), "{args:?} did not wait");
        drop(held);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        let expected = format!(
            "waiting for another writer (pid {}, {})…",
            std::process::id(),
            lock_path.display()
        );
        assert!(err.contains(&expected), "{args:?}: {err}");
    }
    // Nobody holds it: nothing said.
    let out = run(&db, &["regroup"]);
    assert!(!stderr(&out).contains("waiting"), "{}", stderr(&out));
}

/// A JSON Lines file of 1,000 invented articles, ingested by a process killed with SIGKILL once
/// the store holds some of them: what is stored is whole batches of 256 (each committed as the
/// file was read, in one transaction), every story row matches its articles, and a re-run stores
/// the rest, each article once.
#[test]
fn a_killed_ingest_keeps_whole_batches_and_a_rerun_stores_each_article_once() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jsonl");
    let mut lines = String::new();
    for i in 0..1000 {
        lines.push_str(&article(i / 6, i % 6, 3).to_string());
        lines.push('\n');
    }
    std::fs::write(&big, lines).unwrap();
    let db = dir.path().join("killed.db");
    assert!(run(&db, &["stories"]).status.success());
    let store = SqliteStore::open(&db).unwrap();

    let mut child = ingest_command(&db, &big, 2).spawn().unwrap();
    let start = Instant::now();
    let stored = loop {
        let n = store.count().unwrap();
        if n > 0 {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            break store.count().unwrap();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the ingest ended ({status}) before a batch was seen; make the file bigger");
        }
        assert!(start.elapsed() < Duration::from_secs(600), "no batch committed in 10 minutes");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(stored > 0 && stored < 1000, "killed mid-file: {stored} stored");
    assert_eq!(stored % 256, 0, "only whole batches are stored: {stored}");
    assert_consistent(&store);

    let out = run(&db, &["ingest", big.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ingested"], 1000 - stored as u64, "{report}");
    assert_eq!(report["already_stored"], stored as u64, "{report}");
    assert_eq!(store.count().unwrap(), 1000);
    let rows = dump(&db);
    let mut ids: Vec<&str> = rows.iter().map(|(_, id, _)| id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "each article once");
    let seqs: Vec<u64> = rows.iter().map(|(seq, _, _)| *seq).collect();
    assert_eq!(seqs, (1..=1000).collect::<Vec<_>>(), "seqs follow on without a gap");
    assert_consistent(&store);
}

/// Every story row counts exactly the articles stored in it, and every article's story has a row.
fn assert_consistent(store: &SqliteStore) {
    let page = store.stories(&storyline_store::StoryQuery::default()).unwrap();
    let mut members = 0;
    for story in &page.stories {
        let articles = store.story_articles(&story.id).unwrap();
        assert_eq!(story.articles, articles.len(), "story {} row and members", story.id);
        members += articles.len();
    }
    assert_eq!(members, store.count().unwrap(), "every article is in a listed story");
}
