//! The closed sets of names the model uses: each a Rust enum whose JSON form is the exact name the
//! contract has always printed (`"site notice"`, `"html-meta"`, `"date"`, `"CONSULT"`), so stored
//! rows and outputs read the same; `as_str` gives that name and `FromStr` reads it back.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A name that is not one of a kind's values (from [`FromStr`] on any enum of this module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The enum the name was read as ("EventType").
    pub kind: &'static str,
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}", self.name, self.kind)
    }
}

impl std::error::Error for UnknownName {}

/// Declares an enum whose values serialise as the given names, with `ALL`, `as_str`, `Display`,
/// `FromStr` and an order by name, over the same one table.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name as printed in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        /// Ordered by name, as the strings these values replaced were.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// Formats as the name's string does (width and precision included).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName { kind: stringify!($name), name: s.to_string() }),
                }
            }
        }
    };
}

named_enum! {
    /// What kind of boilerplate the cleaner dropped (`Removed::kind`).
    RemovedKind {
        /// Metadata header lines (title, date, outlet) above the body.
        Header = "header",
        /// The title repeated in the body.
        RepeatedTitle = "repeated title",
        /// A glued "title+outlet+author" line at the end.
        Trailer = "trailer",
        /// A closing author line.
        Byline = "byline",
        /// Headlines of other articles.
        Teaser = "teaser",
        /// A sentence written for the page's visitor (newsletter prompt, cookie wall, …).
        SiteNotice = "site notice",
        /// An editor's note about the article.
        EditorsNote = "editor's note",
    }
}

named_enum! {
    /// Where an article's publication date came from (`Article::published_origin`).
    DateOrigin {
        /// The input record's own date field.
        Record = "record",
        /// A metadata header line of scraped text.
        Header = "header",
        /// JSON-LD `datePublished`.
        JsonLd = "json-ld",
        /// A `<meta>` publication date.
        HtmlMeta = "html-meta",
        /// A `<time>` element.
        HtmlTime = "html-time",
        /// A date in the page's URL.
        Url = "url",
        /// JSON-LD `dateModified` (no publication date given).
        JsonLdModified = "json-ld-modified",
        /// A `<meta>` modification date (no publication date given).
        HtmlMetaModified = "html-meta-modified",
        /// The feed entry's date.
        Feed = "feed",
        /// The WARC record's capture date.
        WarcDate = "warc-date",
        /// Given on the command line (`analyze --published`).
        Argument = "argument",
    }
}

named_enum! {
    /// What two conflicting claims differ in (`Conflict::kind`).
    #[derive(Default)]
    ConflictKind {
        /// Reports written before kinds were recorded (the JSON `""`).
        #[default]
        Unspecified = "",
        Date = "date",
        Number = "number",
        Description = "description",
        Attribution = "attribution",
        /// A claim contradicting what the article itself lets one compute.
        Internal = "internal",
    }
}

named_enum! {
    /// PLOVER event types (`Event::kind`).
    EventType {
        Agree = "AGREE",
        Consult = "CONSULT",
        Support = "SUPPORT",
        Concede = "CONCEDE",
        Cooperate = "COOPERATE",
        Aid = "AID",
        Retreat = "RETREAT",
        Request = "REQUEST",
        Demand = "DEMAND",
        Accuse = "ACCUSE",
        Disapprove = "DISAPPROVE",
        Reject = "REJECT",
        Threaten = "THREATEN",
        Protest = "PROTEST",
        Sanction = "SANCTION",
        Mobilize = "MOBILIZE",
        Coerce = "COERCE",
        Assault = "ASSAULT",
        Fight = "FIGHT",
        Investigate = "INVESTIGATE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value's JSON form is its name, and the name reads back as the value.
    #[test]
    fn names_round_trip_through_json_and_from_str() {
        fn check<T>(all: &[T])
        where
            T: Copy + PartialEq + fmt::Debug + fmt::Display + FromStr + Serialize,
            T: for<'de> Deserialize<'de>,
            <T as FromStr>::Err: fmt::Debug,
        {
            for &v in all {
                let json = serde_json::to_string(&v).unwrap();
                assert_eq!(json, format!("\"{v}\""));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
                assert_eq!(v.to_string().parse::<T>().unwrap(), v);
            }
        }
        check(RemovedKind::ALL);
        check(DateOrigin::ALL);
        check(ConflictKind::ALL);
        check(EventType::ALL);
        assert_eq!(serde_json::to_string(&RemovedKind::EditorsNote).unwrap(), "\"editor's note\"");
        assert!("NONE".parse::<EventType>().is_err());
    }
}
