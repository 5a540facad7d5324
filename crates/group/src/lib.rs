//! Grouping: links copies (exact and near-duplicate) to their original and clusters articles that
//! report the same event into stories, online: each new article joins a story or starts one.
//!
//! Pure in-memory state ([`Grouper`]); the caller restores it from the store and persists the
//! [`Features`] and [`Grouping`] it returns.

use serde::{Deserialize, Serialize};
use storyline_model::{Article, ArticleId, Grouping};

/// What grouping needs to remember about an article (persisted by the store as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Features {}

/// Computes an analysed article's grouping features.
pub fn features(article: &Article) -> Features {
    let _ = article;
    Features::default()
}

/// The online grouping state.
#[derive(Debug, Default)]
pub struct Grouper {}

impl Grouper {
    pub fn new() -> Self {
        Self::default()
    }
    /// Re-adds an article grouped in an earlier run, keeping its grouping as it was.
    pub fn restore(&mut self, id: &ArticleId, features: Features, grouping: &Grouping) {
        let _ = (id, features, grouping);
    }
    /// Groups a new article: links it to a copy it duplicates, and puts it in a story.
    pub fn add(&mut self, id: &ArticleId, features: Features) -> Grouping {
        let _ = (id, features);
        Grouping { story: Some(id.clone()), ..Default::default() }
    }
}
