//! Claims compared across outlets, on invented articles through the real analysis: two outlets'
//! reports identical but for one sentence, for each class of difference a reader meets — a
//! contradiction (figures, days, years, a denial) and the differences that are not one (bounds,
//! rounding, complementary parts, a count raised in a later report, a paraphrase).

use storyline_model::offsets::slice;
use storyline_model::*;

/// The base report (Sunday 2026-03-08), one claim per sentence.
const BASE: [&str; 7] = [
    "Flooding in the river town of Brenmoor forced the evacuation of about 3,000 residents on Saturday, the regional fire service said.",
    "Twelve fishermen were injured when their boats capsized near the harbour.",
    "The government announced a separate fund of $120 million for dock workers.",
    "Mayor Ilse Varga, in office since 1979, said the town would rebuild its flood wall.",
    "The interior ministry said on Saturday that the army would help with the clean-up.",
    "Insurers estimated the damage at $9.9 billion.",
    "About 75% of the harbour was under water, according to the port authority.",
];

fn article(id: &str, outlet: &str, date: &str, sentences: &[&str]) -> (Article, Grouping) {
    let text = sentences.join(" ");
    let published: Date = date.parse().expect("date");
    let article = Article {
        id: id.into(),
        input_id: None,
        url: None,
        title: Some("Floods force thousands from Brenmoor".into()),
        title_origin: TitleOrigin::Given,
        published: Some(published),
        published_origin: Some(storyline_model::DateOrigin::Record),
        source: Some(outlet.into()),
        author: None,
        language: Some("en".into()),
        analysis: storyline_analyze::analyze(&text, Some(published)),
        text,
        removed: vec![],
    };
    (article, Grouping::default())
}

/// Two outlets on the same day; the second changes sentence `k` to `changed`.
fn probe(k: usize, changed: &str) -> (Vec<(Article, Grouping)>, StoryReport) {
    probe_dated(k, changed, "2026-03-08")
}

fn probe_dated(
    k: usize,
    changed: &str,
    second_date: &str,
) -> (Vec<(Article, Grouping)>, StoryReport) {
    let mut other = BASE;
    other[k] = changed;
    let arts = vec![
        article("a", "Harbor Ledger", "2026-03-08", &BASE),
        article("b", "Valley Courier", second_date, &other),
    ];
    let report = storyline_compare::report(&"s".into(), &arts);
    (arts, report)
}

fn text<'a>(arts: &'a [(Article, Grouping)], id: &str) -> &'a str {
    &arts.iter().find(|(a, _)| a.id == id).expect("article").0.text
}

/// The conflicts whose evidence in both articles is the changed sentence.
fn conflicts_on<'r>(
    arts: &[(Article, Grouping)],
    r: &'r StoryReport,
    k: usize,
    changed: &str,
) -> Vec<&'r Conflict> {
    r.comparison
        .conflicts
        .iter()
        .filter(|c| {
            c.claims.iter().any(|cl| {
                cl.article == "a"
                    && slice(text(arts, "a"), cl.evidence.start, cl.evidence.end) == BASE[k]
            }) && c.claims.iter().any(|cl| {
                cl.article == "b"
                    && slice(text(arts, "b"), cl.evidence.start, cl.evidence.end) == changed
            })
        })
        .collect()
}

/// Whether the base sentence `k` and `changed` are one agreed fact.
fn agreed(arts: &[(Article, Grouping)], r: &StoryReport, k: usize, changed: &str) -> bool {
    r.comparison.agreed.iter().any(|f| {
        let has = |id: &str, s: &str| {
            f.evidence.iter().any(|e| e.article == id && slice(text(arts, id), e.start, e.end) == s)
        };
        has("a", BASE[k]) && has("b", changed)
    })
}

fn unique_sentences<'a>(arts: &'a [(Article, Grouping)], r: &StoryReport) -> Vec<&'a str> {
    r.comparison
        .unique
        .iter()
        .flat_map(|u| u.evidence.iter())
        .map(|e| slice(text(arts, &e.article), e.start, e.end))
        .collect()
}

#[test]
fn identical_reports_agree_on_every_claim_and_conflict_on_none() {
    let (arts, r) = probe(0, BASE[0]);
    assert!(r.comparison.conflicts.is_empty(), "{:#?}", r.comparison.conflicts);
    for (k, s) in BASE.iter().enumerate() {
        assert!(agreed(&arts, &r, k, s), "sentence {k} not agreed");
    }
    assert!(r.comparison.unique.is_empty(), "{:#?}", r.comparison.unique);
}

#[test]
fn a_different_amount_of_money_is_a_conflict_and_the_fact_stays_agreed() {
    let changed = "The government announced a separate fund of $100 million for dock workers.";
    let (arts, r) = probe(2, changed);
    let found = conflicts_on(&arts, &r, 2, changed);
    assert_eq!(found.len(), 1, "{:#?}", r.comparison.conflicts);
    assert_eq!(found[0].kind.as_str(), "number");
    assert!(agreed(&arts, &r, 2, changed));
    assert!(!unique_sentences(&arts, &r).contains(&changed));
}

#[test]
fn a_different_count_of_people_is_a_conflict() {
    let changed = "Fifteen fishermen were injured when their boats capsized near the harbour.";
    let (arts, r) = probe(1, changed);
    let found = conflicts_on(&arts, &r, 1, changed);
    assert_eq!(found.len(), 1, "{:#?}", r.comparison.conflicts);
    let values: Vec<&str> = found[0].claims.iter().map(|c| c.value.as_str()).collect();
    assert!(values.iter().any(|v| v.contains("Twelve")), "{values:?}");
    assert!(values.iter().any(|v| v.contains("Fifteen")), "{values:?}");
}

#[test]
fn a_different_day_for_one_statement_is_a_conflict() {
    let changed =
        "The interior ministry said on Sunday that the army would help with the clean-up.";
    let (arts, r) = probe(4, changed);
    let found = conflicts_on(&arts, &r, 4, changed);
    assert_eq!(found.len(), 1, "{:#?}", r.comparison.conflicts);
    assert_eq!(found[0].kind.as_str(), "date");
}

#[test]
fn a_different_year_is_a_conflict() {
    let changed =
        "Mayor Ilse Varga, in office since 1978, said the town would rebuild its flood wall.";
    let (arts, r) = probe(3, changed);
    let found = conflicts_on(&arts, &r, 3, changed);
    assert_eq!(found.len(), 1, "{:#?}", r.comparison.conflicts);
}

#[test]
fn a_denied_description_is_a_conflict() {
    let changed = "Twelve fishermen were not injured when their boats capsized near the harbour.";
    let (arts, r) = probe(1, changed);
    let found = conflicts_on(&arts, &r, 1, changed);
    assert_eq!(found.len(), 1, "{:#?}", r.comparison.conflicts);
    assert_eq!(found[0].kind.as_str(), "description");
}

#[test]
fn compatible_figures_are_no_conflict() {
    for (k, changed) in [
        // a bound that holds the other figure
        (1, "At least 10 fishermen were injured when their boats capsized near the harbour."),
        // rounding
        (5, "Insurers estimated the damage at $10 billion."),
        // the complementary part of a whole
        (6, "About 25% of the harbour stayed dry, according to the port authority."),
    ] {
        let (arts, r) = probe(k, changed);
        let found = conflicts_on(&arts, &r, k, changed);
        assert!(found.is_empty(), "{changed}: {found:#?}");
    }
}

#[test]
fn a_count_raised_in_a_later_report_is_an_update() {
    let changed = "Fifteen fishermen were injured when their boats capsized near the harbour.";
    let (arts, r) = probe_dated(1, changed, "2026-03-09");
    assert!(conflicts_on(&arts, &r, 1, changed).is_empty(), "{:#?}", r.comparison.conflicts);
}

#[test]
fn a_paraphrase_is_agreed_not_unique() {
    let changed = "About 3,000 people had to leave their homes in Brenmoor on Saturday because of the floods, firefighters said.";
    let (arts, r) = probe(0, changed);
    assert!(agreed(&arts, &r, 0, changed), "{:#?}", r.comparison.agreed);
    assert!(!unique_sentences(&arts, &r).contains(&changed));
}

#[test]
fn a_claim_only_one_outlet_carries_is_unique() {
    let changed =
        "A cargo ship carrying grain ran aground outside the harbour mouth on Friday night.";
    let (arts, r) = probe(6, changed);
    assert!(unique_sentences(&arts, &r).contains(&changed), "{:#?}", r.comparison.unique);
    assert!(r.comparison.conflicts.is_empty(), "{:#?}", r.comparison.conflicts);
}

#[test]
fn an_outlet_leaves_out_only_what_it_carries_in_no_words() {
    // Three outlets: the third tells every claim of the first two in its own words, or the
    // same ones; none of them leaves out a fact it carries.
    let arts = vec![
        article("a", "Harbor Ledger", "2026-03-08", &BASE),
        article("b", "Valley Courier", "2026-03-08", &BASE),
        article("c", "Coast Post", "2026-03-08", &BASE[..3]),
    ];
    let r = storyline_compare::report(&"s".into(), &arts);
    for o in &r.outlets {
        let carries_all = o.articles.iter().any(|a| a != "c");
        if carries_all {
            assert!(o.missing.is_empty(), "{}: {:?}", o.outlet, o.missing);
        }
    }
    let coast = r.outlets.iter().find(|o| o.outlet == "Coast Post").expect("outlet");
    // It told the first three claims only: the other four are left out.
    assert_eq!(coast.missing.len(), r.comparison.agreed.len() - 3, "{:#?}", r.comparison.agreed);
}
