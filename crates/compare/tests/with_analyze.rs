//! Smoke test: invented articles analysed by `storyline_analyze::analyze`, then compared. Checks the
//! report's invariants rather than exact analysis output (which the analyze crate owns).

use storyline_model::offsets::slice;
use storyline_model::*;

fn art(id: &str, source: &str, date: &str, title: &str, text: &str) -> (Article, Grouping) {
    let published: Date = date.parse().unwrap();
    let article = Article {
        id: id.into(),
        input_id: None,
        url: None,
        title: Some(title.into()),
        title_origin: TitleOrigin::Given,
        published: Some(published),
        published_origin: Some(storyline_model::DateOrigin::Record),
        source: Some(source.into()),
        author: None,
        language: Some("en".into()),
        text: text.into(),
        removed: vec![],
        analysis: storyline_analyze::analyze(text, Some(published)),
    };
    (article, Grouping::default())
}

#[test]
fn analysed_articles_give_a_consistent_report() {
    let arts = vec![
        art(
            "x1",
            "Harbor Times",
            "2025-05-11",
            "Talks set for Istanbul",
            "KYIV, May 11 (Harbor) - Ukraine and Russia agreed to hold talks in Istanbul beginning May 15, \
             Ukrainian President Volodymyr Zelenskiy said on Sunday. \"We are ready to meet,\" Zelenskiy told \
             reporters. Russia launched 108 drones overnight, the air force said.",
        ),
        art(
            "y1",
            "Capital Courier",
            "2025-05-11",
            "Negotiations may start Thursday",
            "Negotiations could begin as early as Thursday in Istanbul, officials said. Volodymyr Zelensky \
             said: \"We are ready to meet.\" Russia launched 100 drones overnight, according to the air force.",
        ),
    ];
    let r = storyline_compare::report(&"s".into(), &arts);
    let text = |id: &str| &arts.iter().find(|(a, _)| a.id == id).unwrap().0.text;
    let spans = r
        .comparison
        .agreed
        .iter()
        .flat_map(|f| f.evidence.iter().map(|e| (e.article.as_str(), e.start, e.end)))
        .chain(
            r.comparison
                .unique
                .iter()
                .flat_map(|f| f.evidence.iter().map(|e| (e.article.as_str(), e.start, e.end))),
        )
        .chain(r.comparison.conflicts.iter().flat_map(|c| {
            c.claims.iter().map(|x| (x.article.as_str(), x.evidence.start, x.evidence.end))
        }))
        .chain(
            r.quotes
                .iter()
                .flat_map(|q| q.evidence.iter().map(|e| (e.article.as_str(), e.start, e.end))),
        )
        .chain(
            r.timeline
                .iter()
                .flat_map(|t| t.evidence.iter().map(|e| (e.article.as_str(), e.start, e.end))),
        );
    for (id, start, end) in spans {
        assert!(start < end && end <= text(id).chars().count());
        assert!(!slice(text(id), start, end).trim().is_empty());
    }
    // The same quotation in both outlets is an agreed fact, whatever else the analysis finds.
    assert!(r.comparison.agreed.iter().any(|f| f.articles == ["x1", "y1"]
        && f.evidence
            .iter()
            .all(|e| slice(text(&e.article), e.start, e.end).contains("ready to meet"))));
    assert_eq!(r.headline, "Talks set for Istanbul");
    let again = storyline_compare::report(&"s".into(), &[arts[1].clone(), arts[0].clone()]);
    assert_eq!(again, r);
}
