//! From candidates to expressions: the choice among overlapping candidates (earliest, then
//! longest, then the earlier rule), and the values that depend on what the document said
//! before them ([`Discourse`]): the quarter under discussion, the company's fiscal calendar, and
//! the last year and day named.

use jiff::civil::Date;
use storyline_model::{TimeExpr, Timex};

use super::calendar::*;
use super::context::{Candidate, Context, Expr, Val};

/// The expressions of the candidates kept: earliest first, then longest, non-overlapping. Ties
/// keep the candidate proposed first (the sort is stable).
pub(super) fn non_overlapping(mut cands: Vec<Candidate>) -> Vec<Expr> {
    cands.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    let mut kept: Vec<Expr> = Vec::new();
    let mut last_end = 0;
    for c in cands {
        if c.start < last_end {
            continue;
        }
        last_end = c.end;
        kept.extend(c.exprs);
    }
    kept
}

/// The kept expressions, in text order, with their values resolved against what came before.
pub(super) fn resolve(cx: &Context, kept: Vec<Expr>) -> Vec<TimeExpr> {
    let mut discourse = Discourse::new(cx.published);
    let mut out = Vec::with_capacity(kept.len());
    for (s, e, kind, val) in kept {
        // "that day" with no day named before it refers to nothing we can date.
        let anaphoric = matches!(val, Val::RefYear(_) | Val::RefMonth(_) | Val::RefDay(_));
        let value = discourse.value(cx, (s, e), val);
        if anaphoric && value.is_none() {
            continue;
        }
        out.push(TimeExpr {
            start: cx.idx.char_of(s),
            end: cx.idx.char_of(e),
            text: cx.text[s..e].to_string(),
            kind,
            value: value.map(Timex::from),
        });
    }
    out
}

/// What the document has said so far, as far as later values depend on it.
struct Discourse {
    published: Option<Date>,
    /// The quarter under discussion: the last explicit quarter before, else the last complete
    /// quarter before publication.
    current_quarter: Option<(i64, i64)>,
    /// Whether the document talks about quarters (then "a year ago" is a quarter).
    quarters_discussed: bool,
    /// The company's quarter numbers minus the calendar's, once the document shows it.
    fiscal_shift: Option<i64>,
    /// Whether the quarter under discussion was named by the company's calendar.
    current_is_fiscal: bool,
    /// The last year and day named (for "that year", "that day").
    last_year: Option<i64>,
    last_day: Option<Date>,
    /// The last month named, as `(year, month)` (a day names its month).
    last_month: Option<(i64, i64)>,
}

impl Discourse {
    fn new(published: Option<Date>) -> Self {
        Discourse {
            published,
            current_quarter: published.map(|p| shift_quarter(p.year() as i64, quarter_of(p), -1)),
            quarters_discussed: false,
            fiscal_shift: None,
            current_is_fiscal: false,
            last_year: None,
            last_day: None,
            last_month: None,
        }
    }

    /// The value of the expression at `s..e`, noting what it tells later ones.
    fn value(&mut self, cx: &Context, (s, e): (usize, usize), val: Val) -> Option<String> {
        match val {
            Val::Known(v) => {
                self.note_known(cx, (s, e), v.as_deref());
                v
            }
            Val::RefYear(shift) => self.last_year.map(|y| format!("{:04}", y + shift)),
            Val::RefDay(shift) => self.last_day.map(|d| fmt_date(add_days(d, shift))),
            Val::RefMonth(shift) => {
                let (y, m) = self.last_month?;
                let i = y * 12 + (m - 1) + shift;
                let month = (i.div_euclid(12), i.rem_euclid(12) + 1);
                // "the following month … later that month": the month just named.
                self.last_month = Some(month);
                Some(format!("{:04}-{:02}", month.0, month.1))
            }
            Val::YearAgo if self.quarters_discussed => {
                self.current_quarter.map(|(y, q)| format!("{:04}-Q{q}", y - 1))
            }
            Val::YearAgo => self.published.map(|p| format!("{:04}", p.year() - 1)),
            Val::PassingQuarter(v) => {
                self.quarters_discussed = true;
                v
            }
            Val::FiscalQuarter(y, n, calendar) => {
                if let Some(cal) = calendar {
                    self.fiscal_shift = Some(n - cal);
                }
                self.current_quarter = Some((y, n));
                self.current_is_fiscal = true;
                self.quarters_discussed = true;
                Some(format!("{y:04}-Q{n}"))
            }
            Val::EndedQuarter(y, cal) => Some(self.ended_quarter(y, cal)),
            Val::RefQuarterOfYear(y) => self.current_quarter.map(|(_, q)| format!("{y:04}-Q{q}")),
            Val::RefQuarter(shift) => self.current_quarter.map(|(y, q)| {
                self.quarters_discussed = true;
                let (y, q) = shift_quarter(y, q, shift);
                format!("{y:04}-Q{q}")
            }),
        }
    }

    /// Notes a known value: a quarter over at publication (or told in the past tense) becomes
    /// the one under discussion; any year or day becomes the last one named.
    fn note_known(&mut self, cx: &Context, (s, e): (usize, usize), v: Option<&str>) {
        if let Some(q) = v.and_then(parse_quarter) {
            // A quarter not yet over at publication ("a fourth-quarter charge" in October) is a
            // forecast, not the quarter being reported.
            let (y, n) = shift_quarter(q.0, q.1, 1);
            let over = self.published.is_none_or(|p| {
                Date::new(y as i16, (3 * n - 2) as i8, 1).is_ok_and(|end| end <= p)
            });
            if over || cx.tense_at(s, e) == Some(false) {
                self.current_quarter = Some(q);
                self.current_is_fiscal = false;
            }
            self.quarters_discussed = true;
        }
        if let Some(v) = v.map(Timex::from) {
            if let Some(y) = v.year() {
                self.last_year = Some(y.into());
            }
            if let Some(d) = v.day() {
                self.last_day = Some(d);
            }
        }
        if let Some(m) = v.and_then(parse_month) {
            self.last_month = Some(m);
        }
    }

    /// "the quarter ended Sept. 30" (calendar quarter `cal` of year `y`), numbered by the
    /// company's calendar once the document has shown it.
    fn ended_quarter(&mut self, y: i64, cal: i64) -> String {
        let shift = self.fiscal_shift.or_else(|| {
            self.current_is_fiscal.then(|| self.current_quarter.map(|(_, n)| n - cal)).flatten()
        });
        let n = shift.map_or(cal, |k| (cal - 1 + k).rem_euclid(4) + 1);
        if let Some(k) = shift {
            self.fiscal_shift = Some(k);
        }
        self.current_quarter = Some((y, n));
        self.quarters_discussed = true;
        format!("{y:04}-Q{n}")
    }
}

/// `(year, month)` of a value like `1998-07` or `1998-07-14…`.
fn parse_month(v: &str) -> Option<(i64, i64)> {
    let (y, rest) = v.split_once('-')?;
    let m = rest.get(..2)?;
    let ok = y.len() == 4 && (rest.len() == 2 || rest[2..].starts_with('-'));
    let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
    (ok && (1..=12).contains(&m)).then_some((y, m))
}

/// `(year, quarter)` of a value like `1998-Q3`.
fn parse_quarter(v: &str) -> Option<(i64, i64)> {
    let (y, q) = v.split_once("-Q")?;
    Some((y.parse().ok()?, q.parse().ok()?))
}
