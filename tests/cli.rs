//! End-to-end tests that drive the `storyline` binary the way a user and the contract's scripts do:
//! the bundled example collection, the real seeds (when `../shared` is present), bad inputs and
//! idempotent re-ingest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{export, run, stderr};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn article_json(db: &Path, id: &str) -> Value {
    let out = run(db, &["article", id, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout_json(&out)
}

fn story_json(db: &Path, id: &str) -> Value {
    let out = run(db, &["story", id, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout_json(&out)
}

fn slice(text: &str, start: u64, end: u64) -> String {
    text.chars().skip(start as usize).take((end - start) as usize).collect()
}

/// Each article of a story report (`story --json`): its id and its cleaned text.
fn article_texts(db: &Path, report: &Value) -> BTreeMap<String, String> {
    report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let id = a["id"].as_str().unwrap().to_string();
            let text = article_json(db, &id)["text"].as_str().unwrap().to_string();
            (id, text)
        })
        .collect()
}

/// A temporary directory holding a store path (`s.db`, created by the first command) and an
/// empty `inbox/` for input files; both go when `_dir` is dropped.
struct Scratch {
    _dir: tempfile::TempDir,
    db: PathBuf,
    inbox: PathBuf,
}

fn scratch() -> Scratch {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    Scratch { db: dir.path().join("s.db"), inbox, _dir: dir }
}

// ---------------------------------------------------------------------------------------------
// The bundled example collection (examples/collection/, checked against its expected.json).

struct Demo {
    _dir: tempfile::TempDir,
    db: PathBuf,
    expected: Value,
    /// expected.json key -> export row.
    rows: BTreeMap<String, Value>,
}

fn demo() -> Demo {
    let Scratch { _dir, db, .. } = scratch();
    let out = run(&db, &["demo"]);
    assert!(out.status.success(), "demo failed: {}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("AGREED"), "demo prints a story report:\n{printed}");

    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/collection/expected.json")).unwrap(),
    )
    .unwrap();
    let by_input: BTreeMap<String, Value> = export(&db)
        .into_iter()
        .map(|row| (row["input_id"].as_str().unwrap().to_string(), row))
        .collect();
    let mut rows = BTreeMap::new();
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for story in expected["stories"].as_array().unwrap() {
        keys.extend(
            story["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()),
        );
    }
    for key in keys {
        let input_id = match expected["input_ids"].get(&key) {
            Some(id) => id.as_str().unwrap().to_string(),
            None => format!("examples/collection/{key}"),
        };
        let row = by_input.get(&input_id).unwrap_or_else(|| {
            panic!("{key} ({input_id}) was not ingested; have {:?}", by_input.keys())
        });
        rows.insert(key, row.clone());
    }
    Demo { _dir, db, expected, rows }
}

#[test]
fn demo_groups_the_collection_into_its_events() {
    let d = demo();
    let mut story_of_event = Vec::new();
    for story in d.expected["stories"].as_array().unwrap() {
        let ids: BTreeSet<&str> = story["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| d.rows[f.as_str().unwrap()]["story"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 1, "{} is split across stories {ids:?}", story["event"]);
        story_of_event.push((story["event"].as_str().unwrap(), *ids.iter().next().unwrap()));
    }
    let distinct: BTreeSet<&str> = story_of_event.iter().map(|(_, id)| *id).collect();
    assert_eq!(
        distinct.len(),
        story_of_event.len(),
        "different events merged: {story_of_event:#?}"
    );

    for dup in d.expected["duplicates"].as_array().unwrap() {
        let copy = &d.rows[dup["file"].as_str().unwrap()];
        let original = &d.rows[dup["of"].as_str().unwrap()];
        assert_eq!(copy["duplicate_of"], original["id"], "{} is a copy", dup["file"]);
    }
    let copies = d.rows.values().filter(|r| !r["duplicate_of"].is_null()).count();
    assert_eq!(
        copies,
        d.expected["duplicates"].as_array().unwrap().len(),
        "no other article is a copy"
    );
}

#[test]
fn demo_recovers_titles_dates_outlets_and_authors() {
    let d = demo();
    for (field, section) in [("title", "titles"), ("published", "published"), ("source", "sources")]
    {
        for (key, want) in d.expected[section].as_object().unwrap() {
            assert_eq!(&d.rows[key][field], want, "{field} of {key}");
        }
    }
    for (key, want) in d.expected["authors"].as_object().unwrap() {
        let a = article_json(&d.db, d.rows[key]["id"].as_str().unwrap());
        assert_eq!(&a["author"], want, "author of {key}");
    }
    for case in d.expected["not_in_text"].as_array().unwrap() {
        let key = case["file"].as_str().unwrap();
        let a = article_json(&d.db, d.rows[key]["id"].as_str().unwrap());
        let text = a["text"].as_str().unwrap();
        assert!(
            !text.contains(case["text"].as_str().unwrap()),
            "{key} still holds {}",
            case["text"]
        );
    }
}

#[test]
fn demo_resolves_dates_and_quote_speakers() {
    let d = demo();
    for case in d.expected["times"].as_array().unwrap() {
        let key = case["file"].as_str().unwrap();
        let a = article_json(&d.db, d.rows[key]["id"].as_str().unwrap());
        let found: Vec<&Value> = a["times"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["text"].as_str().unwrap().contains(case["text"].as_str().unwrap()))
            .collect();
        assert!(
            found.iter().any(|t| t["value"] == case["value"]),
            "{key}: {} should resolve to {}, found {found:?}",
            case["text"],
            case["value"]
        );
    }
    for case in d.expected["quote_speakers"].as_array().unwrap() {
        let key = case["file"].as_str().unwrap();
        let a = article_json(&d.db, d.rows[key]["id"].as_str().unwrap());
        let text = a["text"].as_str().unwrap();
        let prefix = case["quote_starts_with"].as_str().unwrap();
        let quote = a["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| {
                slice(
                    text,
                    q["content"]["start"].as_u64().unwrap(),
                    q["content"]["end"].as_u64().unwrap(),
                )
                .starts_with(prefix)
            })
            .unwrap_or_else(|| panic!("{key}: no quote starting {prefix:?}"));
        let canonical = quote["speaker"]["canonical"].as_str().unwrap_or_default();
        assert!(
            canonical.ends_with(case["speaker"].as_str().unwrap()),
            "{key}: quote {prefix:?} attributed to {canonical:?}, want {}",
            case["speaker"]
        );
    }
}

#[test]
fn demo_story_report_has_evidence_for_every_fact() {
    let d = demo();
    let strike =
        d.rows["articles/continental-wire/keldhaven-dock-strike.json"]["story"].as_str().unwrap();
    let report = story_json(&d.db, strike);
    assert_eq!(report["schema"], 1);
    assert_eq!(report["articles"].as_array().unwrap().len(), 4);
    let texts = article_texts(&d.db, &report);
    let c = &report["comparison"];
    assert!(!c["agreed"].as_array().unwrap().is_empty(), "four outlets agree on something");
    assert!(!c["unique"].as_array().unwrap().is_empty(), "some outlet carries a fact alone");
    for fact in c["agreed"].as_array().unwrap().iter().chain(c["unique"].as_array().unwrap()) {
        for ev in fact["evidence"].as_array().unwrap() {
            let text = &texts[ev["article"].as_str().unwrap()];
            let cited = slice(text, ev["start"].as_u64().unwrap(), ev["end"].as_u64().unwrap());
            assert!(!cited.trim().is_empty(), "evidence of {} is empty", fact["fact"]);
        }
    }
    let kovalenko: Vec<&Value> = report["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["canonical"].as_str().unwrap().contains("Kovalenko"))
        .collect();
    assert_eq!(kovalenko.len(), 1, "one Kovalenko across spellings: {kovalenko:?}");
}

#[test]
fn an_article_without_outlet_is_unattributed_in_every_view() {
    let d = demo();
    let key = "articles/unattributed/castelbrook-free-trams.txt";
    assert!(d.rows[key]["source"].is_null(), "the scrape names no outlet: {}", d.rows[key]);
    let story = d.rows[key]["story"].as_str().unwrap();
    let text = run(&d.db, &["story", story]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("] unattributed · "), "{text}");
    let report = story_json(&d.db, story);
    let outlets = report["outlets"].as_array().unwrap();
    assert!(outlets.iter().any(|o| o["outlet"] == "unattributed"), "{outlets:?}");
    let page = run(&d.db, &["story", story, "--format", "html"]);
    let page = String::from_utf8_lossy(&page.stdout);
    assert!(page.contains("] unattributed</h3>"), "{page}");
    assert!(!text.contains("unknown outlet") && !page.contains("unknown outlet"));
}

// ---------------------------------------------------------------------------------------------
// The real seeds in ../shared/seeds (read in place; ignored by default, run by `.ci/run`).

/// `../shared/seeds` (the tests using it are marked `#[ignore = "needs ../shared/seeds"]`;
/// `.ci/run` runs them).
fn seeds_dir() -> PathBuf {
    let dir = repo().join("../shared/seeds");
    assert!(dir.is_dir(), "{} is absent (it ships beside the repository)", dir.display());
    dir
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seeds_make_one_story_from_two_outlets() {
    let seeds = seeds_dir();
    let Scratch { _dir, db, .. } = scratch();
    let out = run(&db, &["ingest", seeds.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("ingested 2, duplicates 0, failed 0"), "{}", stderr(&out));

    let out = run(&db, &["stories", "--json"]);
    let stories = stdout_json(&out)["stories"].as_array().unwrap().clone();
    assert_eq!(stories.len(), 1, "the two seeds are one story: {stories:?}");
    assert_eq!(stories[0]["sources"], 2);

    let rows = export(&db);
    let row = |prefix: &str| {
        rows.iter().find(|r| r["input_id"].as_str().unwrap().contains(prefix)).unwrap().clone()
    };
    let kyiv = article_json(&db, row("000_").get("id").unwrap().as_str().unwrap());
    assert_eq!(kyiv["source"], "The Kyiv Independent");
    assert_eq!(kyiv["author"], "Yuliia Taradiuk");
    let text = kyiv["text"].as_str().unwrap();
    assert!(!text.contains("We have not surrendered"), "the teaser is cut");
    assert!(!text.contains("The Kyiv IndependentYuliia"), "the trailer is cut");
    assert!(!text.contains("Editor’s Note"), "editor's notes are cut");

    let other = article_json(&db, row("004_").get("id").unwrap().as_str().unwrap());
    assert_eq!(other["published"], "2025-05-11");
    let thursday: Vec<&Value> =
        other["times"].as_array().unwrap().iter().filter(|t| t["text"] == "Thursday").collect();
    assert!(
        !thursday.is_empty() && thursday.iter().all(|t| t["value"] == "2025-05-15"),
        "{thursday:?}"
    );

    let report = story_json(&db, stories[0]["id"].as_str().unwrap());
    let zelensky: Vec<&Value> = report["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["aliases"].as_array().unwrap().iter().any(|a| a.as_str().unwrap().contains("Zelensk"))
        })
        .collect();
    assert_eq!(zelensky.len(), 1, "Zelensky and Zelenskiy are one entity: {zelensky:#?}");
    let aliases: Vec<&str> =
        zelensky[0]["aliases"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(
        aliases.iter().any(|a| a.contains("Zelenskiy"))
            && aliases.iter().any(|a| a.ends_with("Zelensky"))
    );
    let speakers: BTreeSet<&str> = report["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["speaker"].as_str().unwrap())
        .collect();
    assert!(speakers.contains("Vladimir Putin"), "Putin's quotes attributed: {speakers:?}");
    assert!(
        speakers.iter().any(|s| s.contains("Zelensk")),
        "Zelensky's quotes attributed: {speakers:?}"
    );
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_analyze_prints_the_contract_json() {
    let seeds = seeds_dir();
    let Scratch { _dir, db, .. } = scratch();
    let file = seeds.join("004_f59af2df9e05eeb5.txt");
    let out = run(&db, &["analyze", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let a = stdout_json(&out);
    assert_eq!(a["schema"], 1);
    let text = a["text"].as_str().unwrap();
    for e in a["entities"].as_array().unwrap() {
        let s = slice(text, e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
        assert_eq!(s, e["text"].as_str().unwrap(), "entity offsets are char offsets into text");
    }
    assert!(a["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["speaker"]["canonical"] == "Vladimir Putin"));
}

// ---------------------------------------------------------------------------------------------
// Bad input: one clear line naming the file and the reason; the batch goes on; nothing lost.

const GOOD: &str = "Ferry service to Lindholm resumes after storm\n\n\
The ferry link between Portavel and the island of Lindholm resumed on Monday after three days \
of gales, the operator Norrvik Lines said.\n\n\
“Crossings will run to the winter timetable from now on,” spokeswoman Ines Carrow said.\n";

#[test]
fn bad_inputs_are_named_and_the_batch_goes_on() {
    let Scratch { _dir, db, inbox } = scratch();
    std::fs::write(inbox.join("a-empty.txt"), "").unwrap();
    std::fs::write(inbox.join("b-binary.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").unwrap();
    std::fs::write(
        inbox.join("c-truncated.json"),
        r#"{"title": "Ferry", "text": "The ferry link betw"#,
    )
    .unwrap();
    std::fs::File::create(inbox.join("d-huge.txt")).unwrap().set_len(51 * 1024 * 1024).unwrap();
    // Windows-1252: not UTF-8, but text; decoded, not refused.
    let mut latin = b"Caf\xe9 owners in Portavel welcome the ferry\n\n".to_vec();
    latin.extend_from_slice(b"The caf\xe9 owners of Portavel said on Monday that trade had doubled since the ferry returned.\n");
    std::fs::write(inbox.join("e-latin1.txt"), latin).unwrap();
    std::fs::write(inbox.join("f-good.txt"), GOOD).unwrap();

    let out = run(&db, &["ingest", inbox.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "some inputs failed: {err}");
    for (file, reason) in [
        ("a-empty.txt", "empty"),
        ("b-binary.txt", "binary"),
        ("c-truncated.json", "JSON"),
        ("d-huge.txt", "too large"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not named:\n{err}"));
        assert!(line.contains(reason), "{file}: {line}");
    }
    assert!(err.contains("ingested 2, duplicates 0, failed 4"), "{err}");
    let rows = export(&db);
    let latin =
        rows.iter().find(|r| r["input_id"].as_str().unwrap().ends_with("e-latin1.txt")).unwrap();
    assert_eq!(latin["title"], "Café owners in Portavel welcome the ferry");
}

/// A directory with two symlink loops back to itself, a FIFO and a JSON Lines file whose header
/// is not JSON: every file read once, the FIFO and the header named and skipped, the records kept.
#[cfg(unix)]
#[test]
fn hostile_directory_is_walked_once_and_names_what_it_skips() {
    let Scratch { _dir, db, inbox } = scratch();
    std::fs::write(inbox.join("a-good.txt"), GOOD).unwrap();
    let jsonl = "id,title,text\n\
        {\"title\": \"Bridge repairs begin in Oster\", \"text\": \"Crews began repairing the Oster bridge on Monday, the city said in a statement about the works.\"}\n";
    std::fs::write(inbox.join("b-export.jsonl"), jsonl).unwrap();
    assert!(Command::new("mkfifo").arg(inbox.join("c-pipe")).status().unwrap().success());
    std::os::unix::fs::symlink(".", inbox.join("x")).unwrap();
    std::os::unix::fs::symlink(".", inbox.join("y")).unwrap();
    let out = run(&db, &["ingest", inbox.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("b-export.jsonl:1: invalid JSON at line 1"), "{err}");
    assert!(err.contains("c-pipe: not a regular file: a FIFO; skipped"), "{err}");
    assert!(err.contains("ingested 2, duplicates 0, failed 2"), "{err}");
    let titles: Vec<_> = export(&db).iter().map(|r| r["title"].clone()).collect();
    assert!(titles.contains(&Value::from("Bridge repairs begin in Oster")), "{titles:?}");
}

/// Escape sequences in a title, an outlet and a file name never reach the terminal: the views
/// and the failure lines drop them, JSON escapes them.
#[test]
fn control_characters_never_reach_the_terminal() {
    let Scratch { _dir, db, inbox } = scratch();
    let title = "Ferry\u{1b}]0;pwned\u{7} returns\u{1b}[2J \u{202e}tsol";
    let record = serde_json::json!({
        "title": title, "source": "Harbour\u{9b}31m Post",
        "text": "The ferry link between Lindholm and the mainland resumed on Monday after the storm, the operator said in a statement."
    });
    std::fs::write(inbox.join("a.json"), record.to_string()).unwrap();
    std::fs::write(inbox.join("bad\u{1b}[31m.json"), "{\"text\": ").unwrap();
    let out = run(&db, &["ingest", inbox.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(err.contains("bad[31m.json"), "{err}");
    let id = export(&db)[0]["id"].as_str().unwrap().to_string();
    let steering = |s: &str| s.chars().any(|c| c == '\u{1b}' || c == '\u{9b}' || c == '\u{202e}');
    assert!(!steering(&err), "{err:?}");
    for args in [vec!["stories"], vec!["article", &id], vec!["article", &id, "--json"]] {
        let out = run(&db, &args);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success() && !steering(&text), "{args:?}: {text:?}");
    }
    let view = String::from_utf8(run(&db, &["article", &id]).stdout).unwrap();
    assert!(view.contains("Ferry]0;pwned returns[2J"), "{view}");
    let doc = stdout_json(&run(&db, &["article", &id, "--json"]));
    assert!(doc["title"].as_str().unwrap().contains("pwned"), "{doc}");
}

#[test]
fn reingest_stores_nothing_new_and_keeps_what_was_stored() {
    let Scratch { _dir, db, inbox } = scratch();
    std::fs::write(inbox.join("ferry.txt"), GOOD).unwrap();
    assert!(run(&db, &["ingest", inbox.to_str().unwrap()]).status.success());
    let before = export(&db);

    std::fs::write(inbox.join("broken.json"), "{\"text\": ").unwrap();
    let out = run(&db, &["ingest", inbox.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("ingested 0, duplicates 0, failed 1"), "{}", stderr(&out));
    assert_eq!(export(&db), before, "re-ingest changed nothing");
}

#[test]
fn stdin_is_an_input() {
    let Scratch { _dir, db, .. } = scratch();
    let mut child = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .arg("--db")
        .arg(&db)
        .args(["ingest", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(GOOD.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = export(&db);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["title"], "Ferry service to Lindholm resumes after storm");
}

#[test]
fn usage_errors_exit_2() {
    let Scratch { _dir, db, .. } = scratch();
    assert_eq!(run(&db, &["ingest"]).status.code(), Some(2));
    assert_eq!(run(&db, &["story", "nope"]).status.code(), Some(2));
}

#[test]
fn a_later_batch_extends_existing_stories() {
    let Scratch { _dir, db, .. } = scratch();
    let articles = repo().join("examples/collection/articles");
    // First batch: one outlet's wire copy of each event.
    let out = run(&db, &["ingest", articles.join("continental-wire").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first: BTreeMap<String, String> = export(&db)
        .into_iter()
        .map(|r| (r["id"].as_str().unwrap().into(), r["story"].as_str().unwrap().into()))
        .collect();
    assert_eq!(first.len(), 3);

    // Second batch: everything (the first batch again included, stored nothing twice).
    let out = run(&db, &["ingest", articles.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("already stored 3"), "{}", stderr(&out));
    let rows = export(&db);
    assert_eq!(rows.len(), 14);
    for (id, story) in &first {
        let row = rows.iter().find(|r| r["id"] == id.as_str()).unwrap();
        assert_eq!(row["story"], story.as_str(), "an earlier grouping never changes");
        let members = rows.iter().filter(|r| r["story"] == story.as_str()).count();
        assert!(members >= 2, "story {story} gained the other outlets' reports");
    }
    let out = run(&db, &["stories", "--json"]);
    assert_eq!(stdout_json(&out)["stories"].as_array().unwrap().len(), 5);
}

#[test]
fn demo_reports_real_conflicts_and_not_toll_updates() {
    let d = demo();
    let story_of = |key: &str| d.rows[key]["story"].as_str().unwrap().to_string();
    // Keldhaven: 12 vs 15 injured, and strike vs lockout, each with evidence from both sides.
    let report =
        story_json(&d.db, &story_of("articles/continental-wire/keldhaven-dock-strike.json"));
    let texts = article_texts(&d.db, &report);
    let conflicts = report["comparison"]["conflicts"].as_array().unwrap();
    let cited = |c: &Value| -> Vec<String> {
        c["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|cl| {
                let text = &texts[cl["article"].as_str().unwrap()];
                let ev = &cl["evidence"];
                slice(text, ev["start"].as_u64().unwrap(), ev["end"].as_u64().unwrap())
            })
            .collect()
    };
    let injured = conflicts
        .iter()
        .find(|c| c["kind"] == "number")
        .unwrap_or_else(|| panic!("a number conflict: {conflicts:?}"));
    let sentences = cited(injured).join(" | ");
    assert!(sentences.contains("Twelve") && sentences.contains("15"), "{sentences}");
    let described = conflicts
        .iter()
        .find(|c| c["kind"] == "description")
        .unwrap_or_else(|| panic!("a description conflict: {conflicts:?}"));
    let values: Vec<&str> = described["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"strike") && values.contains(&"lockout"), "{values:?}");
    assert!(cited(described).iter().all(|s| !s.trim().is_empty()));
    // Death tolls that rise in later reports are updates, not conflicts.
    for key in [
        "articles/continental-wire/estravia-earthquake.json",
        "articles/continental-wire/brennock-dam-breach.json",
    ] {
        let r = story_json(&d.db, &story_of(key));
        let numbers: Vec<&Value> = r["comparison"]["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "number")
            .collect();
        assert!(numbers.is_empty(), "{key}: a rising toll is an update: {numbers:?}");
    }
}

#[test]
fn story_html_page_is_self_contained_and_escaped() {
    let Scratch { _dir, db, inbox } = scratch();
    let hostile = GOOD.replace("now on", "now on <script>alert(1)</script>");
    std::fs::write(inbox.join("ferry.txt"), hostile).unwrap();
    assert!(run(&db, &["ingest", inbox.to_str().unwrap()]).status.success());
    let id = export(&db)[0]["story"].as_str().unwrap().to_string();
    let out = run(&db, &["story", &id, "--format", "html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") || page.starts_with("<!doctype html>"),
        "{}",
        &page[..60.min(page.len())]
    );
    assert!(!page.contains("<script>alert(1)</script>"), "article text is escaped");
    assert!(page.contains("&lt;script&gt;"), "the hostile text is shown, escaped");
    assert!(!page.contains("src=\"http"), "no external assets");
}

/// Story membership as sorted sets of article ids.
fn partition(db: &Path) -> Vec<Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in export(db) {
        let story = r["story"].as_str().unwrap_or_else(|| r["id"].as_str().unwrap()).to_string();
        by.entry(story).or_default().push(r["id"].as_str().unwrap().into());
    }
    let mut p: Vec<Vec<String>> = by
        .into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect();
    p.sort();
    p
}

#[test]
fn regroup_gives_the_stories_of_one_batch_whatever_order_outlets_came_in() {
    let articles = repo().join("examples/collection/articles");
    // All at once: one batch, grouped by date.
    let one = scratch();
    let out = run(&one.db, &["ingest", articles.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = partition(&one.db);
    let ids_before: Vec<Value> = export(&one.db);
    let out = run(&one.db, &["regroup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 changed"), "{}", stderr(&out));
    assert_eq!(export(&one.db), ids_before, "regroup keeps ids where membership is unchanged");

    // One outlet folder per run, in reverse order, then regroup.
    let each = scratch();
    let mut outlets: Vec<PathBuf> =
        std::fs::read_dir(&articles).unwrap().map(|e| e.unwrap().path()).collect();
    outlets.sort();
    outlets.reverse();
    for o in &outlets {
        let out = run(&each.db, &["ingest", o.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = run(&each.db, &["regroup", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["articles"], 14);
    assert_eq!(partition(&each.db), expected);
    // The story rows regroup rewrote count what the one-batch run counts.
    let rows = |db: &Path| {
        let out = run(db, &["stories", "--json", "--limit", "1000"]);
        let mut rows: Vec<(u64, u64)> = stdout_json(&out)["stories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["articles"].as_u64().unwrap(), s["sources"].as_u64().unwrap()))
            .collect();
        rows.sort_unstable();
        rows
    };
    assert_eq!(rows(&each.db), rows(&one.db));
    let out = run(&each.db, &["status", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = stdout_json(&out);
    assert_eq!(
        (status["articles"].as_u64(), status["stories"].as_u64()),
        (Some(14), Some(expected.len() as u64))
    );
    let out = run(&each.db, &["regroup", "--since", "last week"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------------
// Search

#[test]
fn search_finds_ranks_and_labels_demo_articles_and_reindex_agrees() {
    let demo = demo();
    let db = &demo.db;
    let out = run(db, &["search", "dock", "strike", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("search: indexed"), "the first search builds the index");
    assert!(demo.db.with_extension("db.search").join("v1").is_dir(), "index beside the store");
    let page = stdout_json(&out);
    assert!(page["total"].as_u64().unwrap() >= 1, "{page}");
    let first = &page["hits"][0];
    assert!(first["title"].as_str().unwrap().contains("dock strike"), "{page}");
    let story = first["story"].as_str().expect("hits are labelled with their story");
    assert_eq!(page["stories"][0]["id"], story);

    let phrase = stdout_json(&run(db, &["search", "\"second day\"", "--json"]));
    let outlet = phrase["hits"][0]["outlet"].as_str().unwrap().to_string();
    let only = run(db, &["search", "strike", "--outlet", &outlet, "--json"]);
    let only = stdout_json(&only);
    assert!(only["hits"].as_array().unwrap().iter().all(|h| h["outlet"] == outlet.as_str()));

    let text = run(db, &["search", "dock", "strike"]);
    let printed = String::from_utf8_lossy(&text.stdout);
    assert!(printed.contains("[strike]") || printed.contains("[Strike]"), "{printed}");
    assert!(printed.contains("Narrow with"), "{printed}");

    let again = run(db, &["reindex", "--json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let rebuilt = stdout_json(&again);
    assert_eq!(rebuilt["indexed"], export(db).len());
    assert_eq!(stdout_json(&run(db, &["search", "dock", "strike", "--json"])), page);

    let bad = run(db, &["search", "nosuchfield:dock"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("malformed query"), "{}", stderr(&bad));
}

#[test]
fn ingest_brings_the_search_index_up_to_date() {
    let Scratch { _dir, db, .. } = scratch();
    let articles = repo().join("examples/collection/articles");
    let out = run(&db, &["ingest", articles.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("search: indexed 14 new articles"), "{}", stderr(&out));
    assert!(db.with_extension("db.search").join("v1").is_dir(), "index beside the store");
    let found = run(&db, &["search", "dock", "strike", "--json"]);
    assert!(found.status.success(), "{}", stderr(&found));
    assert!(!stderr(&found).contains("search: indexed"), "nothing left: {}", stderr(&found));
    assert!(stdout_json(&found)["total"].as_u64().unwrap() >= 1);

    let Scratch { _dir: _other, db: bare, .. } = scratch();
    let out = run(&bare, &["ingest", "--no-index", articles.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!bare.with_extension("db.search").exists(), "--no-index leaves the index alone");
}

#[test]
fn search_on_postgres_needs_an_index_directory() {
    let out = run(Path::new("postgres://nobody@127.0.0.1:1/none"), &["reindex"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("give --index DIR"), "{err}");
}

/// Processes opening one new store at the same moment all get it: SQLite's switch of a new file
/// to WAL can answer "database is locked" at once, without waiting, while another process
/// creates the same file (seen as a committer and a reader starting together).
#[test]
fn processes_opening_a_new_store_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..25 {
        let db = dir.path().join(format!("s{round}.db"));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_storyline"))
                    .arg("--db")
                    .arg(&db)
                    .arg("status")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("the storyline binary starts")
            })
            .collect();
        for opener in openers {
            let out = opener.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", stderr(&out));
        }
    }
}

/// `--db` is an option of the commands that use a store — after the command's name or before
/// it — and is not offered where it would mean nothing (`analyze`).
#[test]
fn db_is_offered_where_a_store_is_used() {
    let Scratch { _dir, db, .. } = scratch();
    let bin = env!("CARGO_BIN_EXE_storyline");
    let after = Command::new(bin).args(["stories", "--json", "--db"]).arg(&db).output().unwrap();
    assert!(after.status.success(), "{}", stderr(&after));
    assert_eq!(after.stdout, run(&db, &["stories", "--json"]).stdout, "before or after the name");
    let help = Command::new(bin).args(["analyze", "--help"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("--db"));
    let refused = Command::new(bin).args(["analyze", "--db"]).arg(&db).arg("-").output().unwrap();
    assert!(!refused.status.success() && stderr(&refused).contains("--db"), "{}", stderr(&refused));
}
