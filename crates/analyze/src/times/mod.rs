//! Time expressions (TimeML TIMEX3 types and values), normalised against the publication date.
//!
//! Regex families, compiled once (ASCII word boundaries, so the DFA engines stay usable on any
//! text): ISO dates; "[Weekday,] Month D[th][, YYYY]" (with "midnight/noon [on]" prefix → TIME
//! `…T24:00`, and "May 12 to 13" ranges → two expressions); "D Month [YYYY]"; "Month YYYY";
//! months after "in/since/early…"; years ("1998", "fiscal 1989"), decades ("the 1990s" → `199`),
//! quarters and halves ("the third quarter", "third-quarter", "the 1988 second quarter" →
//! `1988-Q2`), the document's quarter ("the quarter", "the latest period", "the year-earlier
//! quarter", "a year ago" in a sentence about a quarter; not one named in passing, "after a weak
//! second quarter"); company fiscal calendars (a quarter "ended" on a date takes that date's
//! year; "its first quarter ended Sept. 30" or "the fiscal first quarter" followed by "the
//! quarter ended Sept. 30" gives the fiscal↔calendar shift, applied to the document's later
//! "quarter ended" mentions); seasons; weekdays (past week by default, next occurrence when a
//! future cue precedes; "Friday evening" → `…TEV`); clock times, alone or with their weekday or
//! date
//! ("10 p.m. Wednesday", "5 p.m. EST, Nov. 6"), "midday"; today/tonight/tomorrow/yesterday [morning…]; this/next/last
//! week|month|year|weekend; "the future"; "in the coming days" (FUTURE_REF); now/currently
//! (PRESENT_REF); "N days ago" ("several years ago", "in past years" → PAST_REF; "the past year"
//! → last year); durations ("30-day" → `P30D`, "the past two months" → `P2M`, "the
//! next few days" → `PXD`, "two decades" → `P20Y`, "2 1/2 years" → `P2Y6M`, "for years" →
//! `PXY`, "recent months" → `PXM`); sets ("every week" → `P1W`, "daily" → `P1D`, "each July" →
//! `XXXX-07`); years said in words ("nineteen ninety-six", "the year two thousand"); "the
//! [fiscal|full] year" (the publication's year, `P1Y` before "ended" or after "throughout");
//! "current"/"then current"/"the past"/"the near future" (PRESENT_REF, PAST_REF, FUTURE_REF);
//! public holidays ("Thanksgiving Day", "last Christmas"); centuries ("the 20th century" → `19`);
//! "later that year", "the following month", "earlier that day" (the last year, month or day
//! named before); "will one day" (FUTURE_REF). Overlaps:
//! earliest, then longest wins. Without a publication date, values that need one are `None`
//! (month-day without a year → `XXXX-MM-DD`). A quarter still running at publication and not
//! told in the past tense is a forecast, not the quarter under discussion; "a year earlier" in a
//! sentence about nine months or the year is last year. Two decisions can be handed to learned
//! models (`learned`): a weekday's direction where no tense cue is near, and keeping a
//! "now"/"current" word; each ships only if it beats its rule under cross-validation.
//!
//! Layout: each rule module (`dates`, `days`, `relative`, `years`, `quarters`, `durations`)
//! proposes candidates from one regex family per rule, reading the shared `context::Context`;
//! `RULES` runs them in a fixed order (ties go to the earlier rule); `resolve` keeps the
//! non-overlapping candidates and resolves the values that depend on the document so far.
//! `calendar` and `lex` are the date arithmetic and the words the rules share; `anchors` is the
//! first pass that skips the rules whose words the text does not hold.

mod anchors;
mod calendar;
mod context;
mod dates;
mod days;
mod durations;
pub mod learned;
mod lex;
mod quarters;
mod relative;
mod resolve;
mod years;

use jiff::civil::Date;
use regex::Regex;
use storyline_model::{Span, TimeExpr};

use context::{Candidate, Context};
use learned::{Decision, TimeModels};

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall back
/// to its slow engines on non-ASCII text (20× slower on a real collection).
fn re(p: &str) -> Regex {
    Regex::new(&p.replace(r"\b", r"(?-u:\b)")).expect("valid time regex")
}

/// A rule: proposes the candidates of one family of expressions.
type Rule = fn(&mut Context, &mut Vec<Candidate>);

/// The rules, in the order they propose: of two candidates over the same span, the earlier
/// rule's wins, and learned decisions are logged in this order. Each goes with the family of
/// words ([`anchors`]) one of which every match of its regex holds; a rule whose words the text
/// does not hold cannot match and is skipped ([`ALWAYS`]: no such words, always run).
const RULES: [(Rule, u32); 29] = [
    (dates::iso_dates, ALWAYS),
    (dates::month_day_year, anchors::MONTH),
    (dates::day_month_year, anchors::MONTH),
    (dates::month_year, anchors::MONTH),
    (dates::months, anchors::MONTH),
    (days::weekdays, anchors::WEEKDAY),
    (relative::relative_to_publication, anchors::RELATIVE),
    (days::parts_of_days, anchors::DAYPART),
    (years::year_ranges, ALWAYS),
    (years::years, ALWAYS),
    (years::decades, anchors::DECADE),
    (quarters::named_quarters, anchors::QUARTER),
    (quarters::quarter_references, anchors::QUARTER_REF),
    (quarters::year_ago, anchors::YEAR),
    (years::seasons, anchors::SEASON),
    (relative::period_ends, anchors::PERIOD_END),
    (relative::ago, anchors::AGO),
    (durations::counted_durations, anchors::DURATION),
    (durations::ordinal_periods, anchors::ORDINAL_PERIOD),
    (durations::sets, anchors::SET),
    (days::clock_times, anchors::CLOCK),
    (years::spoken_years, anchors::SPOKEN_YEAR),
    (years::decades_in_words, anchors::DECADE_WORD),
    (years::the_year, anchors::YEAR),
    (relative::reference_words, anchors::REFERENCE),
    (dates::holidays, anchors::HOLIDAY),
    (durations::vague_plurals, anchors::VAGUE_PLURAL),
    (relative::anaphors, anchors::ANAPHOR),
    (years::centuries, anchors::CENTURY),
];

/// A rule that runs whatever words the text holds.
const ALWAYS: u32 = 0;

/// Extracts time expressions (character offsets, in text order), with the compiled-in models.
pub fn extract(text: &str, sentences: &[Span], published: Option<Date>) -> Vec<TimeExpr> {
    extract_with(text, sentences, published, TimeModels::embedded())
}

/// Extracts time expressions with the given models ([`TimeModels::rules`]: rules only).
pub fn extract_with(
    text: &str,
    sentences: &[Span],
    published: Option<Date>,
    models: &TimeModels,
) -> Vec<TimeExpr> {
    run(text, sentences, published, models).0
}

/// The learned decision points met while tagging (for training the models), whatever the models
/// decide.
pub fn decisions(text: &str, sentences: &[Span], published: Option<Date>) -> Vec<Decision> {
    run(text, sentences, published, &TimeModels::rules()).1
}

/// Every rule proposes candidates; the non-overlapping ones are kept and their values resolved
/// in text order.
fn run(
    text: &str,
    sentences: &[Span],
    published: Option<Date>,
    models: &TimeModels,
) -> (Vec<TimeExpr>, Vec<Decision>) {
    let mut cx = Context::new(text, sentences, published, models);
    let mut cands = Vec::new();
    let families = anchors::families(text);
    for (rule, words) in RULES {
        if words == ALWAYS || families & words != 0 {
            rule(&mut cx, &mut cands);
        }
    }
    for c in &mut cands {
        with_modifier(text, c);
    }
    let kept = resolve::non_overlapping(cands);
    let exprs = resolve::resolve(&cx, kept);
    (exprs, cx.decisions)
}

/// "early", "late", "mid" right before a date or time, as TimeML marks them: inside the
/// expression ("early December", "late Tuesday", "mid-1990"); the value stays the period's.
/// Not "the late …" (a person who has died) and not a modifier the match holds already.
static RE_MODIFIER_BEFORE: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| re(r"(?i)(^|[^\w])(early|late|mid)(\s+|-)$"));

/// Widens a one-expression DATE or TIME candidate over the modifier right before it.
fn with_modifier(text: &str, c: &mut Candidate) {
    use storyline_model::TimeType;
    let [(s, _, kind, _)] = c.exprs.as_slice() else { return };
    if !matches!(kind, TimeType::Date | TimeType::Time) || *s != c.start {
        return;
    }
    let head = context::window_before(text, c.start, 12);
    let Some(m) = RE_MODIFIER_BEFORE.captures(head) else { return };
    let window_start = c.start - head.len();
    let mid_word = text[..window_start].ends_with(|ch: char| ch.is_alphanumeric());
    if m.get(1).is_none_or(|b| b.is_empty()) && mid_word {
        return; // the window cut a word ("timid 1990")
    }
    let word = m.get(2).expect("group 2");
    let before = context::window_before(text, c.start - (head.len() - word.start()), 5);
    if word.as_str().eq_ignore_ascii_case("late") && before.to_ascii_lowercase().ends_with("the ") {
        return;
    }
    let start = c.start - (head.len() - word.start());
    c.start = start;
    c.exprs[0].0 = start;
}

#[cfg(test)]
mod tests {
    use super::*;
    use learned::DecisionKind;
    use storyline_model::{TimeType, Timex};
    use storyline_text::sentences;

    fn times(t: &str, p: Option<&str>) -> Vec<(String, TimeType, Option<Timex>)> {
        let p = p.map(|d| d.parse().unwrap());
        extract(t, &sentences::split(t), p).into_iter().map(|x| (x.text, x.kind, x.value)).collect()
    }
    fn val(v: &[(String, TimeType, Option<Timex>)], text: &str) -> Option<Timex> {
        v.iter().find(|x| x.0 == text).unwrap_or_else(|| panic!("{text} not in {v:?}")).2.clone()
    }
    const SUN: Option<&str> = Some("2025-06-15"); // a Sunday

    #[test]
    fn explicit_dates() {
        let v = times("Talks open June 19, ran until 20 June and 2025-06-02; also on June 10th and on 3 July 2024.", SUN);
        assert_eq!(val(&v, "June 19"), Some("2025-06-19".into()));
        assert_eq!(val(&v, "20 June"), Some("2025-06-20".into()));
        assert_eq!(val(&v, "2025-06-02"), Some("2025-06-02".into()));
        assert_eq!(val(&v, "June 10th"), Some("2025-06-10".into()));
        assert_eq!(val(&v, "3 July 2024"), Some("2024-07-03".into()));
        let v = times("The vote was held on March 3, 2021, and again in October 2022.", SUN);
        assert_eq!(val(&v, "March 3, 2021"), Some("2021-03-03".into()));
        assert_eq!(val(&v, "October 2022"), Some("2022-10".into()));
    }

    #[test]
    fn no_publication_date() {
        let v = times("Delegates meet June 19 and on Friday, as they did in June 2023.", None);
        assert_eq!(val(&v, "June 19"), Some("XXXX-06-19".into()));
        assert_eq!(val(&v, "Friday"), None);
        assert_eq!(val(&v, "June 2023"), Some("2023-06".into()));
    }

    #[test]
    fn may_the_modal_is_not_a_month() {
        let v = times("The envoy may visit, and officials agreed in May.", SUN);
        assert_eq!(v.len(), 1);
        assert_eq!(val(&v, "May"), Some("2025-05".into()));
    }

    #[test]
    fn weekdays_past_and_future() {
        let v = times(
            "Ministers met on Saturday in Lisbon. Talks could begin as early as Thursday.",
            SUN,
        );
        assert_eq!(val(&v, "Saturday"), Some("2025-06-14".into()));
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        let v = times(
            "The council will vote on Tuesday. It approved the plan on Sunday, June 15.",
            SUN,
        );
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-17".into()));
        assert_eq!(val(&v, "Sunday, June 15"), Some("2025-06-15".into()));
        let v = times("They offered to resume talks already on Wednesday.", SUN);
        assert_eq!(val(&v, "Wednesday"), Some("2025-06-18".into()));
        // A passive after a modal points forward; after "was" it points back.
        let v = times("Funerals will be held on Friday. A vigil was held on Thursday.", SUN);
        assert_eq!(val(&v, "Friday"), Some("2025-06-20".into()));
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
    }

    #[test]
    fn relative_expressions() {
        let v = times(
            "The truce starts tomorrow, June 16th. Today rebels fled; yesterday they fought. \
             Talks resume next week after last month and earlier this month; a deal is due next month. \
             Strikes may follow in the coming days, and prices are now high.",
            SUN,
        );
        assert_eq!(val(&v, "tomorrow"), Some("2025-06-16".into()));
        assert_eq!(val(&v, "June 16th"), Some("2025-06-16".into()));
        assert_eq!(val(&v, "Today"), Some("2025-06-15".into()));
        assert_eq!(val(&v, "yesterday"), Some("2025-06-14".into()));
        assert_eq!(val(&v, "next week"), Some("2025-W25".into()));
        assert_eq!(val(&v, "last month"), Some("2025-05".into()));
        assert_eq!(val(&v, "earlier this month"), Some("2025-06".into()));
        assert_eq!(val(&v, "next month"), Some("2025-07".into()));
        assert_eq!(val(&v, "the coming days"), Some("FUTURE_REF".into()));
        assert_eq!(val(&v, "now"), Some("PRESENT_REF".into()));
    }

    #[test]
    fn years_ranges_and_times() {
        let v = times(
            "Since 2019 the border was shut from midnight June 8 until midnight on June 11. \
             Flights halt June 12 to 13 and resume at 10 a.m. or 14:30.",
            SUN,
        );
        assert_eq!(val(&v, "2019"), Some("2019".into()));
        assert_eq!(val(&v, "midnight June 8"), Some("2025-06-08T24:00".into()));
        assert_eq!(val(&v, "midnight on June 11"), Some("2025-06-11T24:00".into()));
        assert_eq!(val(&v, "June 12"), Some("2025-06-12".into()));
        assert_eq!(val(&v, "13"), Some("2025-06-13".into()));
        assert_eq!(val(&v, "10 a.m."), Some("2025-06-15T10:00".into()));
        assert_eq!(val(&v, "14:30"), Some("2025-06-15T14:30".into()));
        assert!(v.iter().any(|x| x.0 == "midnight June 8" && x.1 == TimeType::Time));
    }

    #[test]
    fn durations_and_sets() {
        let v = times(
            "A 30-day pause and a three-day truce lasted two weeks as the war entered its third year. \
             Inspectors come every week.",
            SUN,
        );
        assert_eq!(val(&v, "30-day"), Some("P30D".into()));
        assert_eq!(val(&v, "three-day"), Some("P3D".into()));
        assert_eq!(val(&v, "two weeks"), Some("P2W".into()));
        assert_eq!(val(&v, "third year"), Some("P3Y".into()));
        assert_eq!(val(&v, "every week"), Some("P1W".into()));
        assert!(v.iter().any(|x| x.0 == "every week" && x.1 == TimeType::Set));
        assert!(v.iter().any(|x| x.0 == "30-day" && x.1 == TimeType::Duration));
        let v = times("It happened two weeks ago.", SUN);
        assert_eq!(val(&v, "two weeks ago"), Some("2025-W22".into()));
    }

    #[test]
    fn quarters_and_the_quarter_under_discussion() {
        let p = Some("2025-10-24"); // a Friday in the fourth quarter
        let v = times(
            "Northwind said third-quarter profit rose. In the third quarter, sales grew 4% from a \
             year earlier. The latest quarter was weak, and the year-ago quarter was strong. \
             In the 2024 period it lost money; the fourth quarter of 2023 was flat.",
            p,
        );
        assert_eq!(val(&v, "third-quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "the third quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "a year earlier"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "The latest quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "the year-ago quarter"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "the 2024 period"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "the fourth quarter of 2023"), Some("2023-Q4".into()));
        let v = times("Sales for the quarter ended June 30 rose; a year ago they fell.", p);
        assert_eq!(val(&v, "the quarter"), Some("2025-Q2".into()));
        assert_eq!(val(&v, "a year ago"), Some("2024-Q2".into()));
        // Without talk of quarters, "a year ago" is last year.
        let v = times("The mayor took office a year ago.", p);
        assert_eq!(val(&v, "a year ago"), Some("2024".into()));
    }

    #[test]
    fn forecast_quarters_and_longer_periods() {
        let p = Some("2025-10-24");
        // A quarter still running at publication is a forecast, not the quarter reported.
        let v = times(
            "Brightwell said the storm will cause a fourth-quarter charge. In the latest quarter, \
             profit fell from a year ago.",
            p,
        );
        assert_eq!(val(&v, "fourth-quarter"), Some("2025-Q4".into()));
        assert_eq!(val(&v, "the latest quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "a year ago"), Some("2024-Q3".into()));
        // Reported in the past tense, it is the quarter under discussion.
        let v = times("Orlen Foods reported fourth-quarter profit; a year earlier it lost.", p);
        assert_eq!(val(&v, "a year earlier"), Some("2024-Q4".into()));
        // Nine months compared with a year earlier: last year.
        let v = times(
            "Tessam's third-quarter sales rose. For the nine months, profit rose from a year \
             earlier.",
            p,
        );
        assert_eq!(val(&v, "a year earlier"), Some("2024".into()));
    }

    #[test]
    fn weekday_direction_decisions() {
        // A tense cue decides ("said Monday" → back).
        let v = times("The ministry said Monday that talks had stalled.", SUN);
        assert_eq!(val(&v, "Monday"), Some("2025-06-09".into()));
        let d = decisions("Until Thursday, they had not named a suspect.", &[], None);
        assert!(d.is_empty(), "no publication date, no direction to decide: {d:?}");
        let text = "Until Thursday, they had not named a suspect.";
        let d = decisions(text, &sentences::split(text), "2025-06-15".parse().ok());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].kind, DecisionKind::WeekdayDirection);
        assert_eq!(d[0].values[0].as_deref(), Some("2025-06-12"));
        assert_eq!(d[0].values[1].as_deref(), Some("2025-06-19"));
        assert!(d[0].features.iter().any(|f| f == "p1=until"));
    }

    #[test]
    fn years_decades_seasons_and_fiscal_years() {
        let v = times(
            "After its 2019 merger the firm grew through the 1990s and early 2000s; in fiscal 2024 \
             it earned $2019 million, up 2021%. Last fall it hired; this summer it sells.",
            SUN,
        );
        assert_eq!(val(&v, "2019"), Some("2019".into()));
        assert_eq!(val(&v, "the 1990s"), Some("199".into()));
        assert_eq!(val(&v, "early 2000s"), Some("200X".into()));
        assert_eq!(val(&v, "fiscal 2024"), Some("2024".into()));
        assert!(v.iter().all(|x| x.0 != "2021"), "a percentage is not a year: {v:?}");
        assert_eq!(val(&v, "Last fall"), Some("2024-FA".into()));
        assert_eq!(val(&v, "this summer"), Some("2025-SU".into()));
    }

    #[test]
    fn durations_with_modifiers_and_ages() {
        let v = times(
            "Over the past two months, and for the next few days, the 9-year-old girl waited; \
             the dispute lasted two decades and could run for a week or twenty-four hours.",
            SUN,
        );
        assert_eq!(val(&v, "the past two months"), Some("P2M".into()));
        assert_eq!(val(&v, "the next few days"), Some("PXD".into()));
        assert_eq!(val(&v, "two decades"), Some("P20Y".into()));
        assert_eq!(val(&v, "a week"), Some("P1W".into()));
        assert_eq!(val(&v, "twenty-four hours"), Some("PT24H".into()));
        assert!(v.iter().all(|x| !x.0.contains("9-year")), "an age is not a duration: {v:?}");
    }

    #[test]
    fn parts_of_days_weekends_and_clock_times_with_weekdays() {
        let v = times(
            "Police arrived this morning after shots last night. The rally was held over the \
             weekend, and the polls close at 10 p.m. Tuesday. Results came Friday night. The \
             future is unclear.",
            SUN,
        );
        assert_eq!(val(&v, "this morning"), Some("2025-06-15TMO".into()));
        assert_eq!(val(&v, "last night"), Some("2025-06-14TNI".into()));
        assert_eq!(val(&v, "the weekend"), Some("2025-W24-WE".into()));
        // "the polls close … Tuesday": a schedule in the present points forward.
        assert_eq!(val(&v, "10 p.m. Tuesday"), Some("2025-06-17T22:00".into()));
        assert_eq!(val(&v, "Friday night"), Some("2025-06-13".into()));
        assert_eq!(val(&v, "The future"), Some("FUTURE_REF".into()));
    }

    #[test]
    fn year_of_a_date_without_one_follows_tense() {
        let p = Some("2025-02-10");
        let v = times("The ship sank in November. Talks resume in March. It ends Feb. 20.", p);
        assert_eq!(val(&v, "November"), Some("2024-11".into()));
        assert_eq!(val(&v, "March"), Some("2025-03".into()));
        assert_eq!(val(&v, "Feb. 20"), Some("2025-02-20".into()));
        let v = times(
            "The treaty was signed in October this year and takes effect January next year.",
            p,
        );
        assert_eq!(val(&v, "October this year"), Some("2025-10".into()));
        assert_eq!(val(&v, "January next year"), Some("2026-01".into()));
    }

    #[test]
    fn undated_article_keeps_text_fixed_values() {
        let v = times("The 1998 third quarter and fiscal 2003 ended; March 4, 2001 too.", None);
        assert_eq!(val(&v, "The 1998 third quarter"), Some("1998-Q3".into()));
        assert_eq!(val(&v, "fiscal 2003"), Some("2003".into()));
        assert_eq!(val(&v, "March 4, 2001"), Some("2001-03-04".into()));
    }

    #[test]
    fn years_said_in_words() {
        let v = times(
            "Marta Vell recalled the flood of nineteen ninety-six, the storms of January nineteen \
             eighty-two and the winter of nineteen seventy-nine; a levy is promised by the year \
             two thousand and ten.",
            SUN,
        );
        assert_eq!(val(&v, "nineteen ninety-six"), Some("1996".into()));
        assert_eq!(val(&v, "January nineteen eighty-two"), Some("1982-01".into()));
        assert_eq!(val(&v, "the winter of nineteen seventy-nine"), Some("1979-WI".into()));
        assert_eq!(val(&v, "the year two thousand and ten"), Some("2010".into()));
        let v = times("The fund raised two thousand dollars.", SUN);
        assert!(v.is_empty(), "a count is not a year: {v:?}");
    }

    #[test]
    fn public_holidays() {
        let p = Some("2025-12-10");
        let v = times(
            "The ferry sank on Thanksgiving Day. Crews will rest at Christmas, and the mayor \
             of Dunmore faces voters on Election Day.",
            p,
        );
        assert_eq!(val(&v, "Thanksgiving Day"), Some("2025-11-27".into()));
        assert_eq!(val(&v, "Christmas"), Some("2025-12-25".into()));
        assert_eq!(val(&v, "Election Day"), Some("2025-11-04".into()));
        let v = times("Ona Brisk was rescued last Thanksgiving.", Some("2026-01-12"));
        assert_eq!(val(&v, "last Thanksgiving"), Some("2025-11-27".into()));
        assert!(times("Eastern Airlines flew on.", p).is_empty());
    }

    #[test]
    fn the_year_and_fiscal_years() {
        let p = Some("2025-10-24");
        let v = times(
            "Korvane earned $4 million for the year ended June 30. Sales for the full year \
             should rise, and margins will improve throughout the fiscal year.",
            p,
        );
        assert_eq!(val(&v, "the year"), Some("P1Y".into()));
        assert!(v.iter().any(|x| x.0 == "the year" && x.1 == TimeType::Duration));
        assert_eq!(val(&v, "the full year"), Some("2025".into()));
        assert_eq!(val(&v, "the fiscal year"), Some("P1Y".into()));
        let v = times("Profit fell from the year before and the year-earlier level.", p);
        assert!(v.iter().all(|x| x.0 != "the year"), "{v:?}");
    }

    #[test]
    fn present_past_and_future_references() {
        let v = times(
            "Under the current rules, set at the then current rate, rallies are held almost \
             daily. In the past, Tolvia traded in the near future's shadow; Kestrel Daily \
             reported the past two weeks.",
            SUN,
        );
        assert_eq!(val(&v, "current"), Some("PRESENT_REF".into()));
        assert_eq!(val(&v, "then current"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "daily"), Some("P1D".into()));
        assert!(v.iter().any(|x| x.0 == "daily" && x.1 == TimeType::Set));
        assert!(v.iter().all(|x| x.0 != "Daily"), "a newspaper's name: {v:?}");
        assert_eq!(val(&v, "the past"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "the near future"), Some("FUTURE_REF".into()));
        assert_eq!(val(&v, "the past two weeks"), Some("P2W".into()));
        let v = times("The current quarter is weak, prices are high these days.", SUN);
        assert!(v.iter().all(|x| x.0 != "current"), "{v:?}");
        assert_eq!(val(&v, "these days"), Some("PRESENT_REF".into()));
    }

    #[test]
    fn vague_spans() {
        let v = times(
            "The Halden mill stood idle for years; repairs come within weeks. In recent months \
             orders fell, and in recent years prices rose. Rates may fall in coming months. \
             It will not change for a couple of years; the crew worked 2 1/2 years and \
             5 1/2 hours a day.",
            SUN,
        );
        assert_eq!(val(&v, "years"), Some("PXY".into()));
        assert_eq!(val(&v, "weeks"), Some("PXW".into()));
        assert_eq!(val(&v, "recent months"), Some("PXM".into()));
        assert_eq!(val(&v, "recent years"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "coming months"), Some("FUTURE_REF".into()));
        assert_eq!(val(&v, "a couple of years"), Some("P2Y".into()));
        assert_eq!(val(&v, "2 1/2 years"), Some("P2Y6M".into()));
        assert_eq!(val(&v, "5 1/2 hours"), Some("PT5H30M".into()));
        let v = times("Ferns grew for years-old trees; it ended years ago.", SUN);
        assert!(v.iter().all(|x| x.0 != "years"), "{v:?}");
    }

    #[test]
    fn weekday_cues() {
        let v = times(
            "Envoy Rusa Kell could arrive as early as Thursday. Lawyers sought to overturn \
             Wednesday's ruling. Mr. Pell will succeed Ms. Dray on Tuesday.",
            SUN,
        );
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        assert_eq!(val(&v, "Wednesday"), Some("2025-06-11".into()));
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-17".into()));
        // "the offer" and "a record set" are nouns and participles, not intentions.
        let v = times(
            "Brannock launched the offer on Friday. The index is near its record set on Monday.",
            SUN,
        );
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
        assert_eq!(val(&v, "Monday"), Some("2025-06-09".into()));
        // An infinitive after a past verb carries the day forward; a destination does not.
        let v = times("Both sides agreed to hold talks on Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        let v = times("Both sides agreed to hold direct talks in Karsk on Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        let v = times("The envoy returned to Karsk on Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        // "United" is a name, not a past tense.
        let v = times("Dr. Amal Reyes would be flying to the United States Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
    }

    #[test]
    fn references_to_a_year_or_day_just_named() {
        let v = times(
            "Teodor Lusk fled in June 2019 and returned later that year. On May 22, 2020, he \
             was promoted, and the following year he retired. Earlier that day he spoke.",
            SUN,
        );
        assert_eq!(val(&v, "later that year"), Some("2019".into()));
        assert_eq!(val(&v, "the following year"), Some("2021".into()));
        assert_eq!(val(&v, "Earlier that day"), Some("2020-05-22".into()));
        let v = times("Traders lost money that day.", SUN);
        assert!(v.is_empty(), "nothing to refer to: {v:?}");
    }

    #[test]
    fn non_ascii_text_around_new_rules() {
        let v = times(
            "Zoë’s café in Šibenik closed for years — «throughout the 1990s» — and reopened \
             on Valentine’s Day, mid-1996’s échéance aside.",
            SUN,
        );
        assert_eq!(val(&v, "years"), Some("PXY".into()));
        assert_eq!(val(&v, "Valentine’s Day"), Some("2025-02-14".into()));
        assert!(v.iter().any(|x| x.0 == "the 1990s" && x.1 == TimeType::Duration), "{v:?}");
        // Non-breaking spaces and dashes before a date, a quarter and a weekday evening.
        let v = times(
            "Ventas 9 —\u{a0}from Oct. 3 — after a weak\u{a0}second quarter; \
             ended\u{a0}Oct.\u{a0}31, «Friday\u{a0}evening» past\u{a0}years.",
            SUN,
        );
        assert!(!v.is_empty());
    }

    #[test]
    fn coming_dates_in_past_tense_sentences() {
        let p = Some("2025-10-24");
        let v = times(
            "Velmar declared a dividend payable Dec. 15 to holders of record Nov. 20. The pact \
             signed in spring takes effect with pay rises effective June 1. The bid was extended \
             to Nov. 30. The mayor gave no reason for the Nov. 12 deadline. Ledo said sales fell \
             in March.",
            p,
        );
        assert_eq!(val(&v, "Dec. 15"), Some("2025-12-15".into()));
        assert_eq!(val(&v, "Nov. 20"), Some("2025-11-20".into()));
        assert_eq!(val(&v, "June 1"), Some("2026-06-01".into()));
        assert_eq!(val(&v, "Nov. 30"), Some("2025-11-30".into()));
        assert_eq!(val(&v, "Nov. 12"), Some("2025-11-12".into()));
        assert_eq!(val(&v, "March"), Some("2025-03".into()));
        let v = times("The Orvik plant closed in August.", Some("2025-05-02"));
        assert_eq!(val(&v, "August"), Some("2024-08".into()));
    }

    #[test]
    fn clock_times_with_dates_and_midday() {
        let p = Some("2025-10-24");
        let v = times("The offer runs until 5 p.m. EST, Nov. 6, and the vote is at midday.", p);
        assert_eq!(val(&v, "5 p.m. EST, Nov. 6"), Some("2025-11-06T17:00".into()));
        assert_eq!(val(&v, "midday"), Some("2025-10-24T12:00".into()));
    }

    #[test]
    fn fractions_titles_and_odd_years() {
        let v = times(
            "Tavel imports about three-quarters of its grain and more than a quarter of its oil, \
             near its quarter-century low; the index closed at 2082.1. Rena Oss spoke on \
             \"This Week\" about the 20th century, the mid-1990s, mid-1996 and the nineties. \
             The deal should close by year end. Pilgrims come each July. Today is the eighth \
             day of the strike.",
            SUN,
        );
        assert!(v.iter().all(|x| !x.0.contains("quarter")), "fractions: {v:?}");
        assert!(v.iter().all(|x| x.0 != "2082"), "{v:?}");
        assert!(v.iter().all(|x| x.0 != "This Week"), "a programme: {v:?}");
        assert_eq!(val(&v, "the 20th century"), Some("19".into()));
        assert_eq!(val(&v, "mid-1996"), Some("1996".into()));
        assert_eq!(val(&v, "the nineties"), Some("199".into()));
        assert_eq!(val(&v, "year end"), Some("2025".into()));
        assert_eq!(val(&v, "each July"), Some("XXXX-07".into()));
        assert!(v.iter().any(|x| x.0 == "each July" && x.1 == TimeType::Set));
        assert_eq!(val(&v, "eighth day"), Some("2025-06-15".into()));
        let v = times("They met in his fifties.", SUN);
        assert!(v.is_empty(), "an age: {v:?}");
    }

    #[test]
    fn fiscal_quarters_follow_the_company_calendar() {
        // "the fiscal first quarter", then "the quarter ended Sept. 27": the company's first
        // quarter is the calendar's third, and later quarters are numbered the company's way.
        let p = Some("2025-10-23");
        let v = times(
            "Harlow Instruments said it earned $4 million in the fiscal first quarter. Sales \
             for the quarter ended Sept. 27 rose 8%. In the 2024 period it lost money. Orders \
             grew in the quarter, and the company expects a stronger second quarter.",
            p,
        );
        assert_eq!(val(&v, "the fiscal first quarter"), Some("2025-Q1".into()));
        assert_eq!(val(&v, "the quarter"), Some("2025-Q1".into()));
        assert_eq!(val(&v, "the 2024 period"), Some("2024-Q1".into()));
        // A quarter reported as ended takes the year of its end, a day told as past included.
        let v = times(
            "In the year-ago quarter, the second quarter ended Oct. 31, Pemberly had a loss. \
             Results for that quarter included a charge.",
            p,
        );
        assert_eq!(val(&v, "Oct. 31"), Some("2024-10-31".into()));
        assert_eq!(val(&v, "the second quarter"), Some("2024-Q2".into()));
        assert_eq!(val(&v, "that quarter"), Some("2024-Q2".into()));
        // Without any fiscal marker, "the quarter ended Sept. 30" is the calendar's third.
        let v = times("For the quarter ended Sept. 30, Dunmore earned $2 million.", p);
        assert_eq!(val(&v, "the quarter"), Some("2025-Q3".into()));
    }

    #[test]
    fn a_quarter_named_in_passing_is_not_the_one_reported() {
        let p = Some("2025-10-23");
        let v = times(
            "Corvane posted higher third-quarter profit. After a weak second quarter, sales \
             recovered. Costs in the year-earlier period were high, and in the 2025 period \
             taxes were lower than for the corresponding period last year.",
            p,
        );
        assert_eq!(val(&v, "second quarter"), Some("2025-Q2".into()));
        assert_eq!(val(&v, "the year-earlier period"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "the 2025 period"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "the corresponding period last year"), Some("2024-Q3".into()));
    }

    #[test]
    fn evenings_of_named_days_and_vague_past_years() {
        let v = times(
            "Marchers gathered Friday evening in Osk. The index rose over the past year. \
             Mills closed several years ago, and strikes were common in past years.",
            SUN,
        );
        assert_eq!(val(&v, "Friday evening"), Some("2025-06-13TEV".into()));
        assert!(v.iter().any(|x| x.0 == "Friday evening" && x.1 == TimeType::Time));
        assert_eq!(val(&v, "the past year"), Some("2024".into()));
        assert_eq!(val(&v, "several years ago"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "past years"), Some("PAST_REF".into()));
    }

    #[test]
    fn days_in_a_past_perfect_clause_point_back() {
        let v = times("Until Thursday, the police had not named a suspect.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        let v = times("The tender had been due to expire Thursday; it was extended.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        let v = times("The offer is open until Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
    }

    #[test]
    fn announced_days_in_a_sunday_article_point_forward() {
        for sentence in [
            "Both sides agreed on Saturday to hold talks on Thursday.",
            "Envoys said on Saturday that talks will begin on Thursday in Osk.",
            "The two ministers are due to meet on Thursday.",
            "Talks are scheduled for Thursday, officials said.",
            "A truce agreed last week is set to take effect on Thursday.",
            "Negotiators, who arrived on Friday, are expected to sign the deal on Thursday.",
            "The vote, planned for Thursday, was confirmed on Saturday.",
        ] {
            let v = times(sentence, SUN);
            assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()), "{sentence}");
        }
    }

    /// Issue 15, dates: a "could" of past ability (perception, being reached, negated) tells of
    /// a day gone by; a "could" of possibility still points forward.
    #[test]
    fn could_of_past_ability_points_back() {
        const SAT: Option<&str> = Some("2025-06-14"); // a Saturday
        let v = times("Heavy shelling could be heard on Friday across the Drava valley.", SAT);
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
        let v = times("Residents of Ostrel could see the smoke on Tuesday.", SAT);
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-10".into()));
        let v = times("A spokesman for Varen Mining could not be reached on Wednesday.", SAT);
        assert_eq!(val(&v, "Wednesday"), Some("2025-06-11".into()));
        let v = times("The owners couldn't be located Thursday.", SAT);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        // Possibility: forward, as before.
        let v = times("The Pellan council could vote on Tuesday.", SAT);
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-17".into()));
        let v = times("The accord could be signed on Monday.", SAT);
        assert_eq!(val(&v, "Monday"), Some("2025-06-16".into()));
        let v = times("The Ostrel miners will meet on Friday.", SAT);
        assert_eq!(val(&v, "Friday"), Some("2025-06-20".into()));
    }

    /// Issue 15, dates: weekday and month words inside proper names are not dates.
    #[test]
    fn weekday_and_month_words_in_names_are_not_dates() {
        let v = times("The Sunday Clarion reported that the mayor of Ostrel resigned.", SUN);
        assert!(v.is_empty(), "{v:?}");
        let v = times("Editors at the Friday Ledger said the story was accurate.", SUN);
        assert!(v.is_empty(), "{v:?}");
        let v =
            times("April Kessler, a teacher in Varrow, joined the annual March for Dignity.", SUN);
        assert!(v.is_empty(), "{v:?}");
        let v = times(
            "Organisers of the Women's March said turnout beat the March of the Lanterns.",
            SUN,
        );
        assert!(v.is_empty(), "{v:?}");
        let v = times("Fans call it March Madness.", SUN);
        assert!(v.is_empty(), "{v:?}");
        // Dates stay dates.
        let v = times("The Sunday vote in Ostrel was close. Talks resumed in March, and on Sunday Kessler spoke.", SUN);
        assert_eq!(val(&v, "Sunday"), Some("2025-06-15".into()));
        assert_eq!(val(&v, "March"), Some("2025-03".into()));
        let v = times("Shares of Varen fell in April. March sales rose.", SUN);
        assert_eq!(val(&v, "April"), Some("2025-04".into()));
        assert_eq!(val(&v, "March"), Some("2025-03".into()));
    }

    /// Issue 15, dates: a named day ("Good Friday", "Super Tuesday"), a title read "X on
    /// Sunday" and a weekday inside a run of capitalised words are not the weekday of a date.
    #[test]
    fn named_days_and_titles_with_weekdays_are_not_dates() {
        let v = times("Editors of the Mail on Sunday said the Velmar story was sound.", SUN);
        assert!(v.is_empty(), "{v:?}");
        let v =
            times("Negotiators revisited the Good Friday accord, and Super Tuesday loomed.", SUN);
        assert!(v.is_empty(), "{v:?}");
        let v = times("Delegates of the Harbour Friday Forum met in Osk.", SUN);
        assert!(v.is_empty(), "{v:?}");
        // A name before the weekday and a verb after it: a date.
        let v = times("Mayor Ilse Varga Friday opened the Osk bridge.", SUN);
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
        let v = times("Dalia Ostrova on Sunday said Kessler would run.", SUN);
        assert_eq!(val(&v, "Sunday"), Some("2025-06-15".into()));
        // A sentence that opens with a capitalised word is no name run.
        let v = times("Officials met. Tuesday Kessler spoke again.", SUN);
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-10".into()));
    }

    /// Issue 15, dates: a plan told in the past ("was due to start on Friday") is over, and a
    /// "could" of past ability a few words away still reads as one.
    #[test]
    fn plans_told_in_the_past_point_back() {
        const SAT: Option<&str> = Some("2025-06-14"); // a Saturday
        let v = times("The truce in Ostrel, which was due to start on Friday, collapsed.", SAT);
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
        let v = times("The envoy was supposed to land in Osk on Wednesday.", SAT);
        assert_eq!(val(&v, "Wednesday"), Some("2025-06-11".into()));
        let v = times("The Varrow vote was scheduled for Thursday but was postponed.", SAT);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        // Reported plans keep pointing forward, as do plans in the present.
        let v = times("Aides said the talks were due to begin on Monday.", SAT);
        assert_eq!(val(&v, "Monday"), Some("2025-06-16".into()));
        let v = times("The talks are due to begin on Monday.", SAT);
        assert_eq!(val(&v, "Monday"), Some("2025-06-16".into()));
        let v = times(
            "Residents said blasts could be heard as far away as the Ostrel dam on Friday.",
            SAT,
        );
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
        let v = times("Shelling could also be heard late on Friday near Osk.", SAT);
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
    }

    /// Issue 15, dates: a coming change told in the present of a report ("the levy goes up on
    /// October 1", "fares rise", "the rules come into force") or in a clause reported after
    /// "that" with its own future ("announced that from October 1, fares would rise") is this
    /// year's, not last year's.
    #[test]
    fn reported_coming_changes_keep_their_year() {
        const JUL: Option<&str> = Some("2025-07-10");
        for (sentence, date) in [
            ("The Varrow Courier said the ferry levy goes up on October 1.", "October 1"),
            ("The ministry announced that from October 1, ferry fares would rise.", "October 1"),
            ("Under the law passed last week, Ostrel pensions increase on October 1.", "October 1"),
            ("Officials said the new toll rules come into force on October 1.", "October 1"),
        ] {
            let v = times(sentence, JUL);
            assert_eq!(val(&v, date), Some("2025-10-01".into()), "{sentence}");
        }
        // A month alone in a reported clause too.
        let v = times("The Ostrel regulator announced that from October, tolls would fall.", JUL);
        assert_eq!(val(&v, "October"), Some("2025-10".into()));
        // Told as done, or with a past in the reported clause: last year's.
        let v = times("The Varrow levy was introduced on October 1.", JUL);
        assert_eq!(val(&v, "October 1"), Some("2024-10-01".into()));
        let v = times("Officials said that on October 1 the Ostrel plant had closed.", JUL);
        assert_eq!(val(&v, "October 1"), Some("2024-10-01".into()));
        // A plural form after a past copula is no scheduled change.
        let v = times("Shops in Osk were open on Sunday.", JUL);
        assert_eq!(val(&v, "Sunday"), Some("2025-07-06".into()));
    }

    /// Two days of a month joined by "and", a record "set on" a day, a year before 1900 after
    /// a preposition, "hourly", "as long as a month", and a meeting told in the present.
    #[test]
    fn day_pairs_old_years_and_scheduled_meetings() {
        const SAT: Option<&str> = Some("2025-06-14");
        let v = times("The Osk summit is held on April 24 and 25 in Varrow.", SAT);
        assert_eq!(val(&v, "April 24"), Some("2025-04-24".into()));
        assert_eq!(val(&v, "25"), Some("2025-04-25".into()));
        let v = times("Prices since April 24 and 25 people have left.", SAT);
        assert!(v.iter().all(|x| x.0 != "25"), "{v:?}");
        let v = times("The index is near the record high set on Aug. 6.", Some("2025-02-06"));
        assert_eq!(val(&v, "Aug. 6"), Some("2024-08-06".into()));
        let v = times("Osk won its freedom in 1898. Varrow sent 1500 troops in 1500 boats.", SAT);
        assert_eq!(val(&v, "1898"), Some("1898".into()));
        assert!(v.iter().all(|x| x.0 != "1500"), "{v:?}");
        let v = times(
            "Hourly wages rose; average hourly pay too. It could take as long as a month.",
            SAT,
        );
        assert_eq!(val(&v, "hourly"), Some("PT1H".into()));
        assert_eq!(val(&v, "a month"), Some("P1M".into()));
        let v = times("The two envoys meet separately Monday with Kessler.", SAT);
        assert_eq!(val(&v, "Monday"), Some("2025-06-16".into()));
        let v = times("The tender had been scheduled to expire at midnight Friday.", SAT);
        assert_eq!(val(&v, "midnight Friday"), Some("2025-06-13T24:00".into()));
    }

    /// "the following month" refers to the month named before; "the past decade" is ten years
    /// up to now; "will one day" is some day to come.
    #[test]
    fn following_months_past_decades_and_one_day() {
        let v = times(
            "Ostrel Mills hired advisers in March 2024. The following month it put itself up \
             for sale, and later that month it fired them.",
            SUN,
        );
        assert_eq!(val(&v, "The following month"), Some("2024-04".into()));
        assert_eq!(val(&v, "later that month"), Some("2024-04".into()));
        let v = times("Rents rose over the past decade. Varrow will one day be a city.", SUN);
        assert_eq!(val(&v, "the past decade"), Some("P10Y".into()));
        assert_eq!(val(&v, "one day"), Some("FUTURE_REF".into()));
        let v = times("The strike lasted one day.", SUN);
        assert_eq!(val(&v, "one day"), Some("P1D".into()));
        let v = times("Traders were busy that month.", SUN);
        assert!(v.is_empty(), "nothing to refer to: {v:?}");
    }

    /// Issue 15, dates: "early", "late", "mid" belong to the expression (TimeML extents).
    #[test]
    fn modifiers_are_inside_the_extent() {
        let v = times("The Ostrel plant closed in early December and reopened late Tuesday.", SUN);
        assert_eq!(val(&v, "early December"), Some("2024-12".into()));
        assert_eq!(val(&v, "late Tuesday"), Some("2025-06-10".into()));
        let v = times("Prices peaked in mid-1990 and again in late 2003.", SUN);
        assert_eq!(val(&v, "mid-1990"), Some("1990".into()));
        assert_eq!(val(&v, "late 2003"), Some("2003".into()));
        // "the late" is a person who has died, not a time.
        let v = times("The widow of the late Tuesday Okoro spoke.", SUN);
        assert!(v.iter().all(|t| !t.0.starts_with("late")), "{v:?}");
    }

    /// Issue 15, dates: a span of years is two years, never a year and a month.
    #[test]
    fn year_ranges_are_two_years() {
        let v = times("Varrow won the 2009-10 title and the 1957–58 cup; the war of 1939-1945 and the 1998/99 season too.", SUN);
        let got: Vec<(&str, Option<String>)> =
            v.iter().map(|x| (x.0.as_str(), x.2.as_ref().map(ToString::to_string))).collect();
        for (text, value) in [
            ("2009", "2009"),
            ("10", "2010"),
            ("1957", "1957"),
            ("58", "1958"),
            ("1939", "1939"),
            ("1945", "1945"),
            ("1998", "1998"),
            ("99", "1999"),
        ] {
            assert!(got.contains(&(text, Some(value.into()))), "{text} → {value} not in {got:?}");
        }
        // An ISO date and a year-month stay what they are; a score is no range.
        let v = times("Filed 2009-10-01. Sales were 2012-08 figures. It cost $1990-95.", SUN);
        assert_eq!(val(&v, "2009-10-01"), Some("2009-10-01".into()));
        assert!(!v.iter().any(|x| x.0 == "08" || x.0 == "95"), "{v:?}");
    }

    /// Issue 15, dates: a present simple of a scheduled change points forward even in a report
    /// told in the past ("on October 1" in a July article about a coming change is this year's,
    /// not last year's); a day right after the verb of saying is still the day of saying.
    #[test]
    fn scheduled_present_points_forward_in_a_past_report() {
        const JUL: Option<&str> = Some("2025-07-10");
        let v = times("The Varrow ministry said the levy on ferries rises on October 1.", JUL);
        assert_eq!(val(&v, "October 1"), Some("2025-10-01".into()));
        let v = times("The Varrow ministry said the levy on ferries rose on March 1.", JUL);
        assert_eq!(val(&v, "March 1"), Some("2025-03-01".into()));
        let v = times("The ministry said on Tuesday that fares would rise.", JUL);
        assert_eq!(val(&v, "Tuesday"), Some("2025-07-08".into()));
        let v = times("Kessler told reporters on Monday the strike was over.", JUL);
        assert_eq!(val(&v, "Monday"), Some("2025-07-07".into()));
        let v = times("The ministry said the new toll takes effect on September 15.", JUL);
        assert_eq!(val(&v, "September 15"), Some("2025-09-15".into()));
        let v = times("Officials said the Ostrel museum reopens on Friday.", JUL);
        assert_eq!(val(&v, "Friday"), Some("2025-07-11".into()));
    }
}
