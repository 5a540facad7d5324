//! Human-readable views of stories, articles and search results for the terminal (`--json`
//! prints the contract's JSON instead).

use std::collections::BTreeMap;
use std::fmt::Write;

use storyline_model::{offsets, ArticleId, ConflictKind, StoryReport, StorySummary, UNATTRIBUTED};
use storyline_search::{Hit, SearchPage};
use storyline_store::StoredArticle;

/// `storyline stories`: one row per story.
pub fn stories_table(stories: &[StorySummary]) -> String {
    let mut out = String::new();
    if stories.is_empty() {
        out.push_str("No stories yet: `storyline ingest <dir>` or `storyline demo`.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<16}  {:<10}  {:>8}  {:>7}  HEADLINE",
        "ID", "DATE", "ARTICLES", "SOURCES"
    );
    for s in stories {
        let date = s.date.map(|d| d.to_string()).unwrap_or_else(|| "undated".into());
        let _ = writeln!(
            out,
            "{:<16}  {:<10}  {:>8}  {:>7}  {}",
            s.id,
            date,
            s.articles,
            s.sources,
            clip(&s.headline, 90)
        );
    }
    out
}

/// Cleaned text of each article, by id: what evidence spans point into.
pub type Texts = BTreeMap<ArticleId, String>;

use storyline_compare::shown;

/// `storyline story ID`: the report, section by section, conflicts first. Agreed facts show each
/// outlet's own sentence, so a reader sees how differently the same fact was put.
pub fn story(r: &StoryReport, texts: &Texts) -> String {
    let mut out = String::new();
    let date = r.date.map(|d| d.to_string()).unwrap_or_else(|| "undated".into());
    let _ = writeln!(out, "STORY {}  ({date})", r.id);
    let _ = writeln!(out, "{}", r.headline);
    let view = StoryView {
        r,
        texts,
        // Short labels [1], [2] … for articles, used by every section.
        label: r.articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i + 1)).collect(),
    };
    view.sources(&mut out);
    view.summary(&mut out);
    view.conflicts(&mut out);
    view.agreed(&mut out);
    view.unique(&mut out);
    view.timeline(&mut out);
    view.outlets(&mut out);
    view.quotes(&mut out);
    view.entities(&mut out);
    out
}

/// A story report being written for the terminal, with its articles' labels.
struct StoryView<'a> {
    r: &'a StoryReport,
    texts: &'a Texts,
    label: BTreeMap<&'a str, usize>,
}

impl StoryView<'_> {
    /// The labels of `ids`, as `[1][3]`.
    fn cite(&self, ids: &[ArticleId]) -> String {
        ids.iter().filter_map(|id| self.label.get(id.as_str())).map(|n| format!("[{n}]")).collect()
    }

    /// Each article: outlet, date (or the inferred one), title, copy link.
    fn sources(&self, out: &mut String) {
        let r = self.r;
        section(out, "SOURCES");
        for (i, a) in r.articles.iter().enumerate() {
            let date = match (a.published, &a.inferred_published) {
                (Some(d), _) => d.to_string(),
                (None, Some(inf)) => format!("undated, about {} ({})", inf.date, inf.reason),
                (None, None) => "undated".into(),
            };
            let copy = match &a.duplicate_of {
                Some(orig) => format!("  (copy of {})", self.cite(std::slice::from_ref(orig))),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "[{}] {} · {} · {}{copy}",
                i + 1,
                a.source.as_deref().unwrap_or(UNATTRIBUTED),
                date,
                clip(a.title.as_deref().unwrap_or("(untitled)"), 80),
            );
        }
    }

    /// The cited extractive summary.
    fn summary(&self, out: &mut String) {
        let r = self.r;
        if !r.summary.is_empty() {
            section(out, "SUMMARY");
            for s in &r.summary {
                let _ = writeln!(out, "- {} {}", s.text, self.cite(&s.sources));
            }
        }
    }

    /// Each conflict with every side's value and sentence.
    fn conflicts(&self, out: &mut String) {
        let r = self.r;
        let c = &r.comparison;
        if !c.conflicts.is_empty() {
            section(out, "CONFLICTS");
            for conflict in c.conflicts.iter().take(shown::CONFLICTS) {
                let kind = match conflict.kind {
                    ConflictKind::Unspecified => "conflict",
                    kind => kind.as_str(),
                };
                let _ = writeln!(out, "! [{kind}] {}", conflict.about);
                for claim in &conflict.claims {
                    let sentence = self
                        .texts
                        .get(&claim.article)
                        .map(|t| offsets::slice(t, claim.evidence.start, claim.evidence.end))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "    {} {}: {}",
                        self.cite(std::slice::from_ref(&claim.article)),
                        claim.value,
                        clip(sentence, 140)
                    );
                }
            }
            if c.conflicts.len() > shown::CONFLICTS {
                let _ = writeln!(
                    out,
                    "… {} more conflicts, less sure or carried by fewer outlets (--json lists them all)",
                    c.conflicts.len() - shown::CONFLICTS
                );
            }
        }
    }

    /// Facts two or more outlets state, with each outlet's own wording.
    fn agreed(&self, out: &mut String) {
        let r = self.r;
        let c = &r.comparison;
        section(out, "AGREED (two or more outlets)");
        if c.agreed.is_empty() {
            out.push_str("(none found)\n");
        }
        for f in c.agreed.iter().take(shown::AGREED) {
            let _ = writeln!(out, "= {} {}", clip(&f.fact, 160), self.cite(&f.articles));
            let mut lines = 0;
            for ev in &f.evidence {
                let Some(text) = self.texts.get(&ev.article) else { continue };
                let sentence = offsets::slice(text, ev.start, ev.end);
                if sentence.trim() == f.fact.trim() {
                    continue;
                }
                lines += 1;
                if lines <= shown::EVIDENCE {
                    let _ = writeln!(
                        out,
                        "    {} {}",
                        self.cite(std::slice::from_ref(&ev.article)),
                        clip(sentence, 150)
                    );
                }
            }
            if lines > shown::EVIDENCE {
                let more = lines - shown::EVIDENCE;
                let what = if more == 1 { "outlet's sentence" } else { "outlets' sentences" };
                let _ = writeln!(out, "    … and {more} more {what}");
            }
        }
        if c.agreed.len() > shown::AGREED {
            let _ = writeln!(
                out,
                "… {} more agreed facts, carried by fewer outlets (--json lists them all)",
                c.agreed.len() - shown::AGREED
            );
        }
    }

    /// Facts one outlet alone carries, the first few per article.
    fn unique(&self, out: &mut String) {
        let r = self.r;
        let c = &r.comparison;
        section(out, "ONLY ONE OUTLET");
        if c.unique.is_empty() {
            out.push_str("(none found)\n");
        }
        // Per article, its first facts (the report ranks them), then how many more it has.
        let mut shown: BTreeMap<&ArticleId, usize> = BTreeMap::new();
        for f in &c.unique {
            let n = shown.entry(&f.article).or_default();
            *n += 1;
            if *n <= shown::UNIQUE {
                let _ = writeln!(
                    out,
                    "+ {} {}",
                    clip(&f.fact, 160),
                    self.cite(std::slice::from_ref(&f.article))
                );
            }
        }
        for (article, n) in &shown {
            if *n > shown::UNIQUE {
                let _ = writeln!(
                    out,
                    "  … {} more from {} (--json lists them all)",
                    n - shown::UNIQUE,
                    self.cite(std::slice::from_ref(*article))
                );
            }
        }
    }

    /// Dated events in order.
    fn timeline(&self, out: &mut String) {
        let r = self.r;
        if !r.timeline.is_empty() {
            section(out, "TIMELINE");
            for t in &r.timeline {
                let when = if t.future { "(announced) " } else { "" };
                let _ = writeln!(
                    out,
                    "{:<16} {when}{} {}",
                    t.date.to_string(),
                    clip(&t.text, 120),
                    self.cite(&t.articles)
                );
            }
        }
    }

    /// What each outlet covered and left out.
    fn outlets(&self, out: &mut String) {
        let r = self.r;
        let c = &r.comparison;
        if !r.outlets.is_empty() {
            section(out, "OUTLETS");
            for o in &r.outlets {
                let _ = writeln!(
                    out,
                    "{} {}: carries {} of {} shared facts, {} of its own, in {} conflict(s)",
                    o.outlet,
                    self.cite(&o.articles),
                    o.agreed.len(),
                    c.agreed.len(),
                    o.unique,
                    o.conflicts.len()
                );
                for &m in o.missing.iter().take(3) {
                    if let Some(f) = c.agreed.get(m) {
                        let _ = writeln!(
                            out,
                            "    leaves out: {} {}",
                            clip(&f.fact, 120),
                            self.cite(&f.articles)
                        );
                    }
                }
            }
        }
    }

    /// Quotations by speaker.
    fn quotes(&self, out: &mut String) {
        let r = self.r;
        if !r.quotes.is_empty() {
            section(out, "QUOTES");
            for q in &r.quotes {
                let _ = writeln!(
                    out,
                    "{}: “{}” {}",
                    q.speaker,
                    clip(&q.text, 140),
                    self.cite(&q.articles)
                );
            }
        }
    }

    /// The story's main names with their aliases.
    fn entities(&self, out: &mut String) {
        let r = self.r;
        if !r.entities.is_empty() {
            section(out, "ENTITIES");
            for e in r.entities.iter().take(15) {
                let aliases: Vec<&str> =
                    e.aliases.iter().map(String::as_str).filter(|a| *a != e.canonical).collect();
                let aka = if aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also: {})", aliases.join(", "))
                };
                let _ = writeln!(
                    out,
                    "{:<4} {}{aka} {}",
                    e.kind.as_str(),
                    e.canonical,
                    self.cite(&e.articles)
                );
            }
        }
    }
}

/// `storyline article ID`: metadata, then the cleaned text.
pub fn article(s: &StoredArticle) -> String {
    let a = &s.article;
    let mut out = String::new();
    let field = |out: &mut String, name: &str, value: Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(out, "{name:<10} {v}");
        }
    };
    field(&mut out, "id", Some(a.id.to_string()));
    field(&mut out, "title", a.title.clone());
    field(&mut out, "source", a.source.clone());
    field(&mut out, "author", a.author.clone());
    field(&mut out, "published", a.published.map(|d| d.to_string()));
    field(&mut out, "language", a.language.clone());
    field(&mut out, "input", a.input_id.clone());
    field(&mut out, "story", s.grouping.story.as_ref().map(ToString::to_string));
    field(&mut out, "copy of", s.grouping.duplicate_of.as_ref().map(ToString::to_string));
    let _ = writeln!(
        out,
        "{:<10} {} sentences, {} entities, {} dates, {} quotes, {} events",
        "analysis",
        a.analysis.sentences.len(),
        a.analysis.entities.len(),
        a.analysis.times.len(),
        a.analysis.quotes.len(),
        a.analysis.events.len()
    );
    for r in &a.removed {
        let _ = writeln!(out, "{:<10} {}: {}", "removed", r.kind, clip(&r.text, 100));
    }
    out.push('\n');
    out.push_str(&a.text);
    out.push('\n');
    out
}

/// `storyline search`: the hits under their stories (stories in the order of their best hit),
/// each with its passage, the matched words in `[brackets]`; then the facets.
pub fn search_results(page: &SearchPage) -> String {
    let mut out = String::new();
    if page.hits.is_empty() {
        let _ = writeln!(out, "No article matches {:?} ({} in all).", page.query, page.total);
        return out;
    }
    let (first, last) = (page.offset + 1, page.offset + page.hits.len());
    let _ = writeln!(out, "Articles {first}–{last} of {} matching {:?}", page.total, page.query);
    if page.pending > 0 {
        let _ = writeln!(out, "({} newest articles are not searchable yet)", page.pending);
    }
    let mut rank = page.offset;
    for story in &page.stories {
        let date = story.date.map_or_else(|| "undated".into(), |d| d.to_string());
        let _ = writeln!(
            out,
            "\n{}  ({date}, {} outlets, story {})",
            clip(&terminal_safe(&story.headline), 90),
            story.sources,
            story.id
        );
        for hit in page.hits.iter().filter(|h| h.story.as_ref() == Some(&story.id)) {
            rank += 1;
            search_hit(&mut out, rank, hit);
        }
    }
    let orphans: Vec<&Hit> = page.hits.iter().filter(|h| h.story.is_none()).collect();
    if !orphans.is_empty() {
        out.push_str("\nIn no story\n");
        for hit in orphans {
            rank += 1;
            search_hit(&mut out, rank, hit);
        }
    }
    section(&mut out, "Narrow with");
    for (name, values) in [
        ("outlets", &page.facets.outlets),
        ("days", &page.facets.days),
        ("names", &page.facets.entities),
    ] {
        let listed: Vec<String> =
            values.iter().map(|f| format!("{} {}", terminal_safe(&f.value), f.count)).collect();
        let _ = writeln!(out, "  {name}: {}", listed.join(", "));
    }
    out
}

fn search_hit(out: &mut String, rank: usize, hit: &Hit) {
    let title = terminal_safe(hit.title.as_deref().unwrap_or("(untitled)"));
    let date = hit.published.map_or_else(|| "undated".into(), |d| d.to_string());
    let _ = writeln!(out, "  {rank:>3}. {}", clip(&title, 100));
    let _ = writeln!(out, "       {} · {date} · {}", terminal_safe(&hit.outlet), hit.id);
    let mut marked = String::new();
    for (text, hit) in hit.snippet.parts() {
        if hit {
            let _ = write!(marked, "[{text}]");
        } else {
            marked.push_str(&text);
        }
    }
    let _ = writeln!(out, "       {}", clip(&terminal_safe(&marked), 400));
}

fn section(out: &mut String, title: &str) {
    let _ = write!(out, "\n{title}\n");
}

/// Shortens `s` to at most `max` characters on one line.
fn clip(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!("{}…", offsets::slice(&one_line, 0, max - 1).trim_end())
    }
}

/// `s` made safe to print on a terminal: control characters (C0 but newline and tab, DEL, C1) and
/// bidirectional controls (overrides, embeddings, isolates and marks) are dropped, so an escape
/// sequence in a title, an outlet, a file name or a reason cannot set the window title, clear the
/// screen, plant a hyperlink or reorder what is shown; what followed the ESC stays visible as text.
/// Everything the CLI writes for a person goes through this (stdout views and stderr lines).
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_unsafe_for_terminal) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_unsafe_for_terminal(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// JSON text made terminal-safe without changing its value: serde already escapes C0 controls,
/// so the characters [`terminal_safe`] drops can only stand inside strings here, and each is
/// written as its `\uXXXX` escape instead.
pub fn json_safe(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.chars().any(is_unsafe_for_terminal) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe_for_terminal(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A writer that passes JSON text on as [`json_safe`] would rewrite it, as it is written: for a
/// document serialised straight to the output, never held whole (an article's JSON can be
/// hundreds of MB). A character split across two writes is held back until it is whole.
pub struct JsonSafeWriter<W: std::io::Write> {
    out: W,
    /// The start of a character whose other bytes have not been written yet.
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonSafeWriter<W> {
    pub fn new(out: W) -> Self {
        JsonSafeWriter { out, pending: Vec::new() }
    }

    /// The inner writer, once every character written is whole (an error otherwise).
    pub fn into_inner(self) -> std::io::Result<W> {
        if self.pending.is_empty() {
            Ok(self.out)
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "JSON ends inside a character",
            ))
        }
    }

    /// Writes whole, valid UTF-8 text, each unsafe character as its escape.
    fn write_text(&mut self, text: &str) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if is_unsafe_for_terminal(c) {
                self.out.write_all(&text.as_bytes()[start..i])?;
                write!(self.out, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        self.out.write_all(&text.as_bytes()[start..])
    }
}

impl<W: std::io::Write> std::io::Write for JsonSafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let bytes = if self.pending.is_empty() {
            buf
        } else {
            self.pending.extend_from_slice(buf);
            joined = std::mem::take(&mut self.pending);
            &joined[..]
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => self.write_text(text)?,
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // Checked by `from_utf8` up to `valid_up_to`.
                self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                match e.error_len() {
                    // A character cut at the end: wait for the rest of it.
                    None => self.pending = rest.to_vec(),
                    // Not UTF-8 (serde_json writes only UTF-8): passed on unchanged.
                    Some(_) => self.out.write_all(rest)?,
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Whether `c` steers a terminal instead of showing: see [`terminal_safe`].
fn is_unsafe_for_terminal(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        _ if c.is_control() => true,
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    /// OSC (window title, hyperlink), CSI (clear screen), C1 CSI, carriage return and bidi
    /// overrides are dropped; newlines, tabs and ordinary non-ASCII text stay.
    #[test]
    fn control_characters_are_stripped() {
        let hostile = "\u{1b}]0;pwned\u{7}Ferry\u{1b}[2J\u{1b}[H closes\r\u{9b}31m \
                       \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ \u{202e}txt.exe\u{202c}";
        assert_eq!(
            terminal_safe(hostile),
            "]0;pwnedFerry[2J[H closes31m ]8;;https://evil.example\\link]8;;\\ txt.exe"
        );
        let fine = "Zürich — 東京\tcafé «quote»\n";
        assert!(matches!(terminal_safe(fine), std::borrow::Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\u{7f}b\u{0}c\u{85}d"), "abcd");
    }

    /// JSON keeps its value: what would steer a terminal is escaped, not dropped.
    #[test]
    fn json_is_escaped_not_changed() {
        let v = serde_json::json!({"title": "a\u{1b}]0;x\u{7}b\u{9b}c\u{202e}d\u{7f}é\n"});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let safe = super::json_safe(&text);
        assert!(!safe.chars().any(super::is_unsafe_for_terminal));
        assert!(safe.contains("\\u009b") && safe.contains("\\u202e") && safe.contains("\\u007f"));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
    }

    /// The streaming writer writes what `json_safe` gives for the whole text, however the text
    /// is cut into writes (here: in two at every byte, inside characters too).
    #[test]
    fn json_safe_writer_matches_json_safe() {
        use std::io::Write;
        let v =
            serde_json::json!({"t": "Zürich\u{1b}[2J — 東京\u{202e}txt\u{85}😀 «q»", "n": [1, 2]});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let expected = super::json_safe(&text).into_owned();
        assert_ne!(expected, text);
        for cut in 0..=text.len() {
            let mut w = super::JsonSafeWriter::new(Vec::new());
            w.write_all(&text.as_bytes()[..cut]).unwrap();
            w.write_all(&text.as_bytes()[cut..]).unwrap();
            let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
            assert_eq!(out, expected, "cut at byte {cut}");
        }
        // Serialised straight into it: the same text.
        let mut w = super::JsonSafeWriter::new(Vec::new());
        serde_json::to_writer_pretty(&mut w, &v).unwrap();
        assert_eq!(String::from_utf8(w.into_inner().unwrap()).unwrap(), expected);
        // A text cut inside its last character is not whole.
        let mut w = super::JsonSafeWriter::new(Vec::new());
        w.write_all(&"é".as_bytes()[..1]).unwrap();
        assert!(w.into_inner().is_err());
    }
}

#[cfg(test)]
mod reading_limits {
    use super::{story, Texts};
    use storyline_compare::shown;
    use storyline_model::{AgreedFact, ArticleRef, Comparison, Evidence, StoryReport};

    /// A story of many outlets agreeing on many facts: the terminal report shows the first
    /// facts, a few outlets' sentences under each, and says how much more the JSON holds.
    #[test]
    fn a_large_story_report_stays_readable() {
        let outlets = 9;
        let ids: Vec<String> = (0..outlets).map(|i| format!("art{i}")).collect();
        let texts: Texts = ids
            .iter()
            .map(|id| {
                (id.as_str().into(), format!("The river ferry of {id} was late again today."))
            })
            .collect();
        let agreed: Vec<AgreedFact> = (0..shown::AGREED + 7)
            .map(|k| AgreedFact {
                fact: format!("Fact number {k} that every outlet carries."),
                articles: ids.iter().map(|id| id.as_str().into()).collect(),
                evidence: ids
                    .iter()
                    .map(|id| Evidence { article: id.as_str().into(), start: 0, end: 20 })
                    .collect(),
            })
            .collect();
        let report = StoryReport {
            id: "story1".into(),
            headline: "Ferries late again".into(),
            articles: ids
                .iter()
                .map(|id| ArticleRef {
                    id: id.as_str().into(),
                    source: Some(format!("Outlet {id}")),
                    ..Default::default()
                })
                .collect(),
            comparison: Comparison { agreed, ..Default::default() },
            ..Default::default()
        };
        let out = story(&report, &texts);
        let facts = out.lines().filter(|l| l.starts_with("= ")).count();
        assert_eq!(facts, shown::AGREED, "{out}");
        assert!(out.contains("… 7 more agreed facts"), "{out}");
        let more = outlets - shown::EVIDENCE;
        assert!(out.contains(&format!("… and {more} more outlets' sentences")), "{out}");
        assert!(!out.contains("Fact number 20 "), "{out}");
    }
}
