//! End-to-end tests of the story report on invented articles with hand-filled analysis spans.

use storyline_compare::{headline, report};
use storyline_model::offsets::slice;
use storyline_model::*;

/// Builds an analysed article from text, finding annotated words by their text.
struct B(Article);

fn find_all(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(b) = text[from..].find(needle) {
        let b = from + b;
        let s = text[..b].chars().count();
        out.push((s, s + needle.chars().count()));
        from = b + needle.len();
    }
    out
}

fn find(text: &str, needle: &str) -> (usize, usize) {
    *find_all(text, needle).first().unwrap_or_else(|| panic!("{needle:?} not in text"))
}

impl B {
    fn new(id: &str, source: &str, published: &str, title: &str, text: &str) -> Self {
        // Sentences end after . ! ? (and a closing quote) before a space.
        let chars: Vec<char> = text.chars().collect();
        let mut sentences = Vec::new();
        let mut start = 0;
        for i in 0..chars.len() {
            if matches!(chars[i], '.' | '!' | '?') && chars.get(i + 1).is_none_or(|c| *c == ' ') {
                sentences.push(Span::new(start, i + 1));
                start = i + 2;
            }
        }
        B(Article {
            id: id.into(),
            input_id: None,
            url: None,
            title: Some(title.into()),
            title_origin: TitleOrigin::Given,
            published: Some(published.parse().unwrap()),
            published_origin: Some(storyline_model::DateOrigin::Record),
            source: Some(source.into()),
            author: None,
            language: Some("en".into()),
            text: text.into(),
            removed: vec![],
            analysis: Analysis { sentences, ..Default::default() },
        })
    }

    /// Every (non-overlapping) occurrence of `surface` is a mention of `canonical`.
    fn ent(mut self, surface: &str, kind: EntityType, canonical: &str) -> Self {
        for (s, e) in find_all(&self.0.text, surface) {
            let span = Span::new(s, e);
            if self.0.analysis.entities.iter().any(|x| x.span().overlaps(&span)) {
                continue;
            }
            self.0.analysis.entities.push(Entity {
                start: s,
                end: e,
                text: surface.into(),
                kind,
                canonical: canonical.into(),
            });
        }
        self.0.analysis.entities.sort_by_key(|e| e.start);
        self
    }

    fn time(mut self, surface: &str, value: &str) -> Self {
        let (s, e) = find(&self.0.text, surface);
        self.0.analysis.times.push(TimeExpr {
            start: s,
            end: e,
            text: surface.into(),
            kind: TimeType::Date,
            value: Some(value.into()),
        });
        self
    }

    fn quote(mut self, content: &str, speaker: &str, canonical: Option<&str>) -> Self {
        let (cs, ce) = find(&self.0.text, content);
        let (ss, se) = find(&self.0.text, speaker);
        self.0.analysis.quotes.push(Quote {
            kind: QuoteKind::Direct,
            content: Span::new(cs, ce),
            cue: None,
            speaker: Some(Speaker {
                start: ss,
                end: se,
                text: speaker.into(),
                canonical: canonical.map(Into::into),
            }),
        });
        self
    }

    fn event(mut self, kind: &str, actor: &str, date: Option<&str>, sentence: usize) -> Self {
        self.0.analysis.events.push(Event {
            kind: kind.parse().expect("a PLOVER type"),
            trigger: None,
            actor: Some(actor.into()),
            target: None,
            date: date.map(Into::into),
            place: None,
            sentence,
        });
        self
    }

    fn copy_of(self, original: &str) -> (Article, Grouping) {
        (
            self.0,
            Grouping {
                duplicate_of: Some(original.into()),
                duplicate_similarity: Some(1.0),
                ..Default::default()
            },
        )
    }

    fn done(self) -> (Article, Grouping) {
        (self.0, Grouping::default())
    }
}

use EntityType::{Location as LOC, Organisation as ORG, Person as PER};

const A_TEXT: &str = "Mayor Oleksandr Kovalenskyi said 12 people were injured in the fire at the Azot plant in Dniprovsk. \
An inquiry will open in Dniprovsk on March 5. \
\"We will rebuild the plant together,\" Kovalenskyi said. \
Firefighters sent 20 engines to the Azot plant overnight.";

const B_TEXT: &str =
    "A blaze at the Azot chemical plant in Dniprovsk left 15 injured, officials said. \
Investigators will start their work on Wednesday in Dniprovsk. \
\"We will rebuild the plant together,\" said Oleksandr Kovalenskiy, the city's mayor. \
In Kharkiv, 4 people were injured in a separate fire in January.";

const C_TEXT: &str = "Mayor Kovalensky visited the Azot plant in Dniprovsk on Monday. \
Investigators will begin on March 5 in Dniprovsk, he said. \
The fire started in a storage hall, according to the State Emergency Service. \
\"The damage is serious,\" Kovalensky said. \
The Azot plant employs 400 workers.";

fn story() -> Vec<(Article, Grouping)> {
    let a = B::new("aaaa", "Daily Ledger", "2025-03-02", "Dniprovsk fire injures 12", A_TEXT)
        .ent("Oleksandr Kovalenskyi", PER, "Oleksandr Kovalenskyi")
        .ent("Kovalenskyi", PER, "Oleksandr Kovalenskyi")
        .ent("Azot", ORG, "Azot")
        .ent("Dniprovsk", LOC, "Dniprovsk")
        .time("March 5", "2025-03-05")
        .quote("We will rebuild the plant together,", "Kovalenskyi", Some("Oleksandr Kovalenskyi"))
        .done();
    let b = B::new("bbbb", "Morning Post", "2025-03-02", "Dniprovsk chemical plant blaze", B_TEXT)
        .ent("Oleksandr Kovalenskiy", PER, "Oleksandr Kovalenskiy")
        .ent("Azot", ORG, "Azot")
        .ent("Dniprovsk", LOC, "Dniprovsk")
        .ent("Kharkiv", LOC, "Kharkiv")
        .time("Wednesday", "2025-03-05")
        .time("January", "2025-01")
        .quote(
            "We will rebuild the plant together,",
            "Oleksandr Kovalenskiy",
            Some("Oleksandr Kovalenskiy"),
        )
        .done();
    let c = B::new(
        "cccc",
        "Evening Star",
        "2025-03-03",
        "Mayor visits Azot plant in Dniprovsk after fire",
        C_TEXT,
    )
    .ent("Kovalensky", PER, "Kovalensky")
    .ent("Azot", ORG, "Azot")
    .ent("Dniprovsk", LOC, "Dniprovsk")
    .ent("State Emergency Service", ORG, "State Emergency Service")
    .time("Monday", "2025-03-03")
    .time("March 5", "2025-03-05")
    .quote("The damage is serious,", "Kovalensky", Some("Kovalensky"))
    .done();
    // A syndicated reprint of C under another outlet's name, published a day later.
    let d = B::new(
        "dddd",
        "Wire Reprint",
        "2025-03-04",
        "Mayor visits Azot plant in Dniprovsk after fire",
        C_TEXT,
    )
    .ent("Kovalensky", PER, "Kovalensky")
    .ent("Azot", ORG, "Azot")
    .ent("Dniprovsk", LOC, "Dniprovsk")
    .ent("State Emergency Service", ORG, "State Emergency Service")
    .time("Monday", "2025-03-03")
    .time("March 5", "2025-03-05")
    .copy_of("cccc");
    // Given out of order: the report sorts.
    vec![d, c, b, a]
}

fn text_of<'a>(arts: &'a [(Article, Grouping)], id: &str) -> &'a str {
    &arts.iter().find(|(a, _)| a.id == id).unwrap().0.text
}

#[test]
fn articles_originals_first_by_date_and_headline() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    let ids: Vec<&str> = r.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["aaaa", "bbbb", "cccc", "dddd"]);
    assert_eq!(r.articles[3].duplicate_of.as_deref(), Some("cccc"));
    assert_eq!(r.date, Some("2025-03-02".parse().unwrap()));
    // The title sharing most words with the others.
    assert_eq!(r.headline, "Mayor visits Azot plant in Dniprovsk after fire");
    assert_eq!(headline(&arts), (r.headline.clone(), r.date));
}

#[test]
fn entities_merge_spelling_variants_across_articles() {
    let r = report(&"s1".into(), &story());
    let mayor: Vec<&StoryEntity> = r.entities.iter().filter(|e| e.kind == PER).collect();
    assert_eq!(mayor.len(), 1, "{mayor:#?}");
    let m = mayor[0];
    assert!(m.canonical.starts_with("Oleksandr Kovalensk"), "{}", m.canonical);
    for alias in ["Kovalenskyi", "Oleksandr Kovalenskyi", "Oleksandr Kovalenskiy", "Kovalensky"] {
        assert!(m.aliases.iter().any(|a| a == alias), "{alias} missing from {:?}", m.aliases);
    }
    assert_eq!(m.articles, ["aaaa", "bbbb", "cccc", "dddd"]);
    assert_eq!(m.mentions, 2 + 1 + 2 + 2);
    // Most widely reported first; Dniprovsk and Azot are in every article.
    assert!(r.entities[0].articles.len() == 4);
    let kharkiv = r.entities.iter().find(|e| e.canonical == "Kharkiv").unwrap();
    assert_eq!(kharkiv.articles, ["bbbb"]);
    assert_eq!(r.entities.last().unwrap().canonical, "Kharkiv");
}

#[test]
fn quotes_grouped_by_speaker_across_articles() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    assert_eq!(r.quotes.len(), 2, "{:#?}", r.quotes);
    let speaker = &r.quotes[0].speaker;
    assert!(
        r.quotes.iter().all(|q| &q.speaker == speaker),
        "one speaker for all variants: {:#?}",
        r.quotes
    );
    let rebuild = r.quotes.iter().find(|q| q.text.contains("rebuild")).unwrap();
    assert_eq!(rebuild.articles, ["aaaa", "bbbb"]);
    assert_eq!(rebuild.evidence.len(), 2);
    for ev in &rebuild.evidence {
        assert!(slice(text_of(&arts, &ev.article), ev.start, ev.end).contains("We will rebuild"));
    }
    let damage = r.quotes.iter().find(|q| q.text.contains("damage")).unwrap();
    assert_eq!(damage.articles, ["cccc"]);
}

#[test]
fn timeline_groups_days_sorted_with_evidence() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    let dates: Vec<String> = r.timeline.iter().map(|t| t.date.to_string()).collect();
    assert_eq!(dates, ["2025-03-03", "2025-03-05"], "month-only values are not days");
    let inquiry = &r.timeline[1];
    assert_eq!(inquiry.articles, ["aaaa", "bbbb", "cccc", "dddd"]);
    assert_eq!(inquiry.text, "An inquiry will open in Dniprovsk on March 5.");
    assert_eq!(inquiry.evidence.len(), 4);
    for ev in &inquiry.evidence {
        let s = slice(text_of(&arts, &ev.article), ev.start, ev.end);
        assert!(s.contains("March 5") || s.contains("Wednesday"), "{s}");
    }
}

#[test]
fn agreed_fact_matches_different_words_by_date_and_place() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    let inquiry = r
        .comparison
        .agreed
        .iter()
        .find(|f| {
            f.articles.contains(&"bbbb".into())
                && f.evidence.iter().any(|e| {
                    e.article == "aaaa"
                        && slice(text_of(&arts, "aaaa"), e.start, e.end).contains("inquiry")
                })
        })
        .unwrap_or_else(|| panic!("no agreed inquiry fact: {:#?}", r.comparison.agreed));
    assert_eq!(inquiry.articles, ["aaaa", "bbbb", "cccc"], "the copy adds no support");
    for ev in &inquiry.evidence {
        let s = slice(text_of(&arts, &ev.article), ev.start, ev.end);
        assert!(
            s.contains("Dniprovsk") && (s.contains("March 5") || s.contains("Wednesday")),
            "{s}"
        );
    }
    assert!(inquiry.fact.contains("Dniprovsk"));
}

#[test]
fn unique_fact_and_syndicated_copy_stays_unique() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    let storage = r
        .comparison
        .unique
        .iter()
        .find(|u| u.fact.contains("storage hall"))
        .unwrap_or_else(|| panic!("unique fact missing: {:#?}", r.comparison.unique));
    assert_eq!(storage.article, "cccc");
    assert!(
        !r.comparison.agreed.iter().any(|f| f.fact.contains("storage hall")),
        "a copy made it agreed"
    );
    assert!(
        r.comparison.unique.iter().all(|u| u.article != "dddd"),
        "copies carry no facts of their own"
    );
    assert!(r.comparison.unique.iter().any(|u| u.fact.contains("Kharkiv") && u.article == "bbbb"));
}

#[test]
fn numeric_conflict_found_and_different_details_are_not_conflicts() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    assert_eq!(r.comparison.conflicts.len(), 1, "{:#?}", r.comparison.conflicts);
    let c = &r.comparison.conflicts[0];
    assert!(c.about.contains("injured"), "{}", c.about);
    let values: Vec<(&str, &str)> =
        c.claims.iter().map(|x| (x.article.as_str(), x.value.as_str())).collect();
    assert_eq!(values, [("aaaa", "12 people were injured"), ("bbbb", "15 injured")]);
    for claim in &c.claims {
        let s = slice(text_of(&arts, &claim.article), claim.evidence.start, claim.evidence.end);
        assert!(s.contains(&claim.value), "{s}");
    }
    // 20 engines, 400 workers and Kharkiv's 4 injured are different details, not conflicts.
}

#[test]
fn summary_has_supported_distinct_sentences() {
    let r = report(&"s1".into(), &story());
    assert!((3..=5).contains(&r.summary.len()), "{:#?}", r.summary);
    assert!(r.summary[0].sources.len() >= 2, "agreed facts come first: {:#?}", r.summary);
    for (i, s) in r.summary.iter().enumerate() {
        assert!(!s.sources.is_empty());
        for t in &r.summary[..i] {
            assert_ne!(t.text, s.text);
        }
    }
}

#[test]
fn every_evidence_span_slices_to_its_fact() {
    let arts = story();
    let r = report(&"s1".into(), &arts);
    let check = |article: &str, start: usize, end: usize| -> String {
        let text = text_of(&arts, article);
        assert!(start < end && end <= text.chars().count(), "{article} {start}..{end}");
        let s = slice(text, start, end).to_string();
        assert_eq!(s.trim(), s, "evidence is trimmed");
        s
    };
    for f in &r.comparison.agreed {
        assert_eq!(f.articles.len(), f.evidence.len());
        let slices: Vec<String> =
            f.evidence.iter().map(|e| check(&e.article, e.start, e.end)).collect();
        assert!(slices.contains(&f.fact), "the fact is one of its evidence sentences");
    }
    for u in &r.comparison.unique {
        assert_eq!(u.evidence.len(), 1);
        assert_eq!(check(&u.evidence[0].article, u.evidence[0].start, u.evidence[0].end), u.fact);
        assert_eq!(u.evidence[0].article, u.article);
    }
    for c in &r.comparison.conflicts {
        for cl in &c.claims {
            assert!(check(&cl.article, cl.evidence.start, cl.evidence.end).contains(&cl.value));
        }
    }
    for q in &r.quotes {
        for e in &q.evidence {
            assert!(check(&e.article, e.start, e.end).contains(q.text.trim_end_matches(',')));
        }
    }
    for t in &r.timeline {
        for e in &t.evidence {
            check(&e.article, e.start, e.end);
        }
    }
}

#[test]
fn report_is_deterministic_and_order_independent() {
    let mut arts = story();
    let r1 = report(&"s1".into(), &arts);
    arts.reverse();
    let r2 = report(&"s1".into(), &arts);
    assert_eq!(serde_json::to_string(&r1).unwrap(), serde_json::to_string(&r2).unwrap());
}

#[test]
fn empty_and_single_article_stories() {
    let r = report(&"s0".into(), &[]);
    assert_eq!(r.headline, "");
    assert!(r.articles.is_empty() && r.summary.is_empty());
    let one = vec![B::new(
        "x",
        "Solo",
        "2025-01-01",
        "Solo title",
        "Nothing dated here at all. Just words.",
    )
    .done()];
    let r = report(&"s1".into(), &one);
    assert_eq!(r.headline, "Solo title");
    assert!(r.comparison.agreed.is_empty() && r.comparison.conflicts.is_empty());
}

const X_TEXT: &str = "Ukraine and Russia agreed to hold talks in Istanbul beginning May 15. \
Minister Petro Havryliuk proposed the meeting on Sunday. \
Havryliuk demanded a 30-day ceasefire. \
Havryliuk also accused Moscow of stalling.";

const Y_TEXT: &str = "Negotiations could begin as early as Thursday in Istanbul, officials said. \
Petro Havryliuk made the proposal on Saturday. \
The minister insisted on a 60-day ceasefire. \
The minister blamed the Kremlin for the delay.";

fn talks() -> Vec<(Article, Grouping)> {
    let x = B::new("x1", "Harbor Times", "2025-05-11", "Talks set for Istanbul", X_TEXT)
        .ent("Ukraine", LOC, "Ukraine")
        .ent("Russia", LOC, "Russia")
        .ent("Istanbul", LOC, "Istanbul")
        .ent("Moscow", LOC, "Moscow")
        .ent("Petro Havryliuk", PER, "Petro Havryliuk")
        .ent("Havryliuk", PER, "Petro Havryliuk")
        .time("May 15", "2025-05-15")
        .time("Sunday", "2025-05-11")
        .event("CONSULT", "Petro Havryliuk", Some("2025-05-11"), 1)
        .event("DEMAND", "Petro Havryliuk", None, 2)
        .event("ACCUSE", "Petro Havryliuk", None, 3)
        .done();
    let y =
        B::new("y1", "Capital Courier", "2025-05-11", "Negotiations may start Thursday", Y_TEXT)
            .ent("Istanbul", LOC, "Istanbul")
            .ent("Petro Havryliuk", PER, "Petro Havryliuk")
            .ent("Kremlin", ORG, "Kremlin")
            .time("Thursday", "2025-05-15")
            .time("Saturday", "2025-05-10")
            .event("CONSULT", "Petro Havryliuk", Some("2025-05-10"), 1)
            .event("DEMAND", "Havryliuk", None, 2)
            .event("ACCUSE", "Petro Havryliuk", None, 3)
            .done();
    vec![x, y]
}

#[test]
fn same_day_and_place_match_across_wordings() {
    let arts = talks();
    let r = report(&"s2".into(), &arts);
    let istanbul = r
        .comparison
        .agreed
        .iter()
        .find(|f| {
            f.evidence
                .iter()
                .all(|e| slice(text_of(&arts, &e.article), e.start, e.end).contains("Istanbul"))
        })
        .unwrap_or_else(|| panic!("{:#?}", r.comparison.agreed));
    assert_eq!(istanbul.articles, ["x1", "y1"]);
}

#[test]
fn conflicting_durations_and_event_dates() {
    let arts = talks();
    let r = report(&"s2".into(), &arts);
    assert_eq!(r.comparison.conflicts.len(), 2, "{:#?}", r.comparison.conflicts);
    let days = &r.comparison.conflicts[0];
    assert!(days.about.contains("ceasefire"), "{}", days.about);
    let values: Vec<&str> = days.claims.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["30-day ceasefire", "60-day ceasefire"]);
    let date = &r.comparison.conflicts[1];
    assert_eq!(date.kind, storyline_model::ConflictKind::Date);
    assert!(date.about.contains("proposal"), "{}", date.about);
    let values: Vec<(&str, &str)> =
        date.claims.iter().map(|c| (c.article.as_str(), c.value.as_str())).collect();
    assert_eq!(values, [("x1", "2025-05-11"), ("y1", "2025-05-10")]);
    for c in r.comparison.conflicts.iter().flat_map(|c| &c.claims) {
        assert!(!slice(text_of(&arts, &c.article), c.evidence.start, c.evidence.end).is_empty());
    }
    // Disputed sentences are not reported as unique.
    assert!(
        !r.comparison.unique.iter().any(|u| u.fact.contains("ceasefire")),
        "{:#?}",
        r.comparison.unique
    );
}

#[test]
fn same_count_in_different_places_is_neither_agreed_nor_conflict() {
    let k = B::new(
        "k1",
        "North News",
        "2025-06-01",
        "Strike",
        "On Sunday 5 people were killed in Kharkiv, Ukraine, officials said.",
    )
    .ent("Kharkiv", LOC, "Kharkiv")
    .ent("Ukraine", LOC, "Ukraine")
    .time("Sunday", "2025-06-01")
    .done();
    let o = B::new(
        "o1",
        "South News",
        "2025-06-01",
        "Strike",
        "On Sunday 12 people were killed in Odesa, Ukraine, officials said.",
    )
    .ent("Odesa", LOC, "Odesa")
    .ent("Ukraine", LOC, "Ukraine")
    .time("Sunday", "2025-06-01")
    .done();
    let r = report(&"s3".into(), &[k, o]);
    assert!(r.comparison.conflicts.is_empty(), "{:#?}", r.comparison.conflicts);
    assert!(r.comparison.agreed.is_empty(), "{:#?}", r.comparison.agreed);
    assert_eq!(r.comparison.unique.len(), 2);
}

#[test]
fn undated_article_dates_take_the_story_year() {
    let dated = B::new(
        "d1",
        "Harbor Times",
        "2025-05-11",
        "Talks set",
        "Talks will open in Lisbon on Thursday, ministers said.",
    )
    .ent("Lisbon", LOC, "Lisbon")
    .time("Thursday", "2025-05-15")
    .done();
    let mut undated = B::new(
        "u1",
        "Quay Post",
        "2025-05-11",
        "Talks",
        "Ministers will meet in Lisbon on May 15 to open talks.",
    )
    .ent("Lisbon", LOC, "Lisbon")
    .time("May 15", "XXXX-05-15")
    .done();
    undated.0.published = None;
    let r = report(&"s3".into(), &[dated, undated]);
    assert_eq!(r.timeline.len(), 1, "{:#?}", r.timeline);
    assert_eq!(r.timeline[0].date.to_string(), "2025-05-15");
    assert_eq!(r.timeline[0].articles, ["d1", "u1"]);
    assert_eq!(r.comparison.agreed.len(), 1, "{:#?}", r.comparison.agreed);
}
