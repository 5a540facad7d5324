//! The application layer over a real SQLite store: ingest, re-ingest, bad inputs, cached story
//! reports and lookups by prefix. The articles are invented.

use storyline_ingest::{IngestError, Input};
use storyline_pipeline::{find_article, find_story, ingest, story_report, LookupError, Store};
use storyline_store::conformance::dump;
use storyline_store::StoryQuery;
use storyline_store_sqlite::SqliteStore;

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    (dir, store)
}

fn input(name: &str, outlet: &str, day: u8, body: &str) -> Result<Input, IngestError> {
    let text = format!(
        "{{\"title\": \"Dock workers at Port Varnholm walk out\", \"source\": \"{outlet}\", \
          \"published\": \"2026-04-{day:02}\", \"text\": \"{body}\"}}"
    );
    Ok(Input { name: name.into(), bytes: text.into_bytes() })
}

const STRIKE: &str = "Dock workers at Port Varnholm walked out on Tuesday over pay, halting \
    cargo traffic. The union said 1,200 members joined the strike. Harbour master Ilse Brandt \
    said ships were being diverted to Kestrel Bay.";
const STRIKE_AGAIN: &str = "About 1,200 dock workers at Port Varnholm went on strike on Tuesday \
    in a dispute over pay, the union said. Ships were diverted to Kestrel Bay, harbour master \
    Ilse Brandt said, as cargo traffic stopped.";

#[test]
fn reingest_stores_nothing_twice_and_a_bad_input_costs_only_itself() {
    let (_dir, store) = store();
    let inputs = vec![
        input("a.json", "Varnholm Ledger", 7, STRIKE),
        Ok(Input { name: "broken.json".into(), bytes: b"{\"title\": ".to_vec() }),
        input("b.json", "Kestrel Courier", 7, STRIKE_AGAIN),
    ];
    let report = ingest(&store, inputs.clone(), &()).unwrap();
    assert_eq!(report.ingested, 2);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].input, "broken.json");
    let again = ingest(&store, inputs, &()).unwrap();
    assert_eq!((again.ingested, again.already_stored), (0, 2));
    assert_eq!(store.count().unwrap(), 2);
    assert_eq!(store.last_seq().unwrap(), 2);
}

#[test]
fn story_reports_are_cached_until_the_story_changes() {
    let (_dir, store) = store();
    ingest(&store, vec![input("a.json", "Varnholm Ledger", 7, STRIKE)], &()).unwrap();
    let story = store.stories(&StoryQuery::default()).unwrap().stories[0].id.clone();
    let first = story_report(&store, &story).unwrap();
    assert_eq!(first.articles.len(), 1);
    let cached = store.cached_report(&story).unwrap().unwrap();
    assert_eq!(cached.report.as_ref(), Some(&first), "the report is kept for the next reader");

    ingest(&store, vec![input("b.json", "Kestrel Courier", 7, STRIKE_AGAIN)], &()).unwrap();
    let grown = store.stories(&StoryQuery::default()).unwrap();
    assert_eq!(grown.total, 1, "the second outlet's report joins the story");
    let second = story_report(&store, &story).unwrap();
    assert_eq!(second.articles.len(), 2, "a changed story's report is recomputed");
}

#[test]
fn lookups_by_prefix_name_what_went_wrong() {
    let (_dir, store) = store();
    let report = ingest(&store, vec![input("a.json", "Varnholm Ledger", 7, STRIKE)], &()).unwrap();
    let id = &report.articles[0];
    assert_eq!(find_article(&store, &id[..6]).unwrap().article.id, *id);
    assert_eq!(find_story(&store, &report.stories[0][..6]).unwrap().id, report.stories[0]);
    let missing = find_story(&store, "zzzz").unwrap_err();
    assert!(matches!(missing, LookupError::NotFound { kind: "story", .. }), "{missing}");
    assert!(matches!(story_report(&store, &"zzzz".into()), Err(LookupError::NotFound { .. })));
}

#[test]
fn the_result_is_the_same_whatever_the_number_of_threads() {
    let towns = ["Varnholm", "Kestrel Bay", "Ostrava Mill", "Lindqvist", "Harrowgate"];
    let mut inputs = Vec::new();
    for (i, town) in towns.iter().enumerate() {
        for (j, outlet) in ["Varnholm Ledger", "Kestrel Courier", "Quay Post"].iter().enumerate() {
            let body = format!(
                "Flood water reached the centre of {town} on Monday after {n} hours of rain, \
                 the mayor of {town} said. About {m} residents left their homes. The river \
                 crested at {h} metres, officials said, as {outlet} reported.",
                n = 10 + i,
                m = 300 * (i + 1),
                h = 4 + j
            );
            inputs.push(input(&format!("{i}-{j}.json"), outlet, 3 + i as u8, &body));
        }
    }
    inputs.insert(4, Ok(Input { name: "broken.json".into(), bytes: b"{\"text\": ".to_vec() }));
    inputs.push(inputs[0].clone());

    let (_one_dir, one) = store();
    let (_many_dir, many) = store();
    let a = storyline_pipeline::ingest_with_threads(&one, inputs.clone(), &(), 1).unwrap();
    let b = storyline_pipeline::ingest_with_threads(&many, inputs, &(), 3).unwrap();
    assert_eq!((a.ingested, a.failed.len(), a.already_stored), (15, 1, 1));
    assert_eq!(
        (a.ingested, a.duplicates, a.already_stored, &a.articles, &a.stories),
        (b.ingested, b.duplicates, b.already_stored, &b.articles, &b.stories)
    );
    assert_eq!(dump(&one), dump(&many));
    let listing = |s: &SqliteStore| s.stories(&StoryQuery::default()).unwrap();
    assert_eq!(listing(&one), listing(&many));
}
