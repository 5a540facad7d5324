//! The distributed commands end to end, against a real NATS server with JetStream
//! (`STORYLINE_TEST_NATS`, default `nats://127.0.0.1:4222`): a worker and a committer started
//! without `--until-idle` stop cleanly on SIGTERM, with everything they took committed. Where no
//! server answers the tests say so and pass — unless `STORYLINE_REQUIRE_SERVICES` is set (as
//! `.ci/run` does), when that is a failure.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{export, run, stderr};

fn server() -> Option<String> {
    let url =
        std::env::var("STORYLINE_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    match std::net::TcpStream::connect(url.trim_start_matches("nats://")) {
        Ok(_) => Some(url),
        Err(e) if std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none() => {
            eprintln!("skipping: no NATS server at {url} ({e}); set STORYLINE_TEST_NATS");
            None
        }
        Err(e) => panic!("NATS is required (STORYLINE_REQUIRE_SERVICES) but {url}: {e}"),
    }
}

/// `storyline ARGS…` running in the background.
fn spawn(db: &std::path::Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_storyline"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the storyline binary starts")
}

/// Sends SIGTERM and waits (at most 20 s) for the process to end: its exit status and stderr.
fn terminate(mut child: Child) -> (std::process::ExitStatus, String) {
    let killed = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(killed.success());
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(20), "still running 20 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn worker_and_committer_stop_cleanly_on_sigterm() {
    let Some(url) = server() else { return };
    let stream = format!("{url}?prefix=SIGTERM{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for (i, town) in ["Varnholm", "Kestrel Bay", "Lindqvist"].iter().enumerate() {
        let record = format!(
            "{{\"title\": \"Bridge closed at {town}\", \"source\": \"Fjord Post\", \
              \"published\": \"2026-06-0{d}\", \"text\": \"The old bridge at {town} was closed \
              on Monday after engineers found cracks in two piers, the council said. Ferries \
              will carry cars until repairs end.\"}}",
            d = i + 1
        );
        std::fs::write(inputs.join(format!("{i}.json")), record).unwrap();
    }
    let out = run(&db, &["ingest", inputs.to_str().unwrap(), "--to", &stream]);
    assert!(out.status.success(), "{}", stderr(&out));

    let worker = spawn(&db, &["worker", "--from", &stream]);
    let committer = spawn(&db, &["committer", "--from", &stream]);
    // Both run on (no --until-idle); give them time to drain the stream.
    let start = Instant::now();
    while export(&db).len() < 3 {
        assert!(start.elapsed() < Duration::from_secs(30), "the committer stored nothing");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, err) = terminate(worker);
    assert!(status.success(), "worker: {status:?} {err}");
    assert!(err.contains("prepared 3 inputs"), "{err}");
    let (status, err) = terminate(committer);
    assert!(status.success(), "committer: {status:?} {err}");
    assert!(err.contains("ingested 3"), "{err}");

    let out = run(&db, &["status", "--from", &stream, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["articles"], 3);
    assert_eq!(status["stream"]["inputs_waiting"], 0);
    assert_eq!(status["stream"]["committer_lag"], 0, "{status}");
}
