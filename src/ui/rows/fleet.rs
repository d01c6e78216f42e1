//! `:clusters`: every cluster of the fleet, the region or the kubeconfig, with the verdict
//! a background check last gave it. Enter on a row switches the view to it.

use super::*;
use crate::model::fleet::{MemberCheck, MemberOutcome};

fn status_of(word: &str) -> HopStatus {
    match word {
        "ok" => HopStatus::Ok,
        "warn" => HopStatus::Warn,
        "fail" => HopStatus::Fail,
        _ => HopStatus::Unknown,
    }
}

/// The verdict cell and the summary of one member; the one on screen is judged live.
fn verdict(check: Option<&MemberCheck>) -> (Cell, String) {
    match check.map(|c| &c.outcome) {
        None => (cr("… queued", Role::Muted), String::new()),
        Some(MemberOutcome::Judged { verdict, summary }) => (
            st(status_of(verdict), verdict.to_uppercase()),
            summary.clone(),
        ),
        Some(MemberOutcome::Failed { error }) => (cr("? unreadable", Role::Unknown), error.clone()),
    }
}

pub(super) fn clusters(m: &Model, d: &Diagnosis) -> Table {
    let current = m.fleet.current.as_deref();
    let rows = m
        .fleet
        .members
        .iter()
        .map(|member| {
            let here = current == Some(member.name.as_str());
            let (cell, summary) = if here {
                (
                    st(d.verdict, d.verdict.label().to_uppercase()),
                    d.summary.clone(),
                )
            } else {
                verdict(member.checked.as_ref())
            };
            let checked = if here {
                "live".to_string()
            } else {
                member
                    .checked
                    .as_ref()
                    .map(|c| c.at.format("%H:%M:%S").to_string())
                    .unwrap_or_else(|| "—".into())
            };
            Row {
                id: member.name.clone(),
                cells: vec![
                    cr(if here { "*" } else { "" }, Role::Accent),
                    cr(member.name.clone(), Role::Accent),
                    cell,
                    c(checked),
                    cr(member.origin.clone(), Role::Muted),
                    cr(summary, Role::Text),
                ],
                detail: fields(member),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("", 1),
            ("CLUSTER", 26),
            ("VERDICT", 9),
            ("CHECKED", 8),
            ("FROM", 14),
            ("SUMMARY", 0),
        ],
        rows,
    }
}

pub(super) fn notes(m: &Model) -> Vec<Note> {
    if m.fleet.is_empty() {
        return vec![(
            "no other cluster to switch to: give --fleet FILE, or a region or kubeconfig with more than one".into(),
            Role::Muted,
        )];
    }
    vec![(
        "Enter switches the view to a cluster; the others are checked in the background, one at a time".into(),
        Role::Muted,
    )]
}
