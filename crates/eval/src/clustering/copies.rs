//! Near-duplicate linking precision and recall on copies made at run time from Reuters-21578
//! (`reut2-*.sgm`: SGML `<REUTERS>` records with `<DATE>`, `<TITLE>`, `<BODY>`).
//!
//! Every story with a body of at least [`MIN_WORDS`] words (exact-duplicate bodies kept once)
//! is an original. Every [`EVERY`]-th original gets two edited copies, made with a fixed
//! pseudo-random generator:
//!
//! * **reworded**: another headline (its words shuffled, one dropped, an outlet tag added), the
//!   trailer trimmed (the last 10–25 % of the body's sentences, at least one), ~3 % of the words
//!   replaced or dropped;
//! * **boilerplate**: a syndication header and a copyright / subscription footer inserted, ~3 % of
//!   the words edited.
//!
//! The originals must be true non-copies of each other, and Reuters itself holds re-sends,
//! corrections and updates that repeat most of an earlier story under the same headline. So,
//! with an *exact* measure independent of the product's MinHash estimate, an original whose word
//! 5-shingles are at least [`RESEND_SHARE`] contained in an earlier kept original (or contain
//! that much of it) is set aside as a re-send ([`resends_set_aside`]): the pool keeps only stories
//! that share less than half of their text with any other. The strict figure over *all* originals
//! is printed too.
//!
//! Everything is fed by date (a copy right after its original, the second copy a day later) to
//! one grouper. A predicted link (`duplicate_of`) is correct when both articles come from the same
//! original; precision counts every predicted link, recall every made copy. The links between
//! different originals are listed.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use storyline_model::{Article, ArticleId, Date};

use crate::util::{self, unescape};
use crate::{EvalError, Metric, Row, Scores};

/// Minimum body length (words) of an original.
pub const MIN_WORDS: usize = 60;
/// One original in this many gets copies.
pub const EVERY: usize = 4;
/// Share of its word 5-shingles (of the shorter body) that makes an original a re-send of another.
pub const RESEND_SHARE: f64 = 0.5;

/// Exact word 5-shingle hashes of a body (normalised as the product does, hashed with std's
/// SipHash so that the gold does not share the product's hash functions).
fn exact_shingles(body: &str) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let norm = storyline_text::normalise::for_copies(body);
    let words: Vec<&str> = storyline_text::normalise::copy_words(&norm).collect();
    let mut out: Vec<u64> = words
        .windows(5)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Indexes (into `bodies`, in order) of the bodies that repeat at least [`RESEND_SHARE`] of an
/// earlier kept body, counted exactly over shared 5-shingles relative to the shorter body.
pub fn resends_set_aside(bodies: &[&str]) -> HashSet<usize> {
    let mut postings: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    let mut sizes: Vec<usize> = Vec::with_capacity(bodies.len());
    let mut aside = HashSet::new();
    for (i, body) in bodies.iter().enumerate() {
        let shingles = exact_shingles(body);
        sizes.push(shingles.len());
        let mut shared: std::collections::HashMap<usize, usize> = Default::default();
        for s in &shingles {
            if let Some(docs) = postings.get(s) {
                for &d in docs {
                    *shared.entry(d).or_default() += 1;
                }
            }
        }
        let resend = shared.iter().any(|(&d, &n)| {
            let shorter = sizes[d].min(shingles.len()).max(1);
            n as f64 / shorter as f64 >= RESEND_SHARE
        });
        if resend {
            aside.insert(i);
        } else {
            for s in shingles {
                postings.entry(s).or_default().push(i);
            }
        }
    }
    aside
}

/// One Reuters-21578 story.
#[derive(Debug, Clone, PartialEq)]
pub struct Wire {
    pub id: String,
    pub date: Option<Date>,
    pub title: String,
    pub body: String,
    pub topics: Vec<String>,
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let i = s.find(open)? + open.len();
    let j = s[i..].find(close)? + i;
    Some(&s[i..j])
}

/// `26-FEB-1987 15:01:01.79` → 1987-02-26.
pub fn reuters_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().split(['-', ' ']);
    let day: i8 = parts.next()?.trim().parse().ok()?;
    let month = parts.next()?;
    let m = storyline_text::calendar::month_number(month).filter(|_| month.len() == 3)? as i8;
    let year: i16 = parts.next()?.trim().parse().ok()?;
    Date::new(year, m, day).ok()
}

/// Parses the `<REUTERS>` records of one SGML file.
pub fn parse_reuters(sgml: &str) -> Vec<Wire> {
    let mut out = Vec::new();
    for rec in sgml.split("<REUTERS").skip(1) {
        let rec = rec.split("</REUTERS>").next().unwrap_or(rec);
        let id = between(rec, "NEWID=\"", "\"").unwrap_or("").to_string();
        let date = between(rec, "<DATE>", "</DATE>").and_then(reuters_date);
        let title = between(rec, "<TITLE>", "</TITLE>").map(unescape).unwrap_or_default();
        let body = between(rec, "<BODY>", "</BODY>").map(unescape).unwrap_or_default();
        let body = body.trim_end_matches(|c: char| c.is_whitespace() || c.is_control());
        let body =
            body.strip_suffix("Reuter").or_else(|| body.strip_suffix("REUTER")).unwrap_or(body);
        let topics = between(rec, "<TOPICS>", "</TOPICS>")
            .map(|t| {
                t.split("<D>")
                    .filter_map(|d| d.split("</D>").next())
                    .filter(|d| !d.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        out.push(Wire {
            id,
            date,
            title: title.trim().to_string(),
            body: body.trim().to_string(),
            topics,
        });
    }
    out
}

/// Reads every `*.sgm` file under `dir`, in file-name order.
pub fn read_reuters(dir: &Path) -> Result<Vec<Wire>, EvalError> {
    let files = util::files_under(dir, &|p| util::has_ext(p, "sgm"))?;
    let mut out = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).map_err(|e| EvalError::io(f, e))?;
        out.extend(parse_reuters(&String::from_utf8_lossy(&bytes)));
    }
    if out.is_empty() {
        return Err(EvalError::layout(
            dir,
            "expected Reuters-21578 `*.sgm` files with `<REUTERS>` records",
        ));
    }
    Ok(out)
}

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FILLERS: [&str; 8] =
    ["reportedly", "also", "now", "further", "indeed", "meanwhile", "still", "however"];

/// Replaces or drops about 3 % of the words.
fn minor_edits(text: &str, rng: &mut Lcg) -> String {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(' ') {
        match rng.below(66) {
            0 => {}
            1 => out.push(FILLERS[rng.below(FILLERS.len())].to_string()),
            _ => out.push(w.to_string()),
        }
    }
    out.join(" ")
}

fn sentences(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' && bytes.get(i + 1).is_some_and(|c| c.is_ascii_whitespace()) {
            out.push(&body[start..=i]);
            start = i + 1;
        }
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out
}

/// A reworded copy: new headline, trimmed trailer, minor edits.
fn reworded(w: &Wire, rng: &mut Lcg) -> (String, String) {
    let mut words: Vec<&str> = w.title.split_whitespace().collect();
    if words.len() > 2 {
        words.remove(rng.below(words.len()));
    }
    for i in (1..words.len()).rev() {
        words.swap(i, rng.below(i + 1));
    }
    let title = format!("UPDATE 1-{}", words.join(" "));
    let s = sentences(&w.body);
    let drop =
        ((s.len() as f64 * (0.10 + 0.15 * rng.below(100) as f64 / 100.0)).round() as usize).max(1);
    let keep = s.len().saturating_sub(drop).max(1);
    let body = minor_edits(&s[..keep].concat(), rng);
    (title, body)
}

/// A copy with syndication boilerplate inserted and minor edits.
fn with_boilerplate(w: &Wire, rng: &mut Lcg) -> (String, String) {
    let header = "Distributed by the Northgate Wire Syndicate for subscribers only. ";
    let footer =
        " (c) Northgate Wire Syndicate. All rights reserved. Republication or redistribution \
                  of this content is prohibited without prior written consent. Click here to \
                  subscribe to our morning markets newsletter.";
    let body = format!("{header}{}{footer}", minor_edits(&w.body, rng));
    (w.title.clone(), body)
}

/// How a copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyKind {
    Reworded,
    Boilerplate,
}

/// One item of the generated feed.
struct Item {
    family: usize,
    /// `None` for an original, else which edit made the copy.
    copy: Option<CopyKind>,
    title: String,
    body: String,
    date: Option<Date>,
}

fn article(i: usize, item: &Item) -> Article {
    let mut a = storyline_ingest::raw_article(&format!("item-{i}"), &item.body);
    a.id = format!("{i:06}").into();
    a.title = Some(item.title.clone());
    a.title_origin = storyline_model::TitleOrigin::Given;
    a.published = item.date;
    a
}

/// What one pass of the grouper over a pool of originals and their copies produced.
struct PoolScore {
    items: usize,
    copies: usize,
    predicted: usize,
    correct: usize,
    found: usize,
    found_reworded: usize,
    found_boilerplate: usize,
    /// Links between two different originals (or a copy linked to another original's family).
    wrong: Vec<String>,
    seconds: f64,
}

impl PoolScore {
    fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    fn recall(&self) -> f64 {
        ratio(self.found, self.copies)
    }
}

/// Makes the copies of every [`EVERY`]-th original, feeds everything by date to one grouper and
/// counts the links.
fn score_pool(originals: &[&Wire]) -> PoolScore {
    let mut rng = Lcg(0xC0_91E5);
    let mut items: Vec<Item> = Vec::new();
    let mut later: BTreeMap<Date, Vec<Item>> = BTreeMap::new();
    for (f, w) in originals.iter().enumerate() {
        // Copies of earlier originals due by now.
        while let Some(entry) = later.first_entry() {
            if w.date.is_some_and(|d| *entry.key() <= d) {
                items.extend(entry.remove());
            } else {
                break;
            }
        }
        items.push(Item {
            family: f,
            copy: None,
            title: w.title.clone(),
            body: w.body.clone(),
            date: w.date,
        });
        if f % EVERY == 0 {
            let (title, body) = reworded(w, &mut rng);
            items.push(Item {
                family: f,
                copy: Some(CopyKind::Reworded),
                title,
                body,
                date: w.date,
            });
            let (title, body) = with_boilerplate(w, &mut rng);
            let next = w.date.and_then(|d| d.tomorrow().ok());
            match next {
                Some(d) => later.entry(d).or_default().push(Item {
                    family: f,
                    copy: Some(CopyKind::Boilerplate),
                    title,
                    body,
                    date: Some(d),
                }),
                None => items.push(Item {
                    family: f,
                    copy: Some(CopyKind::Boilerplate),
                    title,
                    body,
                    date: None,
                }),
            }
        }
    }
    items.extend(later.into_values().flatten());

    let t0 = Instant::now();
    let mut grouper = storyline_group::Grouper::new();
    let mut family_of: BTreeMap<ArticleId, usize> = BTreeMap::new();
    let (mut predicted, mut correct) = (0usize, 0usize);
    let (mut found_reworded, mut found_boilerplate) = (0usize, 0usize);
    let mut wrong: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let a = article(i, item);
        let g = grouper.add(&a.id, storyline_group::features(&a));
        family_of.insert(a.id.clone(), item.family);
        let Some(orig) = &g.duplicate_of else { continue };
        predicted += 1;
        let other = family_of.get(orig).copied();
        if other == Some(item.family) {
            correct += 1;
            match item.copy {
                Some(CopyKind::Reworded) => found_reworded += 1,
                Some(CopyKind::Boilerplate) => found_boilerplate += 1,
                None => {}
            }
            continue;
        }
        let (other_id, other_title) =
            other.map_or(("?", ""), |o| (originals[o].id.as_str(), originals[o].title.as_str()));
        wrong.push(format!(
            "  {} of {} «{}» linked to {} «{}» (similarity {:.2})",
            if item.copy.is_some() { "copy" } else { "original" },
            originals[item.family].id,
            item.title,
            other_id,
            other_title,
            g.duplicate_similarity.unwrap_or(0.0)
        ));
    }
    PoolScore {
        items: items.len(),
        copies: items.iter().filter(|i| i.copy.is_some()).count(),
        predicted,
        correct,
        found: found_reworded + found_boilerplate,
        found_reworded,
        found_boilerplate,
        wrong,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

pub fn run(dir: &Path) -> Result<Scores, EvalError> {
    let wires = read_reuters(dir)?;
    let mut seen = HashSet::new();
    let mut all: Vec<&Wire> = wires
        .iter()
        .filter(|w| w.body.split_whitespace().count() >= MIN_WORDS)
        .filter(|w| seen.insert(storyline_text::normalise::for_copies(&w.body)))
        .collect();
    all.sort_by_key(|w| w.date);
    let bodies: Vec<&str> = all.iter().map(|w| w.body.as_str()).collect();
    let aside = resends_set_aside(&bodies);
    let pool: Vec<&Wire> =
        all.iter().enumerate().filter(|(i, _)| !aside.contains(i)).map(|(_, w)| *w).collect();

    let clean = score_pool(&pool);
    let strict = score_pool(&all);
    let (precision, recall) = (clean.precision(), clean.recall());
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let mut notes = Vec::new();
    if !clean.wrong.is_empty() {
        notes.push(format!("links between different originals ({}), first 10:", clean.wrong.len()));
        notes.extend(clean.wrong.iter().take(10).cloned());
    }
    Ok(Scores {
        task: "clustering (near-duplicate copies)".into(),
        data: dir.display().to_string(),
        items: clean.items,
        unit: "articles".into(),
        rows: vec![
            Row::new(
                "copy links",
                vec![Metric::new("P", precision), Metric::new("R", recall), Metric::new("F1", f1)],
            ),
            Row::new(
                "… all originals",
                vec![
                    Metric::new("P", strict.precision()),
                    Metric::new("R", strict.recall()),
                    Metric::new("F1", {
                        let (p, r) = (strict.precision(), strict.recall());
                        if p + r > 0.0 {
                            2.0 * p * r / (p + r)
                        } else {
                            0.0
                        }
                    }),
                ],
            ),
        ],
        extra: vec![
            Metric::count("originals (distinct bodies)", all.len()),
            Metric::count("… set aside as re-sends sharing half their text", aside.len()),
            Metric::count("true non-copies in the pool", pool.len()),
            Metric::count("copies made", clean.copies),
            Metric::new(
                "recall of reworded copies (new headline, trimmed trailer, edits)",
                ratio(clean.found_reworded, clean.copies / 2),
            ),
            Metric::new(
                "recall of boilerplate copies (header and footer inserted, edits)",
                ratio(clean.found_boilerplate, clean.copies / 2),
            ),
            Metric::count("links predicted", clean.predicted),
            Metric::count("links within a family", clean.correct),
            Metric::count("links between different originals", clean.wrong.len()),
            Metric::new(
                "articles/s (features + grouping)",
                if clean.seconds > 0.0 { clean.items as f64 / clean.seconds } else { 0.0 },
            ),
        ],
        notes,
        headline: Metric::new("copy-link precision", precision),
    })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_record() {
        let s = "<REUTERS TOPICS=\"YES\" NEWID=\"7\">\n<DATE> 3-MAR-1987 09:12:00.00</DATE>\n<TOPICS><D>grain</D><D>wheat</D></TOPICS>\n<TEXT><TITLE>MILLERS &lt;AB&gt; BUY WHEAT</TITLE><BODY>Millers in Tarvos bought wheat. Prices rose.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>";
        let w = parse_reuters(s);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].id, "7");
        assert_eq!(w[0].date, Some(storyline_model::Date::constant(1987, 3, 3)));
        assert_eq!(w[0].title, "MILLERS <AB> BUY WHEAT");
        assert_eq!(w[0].body, "Millers in Tarvos bought wheat. Prices rose.");
        assert_eq!(w[0].topics, ["grain", "wheat"]);
    }

    #[test]
    fn copies_differ_but_keep_most_of_the_body() {
        let body: Vec<String> =
            (0..40).map(|i| format!("Sentence number {i} about the Tarvos mill.")).collect();
        let w = Wire {
            id: "1".into(),
            date: None,
            title: "TARVOS MILL OPENS".into(),
            body: body.join(" "),
            topics: vec![],
        };
        let mut rng = Lcg(1);
        let (t, b) = reworded(&w, &mut rng);
        assert_ne!(t, w.title);
        assert!(b.len() < w.body.len() && b.len() > w.body.len() / 2);
        let (_, b) = with_boilerplate(&w, &mut rng);
        assert!(b.contains("All rights reserved"));
    }
}
