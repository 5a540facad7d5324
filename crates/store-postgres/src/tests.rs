//! The PostgreSQL store against a real server: the conformance suite every backend passes, then
//! what is specific to a shared database. Each test works in a scratch schema dropped afterwards.
//!
//! The server is `STORYLINE_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).
//! Where none answers, the tests say so and pass without checking anything — unless
//! `STORYLINE_REQUIRE_SERVICES` is set (as `.ci/run` does), when that is a failure.

use std::sync::atomic::{AtomicUsize, Ordering};

use storyline_store::conformance::{new_article, one_story, summary};
use storyline_store::{Batch, ErrorKind, Store};

use crate::PostgresStore;

fn url() -> String {
    std::env::var("STORYLINE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A scratch schema, dropped with everything in it when the test ends.
struct Schema(String);

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&url(), postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.0));
        }
    }
}

fn scratch_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "storyline_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh store in a scratch schema, or `None` (with the reason printed) when no server answers.
fn scratch() -> Option<(Schema, PostgresStore)> {
    let schema = Schema(scratch_name());
    match PostgresStore::open(&url(), Some(&schema.0)) {
        Ok(store) => Some((schema, store)),
        Err(e) if std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none() => {
            eprintln!("skipping: no PostgreSQL at {} ({e}); set STORYLINE_TEST_POSTGRES", url());
            None
        }
        Err(e) => panic!("PostgreSQL is required (STORYLINE_REQUIRE_SERVICES) but: {e}"),
    }
}

storyline_store::conformance_tests!(scratch);

#[test]
fn reopening_keeps_everything_and_a_newer_schema_is_refused() {
    let Some((schema, store)) = scratch() else { return };
    store.save_batch(&one_story(1, "a1")).unwrap();
    drop(store);
    let again = PostgresStore::open(&url(), Some(&schema.0)).unwrap();
    assert_eq!(again.last_seq().unwrap(), 1);
    again.conn().unwrap().batch_execute("UPDATE storyline_schema SET version = 99").unwrap();
    drop(again);
    let e = PostgresStore::open(&url(), Some(&schema.0)).err().expect("refused");
    assert_eq!(e.kind, ErrorKind::TooNew);
    assert!(e.to_string().contains("newer"), "{e}");
}

#[test]
fn failed_batch_leaves_store_untouched() {
    let Some((_schema, store)) = scratch() else { return };
    store.save_batch(&one_story(1, "a1")).unwrap();
    store.conn().unwrap().batch_execute("DROP TABLE stories").unwrap();
    let r = store.save_batch(&one_story(2, "b1"));
    assert!(r.is_err());
    assert_eq!(store.count().unwrap(), 1, "the article half of the failed batch was rolled back");
}

#[test]
fn a_clashing_sequence_number_is_an_error_not_a_lost_article() {
    let Some((_schema, store)) = scratch() else { return };
    let first = new_article(1, "a1", "a1", 4, "Quay Courier");
    store.save_batch(&Batch { articles: vec![first], stories: vec![], cursor: None }).unwrap();
    let clash = new_article(1, "b1", "b1", 4, "Quay Courier");
    let err = store
        .save_batch(&Batch { articles: vec![clash], stories: vec![], cursor: None })
        .unwrap_err();
    // A write the database refused: a committer must stop, not try it again as an outage.
    assert!(matches!(err.kind, ErrorKind::Invalid), "{err:?}");
    assert_eq!(store.count().unwrap(), 1);
}

#[test]
fn one_store_serves_several_threads() {
    let Some((_schema, store)) = scratch() else { return };
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let store = &store;
            s.spawn(move || {
                for i in 0..5u64 {
                    let seq = t * 5 + i + 1;
                    let id = format!("t{t}a{i}");
                    let batch = Batch {
                        articles: vec![new_article(seq, &id, &id, 4, "Quay Courier")],
                        stories: vec![summary(&id, Some(4), 1, 1)],
                        cursor: None,
                    };
                    store.save_batch(&batch).unwrap();
                    assert!(store.contains(&id).unwrap());
                }
            });
        }
    });
    assert_eq!(store.count().unwrap(), 20);
    assert_eq!(store.last_seq().unwrap(), 20);
}

#[test]
fn the_password_never_reaches_a_message() {
    assert_eq!(
        crate::redact("postgres://ann:secret@db.example:5432/news"),
        "postgres://ann@db.example:5432/news"
    );
    assert_eq!(crate::redact("postgres://db.example/news"), "postgres://db.example/news");
}

#[test]
fn a_version_4_store_gains_its_entity_index_and_storylines() {
    use storyline_model::{Entity, EntityType};
    use storyline_store::EntityQuery;
    let Some((schema, store)) = scratch() else { return };
    let mut named = storyline_store::conformance::article("a1", 4, "Quay Courier");
    named.analysis.entities = vec![Entity {
        start: 4,
        end: 9,
        text: "ferry".into(),
        kind: EntityType::Misc,
        canonical: "Quay Ferry".into(),
    }];
    {
        // Back to version 4: no entity index, no storyline column, no publication-day index;
        // then rows as v4 wrote them.
        let mut conn = store.conn().unwrap();
        conn.batch_execute(
            "DROP INDEX articles_published; DROP TABLE entities; DROP TABLE article_entities;
             ALTER TABLE stories DROP COLUMN storyline;
             UPDATE storyline_schema SET version = 4;",
        )
        .unwrap();
        let named = serde_json::to_string(&named).unwrap();
        for (seq, id, story, storyline, doc) in [
            (1i64, "a1", "a", Some("a"), named.as_str()),
            (2, "b1", "b", Some("a"), "{not json"),
            (3, "c1", "c", None, "{}"),
        ] {
            conn.execute(
                "INSERT INTO articles (seq, id, document, features, story, storyline)
                 VALUES ($1, $2, $3, '{}', $4, $5)",
                &[&seq, &id, &doc, &story, &storyline],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO stories (id, headline, date, articles, sources)
                 VALUES ($1, 'Ferry', '2026-03-04', 1, 1)",
                &[&story],
            )
            .unwrap();
        }
    }
    drop(store);
    let s = PostgresStore::open(&url(), Some(&schema.0)).unwrap();
    let quay = storyline_store::entity_id(EntityType::Misc, "quay ferry");
    let found = s.entity(&quay).unwrap().expect("indexed from the stored document");
    assert_eq!((found.name.as_str(), found.articles, found.stories), ("Quay Ferry", 1, 1));
    assert_eq!(s.entities(&EntityQuery::default()).unwrap().total, 1);
    let mut lines = s.storylines_of(&["a".into(), "b".into(), "c".into()]).unwrap();
    lines.sort_by(|x, y| x.story.cmp(&y.story));
    let got: Vec<(&str, usize)> = lines.iter().map(|l| (l.storyline.as_str(), l.stories)).collect();
    assert_eq!(got, [("a", 2), ("a", 2), ("c", 1)]);
}

#[test]
fn processes_opening_a_new_schema_at_once_all_succeed() {
    // `storyline committer` and `storyline status` started together on a new schema.
    let Some((schema, _)) = scratch() else { return };
    let fresh = Schema(format!("{}_b", schema.0));
    let opened: Vec<_> = (0..4)
        .map(|_| {
            let name = fresh.0.clone();
            std::thread::spawn(move || PostgresStore::open(&url(), Some(&name)).map(|_| ()))
        })
        .collect();
    for open in opened {
        open.join().unwrap().unwrap();
    }
}
