//! WARC archives (`.warc`, and `.warc.gz` in the Common Crawl / CC-NEWS layout of one gzip member
//! per record): a streaming reader that yields one record at a time in constant memory, the
//! reading of an HTTP response record (target URI, date, status, headers, decoded payload), and a
//! writer for single response records.
//!
//! A response record is also how a fetched page enters ingest: the fetcher writes the page as one
//! WARC record (see [`response_record`]) and [`crate::parse`] reads it like any record of a file.

use std::io::{BufRead, Read};

/// Payloads larger than this are skipped (the record is read past, never held in memory).
pub const MAX_RECORD_BYTES: u64 = crate::MAX_INPUT_BYTES;

/// One WARC record: its header fields and its block (bytes as stored).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Header fields in order, names as written.
    pub headers: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl Record {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    pub fn record_type(&self) -> &str {
        self.header("WARC-Type").unwrap_or("")
    }
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI").map(|u| u.trim_matches(['<', '>']))
    }
    /// The record's WARC-Date (as written, RFC 3339).
    pub fn date(&self) -> Option<&str> {
        self.header("WARC-Date")
    }
    /// A response record holding an HTTP response (not DNS, not a resource).
    pub fn is_http_response(&self) -> bool {
        self.record_type().eq_ignore_ascii_case("response")
            && self
                .header("Content-Type")
                .is_some_and(|t| t.to_ascii_lowercase().contains("application/http"))
    }

    /// The record in WARC/1.0 serialisation (Content-Length recomputed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = b"WARC/1.0\r\n".to_vec();
        for (k, v) in &self.headers {
            if !k.eq_ignore_ascii_case("Content-Length") {
                out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
            }
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.block.len()).as_bytes());
        out.extend_from_slice(&self.block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }
}

/// A header line as text, without its line end.
fn line_text(line: &[u8]) -> String {
    String::from_utf8_lossy(line).trim_end_matches(['\r', '\n']).to_string()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// True when `bytes` start like a WARC record.
pub fn is_warc(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    bytes[start..].starts_with(b"WARC/")
}

/// Most header lines one record may have (real records have a dozen or two).
pub const MAX_HEADER_LINES: usize = 512;

/// Longest header line kept (bytes); the rest of a longer line is read past as further lines.
const MAX_LINE_BYTES: u64 = 64 * 1024;

/// The decompressed size a `.warc.gz` may reach: this many times its compressed size…
pub const MAX_EXPANSION: u64 = 100;

/// …but never less than this (so a small archive of very repetitive pages still reads).
pub const MIN_EXPANDED_BYTES: u64 = 1024 * 1024 * 1024;

/// Reads records one after another from a (decompressed) WARC stream. Records whose block is
/// larger than [`MAX_RECORD_BYTES`] are skipped over without being buffered. A record that cannot
/// be read (no version line, more than [`MAX_HEADER_LINES`] header lines, no Content-Length) is
/// one error naming its byte offset and how many bytes were skipped; reading resumes at the next
/// line starting with `WARC/1.`, so one corrupt record costs only itself.
pub struct Reader<R> {
    inner: R,
    done: bool,
    /// Records skipped because they were too large.
    pub skipped: usize,
    /// Bytes of the (decompressed) stream consumed so far.
    offset: u64,
    /// A version line found while resynchronising: the next record starts with it.
    pending: Option<String>,
    /// Byte offset of the current record's version line (what errors name).
    start: u64,
}

/// Why a record could not be read: the stream itself failed (stop), or the record is malformed
/// (skip to the next record).
enum Bad {
    Io(String),
    Record(String),
}

impl<R: BufRead> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader { inner, done: false, skipped: 0, offset: 0, pending: None, start: 0 }
    }

    /// Reads one line (at most [`MAX_LINE_BYTES`]) into `buf`, returning the bytes read.
    fn read_raw_line(&mut self, buf: &mut Vec<u8>) -> Result<usize, Bad> {
        buf.clear();
        let n = (&mut self.inner)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', buf)
            .map_err(|e| Bad::Io(format!("reading WARC: {e}")))?;
        self.offset += n as u64;
        Ok(n)
    }

    fn read_line(&mut self) -> Result<Option<String>, Bad> {
        let mut line = Vec::new();
        if self.read_raw_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line_text(&line)))
    }

    /// Reads `len` bytes of block, or past them (`keep` false) without holding them.
    fn read_block(&mut self, len: u64, keep: bool) -> Result<Vec<u8>, Bad> {
        let io = |e: std::io::Error| Bad::Io(format!("reading WARC: {e}"));
        let mut block = Vec::new();
        let got = if keep {
            block.reserve(len.min(MAX_RECORD_BYTES) as usize);
            (&mut self.inner).take(len).read_to_end(&mut block).map_err(io)? as u64
        } else {
            std::io::copy(&mut (&mut self.inner).take(len), &mut std::io::sink()).map_err(io)?
        };
        self.offset += got;
        if got < len {
            return Err(Bad::Io("truncated WARC record".into()));
        }
        Ok(block)
    }

    /// The version line of the next record (blank lines between records are skipped).
    fn version_line(&mut self) -> Result<Option<String>, Bad> {
        if let Some(l) = self.pending.take() {
            return Ok(Some(l));
        }
        loop {
            self.start = self.offset;
            match self.read_line()? {
                None => return Ok(None),
                Some(l) if l.trim().is_empty() => continue,
                Some(l) => return Ok(Some(l)),
            }
        }
    }

    /// The header fields after the version line, up to the blank line that ends them.
    fn header_fields(&mut self) -> Result<Vec<(String, String)>, Bad> {
        let mut headers = Vec::new();
        for _ in 0..=MAX_HEADER_LINES {
            let line =
                self.read_line()?.ok_or_else(|| Bad::Io("truncated WARC record header".into()))?;
            if line.is_empty() {
                return Ok(headers);
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        Err(Bad::Record(format!("more than {MAX_HEADER_LINES} header lines")))
    }

    fn next_record(&mut self) -> Result<Option<Record>, Bad> {
        loop {
            let Some(version) = self.version_line()? else { return Ok(None) };
            if !version.starts_with("WARC/") {
                return Err(Bad::Record(format!(
                    "not a WARC record (found {:?})",
                    truncate(&version, 40)
                )));
            }
            let headers = self.header_fields()?;
            let len: u64 = header(&headers, "Content-Length")
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| Bad::Record("WARC record without a valid Content-Length".into()))?;
            if len > MAX_RECORD_BYTES {
                self.read_block(len, false)?;
                self.skipped += 1;
                continue;
            }
            let block = self.read_block(len, true)?;
            return Ok(Some(Record { headers, block }));
        }
    }

    /// Reads on to the next line starting with `WARC/1.` (kept for the next record); returns the
    /// bytes read past.
    fn resync(&mut self) -> Result<u64, Bad> {
        let from = self.offset;
        // One buffer for every line read past: skipping costs no allocation per line.
        let mut line = Vec::new();
        loop {
            let before = self.offset;
            if self.read_raw_line(&mut line)? == 0 {
                return Ok(self.offset - from);
            }
            if line.starts_with(b"WARC/1.") {
                self.pending = Some(line_text(&line));
                self.start = before;
                return Ok(before - from);
            }
        }
    }

    /// The error for a malformed record that began at byte `at`, after skipping to the next one.
    fn skip_bad(&mut self, at: u64, reason: String) -> String {
        match self.resync() {
            Ok(n) if self.pending.is_some() => {
                format!("WARC record at byte {at}: {reason}; skipped {n} bytes to the next record")
            }
            Ok(n) => format!("WARC record at byte {at}: {reason}; skipped the last {n} bytes"),
            Err(Bad::Io(e) | Bad::Record(e)) => {
                self.done = true;
                format!("WARC record at byte {at}: {reason}; then {e}")
            }
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Record, String>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(Bad::Record(reason)) => Some(Err(self.skip_bad(self.start, reason))),
            Err(Bad::Io(e)) => {
                self.done = true;
                let at = self.start;
                Some(Err(if at == 0 { e } else { format!("WARC record at byte {at}: {e}") }))
            }
        }
    }
}

/// Opens a `.warc` or `.warc.gz` file (gzip detected from the magic number; every member is read,
/// as one stream, never the whole file at once). A gzipped file may expand to
/// [`MAX_EXPANSION`] times its size (at least [`MIN_EXPANDED_BYTES`]); past that reading stops
/// with an error.
pub fn open(path: &std::path::Path) -> std::io::Result<Reader<Box<dyn BufRead + Send>>> {
    let compressed = std::fs::metadata(path)?.len();
    let limit = compressed.saturating_mul(MAX_EXPANSION).max(MIN_EXPANDED_BYTES);
    open_limited(path, limit)
}

/// [`open`] with an explicit limit on the decompressed size of a gzipped file.
pub fn open_limited(
    path: &std::path::Path,
    max_expanded: u64,
) -> std::io::Result<Reader<Box<dyn BufRead + Send>>> {
    let mut file = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(path)?);
    let gz = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn BufRead + Send> = if gz {
        let dec = flate2::bufread::MultiGzDecoder::new(file);
        Box::new(std::io::BufReader::with_capacity(256 * 1024, Capped::new(dec, max_expanded)))
    } else {
        Box::new(file)
    };
    Ok(Reader::new(inner))
}

/// A reader that fails once more than `left` bytes have come through it (a decompression bomb
/// stops there instead of running on).
struct Capped<R> {
    inner: R,
    cap: u64,
    left: u64,
}

impl<R> Capped<R> {
    fn new(inner: R, cap: u64) -> Self {
        Capped { inner, cap, left: cap }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            let mb = self.cap / (1024 * 1024);
            return Err(std::io::Error::other(format!(
                "too large: decompressed WARC exceeds the {mb} MB limit"
            )));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// An HTTP response read out of a response record's block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked and decompressed when the headers say so.
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    /// The charset declared in Content-Type, if any.
    pub fn charset(&self) -> Option<String> {
        let ct = self.header("Content-Type")?.to_ascii_lowercase();
        let at = ct.find("charset=")?;
        let v = ct[at + 8..].split(';').next()?.trim().trim_matches(['"', '\'']);
        Some(v.to_string()).filter(|v| !v.is_empty())
    }
    /// The media type of Content-Type ("text/html"), lowercased.
    pub fn media_type(&self) -> Option<String> {
        let ct = self.header("Content-Type")?;
        Some(ct.split(';').next()?.trim().to_ascii_lowercase())
    }
}

/// Parses an HTTP/1.x response (status line, headers, body).
pub fn parse_http(block: &[u8]) -> Result<HttpResponse, String> {
    let end = find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(block, b"\n\n").map(|i| (i, i + 2)))
        .ok_or("HTTP response without a header end")?;
    let head = String::from_utf8_lossy(&block[..end.0]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/") {
        return Err(format!("not an HTTP response: {:?}", truncate(status_line, 40)));
    }
    let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = block[end.1..].to_vec();
    if header(&headers, "Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        if let Some(b) = dechunk(&body) {
            body = b;
        }
    }
    let enc = header(&headers, "Content-Encoding").map(str::to_ascii_lowercase);
    if matches!(enc.as_deref(), Some("gzip" | "x-gzip")) && body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let dec = flate2::read::MultiGzDecoder::new(&body[..]);
        if dec.take(MAX_RECORD_BYTES).read_to_end(&mut out).is_ok() {
            body = out;
        }
    }
    Ok(HttpResponse { status, headers, body })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = find(b, b"\r\n")?;
        let size_str = std::str::from_utf8(&b[..nl]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..).unwrap_or(&[]);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// A WARC response record for a page fetched from `url` at `date` (RFC 3339), with the HTTP
/// status, headers and (decoded) body. `extra` headers are added to the WARC header.
pub fn response_record(
    url: &str,
    date: &str,
    status: u16,
    http_headers: &[(String, String)],
    body: &[u8],
    extra: &[(String, String)],
) -> Record {
    let mut block = format!("HTTP/1.1 {status} \r\n").into_bytes();
    for (k, v) in http_headers {
        // The body is stored decoded: drop the headers that describe a transfer coding.
        if ["Content-Length", "Transfer-Encoding", "Content-Encoding"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
        {
            continue;
        }
        block.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    block.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    block.extend_from_slice(body);
    let mut headers = vec![
        ("WARC-Type".to_string(), "response".to_string()),
        ("WARC-Target-URI".to_string(), url.to_string()),
        ("WARC-Date".to_string(), date.to_string()),
        ("Content-Type".to_string(), "application/http; msgtype=response".to_string()),
    ];
    headers.extend(extra.iter().cloned());
    Record { headers, block }
}

/// Parses one serialised record (as [`Record::to_bytes`] writes it).
pub fn parse_record(bytes: &[u8]) -> Result<Record, String> {
    Reader::new(bytes).next().unwrap_or_else(|| Err("empty WARC record".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn page(n: usize) -> Vec<u8> {
        format!(
            "<html><body><article><p>Story number {n} from the coast.</p></article></body></html>"
        )
        .into_bytes()
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn archive() -> Vec<Record> {
        let info = Record {
            headers: vec![("WARC-Type".into(), "warcinfo".into())],
            block: b"software: test\r\n".to_vec(),
        };
        let mut recs = vec![info];
        for n in 0..3 {
            let h = vec![("Content-Type".to_string(), "text/html; charset=utf-8".to_string())];
            recs.push(response_record(
                &format!("https://coast.example/{n}"),
                "2026-05-01T12:00:00Z",
                200,
                &h,
                &page(n),
                &[],
            ));
        }
        recs
    }

    #[test]
    fn reads_plain_and_per_record_gzip() {
        let recs = archive();
        let plain: Vec<u8> = recs.iter().flat_map(Record::to_bytes).collect();
        let per_member: Vec<u8> = recs.iter().flat_map(|r| gz(&r.to_bytes())).collect();
        for (bytes, gzipped) in [(plain, false), (per_member, true)] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(if gzipped { "a.warc.gz" } else { "a.warc" });
            std::fs::write(&path, &bytes).unwrap();
            let got: Vec<Record> = open(&path).unwrap().map(Result::unwrap).collect();
            assert_eq!(got.len(), recs.len());
            for (g, r) in got.iter().zip(&recs) {
                assert_eq!((g.record_type(), &g.block), (r.record_type(), &r.block));
                assert_eq!(g.header("Content-Length"), Some(r.block.len().to_string().as_str()));
            }
            let resp = &got[2];
            assert!(resp.is_http_response());
            assert_eq!(resp.target_uri(), Some("https://coast.example/1"));
            let http = parse_http(&resp.block).unwrap();
            assert_eq!(http.status, 200);
            assert_eq!(http.charset().as_deref(), Some("utf-8"));
            assert_eq!(http.body, page(1));
        }
    }

    #[test]
    fn truncated_record_is_an_error() {
        let bytes = archive()[1].to_bytes();
        let cut = &bytes[..bytes.len() - 30];
        let r: Vec<_> = Reader::new(cut).collect();
        assert!(r.last().unwrap().is_err());
        assert!(Reader::new(&b"GET / HTTP/1.1\r\n"[..]).next().unwrap().is_err());
    }

    /// A corrupt record in the middle (its Content-Length garbled, or its version line cut) costs
    /// itself only: the next record is found by its `WARC/1.` line and the error says where the
    /// bad record began and how much was skipped.
    #[test]
    fn corrupt_record_is_skipped_to_the_next() {
        let recs = archive();
        let good: Vec<Vec<u8>> = recs.iter().map(Record::to_bytes).collect();
        let garbled = String::from_utf8(good[2].clone())
            .unwrap()
            .replace("Content-Length: ", "Content-Lenth: ")
            .into_bytes();
        let cut = good[2][5..].to_vec();
        for (bad, reason) in
            [(garbled, "without a valid Content-Length"), (cut, "not a WARC record")]
        {
            let bytes = [good[0].clone(), good[1].clone(), bad.clone(), good[3].clone()].concat();
            let got: Vec<_> = Reader::new(&bytes[..]).collect();
            assert_eq!(got.len(), 4, "{got:?}");
            let uris: Vec<_> =
                got.iter().filter_map(|r| r.as_ref().ok()).filter_map(Record::target_uri).collect();
            assert_eq!(uris, ["https://coast.example/0", "https://coast.example/2"]);
            let e = got[2].as_ref().unwrap_err();
            let at = good[0].len() + good[1].len();
            assert!(e.starts_with(&format!("WARC record at byte {at}: ")), "{e}");
            assert!(e.contains(reason), "{e}");
            assert!(e.ends_with(" bytes to the next record"), "{e}");
            let skipped: usize =
                e.rsplit("skipped ").next().unwrap().split(' ').next().unwrap().parse().unwrap();
            assert!(skipped > 0 && skipped <= bad.len(), "{e}");
        }
    }

    /// A record of endless header lines (the 342 KB `.warc.gz` that grew to 3.3 GB in memory) is
    /// refused after [`MAX_HEADER_LINES`]; the record after it is still read.
    #[test]
    fn header_lines_are_capped() {
        let mut bytes = b"WARC/1.0\r\nWARC-Type: response\r\n".to_vec();
        for i in 0..20_000 {
            bytes.extend_from_slice(format!("X-Filler-{i}: aaaaaaaaaaaaaaaa\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"Content-Length: 0\r\n\r\n\r\n\r\n");
        bytes.extend_from_slice(&archive()[1].to_bytes());
        let got: Vec<_> = Reader::new(&bytes[..]).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        let e = got[0].as_ref().unwrap_err();
        assert!(
            e.starts_with("WARC record at byte 0: more than 512 header lines; skipped "),
            "{e}"
        );
        assert_eq!(got[1].as_ref().unwrap().target_uri(), Some("https://coast.example/0"));
    }

    /// A `.warc.gz` that expands past its limit stops with a "too large" error, and reading it
    /// never holds more than one record.
    #[test]
    fn decompressed_size_is_limited() {
        let recs = archive();
        let mut one = recs[1].to_bytes();
        one.extend(std::iter::repeat_n(b'\n', 4 * 1024 * 1024));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.warc.gz");
        std::fs::write(&path, gz(&one)).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 64 * 1024);
        let got: Vec<_> = open_limited(&path, 1024 * 1024).unwrap().collect();
        assert!(got[0].is_ok());
        let e = got.last().unwrap().as_ref().unwrap_err();
        assert!(e.contains("too large: decompressed WARC exceeds the 1 MB limit"), "{e}");
        // Within its limit the same file reads to the end.
        let got: Vec<_> = open(&path).unwrap().collect();
        assert_eq!(got.len(), 1);
        assert!(got[0].is_ok());
    }

    #[test]
    fn chunked_and_gzipped_bodies_are_decoded() {
        let body = b"<p>hello chunked world</p>";
        let mut block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        block.extend_from_slice(format!("{:x}\r\n", 10).as_bytes());
        block.extend_from_slice(&body[..10]);
        block.extend_from_slice(format!("\r\n{:x}\r\n", body.len() - 10).as_bytes());
        block.extend_from_slice(&body[10..]);
        block.extend_from_slice(b"\r\n0\r\n\r\n");
        assert_eq!(parse_http(&block).unwrap().body, body);
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&gz(body));
        assert_eq!(parse_http(&block).unwrap().body, body);
    }
}
