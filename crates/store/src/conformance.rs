//! The conformance suite: what every [`Store`] backend must do, as functions over a fresh, empty
//! store. A backend runs all of them with [`conformance_tests!`](crate::conformance_tests) in its
//! tests, so SQLite and any other backend are held to the same behaviour.
//!
//! The articles are invented (an outlet and an event that do not exist).

use storyline_model::{
    Analysis, Article, ArticleId, Entity, EntityType, Grouping, StoryId, StoryReport, StorySummary,
    StorylineId, TitleOrigin,
};

use crate::{
    entity_id, Batch, Cursor, EntityQuery, FetchState, GroupingRecord, NewArticle, Store,
    StoryOrder, StoryQuery,
};

/// Generates one `#[test]` per conformance check. `$make` is an expression that, called with no
/// argument, returns `Some((guard, store))`: a fresh, empty store and whatever must live as long
/// as it (a temporary directory, a scratch schema) — or `None` when the backend's server is not
/// there (the factory prints why and the test passes without checking anything).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@tests $make;
            batch_round_trips_and_reingest_is_idempotent,
            articles_come_back_in_seq_order,
            story_listing_pages_orders_and_filters,
            prefix_lookups,
            report_cache_follows_story_revisions,
            regrouping_replaces_groupings_and_drops_empty_stories,
            fetch_state_and_revisions_round_trip,
            for_each_article_streams_in_order_and_stops_on_error,
            a_cursor_moves_with_its_batch,
            grouping_records_stream_past_a_page_in_seq_order,
            grouping_records_of_a_date_range,
            entity_index_counts_names_and_lists_their_stories,
            storylines_follow_their_latest_article,
            one_writer_at_a_time,
        );
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let Some((_guard, store)) = ($make)() else { return };
                $crate::conformance::$name(&store);
            }
        )*
    };
}

/// An invented article, published on `day` of March 2026, by `outlet`.
pub fn article(id: &str, day: u8, outlet: &str) -> Article {
    Article {
        id: id.into(),
        input_id: Some(format!("{id}.txt")),
        url: None,
        title: Some(format!("Harbour ferry {id} leaves at dawn")),
        title_origin: TitleOrigin::Detected,
        published: Some(format!("2026-03-{day:02}").parse().expect("a valid day")),
        published_origin: Some(storyline_model::DateOrigin::Header),
        source: Some(outlet.into()),
        author: None,
        language: Some("en".into()),
        text: format!("The ferry {id} left the harbour at dawn, the port authority said."),
        removed: vec![],
        analysis: Analysis::default(),
    }
}

/// A new article of `story` with sequence number `seq`.
pub fn new_article(seq: u64, id: &str, story: &str, day: u8, outlet: &str) -> NewArticle {
    NewArticle {
        seq,
        article: article(id, day, outlet),
        features: format!("{{\"id\":\"{id}\"}}"),
        grouping: Grouping {
            story: Some(story.into()),
            storyline: Some(story.into()),
            ..Default::default()
        },
    }
}

/// A story summary.
pub fn summary(id: &str, day: Option<u8>, articles: usize, sources: usize) -> StorySummary {
    StorySummary {
        id: id.into(),
        headline: format!("Harbour ferry story {id}"),
        date: day.map(|d| format!("2026-03-{d:02}").parse().expect("a valid day")),
        articles,
        sources,
    }
}

/// A batch of one invented article that is a story of its own.
pub fn one_story(seq: u64, id: &str) -> Batch {
    Batch {
        articles: vec![new_article(seq, id, id, 4, "Quay Courier")],
        stories: vec![summary(id, Some(4), 1, 1)],
        cursor: None,
    }
}

/// Every stored article's sequence number, id and grouping, in order: what two runs that must
/// agree are compared on.
pub fn dump(store: &dyn Store) -> Vec<String> {
    let mut rows = Vec::new();
    store
        .for_each_article(&mut |a| {
            rows.push(format!("{} {} {:?}", a.seq, a.article.id, a.grouping));
            Ok(())
        })
        .expect("a readable store");
    rows
}

fn ids(page: &crate::StoryPage) -> Vec<&str> {
    page.stories.iter().map(|s| s.id.as_str()).collect()
}

pub fn batch_round_trips_and_reingest_is_idempotent(store: &dyn Store) {
    assert_eq!(store.count().unwrap(), 0);
    assert_eq!(store.last_seq().unwrap(), 0);
    let batch = Batch {
        articles: vec![
            new_article(1, "a1", "a1", 4, "Harbour Gazette"),
            new_article(2, "a2", "a1", 4, "Quay Courier"),
        ],
        stories: vec![summary("a1", Some(4), 2, 2)],
        cursor: None,
    };
    store.save_batch(&batch).unwrap();
    store.save_batch(&batch).unwrap();
    assert_eq!(store.count().unwrap(), 2, "re-saving a batch stores nothing twice");
    assert_eq!(store.last_seq().unwrap(), 2);
    assert!(store.contains("a2").unwrap());
    assert!(!store.contains("a3").unwrap());
    let got = store.article("a2").unwrap().expect("stored");
    assert_eq!(got.article, article("a2", 4, "Quay Courier"));
    assert_eq!(got.seq, 2);
    assert_eq!(got.grouping, batch.articles[1].grouping);
    assert_eq!(store.article("nope").unwrap(), None);
    assert_eq!(store.story(&"a1".into()).unwrap(), Some(summary("a1", Some(4), 2, 2)));
    assert_eq!(store.story(&"zz".into()).unwrap(), None);
    let records = grouping_records(store);
    assert_eq!(records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a1", "a2"]);
    assert_eq!(records[1].features, "{\"id\":\"a2\"}");
    assert_eq!(records[1].grouping, batch.articles[1].grouping);
}

/// Every grouping record of the store, in the order `for_each_grouping_record` gives them.
fn grouping_records(store: &dyn Store) -> Vec<GroupingRecord> {
    let mut out = Vec::new();
    store
        .for_each_grouping_record(&mut |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
    out
}

pub fn articles_come_back_in_seq_order(store: &dyn Store) {
    // Ids in the opposite order to seqs, and batches written out of seq order: the order is the
    // committer's, not the ids' nor the backend's.
    store
        .save_batch(&Batch {
            articles: vec![new_article(3, "a", "s", 5, "Quay Courier")],
            stories: vec![summary("s", Some(5), 3, 1)],
            cursor: None,
        })
        .unwrap();
    store
        .save_batch(&Batch {
            articles: vec![
                new_article(1, "c", "s", 5, "Quay Courier"),
                new_article(2, "b", "s", 5, "Quay Courier"),
            ],
            stories: vec![summary("s", Some(5), 3, 1)],
            cursor: None,
        })
        .unwrap();
    let order: Vec<ArticleId> =
        store.story_articles(&"s".into()).unwrap().into_iter().map(|a| a.article.id).collect();
    assert_eq!(order, ["c", "b", "a"]);
    let order: Vec<ArticleId> = grouping_records(store).into_iter().map(|r| r.id).collect();
    assert_eq!(order, ["c", "b", "a"]);
    assert_eq!(store.last_seq().unwrap(), 3);
}

pub fn story_listing_pages_orders_and_filters(store: &dyn Store) {
    let articles = vec![
        new_article(1, "p1", "p", 2, "Harbour Gazette"),
        new_article(2, "q1", "q", 6, "Quay Courier"),
        new_article(3, "q2", "q", 6, "Harbour Gazette"),
        new_article(4, "r1", "r", 9, "Quay Courier"),
        new_article(5, "u1", "u", 9, "Lighthouse Post"),
    ];
    let stories = vec![
        summary("p", Some(2), 1, 1),
        summary("q", Some(6), 2, 2),
        summary("r", Some(9), 1, 1),
        summary("u", None, 1, 1),
    ];
    store.save_batch(&Batch { articles, stories, cursor: None }).unwrap();

    let all = store.stories(&StoryQuery::default()).unwrap();
    assert_eq!(all.total, 4);
    assert_eq!(ids(&all), ["r", "q", "p", "u"], "newest first, undated last");
    let largest = StoryQuery { order: StoryOrder::Largest, ..Default::default() };
    assert_eq!(ids(&store.stories(&largest).unwrap()), ["q", "r", "p", "u"]);

    let page = store.stories(&StoryQuery { limit: 2, offset: 1, ..Default::default() }).unwrap();
    assert_eq!((page.total, ids(&page)), (4, vec!["q", "p"]));
    let past = store.stories(&StoryQuery { limit: 2, offset: 9, ..Default::default() }).unwrap();
    assert_eq!((past.total, past.stories.len()), (4, 0));

    let two = store.stories(&StoryQuery { min_sources: 2, ..Default::default() }).unwrap();
    assert_eq!((two.total, ids(&two)), (1, vec!["q"]));
    let since = "2026-03-06".parse().ok();
    let until = "2026-03-08".parse().ok();
    let window = store.stories(&StoryQuery { since, until, ..Default::default() }).unwrap();
    assert_eq!(ids(&window), ["q"], "both bounds inclusive, undated stories out");
    let outlet = StoryQuery { outlet: Some("Harbour Gazette".into()), ..Default::default() };
    let page = store.stories(&outlet).unwrap();
    assert_eq!((page.total, ids(&page)), (2, vec!["q", "p"]));
}

pub fn prefix_lookups(store: &dyn Store) {
    let articles = vec![
        new_article(1, "ab12", "ab12", 3, "Quay Courier"),
        new_article(2, "ab34", "ab12", 3, "Quay Courier"),
        new_article(3, "cd56", "cd56", 3, "Quay Courier"),
    ];
    let stories = vec![summary("ab12", Some(3), 2, 1), summary("cd56", Some(3), 1, 1)];
    store.save_batch(&Batch { articles, stories, cursor: None }).unwrap();
    assert_eq!(store.article_ids("ab", 10).unwrap(), ["ab12", "ab34"]);
    assert_eq!(store.article_ids("ab", 1).unwrap(), ["ab12"]);
    assert_eq!(store.article_ids("cd56", 10).unwrap(), ["cd56"]);
    assert!(store.article_ids("ef", 10).unwrap().is_empty());
    assert!(store.article_ids("a%", 10).unwrap().is_empty(), "a prefix is not a pattern");
    assert_eq!(store.story_ids("a", 10).unwrap(), ["ab12"]);
    assert_eq!(store.story_ids("", 10).unwrap(), ["ab12", "cd56"]);
}

pub fn report_cache_follows_story_revisions(store: &dyn Store) {
    assert_eq!(store.cached_report(&"s".into()).unwrap(), None, "unknown story");
    store
        .save_batch(&Batch {
            articles: vec![new_article(1, "s", "s", 3, "Quay Courier")],
            stories: vec![summary("s", Some(3), 1, 1)],
            cursor: None,
        })
        .unwrap();
    let first = store.cached_report(&"s".into()).unwrap().expect("a stored story");
    assert_eq!(first.report, None);
    let report = StoryReport {
        id: "s".into(),
        headline: "Harbour ferry leaves at dawn".into(),
        date: "2026-03-03".parse().ok(),
        ..Default::default()
    };
    assert!(store.save_story_report(first.revision, &report).unwrap());
    let cached = store.cached_report(&"s".into()).unwrap().unwrap();
    assert_eq!((cached.revision, cached.report.as_ref()), (first.revision, Some(&report)));

    // The story grows: the cached report is stale and a report of the old state is refused.
    store
        .save_batch(&Batch {
            articles: vec![new_article(2, "t", "s", 3, "Harbour Gazette")],
            stories: vec![summary("s", Some(3), 2, 2)],
            cursor: None,
        })
        .unwrap();
    let grown = store.cached_report(&"s".into()).unwrap().unwrap();
    assert_eq!(grown.report, None);
    assert_ne!(grown.revision, first.revision);
    assert!(!store.save_story_report(first.revision, &report).unwrap());
    assert_eq!(store.cached_report(&"s".into()).unwrap().unwrap().report, None);
    assert!(store.save_story_report(grown.revision, &report).unwrap());

    // Regrouping changes it too.
    store.save_groupings(&[], &[summary("s", Some(3), 2, 2)]).unwrap();
    assert_eq!(store.cached_report(&"s".into()).unwrap().unwrap().report, None);
}

pub fn regrouping_replaces_groupings_and_drops_empty_stories(store: &dyn Store) {
    let articles = vec![
        new_article(1, "a", "a", 3, "Quay Courier"),
        new_article(2, "b", "b", 3, "Harbour Gazette"),
    ];
    let stories = vec![summary("a", Some(3), 1, 1), summary("b", Some(3), 1, 1)];
    store.save_batch(&Batch { articles, stories, cursor: None }).unwrap();
    let joined =
        Grouping { story: Some("a".into()), storyline: Some("a".into()), ..Default::default() };
    store.save_groupings(&[("b".into(), joined.clone())], &[summary("a", Some(3), 2, 2)]).unwrap();
    assert_eq!(store.article("b").unwrap().unwrap().grouping, joined);
    assert_eq!(store.story(&"b".into()).unwrap(), None, "a story left empty is dropped");
    assert_eq!(store.story(&"a".into()).unwrap(), Some(summary("a", Some(3), 2, 2)));
    assert_eq!(store.story_articles(&"a".into()).unwrap().len(), 2);
    assert_eq!(store.stories(&StoryQuery::default()).unwrap().total, 1);
    let mut labels = store.stories_of_articles(&["b".into(), "zz".into(), "a".into()]).unwrap();
    labels.sort();
    let expected: [(ArticleId, StoryId); 2] = [("a".into(), "a".into()), ("b".into(), "a".into())];
    assert_eq!(labels, expected, "each article's story after the regroup; unknown left out");
}

pub fn fetch_state_and_revisions_round_trip(store: &dyn Store) {
    let url = "https://ledger.example/pier";
    assert_eq!(store.fetch_state(url).unwrap(), None);
    let mut state = FetchState {
        url: url.into(),
        etag: Some("\"v1\"".into()),
        last_modified: None,
        fetched_at: "2026-03-04T10:00:00Z".into(),
        status: 200,
    };
    store.save_fetch_state(&state).unwrap();
    state.etag = Some("\"v2\"".into());
    state.last_modified = Some("Wed, 04 Mar 2026 09:00:00 GMT".into());
    store.save_fetch_state(&state).unwrap();
    assert_eq!(store.fetch_state(url).unwrap(), Some(state));

    let mut a1 = new_article(1, "a1", "a1", 4, "Quay Courier");
    a1.article.url = Some(url.into());
    let mut a2 = new_article(2, "a2", "a1", 4, "Quay Courier");
    a2.article.url = Some(url.into());
    store
        .save_batch(&Batch {
            articles: vec![a1, a2],
            stories: vec![summary("a1", Some(4), 2, 1)],
            cursor: None,
        })
        .unwrap();
    assert_eq!(store.articles_at_url(url).unwrap(), ["a1", "a2"]);
    assert!(store.articles_at_url("https://ledger.example/other").unwrap().is_empty());
    store.save_revision("a2", "a1").unwrap();
    store.save_revision("a2", "a1").unwrap();
    assert_eq!(store.previous_revision("a2").unwrap().as_deref(), Some("a1"));
    assert_eq!(store.previous_revision("a1").unwrap(), None);
}

pub fn for_each_article_streams_in_order_and_stops_on_error(store: &dyn Store) {
    let named = [
        (EntityType::Person, "Mara Velkort"),
        (EntityType::Location, "Velmora"),
        (EntityType::Person, "Mara Velkort"),
        (EntityType::Location, " Velmora "),
    ];
    let articles =
        (1..=3).map(|i| naming(new_article(i, &format!("x{i}"), "x1", 3, "Quay Courier"), &named));
    store
        .save_batch(&Batch {
            articles: articles.collect(),
            stories: vec![summary("x1", Some(3), 3, 1)],
            cursor: None,
        })
        .unwrap();
    let mut seen = Vec::new();
    store
        .for_each_article(&mut |a| {
            seen.push((a.seq, a.article.id));
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, [(1, "x1".into()), (2, "x2".into()), (3, "x3".into())]);
    // What a search index reads: the stored article's metadata, text and distinct names.
    let mut searchable = Vec::new();
    store
        .for_each_searchable_after(1, &mut |a| {
            searchable.push(a);
            Ok(())
        })
        .unwrap();
    let expected: Vec<crate::SearchableArticle> = ["x2", "x3"]
        .iter()
        .map(|id| crate::SearchableArticle::from(store.article(id).unwrap().unwrap()))
        .collect();
    assert_eq!(searchable, expected);
    assert_eq!(searchable[0].names, ["Mara Velkort", "Velmora", " Velmora "]);
    let mut after = Vec::new();
    store
        .for_each_article_after(1, &mut |a| {
            after.push(a.seq);
            Ok(())
        })
        .unwrap();
    assert_eq!(after, [2, 3], "only the articles after the given seq");
    let mut none = 0;
    store
        .for_each_article_after(3, &mut |_| {
            none += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(none, 0);
    let mut calls = 0;
    let stopped = store.for_each_article(&mut |_| {
        calls += 1;
        Err(crate::StoreError::new(crate::ErrorKind::Invalid, "reader gave up"))
    });
    assert!(stopped.is_err());
    assert_eq!(calls, 1);
}

pub fn a_cursor_moves_with_its_batch(store: &dyn Store) {
    assert_eq!(store.cursor("inputs").unwrap(), None);
    let at = |position| Some(Cursor { name: "inputs".into(), position });
    let first = vec![new_article(1, "a", "a", 3, "Quay Courier")];
    store.save_batch(&Batch { articles: first, stories: vec![], cursor: at(7) }).unwrap();
    assert_eq!(store.cursor("inputs").unwrap(), Some(7));
    assert_eq!(store.cursor("other").unwrap(), None);
    // A batch that fails (its sequence number is taken) leaves the cursor where it was.
    let clash = vec![new_article(1, "b", "b", 3, "Quay Courier")];
    assert!(store.save_batch(&Batch { articles: clash, stories: vec![], cursor: at(9) }).is_err());
    assert_eq!(store.cursor("inputs").unwrap(), Some(7));
    store.save_batch(&Batch { articles: vec![], stories: vec![], cursor: at(12) }).unwrap();
    assert_eq!(store.cursor("inputs").unwrap(), Some(12));
}

pub fn grouping_records_stream_past_a_page_in_seq_order(store: &dyn Store) {
    // More articles than any backend reads in one page, ids in the opposite order to seqs.
    let n = 1000u64;
    let articles =
        (1..=n).map(|seq| new_article(seq, &format!("g{:04}", n - seq), "s", 5, "Quay Courier"));
    store
        .save_batch(&Batch {
            articles: articles.collect(),
            stories: vec![summary("s", Some(5), n as usize, 1)],
            cursor: None,
        })
        .unwrap();
    let seqs: Vec<u64> = grouping_records(store).iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "every record once, in seq order");
    let mut seen = 0;
    let stopped = store.for_each_grouping_record(&mut |_| {
        seen += 1;
        if seen == 300 {
            Err(crate::StoreError::new(crate::ErrorKind::Invalid, "reader gave up"))
        } else {
            Ok(())
        }
    });
    assert!(stopped.is_err(), "the error of `each` comes back");
    assert_eq!(seen, 300, "and nothing is read after it");
}

pub fn grouping_records_of_a_date_range(store: &dyn Store) {
    // Days 1..=28 of March, four articles a day, the seqs running against the days; one undated.
    let mut articles: Vec<NewArticle> = (0..112u64)
        .map(|i| {
            let day = 28 - (i / 4) as u8;
            new_article(i + 1, &format!("d{i:03}"), "s", day, "Quay Courier")
        })
        .collect();
    let mut undated = new_article(113, "undated", "s", 10, "Quay Courier");
    undated.article.published = None;
    articles.push(undated);
    let batch = Batch { articles, stories: vec![summary("s", Some(1), 113, 1)], cursor: None };
    store.save_batch(&batch).unwrap();
    let day = |d: &str| d.parse().expect("a valid day");
    let mut seen = Vec::new();
    store
        .for_each_grouping_record_published(day("2026-03-09"), day("2026-03-11"), &mut |r| {
            seen.push((r.seq, r.id));
            Ok(())
        })
        .unwrap();
    let ids: Vec<&str> = seen.iter().map(|(_, id)| id.as_str()).collect();
    // Day 11 is i 68..=71, day 10 is 72..=75, day 9 is 76..=79: both ends included, no undated.
    let expected: Vec<String> = (68..80).map(|i| format!("d{i:03}")).collect();
    assert_eq!(ids, expected, "the articles of the three days, in seq order");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    let mut none = 0;
    store
        .for_each_grouping_record_published(day("2026-04-01"), day("2026-04-30"), &mut |_| {
            none += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(none, 0, "no article of April");
}

/// `article` naming `names` (kind, canonical name), each mentioned once.
fn naming(mut article: NewArticle, names: &[(EntityType, &str)]) -> NewArticle {
    article.article.analysis.entities = names
        .iter()
        .map(|&(kind, name)| Entity {
            start: 0,
            end: 0,
            text: name.into(),
            kind,
            canonical: name.into(),
        })
        .collect();
    article
}

pub fn entity_index_counts_names_and_lists_their_stories(store: &dyn Store) {
    use EntityType::{Location, Organisation, Person};
    let marsh = (Person, "Ingrid Marsh");
    let articles = vec![
        naming(new_article(1, "a1", "a", 2, "Quay Courier"), &[marsh, (Location, "Keldhaven")]),
        // The same person twice in one article, and under another spelling of case and space.
        naming(
            new_article(2, "a2", "a", 2, "Harbour Gazette"),
            &[marsh, (Person, "ingrid  MARSH")],
        ),
        naming(
            new_article(3, "b1", "b", 5, "Quay Courier"),
            &[marsh, (Organisation, "Keldhaven Port Authority")],
        ),
        naming(new_article(4, "c1", "c", 7, "Quay Courier"), &[(Person, "Keldhaven")]),
        new_article(5, "d1", "d", 8, "Quay Courier"),
    ];
    let stories = vec![
        summary("a", Some(2), 2, 2),
        summary("b", Some(5), 1, 1),
        summary("c", Some(7), 1, 1),
        summary("d", Some(8), 1, 1),
    ];
    let batch = Batch { articles, stories, cursor: None };
    store.save_batch(&batch).unwrap();
    store.save_batch(&batch).unwrap();

    let all = store.entities(&EntityQuery::default()).unwrap();
    let listed: Vec<(&str, EntityType, usize, usize)> =
        all.entities.iter().map(|e| (e.name.as_str(), e.kind, e.articles, e.stories)).collect();
    assert_eq!(all.total, 4);
    assert_eq!(
        listed,
        [
            ("Ingrid Marsh", Person, 3, 2),
            ("Keldhaven", Location, 1, 1),
            ("Keldhaven", Person, 1, 1),
            ("Keldhaven Port Authority", Organisation, 1, 1),
        ],
        "most named first, then by name; re-saving counted nothing twice"
    );
    assert_eq!(all.entities[0].id, entity_id(Person, "Ingrid Marsh"));
    let ids = |page: &crate::EntityPage| -> Vec<String> {
        page.entities.iter().map(|e| e.id.clone()).collect()
    };
    let kelds = store.entities(&EntityQuery { text: " KELDHAVEN".into(), ..Default::default() });
    assert_eq!(kelds.unwrap().total, 3, "any case, any part of the name");
    let places = EntityQuery { text: "keld".into(), kind: Some(Location), ..Default::default() };
    assert_eq!(ids(&store.entities(&places).unwrap()), [entity_id(Location, "Keldhaven")]);
    let page = EntityQuery { limit: 2, offset: 1, ..Default::default() };
    let page = store.entities(&page).unwrap();
    assert_eq!((page.total, page.entities.len()), (4, 2));
    assert_eq!(page.entities[0].kind, Location);
    let none = EntityQuery { text: "%".into(), ..Default::default() };
    assert_eq!(store.entities(&none).unwrap().total, 0, "the text is not a pattern");

    let one = store.entity(&entity_id(Person, "Ingrid Marsh")).unwrap().expect("indexed");
    assert_eq!((one.articles, one.stories), (3, 2));
    assert_eq!(store.entity("0000000000000000").unwrap(), None);
    let mut known = store
        .known_entities(&[
            entity_id(Location, "Keldhaven"),
            "nope".into(),
            entity_id(Person, "ingrid marsh"),
        ])
        .unwrap();
    known.sort();
    let mut want = vec![entity_id(Location, "Keldhaven"), entity_id(Person, "Ingrid Marsh")];
    want.sort();
    assert_eq!(known, want);

    let of = |id: String| StoryQuery { entity: Some(id), ..Default::default() };
    let marsh_stories = store.stories(&of(entity_id(Person, "Ingrid Marsh"))).unwrap();
    assert_eq!((marsh_stories.total, ids_of(&marsh_stories)), (2, vec!["b", "a"]));
    let paged = StoryQuery { limit: 1, offset: 1, ..of(entity_id(Person, "Ingrid Marsh")) };
    assert_eq!(ids_of(&store.stories(&paged).unwrap()), ["a"]);
    let with_outlet = StoryQuery {
        outlet: Some("Harbour Gazette".into()),
        ..of(entity_id(Person, "Ingrid Marsh"))
    };
    assert_eq!(ids_of(&store.stories(&with_outlet).unwrap()), ["a"], "filters combine");
    assert_eq!(store.stories(&of("nope".into())).unwrap().total, 0);

    // Regrouping moves an article's story, and its entities with it.
    let moved =
        Grouping { story: Some("b".into()), storyline: Some("b".into()), ..Default::default() };
    store
        .save_groupings(
            &[("a2".into(), moved)],
            &[summary("a", Some(2), 1, 1), summary("b", Some(5), 2, 2)],
        )
        .unwrap();
    let stories = store.entity(&entity_id(Person, "Ingrid Marsh")).unwrap().unwrap().stories;
    assert_eq!(stories, 2);
    let loc = store.stories(&of(entity_id(Location, "Keldhaven"))).unwrap();
    assert_eq!(ids_of(&loc), ["a"]);
}

fn ids_of(page: &crate::StoryPage) -> Vec<&str> {
    page.stories.iter().map(|s| s.id.as_str()).collect()
}

/// A new article of `story` in `storyline`.
fn in_storyline(seq: u64, id: &str, story: &str, storyline: Option<&str>, day: u8) -> NewArticle {
    let mut a = new_article(seq, id, story, day, "Quay Courier");
    a.grouping.storyline = storyline.map(StorylineId::from);
    a
}

pub fn storylines_follow_their_latest_article(store: &dyn Store) {
    store
        .save_batch(&Batch {
            articles: vec![
                in_storyline(1, "s1", "s", Some("s"), 3),
                in_storyline(2, "t1", "t", Some("s"), 9),
                in_storyline(3, "u1", "u", Some("s"), 6),
                in_storyline(4, "v1", "v", None, 4),
                in_storyline(5, "w1", "w", Some("w"), 5),
            ],
            stories: vec![
                summary("s", Some(3), 1, 1),
                summary("t", Some(9), 1, 1),
                summary("u", Some(6), 1, 1),
                summary("v", Some(4), 1, 1),
                summary("w", Some(5), 1, 1),
            ],
            cursor: None,
        })
        .unwrap();
    let mut of = store.storylines_of(&["t".into(), "v".into(), "nope".into()]).unwrap();
    of.sort_by(|a, b| a.story.cmp(&b.story));
    let got: Vec<(&str, &str, usize)> =
        of.iter().map(|o| (o.story.as_str(), o.storyline.as_str(), o.stories)).collect();
    assert_eq!(got, [("t", "s", 3), ("v", "v", 1)], "no storyline said: the story's own");

    let thread =
        StoryQuery { storyline: Some("s".into()), order: StoryOrder::Oldest, ..Default::default() };
    let page = store.stories(&thread).unwrap();
    assert_eq!((page.total, ids_of(&page)), (3, vec!["s", "u", "t"]), "oldest first");
    let all = StoryQuery { order: StoryOrder::Oldest, ..Default::default() };
    assert_eq!(ids_of(&store.stories(&all).unwrap()), ["s", "v", "w", "u", "t"]);

    // A later article of `w` continues storyline `s`: the story follows its latest article.
    store
        .save_batch(&Batch {
            articles: vec![in_storyline(6, "w2", "w", Some("s"), 10)],
            stories: vec![summary("w", Some(5), 2, 1)],
            cursor: None,
        })
        .unwrap();
    assert_eq!(store.stories(&thread).unwrap().total, 4);
    // Regrouping can take it out again.
    let alone =
        Grouping { story: Some("w".into()), storyline: Some("w".into()), ..Default::default() };
    store.save_groupings(&[("w2".into(), alone)], &[]).unwrap();
    assert_eq!(ids_of(&store.stories(&thread).unwrap()), ["s", "u", "t"]);
    let w = store.storylines_of(&["w".into()]).unwrap();
    assert_eq!((w[0].storyline.as_str(), w[0].stories), ("w", 1));
}

pub fn one_writer_at_a_time(store: &dyn Store) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let first = store.lock_writer().unwrap();
    // The holder writes and anyone reads while the lock is held.
    store.save_batch(&one_story(1, "w1")).unwrap();
    let taken = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let second = store.lock_writer().unwrap();
            taken.store(true, Ordering::SeqCst);
            // What the first writer committed is there when the second gets the lock.
            assert_eq!(store.last_seq().unwrap(), 1);
            drop(second);
        });
        std::thread::sleep(std::time::Duration::from_millis(400));
        assert!(
            !taken.load(Ordering::SeqCst),
            "a second writer waits while the first holds the lock"
        );
        assert_eq!(store.count().unwrap(), 1, "readers are not blocked by the writer lock");
        drop(first);
        waiter.join().unwrap();
    });
    assert!(taken.load(Ordering::SeqCst), "the waiting writer got the lock once it was released");
    drop(store.lock_writer().unwrap());
}
