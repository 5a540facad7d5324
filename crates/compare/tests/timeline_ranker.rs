//! The date ranker of `timeline_of` on invented coverage, analysed by the real analysis: the days
//! a reader expects on a timeline are there, asides are not, and a run of adjacent days that
//! tells one happening does not crowd out the rest.

use storyline_compare::{
    candidate_days, timeline_of, CandidateDay, DateRanker, TimelineOptions, DATE_FEATURE_NAMES,
    DATE_RANKER, N_DATE_FEATURES,
};
use storyline_model::*;

fn art(id: &str, source: &str, date: &str, text: &str) -> Article {
    let published: Date = date.parse().unwrap();
    Article {
        id: id.into(),
        input_id: None,
        url: None,
        title: None,
        title_origin: TitleOrigin::Given,
        published: Some(published),
        published_origin: Some(storyline_model::DateOrigin::Record),
        source: Some(source.into()),
        author: None,
        language: Some("en".into()),
        text: text.into(),
        removed: vec![],
        analysis: storyline_analyze::analyze(text, Some(published)),
    }
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Four outlets over three days about a dam failure on 2031-04-10; one article names another
/// day only in passing (when the mayor took office).
fn coverage() -> Vec<Article> {
    vec![
        art(
            "a1",
            "Lowland Ledger",
            "2031-04-11",
            "The Orvane dam burst on April 10, flooding four villages in the Talsk valley. \
             Rescue teams pulled eleven people from the water overnight, the regional emergency service said. \
             Engineers had warned about cracks in the dam wall for two years.",
        ),
        art(
            "b1",
            "Valley Herald",
            "2031-04-12",
            "Two days after the Orvane dam failed on April 10, villagers in the Talsk valley began returning to their flooded homes. \
             The regional governor promised compensation for every family that lost a house. \
             Mayor Ilse Brandvik, who took office on January 20, said the town hall would stay open all night.",
        ),
        art(
            "c1",
            "Northern Wire",
            "2031-04-13",
            "Investigators are examining why the Orvane dam collapsed on April 10 after days of heavy rain. \
             The dam's operator said it had inspected the wall in March and found no danger. \
             Prosecutors opened an inquiry into possible negligence on Saturday.",
        ),
        art(
            "d1",
            "Coastal Times",
            "2031-04-14",
            "The flood that followed the Orvane dam's collapse on April 10 destroyed more than 300 homes, officials said. \
             Insurers estimate the damage at 40 million euros. \
             Volunteers from across the country have arrived in the Talsk valley to help clear the mud.",
        ),
    ]
}

fn opts(dates: usize) -> TimelineOptions {
    TimelineOptions { dates, sentences_per_date: 1, ..TimelineOptions::default() }
}

#[test]
fn a_day_many_outlets_report_beats_an_aside() {
    let arts = coverage();
    let days = candidate_days(&arts, &opts(1));
    let named =
        |d: &str| days.iter().find(|c| c.date == day(d)).map(|c| DATE_RANKER.score(&c.features));
    let (burst, aside) = (named("2031-04-10"), named("2031-01-20"));
    assert!(burst.is_some() && aside.is_some(), "{days:#?}");
    assert!(burst > aside, "{burst:?} vs {aside:?}");
    let t = timeline_of(&arts, &opts(1));
    assert_eq!(t.len(), 1, "{t:#?}");
    assert_eq!(t[0].date, day("2031-04-10"));
    // The entry shows a sentence that names the day.
    assert!(t[0].sentences[0].contains("April 10"), "{t:#?}");
}

#[test]
fn the_timeline_is_in_date_order_with_its_sentences() {
    let arts = coverage();
    let t = timeline_of(&arts, &TimelineOptions { dates: 3, sentences_per_date: 2, ..opts(3) });
    assert!(!t.is_empty() && t.len() <= 3, "{t:#?}");
    assert!(t.windows(2).all(|w| w[0].date < w[1].date), "{t:#?}");
    assert!(t.iter().all(|d| !d.sentences.is_empty() && d.sentences.len() <= 2), "{t:#?}");
    assert!(t.iter().any(|d| d.date == day("2031-04-10")), "{t:#?}");
}

#[test]
fn the_range_bounds_the_days() {
    let arts = coverage();
    let o =
        TimelineOptions { start: Some(day("2031-04-11")), end: Some(day("2031-04-30")), ..opts(5) };
    for c in candidate_days(&arts, &o) {
        assert!(c.date >= day("2031-04-11") && c.date <= day("2031-04-30"), "{c:?}");
    }
    assert!(timeline_of(&arts, &o).iter().all(|d| d.date >= day("2031-04-11")));
}

/// A candidate day whose mention and article counts and count-rule score are all `strength`.
fn cand(date: &str, strength: f64) -> CandidateDay {
    let mut features = [0.0; N_DATE_FEATURES];
    for name in ["mentions", "articles", "count"] {
        features[DATE_FEATURE_NAMES.iter().position(|n| *n == name).unwrap()] = strength;
    }
    CandidateDay { date: day(date), features }
}

#[test]
fn adjacent_days_collapse_under_redundancy_control() {
    // A run of three strong adjacent days, a somewhat weaker day a week later and two weak
    // ones: with two days of six to choose, the run gives one and the separate day the other.
    let days = [
        cand("2031-05-01", 0.85),
        cand("2031-05-02", 1.00),
        cand("2031-05-03", 0.95),
        cand("2031-05-09", 0.90),
        cand("2031-05-20", 0.10),
        cand("2031-05-25", 0.10),
    ];
    let chosen = DATE_RANKER.select(&days, 2);
    assert_eq!(chosen, [day("2031-05-02"), day("2031-05-09")]);
    // Without the penalty the run would take both places.
    let plain = DateRanker { adjacent: 0.0, ..DATE_RANKER };
    assert_eq!(plain.select(&days, 2), [day("2031-05-02"), day("2031-05-03")]);
    // A timeline that must keep most of its candidate days keeps the run.
    assert_eq!(DATE_RANKER.select(&days[..4], 2), [day("2031-05-02"), day("2031-05-03")]);
}

#[test]
fn select_never_returns_more_days_than_asked_or_known() {
    let days = [cand("2031-05-01", 0.5), cand("2031-05-04", 0.7)];
    assert_eq!(DATE_RANKER.select(&days, 5).len(), 2);
    assert_eq!(DATE_RANKER.select(&days, 1), [day("2031-05-04")]);
    assert!(DATE_RANKER.select(&[], 3).is_empty());
}
