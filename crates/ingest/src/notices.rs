//! Site notices: the text a web page's furniture leaves in a scrape — newsletter and alert
//! prompts, login and cookie walls, JavaScript warnings, social-widget help ("add a location to
//! your tweets"), video-player errors, comment-box hints, reprint terms, CAPTCHA prompts and
//! web-archive crawl descriptions. None of it is the article, and left in it makes unrelated
//! pages look alike (every page of a site shares its prompts) and leaks into summaries.
//!
//! [`strip`] finds the sentences that carry such a notice (phrases written for a *visitor of a
//! page*: second person, UI verbs, account and subscription words — not topics, so an article
//! *about* newsletters or cookies keeps its sentences) and removes them. When a scrape glued the
//! notice to the article's first words without a sentence break, only the part up to the end of
//! the notice goes. A page that is nothing but notices comes out empty.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use storyline_text::sentences;

/// Phrases of page furniture, case-insensitive. Each names a UI situation, not a news topic.
static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    let phrases = [
        // Newsletters, alerts, subscriptions.
        r"breaking news (?:emails|alerts) get",
        r"get (?:breaking news alerts|daily updates directly to your inbox)",
        r"(?:thank you|thanks) for (?:subscribing|signing up)",
        r"could not subscribe",
        r"invalid email(?: address)?",
        r"delivered (?:weekday|every) mornings?",
        r"directly to your inbox",
        r"sign up for (?:our|the) [\w ]{0,30}newsletters?",
        r"subscribe to (?:our|the) [\w ]{0,30}newsletters?",
        r"not in our deliverable area",
        r"we have sent you a verification email",
        r"please check your (?:email|inbox) (?:to|and)",
        // Accounts, logins, cookies, scripts, CAPTCHAs, ad blockers.
        r"you must (?:log|sign) in to (?:continue|comment|read)",
        r"(?:please )?(?:log|sign) in to continue",
        r"(?:please )?enable (?:cookies|javascript) (?:on|in) your (?:web )?browser",
        r"javascript is (?:disabled|turned off) in your browser",
        r"your browser (?:does not|doesn't) support",
        r"(?:turn off|disable) your ad ?blocker",
        r"enter the characters (?:you see|with black color)",
        // Social widgets and comment boxes.
        r"(?:tweet with|add) a location (?:you can add|to your tweets)",
        r"add location information to your tweets",
        r"this will (?:not )?appear (?:next to all of your comments|anywhere on)",
        r"may edit your comments",
        r"(?:your )?comments may be published",
        r"not all (?:e-?mails|comments) will be published",
        r"(?:leave|post|add) (?:a|your) comment below",
        // Print-edition lines.
        r"a version (?:of this article )?appeared (?:on|in) (?:p|page) ?\d+",
        r"appeared in print on",
        // Video players.
        r"rating is available when the video has been rented",
        r"the interactive transcript could not be loaded",
        r"media playback is unsupported on your device",
        r"please enable javascript to (?:watch|view|play) this",
        r"this feature is not available right now",
        // Reprint terms.
        r"this copy is for your personal,? non-commercial use",
        r"order (?:presentation-ready copies|reprints)",
    ];
    let phrases = phrases.iter().chain(ARCHIVE_PHRASES.iter());
    RegexBuilder::new(&format!(r"(?i)\b(?:{})", phrases.copied().collect::<Vec<_>>().join("|")))
        .dfa_size_limit(NOTICE_DFA_BYTES)
        .build()
        .expect("valid notice pattern")
});

/// The lazy DFA's cache for [`NOTICE`]. The pattern is large (case-insensitive Unicode classes,
/// `[\w ]{0,30}`), and under the default 2 MB the lazy DFA cannot be built at all, so every
/// article was scanned by the PikeVM (13 % of a Reuters ingest, 100× slower than the DFA on
/// ASCII text). A limit, not an allocation: the cache grows only as far as the text needs.
const NOTICE_DFA_BYTES: usize = 16 << 20;

/// Web-archive crawl descriptions: an archive served its page about a crawl instead of the
/// article. When one opens the text, the whole page is the archive's, however long.
const ARCHIVE_PHRASES: [&str; 8] = [
    r"these crawls are part of an effort to archive",
    r"(?:focused|wide|web wide) crawls? (?:are|of|with)",
    r"has been donating (?:their|its) crawl data",
    r"the seed for (?:this|the|wide\w*) (?:crawl|was)",
    r"crawl of outlinks from",
    r"web collections curated by",
    r"part of (?:the )?wayback machine",
    r"added to the wayback machine",
];

static ARCHIVE_PAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:{})", ARCHIVE_PHRASES.join("|"))).expect("valid archive pattern")
});

/// How far into a text an archive phrase makes the whole page an archive page.
const ARCHIVE_LEAD_BYTES: usize = 200;

/// Words in `s`.
fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A sentence that carries a notice but goes on this long after it is a notice glued to the
/// article's own words: only the notice part is removed.
const GLUED_TAIL_WORDS: usize = 25;

/// A page whose text outside its notice sentences is shorter than this, and not more than twice
/// as long as the notices, is a page of notices (the remnants are the notices' own follow-up
/// lines, "Learn more"): it all goes. A short brief with one prompt keeps its text.
const MIN_ARTICLE_WORDS: usize = 40;

/// Where a notice ends in one sentence: `None` when the sentence carries none, else the byte
/// offset up to which it is removed (the whole sentence, or only the notice part of a sentence
/// where the notice is glued to a long run of the article's words).
fn notice_end(sentence: &str) -> Option<usize> {
    let last = NOTICE.find_iter(sentence).last()?;
    let tail = &sentence[last.end()..];
    if word_count(tail) > GLUED_TAIL_WORDS {
        Some(last.end() + notice_clause_end(tail))
    } else {
        Some(sentence.len())
    }
}

/// Removes the site-notice sentences of `text`; returns the text left and the pieces removed.
pub fn strip(text: &str) -> (String, Vec<String>) {
    if !NOTICE.is_match(text) {
        return (text.to_string(), Vec::new());
    }
    if ARCHIVE_PAGE.find(text).is_some_and(|m| m.start() < ARCHIVE_LEAD_BYTES) {
        return (String::new(), vec![tidy(text)]);
    }
    let plan: Vec<(&str, Option<usize>)> = sentences::plain_bounds(text, false)
        .into_iter()
        .map(|(s, e)| (&text[s..e], notice_end(&text[s..e])))
        .collect();
    let (mut inside, mut outside) = (0, 0);
    for &(sentence, end) in &plan {
        let cut = end.unwrap_or(0);
        inside += word_count(&sentence[..cut]);
        outside += word_count(&sentence[cut..]);
    }
    if outside < MIN_ARTICLE_WORDS && 2 * inside >= outside {
        return (String::new(), vec![tidy(text)]);
    }
    let mut kept = String::with_capacity(text.len());
    let mut removed = Vec::new();
    for (sentence, end) in plan {
        let Some(cut) = end else {
            kept.push_str(sentence);
            continue;
        };
        removed.push(sentence[..cut].trim().to_string());
        // Keep the paragraph break that may precede the removed part.
        let body_start = sentence.len() - sentence.trim_start().len();
        kept.push_str(&sentence[..body_start.min(cut)]);
        kept.push_str(sentence[cut..].trim_start());
    }
    (tidy(&kept), removed)
}

/// How far a notice's clause runs into `tail`: up to a `:` or `;`, or a web address, within its
/// first few words; else nothing more.
fn notice_clause_end(tail: &str) -> usize {
    let mut words = 0;
    for (i, c) in tail.char_indices() {
        if c.is_whitespace() && i > 0 && !tail[..i].ends_with(char::is_whitespace) {
            words += 1;
            if words > 8 {
                break;
            }
        }
        if matches!(c, ':' | ';') {
            return i + 1;
        }
    }
    // A web address ends the notice ("… visit www.example.com the article starts").
    if let Some(www) = tail.split_whitespace().take(10).find(|w| w.starts_with("www.")) {
        if let Some(pos) = tail.find(www) {
            return pos + www.len();
        }
    }
    0
}

/// Collapses the blank runs removal leaves behind, keeping paragraph breaks.
fn tidy(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_only_notices_comes_out_empty() {
        let page = "These crawls are part of an effort to archive pages as they are created. \
                    The seed for this crawl was a list of hosts. Focused crawls are collections \
                    of frequently-updated data. Learn more about it on our help page.";
        let (kept, removed) = strip(page);
        assert_eq!(kept, "");
        assert_eq!(removed.len(), 1);
    }

    #[test]
    fn leading_and_trailing_prompts_go_and_the_article_stays() {
        let article = "The Varlow dam burst on Monday after a week of rain, flooding three \
                       villages in the valley below. Rescuers from Ostrand reached the area by \
                       boat and carried forty residents to a school on higher ground, where the \
                       regional council opened a shelter.";
        let page = format!(
            "Breaking news emails get breaking news alerts and special reports. {article}\n\n\
             Tweet with a location you can add location information to your tweets."
        );
        let (kept, removed) = strip(&page);
        assert_eq!(kept, article);
        assert_eq!(removed.len(), 2);
    }

    #[test]
    fn an_archive_page_goes_whole_however_long() {
        let about = "The archive keeps copies of the pages a site links to, so that a reader can \
                     still follow a reference after the original has changed. ";
        let page =
            format!("These crawls are part of an effort to archive the web. {}", about.repeat(4));
        assert_eq!(strip(&page).0, "");
    }

    #[test]
    fn a_short_brief_with_one_prompt_keeps_its_text() {
        let page = "Sign up for our newsletter. The Harwick ferry will stop running on Friday \
                    after the operator lost its licence, the port authority said.";
        let (kept, _) = strip(page);
        assert!(kept.starts_with("The Harwick ferry"), "{kept}");
    }

    #[test]
    fn a_notice_glued_to_the_lead_loses_only_itself() {
        let page = "Reprints: this copy is for your personal, non-commercial use only; the \
                    mayor of Tellin announced on Tuesday that the city's tram network will be \
                    extended to the airport by the end of next year, at a cost of 40 million. \
                    Work on the four-kilometre line is to start in the spring, once the national \
                    rail agency has approved the route through the industrial park, and the \
                    first trams should run before the summer season of the following year.";
        let (kept, _) = strip(page);
        assert!(kept.starts_with("the mayor of Tellin announced"), "{kept}");
    }

    #[test]
    fn articles_about_newsletters_or_cookies_keep_their_sentences() {
        let text = "The regulator fined the Brevik Post for tracking readers with cookies. \
                    Its newsletter, which has 40,000 subscribers, will close. Readers were \
                    asked to enable cookies before the change, the ruling said.";
        let (kept, removed) = strip(text);
        assert_eq!(kept, text);
        assert!(removed.is_empty());
    }
}
