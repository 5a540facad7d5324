//! JSON and JSON Lines records: one object, an array of objects, or one object per line. Each
//! record carries `text` or `html` plus optional `id`, `url`, `title`, `published`, `source`,
//! `author`, `language`. A bad record is one error; the others still come through.

use crate::dates::parse_date;
use crate::IngestError;
use serde_json::{Map, Value};

/// One JSON record's fields, as read (body not yet cleaned).
#[derive(Debug, Default, Clone)]
pub struct Record {
    pub id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub language: Option<String>,
}

impl Record {
    /// The record's `published`, parsed; `Err` carries the unparsable value.
    pub fn published_date(&self) -> Result<Option<jiff::civil::Date>, String> {
        match self.published.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_date(s).map(Some).ok_or_else(|| s.to_string()),
        }
    }
}

/// "invalid JSON at line N: message" from a serde_json error (line offset by `line0`).
pub fn json_error(e: &serde_json::Error, line0: usize) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    format!("invalid JSON at line {}: {}", e.line() + line0, msg)
}

fn string_field(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => {
            // e.g. "author": ["A", "B"]
            let parts: Vec<String> =
                a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// Reads one record from a JSON value.
pub fn record_from_value(v: &Value) -> Result<Record, String> {
    let Value::Object(obj) = v else {
        return Err("record is not a JSON object".into());
    };
    let r = Record {
        id: string_field(obj, "id"),
        url: string_field(obj, "url"),
        title: string_field(obj, "title"),
        text: string_field(obj, "text"),
        html: string_field(obj, "html"),
        published: string_field(obj, "published"),
        source: string_field(obj, "source"),
        author: string_field(obj, "author"),
        language: string_field(obj, "language"),
    };
    if r.text.is_none() && r.html.is_none() {
        return Err("record has neither `text` nor `html`".into());
    }
    Ok(r)
}

/// A whole JSON document: one object, or an array of objects (named `name[i]`).
pub fn parse_json(name: &str, text: &str) -> Vec<(String, Result<Record, IngestError>)> {
    let err = |input: String, reason: String| Err(IngestError { input, reason });
    match serde_json::from_str::<Value>(text) {
        Err(e) => vec![(name.to_string(), err(name.to_string(), json_error(&e, 0)))],
        Ok(Value::Array(items)) => {
            if items.is_empty() {
                return vec![(name.to_string(), err(name.to_string(), "empty input".into()))];
            }
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let n = format!("{name}[{i}]");
                    let r = record_from_value(v)
                        .map_err(|reason| IngestError { input: n.clone(), reason });
                    (n, r)
                })
                .collect()
        }
        Ok(v) => {
            let r = record_from_value(&v)
                .map_err(|reason| IngestError { input: name.to_string(), reason });
            vec![(name.to_string(), r)]
        }
    }
}

/// JSON Lines: each non-empty line one object, named `name:LINE`.
pub fn parse_jsonl(name: &str, text: &str) -> Vec<(String, Result<Record, IngestError>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let n = format!("{name}:{}", i + 1);
            let r =
                jsonl_record(line, i).map_err(|reason| IngestError { input: n.clone(), reason });
            (n, r)
        })
        .collect()
}

/// One line of JSON Lines (`line0` lines before it), read as a record.
pub fn jsonl_record(line: &str, line0: usize) -> Result<Record, String> {
    match serde_json::from_str::<Value>(line) {
        Err(e) => Err(json_error(&e, line0)),
        Ok(v) => record_from_value(&v),
    }
}
