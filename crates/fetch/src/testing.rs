//! A tiny HTTP/1.1 server on 127.0.0.1 for tests (std::net, one thread, one request per
//! connection): the fetcher's own tests and the binary's `storyline fetch` tests serve their
//! pages from it. Not part of the fetcher's interface; never used outside tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Header lines, names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// How many requests for this path the server has seen, this one included (1 = the first).
    pub nth: usize,
    /// The server's own base URL (`http://127.0.0.1:PORT`), for absolute links in a response.
    pub base: String,
}

impl Request {
    /// The value of a header (name in lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// What the server answers; `Content-Length` and `Connection: close` are added.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response without headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: Vec::new(), body: body.into() }
    }

    /// `200 OK` with a UTF-8 HTML body.
    pub fn html(body: &str) -> Response {
        Response::new(200, body).with_header("Content-Type", "text/html; charset=utf-8")
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// A running server: its base URL and the log of the requests it has seen. The thread lives
/// as long as the test process.
pub struct LocalServer {
    base: String,
    log: Arc<Mutex<Vec<Request>>>,
}

impl LocalServer {
    /// Binds a free port on 127.0.0.1 and answers every request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Response + Send + 'static) -> LocalServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (thread_log, thread_base) = (log.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some((path, headers)) = read_request(&stream) else { continue };
                let request = {
                    let mut log = thread_log.lock().unwrap();
                    let nth = 1 + log.iter().filter(|r: &&Request| r.path == path).count();
                    let request = Request { path, headers, nth, base: thread_base.clone() };
                    log.push(request.clone());
                    request
                };
                let response = handler(&request);
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    response.status,
                    response.body.len()
                );
                for (name, value) in &response.headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&response.body);
                let _ = stream.flush();
                // Give the client a moment to close first, so that it never sees a reset.
                let _ = stream.set_read_timeout(Some(Duration::from_millis(10)));
                let _ = stream.read(&mut [0u8; 64]);
            }
        });
        LocalServer { base, log }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The requests seen so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    /// How many requests for `path` the server has seen.
    pub fn count(&self, path: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|r| r.path == path).count()
    }
}

/// The request line's path and the header lines; `None` when the client sent nothing.
fn read_request(stream: &std::net::TcpStream) -> Option<(String, Vec<(String, String)>)> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Some((path, headers))
}
