//! Plain-text cleaning and metadata recovery: splits scraped text into paragraphs, reads metadata
//! header lines (date, title, source, author, URL, "By …" bylines), detects or synthesises the
//! title, and removes boilerplate (repeated titles, editor's notes, appended teasers for other
//! articles, glued "title+outlet+author" trailers, bare outlet lines), recovering outlet and author
//! from what it removes. Paragraph contents are never altered; only whole lines are dropped.

use crate::dates::parse_date_prefix;
use jiff::civil::Date;
use regex::Regex;
use std::sync::LazyLock;
use storyline_model::{DateOrigin, Removed, RemovedKind, TitleOrigin};
use storyline_text::normalise::{char_marks_unified, marks_unified};

/// Metadata already known from a record or HTML page; known values win over recovered ones.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub title: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub published: Option<Date>,
}

/// The cleaned body with the metadata found while cleaning.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// Paragraphs separated by "\n\n".
    pub text: String,
    pub title: Option<String>,
    pub title_origin: TitleOrigin,
    pub published: Option<Date>,
    pub published_origin: Option<DateOrigin>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub removed: Vec<Removed>,
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "sen", "rep", "gov", "col", "lt", "sgt", "capt",
    "jr", "sr", "inc", "ltd", "co", "corp", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "st",
];

/// Capitalised words that mark an outlet rather than a person.
const OUTLET_WORDS: &[&str] = &[
    "the",
    "news",
    "times",
    "post",
    "daily",
    "independent",
    "journal",
    "press",
    "herald",
    "tribune",
    "courier",
    "gazette",
    "media",
    "network",
    "agency",
    "radio",
    "tv",
    "television",
    "chronicle",
    "telegraph",
    "guardian",
    "observer",
    "review",
    "magazine",
    "wire",
    "report",
    "today",
    "weekly",
    "online",
    "global",
    "international",
    "world",
    "express",
    "mail",
    "star",
    "sun",
    "monitor",
    "standard",
    "bulletin",
    "insider",
    "service",
    "broadcasting",
    "channel",
    "group",
    "digest",
];

/// Lowercase words allowed inside names and outlet titles.
const PARTICLES: &[&str] = &[
    "of", "the", "and", "&", "de", "da", "del", "der", "van", "von", "la", "le", "al", "bin",
    "for", "du", "dos", "di", "el",
];

static EDITOR_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)editor(?:[’'‘`´]s|s[’'])?\s+note\s*[:\-–—]\s*").unwrap());

static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i)(date|dated|published(?:\s+on)?|posted(?:\s+on)?|updated|last\s+updated|dateline|title|headline|source|outlet|publisher|publication|author|authors|byline|url|link)\s*[:=]\s*(.*)$",
    )
    .unwrap()
});

static DATE_KEY_NO_COLON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)(?:date|dated|published|posted|updated)\s+").unwrap());

static BYLINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:By|BY|by:|By:)\s+(.+)$").unwrap());

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Last character that is not a closing quote or bracket.
fn ends_with_any(s: &str, set: &[char]) -> bool {
    s.trim_end().chars().next_back().is_some_and(|c| set.contains(&c))
}

/// A paragraph that ends the way finished prose ends (terminal punctuation, possibly inside a
/// closing quote or bracket).
fn ends_properly(s: &str) -> bool {
    let t = s.trim_end();
    let last = match t.chars().next_back() {
        Some(c) => c,
        None => return false,
    };
    matches!(last, '.' | '!' | '?' | '…' | '"' | '”' | '’' | '\'' | ')' | ']' | '»' | ':')
}

/// Short, headline-shaped: a few words, starts with a capital (or a quote), no final period,
/// comma, colon or semicolon.
fn is_headline_like(s: &str) -> bool {
    let words = word_count(s);
    if !(2..=30).contains(&words) || s.chars().count() > 250 {
        return false;
    }
    let first = s.chars().find(|c| !matches!(c, '\'' | '"' | '‘' | '“' | '«'));
    if !first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) {
        return false;
    }
    !ends_with_any(s, &['.', ',', ';', ':'])
        && !s.trim_end().ends_with(".”")
        && !s.trim_end().ends_with(".\"")
}

fn is_capitalised_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// A word of a personal name: capitalised, letters (and `'-.`), no internal lower→upper step
/// except after Mc/Mac/O'/hyphen.
fn is_name_word(w: &str) -> bool {
    if !is_capitalised_word(w) || OUTLET_WORDS.contains(&w.to_lowercase().as_str()) {
        return false;
    }
    if !w.chars().all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.')) {
        return false;
    }
    let chars: Vec<char> = w.chars().collect();
    for i in 1..chars.len() {
        if chars[i].is_uppercase() && chars[i - 1].is_lowercase() {
            let before: String = chars[..i].iter().collect();
            if !(before.ends_with("Mc") || before.ends_with("Mac")) {
                return false;
            }
        }
    }
    true
}

/// Two to three capitalised name words (particles such as "de", "van" allowed in between).
pub fn is_person_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let name_words = words.iter().filter(|w| !PARTICLES.contains(w)).count();
    (2..=3).contains(&name_words)
        && words.len() <= 5
        && is_name_word(words[0])
        && is_name_word(words[words.len() - 1])
        && words.iter().all(|w| PARTICLES.contains(w) || is_name_word(w))
}

/// Capitalised words (particles allowed), no digits, no sentence punctuation: an outlet name.
fn is_outlet_like(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=6).contains(&words.len())
        && is_capitalised_word(words[0])
        && words
            .iter()
            .all(|w| is_capitalised_word(w) || PARTICLES.contains(&w.to_lowercase().as_str()))
        && !s.chars().any(|c| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '!' | '?' | ';' | ':' | '"' | '“' | '”')
        })
}

/// "Jane Doe 4 March 2026" → "Jane Doe": a byline that ends with its date.
fn without_trailing_date(s: &str) -> &str {
    let Some(i) = s.find(|c: char| c.is_ascii_digit()) else { return s };
    match parse_date_prefix(&s[i..]) {
        Some((_, n)) if s[i + n..].trim().is_empty() => s[..i].trim_end(),
        _ => s,
    }
}

/// "Jane Doe", "Jane Doe and John Roe", "Jane Doe, Reuters" → the names part.
fn byline_names(s: &str) -> Option<String> {
    let s = s.trim();
    let names = s.split([',', '|', '|']).next()?.trim();
    let names = names.strip_suffix(" for").unwrap_or(names);
    let ok = names
        .split(" and ")
        .flat_map(|p| p.split(" & "))
        .all(|p| is_person_name(p.trim()) || (word_count(p) == 1 && is_name_word(p.trim())));
    (ok && word_count(names) <= 10).then(|| names.to_string())
}

/// Splits raw text into non-empty trimmed lines (each a paragraph). Hard-wrapped documents (many
/// lines of similar, moderate width) get their wrapped lines joined back into paragraphs.
pub fn paragraphs(raw: &str) -> Vec<String> {
    let raw = raw.trim_start_matches('\u{feff}').replace("\r\n", "\n").replace('\r', "\n");
    let mut blocks: Vec<Vec<&str>> = vec![vec![]];
    for line in raw.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            if !blocks.last().is_some_and(Vec::is_empty) {
                blocks.push(vec![]);
            }
        } else {
            blocks.last_mut().expect("non-empty").push(line);
        }
    }
    blocks.retain(|b| !b.is_empty());
    let all: Vec<&str> = blocks.iter().flatten().copied().collect();
    let max_len = all.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let inner: Vec<usize> =
        blocks.iter().flat_map(|b| b[..b.len() - 1].iter().map(|l| l.chars().count())).collect();
    let wrapped = all.len() >= 6
        && max_len <= 120
        && blocks.iter().any(|b| b.len() >= 3)
        && inner.iter().filter(|&&n| n >= 40).count() * 10 >= inner.len() * 7;
    let mut out = Vec::new();
    for block in blocks {
        if !wrapped {
            out.extend(block.iter().map(|l| l.to_string()));
            continue;
        }
        let mut cur = String::new();
        let mut prev_len = 0;
        for line in block {
            if cur.is_empty() {
                cur.push_str(line);
            } else if prev_len >= 40 {
                cur.push(' ');
                cur.push_str(line);
            } else {
                out.push(std::mem::take(&mut cur));
                cur.push_str(line);
            }
            prev_len = line.chars().count();
        }
        out.push(cur);
    }
    out
}

enum Header {
    Date(Date),
    Title(String),
    Source(String),
    Author(String),
    Url(String),
}

/// Reads one metadata header at the start of a line. Returns the header, the text it consumed and
/// what is left of the line (the body may continue on the same line after a date).
fn header_line(line: &str) -> Option<(Header, String, String)> {
    if let Some(c) = KEY_VALUE.captures(line) {
        let key = c[1].to_lowercase();
        let value = c[2].trim();
        let consumed_all = (line.to_string(), String::new());
        let key0 = key.split_whitespace().next().unwrap_or("");
        match key0 {
            "date" | "dated" | "published" | "posted" | "updated" | "last" | "dateline" => {
                let (date, n) = parse_date_prefix(value)?;
                let rest = value[n..].trim_start_matches([' ', ',', '|', '-', '—', '–']).trim();
                let consumed = line[..line.len() - rest.len()].trim().to_string();
                return Some((Header::Date(date), consumed, rest.to_string()));
            }
            _ if value.is_empty() => return None,
            "title" | "headline" => {
                return Some((Header::Title(value.into()), consumed_all.0, consumed_all.1))
            }
            "source" | "outlet" | "publisher" | "publication" => {
                return Some((Header::Source(value.into()), consumed_all.0, consumed_all.1))
            }
            "author" | "authors" | "byline" => {
                let v = value.strip_prefix("By ").unwrap_or(value);
                return Some((Header::Author(v.into()), consumed_all.0, consumed_all.1));
            }
            "url" | "link" if value.starts_with("http") => {
                return Some((Header::Url(value.into()), consumed_all.0, consumed_all.1))
            }
            _ => return None,
        }
    }
    if let Some(m) = DATE_KEY_NO_COLON.find(line) {
        let value = &line[m.end()..];
        let (date, n) = parse_date_prefix(value)?;
        let rest = value[n..].trim_start_matches([' ', ',', '|', '-', '—', '–']).trim();
        let consumed = line[..line.len() - rest.len()].trim().to_string();
        return Some((Header::Date(date), consumed, rest.to_string()));
    }
    if let Some((date, n)) = parse_date_prefix(line) {
        if line[n..].trim().is_empty() {
            return Some((Header::Date(date), line.to_string(), String::new()));
        }
    }
    if let Some(c) = BYLINE.captures(line) {
        if let Some(names) =
            byline_names(&c[1]).or_else(|| byline_names(without_trailing_date(&c[1])))
        {
            return Some((Header::Author(names), line.to_string(), String::new()));
        }
    }
    None
}

/// A first line that reads as a title: headline-shaped and followed by more text.
fn is_title_line(lines: &[String]) -> bool {
    lines.len() >= 2 && is_headline_like(&lines[0]) && !EDITOR_NOTE.is_match(&lines[0])
}

/// Finds `title` in `line` (case-, quote- and whitespace-insensitive) and returns the text glued
/// to it (after it, or before it when nothing follows). Linear in the line and the title: both are
/// normalised once and searched with `str::find` (two-way search, no backtracking).
fn strip_title(line: &str, title: &str) -> Option<String> {
    let needle: String =
        title.chars().filter(|c| !c.is_whitespace()).flat_map(char_marks_unified).collect();
    if needle.is_empty() {
        return None;
    }
    // The line's non-space chars, normalised, and for each: (byte in `hay`, byte in `line`).
    let mut hay = String::with_capacity(line.len());
    let mut at: Vec<(usize, usize)> = Vec::new();
    for (i, c) in line.char_indices() {
        if !c.is_whitespace() {
            for n in char_marks_unified(c) {
                at.push((hay.len(), i));
                hay.push(n);
            }
        }
    }
    let found = hay.find(&needle)?;
    let start = at.binary_search_by_key(&found, |p| p.0).ok()?;
    let begin = at[start].1;
    let end = at.get(start + needle.chars().count()).map_or(line.len(), |p| p.1);
    // Do not cut inside a multi-char lowercase expansion: `end` is the next non-space char's byte.
    let after = line[end..].trim();
    let before = line[..begin].trim();
    if !after.is_empty() {
        Some(after.to_string())
    } else if !before.is_empty() {
        Some(before.to_string())
    } else {
        None
    }
}

/// Splits text glued after a title ("The Daily CourierMaria Lopez") into outlet and author at
/// lowercase→uppercase steps with no space between them.
fn split_glued(rest: &str) -> Option<(Option<String>, Option<String>)> {
    if word_count(rest) > 12 || rest.chars().any(|c| matches!(c, '!' | '?' | ';')) {
        return None;
    }
    let chars: Vec<(usize, char)> = rest.char_indices().collect();
    let boundaries: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i - 1].1.is_lowercase() && chars[i].1.is_uppercase())
        .map(|i| chars[i].0)
        .collect();
    for &b in &boundaries {
        let (outlet, author) = (rest[..b].trim(), rest[b..].trim());
        if is_person_name(author) {
            let outlet = (!outlet.is_empty()).then(|| outlet.to_string());
            return Some((outlet, Some(author.to_string())));
        }
    }
    if boundaries.is_empty() && is_person_name(rest) {
        return Some((None, Some(rest.to_string())));
    }
    if is_outlet_like(rest) || (!boundaries.is_empty() && word_count(rest) <= 8) {
        return Some((Some(rest.to_string()), None));
    }
    None
}

/// Splits a sentence-final period from abbreviations and initials.
fn first_sentence(p: &str) -> &str {
    let bytes: Vec<(usize, char)> = p.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let next = bytes.get(k + 1).map(|x| x.1);
        let after = bytes.get(k + 2).map(|x| x.1);
        let ends = match next {
            None => true,
            Some(n) if n.is_whitespace() => {
                after.is_none_or(|a| a.is_uppercase() || matches!(a, '"' | '“' | '‘' | '\''))
            }
            _ => false,
        };
        if !ends {
            continue;
        }
        if c == '.' {
            let word = p[..i].rsplit(|ch: char| ch.is_whitespace()).next().unwrap_or("");
            let w = word.trim_start_matches(['(', '"', '“']).to_lowercase();
            if w.chars().count() == 1 || ABBREVIATIONS.contains(&w.as_str()) {
                continue;
            }
        }
        return &p[..i + c.len_utf8()];
    }
    p
}

/// A title made from the lead: the first sentence, cut at 12 words on a word boundary with "…".
pub fn synthesise_title(lead: &str) -> Option<String> {
    let s = first_sentence(lead).trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    if words.len() > 12 {
        let cut = words[..12].join(" ");
        let cut = cut.trim_end_matches([',', ';', ':', '-', '—', '–', ' ']);
        Some(format!("{cut}…"))
    } else {
        Some(s.trim_end_matches('.').to_string())
    }
}

struct Cleaner {
    lines: Vec<String>,
    out: Cleaned,
}

impl Cleaner {
    fn remove(&mut self, kind: RemovedKind, text: impl Into<String>) {
        self.out.removed.push(Removed { kind, text: text.into() });
    }

    fn apply_header(&mut self, h: Header) {
        let o = &mut self.out;
        match h {
            Header::Date(d) => {
                if o.published.is_none() {
                    o.published = Some(d);
                    o.published_origin = Some(DateOrigin::Header);
                }
            }
            Header::Title(t) => {
                if o.title.is_none() {
                    o.title = Some(t);
                    o.title_origin = TitleOrigin::Detected;
                }
            }
            Header::Source(s) => {
                o.source.get_or_insert(s);
            }
            Header::Author(a) => {
                o.author.get_or_insert(a);
            }
            Header::Url(u) => {
                o.url.get_or_insert(u);
            }
        }
    }

    /// Metadata headers and the title at the top.
    fn top(&mut self) {
        let mut title_tried = false;
        let mut steps = 0;
        while !self.lines.is_empty() && steps < 12 {
            steps += 1;
            if let Some((h, consumed, rest)) = header_line(&self.lines[0]) {
                self.remove(RemovedKind::Header, consumed);
                self.apply_header(h);
                if rest.is_empty() {
                    self.lines.remove(0);
                } else {
                    self.lines[0] = rest;
                }
                continue;
            }
            if !title_tried && self.out.title.is_none() && is_title_line(&self.lines) {
                self.out.title = Some(self.lines.remove(0));
                self.out.title_origin = TitleOrigin::Detected;
            }
            if title_tried {
                break;
            }
            title_tried = true;
        }
    }

    fn title_norm(&self) -> Option<String> {
        self.out.title.as_deref().map(marks_unified).filter(|t| !t.is_empty())
    }

    fn repeated_titles(&mut self) {
        let Some(t) = self.title_norm() else { return };
        // A record whose whole text is its headline (a one-sentence or title-only item) is an
        // article of one sentence, not an empty page: the sentence stays its text.
        if self.lines.iter().all(|l| marks_unified(l) == t) {
            self.lines.truncate(1);
            return;
        }
        let mut kept = Vec::with_capacity(self.lines.len());
        for l in std::mem::take(&mut self.lines) {
            if marks_unified(&l) == t {
                self.remove(RemovedKind::RepeatedTitle, l);
            } else {
                kept.push(l);
            }
        }
        self.lines = kept;
    }

    /// Trailers, bylines, outlet lines and teasers at the end; repeated until nothing changes.
    fn tail(&mut self) {
        for _ in 0..12 {
            let n = self.lines.len();
            if n < 2 {
                return;
            }
            let last = self.lines[n - 1].clone();
            if self.title_norm().is_some_and(|t| t == marks_unified(&last)) {
                self.lines.pop();
                self.remove(RemovedKind::RepeatedTitle, last);
                continue;
            }
            if let Some(rest) = self.out.title.as_deref().and_then(|t| strip_title(&last, t)) {
                if let Some((outlet, author)) = split_glued(&rest) {
                    self.lines.pop();
                    self.remove(RemovedKind::Trailer, last);
                    if let Some(o) = outlet {
                        self.out.source.get_or_insert(o);
                    }
                    if let Some(a) = author {
                        self.out.author.get_or_insert(a);
                    }
                    continue;
                }
            }
            if let Some(names) = BYLINE.captures(&last).and_then(|c| byline_names(&c[1])) {
                self.lines.pop();
                self.remove(RemovedKind::Byline, last);
                self.out.author.get_or_insert(names);
                continue;
            }
            let prev = &self.lines[n - 2];
            let is_known_source = self
                .out
                .source
                .as_deref()
                .is_some_and(|s| marks_unified(s) == marks_unified(&last));
            if is_known_source
                || (self.out.source.is_none()
                    && word_count(&last) <= 5
                    && is_outlet_like(&last)
                    && (ends_properly(prev) || BYLINE.is_match(prev)))
            {
                self.lines.pop();
                self.remove(RemovedKind::Trailer, last.clone());
                self.out.source.get_or_insert(last);
                continue;
            }
            if self.teaser() {
                continue;
            }
            return;
        }
    }

    /// A headline-like line (optionally followed by editor's-note lines) and a paragraph cut off
    /// without final punctuation, at the very end, after a body.
    fn teaser(&mut self) -> bool {
        let n = self.lines.len();
        if n < 3 || ends_properly(&self.lines[n - 1]) || word_count(&self.lines[n - 1]) < 3 {
            return false;
        }
        let mut j = n - 2;
        while j > 1 && EDITOR_NOTE.is_match(&self.lines[j]) {
            j -= 1;
        }
        if !is_headline_like(&self.lines[j]) || EDITOR_NOTE.is_match(&self.lines[j]) {
            return false;
        }
        let teaser: Vec<String> = self.lines.drain(j..).collect();
        self.remove(RemovedKind::Teaser, teaser.join("\n"));
        true
    }

    /// Site notices (newsletter prompts, login walls, widget help, crawl descriptions): see
    /// [`crate::notices`].
    fn site_notices(&mut self) {
        let (rest, removed) = crate::notices::strip(&self.lines.join("\n\n"));
        if removed.is_empty() {
            return;
        }
        for r in removed {
            self.remove(RemovedKind::SiteNotice, r);
        }
        self.lines = rest.split("\n\n").map(str::to_string).filter(|l| !l.is_empty()).collect();
    }

    /// Editor's notes: the whole line, or only the note's sentence when a long body follows it.
    fn editors_notes(&mut self) {
        let mut kept = Vec::with_capacity(self.lines.len());
        for l in std::mem::take(&mut self.lines) {
            if let Some(m) = EDITOR_NOTE.find(&l) {
                let note_body = &l[m.end()..];
                let first = first_sentence(note_body);
                let rest = note_body[first.len()..].trim();
                if word_count(rest) > 30 {
                    self.remove(RemovedKind::EditorsNote, l[..m.end() + first.len()].trim());
                    kept.push(rest.to_string());
                } else {
                    self.remove(RemovedKind::EditorsNote, l);
                }
            } else {
                kept.push(l);
            }
        }
        self.lines = kept;
    }
}

/// Cleans scraped plain text and recovers its metadata; `known` values take precedence.
pub fn clean(raw: &str, known: &Known) -> Cleaned {
    let mut c = Cleaner { lines: paragraphs(raw), out: Cleaned::default() };
    if let Some(t) = known.title.clone().filter(|t| !t.trim().is_empty()) {
        c.out.title = Some(t);
        c.out.title_origin = TitleOrigin::Given;
    }
    c.out.source = known.source.clone();
    c.out.author = known.author.clone();
    c.out.published = known.published;
    if known.published.is_some() {
        c.out.published_origin = Some(DateOrigin::Record);
    }
    c.top();
    c.repeated_titles();
    c.tail();
    c.editors_notes();
    c.site_notices();
    c.out.text = c.lines.join("\n\n");
    if c.out.title.is_none() {
        if let Some(t) = c.lines.first().and_then(|l| synthesise_title(l)) {
            c.out.title = Some(t);
            c.out.title_origin = TitleOrigin::Synthesised;
        }
    }
    c.out
}
