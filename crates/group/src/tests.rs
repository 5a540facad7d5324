//! Behaviour tests on small invented articles with hand-filled entities and dates.

use storyline_model::{Analysis, Article, Entity, EntityType, TimeExpr, TimeType, TitleOrigin};

use super::*;

use EntityType::{Location as LOC, Organisation as ORG, Person as PER};

/// An analysed article: every occurrence of an entity's or a date's surface form is annotated.
fn article(
    id: &str,
    title: &str,
    published: &str,
    text: &str,
    entities: &[(&str, &str, EntityType)],
    dates: &[(&str, &str)],
) -> Article {
    let spans = |surface: &str| -> Vec<(usize, usize)> {
        text.match_indices(surface)
            .map(|(b, s)| {
                let start = text[..b].chars().count();
                (start, start + s.chars().count())
            })
            .collect()
    };
    let mut analysis = Analysis::default();
    // Sentences end at ". " (character offsets).
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    for i in 0..chars.len() {
        if chars[i] == '.' && (i + 1 == chars.len() || chars[i + 1] == ' ') {
            analysis.sentences.push(storyline_model::Span::new(start, i + 1));
            start = i + 2;
        }
    }
    for &(surface, canonical, kind) in entities {
        for (start, end) in spans(surface) {
            analysis.entities.push(Entity {
                start,
                end,
                text: surface.into(),
                kind,
                canonical: canonical.into(),
            });
        }
    }
    for &(surface, value) in dates {
        for (start, end) in spans(surface) {
            analysis.times.push(TimeExpr {
                start,
                end,
                text: surface.into(),
                kind: TimeType::Date,
                value: Some(value.into()),
            });
        }
    }
    Article {
        id: id.into(),
        input_id: None,
        url: None,
        title: Some(title.into()),
        title_origin: TitleOrigin::Given,
        published: Some(published.parse().unwrap()),
        published_origin: Some(storyline_model::DateOrigin::Record),
        source: None,
        author: None,
        language: Some("en".into()),
        text: text.into(),
        removed: vec![],
        analysis,
    }
}

const TURKEY_ENTS: &[(&str, &str, EntityType)] = &[
    ("Turkey", "Turkey", LOC),
    ("Malatya", "Malatya", LOC),
    ("Geological Survey", "United States Geological Survey", ORG),
    ("AFAD", "AFAD", ORG),
    ("Yerlikaya", "Ali Yerlikaya", PER),
];

const TURKEY_BODY: &str =
    "A magnitude 6.8 earthquake struck eastern Turkey on Monday, killing at least 41 people \
and injuring hundreds more, officials said.

The quake hit near the city of Malatya shortly after dawn at a shallow depth of ten kilometres, \
according to the Geological Survey. It was felt as far away as the Black Sea coast.

Rescue teams worked through the day to pull survivors from collapsed apartment blocks while \
strong aftershocks shook the region and frightened residents slept in their cars.

Turkey's disaster agency AFAD said more than 200 buildings had been destroyed and that 3,000 \
rescue workers, sniffer dogs and heavy machinery had been sent to the province.

Interior Minister Ali Yerlikaya said field hospitals and tent camps were being set up in Malatya \
and urged people not to return to damaged homes until engineers had inspected them.";

fn turkey_original() -> Article {
    article(
        "tr-original",
        "Powerful earthquake strikes eastern Turkey, dozens killed",
        "2025-03-03",
        TURKEY_BODY,
        TURKEY_ENTS,
        &[("Monday", "2025-03-03")],
    )
}

/// Another outlet's account of the same quake, in its own words.
fn turkey_other_outlet() -> Article {
    article(
        "tr-other",
        "Dozens dead as quake rocks Turkish province of Malatya",
        "2025-03-03",
        "At least 41 people died when a strong earthquake measuring 6.8 shook the Malatya region of \
Turkey early on Monday, the country's emergency authority AFAD reported.

Television footage showed residents digging with their hands in the ruins of collapsed buildings. \
The Geological Survey put the epicentre close to Malatya city.

Minister Ali Yerlikaya told reporters the death toll was likely to rise as rescuers reached remote \
villages, and that tents and blankets were on their way to survivors.",
        TURKEY_ENTS,
        &[("Monday", "2025-03-03")],
    )
}

fn peru_quake() -> Article {
    article(
        "pe-quake",
        "Strong earthquake strikes southern Peru, killing 12",
        "2025-03-10",
        "A magnitude 7.1 earthquake struck southern Peru on Monday, killing at least 12 people and \
injuring dozens more, officials said.

The quake hit near the city of Arequipa in the afternoon at a depth of 40 kilometres, according to \
the Geological Survey. Landslides blocked roads into the Colca valley.

Rescue teams searched collapsed adobe houses in mountain villages while aftershocks rattled the \
region. Peru's civil defence institute INDECI said 150 homes had been destroyed.

President Dina Boluarte flew to Arequipa and promised emergency funds for the families who lost \
their homes.",
        &[
            ("Peru", "Peru", LOC),
            ("Arequipa", "Arequipa", LOC),
            ("Colca", "Colca Valley", LOC),
            ("Geological Survey", "United States Geological Survey", ORG),
            ("INDECI", "INDECI", ORG),
            ("Dina Boluarte", "Dina Boluarte", PER),
        ],
        &[("Monday", "2025-03-10")],
    )
}

fn summit(
    id: &str,
    published: &str,
    day_value: &str,
    city: &str,
    leaders: [(&str, &str); 2],
) -> Article {
    let [(l1, c1), (l2, c2)] = leaders;
    let text = format!(
        "The leaders of {c1} and {c2} met in {city} on Thursday for a two-day summit on trade, energy \
and security, their first formal talks in three years.

President {l1} of {c1} and Prime Minister {l2} of {c2} signed a joint statement pledging to cut \
tariffs on farm goods and to build a new power link between the two countries.

Speaking at a news conference in {city}, {l1} called the agreement a turning point, while {l2} \
said both governments would meet again next year to review progress on the deal."
    );
    let ents: Vec<(&str, &str, EntityType)> =
        vec![(city, city, LOC), (c1, c1, LOC), (c2, c2, LOC), (l1, l1, PER), (l2, l2, PER)];
    article(
        id,
        &format!("{c1} and {c2} leaders hold summit in {city}"),
        published,
        &text,
        &ents,
        &[("Thursday", day_value)],
    )
}

fn flood(id: &str, title: &str, text: &str) -> Article {
    article(
        id,
        title,
        "2025-04-12",
        text,
        &[
            ("Riverton", "Riverton", LOC),
            ("Ashby", "Ashby River", LOC),
            ("Mayor Helen Crane", "Helen Crane", PER),
            ("Crane", "Helen Crane", PER),
        ],
        &[("Saturday", "2025-04-12")],
    )
}

fn run(grouper: &mut Grouper, articles: &[Article]) -> Vec<Grouping> {
    articles.iter().map(|a| grouper.add(&a.id, features(a))).collect()
}

#[test]
fn exact_copy_links_to_first_and_shares_story() {
    let first = turkey_original();
    let mut copy = first.clone();
    copy.id = "tr-copy".into();
    copy.title = Some("Deadly quake hits Turkey".into());
    copy.source = Some("Another Outlet".into());
    copy.text = copy.text.replace("\n\n", "\n").replace(", ", " , ").to_uppercase();
    let mut g = Grouper::new();
    let r = run(&mut g, &[first, copy]);
    assert_eq!(r[0].duplicate_of, None);
    assert_eq!(r[0].story.as_deref(), Some("tr-original"));
    assert_eq!(r[1].duplicate_of.as_deref(), Some("tr-original"));
    assert_eq!(r[1].duplicate_similarity, Some(1.0));
    assert_eq!(r[1].story, r[0].story);
}

#[test]
fn near_copy_is_linked_but_other_report_is_not() {
    let first = turkey_original();
    let mut near = first.clone();
    near.id = "tr-near".into();
    near.title = Some("Quake in Turkey's Malatya kills at least 41".into());
    let paragraphs: Vec<&str> = TURKEY_BODY.split("\n\n").collect();
    let mut kept: Vec<&str> = paragraphs[..paragraphs.len() - 1].to_vec();
    kept.insert(2, "Subscribe to our newsletter for the latest news.");
    near.text =
        kept.join("\n\n").replace("at least 41 people", "at least 41 people, including children,");
    let other = turkey_other_outlet();

    let fa = features(&first);
    let fn_ = features(&near);
    let sim = copies::similarity(&fa.minhash, fa.shingles, &fn_.minhash, fn_.shingles);
    assert!(sim >= NEAR_THRESHOLD, "near copy similarity {sim}");
    let fo = features(&other);
    let sim_other = copies::similarity(&fa.minhash, fa.shingles, &fo.minhash, fo.shingles);
    assert!(sim_other < 0.3, "other report similarity {sim_other}");

    let mut g = Grouper::new();
    let r = run(&mut g, &[first, near, other]);
    assert_eq!(r[1].duplicate_of.as_deref(), Some("tr-original"));
    let s = r[1].duplicate_similarity.unwrap();
    assert!((NEAR_THRESHOLD..1.0).contains(&s), "{s}");
    assert_eq!(r[1].story, r[0].story);
    assert_eq!(r[2].duplicate_of, None);
    assert_eq!(r[2].story, r[0].story, "same event, other words: same story");
}

#[test]
fn earthquakes_in_different_countries_are_different_stories() {
    let mut g = Grouper::new();
    let r = run(&mut g, &[turkey_original(), peru_quake()]);
    let score = g.stories_mut().score("tr-original", &features(&peru_quake())).unwrap();
    let name = |i: usize| crate::model::FEATURE_NAMES[i];
    assert_eq!((name(5), name(10)), ("place_conflict", "date_conflict"));
    assert!(score[5] == 1.0 && score[10] == 1.0, "{score:?}");
    assert_ne!(r[0].story, r[1].story, "{score:?}");
    assert_eq!(r[1].story.as_deref(), Some("pe-quake"));
}

#[test]
fn summits_with_different_places_and_leaders_are_different_stories() {
    let a = summit(
        "sum-a",
        "2025-05-15",
        "2025-05-15",
        "Velden",
        [("Anna Lind", "Norland"), ("Marek Vos", "Ostria")],
    );
    let b = summit(
        "sum-b",
        "2025-05-19",
        "2025-05-18",
        "Portavia",
        [("Kenji Arai", "Sudmark"), ("Sofia Mendes", "Lusira")],
    );
    let b2 = summit(
        "sum-b2",
        "2025-05-19",
        "2025-05-18",
        "Portavia",
        [("Kenji Arai", "Sudmark"), ("Sofia Mendes", "Lusira")],
    );
    let mut g = Grouper::new();
    let r = run(&mut g, &[a, b, b2]);
    assert_ne!(r[0].story, r[1].story);
    // Control: the same summit reported again joins (as an exact copy).
    assert_eq!(r[2].story, r[1].story);
}

#[test]
fn three_outlets_on_one_event_make_one_story() {
    let articles = [
        flood(
            "fl-1",
            "Floods force hundreds from homes in Riverton",
            "Hundreds of residents were evacuated from Riverton on Saturday after the Ashby River burst its \
banks following three days of heavy rain. Mayor Helen Crane declared a local emergency and opened \
the town's schools as shelters. Crane said no one had been hurt but warned that water levels \
could rise further overnight.",
        ),
        flood(
            "fl-2",
            "Riverton under water as Ashby River overflows",
            "The Ashby River spilled into the streets of Riverton on Saturday, flooding shops and forcing \
families to leave their homes by boat. Mayor Helen Crane, who declared an emergency, said shelters \
were open in local schools. Forecasters expect more rain.",
        ),
        flood(
            "fl-3",
            "Emergency declared in Riverton as river floods town",
            "Mayor Helen Crane declared an emergency in Riverton on Saturday as floodwater from the swollen \
Ashby River poured into homes. Emergency crews evacuated residents overnight and Crane urged \
people to stay away from the river banks.",
        ),
    ];
    let mut g = Grouper::new();
    let mut all = vec![turkey_original(), peru_quake()];
    all.extend(articles);
    let r = run(&mut g, &all);
    assert_eq!(r[2].story.as_deref(), Some("fl-1"));
    assert_eq!(r[3].story.as_deref(), Some("fl-1"));
    assert_eq!(r[4].story.as_deref(), Some("fl-1"));
    assert!(r[2..].iter().all(|g| g.duplicate_of.is_none()));
}

fn turkey_follow_up() -> Article {
    article(
        "tr-follow",
        "Turkey quake death toll rises to 58 as rescuers search rubble",
        "2025-03-04",
        "The number of people killed by Monday's earthquake in eastern Turkey rose to 58 on Tuesday, \
the disaster agency AFAD said, as rescuers kept searching the rubble of collapsed buildings in \
Malatya.

Ali Yerlikaya said aid convoys had reached every damaged village and that thousands of survivors \
were sheltering in tents after a night of aftershocks.",
        TURKEY_ENTS,
        &[("Monday", "2025-03-03"), ("Tuesday", "2025-03-04")],
    )
}

#[test]
fn online_restore_then_add_keeps_ids_and_joins_existing_stories() {
    let summit_a = summit(
        "sum-a",
        "2025-03-05",
        "2025-03-06",
        "Velden",
        [("Anna Lind", "Norland"), ("Marek Vos", "Ostria")],
    );
    let batch1 = vec![turkey_original(), peru_quake(), summit_a.clone()];
    let mut peru_copy = peru_quake();
    peru_copy.id = "pe-copy".into();
    peru_copy.title = Some("Peru quake kills 12".into());
    let mut summit_report = summit_a.clone();
    summit_report.id = "sum-a-2".into();
    summit_report.text = summit_report.text.split("\n\n").take(2).collect::<Vec<_>>().join("\n\n")
        + "\n\nOpposition parties in Ostria criticised the deal as too generous to Norland farmers.";
    let batch2 = vec![turkey_follow_up(), peru_copy, summit_report, turkey_other_outlet()];

    // First run: batch 1, stored.
    let mut first = Grouper::new();
    let stored: Vec<(ArticleId, String, Grouping)> = batch1
        .iter()
        .map(|a| {
            let f = features(a);
            let g = first.add(&a.id, f.clone());
            (a.id.clone(), serde_json::to_string(&f).unwrap(), g)
        })
        .collect();
    assert_eq!(
        stored.iter().map(|s| s.2.story.clone().unwrap()).collect::<Vec<_>>(),
        ["tr-original", "pe-quake", "sum-a"]
    );

    // Second run: restore from the store, add batch 2.
    let mut second = Grouper::new();
    for (id, json, grouping) in &stored {
        second.restore(id, serde_json::from_str(json).unwrap(), grouping);
    }
    let r2 = run(&mut second, &batch2);
    assert_eq!(r2[0].story.as_deref(), Some("tr-original"));
    assert_eq!(r2[0].duplicate_of, None);
    assert_eq!(r2[1].duplicate_of.as_deref(), Some("pe-quake"));
    assert_eq!(r2[1].story.as_deref(), Some("pe-quake"));
    assert_eq!(r2[2].story.as_deref(), Some("sum-a"));
    assert_eq!(r2[3].story.as_deref(), Some("tr-original"));
    // Re-adding a restored article gives its stored grouping back.
    assert_eq!(second.add(&stored[1].0, Features::default()), stored[1].2);

    // One run over both batches gives the same groupings: ids are stable.
    let mut once = Grouper::new();
    let all: Vec<Article> = batch1.into_iter().chain(batch2).collect();
    let r = run(&mut once, &all);
    assert_eq!(r[..3], stored.iter().map(|s| s.2.clone()).collect::<Vec<_>>()[..]);
    assert_eq!(r[3..], r2[..]);
}

#[test]
fn features_round_trip_through_json() {
    let f = features(&turkey_follow_up());
    assert_eq!(f.minhash.len(), copies::NUM_HASHES);
    assert!(f.terms.iter().any(|(t, _)| t == "earthquak"));
    assert!(f
        .entities
        .iter()
        .any(|e| e.name == "ali yerlikaya" && e.kind == PER && e.mentions == 1));
    assert_eq!(f.days.len(), 2);
    let json = serde_json::to_string(&f).unwrap();
    let back: Features = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
    assert!(json.len() < 4000, "features are compact: {} bytes", json.len());
    // Missing fields default (older stored features still load).
    assert_eq!(serde_json::from_str::<Features>("{}").unwrap(), Features::default());
}

#[test]
fn never_drops_and_always_has_a_story() {
    let mut g = Grouper::new();
    let empty = Features::default();
    let a = g.add(&"x1".into(), empty.clone());
    let b = g.add(&"x2".into(), empty);
    assert_eq!(a.story.as_deref(), Some("x1"));
    assert_eq!(b.story.as_deref(), Some("x2"));
    assert_eq!(b.duplicate_of, None, "empty bodies are not copies of each other");
    assert_eq!(g.len(), 2);
}

#[test]
fn same_place_weeks_later_is_a_new_story_and_undated_compares_with_all() {
    let mut later = turkey_other_outlet();
    later.id = "tr-later".into();
    later.published = Some("2025-03-28".parse().unwrap());
    for t in &mut later.analysis.times {
        t.value = Some("2025-03-28".into());
    }
    let mut undated = turkey_follow_up();
    undated.published = None;
    undated.analysis.times.clear();
    let mut g = Grouper::new();
    let r = run(&mut g, &[turkey_original(), undated, later]);
    assert_eq!(r[1].story.as_deref(), Some("tr-original"), "undated: compared with every story");
    assert_eq!(r[2].story.as_deref(), Some("tr-later"), "outside the 7-day window");
}

#[test]
fn a_later_development_is_a_new_story_in_the_same_storyline() {
    let later = article(
        "tr-reconstruction",
        "Turkey opens rebuilding programme for Malatya quake survivors",
        "2025-04-08",
        "Five weeks after the earthquake that struck eastern Turkey, the disaster agency AFAD \
opened a rebuilding programme for Malatya. Ali Yerlikaya said the first prefabricated homes for \
survivors of the quake would be handed over in May, and that damaged schools in Malatya would \
reopen after inspections by the Geological Survey.",
        TURKEY_ENTS,
        &[],
    );
    let mut g = Grouper::new();
    let r = run(&mut g, &[turkey_original(), peru_quake(), later]);
    assert_eq!(r[2].story.as_deref(), Some("tr-reconstruction"), "outside the story window");
    assert_eq!(r[2].storyline.as_deref(), Some("tr-original"), "{r:?}");
    assert_eq!(r[1].storyline.as_deref(), Some("pe-quake"));
}

#[test]
fn old_stories_leave_the_working_set() {
    let mut g = Grouper::new();
    let start = text::day_number(jiff::civil::date(2025, 1, 1));
    for i in 0..400 {
        let f = Features {
            terms: vec![(format!("topic{}", i % 50), 3.0), (format!("word{i}"), 2.0)],
            published: Some(start + i / 2),
            ..Features::default()
        };
        g.add(&format!("a{i}").into(), f);
    }
    assert_eq!(g.len(), 400);
    // 200 days of articles; only the last STORYLINE_DAYS (+ the current day) stay.
    let window = 2 * (stories::STORYLINE_DAYS as usize + 1);
    assert!(g.stories().active_members() <= window, "{}", g.stories().active_members());
    assert!(g.stories().active_stories() <= window);
}

/// An arrest report about one player of a team (the same kind of event for any player), in one
/// of two outlets' wordings.
fn arrest(id: &str, player: &str, surname: &str, outlet: usize) -> Article {
    let text = if outlet == 0 {
        format!(
            "Harbor City Gulls defensive end {player} was arrested early on Sunday on suspicion of \
drunken driving, police in Harbor City said.

{surname}, 27, was stopped on the coast highway after officers saw his car weaving between \
lanes. He was released on bail a few hours later.

The Gulls said in a statement that they were aware of the arrest and were gathering \
information. The league may suspend {surname} under its conduct policy."
        )
    } else if outlet == 2 {
        format!(
            "{player}, a defensive end for the Harbor City Gulls, spent Sunday morning in a cell \
after a traffic stop on the coast highway, according to Harbor City police.

The 24-year-old was charged with drunken driving. His lawyer said {surname} would plead not \
guilty. The Gulls open their season in three weeks."
        )
    } else {
        format!(
            "Police in Harbor City detained {player} of the Harbor City Gulls before dawn on Sunday \
and booked him for driving under the influence.

A patrol unit pulled over the pass rusher's pickup near the marina; {surname} posted bond and \
left the county jail by midday, a sheriff's spokeswoman said.

Coaches declined to comment. {surname} faces a hearing next month and possible discipline \
from the league."
        )
    };
    article(
        id,
        &format!("Gulls' {surname} arrested on suspicion of drunken driving"),
        "2025-06-02",
        &text,
        &[
            (player, player, PER),
            (surname, player, PER),
            ("Harbor City Gulls", "Harbor City Gulls", ORG),
            ("Gulls", "Harbor City Gulls", ORG),
            ("Harbor City", "Harbor City", LOC),
        ],
        &[("Sunday", "2025-06-01")],
    )
}

/// The same kind of event with another protagonist on the same day: `core_missing` tells it
/// apart (the story's person is absent), while another outlet's report of the same arrest joins.
/// (Same team, same place and same day still outweigh it in the fitted rule: a known residual.)
#[test]
fn another_protagonist_misses_the_story_core() {
    let a = arrest("arr-a1", "Darnell Okafor", "Okafor", 0);
    let a2 = arrest("arr-a2", "Darnell Okafor", "Okafor", 1);
    let mut g = Grouper::new();
    let r = run(&mut g, &[a, a2]);
    assert_eq!(r[1].duplicate_of, None);
    assert_eq!(r[0].story, r[1].story, "two reports of one arrest");
    let core = crate::model::FEATURE_NAMES.iter().position(|n| *n == "core_missing").unwrap();
    let same = features(&arrest("arr-a3", "Darnell Okafor", "Okafor", 2));
    let other = features(&arrest("arr-b", "Tomas Reyes", "Reyes", 2));
    let x_same = g.stories_mut().score("arr-a1", &same).unwrap();
    let x_other = g.stories_mut().score("arr-a1", &other).unwrap();
    assert!(x_same[core] < 0.05, "{x_same:?}");
    assert!(x_other[core] > 0.3, "{x_other:?}");
    assert!(crate::model::FITTED.prob(&x_other) < crate::model::FITTED.prob(&x_same));
}

/// The arrest of another player of the same team: his name is the lead of the new report and
/// unknown to the story (`lead_person_new`), unlike another outlet's report of the same arrest.
#[test]
fn another_protagonist_is_a_new_lead_person() {
    let mut g = Grouper::new();
    run(&mut g, &[arrest("arr-a1", "Darnell Okafor", "Okafor", 0)]);
    let lead = crate::model::FEATURE_NAMES.iter().position(|n| *n == "lead_person_new").unwrap();
    let same = features(&arrest("arr-a2", "Darnell Okafor", "Okafor", 1));
    let other = features(&arrest("arr-b", "Tomas Reyes", "Reyes", 1));
    assert_eq!(g.stories_mut().score("arr-a1", &same).unwrap()[lead], 0.0);
    assert_eq!(g.stories_mut().score("arr-a1", &other).unwrap()[lead], 1.0);
}

/// Two reports of the same kind of event whose dates fall in different years conflict
/// (`year_conflict`); reports naming the same year do not.
#[test]
fn reports_naming_different_years_conflict() {
    let with_year = |id: &str, day: &str| {
        let mut a = arrest(id, "Darnell Okafor", "Okafor", 0);
        a.published = None;
        a.analysis.times.clear();
        a.text = format!("{day}. {}", a.text);
        a.analysis.times.push(TimeExpr {
            start: 0,
            end: day.chars().count(),
            text: day.into(),
            kind: TimeType::Date,
            value: Some(day.into()),
        });
        a
    };
    let first = features(&with_year("yr-a", "2013-09-18"));
    assert_eq!(first.years, [2013]);
    let mut g = Grouper::new();
    g.add(&"yr-a".into(), first);
    let year = crate::model::FEATURE_NAMES.iter().position(|n| *n == "year_conflict").unwrap();
    let same = features(&with_year("yr-b", "2013-09-19"));
    let other = features(&with_year("yr-c", "2008-12-15"));
    assert_eq!(g.stories_mut().score("yr-a", &same).unwrap()[year], 0.0);
    assert_eq!(g.stories_mut().score("yr-a", &other).unwrap()[year], 1.0);
}

#[test]
fn timex_values_give_their_year() {
    let year = |v: &str| Timex::from(v).year();
    assert_eq!(year("2025-05-15"), Some(2025));
    assert_eq!(year("2025-W20"), Some(2025));
    assert_eq!(year("1999"), Some(1999));
    assert_eq!(year("P30D"), None);
    assert_eq!(year("PRESENT_REF"), None);
    assert_eq!(year("20251"), None);
}

/// A paraphrase that shares no retrievable word with a story but names its rare protagonist is
/// still a candidate (retrieved by entity), scored with zero cosines.
#[test]
fn stories_sharing_a_rare_entity_are_candidates() {
    let person =
        |name: &str| EntityFeature { name: name.into(), kind: EntityType::Person, mentions: 2 };
    let mut g = Grouper::new();
    let first = Features {
        terms: vec![("lighthous".into(), 3.0), ("keeper".into(), 2.0)],
        entities: vec![person("wilhelmina strand")],
        ..Features::default()
    };
    g.add(&"ent-a".into(), first);
    let paraphrase = Features {
        terms: vec![("beacon".into(), 3.0), ("warden".into(), 2.0)],
        entities: vec![person("wilhelmina strand")],
        ..Features::default()
    };
    let unrelated = Features {
        terms: vec![("beacon".into(), 3.0), ("warden".into(), 2.0)],
        entities: vec![person("osvaldo pike")],
        ..Features::default()
    };
    let story = g.stories().find("ent-a").unwrap();
    let found = g.stories_mut().candidates(&paraphrase);
    let c = found.iter().find(|c| c.story == story).expect("retrieved by entity");
    assert_eq!((c.x[0], c.x[1]), (0.0, 0.0));
    assert!(g.stories_mut().candidates(&unrelated).iter().all(|c| c.story != story));
}

// ---- Stories in a news stream (issue 12): one happening per story, whatever the order. ----

const PORT_ENTS: &[(&str, &str, EntityType)] = &[
    ("Korvast", "Korvast", LOC),
    ("Dockers' Union", "Dockers' Union", ORG),
    ("Port Authority", "Korvast Port Authority", ORG),
    ("Mira Telland", "Mira Telland", PER),
    ("Telland", "Mira Telland", PER),
];

/// One dated report of the invented Korvast port dispute.
fn port(id: &str, title: &str, published: &str, text: &str) -> Article {
    article(id, title, published, text, PORT_ENTS, &[])
}

/// Day 1 (two outlets): the dockers walk out. Day 3: the union and the port authority agree
/// to end the strike — a new decision, so a new story of the same storyline.
fn port_dispute() -> Vec<Article> {
    vec![
        port(
            "port-walkout-a",
            "Korvast dockers walk out over pay, halting container traffic",
            "2031-06-02",
            "Dockworkers at the port of Korvast walked out on Monday in a dispute over pay, \
halting container traffic at the country's busiest harbour. The Dockers' Union said 3,400 members \
had joined the strike and that pickets would stay at the gates until the Port Authority improved \
its offer. Union leader Mira Telland said the walkout was open-ended.",
        ),
        port(
            "port-walkout-b",
            "Strike by dockers shuts Korvast container terminals",
            "2031-06-02",
            "Container terminals in Korvast were shut on Monday after dockworkers walked out over \
pay. About 3,400 members of the Dockers' Union stopped work and formed pickets at the harbour \
gates, Mira Telland, who leads the union, told reporters. The Port Authority said ships were \
being diverted to other harbours while the strike lasted.",
        ),
        port(
            "port-deal",
            "Korvast port strike ends as union accepts pay deal",
            "2031-06-04",
            "The strike at the port of Korvast ended on Wednesday after the Dockers' Union accepted \
a pay deal from the Port Authority. Mira Telland said members had voted to approve a rise of \
6 percent over two years and would return to work on the night shift. Container traffic at the \
harbour is expected to be back to normal by the weekend.",
        ),
    ]
}

/// Story partition of a grouping, as sorted sets of article ids (ids of stories do not matter).
fn partition(articles: &[Article], groupings: &[Grouping]) -> Vec<Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (a, g) in articles.iter().zip(groupings) {
        by.entry(g.story.clone().unwrap().into_string()).or_default().push(a.id.to_string());
    }
    let mut out: Vec<Vec<String>> = by
        .into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect();
    out.sort();
    out
}

#[test]
fn consecutive_developments_are_separate_stories_in_one_storyline() {
    let arts = port_dispute();
    let mut g = Grouper::new();
    let r = run(&mut g, &arts);
    assert_eq!(r[1].story.as_deref(), Some("port-walkout-a"), "two outlets, one walkout: {r:?}");
    assert_eq!(r[2].story.as_deref(), Some("port-deal"), "the deal two days later is a new story");
    assert_eq!(r[2].storyline.as_deref(), Some("port-walkout-a"), "…of the same storyline");
}

#[test]
fn another_news_cycle_is_another_story_even_when_the_subject_agrees() {
    // The walkout reported again three days later: the same people and place, a new day's news
    // (ships queueing, no talks) — not the Monday story.
    let mut arts = port_dispute();
    arts.truncate(1);
    arts.push(port(
        "port-walkout-day4",
        "Korvast dockers stay out as ships queue off the harbour",
        "2031-06-05",
        "Dockworkers in Korvast stayed out on Thursday, the fourth day of their strike over pay, \
and more than 40 ships were waiting at anchor off the harbour. The Dockers' Union said no talks \
with the Port Authority had been held since Monday. Mira Telland said pickets would stay at the \
gates until the authority made a new offer.",
    ));
    let mut g = Grouper::new();
    let r = run(&mut g, &arts);
    assert_eq!(r[1].duplicate_of, None);
    assert_eq!(r[1].story.as_deref(), Some("port-walkout-day4"), "{r:?}");
    assert_eq!(r[1].storyline.as_deref(), Some("port-walkout-a"), "{r:?}");
}

#[test]
fn arrival_in_reverse_order_gives_the_same_stories() {
    let mut arts = port_dispute();
    arts.push(turkey_original());
    arts.push(turkey_other_outlet());
    arts.push(peru_quake());
    let batch: Vec<(ArticleId, Features)> =
        arts.iter().map(|a| (a.id.clone(), features(a))).collect();
    let forward = Grouper::new().add_batch(&batch);
    let mut rev_batch = batch.clone();
    rev_batch.reverse();
    let mut backward = Grouper::new().add_batch(&rev_batch);
    backward.reverse();
    assert_eq!(forward, backward, "same groupings, same story ids");
    let p = partition(&arts, &forward);
    assert!(p.contains(&vec!["port-walkout-a".to_string(), "port-walkout-b".to_string()]), "{p:?}");
    assert!(p.contains(&vec!["tr-original".to_string(), "tr-other".to_string()]), "{p:?}");
    // The deal, newest, arriving first in a batch still starts its own story.
    assert!(p.contains(&vec!["port-deal".to_string()]), "{p:?}");
}

#[test]
fn a_copy_backfilled_months_later_is_linked_to_its_original() {
    let mut g = Grouper::new();
    let original = turkey_original();
    let r0 = g.add(&original.id, features(&original));
    // Three months of other news: the quake's story leaves the working set.
    let start = text::day_number(jiff::civil::date(2025, 3, 10));
    for i in 0..90 {
        let f = Features {
            terms: vec![(format!("topic{}", i % 9), 3.0), (format!("word{i}"), 2.0)],
            published: Some(start + i),
            ..Features::default()
        };
        g.add(&format!("other{i}").into(), f);
    }
    assert!(g.stories().find("tr-original").is_none(), "evicted");
    // A second archive delivers another outlet's syndicated copy of the March report.
    let mut copy = turkey_original();
    copy.id = "tr-backfill".into();
    copy.title = Some("Quake kills dozens in eastern Turkey".into());
    copy.text = format!("{TURKEY_BODY}\n\nReporting by the Anatolia Desk.");
    let r = g.add(&copy.id, features(&copy));
    assert_eq!(r.duplicate_of.as_deref(), Some("tr-original"), "{r:?}");
    assert_eq!(r.story, r0.story, "back in its original's story");
}

#[test]
fn a_republished_op_ed_is_a_copy_of_the_original() {
    let body = "Every winter the ferry to the outer islands is cancelled for weeks, and every \
winter the council promises that next year will be different. It will not be, unless the islands \
get a say in how the service is run. The operator answers to shareholders on the mainland, the \
timetable is drawn up by people who never need it, and the subsidy is paid whether the boats sail \
or not. A board with islanders on it, a timetable published a season ahead and a penalty for every \
cancelled crossing would cost the council little. It would tell the 4,000 people who live out \
there that their lives count as much as a mainland commute. Until then, expect the same apologies \
next winter.";
    let original = article(
        "oped-original",
        "The islands deserve a ferry that sails",
        "2031-01-12",
        &format!("{body}\n\nAnna Roskva is a writer who lives on Tarn Island."),
        &[("Tarn Island", "Tarn Island", LOC)],
        &[],
    );
    let republished = article(
        "oped-republished",
        "Opinion: Why island ferries keep failing",
        "2031-01-14",
        &format!(
            "{body}\n\nAnna Roskva is a writer who lives on Tarn Island. This piece first appeared \
in The Northern Ledger and is republished with permission."
        ),
        &[("Tarn Island", "Tarn Island", LOC)],
        &[],
    );
    let mut g = Grouper::new();
    let r = run(&mut g, &[original, republished]);
    assert_eq!(r[1].duplicate_of.as_deref(), Some("oped-original"), "{r:?}");
    assert_eq!(r[1].story.as_deref(), Some("oped-original"));
}

#[test]
fn a_live_blog_of_several_happenings_joins_none_of_them() {
    let strike = port_dispute().remove(0);
    let budget = article(
        "korvast-budget",
        "Korvast council passes budget with cuts to harbour ferries",
        "2031-06-02",
        "The Korvast city council passed its budget on Monday after a long night session, cutting \
the subsidy for the harbour ferries by a fifth and raising parking charges in the old town. \
Mayor Enno Halvard said the cuts were painful but unavoidable.",
        &[("Korvast", "Korvast", LOC), ("Enno Halvard", "Enno Halvard", PER)],
        &[],
    );
    let blog = article(
        "korvast-live",
        "Korvast live: dockers strike, council passes budget with ferry cuts",
        "2031-06-02",
        "Dockworkers at the port of Korvast walked out on Monday over pay, and the Dockers' Union \
said pickets would stay at the harbour gates. The Korvast city council passed its budget on \
Monday, cutting the subsidy for the harbour ferries. Mira Telland, the union leader, and Mayor \
Enno Halvard both spoke to reporters at the harbour.",
        &[
            ("Korvast", "Korvast", LOC),
            ("Dockers' Union", "Dockers' Union", ORG),
            ("Mira Telland", "Mira Telland", PER),
            ("Enno Halvard", "Enno Halvard", PER),
        ],
        &[],
    );
    let mut g = Grouper::new();
    let r = run(&mut g, &[strike, budget, blog]);
    assert_eq!(r[1].story.as_deref(), Some("korvast-budget"), "{r:?}");
    assert_eq!(r[2].story.as_deref(), Some("korvast-live"), "{r:?}");
}

/// The walkout told the next day by another outlet that opens on the diverted ships: its lead
/// (lead cosine 0.34, under the gate's 0.35) shares little with the first report's, its body the
/// whole happening (the model is sure: logit above 4).
fn walkout_next_day_other_angle() -> Article {
    port(
        "port-walkout-c",
        "Ships diverted as Korvast dockers strike over pay",
        "2031-06-03",
        "Shipping lines diverted cargo vessels to Halden and Ostrow on Tuesday as the walkout by \
Korvast dockworkers halted the harbour. Queues of lorries stretched along the coast road. Freight agents warned of delays for retailers. Insurers said the \
cost of idle ships was mounting. Ferry services were not affected. The walkout over pay by Korvast \
dockworkers, which began on Monday, has halted container traffic at the busiest harbour in the \
country. Some 3,400 members of the Dockers' Union have joined the strike, the union said, and its \
pickets will stay at the gates until the Port Authority improves its pay offer. Mira Telland, the \
union leader, called the walkout open-ended and said members were ready for a long dispute over pay",
    )
}

#[test]
fn a_next_day_report_on_another_angle_joins_when_the_model_is_sure() {
    let arts = vec![port_dispute().remove(0), walkout_next_day_other_angle()];
    let sure = run(&mut Grouper::new(), &arts);
    assert_eq!(sure[1].story.as_deref(), Some("port-walkout-a"), "{sure:?}");
    // Without the nearly-sure path the lead gate alone keeps them apart: the rule is what joins.
    let strict = Model { sure_logit: f64::INFINITY, ..Model::default() };
    let apart = run(&mut Grouper::with_model(strict), &arts);
    assert_eq!(apart[1].story.as_deref(), Some("port-walkout-c"), "{apart:?}");
}

const KESTORIA_FERRY_ENTS: &[(&str, &str, EntityType)] = &[
    ("Kestoria", "Kestoria", LOC),
    ("Vallen Strait", "Vallen Strait", LOC),
    ("Brightwater Lines", "Brightwater Lines", ORG),
    ("Oda Mirren", "Oda Mirren", PER),
    ("Mirren", "Oda Mirren", PER),
];

/// Day 1: an invented ferry accident in the invented country of Kestoria.
fn ferry_capsizes() -> Article {
    article(
        "ferry-capsizes",
        "Ferry capsizes in Vallen Strait off Kestoria, dozens rescued",
        "2032-09-14",
        "A passenger ferry operated by Brightwater Lines capsized in the Vallen Strait off \
Kestoria on Tuesday, and coastguard boats rescued 63 people from the water. The company said \
eleven passengers were still missing. Harbour master Oda Mirren said strong winds had pushed the \
ferry onto a sandbank. Mirren said divers would search the hull at first light.",
        KESTORIA_FERRY_ENTS,
        &[],
    )
}

/// Day 3: the next development of the ferry accident (a new story of its storyline).
fn ferry_inquiry() -> Article {
    article(
        "ferry-inquiry",
        "Kestoria orders inquiry into Vallen Strait ferry disaster",
        "2032-09-16",
        "Kestoria ordered a public inquiry on Thursday into the capsizing of the Brightwater Lines \
ferry in the Vallen Strait, after divers recovered the bodies of the eleven missing passengers. \
Oda Mirren, the harbour master, told the inquiry's chair that the ferry had sailed despite a \
storm warning. Mirren said the company's captains had been warned twice this year.",
        KESTORIA_FERRY_ENTS,
        &[],
    )
}

/// Day 2: an unrelated happening of the same country (it shares nothing but "Kestoria").
fn kestoria_rates() -> Article {
    article(
        "kestoria-rates",
        "Kestoria's central bank raises interest rates to curb inflation",
        "2032-09-15",
        "The Reserve Bank of Kestoria raised its main interest rate by half a point to 4.75 \
percent on Wednesday, its third increase this year, as inflation stayed above target. Governor \
Tamas Velk said food and energy prices were still rising faster than wages. Velk told \
reporters that the Reserve Bank would act again if prices kept climbing, and economists at \
Halden Securities expect another rise in December.",
        &[
            ("Kestoria", "Kestoria", LOC),
            ("Reserve Bank", "Reserve Bank of Kestoria", ORG),
            ("Tamas Velk", "Tamas Velk", PER),
            ("Velk", "Tamas Velk", PER),
            ("Halden Securities", "Halden Securities", ORG),
        ],
        &[],
    )
}

#[test]
fn unrelated_topics_sharing_only_a_country_are_different_storylines() {
    let arts = [ferry_capsizes(), kestoria_rates(), ferry_inquiry()];
    let r = run(&mut Grouper::new(), &arts);
    assert_eq!(r[1].story.as_deref(), Some("kestoria-rates"), "{r:?}");
    assert_eq!(r[1].storyline.as_deref(), Some("kestoria-rates"), "a shared country only: {r:?}");
    assert_eq!(r[2].story.as_deref(), Some("ferry-inquiry"), "a new development: {r:?}");
    assert_eq!(r[2].storyline.as_deref(), Some("ferry-capsizes"), "…of the ferry's thread: {r:?}");
}

#[test]
fn arrival_order_does_not_change_storylines() {
    let arts = [ferry_capsizes(), kestoria_rates(), ferry_inquiry(), turkey_original()];
    let batch: Vec<(ArticleId, Features)> =
        arts.iter().map(|a| (a.id.clone(), features(a))).collect();
    let forward = Grouper::new().add_batch(&batch);
    for rotation in 1..batch.len() {
        let mut shifted = batch.clone();
        shifted.rotate_left(rotation);
        let mut g = Grouper::new().add_batch(&shifted);
        g.rotate_right(rotation);
        assert_eq!(forward, g, "rotation {rotation}");
    }
    let lines: Vec<_> = forward.iter().map(|g| g.storyline.clone().unwrap()).collect();
    assert_eq!(lines[0], lines[2], "{forward:?}");
    assert_ne!(lines[0], lines[1], "{forward:?}");
}

/// The grouping record that puts an article in story `story` (its own storyline).
fn in_story(story: &str) -> Grouping {
    Grouping { story: Some(story.into()), storyline: Some(story.into()), ..Grouping::default() }
}

#[test]
fn merged_stories_score_like_one_story_built_whole() {
    let (a, b) = (turkey_original(), turkey_other_outlet());
    let probe = features(&peru_quake());
    let mut merged = Grouper::new();
    merged.restore(&a.id, features(&a), &in_story("quake-a"));
    merged.restore(&b.id, features(&b), &in_story("quake-b"));
    let keep = merged.stories().find("quake-a").unwrap();
    let gone = merged.stories().find("quake-b").unwrap();
    merged.stories_mut().merge(keep, gone);
    let mut whole = Grouper::new();
    whole.restore(&a.id, features(&a), &in_story("quake-a"));
    whole.restore(&b.id, features(&b), &in_story("quake-a"));

    assert!(merged.stories().find("quake-b").is_none(), "the merged story leaves");
    assert_eq!(merged.stories().active_stories(), 1);
    let moved = merged.add(&b.id, features(&b));
    assert_eq!(moved.story.as_deref(), Some("quake-a"), "its member names the story kept");
    assert_eq!(moved.storyline.as_deref(), Some("quake-a"));
    assert_eq!(
        merged.stories_mut().score("quake-a", &probe),
        whole.stories_mut().score("quake-a", &probe),
        "entities, dates and members counted once, as if grouped together"
    );
}
