//! The automation that keeps the API's target group in step: rules, functions, trails.

use super::*;

pub(super) fn automation(d: &Diagnosis) -> Table {
    let a = &d.automation;
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "—".to_string(), |t| t.format("%m-%d %H:%M").to_string())
    };
    let rows = a
        .pieces
        .iter()
        .map(|p| {
            let runs = p.runs.as_ref();
            Row {
                id: format!("{} {}", p.kind, p.name),
                cells: vec![
                    st(p.status, p.status.label()),
                    c(p.kind),
                    cr(&p.name, Role::Accent),
                    c(runs.map_or_else(
                        || "—".to_string(),
                        |r| format!("{}/{}", r.invocations, r.errors),
                    )),
                    c(at(runs.and_then(|r| r.last_success))),
                    c(&p.detail),
                ],
                detail: fields(p),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("STATUS", 9),
            ("KIND", 17),
            ("NAME", 30),
            ("RUNS/ERR", 9),
            ("LAST OK", 11),
            ("DETAIL", 0),
        ],
        rows,
    }
}

/// The section's verdict in words, and what it could not read.
pub(super) fn automation_notes(m: &Model, d: &Diagnosis, now: DateTime<Utc>) -> Vec<Note> {
    use Source as S;
    let a = &d.automation;
    let mut notes = vec![(
        format!("{}: {}", a.status.label().to_uppercase(), a.summary),
        Role::of_status(a.status),
    )];
    notes.extend(
        [
            S::EventRules,
            S::RuleTargets,
            S::Functions,
            S::FunctionRuns,
            S::Trails,
        ]
        .iter()
        .filter_map(|s| source_note(m, *s, now)),
    );
    notes
}
