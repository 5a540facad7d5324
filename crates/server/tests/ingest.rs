//! Writes over HTTP, end to end: a real server on an ephemeral port over a real SQLite store,
//! `POST /api/v1/articles` with and without the operator's token, bad and oversized bodies,
//! re-posting, a second writer beside the server, and the live stream of changed stories
//! (`GET /api/v1/events`) seeing what was posted. Articles are invented (invented outlets,
//! places and events).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use storyline_ingest::Input;
use storyline_search::SearchIndex;
use storyline_store::Store;
use storyline_store_sqlite::SqliteStore;

const TOKEN: &str = "test-token-4f1c";

/// A server on a fresh store (named `name`), with `token` as its ingest token; its address.
fn start(name: &str, token: Option<&str>) -> (String, PathBuf) {
    start_with(name, token, false)
}

/// [`start`], with a search index beside the store (`store.db.search`) when `search` is set.
fn start_with(name: &str, token: Option<&str>, search: bool) -> (String, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("ingest-test-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("store.db");
    let store = SqliteStore::open(&db).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let search = search.then(|| {
        let (index, _) = SearchIndex::open(&dir.join("store.db.search"), &store).unwrap();
        Arc::new(index)
    });
    let config = storyline_server::Config { search, ingest_token: token.map(str::to_string) };
    std::thread::spawn(move || {
        storyline_server::run(listener, Arc::new(store), config, std::future::pending()).unwrap()
    });
    (addr, db)
}

/// A request over HTTP/1.0; returns the status and the body.
fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before it has read an oversized body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").expect("a header block");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn post(addr: &str, token: Option<&str>, body: &[u8]) -> (u16, Value) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    send(addr, "POST", "/api/v1/articles", &headers, body)
}

fn record(title: &str, outlet: &str, day: &str, text: &str) -> String {
    serde_json::json!({ "title": title, "source": outlet, "published": day, "text": text })
        .to_string()
}

fn quarry_collapse(outlet: &str) -> String {
    record(
        "Quarry wall collapses at Dunmere",
        outlet,
        "2026-06-03",
        "A quarry wall collapsed at Dunmere on Wednesday, burying two excavators. Site manager \
         Oren Vale said no workers were hurt. Inspectors from the Halden county office closed \
         the quarry for a safety review.",
    )
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn posting_needs_the_operators_token() {
    let (open, _) = start("token", Some(TOKEN));
    let body = quarry_collapse("Dunmere Echo");
    let (status, v) = post(&open, None, body.as_bytes());
    assert_eq!((status, code(&v)), (401, "unauthorized"), "{v}");
    let (status, v) = post(&open, Some("test-token-4f1d"), body.as_bytes());
    assert_eq!((status, code(&v)), (401, "unauthorized"), "{v}");
    let (status, v) = send(&open, "GET", "/api/v1/stories", &[], b"");
    assert_eq!((status, v["total"].as_u64()), (200, Some(0)), "nothing stored: {v}");

    let (closed, _) = start("no-token", None);
    let (status, v) = post(&closed, Some(TOKEN), body.as_bytes());
    assert_eq!((status, code(&v)), (403, "ingest_disabled"), "{v}");
}

#[test]
fn posted_articles_are_indexed_before_the_answer() {
    let (addr, db) = start_with("indexed", Some(TOKEN), true);
    let (status, v) = post(&addr, Some(TOKEN), quarry_collapse("Dunmere Echo").as_bytes());
    assert_eq!((status, &v["ingested"]), (200, &1.into()), "{v}");
    // Read from disk by another handle, before any search: the writer committed the index.
    let seq = SqliteStore::open(&db).unwrap().last_seq().unwrap();
    let on_disk = SearchIndex::load(&db.with_extension("db.search")).unwrap();
    assert_eq!((seq, on_disk.indexed_seq()), (1, 1));
    let (status, found) = send(&addr, "GET", "/api/v1/search?q=quarry", &[], b"");
    assert_eq!(
        (status, &found["total"], &found["pending"]),
        (200, &1.into(), &0.into()),
        "{found}"
    );
}

#[test]
fn posted_records_are_stored_once_and_bad_ones_are_named() {
    let (addr, _) = start("records", Some(TOKEN));
    let lines = [
        quarry_collapse("Dunmere Echo"),
        "{\"title\": \"cut off".to_string(),
        record(
            "Halden library reopens",
            "Halden Post",
            "2026-06-02",
            "The Halden public library reopened on Tuesday after a year of repairs to its roof, \
             the town council said. Opening hours are unchanged.",
        ),
    ];
    let body = lines.join("\n");
    let (status, v) = post(&addr, Some(TOKEN), body.as_bytes());
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ingested"], 2, "{v}");
    assert_eq!(v["articles"].as_array().unwrap().len(), 2, "{v}");
    let failed = v["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{v}");
    assert_eq!(failed[0]["input"], "request:2", "the bad line is named: {v}");

    let (status, again) = post(&addr, Some(TOKEN), body.as_bytes());
    assert_eq!((status, &again["ingested"], &again["already_stored"]), (200, &0.into(), &2.into()));
    let (_, list) = send(&addr, "GET", "/api/v1/stories", &[], b"");
    assert_eq!(list["total"], 2, "nothing stored twice: {list}");

    let id = v["articles"][0].as_str().unwrap();
    let (status, article) = send(&addr, "GET", &format!("/api/v1/articles/{id}"), &[], b"");
    assert_eq!((status, article["source"].as_str()), (200, Some("Dunmere Echo")));
}

#[test]
fn bad_and_oversized_bodies_get_a_code_and_store_nothing() {
    let (addr, _) = start("bad", Some(TOKEN));
    let (status, v) = post(&addr, Some(TOKEN), b"   \n ");
    assert_eq!((status, code(&v)), (422, "bad_input"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("empty input"), "{v}");

    let big = vec![b'a'; storyline_server::api::MAX_BODY + 1];
    let (status, v) = post(&addr, Some(TOKEN), &big);
    assert_eq!((status, code(&v)), (413, "too_large"), "{v}");
    let (_, list) = send(&addr, "GET", "/api/v1/stories", &[], b"");
    assert_eq!(list["total"], 0, "{list}");
}

#[test]
fn articles_stored_beside_the_server_are_grouped_with_posted_ones() {
    let (addr, db) = start("second-writer", Some(TOKEN));
    let (status, v) = post(&addr, Some(TOKEN), quarry_collapse("Dunmere Echo").as_bytes());
    assert_eq!((status, &v["ingested"]), (200, &1.into()), "{v}");
    // Another process's writer (as `storyline ingest` would) adds an article the server's
    // writer has not seen, then the server takes another report of the same collapse.
    let other = SqliteStore::open(&db).unwrap();
    let input = Input {
        name: "beside.json".into(),
        bytes: record(
            "Elsby choir wins national title",
            "Elsby Herald",
            "2026-06-01",
            "The Elsby youth choir won the national choral title in Carrow on Monday, its \
             conductor Ilka Morrow said. Forty singers aged nine to sixteen took part.",
        )
        .into_bytes(),
    };
    let report = storyline_pipeline::ingest(&other, [Ok(input)], &()).unwrap();
    assert_eq!(report.ingested, 1);
    let (status, v) = post(&addr, Some(TOKEN), quarry_collapse("Northgate Courier").as_bytes());
    assert_eq!((status, &v["ingested"]), (200, &1.into()), "{v}");
    let (_, list) = send(&addr, "GET", "/api/v1/stories?sort=size", &[], b"");
    assert_eq!(list["total"], 2, "the collapse is one story, the choir another: {list}");
    assert_eq!(list["stories"][0]["sources"], 2, "{list}");
    let third = format!("/api/v1/articles/{}", v["articles"][0].as_str().unwrap());
    let (_, third) = send(&addr, "GET", &third, &[], b"");
    assert_eq!(third["seq"], 3, "the server's writer continued after the other one: {third}");
}

/// Reads server-sent events from `stream` until one named `name` arrives (or `limit` passes):
/// its `id` and parsed data.
fn next_event(reader: &mut BufReader<TcpStream>, name: &str, limit: Duration) -> (String, Value) {
    let deadline = Instant::now() + limit;
    let (mut event, mut id, mut data) = (String::new(), String::new(), String::new());
    loop {
        assert!(Instant::now() < deadline, "no `{name}` event within {limit:?}");
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("the stream ended before a `{name}` event");
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if event == name {
                return (id, serde_json::from_str(&data).unwrap());
            }
            (event, id, data) = (String::new(), String::new(), String::new());
        } else if let Some(v) = line.strip_prefix("event:") {
            event = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim());
        }
    }
}

/// Opens the live stream (with `last_event_id` when given), past its response headers.
fn follow(addr: &str, last_event_id: Option<&str>) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let resume = last_event_id.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
    write!(stream, "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\n{resume}\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.contains(" 200 "), "{status}");
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            return reader;
        }
        assert!(
            !line.to_ascii_lowercase().starts_with("content-type:")
                || line.contains("text/event-stream"),
            "{line}"
        );
    }
}

#[test]
fn the_live_stream_names_the_stories_that_gained_articles() {
    let (addr, _) = start("live", Some(TOKEN));
    let mut live = follow(&addr, None);
    let (status, v) = post(&addr, Some(TOKEN), quarry_collapse("Dunmere Echo").as_bytes());
    assert_eq!(status, 200, "{v}");
    let story = v["stories"][0].as_str().unwrap().to_string();
    let (id, data) = next_event(&mut live, "stories", Duration::from_secs(10));
    assert_eq!(id, "1", "{data}");
    assert_eq!(data["stories"][0]["id"], story.as_str(), "{data}");
    assert_eq!(data["stories"][0]["new_articles"], 1, "{data}");

    // A client that reconnects with the last id it saw resumes after it.
    post(&addr, Some(TOKEN), quarry_collapse("Northgate Courier").as_bytes());
    let mut resumed = follow(&addr, Some(&id));
    let (id, data) = next_event(&mut resumed, "stories", Duration::from_secs(10));
    assert_eq!(id, "2", "{data}");
    assert_eq!(data["stories"][0]["new_articles"], 1, "only what came after id 1: {data}");
    assert_eq!(data["stories"][0]["id"], story.as_str(), "the second report joined: {data}");
}
