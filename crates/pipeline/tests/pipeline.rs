//! The application layer over a real SQLite store: ingest, re-ingest, bad inputs, cached story
//! reports and lookups by prefix. The articles are invented.

use storyline_ingest::{IngestError, Input};
use storyline_model::StoryId;
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

/// A record of `outlet` published on `date` (`YYYY-MM-DD`).
fn dated(
    name: &str,
    outlet: &str,
    date: &str,
    title: &str,
    body: &str,
) -> Result<Input, IngestError> {
    let record =
        serde_json::json!({"title": title, "source": outlet, "published": date, "text": body});
    Ok(Input { name: name.into(), bytes: record.to_string().into_bytes() })
}

/// The story each stored article belongs to, by input name.
fn story_of(store: &SqliteStore, input: &str) -> StoryId {
    let mut found = None;
    store
        .for_each_article(&mut |a| {
            if a.article.input_id.as_deref() == Some(input) {
                found = a.grouping.story.clone();
            }
            Ok(())
        })
        .unwrap();
    found.unwrap_or_else(|| panic!("{input} is stored"))
}

#[test]
fn a_report_backfilled_months_later_joins_the_story_of_its_own_days() {
    let (_dir, store) = store();
    let title = "Dock workers at Port Varnholm walk out";
    // The stream has moved on by five months when the second outlet's archive arrives.
    let mut first = vec![dated("ledger.json", "Varnholm Ledger", "2026-04-07", title, STRIKE)];
    for (i, town) in ["Orla", "Brenn", "Tessaly"].iter().enumerate() {
        let body = format!(
            "The council of {town} approved a new library on Thursday after a vote of {n} to \
             {m}, the mayor of {town} said. Building starts in spring, council officials said.",
            n = 7 + i,
            m = 2 + i
        );
        let date = format!("2026-09-{:02}", 10 + i);
        first.push(dated(&format!("{town}.json"), "Quay Post", &date, "A library vote", &body));
    }
    ingest(&store, first, &()).unwrap();

    let late = dated("courier.json", "Kestrel Courier", "2026-04-08", title, STRIKE_AGAIN);
    let report = ingest(&store, vec![late], &()).unwrap();
    assert_eq!(report.ingested, 1);
    assert_eq!(
        story_of(&store, "courier.json"),
        story_of(&store, "ledger.json"),
        "the late report joins the April story, not a story of its own"
    );
    let story = store.story(&story_of(&store, "ledger.json")).unwrap().unwrap();
    assert_eq!((story.articles, story.sources), (2, 2), "both outlets in one story: {story:?}");
    assert_ne!(story_of(&store, "courier.json"), story_of(&store, "Orla.json"));
}

/// The stories of `store` as sorted sets of input names.
fn partition(store: &SqliteStore) -> Vec<Vec<String>> {
    let mut by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    store
        .for_each_article(&mut |a| {
            let story =
                a.grouping.story.clone().unwrap_or_else(|| StoryId::started_by(&a.article.id));
            by.entry(story.into_string())
                .or_default()
                .push(a.article.input_id.clone().unwrap_or_default());
            Ok(())
        })
        .unwrap();
    let mut out: Vec<Vec<String>> = by.into_values().collect();
    out.iter_mut().for_each(|m| m.sort());
    out.sort();
    out
}

/// Monday: dockers strike at an invented port, and a nearby town's council passes its budget.
/// Tuesday: a regional live blog of both, closer to the budget story. Told together, the blog
/// joins the budget story; told after the strike alone, it joins the strike story.
fn strike_budget_blog() -> [Result<Input, IngestError>; 3] {
    [
        dated(
            "strike.json",
            "Korvast Herald",
            "2031-06-02",
            "Korvast dockers walk out over pay, halting container traffic",
            "Dockworkers at the port of Korvast walked out on Monday in a dispute over pay, \
             halting container traffic at the country's busiest harbour. The Dockers' Union said \
             3,400 members had joined the strike and that pickets would stay at the gates until \
             the Port Authority improved its offer. Union leader Mira Telland said the walkout \
             was open-ended.",
        ),
        dated(
            "budget.json",
            "Korvast Herald",
            "2031-06-02",
            "Almsby council passes budget with cuts to school meals",
            "The Almsby city council passed its budget on Monday after a long night session, \
             cutting spending on school meals by a fifth and raising parking charges in the old \
             town. Mayor Enno Halvard said the cuts were painful but unavoidable. Teachers' groups \
             said they would protest outside the town hall.",
        ),
        dated(
            "blog.json",
            "Coast Wire",
            "2031-06-03",
            "Coast live: Korvast dockers strike, Almsby council passes budget with school meal cuts",
            "Dockworkers at the port of Korvast walked out on Monday over pay, and the Dockers' \
             Union said pickets would stay at the harbour gates. The Almsby city council passed \
             its budget on Monday, cutting spending on school meals. Mira Telland, the union \
             leader, and Mayor Enno Halvard both spoke to reporters.",
        ),
    ]
}

#[test]
fn settling_a_run_gives_the_stories_of_one_ingest_whatever_the_runs() {
    let [strike, budget, blog] = strike_budget_blog();
    let (_whole_dir, whole) = store();
    ingest(&whole, vec![strike.clone(), budget.clone(), blog.clone()], &()).unwrap();

    // The budget story arrives in a second run, after the blog joined the strike story.
    let split = |settle: bool| {
        let (dir, s) = store();
        ingest(&s, vec![strike.clone(), blog.clone()], &()).unwrap();
        let second = ingest(&s, vec![budget.clone()], &()).unwrap();
        if settle {
            let settled = storyline_pipeline::settle(&s, &second).unwrap().expect("regrouped");
            assert_eq!(settled.regrouped, 3, "the three articles of those days");
        }
        (dir, s)
    };
    let (_dir, unsettled) = split(false);
    assert_ne!(
        partition(&unsettled),
        partition(&whole),
        "split runs group differently: whole {:?}",
        partition(&whole)
    );
    let (_dir, settled) = split(true);
    assert_eq!(partition(&settled), partition(&whole));
    assert_eq!(dump(&settled).len(), dump(&whole).len());
}

#[test]
fn regrouping_some_days_leaves_the_others_alone() {
    let (_dir, store) = store();
    let [strike, budget, blog] = strike_budget_blog();
    ingest(&store, vec![strike, blog], &()).unwrap();
    ingest(&store, vec![budget], &()).unwrap();
    let before = partition(&store);
    let days = |since: &str, until: &str| storyline_pipeline::Days {
        since: Some(since.parse().unwrap()),
        until: Some(until.parse().unwrap()),
    };
    // Days without an article: nothing is regrouped, nothing moves.
    let none = storyline_pipeline::regroup(&store, days("2031-05-01", "2031-05-31")).unwrap();
    assert_eq!((none.articles, none.regrouped, none.changed), (3, 0, 0));
    assert_eq!(partition(&store), before);
    let all = storyline_pipeline::regroup(&store, days("2031-06-01", "2031-06-30")).unwrap();
    assert_eq!((all.articles, all.regrouped), (3, 3));
    let again = storyline_pipeline::regroup(&store, days("2031-06-01", "2031-06-30")).unwrap();
    assert_eq!(again.changed, 0, "a second regroup of the same days changes nothing");
}

#[test]
fn a_writer_holding_grouping_state_notices_a_regroup_by_another() {
    let (_dir, store) = store();
    let [strike, budget, blog] = strike_budget_blog();
    // A long-running writer (the server's) commits the strike and the blog, then the budget
    // story: the blog sits in the strike story, as the runs left it.
    let mut writer = storyline_pipeline::Ingestor::open(&store).unwrap();
    writer.ingest_inputs(vec![strike, blog.clone()], &()).unwrap();
    writer.ingest_inputs(vec![budget], &()).unwrap();
    writer.unlock().unwrap();
    assert_eq!(story_of(&store, "blog.json"), story_of(&store, "strike.json"));
    // Another process regroups those days: the blog moves to the budget story.
    let days = storyline_pipeline::Days {
        since: Some("2031-06-01".parse().unwrap()),
        until: Some("2031-06-30".parse().unwrap()),
    };
    assert!(storyline_pipeline::regroup(&store, days).unwrap().changed > 0);
    assert_eq!(story_of(&store, "blog.json"), story_of(&store, "budget.json"));
    // The writer's next article, another outlet's copy of the blog, joins the blog's story as
    // it is now, not as the writer last saw it.
    let Ok(Input { bytes, .. }) = blog else { unreachable!() };
    let copy = String::from_utf8(bytes).unwrap().replace("Coast Wire", "Gull Bay Times");
    let copy = Ok(Input { name: "copy.json".into(), bytes: copy.into_bytes() });
    writer.ingest_inputs(vec![copy], &()).unwrap();
    assert_eq!(story_of(&store, "copy.json"), story_of(&store, "blog.json"));
}

#[test]
fn regrouping_a_copy_s_days_keeps_its_link_to_an_original_months_older() {
    let (_dir, store) = store();
    let title = "Dock workers at Port Varnholm walk out";
    ingest(&store, vec![dated("ledger.json", "Varnholm Ledger", "2026-01-10", title, STRIKE)], &())
        .unwrap();
    // Another outlet republishes the report word for word four months later.
    let copy = dated("reprint.json", "Kestrel Courier", "2026-05-20", title, STRIKE);
    ingest(&store, vec![copy], &()).unwrap();
    let link = |store: &SqliteStore| {
        let mut link = None;
        store
            .for_each_article(&mut |a| {
                if a.article.input_id.as_deref() == Some("reprint.json") {
                    link = Some(a.grouping.duplicate_of.clone());
                }
                Ok(())
            })
            .unwrap();
        link.expect("the reprint is stored")
    };
    assert!(link(&store).is_some(), "linked as a copy across the gap");
    let days = storyline_pipeline::Days {
        since: Some("2026-05-01".parse().unwrap()),
        until: Some("2026-05-31".parse().unwrap()),
    };
    storyline_pipeline::regroup(&store, days).unwrap();
    assert!(link(&store).is_some(), "still a copy after its days are regrouped");
    assert_eq!(story_of(&store, "reprint.json"), story_of(&store, "ledger.json"));
}

#[test]
fn regrouping_the_whole_store_goes_a_few_weeks_at_a_time() {
    let (_dir, store) = store();
    let title = "Dock workers at Port Varnholm walk out";
    // Two outlets' reports of a strike in January, each in its own run, a library vote in March,
    // a word-for-word reprint of the strike report in May and an undated record: a regroup of
    // every day takes them a chunk of days at a time.
    let runs = [
        dated("ledger.json", "Varnholm Ledger", "2026-01-10", title, STRIKE),
        dated("courier.json", "Kestrel Courier", "2026-01-10", title, STRIKE_AGAIN),
        dated(
            "library.json",
            "Quay Post",
            "2026-03-12",
            "A library vote",
            "The council of Orla approved a new library on Thursday after a vote of 7 to 2, the \
             mayor of Orla said. Building starts in spring, council officials said.",
        ),
        dated("reprint.json", "Gull Bay Times", "2026-05-20", title, STRIKE),
        Ok(Input {
            name: "undated.json".into(),
            bytes: serde_json::json!({"title": "A ferry timetable", "source": "Quay Post",
                "text": "The ferry to Orla leaves twice a day from the north pier, the operator \
                         said. Tickets are sold on board."})
            .to_string()
            .into_bytes(),
        }),
    ];
    for run in runs {
        storyline_pipeline::ingest(&store, vec![run], &()).unwrap();
    }
    let before = partition(&store);
    let report = storyline_pipeline::regroup(&store, storyline_pipeline::Days::default()).unwrap();
    // The reprint's original is months older than the reprint's chunk: it keeps its link.
    assert_eq!((report.articles, report.regrouped, report.changed), (5, 4, 0));
    assert_eq!(partition(&store), before);
    assert_eq!(story_of(&store, "reprint.json"), story_of(&store, "ledger.json"));
    assert_eq!(story_of(&store, "courier.json"), story_of(&store, "ledger.json"));
    assert_ne!(story_of(&store, "library.json"), story_of(&store, "ledger.json"));
    assert_eq!(report.stories, store.stories(&StoryQuery::default()).unwrap().total);
}
