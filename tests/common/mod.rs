//! Helpers shared by the end-to-end tests (`tests/cli.rs`, `tests/fetch.rs`): running the
//! `storyline` binary against a store and reading what it prints.

// Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `storyline --db DB ARGS…` and returns its output.
pub fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_storyline"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("the storyline binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `export --format jsonl` parsed.
pub fn export(db: &Path) -> Vec<Value> {
    let out = run(db, &["export", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each export line is JSON"))
        .collect()
}
