//! The search index against real stores, on invented articles (invented outlets, places and
//! people): ranking, phrases, filters, facets, escaped snippets, stories read at query time,
//! catching up after a simulated crash, rebuilding, and the same results on SQLite and
//! PostgreSQL (`STORYLINE_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432/test`;
//! skipped with a message when no server answers, unless `STORYLINE_REQUIRE_SERVICES` is set).

use storyline_model::{Entity, EntityType, StorySummary};
use storyline_search::{SearchError, SearchIndex, SearchPage, SearchRequest};
use storyline_store::conformance::new_article;
use storyline_store::{Batch, NewArticle, Store};
use storyline_store_sqlite::SqliteStore;

/// An invented article of `story`, published on `day` of March 2026.
struct Fixture {
    id: &'static str,
    story: &'static str,
    day: u8,
    outlet: &'static str,
    title: &'static str,
    text: &'static str,
    people: &'static [&'static str],
}

const STRIKE: Fixture = Fixture {
    id: "a1strike",
    story: "s1",
    day: 7,
    outlet: "Varnholm Ledger",
    title: "Dock workers strike at Port Varnholm",
    text: "Dock workers at Port Varnholm went on strike on Tuesday over pay. The dock strike \
           halted cargo traffic, and harbour master Ilse Brandt said ships were diverted.",
    people: &["Ilse Brandt"],
};
const STRIKE_COPY: Fixture = Fixture {
    id: "a2strike",
    story: "s1",
    day: 8,
    outlet: "Kestrel Courier",
    title: "Varnholm port strike enters second day",
    text: "The strike at Port Varnholm entered its second day. Harbour master Ilse Brandt \
           said talks would resume. <script>alert(1)</script> Dock traffic stayed halted.",
    people: &["Ilse Brandt"],
};
const FERRY: Fixture = Fixture {
    id: "b1ferry",
    story: "s2",
    day: 12,
    outlet: "Ormsby Gazette",
    title: "Lake Ormsby ferry resumes service",
    text: "The Lake Ormsby ferry resumed service after repairs. The master of the harbour, \
           Tomas Vell, said the dock had been rebuilt.",
    people: &["Tomas Vell"],
};
const FESTIVAL: Fixture = Fixture {
    id: "c1fest",
    story: "s3",
    day: 20,
    outlet: "Varnholm Ledger",
    title: "Tilbury Vale orchard festival draws record crowd",
    text: "The orchard festival in Tilbury Vale drew a record crowd of 8,000 visitors, \
           organiser Marta Quell said. Cider makers from six villages took part.",
    people: &["Marta Quell"],
};

fn stored(seq: u64, f: &Fixture) -> NewArticle {
    let mut a = new_article(seq, f.id, f.story, f.day, f.outlet);
    a.article.title = Some(f.title.into());
    a.article.text = f.text.into();
    a.article.analysis.entities = f
        .people
        .iter()
        .map(|name| {
            let start = f.text.find(name).map_or(0, |b| f.text[..b].chars().count());
            Entity {
                start,
                end: start + name.chars().count(),
                text: name.to_string(),
                kind: EntityType::Person,
                canonical: name.to_string(),
            }
        })
        .collect();
    a
}

fn story(id: &str, headline: &str, articles: usize) -> StorySummary {
    StorySummary {
        id: id.into(),
        headline: headline.into(),
        date: Some("2026-03-07".parse().unwrap()),
        articles,
        sources: articles,
    }
}

/// Commits `fixtures` to `store` as one batch, numbered after what it holds.
fn commit(store: &dyn Store, fixtures: &[&Fixture]) {
    let first = store.last_seq().unwrap() + 1;
    let articles = fixtures.iter().zip(first..).map(|(f, seq)| stored(seq, f)).collect();
    let stories = vec![
        story("s1", "Port Varnholm strike", 2),
        story("s2", "Ormsby ferry", 1),
        story("s3", "Orchard festival", 1),
    ];
    store.save_batch(&Batch { articles, stories, cursor: None }).unwrap();
}

fn filled(store: &dyn Store) {
    commit(store, &[&STRIKE, &FERRY, &STRIKE_COPY, &FESTIVAL]);
}

fn sqlite(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(dir.path().join("store.db")).unwrap()
}

fn index_dir(dir: &tempfile::TempDir) -> std::path::PathBuf {
    storyline_search::default_dir(&dir.path().join("store.db"))
}

fn ids(page: &SearchPage) -> Vec<&str> {
    page.hits.iter().map(|h| h.id.as_str()).collect()
}

/// The hits' ids in id order (where the test does not care about the ranking).
fn sorted(page: &SearchPage) -> Vec<&str> {
    let mut ids = ids(page);
    ids.sort();
    ids
}

fn sorted_strs<'a>(v: &[&'a str]) -> Vec<&'a str> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn search(index: &SearchIndex, store: &dyn Store, query: &str) -> SearchPage {
    index.search(store, &SearchRequest::new(query)).unwrap()
}

#[test]
fn ranking_puts_the_on_topic_article_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, done) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    assert_eq!((done.indexed, done.seq), (4, 4));
    let page = search(&index, &store, "dock");
    assert_eq!(page.total, 3, "{:?}", ids(&page));
    assert_eq!(page.hits[0].id, STRIKE.id, "the strike is about the docks: {:?}", ids(&page));
    assert!(page.hits.windows(2).all(|w| w[0].score >= w[1].score));
    // Stemming: "strikes" finds "strike"; every word must match.
    assert_eq!(ids(&search(&index, &store, "strikes varnholm")), [STRIKE.id, STRIKE_COPY.id]);
    assert_eq!(search(&index, &store, "strike orchard").total, 0);
    assert_eq!(search(&index, &store, "strike OR orchard").total, 3);
}

#[test]
fn phrases_match_words_in_order_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    // The ferry article has "master of the harbour", not "harbour master".
    assert_eq!(search(&index, &store, "harbour master").total, 3);
    let phrase = search(&index, &store, "\"harbour master\"");
    assert_eq!(sorted(&phrase), [STRIKE.id, STRIKE_COPY.id]);
    assert_eq!(search(&index, &store, "\"harbour master\" -tuesday").total, 1);
}

#[test]
fn filters_narrow_without_reranking_and_facets_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    let all = search(&index, &store, "harbour OR festival");
    let outlets: Vec<(&str, u64)> =
        all.facets.outlets.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(outlets, [("Varnholm Ledger", 2), ("Kestrel Courier", 1), ("Ormsby Gazette", 1)]);
    assert_eq!(all.facets.days.len(), 4);
    assert!(all.facets.entities.iter().any(|f| f.value == "Ilse Brandt" && f.count == 2));

    let mut ledger = SearchRequest::new("harbour OR festival");
    ledger.outlet = Some("Varnholm Ledger".into());
    let page = index.search(&store, &ledger).unwrap();
    assert_eq!(sorted(&page), [STRIKE.id, FESTIVAL.id]);
    let score = |p: &SearchPage, id: &str| p.hits.iter().find(|h| h.id == id).unwrap().score;
    assert_eq!(score(&page, STRIKE.id), score(&all, STRIKE.id), "a filter adds no score");

    let mut dated = SearchRequest::new("harbour OR festival");
    dated.since = Some("2026-03-08".parse().unwrap());
    dated.until = Some("2026-03-12".parse().unwrap());
    let page = index.search(&store, &dated).unwrap();
    assert_eq!(sorted(&page), [STRIKE_COPY.id, FERRY.id]);
    dated.outlet = Some("Ormsby Gazette".into());
    assert_eq!(ids(&index.search(&store, &dated).unwrap()), [FERRY.id]);
}

#[test]
fn paging_walks_the_same_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    let all = ids(&search(&index, &store, "harbour OR festival")).join(" ");
    let mut paged = Vec::new();
    for offset in 0..4 {
        let mut r = SearchRequest::new("harbour OR festival");
        (r.offset, r.limit) = (offset, 1);
        let page = index.search(&store, &r).unwrap();
        assert_eq!(page.total, 4);
        paged.push(page.hits[0].id.clone());
    }
    assert_eq!(paged.join(" "), all);
}

#[test]
fn snippets_mark_the_words_and_escape_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    let page = search(&index, &store, "talks resume");
    assert_eq!(ids(&page), [STRIKE_COPY.id]);
    let snippet = &page.hits[0].snippet;
    assert!(snippet.text.contains("<script>alert(1)</script>"), "plain text: {snippet:?}");
    let marked: Vec<String> = snippet
        .highlights
        .iter()
        .map(|h| snippet.text.chars().skip(h.start).take(h.end - h.start).collect())
        .collect();
    assert_eq!(marked, ["talks", "resume"]);
    let html = snippet.to_html();
    let phrase = search(&index, &store, "\"harbour master\" talks");
    let marked = phrase.hits[0].snippet.to_html();
    assert!(marked.contains("<mark>Harbour master</mark>"), "one stretch per phrase: {marked}");
    assert!(html.contains("<mark>talks</mark> would <mark>resume</mark>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    // A title-only match still shows the opening of the text.
    let titled = search(&index, &store, "draws");
    assert_eq!(ids(&titled), [FESTIVAL.id]);
    assert!(titled.hits[0].snippet.text.starts_with("The orchard festival in Tilbury Vale"));
    assert!(titled.hits[0].snippet.highlights.is_empty());
}

#[test]
fn hits_are_labelled_with_their_story_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    let page = search(&index, &store, "harbour");
    let mut by_best_hit: Vec<&str> = Vec::new();
    for hit in &page.hits {
        let story = hit.story.as_deref().expect("every article is in a story");
        if !by_best_hit.contains(&story) {
            by_best_hit.push(story);
        }
    }
    let stories: Vec<&str> = page.stories.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(stories, by_best_hit);
    assert_eq!(sorted_strs(&stories), ["s1", "s2"]);
    // Regrouping moves the copy into a story of its own: the next search says so.
    let mut moved = stored(3, &STRIKE_COPY).grouping;
    moved.story = Some("s4".into());
    let stories = [story("s1", "Port Varnholm strike", 1), story("s4", "Second day", 1)];
    store.save_groupings(&[(STRIKE_COPY.id.into(), moved)], &stories).unwrap();
    let page = search(&index, &store, "harbour");
    let copy = page.hits.iter().find(|h| h.id == STRIKE_COPY.id).unwrap();
    assert_eq!(copy.story.as_deref(), Some("s4"));
    assert!(page.stories.iter().any(|s| s.id == "s4"));
}

#[test]
fn articles_committed_but_not_indexed_are_found_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    commit(&store, &[&STRIKE, &FERRY]);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    assert_eq!(index.indexed_seq(), 2);
    // The store commits a batch; the process dies before the index hears of it.
    commit(&store, &[&STRIKE_COPY, &FESTIVAL]);
    drop(index);
    drop(store);
    let store = sqlite(&dir);
    let (index, done) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    assert_eq!((done.indexed, done.rebuilt, done.seq), (2, false, 4));
    assert_eq!(ids(&search(&index, &store, "orchard")), [FESTIVAL.id]);
}

#[test]
fn a_search_catches_up_with_articles_stored_since_it_opened() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    commit(&store, &[&STRIKE]);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    assert_eq!(search(&index, &store, "orchard").total, 0);
    commit(&store, &[&FESTIVAL]);
    assert_eq!(ids(&search(&index, &store, "orchard")), [FESTIVAL.id]);
    assert_eq!(index.indexed_seq(), 2);
}

#[test]
fn rebuilding_gives_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    // Indexed in three catch-ups (three segments) ...
    commit(&store, &[&STRIKE]);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    commit(&store, &[&FERRY, &STRIKE_COPY]);
    index.catch_up(&store).unwrap();
    commit(&store, &[&FESTIVAL]);
    let queries = ["harbour", "\"harbour master\"", "dock OR orchard", "brandt"];
    let before: Vec<SearchPage> = queries.iter().map(|q| search(&index, &store, q)).collect();
    // ... then rebuilt in one.
    let done = index.rebuild(&store).unwrap();
    assert_eq!((done.indexed, done.rebuilt, done.seq), (4, true, 4));
    let after: Vec<SearchPage> = queries.iter().map(|q| search(&index, &store, q)).collect();
    assert_eq!(before, after);
}

#[test]
fn an_index_of_another_store_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let index_dir = index_dir(&dir);
    drop(SearchIndex::open(&index_dir, &store).unwrap());
    let other_dir = tempfile::tempdir().unwrap();
    let other = sqlite(&other_dir);
    commit(&other, &[&FESTIVAL]);
    let (index, done) = SearchIndex::open(&index_dir, &other).unwrap();
    assert!(done.rebuilt);
    assert_eq!(search(&index, &other, "harbour").total, 0);
    assert_eq!(ids(&search(&index, &other, "orchard")), [FESTIVAL.id]);
    drop(index);
    // A store of the same length but other articles at the marked seq: rebuilt too.
    let same_length_dir = tempfile::tempdir().unwrap();
    let same_length = sqlite(&same_length_dir);
    commit(&same_length, &[&STRIKE]);
    let (index, done) = SearchIndex::open(&index_dir, &same_length).unwrap();
    assert!(done.rebuilt);
    assert_eq!(search(&index, &same_length, "orchard").total, 0);
}

#[test]
fn malformed_queries_and_bad_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite(&dir);
    filled(&store);
    let (index, _) = SearchIndex::open(&index_dir(&dir), &store).unwrap();
    for bad in ["", "   ", "nosuchfield:dock", "title:"] {
        let e = index.search(&store, &SearchRequest::new(bad)).unwrap_err();
        assert!(matches!(e, SearchError::Query(_)), "{bad:?}: {e:?}");
    }
    let mut r = SearchRequest::new("dock");
    r.limit = 0;
    assert!(matches!(index.search(&store, &r), Err(SearchError::Invalid(_))));
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

fn postgres_url() -> String {
    std::env::var("STORYLINE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A scratch schema, dropped with everything in it when the test ends.
struct Schema(String);

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&postgres_url(), postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.0));
        }
    }
}

fn postgres() -> Option<(Schema, storyline_store_postgres::PostgresStore)> {
    let schema = Schema(format!("storyline_search_test_{}", std::process::id()));
    match storyline_store_postgres::PostgresStore::open(&postgres_url(), Some(&schema.0)) {
        Ok(store) => Some((schema, store)),
        Err(e) if std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none() => {
            eprintln!(
                "skipping: no PostgreSQL at {} ({e}); set STORYLINE_TEST_POSTGRES",
                postgres_url()
            );
            None
        }
        Err(e) => panic!("PostgreSQL is required (STORYLINE_REQUIRE_SERVICES) but: {e}"),
    }
}

#[test]
fn the_same_queries_give_the_same_results_on_sqlite_and_postgres() {
    let Some((_schema, pg)) = postgres() else { return };
    let dir = tempfile::tempdir().unwrap();
    let lite = sqlite(&dir);
    for store in [&lite as &dyn Store, &pg] {
        commit(store, &[&STRIKE, &FERRY]);
        commit(store, &[&STRIKE_COPY, &FESTIVAL]);
    }
    let (on_lite, _) = SearchIndex::open(&dir.path().join("lite.search"), &lite).unwrap();
    let (on_pg, _) = SearchIndex::open(&dir.path().join("pg.search"), &pg).unwrap();
    for query in ["harbour", "\"harbour master\"", "dock OR orchard", "brandt", "strike -tuesday"] {
        let mut r = SearchRequest::new(query);
        assert_eq!(on_lite.search(&lite, &r).unwrap(), on_pg.search(&pg, &r).unwrap(), "{query}");
        r.outlet = Some("Varnholm Ledger".into());
        r.since = Some("2026-03-01".parse().unwrap());
        assert_eq!(on_lite.search(&lite, &r).unwrap(), on_pg.search(&pg, &r).unwrap(), "{query}");
    }
}
