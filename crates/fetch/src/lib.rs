//! Polite, SSRF-safe HTTP fetching for Storyline.
//!
//! Owns the network edge and nothing else (no parsing of pages, no store):
//! * **robots.txt** of every origin is fetched once and honoured (`texting_robots`, matched on
//!   the User-Agent's product token); its Crawl-delay raises the per-host delay (capped at 30 s).
//!   A robots.txt that answers 4xx allows everything; 5xx or unreachable disallows (RFC 9309).
//! * **one request at a time per host** (the fetcher is sequential) with at least
//!   [`Config::delay`] between two requests to the same host;
//! * a descriptive **User-Agent**; **conditional requests** from a remembered ETag /
//!   Last-Modified ([`Validators`]), `304 Not Modified` reported as such;
//! * **retries** with exponential back-off on connection errors, timeouts, 429 and 5xx (honouring
//!   a numeric Retry-After up to 60 s); a **size limit** (50 MB, checked on Content-Length and
//!   while reading) and a **total time limit** per request ([`Config::timeout`], from connecting to
//!   the body's last byte: a server dripping bytes is cut off at it, and not asked again);
//! * **SSRF safety**: unless [`Config::allow_private`], no connection to loopback, private,
//!   link-local, shared, multicast, broadcast or unspecified addresses. Host names are checked
//!   after DNS resolution in reqwest's resolver hook (the connection goes to the checked
//!   addresses), IP literals before the request, and redirects are followed by hand so that every
//!   hop goes through the same checks (and robots.txt).
//!
//! TLS is rustls with the `ring` provider (no C toolchain beyond `cc`, no cmake).

/// The local HTTP server the tests (this crate's and the binary's) fetch from.
#[doc(hidden)]
pub mod testing;

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, HeaderValue};

/// Responses larger than this are refused.
pub const MAX_BODY_BYTES: u64 = 50 * 1024 * 1024;

/// How the fetcher behaves.
#[derive(Debug, Clone)]
pub struct Config {
    pub user_agent: String,
    /// Minimum time between two requests to the same host.
    pub delay: Duration,
    /// Total time limit of one request, from connecting to the last byte of the body (a server
    /// that keeps sending a little at a time is cut off when it is reached; default 30 s).
    pub timeout: Duration,
    pub max_bytes: u64,
    /// Retries after the first attempt.
    pub retries: u32,
    /// Back-off before the first retry (doubled each time).
    pub backoff: Duration,
    pub max_redirects: usize,
    /// Allow loopback/private/link-local addresses (off by default).
    pub allow_private: bool,
    /// Honour robots.txt (on by default).
    pub robots: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: format!(
                "StorylineBot/{} (+https://github.com/storyline/storyline; news research crawler)",
                env!("CARGO_PKG_VERSION")
            ),
            delay: Duration::from_secs(2),
            timeout: Duration::from_secs(30),
            max_bytes: MAX_BODY_BYTES,
            retries: 2,
            backoff: Duration::from_secs(1),
            max_redirects: 5,
            allow_private: false,
            robots: true,
        }
    }
}

/// Validators remembered from an earlier response, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful response (2xx).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The URL asked for.
    pub requested_url: String,
    /// The URL after redirects.
    pub url: String,
    pub status: u16,
    /// Response headers (names lowercased).
    pub headers: Vec<(String, String)>,
    /// The body, decompressed.
    pub body: Vec<u8>,
    pub validators: Validators,
    /// When the response arrived (RFC 3339, UTC, seconds).
    pub fetched_at: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What one fetch came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Fetched(Page),
    /// `304 Not Modified` to a conditional request: nothing new.
    NotModified,
    /// Not fetched on purpose: robots.txt, an address that is not allowed, a bad URL scheme.
    Refused(String),
    /// The request failed (after retries), or the server answered with an error status.
    Failed(String),
}

/// Errors building a fetcher.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// Whether connecting to `ip` is refused by default: loopback, private, link-local, shared
/// (CGNAT), multicast, broadcast, unspecified, reserved and documentation ranges, IPv6
/// unique-local and site-local, and IPv4 addresses mapped or translated into IPv6.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24
                || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0) {
                let v4 = std::net::Ipv4Addr::new(
                    (s[6] >> 8) as u8,
                    s[6] as u8,
                    (s[7] >> 8) as u8,
                    s[7] as u8,
                );
                return is_forbidden(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[..6].iter().all(|&x| x == 0) // IPv4-compatible ::a.b.c.d
        }
    }
}

/// DNS resolution through the system resolver, refusing names that resolve to a forbidden
/// address (any of them, so a name cannot mix a public and a private answer).
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = (host.as_str(), 0)
                .to_socket_addrs()
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })?
                .collect();
            if !allow_private {
                if let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
                    return Err(Box::new(Refusal(format!(
                        "{host} resolves to {} (a private or local address; --allow-private permits it)",
                        bad.ip()
                    ))) as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// A refusal raised inside the resolver (found again in the error chain).
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// The scheme, host and port of an URL, and the host as written.
fn origin(url: &reqwest::Url) -> Option<(String, String)> {
    let host = url.host_str()?.to_string();
    let port = url.port_or_known_default()?;
    Some((format!("{}://{}:{}", url.scheme(), host, port), host))
}

/// A polite, sequential fetcher. Keep one per run: it remembers robots.txt per origin and the
/// time of the last request per host.
pub struct Fetcher {
    client: reqwest::blocking::Client,
    cfg: Config,
    /// Product token of the User-Agent, matched against robots.txt groups.
    agent_token: String,
    robots: HashMap<String, RobotsRule>,
    last_request: HashMap<String, Instant>,
}

enum RobotsRule {
    AllowAll,
    DisallowAll(String),
    Rules(Box<texting_robots::Robot>),
}

impl Fetcher {
    pub fn new(cfg: Config) -> Result<Self, FetchError> {
        // The process-wide TLS provider (ring); installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static(
                "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,*/*;q=0.5",
            ),
        );
        let client = reqwest::blocking::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .dns_resolver(Arc::new(GuardedResolver { allow_private: cfg.allow_private }))
            .build()
            .map_err(|e| FetchError::Client(error_chain(&e)))?;
        let agent_token =
            cfg.user_agent.split(['/', ' ']).next().unwrap_or("StorylineBot").to_string();
        Ok(Fetcher {
            client,
            cfg,
            agent_token,
            robots: HashMap::new(),
            last_request: HashMap::new(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Fetches `url`, conditionally when `validators` are given, following redirects (each hop
    /// checked like the first).
    pub fn fetch(&mut self, url: &str, validators: Option<&Validators>) -> Outcome {
        let mut current = match reqwest::Url::parse(url.trim()) {
            Ok(u) => u,
            Err(e) => return Outcome::Refused(format!("invalid URL: {e}")),
        };
        for _ in 0..=self.cfg.max_redirects {
            if let Err(reason) = self.check_url(&current) {
                return Outcome::Refused(reason);
            }
            if self.cfg.robots {
                if let Err(reason) = self.robots_allow(&current) {
                    return Outcome::Refused(reason);
                }
            }
            match self.request(&current, validators) {
                Step::Done(outcome) => {
                    return match outcome {
                        Outcome::Fetched(mut p) => {
                            p.requested_url = url.to_string();
                            Outcome::Fetched(p)
                        }
                        other => other,
                    }
                }
                Step::Redirect(next) => match current.join(&next) {
                    Ok(u) => current = u,
                    Err(e) => return Outcome::Failed(format!("bad redirect to {next:?}: {e}")),
                },
            }
        }
        Outcome::Failed(format!("more than {} redirects", self.cfg.max_redirects))
    }

    /// Scheme and literal-address checks (names are checked when they are resolved).
    fn check_url(&self, url: &reqwest::Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("unsupported URL scheme {:?}", url.scheme()));
        }
        let host = url.host().ok_or("URL without a host")?;
        if self.cfg.allow_private {
            return Ok(());
        }
        let ip = match host {
            url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            url::Host::Domain(d) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                if d == "localhost" || d.ends_with(".localhost") {
                    return Err(format!(
                        "refused: {d} is a local address (--allow-private permits it)"
                    ));
                }
                None
            }
        };
        match ip {
            Some(ip) if is_forbidden(ip) => Err(format!(
                "refused: {ip} is a private or local address (--allow-private permits it)"
            )),
            _ => Ok(()),
        }
    }

    /// Waits until the host may be asked again.
    fn wait_turn(&mut self, host: &str, extra: Option<Duration>) {
        let delay = extra.map_or(self.cfg.delay, |d| d.max(self.cfg.delay));
        if let Some(last) = self.last_request.get(host) {
            let since = last.elapsed();
            if since < delay {
                std::thread::sleep(delay - since);
            }
        }
        self.last_request.insert(host.to_string(), Instant::now());
    }

    fn crawl_delay(&self, url: &reqwest::Url) -> Option<Duration> {
        let (origin, _) = origin(url)?;
        match self.robots.get(&origin)? {
            RobotsRule::Rules(r) => r.delay.map(|d| Duration::from_secs_f32(d.clamp(0.0, 30.0))),
            _ => None,
        }
    }

    fn robots_allow(&mut self, url: &reqwest::Url) -> Result<(), String> {
        let Some((origin, _)) = origin(url) else { return Ok(()) };
        if !self.robots.contains_key(&origin) {
            let rule = self.load_robots(url);
            self.robots.insert(origin.clone(), rule);
        }
        match &self.robots[&origin] {
            RobotsRule::AllowAll => Ok(()),
            RobotsRule::DisallowAll(why) => Err(format!("robots.txt: {why}")),
            RobotsRule::Rules(r) => {
                if r.allowed(url.as_str()) {
                    Ok(())
                } else {
                    Err(format!("robots.txt disallows {}", url.path()))
                }
            }
        }
    }

    fn load_robots(&mut self, url: &reqwest::Url) -> RobotsRule {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        // robots.txt may redirect (e.g. http → https), a few hops, each checked.
        for _ in 0..5 {
            if let Err(reason) = self.check_url(&robots_url) {
                return RobotsRule::DisallowAll(reason);
            }
            match self.request(&robots_url, None) {
                Step::Redirect(next) => match robots_url.join(&next) {
                    Ok(u) => robots_url = u,
                    Err(_) => return RobotsRule::AllowAll,
                },
                Step::Done(Outcome::Fetched(p)) => {
                    return match texting_robots::Robot::new(&self.agent_token, &p.body) {
                        Ok(r) => RobotsRule::Rules(Box::new(r)),
                        Err(_) => RobotsRule::AllowAll,
                    };
                }
                Step::Done(Outcome::Failed(reason)) => {
                    return match reason
                        .strip_prefix("HTTP ")
                        .and_then(|s| s.get(..3))
                        .and_then(|s| s.parse::<u16>().ok())
                    {
                        Some(s) if (400..500).contains(&s) => RobotsRule::AllowAll,
                        _ => RobotsRule::DisallowAll(format!("unavailable ({reason})")),
                    };
                }
                Step::Done(Outcome::Refused(reason)) => return RobotsRule::DisallowAll(reason),
                Step::Done(Outcome::NotModified) => return RobotsRule::AllowAll,
            }
        }
        RobotsRule::AllowAll
    }

    /// One request with retries; no redirect following.
    fn request(&mut self, url: &reqwest::Url, validators: Option<&Validators>) -> Step {
        let host = url.host_str().unwrap_or("").to_string();
        let mut backoff = self.cfg.backoff;
        let mut attempt = 0;
        loop {
            let crawl_delay = self.crawl_delay(url);
            self.wait_turn(&host, crawl_delay);
            let result = self.request_once(url, validators);
            match result {
                Attempt::Final(step) => return step,
                Attempt::Retry { reason, .. } if attempt >= self.cfg.retries => {
                    return Step::Done(Outcome::Failed(reason))
                }
                Attempt::Retry { after, .. } => {
                    let wait = after.unwrap_or(backoff).min(Duration::from_secs(60));
                    std::thread::sleep(wait);
                    backoff *= 2;
                    attempt += 1;
                }
            }
        }
    }

    fn request_once(&self, url: &reqwest::Url, validators: Option<&Validators>) -> Attempt {
        let started = Instant::now();
        // The client's own timeout bounds each read of a blocking body, not the whole body; the
        // request's is documented as total, and the body loop below checks the clock as well.
        let mut req = self.client.get(url.clone()).timeout(self.cfg.timeout);
        if let Some(v) = validators {
            if let Some(e) = &v.etag {
                req = req.header(reqwest::header::IF_NONE_MATCH, e);
            }
            if let Some(lm) = &v.last_modified {
                req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
        }
        let resp = match req.send() {
            Ok(r) => r,
            Err(e) => {
                let chain = error_chain(&e);
                if let Some(refusal) = find_refusal(&e) {
                    return Attempt::Final(Step::Done(Outcome::Refused(format!(
                        "refused: {refusal}"
                    ))));
                }
                if e.is_builder() {
                    return Attempt::Final(Step::Done(Outcome::Failed(chain)));
                }
                return Attempt::Retry { reason: chain, after: None };
            }
        };
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                v.to_str().ok().map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        let header = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        if (300..400).contains(&status) && status != 304 {
            return match header("location") {
                Some(loc) => Attempt::Final(Step::Redirect(loc)),
                None => Attempt::Final(Step::Done(Outcome::Failed(format!(
                    "HTTP {status} without Location"
                )))),
            };
        }
        if status == 304 {
            return Attempt::Final(Step::Done(Outcome::NotModified));
        }
        if status == 429 || (500..600).contains(&status) {
            let after = header("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Attempt::Retry { reason: format!("HTTP {status}"), after };
        }
        if !(200..300).contains(&status) {
            return Attempt::Final(Step::Done(Outcome::Failed(format!("HTTP {status}"))));
        }
        if let Some(len) = header("content-length").and_then(|v| v.parse::<u64>().ok()) {
            if len > self.cfg.max_bytes {
                return Attempt::Final(Step::Done(Outcome::Failed(too_large(self.cfg.max_bytes))));
            }
        }
        let mut body = Vec::new();
        let mut resp = resp;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if started.elapsed() >= self.cfg.timeout {
                return Attempt::Final(Step::Done(Outcome::Failed(too_slow(self.cfg.timeout))));
            }
            match resp.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    body.extend_from_slice(&chunk[..n]);
                    if body.len() as u64 > self.cfg.max_bytes {
                        let reason = too_large(self.cfg.max_bytes);
                        return Attempt::Final(Step::Done(Outcome::Failed(reason)));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) if started.elapsed() >= self.cfg.timeout => {
                    return Attempt::Final(Step::Done(Outcome::Failed(too_slow(self.cfg.timeout))))
                }
                Err(e) => {
                    return Attempt::Retry { reason: format!("reading the body: {e}"), after: None }
                }
            }
        }
        let validators =
            Validators { etag: header("etag"), last_modified: header("last-modified") };
        Attempt::Final(Step::Done(Outcome::Fetched(Page {
            requested_url: url.to_string(),
            url: url.to_string(),
            status,
            headers,
            body,
            validators,
            fetched_at: now_rfc3339(),
        })))
    }
}

enum Step {
    Done(Outcome),
    Redirect(String),
}

enum Attempt {
    Final(Step),
    /// A transient failure; `after` is the server's Retry-After, when it sent one.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
}

fn too_slow(limit: Duration) -> String {
    format!("too slow: the response took longer than the {limit:?} time limit")
}

fn too_large(max: u64) -> String {
    format!("too large: the response exceeds the {} MB limit", max / (1024 * 1024))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn find_refusal(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<Refusal>() {
            return Some(r.0.clone());
        }
        cur = err.source();
    }
    None
}

/// The current time, RFC 3339 UTC to the second.
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .map(|t| t.to_string())
        .unwrap_or_else(|_| now.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_ranges() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(is_forbidden(bad.parse().unwrap()), "{bad}");
        }
        for good in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "8.8.8.8"] {
            assert!(!is_forbidden(good.parse().unwrap()), "{good}");
        }
    }

    #[test]
    fn resolver_refuses_names_resolving_to_local_addresses() {
        let poll = |allow_private: bool| {
            let mut fut = GuardedResolver { allow_private }.resolve("localhost".parse().unwrap());
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            match fut.as_mut().poll(&mut cx) {
                std::task::Poll::Ready(r) => r.map(|addrs| addrs.count()),
                std::task::Poll::Pending => panic!("the lookup is synchronous"),
            }
        };
        let err = poll(false).expect_err("refused").to_string();
        assert!(err.contains("private or local"), "{err}");
        assert!(poll(true).unwrap() >= 1);
    }

    #[test]
    fn literal_and_local_names_are_refused_without_a_request() {
        let mut f = Fetcher::new(Config { retries: 0, ..Config::default() }).unwrap();
        for url in [
            "http://127.0.0.1:9/x",
            "http://[::1]:9/",
            "http://localhost:9/",
            "http://169.254.169.254/latest/meta-data/",
            "ftp://example.org/",
        ] {
            match f.fetch(url, None) {
                Outcome::Refused(_) => {}
                other => panic!("{url}: {other:?}"),
            }
        }
    }
}
