//! Issue 14: hostile documents are analysed within the per-document work budget
//! (`storyline_analyze::budget`) — the output is produced, bounded, and still right where it
//! was kept; a bound that cut anything is named in `Analysis::limits`. No wall-clock timing here:
//! `bench/analysis.sh` measures the time and memory of the same kinds of input.

use storyline_analyze::budget::{MAX_CANDIDATES, MAX_QUOTES, MAX_SENTENCE_CHARS};
use storyline_analyze::{analyze, quotes};
use storyline_model::offsets::slice;
use storyline_model::{Analysis, EntityType};
use storyline_text::sentences;

const FIRST: &[&str] = &["Mara", "Ilse", "Tomas", "Lena", "Oskar", "Nadia", "Ivo", "Petra"];
/// Syllables any two of which differ in at least two letters, so that two invented surnames are
/// never one spelling slip apart (which `same_person` forgives, as it should).
const SYLL: &[&str] = &["Bak", "Dor", "Fim", "Gus", "Hel", "Jon", "Kap", "Lir", "Mot", "Nev"];

/// The `i`th of many invented people, all different ("Mara Bakdorfimsen").
fn person(i: usize) -> String {
    let first = FIRST[i % FIRST.len()];
    let (a, b, c) = (SYLL[i / 8 % 10], SYLL[i / 80 % 10], SYLL[i / 800 % 10]);
    format!("{first} {a}{}{}sen", b.to_lowercase(), c.to_lowercase())
}

fn surname(full: &str) -> &str {
    full.rsplit(' ').next().unwrap_or(full)
}

fn run(text: &str) -> Analysis {
    analyze(text, Some("2026-03-04".parse().unwrap()))
}

/// Thousands of quotations in one paragraph: the first MAX_QUOTES are attributed (each to its
/// own speaker), the rest are named as left out.
#[test]
fn quotations_in_one_paragraph_are_capped_and_attributed() {
    let n = MAX_QUOTES + 500;
    let mut t = String::new();
    for i in 0..n {
        t.push_str(&format!("“The harbour stays open until spring,” {} said. ", person(i)));
    }
    let a = run(&t);
    assert!(a.quotes.len() <= MAX_QUOTES, "{}", a.quotes.len());
    assert!(a.quotes.len() >= MAX_QUOTES * 9 / 10, "{}", a.quotes.len());
    assert!(a.limits.iter().any(|l| l.starts_with("quotes:")), "{:?}", a.limits);
    // Quotes keep their own speaker: the person named right after each.
    let right = a
        .quotes
        .iter()
        .filter(|q| {
            let sp = q.speaker.as_ref().and_then(|s| s.canonical.clone()).unwrap_or_default();
            let after = slice(&t, q.content.end, q.content.end + 40);
            !sp.is_empty() && after.contains(surname(&sp))
        })
        .count();
    assert!(right * 10 >= a.quotes.len() * 9, "{right} of {}", a.quotes.len());
}

/// One "sentence" of 40,000 words: cut into sentences of at most MAX_SENTENCE_CHARS, and the
/// names at its end are found as at its start.
#[test]
fn one_endless_sentence_is_cut_and_read_to_its_end() {
    let mut t = String::new();
    for i in 0..40_000 {
        match i % 50 {
            7 => t.push_str("Velmora"),
            30 => t.push_str(&person(i)),
            _ => t.push_str(["the", "harbour", "council", "voted", "to", "close"][i % 6]),
        }
        t.push(' ');
    }
    let a = run(&t);
    assert!(a.sentences.len() > 1);
    assert!(a.sentences.iter().all(|s| s.end - s.start <= MAX_SENTENCE_CHARS));
    assert!(a.limits.iter().any(|l| l.starts_with("sentences:")), "{:?}", a.limits);
    let chars = t.chars().count();
    let late = a.entities.iter().filter(|e| e.start > chars * 9 / 10).count();
    let early = a.entities.iter().filter(|e| e.end < chars / 10).count();
    assert!(early > 0 && late > 0, "early {early}, late {late}");
}

/// An ordinary article is not cut anywhere, and says so by an empty `limits` (absent in JSON).
#[test]
fn an_ordinary_article_has_no_limits() {
    let t = "Ferry terminal to close\n\nThe harbour council of Velmora voted on Tuesday to close \
             the old ferry terminal. “It is the end of an era,” Mayor Lena Brandt said.";
    let a = run(t);
    assert!(a.limits.is_empty(), "{:?}", a.limits);
    assert!(!serde_json::to_string(&a).unwrap().contains("limits"));
}

/// Fifteen hundred people, each named in full and then by surname: every surname still finds
/// its person (the surname index gives the same answers as comparing every pair did).
#[test]
fn surnames_find_their_person_among_thousands() {
    let n = 1_500;
    let mut t = String::new();
    for i in 0..n {
        let p = person(i);
        t.push_str(&format!(
            "{p} arrived in Velmora on Monday. {} left on Friday.\n\n",
            surname(&p)
        ));
    }
    let a = run(&t);
    let mut checked = 0;
    for e in a.entities.iter().filter(|e| e.kind == EntityType::Person && !e.text.contains(' ')) {
        assert!(e.canonical.ends_with(&e.text), "{} → {}", e.text, e.canonical);
        assert!(e.canonical.contains(' '), "{} → {}", e.text, e.canonical);
        checked += 1;
    }
    assert!(checked >= n * 9 / 10, "{checked}");
}

/// A quotation amid hundreds of mentions: the speaker model ranks at most MAX_CANDIDATES of them,
/// the nearest, and the speaker at the cue still speaks.
#[test]
fn speaker_candidates_are_capped_to_the_nearest() {
    let mut t = String::new();
    for i in 0..300 {
        t.push_str(&format!("{} and she and he and it, ", person(i)));
    }
    t.push_str("“We will rebuild the pier,” said Mayor Lena Brandt.");
    let s = sentences::split(&t);
    let e = storyline_analyze::entities::extract(&t, &s);
    let prepared = quotes::prepare(&t, &s, &e);
    let choices = quotes::speaker_choices(&t, &prepared);
    assert_eq!(choices.len(), 1);
    assert!(choices[0].candidates.len() <= MAX_CANDIDATES, "{}", choices[0].candidates.len());
    let qs = run(&t).quotes;
    let sp = qs[0].speaker.as_ref().expect("a speaker");
    assert!(sp.text.ends_with("Lena Brandt"), "{sp:?}");
}
