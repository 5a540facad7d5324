//! Timeline summarisation (Timeline17): the dated timeline `storyline_compare::timeline_of` builds
//! from a topic's articles against the journalists' timeline, scored as the field does (tilse,
//! Martschat & Markert 2017/2018): date-selection F1 and alignment ROUGE-1 F1 (`align+ m:1`: every
//! predicted date aligned to its cheapest gold date by date distance and content overlap, and
//! every gold date to its cheapest predicted one; overlaps weighted by `1 / (days apart + 1)`;
//! ROUGE-1.5.5 tokens with stop words removed and Porter stemming). As in news-tls, the timeline
//! gets as many dates as the gold one, as many sentences per date as its average, and only the
//! gold timeline's span of days.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use storyline_compare::{candidate_days, timeline_of, DatedSummary, TimelineOptions};
use storyline_model::{Article, Date};

use crate::rouge::{content_tokens, Prf};
use crate::{util, EvalError, Metric, Row, Scores};

/// A timeline: sentences per day.
pub type Timeline = BTreeMap<Date, Vec<String>>;

/// Reads a Timeline17 timeline file: a date line, sentences, a line of dashes; repeated dates merge
/// and a block whose date line is malformed is skipped.
pub fn read_timeline(path: &Path) -> Result<Timeline, EvalError> {
    let mut out = Timeline::new();
    // The day of the current block; `Some(None)` for a block whose date line is malformed
    // (skipped, as the gold files hold a few).
    let mut current: Option<Option<Date>> = None;
    for line in util::read(path)?.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.chars().all(|c| c == '-') {
            current = None;
        } else if current.is_none() {
            let day = line.get(..10).and_then(|d| d.parse::<Date>().ok());
            if let Some(d) = day {
                out.entry(d).or_default();
            }
            current = Some(day);
        } else if let Some(Some(d)) = current {
            out.entry(d).or_default().push(line.to_string());
        }
    }
    Ok(out)
}

/// Undoes the PTB tokenisation of a sentence enough for the analysis to read it.
pub fn detokenise(line: &str) -> String {
    let mut s = format!(" {} ", line.trim());
    for (from, to) in [
        (" -LRB- ", " ("),
        (" -RRB- ", ") "),
        (" `` ", " \""),
        (" '' ", "\" "),
        (" n't ", "n't "),
        (" 's ", "'s "),
        (" , ", ", "),
        (" . ", ". "),
        (" : ", ": "),
        (" ; ", "; "),
        (" ? ", "? "),
        (" ! ", "! "),
        (" % ", "% "),
        ("( ", "("),
        (" )", ")"),
    ] {
        s = s.replace(from, to);
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One topic's articles, analysed (publication date from the `InputDocs/<date>/` folder).
pub fn read_articles(dir: &Path, panics: &mut util::Panics) -> Result<Vec<Article>, EvalError> {
    let mut out = Vec::new();
    for day_dir in util::list_dir(&dir.join("InputDocs"))? {
        let Ok(day) = util::file_name(&day_dir).parse::<Date>() else { continue };
        for file in util::list_dir(&day_dir)? {
            let raw = util::read(&file)?;
            let text: String = raw
                .lines()
                .map(detokenise)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            let name = file.display().to_string();
            let mut a = storyline_ingest::body_article(&name, &text);
            a.text = text;
            a.published = Some(day);
            let (t, p) = (&a.text, a.published);
            a.analysis =
                panics.guard(&name, || storyline_analyze::analyze(t, p)).unwrap_or_default();
            out.push(a);
        }
    }
    Ok(out)
}

fn counts(sentences: &[String]) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for s in sentences {
        for t in content_tokens(s) {
            *m.entry(t).or_insert(0) += 1;
        }
    }
    m
}

fn raw_counts(sentences: &[String]) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for s in sentences {
        for t in s.split_whitespace() {
            *m.entry(t).or_insert(0) += 1;
        }
    }
    m
}

/// tilse's approximate ROUGE-1 F1 on whitespace tokens (used only to align dates).
fn approx_rouge(pred: &[String], gold: &[String]) -> f64 {
    let (p, g) = (raw_counts(pred), raw_counts(gold));
    let hits: usize = p.iter().map(|(t, c)| (*c).min(g.get(t).copied().unwrap_or(0))).sum();
    Prf::new(hits as f64, p.values().sum::<usize>() as f64, g.values().sum::<usize>() as f64).f1
}

fn days_apart(a: Date, b: Date) -> f64 {
    a.since(b).map_or(f64::MAX, |s| s.get_days().unsigned_abs() as f64)
}

/// Alignment ROUGE-1 (`align+ m:1`) of a predicted timeline against a gold one.
pub fn align_rouge1(pred: &Timeline, gold: &Timeline) -> Prf {
    if pred.is_empty() || gold.is_empty() {
        return Prf::default();
    }
    let pc: BTreeMap<Date, HashMap<String, usize>> =
        pred.iter().map(|(d, s)| (*d, counts(s))).collect();
    let gc: BTreeMap<Date, HashMap<String, usize>> =
        gold.iter().map(|(d, s)| (*d, counts(s))).collect();
    let hits = |p: &HashMap<String, usize>, g: &HashMap<String, usize>| -> f64 {
        p.iter().map(|(t, c)| (*c).min(g.get(t).copied().unwrap_or(0))).sum::<usize>() as f64
    };
    let cost = |p: Date, g: Date| -> f64 {
        let date = 1.0 - 1.0 / (days_apart(p, g) + 1.0);
        date * (1.0 - approx_rouge(&pred[&p], &gold[&g]))
    };
    let cheapest = |from: Date, to: &mut dyn Iterator<Item = Date>, pred_side: bool| -> Date {
        to.map(|d| (if pred_side { cost(from, d) } else { cost(d, from) }, d))
            .fold(None, |best: Option<(f64, Date)>, x| match best {
                Some(b) if b.0 <= x.0 => Some(b),
                _ => Some(x),
            })
            .expect("non-empty")
            .1
    };
    let (mut pn, mut pd, mut rn, mut rd) = (0.0, 0.0, 0.0, 0.0);
    for p in pred.keys() {
        let g = cheapest(*p, &mut gold.keys().copied(), true);
        pn += hits(&pc[p], &gc[&g]) / (days_apart(*p, g) + 1.0);
        pd += pc[p].values().sum::<usize>() as f64;
    }
    for g in gold.keys() {
        let p = cheapest(*g, &mut pred.keys().copied(), false);
        rn += hits(&pc[&p], &gc[g]) / (days_apart(p, *g) + 1.0);
        rd += gc[g].values().sum::<usize>() as f64;
    }
    let (precision, recall) =
        (if pd > 0.0 { pn / pd } else { 0.0 }, if rd > 0.0 { rn / rd } else { 0.0 });
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Prf { precision, recall, f1 }
}

/// Date-selection precision, recall and F1.
pub fn date_f1(pred: &Timeline, gold: &Timeline) -> Prf {
    let hits = pred.keys().filter(|d| gold.contains_key(d)).count();
    Prf::new(hits as f64, pred.len() as f64, gold.len() as f64)
}

/// The topic folders of a Timeline17 layout (`data` itself when it is one topic).
pub fn topics(data: &Path) -> Result<Vec<PathBuf>, EvalError> {
    if data.join("InputDocs").is_dir() {
        return Ok(vec![data.to_path_buf()]);
    }
    let dirs: Vec<PathBuf> = util::list_dir(data)?
        .into_iter()
        .filter(|d| d.join("InputDocs").is_dir() && d.join("timelines").is_dir())
        .collect();
    if dirs.is_empty() {
        return Err(EvalError::layout(
            data,
            "expected Timeline17 topics (`<topic>/InputDocs/<date>/*.txt`, `<topic>/timelines/*.txt`)",
        ));
    }
    Ok(dirs)
}

/// The topic's query words (`keywords.json`), lowercase.
pub fn keywords(dir: &Path) -> Vec<String> {
    let Ok(raw) = std::fs::read_to_string(dir.join("keywords.json")) else { return vec![] };
    serde_json::from_str::<Vec<String>>(&raw)
        .map(|v| v.into_iter().map(|k| k.to_lowercase()).collect())
        .unwrap_or_default()
}

/// The options `eval timelines` builds a timeline with for one gold timeline: as many dates as
/// the gold one, its mean number of sentences per date, its span of days.
pub fn options_for(gold: &Timeline, keywords: &[String]) -> Option<TimelineOptions> {
    let (start, end) = (gold.keys().next()?, gold.keys().last()?);
    let sents: usize = gold.values().map(Vec::len).sum();
    Some(TimelineOptions {
        dates: gold.len(),
        sentences_per_date: ((sents as f64 / gold.len() as f64).round() as usize).max(1),
        start: Some(*start),
        end: Some(*end),
        keywords: keywords.to_vec(),
    })
}

/// The harder subset of a set of timelines: those whose number of candidate days per gold date
/// is above the median of the set (the median of an even count is the mean of the middle two).
/// `ratios[i]` is timeline `i`'s ratio; returns the median and the mask.
pub fn harder_subset(ratios: &[f64]) -> (f64, Vec<bool>) {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    (median, ratios.iter().map(|&r| r > median).collect())
}

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    let t0 = Instant::now();
    let mut panics = util::Panics::default();
    let mut rows = Vec::new();
    let (mut sum_date, mut sum_ar1, mut n) = (Prf::default(), Prf::default(), 0usize);
    let mut notes = Vec::new();
    let mut per_timeline: Vec<(f64, Prf, Prf)> = Vec::new();
    let mut articles_total = 0;
    let mut report_secs: f64 = 0.0;
    for dir in topics(data)? {
        let articles = read_articles(&dir, &mut panics)?;
        articles_total += articles.len();
        // The full story report on a 50-article story (performance of the comparison stage).
        let fifty: Vec<(Article, storyline_model::Grouping)> =
            articles.iter().take(50).map(|a| (a.clone(), Default::default())).collect();
        let t = Instant::now();
        let report = storyline_compare::report(&"timing".into(), &fifty);
        report_secs = report_secs.max(t.elapsed().as_secs_f64());
        notes.push(format!(
            "{}: report on {} articles in {:.0} ms ({} agreed, {} unique, {} conflicts)",
            util::file_name(&dir),
            fifty.len(),
            1000.0 * t.elapsed().as_secs_f64(),
            report.comparison.agreed.len(),
            report.comparison.unique.len(),
            report.comparison.conflicts.len()
        ));
        let kw = keywords(&dir);
        for file in util::list_dir(&dir.join("timelines"))? {
            if !util::has_ext(&file, "txt") {
                continue;
            }
            let gold = read_timeline(&file)?;
            let Some(opts) = options_for(&gold, &kw) else { continue };
            let ratio = candidate_days(&articles, &opts).len() as f64 / gold.len() as f64;
            let pred: Timeline = timeline_of(&articles, &opts)
                .into_iter()
                .map(|DatedSummary { date, sentences }| (date, sentences))
                .collect();
            let (d, a) = (date_f1(&pred, &gold), align_rouge1(&pred, &gold));
            let label = format!("{}/{}", util::file_name(&dir), util::file_name(&file));
            let missed: Vec<String> = gold
                .keys()
                .filter(|g| !pred.contains_key(g))
                .take(4)
                .map(|g| g.to_string())
                .collect();
            let wrong: Vec<String> = pred
                .keys()
                .filter(|p| !gold.contains_key(p))
                .take(4)
                .map(|p| p.to_string())
                .collect();
            notes.push(format!(
                "{label}: {} gold dates, {ratio:.1} candidate days per gold date; missed e.g. {}; extra e.g. {}",
                gold.len(),
                missed.join(" "),
                wrong.join(" ")
            ));
            rows.push(Row::new(
                label,
                vec![
                    Metric::new("date P", d.precision),
                    Metric::new("date R", d.recall),
                    Metric::new("date F1", d.f1),
                    Metric::new("AR-1 P", a.precision),
                    Metric::new("AR-1 R", a.recall),
                    Metric::new("AR-1 F1", a.f1),
                ],
            ));
            per_timeline.push((ratio, d, a));
            for (s, x) in [(&mut sum_date, d), (&mut sum_ar1, a)] {
                s.precision += x.precision;
                s.recall += x.recall;
                s.f1 += x.f1;
            }
            n += 1;
        }
    }
    let m = n.max(1) as f64;
    rows.push(Row::new(
        "mean",
        vec![
            Metric::new("date P", sum_date.precision / m),
            Metric::new("date R", sum_date.recall / m),
            Metric::new("date F1", sum_date.f1 / m),
            Metric::new("AR-1 P", sum_ar1.precision / m),
            Metric::new("AR-1 R", sum_ar1.recall / m),
            Metric::new("AR-1 F1", sum_ar1.f1 / m),
        ],
    ));
    let (median, hard) = harder_subset(&per_timeline.iter().map(|t| t.0).collect::<Vec<_>>());
    let hard: Vec<&(f64, Prf, Prf)> =
        per_timeline.iter().zip(&hard).filter(|(_, h)| **h).map(|(t, _)| t).collect();
    let k = hard.len().max(1) as f64;
    let mean = |f: &dyn Fn(&(f64, Prf, Prf)) -> f64| hard.iter().map(|t| f(t)).sum::<f64>() / k;
    rows.push(Row::new(
        format!("harder subset ({} timelines)", hard.len()),
        vec![
            Metric::new("date P", mean(&|t| t.1.precision)),
            Metric::new("date R", mean(&|t| t.1.recall)),
            Metric::new("date F1", mean(&|t| t.1.f1)),
            Metric::new("AR-1 P", mean(&|t| t.2.precision)),
            Metric::new("AR-1 R", mean(&|t| t.2.recall)),
            Metric::new("AR-1 F1", mean(&|t| t.2.f1)),
        ],
    ));
    notes.push(format!(
        "harder subset: the timelines with more than {median:.1} candidate days per gold date (the median)"
    ));
    notes.push("anchor DATEWISE (Timeline17): date F1 0.544, AR-1 F1 0.120".into());
    let mut extra = vec![
        Metric::new("date F1", sum_date.f1 / m),
        Metric::new("harder subset date F1", mean(&|t| t.1.f1)),
        Metric::count("articles", articles_total),
        Metric::new("slowest story report, 50 articles (s)", report_secs),
        Metric::new("seconds", t0.elapsed().as_secs_f64()),
    ];
    panics.report(&mut extra, &mut notes);
    Ok(Scores {
        task: "timelines".into(),
        data: data.display().to_string(),
        items: n,
        unit: "timelines".into(),
        rows,
        extra,
        notes,
        headline: Metric::new("alignment ROUGE-1 F1", sum_ar1.f1 / m),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tl(entries: &[(&str, &str)]) -> Timeline {
        let mut t = Timeline::new();
        for (d, s) in entries {
            t.entry(d.parse().unwrap()).or_default().push(s.to_string());
        }
        t
    }

    #[test]
    fn alignment_weights_by_distance() {
        let gold =
            tl(&[("2010-01-02", "Just a test ."), ("2010-01-04", "This one does not match .")]);
        let same = align_rouge1(&gold, &gold);
        assert!((same.f1 - 1.0).abs() < 1e-9, "{same:?}");
        let shifted = tl(&[("2010-01-01", "Just a test .")]);
        let a = align_rouge1(&shifted, &gold);
        assert!(a.precision > 0.0 && a.precision < 1.0, "{a:?}");
        assert_eq!(date_f1(&shifted, &gold).f1, 0.0);
    }

    #[test]
    fn harder_subset_is_above_the_median_ratio() {
        let (median, hard) = harder_subset(&[1.2, 5.0, 1.1, 1.5]);
        assert!((median - 1.35).abs() < 1e-9, "{median}");
        assert_eq!(hard, [false, true, false, true]);
        let (median, hard) = harder_subset(&[2.0, 1.0, 3.0]);
        assert_eq!(median, 2.0);
        assert_eq!(hard, [false, false, true]);
        assert!(harder_subset(&[]).1.is_empty());
    }

    #[test]
    fn detokenises_ptb() {
        assert_eq!(detokenise("It 's `` probable '' , he said ."), "It's \"probable\", he said.");
    }
}
