//! The distributed commands end to end, against a real NATS server with JetStream
//! (`STORYLINE_TEST_NATS`, default `nats://127.0.0.1:4222`): a worker and a committer started
//! without `--until-idle` stop cleanly on SIGTERM, with everything they took committed; a
//! committer killed with SIGKILL mid-run resumes from the stream position it committed and ends
//! with exactly the articles and stories of a clean one-process run; the input of a worker
//! killed with SIGKILL goes to another worker once the server's acknowledgement wait has passed,
//! and nothing is lost; a worker and a committer keep going through a restart of the NATS
//! server (one the test runs itself, stopped and started again) and lose nothing. Where no
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

/// `storyline ARGS…` run to its end; panics with its stderr when it fails.
fn run_ok(db: &std::path::Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(out.status.success(), "storyline {args:?}: {}", stderr(&out));
    stderr(&out)
}

/// Every stored article's story, keyed by id.
fn stories_by_id(db: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    export(db)
        .into_iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a["story"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_committer_killed_mid_run_resumes_and_stores_what_a_clean_run_stores() {
    let Some(url) = server() else { return };
    let stream = format!("{url}?prefix=KILL{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    // 900 invented reports (several batches of the committer), a few per event.
    let mut lines = storm_reports(900).join("\n");
    lines.push('\n');
    let file = dir.path().join("reports.jsonl");
    std::fs::write(&file, lines).unwrap();
    let file = file.to_str().unwrap();

    // The clean run: one process, no stream.
    let clean = dir.path().join("clean.db");
    run_ok(&clean, &["ingest", file]);

    let db = dir.path().join("s.db");
    run_ok(&db, &["ingest", file, "--to", &stream]);
    run_ok(&db, &["worker", "--from", &stream, "--until-idle"]);
    let mut committer = spawn(&db, &["committer", "--from", &stream]);
    let start = Instant::now();
    let stored = loop {
        let n = export(&db).len();
        if n > 0 {
            break n;
        }
        if let Some(status) = committer.try_wait().unwrap() {
            let err =
                String::from_utf8_lossy(&committer.wait_with_output().unwrap().stderr).into_owned();
            panic!("the committer ended ({status}) before storing anything: {err}");
        }
        if start.elapsed() > Duration::from_secs(120) {
            committer.kill().unwrap();
            let err =
                String::from_utf8_lossy(&committer.wait_with_output().unwrap().stderr).into_owned();
            panic!("the committer stored nothing in 120 s: {err}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    committer.kill().unwrap(); // SIGKILL: no chance to commit or clean up
    committer.wait().unwrap();
    assert!(stored < 900, "the committer finished before it could be killed ({stored})");

    let err = run_ok(&db, &["committer", "--from", &stream, "--until-idle"]);
    let after = stories_by_id(&db);
    assert_eq!(after.len(), 900, "nothing lost, nothing twice: {err}");
    let want = stories_by_id(&clean);
    assert_eq!(after.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    // The same partition into stories (story ids are ids of members, so compare member sets).
    assert_eq!(partition(&after), partition(&want), "stories differ from the clean run");
}

/// `n` invented storm reports as JSON lines, three outlets per storm.
fn storm_reports(n: usize) -> Vec<String> {
    let towns = ["Varnholm", "Kestrel Bay", "Lindqvist", "Ormsby", "Tilbury Vale", "Dunmere"];
    (0..n)
        .map(|i| {
            let (town, day) = (towns[i % towns.len()], 1 + (i / 60) % 28);
            let event = i / 3;
            let outlet = ["Fjord Post", "Harbour Ledger", "Valley Courier"][i % 3];
            serde_json::json!({
                "title": format!("Storm damage report {event} from {town}"),
                "source": outlet,
                "published": format!("2026-07-{day:02}"),
                "text": format!(
                    "Storm {event} tore {n} roofs off in {town} on Monday, the council said. \
                     Crews cleared {m} fallen trees and report number {i} lists the streets.",
                    n = 10 + event % 50, m = 3 + event % 7
                ),
            })
            .to_string()
        })
        .collect()
}

/// `n` storm reports as inputs of 25 reports each (a worker is busy with one for a while) under
/// `dir/in`, and a clean one-process ingest of them into `dir/clean.db`: what a run through the
/// work stream must end with.
fn inputs_and_clean_run(
    dir: &std::path::Path,
    n: usize,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    for (i, chunk) in storm_reports(n).chunks(25).enumerate() {
        std::fs::write(inputs.join(format!("{i:02}.jsonl")), chunk.join("\n")).unwrap();
    }
    let clean = dir.join("clean.db");
    run_ok(&clean, &["ingest", inputs.to_str().unwrap()]);
    (inputs, clean)
}

/// `status --from STREAM --json`.
fn stream_status(db: &std::path::Path, stream: &str) -> serde_json::Value {
    let out = run(db, &["status", "--from", stream, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_worker_killed_mid_input_hands_it_back_and_nothing_is_lost() {
    let Some(url) = server() else { return };
    let stream = format!("{url}?prefix=WKILL{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let (inputs, clean) = inputs_and_clean_run(dir.path(), 300);
    let inputs = inputs.to_str().unwrap();

    let db = dir.path().join("s.db");
    run_ok(&db, &["ingest", inputs, "--to", &stream]);
    let mut worker = spawn(&db, &["worker", "--from", &stream]);
    let start = Instant::now();
    while stream_status(&db, &stream)["stream"]["analysed_last"] == 0 {
        assert!(worker.try_wait().unwrap().is_none(), "the worker ended early");
        assert!(start.elapsed() < Duration::from_secs(120), "the worker published nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    worker.kill().unwrap(); // SIGKILL: the input it holds is never acknowledged
    worker.wait().unwrap();

    // A second worker takes what is waiting and, once the server's acknowledgement wait has
    // passed, the input the killed one held.
    let second = spawn(&db, &["worker", "--from", &stream]);
    let start = Instant::now();
    loop {
        let status = stream_status(&db, &stream);
        let stream = &status["stream"];
        if stream["inputs_waiting"] == 0 && stream["inputs_in_flight"] == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(180), "inputs left: {status}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let (status, err) = terminate(second);
    assert!(status.success(), "worker: {status:?} {err}");
    let err = run_ok(&db, &["committer", "--from", &stream, "--until-idle"]);
    let (after, want) = (stories_by_id(&db), stories_by_id(&clean));
    assert_eq!(after.len(), 300, "every article once: {err}");
    assert_eq!(after.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
}

/// A NATS server of the test's own (JetStream in its own directory, on a free port), which the
/// test can kill and start again.
struct OwnNats {
    port: u16,
    dir: std::path::PathBuf,
    child: Option<Child>,
}

impl OwnNats {
    /// `None` (the test is skipped) where no `nats-server` binary is installed, unless
    /// `STORYLINE_REQUIRE_SERVICES` is set.
    fn start(dir: std::path::PathBuf) -> Option<Self> {
        if Command::new("nats-server").arg("--version").output().is_err() {
            assert!(
                std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none(),
                "nats-server is required (STORYLINE_REQUIRE_SERVICES) but not installed"
            );
            eprintln!("skipping: no nats-server binary to run a server of the test's own");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut nats = OwnNats { port, dir, child: None };
        nats.run();
        Some(nats)
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server and waits (at most 10 s) until it accepts connections.
    fn run(&mut self) {
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(10), "nats-server did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, as a service manager restarting it does: the server answers the pulls it holds
    /// with "409 Server Shutdown" and goes.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let term = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            assert!(term.unwrap().success());
            child.wait().unwrap();
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Fails with the process's stderr if it has ended.
fn assert_running(child: &mut Child, what: &str) {
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
        panic!("the {what} ended ({status}): {err}");
    }
}

#[test]
fn worker_and_committer_ride_out_a_restart_of_the_nats_server() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut nats) = OwnNats::start(dir.path().join("nats")) else { return };
    let stream = format!("{}?prefix=RESTART", nats.url());
    let (inputs, clean) = inputs_and_clean_run(dir.path(), 600);
    let inputs = inputs.to_str().unwrap();

    let db = dir.path().join("s.db");
    run_ok(&db, &["ingest", inputs, "--to", &stream]);
    let mut worker = spawn(&db, &["worker", "--from", &stream]);
    let mut committer = spawn(&db, &["committer", "--from", &stream]);
    let start = Instant::now();
    while export(&db).is_empty() {
        assert_running(&mut worker, "worker");
        assert_running(&mut committer, "committer");
        assert!(start.elapsed() < Duration::from_secs(120), "the committer stored nothing");
        std::thread::sleep(Duration::from_millis(50));
    }
    nats.stop();
    std::thread::sleep(Duration::from_secs(2));
    nats.run();

    let start = Instant::now();
    while export(&db).len() < 600 {
        assert_running(&mut worker, "worker");
        assert_running(&mut committer, "committer");
        assert!(start.elapsed() < Duration::from_secs(180), "articles missing after the restart");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, worker_err) = terminate(worker);
    assert!(status.success(), "worker: {status:?} {worker_err}");
    let (status, committer_err) = terminate(committer);
    assert!(status.success(), "committer: {status:?} {committer_err}");
    // Whether either says "trying again" depends on timing: a pull the stopping server answers
    // with "409 Server Shutdown" is an outage; a pull sent while it is down is held by the
    // client until it reconnects.
    // Nothing lost, nothing twice. (The stories may differ from the clean run's: an input the
    // worker held when the server went comes back later in the analysed stream, and grouping
    // still depends on arrival order — issue 12.)
    let (after, want) = (stories_by_id(&db), stories_by_id(&clean));
    assert_eq!(after.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
}

/// The articles of each story, as sorted sets of ids.
fn partition(stories: &std::collections::BTreeMap<String, String>) -> Vec<Vec<String>> {
    let mut by: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (id, story) in stories {
        by.entry(story.as_str()).or_default().push(id.clone());
    }
    let mut sets: Vec<Vec<String>> = by.into_values().collect();
    sets.sort();
    sets
}
