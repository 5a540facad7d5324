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
//! The originals of one Reuters topic are the true non-copies (same topic, different stories).
//! Everything is fed by date (a copy right after its original, the second copy a day later) to
//! one grouper. A predicted link (`duplicate_of`) is correct when both articles come from the same
//! original; precision counts every predicted link, recall every made copy. The originals that
//! got linked to another original are listed: Reuters itself holds corrections and re-sends.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use storyline_model::{Article, Date};

use crate::util::{self, unescape};
use crate::{EvalError, Metric, Row, Scores};

/// Minimum body length (words) of an original.
pub const MIN_WORDS: usize = 60;
/// One original in this many gets copies.
pub const EVERY: usize = 4;

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
    let month = parts.next()?.to_ascii_uppercase();
    const MONTHS: [&str; 12] =
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    let m = MONTHS.iter().position(|x| *x == month)? as i8 + 1;
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

/// One item of the generated feed.
struct Item {
    family: usize,
    copy: bool,
    title: String,
    body: String,
    date: Option<Date>,
}

fn article(i: usize, item: &Item) -> Article {
    let mut a = storyline_ingest::raw_article(&format!("item-{i}"), &item.body);
    a.id = format!("{i:06}");
    a.title = Some(item.title.clone());
    a.title_origin = storyline_model::TitleOrigin::Given;
    a.published = item.date;
    a
}

pub fn run(dir: &Path) -> Result<Scores, EvalError> {
    let wires = read_reuters(dir)?;
    let mut seen = HashSet::new();
    let mut originals: Vec<&Wire> = wires
        .iter()
        .filter(|w| w.body.split_whitespace().count() >= MIN_WORDS)
        .filter(|w| seen.insert(storyline_group::text::normalise(&w.body)))
        .collect();
    originals.sort_by_key(|w| w.date);
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
            copy: false,
            title: w.title.clone(),
            body: w.body.clone(),
            date: w.date,
        });
        if f % EVERY == 0 {
            let (title, body) = reworded(w, &mut rng);
            items.push(Item { family: f, copy: true, title, body, date: w.date });
            let (title, body) = with_boilerplate(w, &mut rng);
            let next = w.date.and_then(|d| d.tomorrow().ok());
            match next {
                Some(d) => later.entry(d).or_default().push(Item {
                    family: f,
                    copy: true,
                    title,
                    body,
                    date: Some(d),
                }),
                None => items.push(Item { family: f, copy: true, title, body, date: None }),
            }
        }
    }
    items.extend(later.into_values().flatten());

    let t0 = Instant::now();
    let mut grouper = storyline_group::Grouper::new();
    let mut family_of: BTreeMap<String, usize> = BTreeMap::new();
    let (mut predicted, mut correct, mut found) = (0usize, 0usize, 0usize);
    let mut original_links: Vec<String> = Vec::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut same_headline = 0usize;
    for (i, item) in items.iter().enumerate() {
        let a = article(i, item);
        let f = storyline_group::features(&a);
        let g = grouper.add(&a.id, f);
        family_of.insert(a.id.clone(), item.family);
        if let Some(orig) = &g.duplicate_of {
            predicted += 1;
            let same = family_of.get(orig) == Some(&item.family);
            if same {
                correct += 1;
                if item.copy {
                    found += 1;
                }
            } else if !item.copy {
                let other = family_of.get(orig).map(|&o| originals[o].title.as_str()).unwrap_or("");
                if title_overlap(&item.title, other) >= 0.5 {
                    same_headline += 1;
                }
                original_links.push(format!(
                    "  original {} «{}» linked to {} «{}» (similarity {:.2})",
                    originals[item.family].id,
                    item.title,
                    family_of.get(orig).map_or("?".into(), |&o| originals[o].id.clone()),
                    family_of.get(orig).map_or("?".into(), |&o| originals[o].title.clone()),
                    g.duplicate_similarity.unwrap_or(0.0)
                ));
            } else {
                wrong.push(format!(
                    "  copy of {} linked to another story",
                    originals[item.family].id
                ));
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let copies = items.iter().filter(|i| i.copy).count();
    let precision = util_ratio(correct, predicted);
    let recall = util_ratio(found, copies);
    let precision_natural = util_ratio(correct + same_headline, predicted);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let mut notes = Vec::new();
    if !original_links.is_empty() || !wrong.is_empty() {
        notes.push(format!(
            "links between different originals ({}), first 10:",
            original_links.len() + wrong.len()
        ));
        notes.extend(original_links.iter().chain(&wrong).take(10).cloned());
    }
    Ok(Scores {
        task: "clustering (near-duplicate copies)".into(),
        data: dir.display().to_string(),
        items: items.len(),
        unit: "articles".into(),
        rows: vec![Row::new(
            "copy links",
            vec![Metric::new("P", precision), Metric::new("R", recall), Metric::new("F1", f1)],
        )],
        extra: vec![
            Metric::count("originals", originals.len()),
            Metric::count("copies made", copies),
            Metric::count("links predicted", predicted),
            Metric::count("links within a family", correct),
            Metric::count("originals linked to another original", original_links.len()),
            Metric::count(
                "… of which with the same headline (Reuters re-sends, corrections)",
                same_headline,
            ),
            Metric::new("precision counting same-headline re-sends as copies", precision_natural),
            Metric::new(
                "articles/s (features + grouping)",
                if secs > 0.0 { items.len() as f64 / secs } else { 0.0 },
            ),
        ],
        notes,
        headline: Metric::new("copy-link precision", precision),
    })
}

/// Word Jaccard of two headlines.
fn title_overlap(a: &str, b: &str) -> f64 {
    let wa: HashSet<String> = a.split_whitespace().map(str::to_lowercase).collect();
    let wb: HashSet<String> = b.split_whitespace().map(str::to_lowercase).collect();
    let union = wa.union(&wb).count();
    if union == 0 {
        0.0
    } else {
        wa.intersection(&wb).count() as f64 / union as f64
    }
}

fn util_ratio(a: usize, b: usize) -> f64 {
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
