//! `storyline fetch` and WARC ingest end to end, into stories: the fetcher's local test server
//! (`storyline_fetch::testing`) serves robots.txt, an RSS feed (one entry with its article, two with only a link)
//! and article pages written for this test; a WARC archive is generated here. Checks the SSRF
//! refusal without `--allow-private`, conditional re-fetching, revisions, and idempotence.

use serde_json::Value;
use std::io::Write;
use storyline_fetch::testing::{LocalServer, Request, Response};

mod common;
use common::{export, run, stderr};

fn page(title: &str, date: &str, paras: &[&str]) -> String {
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title} | Westmere Ledger</title>\
         <meta property=\"og:site_name\" content=\"Westmere Ledger\">\
         <meta property=\"article:published_time\" content=\"{date}\">\
         <meta name=\"author\" content=\"Ada Quill\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/sport\">Sport</a></nav>\
         <article><h1>{title}</h1>{body}</article>\
         <aside><h3>Most read</h3><ul><li><a href=\"/x\">Cat rescued from tree</a></li></ul></aside>\
         <footer>Copyright Westmere Ledger</footer></body></html>"
    )
}

const PIER: [&str; 4] = [
    "The harbour board of Westmere voted on Tuesday to rebuild the old pier after the winter storms tore away its northern end.",
    "Board chair Lena Okafor said the work would cost 4.2 million crowns and start in April, with the pier reopening by the end of the summer.",
    "Fishermen who moor at the pier welcomed the decision but asked for temporary berths while the work goes on, a request the board said it would study.",
    "The storms in January also damaged the ferry ramp, which the regional transport office repaired within a week.",
];

const FERRY: [&str; 4] = [
    "Ferries between Westmere and the island of Holm will run later in the evening from May, the regional transport office said on Wednesday.",
    "The last departure will move from 20:00 to 22:30 on weekdays, a change islanders have asked for since the ferry ramp was rebuilt after the January storms.",
    "The office said the extra sailings would be paid for by the harbour board, which voted this week to rebuild the old pier.",
    "Transport director Piet Holm said the timetable would be reviewed again in the autumn.",
];

/// What `/ferry` adds after its first request when the page changes.
const FERRY_UPDATE: &str = "Update: the office later said the first late sailing will be on 4 May.";

/// The site: robots.txt, a feed, two pages; `/ferry` changes after the first request when
/// `ferry_changes` is set. Serves `If-None-Match` with 304 for `/pier`.
fn serve(ferry_changes: bool) -> LocalServer {
    LocalServer::start(move |req: &Request| match req.path.as_str() {
        "/robots.txt" => Response::new(200, "User-agent: *\nDisallow: /admin\n")
            .with_header("Content-Type", "text/plain"),
        "/feed.xml" => {
            Response::new(200, feed(&req.base)).with_header("Content-Type", "application/rss+xml")
        }
        "/pier" if req.header("if-none-match") == Some("\"pier-1\"") => {
            Response::new(304, "").with_header("ETag", "\"pier-1\"")
        }
        "/pier" => Response::html(&page("Pier to be rebuilt", "2026-03-03T09:00:00Z", &PIER))
            .with_header("ETag", "\"pier-1\""),
        "/ferry" => {
            let mut paras = FERRY.to_vec();
            if ferry_changes && req.nth > 1 {
                paras.push(FERRY_UPDATE);
            }
            Response::html(&page("Later ferries from May", "2026-03-04T10:00:00Z", &paras))
        }
        _ => Response::new(404, "not found"),
    })
}

/// A feed with one full entry (a lighthouse story) and two link-only entries.
fn feed(base: &str) -> String {
    let full: String = [
        "The Westmere lighthouse will be lit again on Saturday for the first time since 1998, the heritage society said.",
        "Volunteers spent two years restoring the lamp room and the spiral stair, society secretary Jon Berg said, with money raised at summer fairs.",
        "The light will shine on weekend evenings through the summer and is not meant for navigation, the coast guard said.",
        "Visitors can climb the tower on Sunday afternoons from June, when the society opens a small museum in the keeper's cottage next door.",
        "The society hopes the light will draw walkers to the northern headland, where a new path along the cliffs opened last year with help from the council.",
    ]
    .iter()
    .map(|p| format!("<p>{p}</p>"))
    .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Westmere Ledger</title><link>{base}/</link>
<item><title>Lighthouse to shine again</title><link>{base}/lighthouse</link><pubDate>Thu, 05 Mar 2026 08:00:00 +0000</pubDate>
<content:encoded><![CDATA[{full}]]></content:encoded></item>
<item><title>Pier to be rebuilt</title><link>{base}/pier</link><description>The board voted.</description></item>
<item><title>Later ferries</title><link>{base}/ferry</link><description>From May.</description></item>
</channel></rss>"#
    )
}

#[test]
fn fetch_is_refused_for_local_addresses_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let server = serve(false);
    let base = server.base();
    let o = run(&db, &["fetch", &format!("{base}/pier"), "--delay", "0"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--allow-private"), "{}", stderr(&o));
    let requests = server.requests();
    assert!(requests.is_empty(), "the server was contacted: {requests:?}");
    assert!(export(&db).is_empty());
}

#[test]
fn feed_and_pages_are_fetched_into_stories_incrementally() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let server = serve(true);
    let base = server.base();
    let feed_url = format!("{base}/feed.xml");
    let o = run(&db, &["fetch", "--feed", &feed_url, "--allow-private", "--delay", "0", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ingested"], 3, "{report}");
    assert_eq!(report["fetch"]["fetched"], 3, "{report}");
    let arts = export(&db);
    let by_title = |t: &str| {
        arts.iter().find(|a| a["title"] == t).unwrap_or_else(|| panic!("{t}: {arts:?}")).clone()
    };
    let lighthouse = by_title("Lighthouse to shine again");
    assert_eq!(lighthouse["source"], "Westmere Ledger");
    assert_eq!(lighthouse["published"], "2026-03-05");
    assert_eq!(lighthouse["url"], format!("{base}/lighthouse"));
    let pier = by_title("Pier to be rebuilt");
    assert_eq!(pier["url"], format!("{base}/pier"));
    assert_eq!(pier["published"], "2026-03-03");
    assert_eq!(pier["author"], "Ada Quill");
    let text = run(&db, &["article", pier["id"].as_str().unwrap(), "--json"]);
    let text: Value = serde_json::from_slice(&text.stdout).unwrap();
    let body = text["text"].as_str().unwrap();
    assert!(body.starts_with("The harbour board of Westmere"), "{body}");
    assert!(!body.contains("Cat rescued") && !body.contains("Copyright"), "{body}");
    // The pier and ferry stories share a story (same event, same outlet's follow-up) or not;
    // either way, every article belongs to a story.
    assert!(arts.iter().all(|a| a["story"].is_string()));
    let stories = run(&db, &["stories", "--json"]);
    assert!(
        serde_json::from_slice::<Value>(&stories.stdout).unwrap()["stories"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );

    // Second run: feed entries already stored are not fetched again; direct URLs are asked
    // conditionally (304 for the pier); the changed ferry page becomes a revision.
    let o = run(
        &db,
        &[
            "fetch",
            "--feed",
            &feed_url,
            &format!("{base}/pier"),
            &format!("{base}/ferry"),
            "--allow-private",
            "--delay",
            "0",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["fetch"]["not_modified"], 1, "{report}");
    assert_eq!(report["fetch"]["revisions"], 1, "{report}");
    assert_eq!(report["ingested"], 1, "{report}");
    let arts = export(&db);
    assert_eq!(arts.iter().filter(|a| a["url"] == format!("{base}/ferry")).count(), 2);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(server.count("/robots.txt"), 2, "once per run: {paths:?}");
    assert_eq!(server.count("/pier"), 2, "{paths:?}");
}

#[test]
fn warc_archive_is_ingested_into_stories_and_not_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let warc = dir.path().join("news.warc.gz");
    let mut file = std::fs::File::create(&warc).unwrap();
    let pages = [
        ("https://ledger.example/pier", page("Pier to be rebuilt", "2026-03-03T09:00:00Z", &PIER)),
        (
            "https://ledger.example/ferry",
            page("Later ferries from May", "2026-03-04T10:00:00Z", &FERRY),
        ),
    ];
    for (url, html) in &pages {
        let http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
            html.len()
        );
        let rec = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2026-03-05T00:00:00Z\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(rec.as_bytes()).unwrap();
        file.write_all(&gz.finish().unwrap()).unwrap();
    }
    drop(file);
    let w = warc.to_str().unwrap();
    let o = run(&db, &["ingest", w, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ingested"], 2, "{report}");
    let arts = export(&db);
    assert!(arts
        .iter()
        .any(|a| a["url"] == "https://ledger.example/pier" && a["published"] == "2026-03-03"));
    assert!(arts.iter().all(|a| a["story"].is_string()));
    let o = run(&db, &["ingest", w, "--json"]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ingested"], 0, "{report}");
    assert_eq!(report["already_stored"], 2, "{report}");
}
