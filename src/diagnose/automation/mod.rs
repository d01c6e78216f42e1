//! Why the targets drift: the automation that should keep the API's target group in step
//! with the EKS-owned ENIs, found and judged piece by piece.
//!
//! Its findings bear on no hop of their own. They explain `targets` while it is not OK, and
//! otherwise count as warnings from elsewhere: the path works now but the next rotation
//! breaks it. What cannot be read leaves this section UNKNOWN and the verdict as it is, since
//! teams may keep the targets right by other means.

mod checks;
mod find;
#[cfg(test)]
mod tests;
mod trails;

use super::ctx::Ctx;
use super::finding::Finding;
use super::path::HopStatus;
use crate::model::automation::FunctionRuns;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One piece of the automation as the operator sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Piece {
    /// `registration-rule`, `cleanup-rule`, `function`, `trail`.
    pub kind: &'static str,
    pub name: String,
    pub status: HopStatus,
    /// What it is and how it reads: state, pattern, schedule, environment.
    pub detail: String,
    /// How it was found.
    pub found_by: String,
    /// A function's runs over the window, when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<Runs>,
}

/// A function's runs, summed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runs {
    pub hours: i64,
    pub invocations: u64,
    pub errors: u64,
    pub last_invocation: Option<DateTime<Utc>>,
    pub last_error: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
}

impl Runs {
    fn of(r: &FunctionRuns) -> Self {
        Self {
            hours: r.hours(),
            invocations: r.total_invocations(),
            errors: r.total_errors(),
            last_invocation: r.last_invocation(),
            last_error: r.last_error(),
            last_success: r.last_success(),
        }
    }

    /// `12 runs, 0 errors in 24 h; last success 10:15 UTC`.
    pub fn text(&self) -> String {
        let at = |t: Option<DateTime<Utc>>| {
            t.map_or_else(
                || "none".to_string(),
                |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
            )
        };
        format!(
            "{} run(s), {} error(s) in {} h; last success {}",
            self.invocations,
            self.errors,
            self.hours,
            at(self.last_success)
        )
    }
}

/// The `automation` section of the diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Automation {
    /// OK, WARN, UNKNOWN (something could not be read), or SKIPPED (no target group on
    /// the path to keep, or no automation found).
    pub status: HopStatus,
    pub summary: String,
    /// The target groups the automation should keep.
    pub target_groups: Vec<String>,
    pub pieces: Vec<Piece>,
    /// What could not be read, naming the source and action.
    pub unknown: Vec<String>,
}

impl Automation {
    fn skipped(summary: impl Into<String>) -> Self {
        Self {
            status: HopStatus::Skipped,
            summary: summary.into(),
            target_groups: Vec::new(),
            pieces: Vec::new(),
            unknown: Vec::new(),
        }
    }
}

/// The section and its findings.
/// `drift` holds the other rules' findings: whether targets are missing beyond the
/// registration's grace is theirs to say.
pub fn judge(ctx: &Ctx, drift: &[Finding]) -> (Automation, Vec<Finding>) {
    match find::find(ctx) {
        Ok(found) => checks::judge(ctx, found, drift),
        Err(section) => (section, Vec::new()),
    }
}
