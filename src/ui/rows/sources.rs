//! The sources table: every catalogue source, how it was last read and what it needs.

use super::*;
use crate::model::{Basis, ErrorKind, SourceStatus};

/// One word for a source's state; `blocked` when an upstream failure kept it from a read.
fn state_word(s: &SourceStatus) -> (&'static str, Role) {
    let blocked = s
        .error
        .is_some_and(|e| matches!(e.kind, ErrorKind::Blocked { .. }));
    match s.state {
        LoadState::Loading => ("loading", Role::Muted),
        LoadState::Loaded => ("loaded", Role::Ok),
        _ if blocked => ("blocked", Role::Unknown),
        LoadState::Stale => ("stale", Role::Warn),
        LoadState::Error => ("failed", Role::Fail),
    }
}

#[derive(Serialize)]
struct Detail<'a> {
    source: &'a str,
    what: &'a str,
    state: &'a str,
    read_at: Option<String>,
    error: Option<String>,
    actions: &'a [&'a str],
    tier: crate::model::Tier,
}

pub(super) fn sources(m: &Model) -> Table {
    let rows = m
        .sources()
        .iter()
        .map(|s| {
            let (word, role) = state_word(s);
            let spec = s.source.spec();
            let read_at = s.fetched_at.map(|at| at.format("%H:%M:%S").to_string());
            let error = s.error.map(|e| e.label());
            Row {
                id: s.name.to_string(),
                cells: vec![
                    cr(s.name, Role::Accent),
                    cr(word, role),
                    c(read_at.clone().unwrap_or_else(|| "—".into())),
                    cr(error.clone().unwrap_or_default(), role),
                    cr(s.api, Role::Muted),
                ],
                detail: fields(&Detail {
                    source: s.name,
                    what: spec.what,
                    state: word,
                    read_at: s.fetched_at.map(|at| at.to_rfc3339()),
                    error: s.error.map(|e| e.to_string()),
                    actions: spec.actions,
                    tier: spec.tier,
                }),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("SOURCE", 21),
            ("STATE", 8),
            ("READ AT", 9),
            ("LAST ERROR", 30),
            ("ACTION", 0),
        ],
        rows,
    }
}

/// The age of every source whose data is stale, per frame (the rows do not know the time).
pub(super) fn notes(m: &Model, now: DateTime<Utc>) -> Vec<Note> {
    let stale: Vec<Note> = Source::ALL
        .iter()
        .filter_map(|&s| {
            let f = m.freshness(Basis::Source(s), now)?;
            let at = f.at.filter(|_| f.stale)?;
            Some((
                format!("{}: data {} old", s.spec().name, age(now, at)),
                Role::Warn,
            ))
        })
        .collect();
    if stale.is_empty() {
        let loading = m
            .sources()
            .iter()
            .filter(|s| s.state == LoadState::Loading)
            .count();
        if loading > 0 {
            return vec![(format!("{loading} source(s) loading…"), Role::Muted)];
        }
    }
    stale
}
