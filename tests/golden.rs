//! Golden test: every command's output on the bundled demo collection (and, where `../shared` is
//! present, on the seeds) is the same as when the hashes in `tests/golden/` were recorded. A
//! reshape of the code must not change what a user sees; a change meant to (a better analysis, a
//! new field) re-records them with `STORYLINE_BLESS=1 cargo test --test golden -- --include-ignored`
//! and says so in its commit.
//!
//! Each line of a golden file is `SHA-256  command` (the command with the store path left out), so
//! a mismatch names the command whose output changed. Inputs are named by paths relative to the
//! repository root (the directory `cargo test` runs tests in), because outputs quote them: the
//! hashes must not depend on where the repository is cloned.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;
use common::{run, stderr};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs one command, checks it succeeded, and records the hash of what it printed.
fn record(outputs: &mut Vec<(String, String)>, db: &Path, args: &[&str]) -> Vec<u8> {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let hash: String = Sha256::digest(&out.stdout).iter().map(|b| format!("{b:02x}")).collect();
    outputs.push((hash, args.join(" ")));
    out.stdout
}

/// Every read command over a store: the listing, each story in every format, each article, the
/// export.
fn record_store(outputs: &mut Vec<(String, String)>, db: &Path) {
    let listing: Value = serde_json::from_slice(&record(outputs, db, &["stories", "--json"]))
        .expect("stories --json is JSON");
    record(outputs, db, &["stories"]);
    for story in listing["stories"].as_array().expect("a story list") {
        let id = story["id"].as_str().expect("a story id");
        record(outputs, db, &["story", id, "--json"]);
        record(outputs, db, &["story", id]);
        record(outputs, db, &["story", id, "--format", "html"]);
    }
    let export = record(outputs, db, &["export"]);
    for line in String::from_utf8(export).expect("UTF-8 export").lines() {
        let row: Value = serde_json::from_str(line).expect("each export line is JSON");
        let id = row["id"].as_str().expect("an article id");
        record(outputs, db, &["article", id, "--json"]);
        record(outputs, db, &["article", id]);
    }
}

/// `analyze NAME` on every file of `dir`, run inside `dir` (recorded under the file's name). The
/// path is relative because it is printed (as `input_id`): the hashes must not depend on where
/// the repository is checked out.
fn record_analyze(outputs: &mut Vec<(String, String)>, dir: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let scratch = tempfile::tempdir().unwrap();
    for name in names {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_storyline"))
            .current_dir(dir)
            .arg("--db")
            .arg(scratch.path().join("unused.db"))
            .args(["analyze", &name])
            .output()
            .expect("the storyline binary runs");
        assert!(out.status.success(), "analyze {name}: {}", stderr(&out));
        let hash: String = Sha256::digest(&out.stdout).iter().map(|b| format!("{b:02x}")).collect();
        outputs.push((hash, format!("analyze {name}")));
    }
}

/// Compares the recorded hashes with the golden file (or rewrites it under `STORYLINE_BLESS`).
fn check(outputs: &[(String, String)], golden: &str) {
    let path = repo().join("tests/golden").join(golden);
    let got: String = outputs.iter().map(|(h, c)| format!("{h}  {c}\n")).collect();
    if std::env::var_os("STORYLINE_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    let differs: Vec<&str> = got
        .lines()
        .zip(want.lines())
        .filter(|(g, w)| g != w)
        .map(|(g, _)| g.split_once("  ").map_or(g, |(_, c)| c))
        .collect();
    assert!(
        differs.is_empty() && got.lines().count() == want.lines().count(),
        "output changed for {} command(s) (and {} vs {} commands): {differs:?}\n\
         If the change is meant, re-record with STORYLINE_BLESS=1 (see tests/golden.rs).",
        differs.len(),
        got.lines().count(),
        want.lines().count()
    );
}

#[test]
fn demo_outputs_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut outputs = Vec::new();
    record(&mut outputs, &db, &["demo", "--json"]);
    record_store(&mut outputs, &db);
    record_analyze(&mut outputs, Path::new("examples/collection/articles"));
    check(&outputs, "demo.sha256");
}

/// The same commands on a PostgreSQL store (a scratch schema of `STORYLINE_TEST_POSTGRES`,
/// default `postgres://postgres@127.0.0.1:5432/test`) print exactly what they print on SQLite.
/// Without a server the test says so and passes, unless `STORYLINE_REQUIRE_SERVICES` is set.
#[test]
fn demo_outputs_are_the_same_on_postgres() {
    let url = std::env::var("STORYLINE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut admin = match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(client) => client,
        Err(e) if std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none() => {
            eprintln!("skipping: no PostgreSQL at {url} ({e}); set STORYLINE_TEST_POSTGRES");
            return;
        }
        Err(e) => panic!("PostgreSQL is required (STORYLINE_REQUIRE_SERVICES) but: {e}"),
    };
    let schema = format!("storyline_golden_{}", std::process::id());
    let store = PathBuf::from(format!("{url}?schema={schema}"));
    let mut outputs = Vec::new();
    record(&mut outputs, &store, &["demo", "--json"]);
    record_store(&mut outputs, &store);
    admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).unwrap();
    record_analyze(&mut outputs, Path::new("examples/collection/articles"));
    check(&outputs, "demo.sha256");
}

#[test]
#[ignore = "needs ../shared (the seeds)"]
fn seed_outputs_are_unchanged() {
    let seeds = Path::new("../shared/seeds");
    assert!(seeds.is_dir(), "{} is absent", seeds.display());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seeds.db");
    let mut outputs = Vec::new();
    // Relative to the package root (the test's working directory), because input paths are
    // printed (`input_id`): the hashes must not depend on where the repository is checked out.
    record(&mut outputs, &db, &["ingest", "../shared/seeds", "--json"]);
    record_store(&mut outputs, &db);
    record_analyze(&mut outputs, seeds);
    check(&outputs, "seeds.sha256");
}
