//! The distributed commands end to end, against a real NATS server with JetStream
//! (`STORYLINE_TEST_NATS`, default `nats://127.0.0.1:4222`): a worker and a committer started
//! without `--until-idle` stop cleanly on SIGTERM, with everything they took committed; a
//! committer killed with SIGKILL mid-run resumes from the stream position it committed and ends
//! with exactly the articles and stories of a clean one-process run; the input of a worker
//! killed with SIGKILL goes to another worker once the server's acknowledgement wait has passed,
//! and nothing is lost; a worker and a committer keep going through a restart of the NATS
//! server (one the test runs itself, stopped and started again) and lose nothing; three workers
//! and a committer into PostgreSQL store exactly what one `ingest` process stores in SQLite
//! (every article, copy and story); a committer whose PostgreSQL connection is dropped in the
//! middle of a transaction (`pg_terminate_backend`) goes on and stores every article once. Where
//! no server answers the tests say so and pass — unless `STORYLINE_REQUIRE_SERVICES` is set (as
//! `.ci/run` does), when that is a failure. PostgreSQL is `STORYLINE_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test that uses it creates a database of its
//! own there and drops it at the end, and each test on the shared NATS server deletes its
//! streams at the end.

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

/// The streams of one test on the shared NATS server (`PREFIX` + the process id), deleted when
/// the test ends, whether it passes or not.
struct SharedStreams(String);

impl SharedStreams {
    fn new(url: &str, prefix: &str) -> Self {
        SharedStreams(format!("{url}?prefix={prefix}{}", std::process::id()))
    }
}

impl Drop for SharedStreams {
    fn drop(&mut self) {
        if let Ok(ws) = storyline_stream::WorkStream::parse(&self.0) {
            let _ = ws.delete_streams();
        }
    }
}

/// A background process killed (SIGKILL) if the test ends without stopping it.
struct Background(Option<Child>);

impl Background {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("still running")
    }

    fn take(&mut self) -> Child {
        self.0.take().expect("still running")
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
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
    let streams = SharedStreams::new(&url, "SIGTERM");
    let stream = streams.0.clone();
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
    let streams = SharedStreams::new(&url, "KILL");
    let stream = streams.0.clone();
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
    let streams = SharedStreams::new(&url, "WKILL");
    let stream = streams.0.clone();
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
    // Nothing lost, nothing twice. (The stories may differ from the clean run's: the input the
    // worker held when the server went comes back only after the acknowledgement wait, 30 s, and
    // a committer idle that long commits the part-filled batch it holds.)
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

/// A PostgreSQL database of the test's own on the server `STORYLINE_TEST_POSTGRES`, dropped
/// (with any connection still open to it) when the test ends.
struct OwnDatabase {
    admin: String,
    name: String,
}

impl OwnDatabase {
    /// `None` (the test is skipped) where no PostgreSQL answers, unless
    /// `STORYLINE_REQUIRE_SERVICES` is set.
    fn create(test: &str) -> Option<Self> {
        let admin = std::env::var("STORYLINE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(client) => client,
            Err(e) if std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none() => {
                eprintln!("skipping: no PostgreSQL at {admin} ({e}); set STORYLINE_TEST_POSTGRES");
                return None;
            }
            Err(e) => {
                panic!("PostgreSQL is required (STORYLINE_REQUIRE_SERVICES) but {admin}: {e}")
            }
        };
        let name = format!("storyline_{test}_{}", std::process::id());
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Some(OwnDatabase { admin, name })
    }

    /// The URL of the database (the server's URL with the database's name).
    fn url(&self) -> String {
        let server = self.admin.split('?').next().unwrap();
        let at = server.rfind('/').filter(|&i| i > "postgres://".len()).unwrap_or(server.len());
        format!("{}/{}", &server[..at], self.name)
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = client.batch_execute(&drop);
        }
    }
}

/// Every line of `export` and of the full story listing (`stories --json`): what a user
/// sees of the articles, the copies and the stories.
fn everything(db: &std::path::Path) -> (Vec<String>, serde_json::Value) {
    let lines = export(db).iter().map(|a| a.to_string()).collect();
    let out = run(db, &["stories", "--json", "--limit", "100000"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (lines, serde_json::from_slice(&out.stdout).unwrap())
}

/// Waits (at most `limit`) until the committer has committed every input published, failing
/// with their stderr if a process ends.
fn wait_until_committed(
    db: &std::path::Path,
    stream: &str,
    running: &mut [(&str, &mut Background)],
    limit: Duration,
) {
    let start = Instant::now();
    loop {
        let status = stream_status(db, stream);
        if status["stream"]["committer_lag"] == 0 && status["stream"]["inputs_last"] != 0 {
            return;
        }
        for (what, process) in running.iter_mut() {
            assert_running(process.child(), what);
        }
        assert!(start.elapsed() < limit, "not all committed in {limit:?}: {status}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn three_workers_and_the_committer_store_what_one_process_stores() {
    let Some(url) = server() else { return };
    let Some(pg) = OwnDatabase::create("three") else { return };
    let streams = SharedStreams::new(&url, "THREE");
    let stream = streams.0.as_str();
    let dir = tempfile::tempdir().unwrap();
    // 600 invented reports in 24 inputs: three batches of the committer, stories across inputs.
    let (inputs, clean) = inputs_and_clean_run(dir.path(), 600);
    let db = std::path::PathBuf::from(pg.url());
    run_ok(&db, &["ingest", inputs.to_str().unwrap(), "--to", stream]);

    let mut workers: Vec<Background> =
        (0..3).map(|_| Background(Some(spawn(&db, &["worker", "--from", stream])))).collect();
    let mut committer = Background(Some(spawn(&db, &["committer", "--from", stream])));
    {
        let [a, b, c] = &mut workers[..] else { unreachable!() };
        let mut running =
            [("worker", a), ("worker", b), ("worker", c), ("committer", &mut committer)];
        wait_until_committed(&db, stream, &mut running, Duration::from_secs(600));
    }
    let mut prepared = Vec::new();
    for worker in &mut workers {
        let (status, err) = terminate(worker.take());
        assert!(status.success(), "worker: {status:?} {err}");
        prepared.push(err.trim().to_string());
    }
    let (status, err) = terminate(committer.take());
    assert!(status.success(), "committer: {status:?} {err}");
    eprintln!("workers: {prepared:?}");

    // The same articles, copies and stories, in the same order, as one `ingest` process.
    let (lines, stories) = everything(&db);
    let (want_lines, want_stories) = everything(&clean);
    assert_eq!(lines.len(), 600);
    assert_eq!(lines, want_lines);
    assert_eq!(stories, want_stories);
}

/// The committed position of the committer of `stream` (whose prefix is `prefix`) in the
/// PostgreSQL database `client` is connected to (`None` before its first commit).
fn committed(client: &mut postgres::Client, prefix: &str) -> Option<i64> {
    let name = format!("{prefix}_INPUTS");
    let row = client.query_opt("SELECT position FROM cursors WHERE name = $1", &[&name]);
    row.ok().flatten().map(|r| r.get(0))
}

#[test]
fn the_committer_rides_out_its_postgresql_connection_dropped_mid_transaction() {
    let Some(url) = server() else { return };
    let Some(pg) = OwnDatabase::create("pgdrop") else { return };
    let streams = SharedStreams::new(&url, "PGDROP");
    let stream = streams.0.as_str();
    let prefix = stream.split("?prefix=").nth(1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // 1,200 reports in 48 inputs of 25: five batches, five transactions to break into.
    let (inputs, clean) = inputs_and_clean_run(dir.path(), 1200);
    let db = std::path::PathBuf::from(pg.url());
    run_ok(&db, &["ingest", inputs.to_str().unwrap(), "--to", stream]);
    run_ok(&db, &["worker", "--from", stream, "--until-idle"]);
    run_ok(&db, &["status"]); // creates the tables: no transaction but the committer's to break

    let mut committer = Background(Some(spawn(&db, &["committer", "--from", stream])));
    let mut admin = pg.client();
    // Whenever a connection of the committer is in a write transaction, terminate it — once
    // per committed batch, up to three times, so the committer gets on between two.
    let (mut kills, mut killed_at) = (0, -1);
    let start = Instant::now();
    loop {
        let at = committed(&mut admin, prefix).unwrap_or(0);
        if at == 48 {
            break;
        }
        assert_running(committer.child(), "committer");
        assert!(start.elapsed() < Duration::from_secs(600), "committed {at} of 48 inputs");
        if kills < 3 && at > killed_at {
            let terminated = admin
                .query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()
                       AND backend_xid IS NOT NULL",
                    &[],
                )
                .unwrap();
            if terminated.iter().any(|r| r.get::<_, bool>(0)) {
                kills += 1;
                killed_at = at;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let (status, err) = terminate(committer.take());
    assert!(status.success(), "committer: {status:?} {err}");
    assert!(kills > 0, "no transaction of the committer was caught open");
    assert!(err.contains("trying again"), "the dropped connection went unnoticed: {err}");

    // Every article once, in the order, the stories and the storylines of the clean one-process
    // run, the same articles marked as copies. (Which original a copy names may differ where two
    // are equally close: the committer's grouping state after a reconnection is restored from
    // the store in sequence order, where the clean run's saw each batch by day, then id.)
    let (lines, _) = everything(&db);
    let (want_lines, _) = everything(&clean);
    assert_eq!(lines.len(), 1200, "{err}");
    let differ: Vec<_> =
        lines.iter().zip(&want_lines).filter(|(a, b)| copy_flag(a) != copy_flag(b)).collect();
    assert!(differ.is_empty(), "{} lines differ, first {:?}\n{err}", differ.len(), differ.first());
}

/// An `export` line with the original a copy names replaced by `true`.
fn copy_flag(line: &str) -> serde_json::Value {
    let mut article: serde_json::Value = serde_json::from_str(line).unwrap();
    article["duplicate_of"] = serde_json::json!(!article["duplicate_of"].is_null());
    article
}
