//! The work stream against a real NATS server with JetStream: inputs published, one worker, the
//! committer — the store ends up exactly as a direct `ingest` leaves it, also when the committer
//! stops half-way and resumes. Each test uses streams of its own, deleted afterwards.
//!
//! The server is `STORYLINE_TEST_NATS` (default `nats://127.0.0.1:4222`). Where none answers the
//! tests say so and pass without checking anything — unless `STORYLINE_REQUIRE_SERVICES` is set
//! (as `.ci/run` does), when that is a failure.

use storyline_ingest::{IngestError, Input};
use storyline_pipeline::Store;
use storyline_store::conformance::dump;
use storyline_store_sqlite::SqliteStore;

use crate::{Until, WorkStream};

fn server() -> Option<String> {
    let url =
        std::env::var("STORYLINE_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let addr = url.trim_start_matches("nats://").to_string();
    match std::net::TcpStream::connect(&addr) {
        Ok(_) => Some(url),
        Err(e) if std::env::var_os("STORYLINE_REQUIRE_SERVICES").is_none() => {
            eprintln!("skipping: no NATS server at {url} ({e}); set STORYLINE_TEST_NATS");
            None
        }
        Err(e) => panic!("NATS is required (STORYLINE_REQUIRE_SERVICES) but {url}: {e}"),
    }
}

/// Streams of one test, deleted when it ends.
struct Streams {
    url: String,
    prefix: String,
}

impl Streams {
    fn new(url: String, test: &str) -> Self {
        let prefix = format!("T{}_{test}", std::process::id());
        Streams { url, prefix }
    }

    fn work_stream(&self) -> WorkStream {
        WorkStream::parse(&format!("{}?prefix={}", self.url, self.prefix)).unwrap()
    }
}

impl Drop for Streams {
    fn drop(&mut self) {
        let _ = self.work_stream().delete_streams();
    }
}

fn inputs() -> Vec<Result<Input, IngestError>> {
    let towns = ["Varnholm", "Kestrel Bay", "Lindqvist"];
    let mut out = Vec::new();
    for (i, town) in towns.iter().enumerate() {
        for (j, outlet) in ["Varnholm Ledger", "Kestrel Courier"].iter().enumerate() {
            let text = format!(
                "{{\"title\": \"Ferry strike halts crossings at {town}\", \"source\": \"{outlet}\", \
                  \"published\": \"2026-05-0{d}\", \"text\": \"Ferry crews at {town} stopped work \
                  on Tuesday over pay, the union said. About {n} passengers were stranded, \
                  harbour officials said. Crossings will resume on Friday, {outlet} was told.\"}}",
                d = i + 1,
                n = 200 * (i + 1) + j
            );
            out.push(Ok(Input { name: format!("{i}-{j}.json"), bytes: text.into_bytes() }));
        }
    }
    out.push(Ok(Input { name: "broken.json".into(), bytes: b"{\"text\": ".to_vec() }));
    out
}

fn direct() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("direct.db")).unwrap();
    storyline_pipeline::ingest_with_threads(&store, inputs(), &(), 1).unwrap();
    (dir, store)
}

#[test]
fn a_worker_and_the_committer_store_what_a_direct_ingest_stores() {
    let Some(url) = server() else { return };
    let streams = Streams::new(url, "same");
    let ws = streams.work_stream();
    let published = ws.publish_inputs(inputs()).unwrap();
    assert_eq!((published.published, published.duplicates), (7, 0));
    let again = ws.publish_inputs(inputs()).unwrap();
    assert_eq!(again.duplicates, 7, "the same inputs again are recognised");

    let worked = ws.run_worker(Until { idle: true, messages: None }).unwrap();
    assert_eq!((worked.inputs, worked.articles, worked.failed), (7, 6, 1));
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    let report = ws.run_committer(&store, Until { idle: true, messages: None }).unwrap();
    assert_eq!((report.ingested, report.failed.len()), (6, 1));
    assert_eq!(report.failed[0].input, "broken.json");
    let (_direct_dir, expected) = direct();
    assert_eq!(dump(&store), dump(&expected));
    assert_eq!(store.cursor(&ws.cursor_name()).unwrap(), Some(7));
}

#[test]
fn a_stopped_committer_resumes_where_it_stopped() {
    let Some(url) = server() else { return };
    let streams = Streams::new(url, "resume");
    let ws = streams.work_stream();
    ws.publish_inputs(inputs()).unwrap();
    ws.run_worker(Until { idle: true, messages: None }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    let first = ws.run_committer(&store, Until { idle: true, messages: Some(3) }).unwrap();
    assert_eq!(first.ingested, 3);
    assert_eq!(store.cursor(&ws.cursor_name()).unwrap(), Some(3));
    let rest = ws.run_committer(&store, Until { idle: true, messages: None }).unwrap();
    assert_eq!((rest.ingested, rest.already_stored), (3, 0), "nothing read twice");
    let (_direct_dir, expected) = direct();
    assert_eq!(dump(&store), dump(&expected));
}

#[test]
fn an_input_no_worker_survives_goes_to_the_dead_letters_with_its_reason() {
    let Some(url) = server() else { return };
    let streams = Streams::new(url, "dead");
    let ws = streams.work_stream();
    let first: Vec<_> = inputs().into_iter().take(1).collect();
    ws.publish_inputs(first).unwrap();
    // A worker takes the input and dies on it, again and again (a nak is how a dying
    // worker's message comes back, without waiting out the acknowledgement timeout).
    ws.run(async |js, _| {
        use futures::StreamExt;
        let consumer = ws.prepare_consumer(js).await?;
        for _ in 1..crate::MAX_DELIVER {
            let mut batch = ws.pull(&consumer, 1).await?;
            let message = batch.next().await.expect("a message").unwrap();
            message.ack_with(async_nats::jetstream::AckKind::Nak(None)).await.unwrap();
        }
        Ok(())
    })
    .unwrap();
    let status = ws.status().unwrap();
    let unfinished = status.inputs_waiting + status.inputs_in_flight;
    assert_eq!((unfinished, status.dead_letters), (1, 0), "{status:?}");

    let worked = ws.run_worker(Until { idle: true, messages: None }).unwrap();
    assert_eq!((worked.inputs, worked.articles, worked.failed), (1, 0, 1));
    let status = ws.status().unwrap();
    assert_eq!((status.inputs_waiting, status.inputs_in_flight, status.dead_letters), (0, 0, 1));
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    assert_eq!(ws.committer_lag(&store, &status).unwrap(), 1, "its failure is to commit");
    let report = ws.run_committer(&store, Until { idle: true, messages: None }).unwrap();
    assert_eq!(report.ingested, 0);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].input, "0-0.json");
    assert!(report.failed[0].reason.contains("dead-letter"), "{:?}", report.failed[0]);
    assert_eq!(ws.committer_lag(&store, &ws.status().unwrap()).unwrap(), 0);
}

#[test]
fn urls_name_the_server_and_the_streams() {
    let ws = WorkStream::parse("nats://10.0.0.5:4222?prefix=NEWS").unwrap();
    assert_eq!(ws.inputs(), ("NEWS_INPUTS".to_string(), "NEWS.inputs".to_string()));
    assert!(WorkStream::parse("http://10.0.0.5").is_err());
    assert!(WorkStream::parse("nats://h:1?prefix=a.b").is_err());
}

#[test]
fn status_of_a_stream_never_published_to_is_an_error_and_creates_nothing() {
    let Some(url) = server() else { return };
    let streams = Streams::new(url, "probe");
    let ws = streams.work_stream();
    let err = ws.status().unwrap_err().to_string();
    assert!(err.contains("nothing was published here yet"), "{err}");
    let inputs = ws.inputs().0;
    let created =
        ws.connect(false, async |js, _| Ok(js.get_stream(&inputs).await.is_ok())).unwrap();
    assert!(!created, "the probe created the stream {inputs}");
}

/// `inputs` JSON Lines inputs of `per_input` invented reports each: a few reports per
/// happening, from three outlets, so stories span inputs and batches.
fn report_inputs(inputs: usize, per_input: usize) -> Vec<Result<Input, IngestError>> {
    let towns = ["Varnholm", "Kestrel Bay", "Lindqvist", "Ormsby", "Dunmere"];
    let outlets = ["Varnholm Ledger", "Kestrel Courier", "Fjord Post"];
    (0..inputs)
        .map(|i| {
            let lines: Vec<String> = (0..per_input)
                .map(|j| {
                    let n = i * per_input + j;
                    let (event, town) = (n / 3, towns[n % towns.len()]);
                    serde_json::json!({
                        "title": format!("Landslide {event} closes the road near {town}"),
                        "source": outlets[n % 3],
                        "published": format!("2026-08-{:02}", 1 + (n / 40) % 28),
                        "text": format!(
                            "A landslide numbered {event} buried {m} metres of the coast road \
                             near {town} on Sunday, the roads agency said. Report {n} adds \
                             that {k} cars were turned back.",
                            m = 20 + event % 40, k = 3 + event % 11
                        ),
                    })
                    .to_string()
                })
                .collect();
            Ok(Input { name: format!("{i:03}.jsonl"), bytes: lines.join("\n").into_bytes() })
        })
        .collect()
}

#[test]
fn inputs_finished_in_any_order_are_committed_in_the_order_they_were_published() {
    let Some(url) = server() else { return };
    let streams = Streams::new(url, "order");
    let ws = streams.work_stream();
    // 300 reports: two batches of the committer, so the order of the inputs decides the stories.
    let published = ws.publish_inputs(report_inputs(4, 75)).unwrap();
    assert_eq!(published.published, 4);
    // Workers finish the inputs last first: so they come in the analysed stream.
    ws.run(async |js, max_payload| {
        use futures::StreamExt;
        let consumer = ws.prepare_consumer(js).await?;
        let mut messages = Vec::new();
        while messages.len() < 4 {
            let mut batch = ws.pull(&consumer, 4).await?;
            while let Some(message) = batch.next().await {
                messages.push(message.unwrap());
            }
        }
        let mut report = crate::WorkerReport::default();
        for message in messages.iter().rev() {
            ws.prepare_input(js, &ws.analysed().1, message, max_payload, &mut report).await?;
        }
        assert_eq!(report.articles, 300);
        Ok(())
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    let report = ws.run_committer(&store, Until { idle: true, messages: None }).unwrap();
    assert_eq!(report.ingested, 300);
    let direct = SqliteStore::open(dir.path().join("direct.db")).unwrap();
    storyline_pipeline::ingest_with_threads(&direct, report_inputs(4, 75), &(), 1).unwrap();
    assert_eq!(dump(&store), dump(&direct));
    assert_eq!(store.cursor(&ws.cursor_name()).unwrap(), Some(4));
    let status = ws.status().unwrap();
    assert_eq!(ws.committer_lag(&store, &status).unwrap(), 0);
}

#[test]
fn an_input_gone_from_the_stream_does_not_hold_up_the_ones_after_it() {
    let Some(url) = server() else { return };
    let streams = Streams::new(url, "gap");
    let ws = streams.work_stream();
    let three: Vec<_> = inputs().into_iter().take(3).collect();
    ws.publish_inputs(three).unwrap();
    // The second input is deleted before a worker takes it: nothing will ever come for it.
    let inputs_stream = ws.inputs().0;
    ws.run(async |js, _| {
        let stream = js.get_stream(&inputs_stream).await.unwrap();
        assert!(stream.delete_message(2).await.unwrap());
        Ok(())
    })
    .unwrap();
    let worked = ws.run_worker(Until { idle: true, messages: None }).unwrap();
    assert_eq!(worked.inputs, 2);
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    let report = ws.run_committer(&store, Until { idle: true, messages: None }).unwrap();
    assert_eq!(report.ingested, 2, "{report:?}");
    let notice = report.warnings.iter().find(|w| w.contains("input 2 of"));
    assert!(notice.is_some_and(|w| w.contains("no longer in the inputs stream")), "{report:?}");
    assert_eq!(store.cursor(&ws.cursor_name()).unwrap(), Some(3));
}
