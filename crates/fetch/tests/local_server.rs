//! The fetcher against a tiny HTTP server on 127.0.0.1 (std::net, one thread): robots.txt,
//! conditional requests, retries, size limit, User-Agent, per-host delay, redirects, and the
//! refusal of local addresses without `allow_private`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use storyline_fetch::{Config, Fetcher, Outcome, Validators};

/// One request as the server saw it: path and lowercased header lines.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Seen, usize) -> (u16, Vec<(String, String)>, Vec<u8>) + Send + Sync;

/// Starts the server; returns its base URL and the log of requests.
fn serve(handler: Box<Handler>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let seen = Seen { path, headers };
            let n = {
                let mut l = log2.lock().unwrap();
                l.push(seen.clone());
                l.iter().filter(|s| s.path == seen.path).count()
            };
            let (status, hdrs, body) = handler(&seen, n);
            let mut out = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in hdrs {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            let _ = stream.write_all(out.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
            let mut rest = Vec::new();
            let _ = stream.set_read_timeout(Some(Duration::from_millis(10)));
            let _ = stream.read(&mut rest);
        }
    });
    (base, log)
}

fn html(s: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    (200, vec![("Content-Type".into(), "text/html; charset=utf-8".into())], s.as_bytes().to_vec())
}

fn local(cfg: Config) -> Fetcher {
    Fetcher::new(Config {
        allow_private: true,
        delay: Duration::from_millis(0),
        backoff: Duration::from_millis(20),
        ..cfg
    })
    .unwrap()
}

fn site(seen: &Seen, n: usize) -> (u16, Vec<(String, String)>, Vec<u8>) {
    match seen.path.as_str() {
        "/robots.txt" => (
            200,
            vec![],
            b"User-agent: *\nDisallow: /private\n\nUser-agent: OtherBot\nDisallow: /\n".to_vec(),
        ),
        "/page" => {
            if seen.header("if-none-match") == Some("\"v1\"") {
                (304, vec![("ETag".into(), "\"v1\"".into())], vec![])
            } else {
                let (s, mut h, b) = html("<p>The pier reopened.</p>");
                h.push(("ETag".into(), "\"v1\"".into()));
                h.push(("Last-Modified".into(), "Tue, 03 Mar 2026 09:30:00 GMT".into()));
                (s, h, b)
            }
        }
        "/flaky" if n == 1 => (503, vec![("Retry-After".into(), "0".into())], vec![]),
        "/flaky" => html("<p>Second time lucky.</p>"),
        "/big" => html(&"x".repeat(5000)),
        "/moved" => (301, vec![("Location".into(), "/page".into())], vec![]),
        "/private/secret" => html("<p>secret</p>"),
        _ => (404, vec![], b"not found".to_vec()),
    }
}

#[test]
fn robots_txt_is_honoured_and_fetched_once() {
    let (base, log) = serve(Box::new(site));
    let mut f = local(Config::default());
    assert!(
        matches!(f.fetch(&format!("{base}/private/secret"), None), Outcome::Refused(r) if r.contains("robots.txt"))
    );
    assert!(matches!(f.fetch(&format!("{base}/page"), None), Outcome::Fetched(_)));
    let log = log.lock().unwrap();
    assert_eq!(log.iter().filter(|s| s.path == "/robots.txt").count(), 1);
    assert!(!log.iter().any(|s| s.path == "/private/secret"), "a disallowed page was requested");
    let ua = log[0].header("user-agent").unwrap_or("");
    assert!(ua.starts_with("StorylineBot/") && ua.contains("+http"), "{ua}");
}

#[test]
fn conditional_requests_report_not_modified() {
    let (base, log) = serve(Box::new(site));
    let mut f = local(Config::default());
    let url = format!("{base}/page");
    let Outcome::Fetched(page) = f.fetch(&url, None) else { panic!("first fetch") };
    assert_eq!(page.body, b"<p>The pier reopened.</p>");
    assert_eq!(page.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(page.validators.last_modified.as_deref(), Some("Tue, 03 Mar 2026 09:30:00 GMT"));
    assert_eq!(f.fetch(&url, Some(&page.validators)), Outcome::NotModified);
    let stale = Validators { etag: Some("\"v0\"".into()), last_modified: None };
    assert!(matches!(f.fetch(&url, Some(&stale)), Outcome::Fetched(_)));
    let log = log.lock().unwrap();
    let pages: Vec<_> = log.iter().filter(|s| s.path == "/page").collect();
    assert_eq!(pages[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(pages[1].header("if-modified-since"), Some("Tue, 03 Mar 2026 09:30:00 GMT"));
}

#[test]
fn retries_limits_and_redirects() {
    let (base, log) = serve(Box::new(site));
    let mut f = local(Config { max_bytes: 1000, ..Config::default() });
    let Outcome::Fetched(p) = f.fetch(&format!("{base}/flaky"), None) else { panic!("retry") };
    assert_eq!(p.body, b"<p>Second time lucky.</p>");
    assert!(
        matches!(f.fetch(&format!("{base}/big"), None), Outcome::Failed(r) if r.contains("too large"))
    );
    assert!(
        matches!(f.fetch(&format!("{base}/nothing"), None), Outcome::Failed(r) if r == "HTTP 404")
    );
    let Outcome::Fetched(p) = f.fetch(&format!("{base}/moved"), None) else { panic!("redirect") };
    assert_eq!(p.url, format!("{base}/page"));
    assert_eq!(p.requested_url, format!("{base}/moved"));
    assert_eq!(log.lock().unwrap().iter().filter(|s| s.path == "/flaky").count(), 2);
}

#[test]
fn requests_to_one_host_are_spaced() {
    let (base, _log) = serve(Box::new(site));
    let mut f = local(Config::default());
    f = Fetcher::new(Config { delay: Duration::from_millis(300), ..f.config().clone() }).unwrap();
    let t = Instant::now();
    for _ in 0..2 {
        assert!(matches!(f.fetch(&format!("{base}/page"), None), Outcome::Fetched(_)));
    }
    // robots.txt, then two pages: at least two delays.
    assert!(t.elapsed() >= Duration::from_millis(600), "{:?}", t.elapsed());
}

#[test]
fn local_addresses_are_refused_without_allow_private() {
    let (base, log) = serve(Box::new(site));
    let mut f = Fetcher::new(Config { retries: 0, ..Config::default() }).unwrap();
    match f.fetch(&format!("{base}/page"), None) {
        Outcome::Refused(r) => {
            assert!(r.contains("127.0.0.1") && r.contains("--allow-private"), "{r}")
        }
        other => panic!("{other:?}"),
    }
    // Names for the local host are refused before any lookup; other names after resolution
    // (see the resolver's unit test); literal link-local addresses (cloud metadata) too.
    let port = base.rsplit(':').next().unwrap();
    assert!(matches!(
        f.fetch(&format!("http://localhost.:{port}/page"), None),
        Outcome::Refused(_)
    ));
    assert!(matches!(f.fetch("http://169.254.169.254/latest", None), Outcome::Refused(_)));
    assert!(matches!(f.fetch("http://[::ffff:127.0.0.1]/", None), Outcome::Refused(_)));
    assert!(log.lock().unwrap().is_empty(), "the server saw a request: {:?}", log.lock().unwrap());
}
