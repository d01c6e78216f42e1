//! Reading `check --output json` documents in tests.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeSet;

/// Ids of the warn and fail findings.
pub fn problems(doc: &Value) -> BTreeSet<String> {
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["id"].as_str().expect("finding id").to_string())
        .collect()
}

/// The status of a hop, or `absent` when the route has no such hop.
pub fn hop_status<'a>(doc: &'a Value, name: &str) -> &'a str {
    doc["hops"]
        .as_array()
        .expect("hops array")
        .iter()
        .find(|h| h["name"] == name)
        .map_or("absent", |h| h["status"].as_str().expect("hop status"))
}
