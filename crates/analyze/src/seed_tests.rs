//! End-to-end checks on the two real seed articles in `../shared/seeds` (ignored by default: `.ci/run` runs them).

use storyline_model::offsets::slice;
use storyline_model::{Analysis, Date};

use crate::analyze;

/// The text of the seed whose file name starts with `prefix` (the tests using it are marked
/// `#[ignore = "needs ../shared/seeds"]`; `.ci/run` runs them).
fn seed(prefix: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("no seeds at {dir}: {e}"));
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(prefix) {
            return std::fs::read_to_string(e.path()).expect("a readable seed");
        }
    }
    panic!("no seed {prefix}* in {dir}");
}

fn pub_date() -> Option<Date> {
    Some("2025-05-11".parse().unwrap())
}

fn time_value(a: &Analysis, text: &str) -> Vec<Option<String>> {
    a.times
        .iter()
        .filter(|t| t.text == text)
        .map(|t| t.value.as_ref().map(ToString::to_string))
        .collect()
}

fn quote_speaker(a: &Analysis, body: &str, starts: &str) -> Option<String> {
    let q = a
        .quotes
        .iter()
        .find(|q| slice(body, q.content.start, q.content.end).starts_with(starts))
        .unwrap_or_else(|| panic!("no quote starting {starts:?}"));
    q.speaker.as_ref().and_then(|s| s.canonical.clone())
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_004_weekday_variants_and_quotes() {
    let raw = seed("004_");
    let body = raw.trim_start().strip_prefix("date 2025-05-11").unwrap_or(&raw).trim_start();
    let a = analyze(body, pub_date());
    assert!(time_value(&a, "Thursday").iter().all(|v| v.as_deref() == Some("2025-05-15")));
    assert!(!time_value(&a, "Thursday").is_empty());
    assert_eq!(time_value(&a, "tomorrow"), [Some("2025-05-12".to_string())]);
    assert_eq!(time_value(&a, "May 12th"), [Some("2025-05-12".to_string())]);
    assert_eq!(time_value(&a, "Saturday"), [Some("2025-05-10".to_string())]);

    let canon = |t: &str| a.entities.iter().find(|e| e.text == t).map(|e| e.canonical.clone());
    let zel = canon("Zelensky").expect("Zelensky");
    assert_eq!(Some(zel.clone()), canon("Volodymyr Zelenskiy"));
    assert_eq!(
        quote_speaker(&a, body, "We are proposing that Kyiv"),
        Some("Vladimir Putin".into())
    );
    assert_eq!(quote_speaker(&a, body, "We offer"), Some("Vladimir Putin".into()));
    assert_eq!(quote_speaker(&a, body, "The very first step"), Some(zel.clone()));
    assert_eq!(quote_speaker(&a, body, "a positive sign"), Some(zel));
    assert_eq!(quote_speaker(&a, body, "a potentially great day"), Some("Donald Trump".into()));
    assert_eq!(quote_speaker(&a, body, "Think of the hundreds"), Some("Donald Trump".into()));
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_000_dates_and_quotes() {
    let raw = seed("000_");
    let body = raw.split_once('\n').map_or(raw.as_str(), |x| x.1);
    let a = analyze(body, pub_date());
    assert_eq!(time_value(&a, "May 15"), [Some("2025-05-15".to_string())]);
    assert_eq!(time_value(&a, "midnight May 8"), [Some("2025-05-08T24:00".to_string())]);
    assert_eq!(time_value(&a, "midnight on May 11"), [Some("2025-05-11T24:00".to_string())]);
    assert_eq!(time_value(&a, "February 2022"), [Some("2022-02".to_string())]);
    assert_eq!(
        quote_speaker(&a, body, "Russia is ready for negotiations"),
        Some("Vladimir Putin".into())
    );
    assert_eq!(quote_speaker(&a, body, "no military significance"), Some("Vladimir Putin".into()));
    assert!(a
        .entities
        .iter()
        .any(|e| e.text == "Dmitry Peskov" && e.kind == storyline_model::EntityType::Person));
}
