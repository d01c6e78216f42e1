//! The automation that keeps the API's target group in step with the EKS-owned ENIs: the
//! EventBridge rules that fire it, the Lambda functions they invoke, how those functions
//! ran, and the CloudTrail trails without which API-call events never reach EventBridge.

pub mod pattern;
pub mod trail;

pub use trail::{AdvancedSelector, BasicSelector, FieldSelector, Trail, TrailSelectors};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The CloudTrail event name of an ENI's creation: what a registration rule must match.
pub const ENI_CREATED: &str = "CreateNetworkInterface";

/// One EventBridge rule on the default bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRule {
    pub name: String,
    pub arn: String,
    /// `ENABLED`, `DISABLED`, `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    pub state: String,
    /// The event pattern as JSON text, for a rule on events.
    pub pattern: Option<String>,
    /// `rate(15 minutes)` or `cron(...)`, for a scheduled rule.
    pub schedule: Option<String>,
    pub description: Option<String>,
}

impl EventRule {
    pub fn enabled(&self) -> bool {
        self.state.to_ascii_uppercase().starts_with("ENABLED")
    }

    pub fn scheduled(&self) -> bool {
        self.schedule
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty())
    }

    /// The pattern, parsed; `None` for a scheduled rule or a pattern that is not JSON.
    pub fn parsed_pattern(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.pattern.as_deref()?).ok()
    }

    /// Whether the rule is meant for ENI creations: its pattern names the event, or lets
    /// an EKS ENI creation through.
    pub fn watches_eni_creation(&self) -> bool {
        let Some(text) = self.pattern.as_deref() else {
            return false;
        };
        text.contains(ENI_CREATED)
            || self.parsed_pattern().is_some_and(|p| {
                pattern::matches(&p, &pattern::eni_created_event("", None)).is_ok()
            })
    }

    /// A rule the automation could be made of: on ENI creations, or on a schedule.
    pub fn candidate(&self) -> bool {
        self.scheduled() || self.watches_eni_creation()
    }
}

/// One target of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTarget {
    pub rule: String,
    pub id: String,
    pub arn: String,
}

impl RuleTarget {
    /// The Lambda function's name, when the target is one:
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
    pub fn function_name(&self) -> Option<&str> {
        lambda_name(&self.arn)
    }
}

/// The function name in a Lambda function ARN.
pub fn lambda_name(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    let (Some("arn"), _, Some("lambda")) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let mut rest = parts.skip(2);
    match (rest.next(), rest.next()) {
        (Some("function"), Some(name)) if !name.is_empty() => Some(name),
        _ => None,
    }
}

/// A Lambda function's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub arn: String,
    /// `Active`, `Pending`, `Inactive`, `Failed`.
    pub state: Option<String>,
    pub state_reason: Option<String>,
    /// `Successful`, `Failed`, `InProgress`.
    pub last_update_status: Option<String>,
    pub role: Option<String>,
    pub environment: BTreeMap<String, String>,
}

impl Function {
    /// Whether the function can run: not `Inactive` or `Failed`, nor failed to update.
    pub fn runnable(&self) -> bool {
        let bad = |s: &Option<String>| {
            s.as_deref().is_some_and(|s| {
                s.eq_ignore_ascii_case("failed") || s.eq_ignore_ascii_case("inactive")
            })
        };
        !bad(&self.state) && !bad(&self.last_update_status)
    }

    /// The target group ARNs its environment names.
    pub fn target_groups(&self) -> Vec<&str> {
        self.environment
            .values()
            .flat_map(|v| v.split([',', ' ', ';']))
            .filter(|v| v.contains(":targetgroup/"))
            .collect()
    }

    /// Whether its name or environment mentions any of `words` (a target group's ARN or
    /// name, the cluster's name).
    pub fn refers_to(&self, words: &[&str]) -> bool {
        words
            .iter()
            .filter(|w| w.len() >= 3)
            .any(|w| self.name.contains(w) || self.environment.values().any(|v| v.contains(w)))
    }
}

/// A function's invocations and errors over a window, from CloudWatch (`AWS/Lambda`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionRuns {
    pub function: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The period of the sums, each dated by its start.
    pub period_secs: i64,
    /// Sums per period that had any, oldest first.
    pub invocations: Vec<(DateTime<Utc>, f64)>,
    pub errors: Vec<(DateTime<Utc>, f64)>,
}

impl FunctionRuns {
    pub fn total_invocations(&self) -> u64 {
        sum(&self.invocations)
    }

    pub fn total_errors(&self) -> u64 {
        sum(&self.errors)
    }

    pub fn last_invocation(&self) -> Option<DateTime<Utc>> {
        last(&self.invocations)
    }

    pub fn last_error(&self) -> Option<DateTime<Utc>> {
        last(&self.errors)
    }

    /// The latest period in which some invocation did not error.
    pub fn last_success(&self) -> Option<DateTime<Utc>> {
        self.invocations
            .iter()
            .filter(|(at, n)| {
                let errs = self
                    .errors
                    .iter()
                    .find(|(t, _)| t == at)
                    .map_or(0.0, |(_, e)| *e);
                *n > errs
            })
            .map(|(at, _)| *at)
            .max()
    }

    /// The window in hours, for evidence.
    pub fn hours(&self) -> i64 {
        (self.until - self.since).num_hours().max(1)
    }
}

fn sum(points: &[(DateTime<Utc>, f64)]) -> u64 {
    points.iter().map(|(_, v)| v.max(0.0)).sum::<f64>().round() as u64
}

fn last(points: &[(DateTime<Utc>, f64)]) -> Option<DateTime<Utc>> {
    points
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(at, _)| *at)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: Option<&str>, schedule: Option<&str>) -> EventRule {
        EventRule {
            name: "r".into(),
            arn: "arn:aws:events:eu-west-1:1:rule/r".into(),
            state: "ENABLED".into(),
            pattern: pattern.map(str::to_string),
            schedule: schedule.map(str::to_string),
            description: None,
        }
    }

    #[test]
    fn lambda_names_come_from_function_arns_only() {
        assert_eq!(
            lambda_name("arn:aws:lambda:eu-west-1:1:function:reg"),
            Some("reg")
        );
        assert_eq!(
            lambda_name("arn:aws:lambda:eu-west-1:1:function:reg:live"),
            Some("reg")
        );
        assert_eq!(lambda_name("arn:aws:sqs:eu-west-1:1:queue"), None);
        assert_eq!(lambda_name("reg"), None);
    }

    #[test]
    fn candidates_are_eni_creation_patterns_and_schedules() {
        let eni = r#"{"detail":{"eventName":["CreateNetworkInterface"]}}"#;
        assert!(rule(Some(eni), None).candidate());
        // No event name but lets EC2 API calls through: still one.
        assert!(rule(Some(r#"{"source":["aws.ec2"]}"#), None).candidate());
        assert!(!rule(Some(r#"{"source":["aws.s3"]}"#), None).candidate());
        assert!(rule(None, Some("rate(15 minutes)")).candidate());
        assert!(!rule(None, None).candidate());
    }

    #[test]
    fn runs_tell_last_success_apart_from_last_error() {
        let t = |h: i64| DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::hours(h);
        let r = FunctionRuns {
            function: "f".into(),
            since: t(0),
            until: t(24),
            period_secs: 300,
            invocations: vec![(t(2), 4.0), (t(5), 2.0)],
            errors: vec![(t(5), 2.0)],
        };
        assert_eq!(r.total_invocations(), 6);
        assert_eq!(r.total_errors(), 2);
        assert_eq!(r.last_error(), Some(t(5)));
        assert_eq!(r.last_success(), Some(t(2)));
        assert_eq!(r.hours(), 24);
    }
}
