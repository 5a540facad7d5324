//! Ingest: turns raw inputs (files, directories, stdin) into cleaned [`Article`]s.
//!
//! Owns format sniffing, character-encoding detection, the per-format readers (plain text, HTML,
//! JSON, JSON Lines), boilerplate removal and metadata recovery (title, date, outlet, author,
//! language). It never analyses text and never touches the store.
//!
//! Modules: [`sniff`] (format from content), [`decode`] (bytes → text), [`text`] (plain-text
//! cleaning and metadata recovery), [`record`] (JSON/JSONL), [`html`] (HTML pages), [`feed`]
//! (RSS/Atom/JSON Feed), [`warc`] (WARC archives and fetched pages), [`dates`], [`walk`] (which
//! files a list of paths names).

pub mod dates;
pub mod decode;
pub mod feed;
pub mod html;
pub mod nesting;
pub mod notices;
pub mod record;
pub mod sniff;
pub mod text;
pub mod walk;
pub mod warc;

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use storyline_model::{Analysis, Article, ArticleId, DateOrigin, RemovedKind, TitleOrigin};
use storyline_text::normalise;

/// Inputs larger than this are refused with a clear error.
pub const MAX_INPUT_BYTES: u64 = 50 * 1024 * 1024;

/// One raw input: a file's bytes (or stdin's) and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Input {
    /// File path as given/walked, or "-" for stdin.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an input (or one record inside it) could not be ingested. Displays as `name: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {reason}")]
pub struct IngestError {
    pub input: String,
    pub reason: String,
}

impl IngestError {
    fn new(input: impl Into<String>, reason: impl Into<String>) -> Self {
        IngestError { input: input.into(), reason: reason.into() }
    }
}

/// What one input yields: its articles (or per-record errors) and warnings about the input as a
/// whole (e.g. "decoded as windows-1252 (not UTF-8)").
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub records: Vec<Result<Article, IngestError>>,
    pub warnings: Vec<String>,
    /// Links a feed only points at (entries without their article): for the fetcher.
    pub links: Vec<String>,
}

/// `Err("too large: 61.2 MB exceeds the 50 MB limit")` when `len` bytes exceed [`MAX_INPUT_BYTES`].
pub fn check_size(len: u64) -> Result<(), String> {
    if len > MAX_INPUT_BYTES {
        let mb = len as f64 / (1024.0 * 1024.0);
        Err(format!(
            "too large: {mb:.1} MB exceeds the {} MB limit",
            MAX_INPUT_BYTES / (1024 * 1024)
        ))
    } else {
        Ok(())
    }
}

/// Lists the files under `paths` ([`walk::files`]: directories recursively, sorted, hidden
/// entries such as `.git` skipped, each real directory once however symlinks loop, FIFOs and
/// devices inside directories reported and skipped) and reads each with [`read_file`]. "-" reads
/// stdin. Errors name the path and the reason. Holds every file at once: a caller that can take
/// them one at a time lists with [`walk::files`] and reads lazily.
pub fn read_inputs(paths: &[PathBuf]) -> Vec<Result<Input, IngestError>> {
    walk::files(paths).into_iter().map(|p| p.and_then(|p| read_file(&p))).collect()
}

/// Reads one file ("-" = stdin), bounded by [`MAX_INPUT_BYTES`] (checked from metadata before
/// reading, and again while reading for pipes and devices whose size is unknown).
pub fn read_file(p: &Path) -> Result<Input, IngestError> {
    if p.as_os_str() == "-" {
        return read_stdin();
    }
    let name = p.display().to_string();
    let fail = |reason: String| IngestError::new(name.clone(), reason);
    let meta = std::fs::metadata(p).map_err(|e| fail(io_reason(&e)))?;
    check_size(meta.len()).map_err(fail)?;
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(io_reason(&e)))?;
    check_size(bytes.len() as u64).map_err(fail)?;
    Ok(Input { name, bytes })
}

fn read_stdin() -> Result<Input, IngestError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| IngestError::new("-", e.to_string()))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(IngestError::new("-", "too large: input exceeds the 50 MB limit"));
    }
    Ok(Input { name: "-".into(), bytes })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Content address: first 16 hex chars of SHA-256 over the [hashed form](normalise::for_article_id)
/// of the title, "\n", source, "\n", the hashed form of the text.
pub fn article_id(title: Option<&str>, source: Option<&str>, text: &str) -> ArticleId {
    let norm = normalise::for_article_id;
    let mut h = Sha256::new();
    h.update(norm(title.unwrap_or("")).as_bytes());
    h.update(b"\n");
    h.update(source.unwrap_or("").trim().as_bytes());
    h.update(b"\n");
    h.update(norm(text).as_bytes());
    let digest = h.finalize();
    ArticleId::new(digest.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>())
}

/// Bytes of a text that language detection reads. Detection is linear in its input and a few
/// paragraphs settle it: on Reuters-21578 (19,043 articles) and the Timeline17 documents (1,123,
/// 820 of them longer than this) the first 2,048 bytes give the same language as the whole text
/// for every article (and the first 4,096 too).
const LANGUAGE_SAMPLE: usize = 2048;

/// ISO 639-1 code of the text's language, when whatlang is confident (None for short text). Reads
/// the first [`LANGUAGE_SAMPLE`] bytes (cut at a character boundary).
pub fn detect_language(text: &str) -> Option<String> {
    let mut end = text.len().min(LANGUAGE_SAMPLE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    if text.chars().filter(|c| c.is_alphabetic()).count() < 40 {
        return None;
    }
    if plainly_english(text) {
        return Some("en".to_string());
    }
    let info = whatlang::detect(text)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    iso639_1(info.lang().code()).map(str::to_string)
}

/// Detects the language of an article read by [`records_with`] without detection: the detected
/// language, else the one its record declared — what [`records`] gives. (Detection is a
/// function of the text, so completing an article read with detection changes nothing.)
pub fn complete_language(article: &mut Article) {
    if let Some(language) = detect_language(&article.text) {
        article.language = Some(language);
    }
}

/// English function words that no other Latin-script news language uses often
/// (`words/english_function_words.txt`).
static ENGLISH_FUNCTION_WORDS: LazyLock<storyline_text::word_list::WordSet> = LazyLock::new(|| {
    storyline_text::word_list::set(include_str!("../words/english_function_words.txt"))
});

/// Whether a sample is English beyond doubt: at least [`PLAIN_ENGLISH_MIN_WORDS`] words, a quarter
/// of them English function words. Running English has 30–40 % of its words on the list; German,
/// French, Spanish or Dutch text under 5 %. Whatlang (trigram counts over the whole sample) was
/// about a tenth of an ingest's instructions, and most news a user ingests is English; on
/// Reuters-21578, the Timeline17 documents and the H1N1 stream this gives what whatlang gives for
/// every article but 13 English ones whatlang left undecided
/// (`cargo run --release -p storyline-ingest --example language_agreement`).
fn plainly_english(sample: &str) -> bool {
    let (mut words, mut function) = (0usize, 0usize);
    for w in sample.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        words += 1;
        if w.len() <= 5 && ENGLISH_FUNCTION_WORDS.contains(w.to_ascii_lowercase().as_str()) {
            function += 1;
        }
    }
    words >= PLAIN_ENGLISH_MIN_WORDS && function * 4 >= words
}

/// Fewest words of a sample [`plainly_english`] decides on.
const PLAIN_ENGLISH_MIN_WORDS: usize = 30;

/// ISO 639-3 (whatlang's codes) → ISO 639-1.
fn iso639_1(code3: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("epo", "eo"),
        ("eng", "en"),
        ("rus", "ru"),
        ("cmn", "zh"),
        ("spa", "es"),
        ("por", "pt"),
        ("ita", "it"),
        ("ben", "bn"),
        ("fra", "fr"),
        ("deu", "de"),
        ("ukr", "uk"),
        ("kat", "ka"),
        ("ara", "ar"),
        ("hin", "hi"),
        ("jpn", "ja"),
        ("heb", "he"),
        ("yid", "yi"),
        ("pol", "pl"),
        ("amh", "am"),
        ("jav", "jv"),
        ("kor", "ko"),
        ("nob", "nb"),
        ("dan", "da"),
        ("swe", "sv"),
        ("fin", "fi"),
        ("tur", "tr"),
        ("nld", "nl"),
        ("hun", "hu"),
        ("ces", "cs"),
        ("ell", "el"),
        ("bul", "bg"),
        ("bel", "be"),
        ("mar", "mr"),
        ("kan", "kn"),
        ("ron", "ro"),
        ("slv", "sl"),
        ("hrv", "hr"),
        ("srp", "sr"),
        ("mkd", "mk"),
        ("lit", "lt"),
        ("lav", "lv"),
        ("est", "et"),
        ("tam", "ta"),
        ("vie", "vi"),
        ("urd", "ur"),
        ("tha", "th"),
        ("guj", "gu"),
        ("uzb", "uz"),
        ("pan", "pa"),
        ("aze", "az"),
        ("ind", "id"),
        ("tel", "te"),
        ("pes", "fa"),
        ("mal", "ml"),
        ("ori", "or"),
        ("mya", "my"),
        ("nep", "ne"),
        ("sin", "si"),
        ("khm", "km"),
        ("tuk", "tk"),
        ("aka", "ak"),
        ("zul", "zu"),
        ("sna", "sn"),
        ("afr", "af"),
        ("lat", "la"),
        ("slk", "sk"),
        ("cat", "ca"),
        ("tgl", "tl"),
        ("hye", "hy"),
        ("cym", "cy"),
    ];
    TABLE.iter().find(|(c3, _)| *c3 == code3).map(|(_, c1)| *c1)
}

/// A bare article body without metadata (the documents of a gold corpus): site notices are
/// stripped as ingest strips them ([`notices`]), nothing else is touched. The id addresses the
/// input as given, so two pages of nothing but notices remain two articles.
pub fn body_article(name: &str, text: &str) -> Article {
    let (body, removed) = notices::strip(text);
    let mut a = raw_article(name, &body);
    a.id = article_id(None, None, text);
    a.removed = removed
        .into_iter()
        .map(|text| storyline_model::Removed { kind: RemovedKind::SiteNotice, text })
        .collect();
    a
}

/// Takes `text` exactly as given (nothing stripped): what `analyze --raw` uses.
pub fn raw_article(name: &str, text: &str) -> Article {
    Article {
        id: article_id(None, None, text),
        input_id: Some(name.to_string()),
        url: None,
        title: None,
        title_origin: TitleOrigin::None,
        published: None,
        published_origin: None,
        source: None,
        author: None,
        language: detect_language(text),
        text: text.to_string(),
        removed: Vec::new(),
        analysis: Analysis::default(),
    }
}

/// Decompresses gzip (all members), bounded to [`MAX_INPUT_BYTES`] of output.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let dec = flate2::read::MultiGzDecoder::new(bytes);
    match dec.take(MAX_INPUT_BYTES + 1).read_to_end(&mut out) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err("truncated gzip stream".into())
        }
        Err(e) => return Err(format!("invalid gzip stream: {e}")),
    }
    if out.len() as u64 > MAX_INPUT_BYTES {
        return Err("too large: decompressed content exceeds the 50 MB limit".into());
    }
    Ok(out)
}

/// The reason given for an input or record whose reading panicked (a bug, caught).
pub const INTERNAL_ERROR: &str = "internal error while reading this input (please report it)";

/// Parses one input into articles (a JSON Lines file holds many; a bad record is one error and
/// the others still come through). A panic while reading is caught: inside one record of a JSON,
/// JSON Lines, feed or WARC input it is that record's error ([`INTERNAL_ERROR`]), elsewhere the
/// input's. [`records`] gives the same records one at a time.
pub fn parse(input: &Input) -> Parsed {
    let mut records = records(input);
    let all = records.by_ref().collect();
    Parsed { records: all, warnings: records.warnings, links: records.links }
}

/// The records of one input, read lazily: a JSON Lines file is read line by line as the caller
/// asks for the next record (memory holds the input and one record, so a caller that commits as
/// it goes commits a big file in batches); the other formats are read whole when the input is
/// opened. The same records, errors and warnings as [`parse`], in the same order.
pub fn records(input: &Input) -> Records {
    records_with(input, true)
}

/// [`records`]; with `detect_language` false, the records of a text, HTML, JSON or JSON Lines
/// input keep only the language their record declares and leave detecting it to the caller
/// ([`complete_language`], the same value), so a caller that analyses on other threads can run
/// that costly step there ([`Records::language_deferred`] says whether it was left).
pub fn records_with(input: &Input, detect_language: bool) -> Records {
    match std::panic::catch_unwind(|| open_records(input, detect_language)) {
        Ok(records) => records,
        Err(_) => Records::ready(Parsed {
            records: vec![Err(IngestError::new(input.name.as_str(), INTERNAL_ERROR))],
            ..Default::default()
        }),
    }
}

/// An iterator over the records of one input ([`records`]). Warnings gather in
/// [`Records::warnings`] as records are read (take them with [`Records::take_warnings`]).
pub struct Records {
    /// Notes about the input or its records read so far.
    pub warnings: Vec<String>,
    /// Links a feed only points at (entries without their article): for the fetcher.
    pub links: Vec<String>,
    /// How many records the input holds (for JSON Lines, its non-blank lines).
    pub count: usize,
    /// Whether the records leave their language to [`complete_language`] ([`records_with`]).
    pub language_deferred: bool,
    source: Source,
}

enum Source {
    /// Read already.
    Ready(std::vec::IntoIter<Result<Article, IngestError>>),
    /// JSON Lines text and where the next line starts (`line` lines read before it).
    Lines { name: String, text: String, pos: usize, line: usize, detect: bool },
}

impl Records {
    fn ready(parsed: Parsed) -> Self {
        Records {
            warnings: parsed.warnings,
            links: parsed.links,
            count: parsed.records.len(),
            language_deferred: false,
            source: Source::Ready(parsed.records.into_iter()),
        }
    }

    /// The warnings gathered so far, leaving none.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}

impl Iterator for Records {
    type Item = Result<Article, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (name, text, pos, line, detect) = match &mut self.source {
            Source::Ready(records) => return records.next(),
            Source::Lines { name, text, pos, line, detect } => (name, text, pos, line, *detect),
        };
        // The next non-blank line, as `str::lines` splits them (a trailing `\r` dropped).
        loop {
            if *pos >= text.len() {
                return None;
            }
            let rest = &text[*pos..];
            let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let raw = &rest[..end];
            *pos += end;
            *line += 1;
            let l = raw.strip_suffix('\n').unwrap_or(raw);
            let l = l.strip_suffix('\r').unwrap_or(l);
            if l.trim().is_empty() {
                continue;
            }
            let rname = format!("{name}:{line}");
            let warnings = &mut self.warnings;
            return Some(isolated(&rname, || {
                let r = record::jsonl_record(l, *line - 1)
                    .map_err(|reason| IngestError::new(rname.as_str(), reason))?;
                from_record(&rname, &r, warnings, detect)
            }));
        }
    }
}

/// Reads one record with `read`; a panic there is this record's error, named `name`.
fn isolated(
    name: &str,
    read: impl FnOnce() -> Result<Article, IngestError>,
) -> Result<Article, IngestError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err(IngestError::new(name, INTERNAL_ERROR)))
}

fn open_records(input: &Input, detect: bool) -> Records {
    let name = input.name.as_str();
    let mut parsed = Parsed::default();
    let fail = |reason: String| {
        Records::ready(Parsed {
            records: vec![Err(IngestError::new(name, reason))],
            ..Default::default()
        })
    };
    let mut bytes: std::borrow::Cow<[u8]> = std::borrow::Cow::Borrowed(&input.bytes);
    if let Err(reason) = check_size(bytes.len() as u64) {
        return fail(reason);
    }
    // Nested gzip is unwrapped up to twice.
    for _ in 0..2 {
        if sniff::is_gzip(&bytes) {
            match gunzip(&bytes) {
                Ok(b) => bytes = std::borrow::Cow::Owned(b),
                Err(reason) => return fail(reason),
            }
        }
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return fail("empty input".into());
    }
    if warc::is_warc(&bytes) {
        return Records::ready(parse_warc(name, &bytes));
    }
    if sniff::is_binary(&bytes) {
        return fail("binary content, not text".into());
    }
    let decoded = decode::decode(&bytes);
    drop(bytes);
    parsed.warnings.extend(decoded.warning);
    let text = decoded.text;
    if sniff::is_blank(&text) {
        return fail("empty input".into());
    }
    match sniff::sniff(&text) {
        sniff::Format::Feed => return Records::ready(parse_feed(name, text.as_bytes(), None)),
        sniff::Format::Html => {
            parsed.records.push(from_html(
                name,
                &text,
                &record::Record::default(),
                &mut parsed.warnings,
                detect,
            ));
        }
        sniff::Format::Text => {
            parsed.records.push(from_text(
                name,
                &text,
                &record::Record::default(),
                &mut parsed.warnings,
                detect,
            ));
        }
        sniff::Format::Json => {
            for (rname, rec) in record::parse_json(name, &text) {
                let warnings = &mut parsed.warnings;
                let art = rec
                    .and_then(|r| isolated(&rname, || from_record(&rname, &r, warnings, detect)));
                parsed.records.push(art);
            }
        }
        sniff::Format::JsonLines => {
            let count = text.lines().filter(|l| !l.trim().is_empty()).count();
            return Records {
                warnings: parsed.warnings,
                links: Vec::new(),
                count,
                language_deferred: !detect,
                source: Source::Lines { name: name.to_string(), text, pos: 0, line: 0, detect },
            };
        }
    }
    let mut records = Records::ready(parsed);
    records.language_deferred = !detect;
    records
}

/// The article of one JSON record: its `html` read as a page when it has no `text`.
fn from_record(
    name: &str,
    r: &record::Record,
    warnings: &mut Vec<String>,
    detect: bool,
) -> Result<Article, IngestError> {
    match (&r.html, &r.text) {
        (Some(h), None) => from_html(name, h, r, warnings, detect),
        (_, t) => from_text(name, t.as_deref().unwrap_or_default(), r, warnings, detect),
    }
}

/// A feed document: entries with their article become articles (outlet = the feed's title, or
/// its site's host); entries with only a link go to [`Parsed::links`].
pub fn parse_feed(name: &str, bytes: &[u8], feed_url: Option<&str>) -> Parsed {
    feed_articles(name, bytes, feed_url, true)
}

/// [`parse_feed`], with or without the warning about link-only entries (a fetched feed's links
/// are fetched by the caller).
fn feed_articles(name: &str, bytes: &[u8], feed_url: Option<&str>, warn_links: bool) -> Parsed {
    let mut parsed = Parsed::default();
    let items = match feed::parse(bytes, feed_url) {
        Ok(items) => items,
        Err(reason) => {
            parsed.records.push(Err(IngestError::new(name, reason)));
            return parsed;
        }
    };
    if items.entries.is_empty() && items.links.is_empty() {
        let reason = "feed has no entries with an article or a link";
        parsed.records.push(Err(IngestError::new(name, reason)));
        return parsed;
    }
    let source = items.title.clone().or_else(|| items.site.as_deref().and_then(html::host_name));
    for (i, e) in items.entries.iter().enumerate() {
        let rname = format!("{name}[{i}]");
        let r = record::Record {
            id: e.url.clone().or_else(|| Some(e.id.clone()).filter(|id| !id.is_empty())),
            url: e.url.clone(),
            title: e.title.clone(),
            published: e.published.map(|d| d.to_string()),
            source: source.clone(),
            author: e.author.clone(),
            ..Default::default()
        };
        let warnings = &mut parsed.warnings;
        let mut art = isolated(&rname, || from_html(&rname, &e.html, &r, warnings, true));
        if let Ok(a) = &mut art {
            if e.published.is_some() {
                a.published_origin = Some(DateOrigin::Feed);
            }
        }
        parsed.records.push(art);
    }
    if warn_links && !items.links.is_empty() {
        parsed.warnings.push(format!(
            "{name}: {} feed entries only link to their article (fetch them with `storyline fetch --feed`)",
            items.links.len()
        ));
    }
    parsed.links = items.links.into_iter().map(|l| l.url).collect();
    parsed
}

/// A WARC stream held in memory (one record, as the fetcher writes it, or a small archive): every
/// HTTP response with an HTML payload becomes an article whose URL is the record's target URI.
/// Other records (requests, metadata, DNS, non-HTML responses, redirects) are skipped silently;
/// a corrupt record is one error (its byte offset, the bytes skipped) and reading resumes at the
/// next record.
fn parse_warc(name: &str, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    for rec in warc::Reader::new(bytes) {
        match rec {
            Ok(rec) => {
                if let Some(feed) = feed_in_warc(&rec) {
                    let url = rec.target_uri().unwrap_or(name).to_string();
                    let p = feed_articles(&url, &feed, Some(&url), false);
                    parsed.records.extend(p.records);
                    parsed.warnings.extend(p.warnings);
                    parsed.links.extend(p.links);
                } else if let Some(art) = article_from_warc(&rec, &mut parsed.warnings) {
                    parsed.records.push(art);
                }
            }
            Err(reason) => parsed.records.push(Err(IngestError::new(name, reason))),
        }
    }
    parsed
}

/// The payload of a response record when it is a feed (RSS, Atom, JSON Feed).
fn feed_in_warc(rec: &warc::Record) -> Option<Vec<u8>> {
    if !rec.is_http_response() {
        return None;
    }
    let http = warc::parse_http(&rec.block).ok()?;
    if !(200..300).contains(&http.status) {
        return None;
    }
    let head = String::from_utf8_lossy(&http.body[..http.body.len().min(4096)]).into_owned();
    (sniff::sniff(&head) == sniff::Format::Feed).then_some(http.body)
}

/// The records of a WARC file (`.warc` or `.warc.gz`) as inputs, read lazily one record at a time
/// (constant memory however large the file): each HTTP response becomes one input named by its
/// target URI, holding the record itself (which [`parse`] reads). Requests, metadata and other
/// records are skipped.
pub fn warc_inputs(path: &Path) -> Box<dyn Iterator<Item = Result<Input, IngestError>>> {
    let name = path.display().to_string();
    let reader = match warc::open(path) {
        Ok(r) => r,
        Err(e) => return Box::new(std::iter::once(Err(IngestError::new(name, io_reason(&e))))),
    };
    Box::new(reader.filter_map(move |rec| match rec {
        Ok(rec) if rec.is_http_response() => {
            let uri = rec.target_uri().unwrap_or("").to_string();
            Some(Ok(Input {
                name: if uri.is_empty() { name.clone() } else { uri },
                bytes: rec.to_bytes(),
            }))
        }
        Ok(_) => None,
        Err(reason) => Some(Err(IngestError::new(name.clone(), reason))),
    }))
}

/// Whether a path names a WARC file (`.warc`, `.warc.gz`).
pub fn is_warc_path(path: &Path) -> bool {
    let n = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    n.ends_with(".warc") || n.ends_with(".warc.gz")
}

/// The article of one WARC response record, `None` when the record holds no HTML page.
pub fn article_from_warc(
    rec: &warc::Record,
    warnings: &mut Vec<String>,
) -> Option<Result<Article, IngestError>> {
    if !rec.is_http_response() {
        return None;
    }
    let url = rec.target_uri().unwrap_or("").to_string();
    let http = match warc::parse_http(&rec.block) {
        Ok(h) => h,
        Err(reason) => return Some(Err(IngestError::new(url, reason))),
    };
    if !(200..300).contains(&http.status) {
        return None;
    }
    let media = http.media_type();
    if media.as_deref().is_some_and(|m| !m.contains("html") && !m.contains("xml")) {
        return None;
    }
    let decoded = match http.charset().and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
    {
        Some(enc) if enc != encoding_rs::UTF_8 || std::str::from_utf8(&http.body).is_ok() => {
            enc.decode_with_bom_removal(&http.body).0.into_owned()
        }
        _ => {
            let d = decode::decode(&http.body);
            warnings.extend(d.warning.map(|w| format!("{url}: {w}")));
            d.text
        }
    };
    if sniff::sniff(&decoded) != sniff::Format::Html {
        return None;
    }
    let r = record::Record { id: Some(url.clone()), url: Some(url.clone()), ..Default::default() };
    let mut art = isolated(&url, || from_html(&url, &decoded, &r, warnings, true));
    if let Ok(a) = &mut art {
        if a.published.is_none() {
            if let Some(d) = rec.header(FEED_PUBLISHED_HEADER).and_then(dates::parse_date) {
                a.published = Some(d);
                a.published_origin = Some(DateOrigin::Feed);
            } else if let Some(d) = rec.date().and_then(dates::parse_date) {
                a.published = Some(d);
                a.published_origin = Some(DateOrigin::WarcDate);
            }
        }
        if a.source.is_none() {
            a.source = html::host_name(&url);
            if a.source.is_some() {
                a.id = article_id(a.title.as_deref(), a.source.as_deref(), &a.text);
            }
        }
    }
    Some(art)
}

/// WARC header the fetcher sets on a page queued from a feed: the entry's publication date.
pub const FEED_PUBLISHED_HEADER: &str = "Storyline-Feed-Published";

fn known_from_record(name: &str, r: &record::Record, warnings: &mut Vec<String>) -> text::Known {
    let published = r.published_date().unwrap_or_else(|bad| {
        warnings.push(format!("{name}: unrecognised date in `published`: {bad}"));
        None
    });
    text::Known {
        title: r.title.clone(),
        source: r.source.clone(),
        author: r.author.clone(),
        published,
    }
}

fn from_text(
    name: &str,
    raw: &str,
    r: &record::Record,
    warnings: &mut Vec<String>,
    detect: bool,
) -> Result<Article, IngestError> {
    let known = known_from_record(name, r, warnings);
    let c = text::clean(raw, &known);
    finish(name, c, r, detect)
}

fn from_html(
    name: &str,
    html_text: &str,
    r: &record::Record,
    warnings: &mut Vec<String>,
    detect: bool,
) -> Result<Article, IngestError> {
    let mut known = known_from_record(name, r, warnings);
    let page = html::extract(html_text);
    let mut published_origin = known.published.map(|_| DateOrigin::Record);
    if known.published.is_none() && page.published.is_some() {
        known.published = page.published;
        published_origin = page.published_origin;
    }
    known.title = known.title.or(page.title);
    known.source = known.source.or(page.source);
    known.author = known.author.or(page.author);
    let mut c = text::clean(&page.text, &known);
    if let Some(o) = published_origin {
        c.published_origin = Some(o);
    }
    c.url = c.url.or(page.url);
    let mut r = r.clone();
    if r.language.is_none() {
        r.language = page.lang.and_then(|l| {
            let l = l.split(['-', '_']).next().unwrap_or("").to_lowercase();
            (l.len() == 2).then_some(l)
        });
    }
    finish(name, c, &r, detect)
}

/// The article of a cleaned record; its language detected when `detect` (else the record's
/// declared language, for [`complete_language`]).
fn finish(
    name: &str,
    c: text::Cleaned,
    r: &record::Record,
    detect: bool,
) -> Result<Article, IngestError> {
    if c.text.trim().is_empty() {
        if let Some(notice) = c.removed.iter().find(|r| r.kind == RemovedKind::SiteNotice) {
            let first: String = notice.text.chars().take(60).collect();
            return Err(IngestError::new(
                name,
                format!("no article text: the page holds only site notices («{first}…»)"),
            ));
        }
        return Err(IngestError::new(name, "no article text found"));
    }
    let language = if detect {
        detect_language(&c.text).or_else(|| r.language.clone())
    } else {
        r.language.clone()
    };
    Ok(Article {
        id: article_id(c.title.as_deref(), c.source.as_deref(), &c.text),
        input_id: Some(r.id.clone().unwrap_or_else(|| name.to_string())),
        url: r.url.clone().or(c.url),
        title: c.title,
        title_origin: c.title_origin,
        published: c.published,
        published_origin: c.published_origin,
        source: c.source,
        author: c.author,
        language,
        text: c.text,
        removed: c.removed,
        analysis: Analysis::default(),
    })
}

#[cfg(test)]
mod tests;
