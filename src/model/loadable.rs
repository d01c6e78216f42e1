//! The state of one remote value: every pane and rule must handle each case.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a source could not deliver. The kind drives what the operator is told to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The caller lacks permission; `action` is the IAM action, e.g. `ec2:DescribeVpcs`.
    AccessDenied {
        action: String,
    },
    Throttled,
    Timeout,
    /// The request never got an answer: refused, name not found, TLS, connect timeout.
    Unreachable,
    NotFound,
    /// Not collected because a source it depends on failed.
    Blocked {
        by: String,
    },
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceError {
    #[serde(flatten)]
    pub kind: ErrorKind,
    pub message: String,
}

impl SourceError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn denied(action: &str) -> Self {
        Self::new(
            ErrorKind::AccessDenied {
                action: action.to_string(),
            },
            format!("not authorized to perform {action}"),
        )
    }

    pub fn timeout(what: &str) -> Self {
        Self::new(ErrorKind::Timeout, format!("{what} did not answer in time"))
    }

    /// `reason` is a few words: "connection refused", "name not found".
    pub fn unreachable(reason: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Unreachable,
            format!("cannot reach AWS: {}", reason.into()),
        )
    }

    /// The few words after "cannot reach AWS: ", for one-line summaries.
    pub fn reason(&self) -> &str {
        self.message
            .strip_prefix("cannot reach AWS: ")
            .unwrap_or(&self.message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn blocked(by: &str) -> Self {
        Self::new(
            ErrorKind::Blocked { by: by.to_string() },
            format!("not collected: {by} failed"),
        )
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other, message)
    }

    /// Short label for panes and reports.
    pub fn label(&self) -> String {
        match &self.kind {
            ErrorKind::AccessDenied { action } => format!("access denied ({action})"),
            ErrorKind::Throttled => "throttled".into(),
            ErrorKind::Timeout => "timed out".into(),
            ErrorKind::Unreachable => "unreachable".into(),
            ErrorKind::NotFound => "not found".into(),
            ErrorKind::Blocked { by } => format!("blocked by {by}"),
            ErrorKind::Other => "error".into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::AccessDenied { action } => write!(f, "access denied: {action}"),
            ErrorKind::Unreachable => f.write_str(&self.message),
            _ => write!(f, "{}: {}", self.label(), self.message),
        }
    }
}

impl std::error::Error for SourceError {}

/// A remote value as the app knows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loadable<T> {
    #[default]
    Loading,
    Loaded {
        value: T,
        at: DateTime<Utc>,
    },
    /// The last refresh failed; `value` is from the earlier success at `at`.
    Stale {
        value: T,
        at: DateTime<Utc>,
        error: SourceError,
    },
    Failed {
        error: SourceError,
        at: DateTime<Utc>,
    },
}

impl<T> Loadable<T> {
    pub fn loaded(value: T, at: DateTime<Utc>) -> Self {
        Self::Loaded { value, at }
    }

    /// Data if any, fresh or stale.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Loaded { value, .. } | Self::Stale { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&SourceError> {
        match self {
            Self::Stale { error, .. } | Self::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// When the data we hold was fetched.
    pub fn fetched_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Loaded { at, .. } | Self::Stale { at, .. } => Some(*at),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Self::Loading)
    }

    /// Merge a refresh result: a failure keeps earlier data as stale.
    pub fn update(&mut self, result: Result<T, SourceError>, now: DateTime<Utc>) {
        let previous = std::mem::take(self);
        *self = match (result, previous) {
            (Ok(value), _) => Self::Loaded { value, at: now },
            (Err(error), Self::Loaded { value, at } | Self::Stale { value, at, .. }) => {
                Self::Stale { value, at, error }
            }
            (Err(error), _) => Self::Failed { error, at: now },
        };
    }

    pub fn state(&self) -> LoadState {
        match self {
            Self::Loading => LoadState::Loading,
            Self::Loaded { .. } => LoadState::Loaded,
            Self::Stale { .. } => LoadState::Stale,
            Self::Failed { .. } => LoadState::Error,
        }
    }
}

/// Where a remote value stands, without the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadState {
    Loading,
    Loaded,
    /// A refresh failed; earlier data is kept.
    Stale,
    /// Failed with no data.
    Error,
}

impl LoadState {
    /// One word, as in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Loading => "loading",
            Self::Loaded => "loaded",
            Self::Stale => "stale",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for LoadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap()
    }

    #[test]
    fn failure_after_success_keeps_data_as_stale() {
        let mut l = Loadable::Loading;
        l.update(Ok(5), t(0));
        l.update(Err(SourceError::timeout("x")), t(10));
        assert_eq!(l.value(), Some(&5));
        assert_eq!(l.fetched_at(), Some(t(0)));
        assert_eq!(l.state(), LoadState::Stale);
        l.update(Err(SourceError::denied("ec2:DescribeVpcs")), t(20));
        assert_eq!(l.value(), Some(&5), "stale stays stale on repeated errors");
        assert!(l.error().unwrap().to_string().contains("ec2:DescribeVpcs"));
    }

    #[test]
    fn failure_without_data_is_failed_and_success_recovers() {
        let mut l: Loadable<i32> = Loadable::Loading;
        l.update(Err(SourceError::not_found("gone")), t(0));
        assert_eq!(l.state(), LoadState::Error);
        assert!(l.value().is_none());
        l.update(Ok(1), t(5));
        assert_eq!(l, Loadable::Loaded { value: 1, at: t(5) });
    }
}
