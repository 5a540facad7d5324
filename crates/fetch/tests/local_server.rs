//! The fetcher against the local test server (`storyline_fetch::testing`): robots.txt,
//! conditional requests, retries, size limit, User-Agent, per-host delay, redirects, and the
//! refusal of local addresses without `allow_private`.

use std::time::{Duration, Instant};

use storyline_fetch::testing::{LocalServer, Request, Response};
use storyline_fetch::{Config, Fetcher, Outcome, Validators};

fn local(cfg: Config) -> Fetcher {
    Fetcher::new(Config {
        allow_private: true,
        delay: Duration::from_millis(0),
        backoff: Duration::from_millis(20),
        ..cfg
    })
    .unwrap()
}

fn site(req: &Request) -> Response {
    match req.path.as_str() {
        "/robots.txt" => Response::new(
            200,
            "User-agent: *\nDisallow: /private\n\nUser-agent: OtherBot\nDisallow: /\n",
        ),
        "/page" if req.header("if-none-match") == Some("\"v1\"") => {
            Response::new(304, "").with_header("ETag", "\"v1\"")
        }
        "/page" => Response::html("<p>The pier reopened.</p>")
            .with_header("ETag", "\"v1\"")
            .with_header("Last-Modified", "Tue, 03 Mar 2026 09:30:00 GMT"),
        "/flaky" if req.nth == 1 => Response::new(503, "").with_header("Retry-After", "0"),
        "/flaky" => Response::html("<p>Second time lucky.</p>"),
        "/big" => Response::html(&"x".repeat(5000)),
        "/moved" => Response::new(301, "").with_header("Location", "/page"),
        "/private/secret" => Response::html("<p>secret</p>"),
        _ => Response::new(404, "not found"),
    }
}

#[test]
fn robots_txt_is_honoured_and_fetched_once() {
    let server = LocalServer::start(site);
    let base = server.base();
    let mut f = local(Config::default());
    assert!(
        matches!(f.fetch(&format!("{base}/private/secret"), None), Outcome::Refused(r) if r.contains("robots.txt"))
    );
    assert!(matches!(f.fetch(&format!("{base}/page"), None), Outcome::Fetched(_)));
    assert_eq!(server.count("/robots.txt"), 1);
    assert_eq!(server.count("/private/secret"), 0, "a disallowed page was requested");
    let requests = server.requests();
    let ua = requests[0].header("user-agent").unwrap_or("");
    assert!(ua.starts_with("StorylineBot/") && ua.contains("+http"), "{ua}");
}

#[test]
fn conditional_requests_report_not_modified() {
    let server = LocalServer::start(site);
    let base = server.base();
    let mut f = local(Config::default());
    let url = format!("{base}/page");
    let Outcome::Fetched(page) = f.fetch(&url, None) else { panic!("first fetch") };
    assert_eq!(page.body, b"<p>The pier reopened.</p>");
    assert_eq!(page.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(page.validators.last_modified.as_deref(), Some("Tue, 03 Mar 2026 09:30:00 GMT"));
    assert_eq!(f.fetch(&url, Some(&page.validators)), Outcome::NotModified);
    let stale = Validators { etag: Some("\"v0\"".into()), last_modified: None };
    assert!(matches!(f.fetch(&url, Some(&stale)), Outcome::Fetched(_)));
    let requests = server.requests();
    let pages: Vec<_> = requests.iter().filter(|r| r.path == "/page").collect();
    assert_eq!(pages[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(pages[1].header("if-modified-since"), Some("Tue, 03 Mar 2026 09:30:00 GMT"));
}

#[test]
fn retries_limits_and_redirects() {
    let server = LocalServer::start(site);
    let base = server.base();
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
    assert_eq!(server.count("/flaky"), 2);
}

#[test]
fn requests_to_one_host_are_spaced() {
    let server = LocalServer::start(site);
    let base = server.base();
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
    let server = LocalServer::start(site);
    let base = server.base();
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
    let requests = server.requests();
    assert!(requests.is_empty(), "the server saw a request: {requests:?}");
}

/// A server of its own that answers with headers at once, then drips its body a byte every
/// 100 ms (10 s for all of it); the number of connections it accepted is counted.
fn dripping_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line.trim() != "" {
                    line.clear();
                }
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for _ in 0..100 {
                    std::thread::sleep(Duration::from_millis(100));
                    if stream.write_all(b"x").and_then(|()| stream.flush()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, accepted)
}

/// Each read of the dripping body returns within the per-read wait, so only a total deadline
/// stops the request: it fails at the time limit, says why, and is not tried again.
#[test]
fn a_dripping_server_is_cut_off_at_the_total_time_limit() {
    let (base, accepted) = dripping_server();
    let mut f =
        local(Config { timeout: Duration::from_secs(1), robots: false, ..Config::default() });
    let start = Instant::now();
    let outcome = f.fetch(&format!("{base}/slow"), None);
    let took = start.elapsed();
    assert!(
        matches!(&outcome, Outcome::Failed(r) if r.contains("time limit")),
        "{outcome:?} after {took:?}"
    );
    assert!(took < Duration::from_secs(3), "held for {took:?}, past the 1 s limit");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1, "not retried");
}
