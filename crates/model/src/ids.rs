//! Identifiers: articles, stories and storylines each have their own id type, so one cannot be
//! passed where another is meant. Each is a string on the wire (`#[serde(transparent)]`): the JSON
//! contract and the stored rows are the plain id.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// Declares a string id newtype with the conversions every id shares. It dereferences to `str`
/// (read-only, so prefix matching and slicing read as before) and borrows as `str` (so a map keyed
/// by ids is searched with a `&str`).
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        /// Formats as the string does (width and precision included).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

string_id! {
    /// Content-addressed article id (hex, 16 chars): the same input always gets the same id.
    ArticleId
}

string_id! {
    /// Story id: the id of the story's first article; stable across re-runs.
    StoryId
}

string_id! {
    /// Storyline id: the id of the storyline's first story (so a story that starts no longer
    /// thread is its own storyline).
    StorylineId
}

impl StoryId {
    /// The story that an article starts (a story is named by its first article).
    pub fn started_by(article: &ArticleId) -> Self {
        StoryId(article.0.clone())
    }
}

impl StorylineId {
    /// The storyline that a story starts.
    pub fn started_by(story: &StoryId) -> Self {
        StorylineId(story.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let id = ArticleId::new("0123456789abcdef");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0123456789abcdef\"");
        let back: ArticleId = serde_json::from_str("\"0123456789abcdef\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string(), "0123456789abcdef");
        assert_eq!(format!("{:<6}|{:.2}", StoryId::new("ab"), StoryId::new("abc")), "ab    |ab");
    }

    #[test]
    fn a_map_keyed_by_ids_is_searched_with_a_str() {
        let map: HashMap<StoryId, u32> = [(StoryId::new("s1"), 1)].into();
        assert_eq!(map.get("s1"), Some(&1));
        assert!(StoryId::new("abcdef").starts_with("abc"));
        assert_eq!(StorylineId::started_by(&StoryId::new("s1")), "s1");
    }
}
