//! The simulated automation around the API's target group: a trail, the registration rule
//! on ENI creations and the scheduled cleanup rule, their functions, and how those ran,
//! consistent with what the timeline's automation does in each scenario.

use super::ids::{ACCOUNT, CLUSTER, REGION, TG_API_ARN, TG_HOOKS_ARN};
use super::scenario::Scenario;
use super::timeline;
use crate::model::automation::{
    EventRule, Function, FunctionRuns, RuleTarget, Trail, TrailSelectors,
};
use chrono::{DateTime, Duration, DurationRound, Utc};

pub const REGISTRATION_RULE: &str = "demo-private-eni-registration";
pub const CLEANUP_RULE: &str = "demo-private-target-cleanup";
pub const REGISTER_FN: &str = "demo-private-register-targets";
pub const CLEANUP_FN: &str = "demo-private-cleanup-targets";
const TRAIL: &str = "management-events";
/// Cleanup runs every this many minutes.
const CLEANUP_EVERY_MIN: i64 = 15;
const WINDOW_HOURS: i64 = 24;
/// CloudWatch's period for the sums.
const PERIOD_MIN: i64 = 5;

fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

/// What is broken in a scenario's automation.
#[derive(Debug, Clone, Copy, Default)]
struct Faults {
    rules_disabled: bool,
    no_trail: bool,
    registration_errors: bool,
    cleanup_missing: bool,
    cleanup_wrong_group: bool,
}

fn faults(s: Scenario) -> Faults {
    let none = Faults::default();
    match s {
        Scenario::RotationMissed => Faults {
            rules_disabled: true,
            ..none
        },
        Scenario::StaleTarget => Faults {
            cleanup_wrong_group: true,
            ..none
        },
        Scenario::RotationMissedNoTrail => Faults {
            no_trail: true,
            ..none
        },
        Scenario::RotationMissedLambdaErrors => Faults {
            registration_errors: true,
            ..none
        },
        Scenario::StaleCleanupMissing => Faults {
            cleanup_missing: true,
            ..none
        },
        _ => none,
    }
}

pub fn event_rules(s: Scenario) -> Vec<EventRule> {
    let f = faults(s);
    let state = if f.rules_disabled {
        "DISABLED"
    } else {
        "ENABLED"
    };
    let pattern = crate::model::automation::pattern::recommended(CLUSTER);
    let mut rules = vec![
        EventRule {
            name: REGISTRATION_RULE.into(),
            arn: format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{REGISTRATION_RULE}"),
            state: state.into(),
            pattern: Some(pattern),
            schedule: None,
            description: Some("Register new EKS control-plane ENIs with the API NLB".into()),
        },
        EventRule {
            name: "ops-nightly-report".into(),
            arn: format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/ops-nightly-report"),
            state: "ENABLED".into(),
            pattern: None,
            schedule: Some("cron(0 2 * * ? *)".into()),
            description: None,
        },
    ];
    if !f.cleanup_missing {
        rules.push(EventRule {
            name: CLEANUP_RULE.into(),
            arn: format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{CLEANUP_RULE}"),
            state: state.into(),
            pattern: None,
            schedule: Some(format!("rate({CLEANUP_EVERY_MIN} minutes)")),
            description: None,
        });
    }
    rules
}

pub fn rule_targets(s: Scenario) -> Vec<RuleTarget> {
    let target = |rule: &str, arn: String| RuleTarget {
        rule: rule.into(),
        id: "1".into(),
        arn,
    };
    let mut all = vec![
        target(REGISTRATION_RULE, fn_arn(REGISTER_FN)),
        target(
            "ops-nightly-report",
            format!("arn:aws:sns:{REGION}:{ACCOUNT}:ops-reports"),
        ),
    ];
    if !faults(s).cleanup_missing {
        all.push(target(CLEANUP_RULE, fn_arn(CLEANUP_FN)));
    }
    all
}

pub fn functions(s: Scenario) -> Vec<Function> {
    let f = faults(s);
    let function = |name: &str, tg: &str| Function {
        name: name.into(),
        arn: fn_arn(name),
        state: Some("Active".into()),
        state_reason: None,
        last_update_status: Some("Successful".into()),
        role: Some(format!("arn:aws:iam::{ACCOUNT}:role/{name}")),
        environment: [
            ("TARGET_GROUP_ARN".to_string(), tg.to_string()),
            ("CLUSTER_NAME".to_string(), CLUSTER.to_string()),
        ]
        .into(),
    };
    vec![
        function(REGISTER_FN, TG_API_ARN),
        function(
            CLEANUP_FN,
            if f.cleanup_wrong_group {
                TG_HOOKS_ARN
            } else {
                TG_API_ARN
            },
        ),
    ]
}

pub fn trails(s: Scenario) -> Vec<Trail> {
    if faults(s).no_trail {
        return Vec::new();
    }
    vec![Trail {
        name: TRAIL.into(),
        arn: format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"),
        home_region: REGION.into(),
        multi_region: true,
        organization: false,
        logging: Some(true),
        selectors: TrailSelectors::Default,
    }]
}

/// The runs of `names` over the day up to `now`, `elapsed` into the demo.
pub fn runs(
    s: Scenario,
    names: &[String],
    now: DateTime<Utc>,
    elapsed: std::time::Duration,
) -> Vec<FunctionRuns> {
    let f = faults(s);
    let start = now - Duration::milliseconds(timeline::millis(elapsed));
    let since = now - Duration::hours(WINDOW_HOURS);
    let period = Duration::minutes(PERIOD_MIN);
    let bucket = |t: DateTime<Utc>| t.duration_trunc(period).unwrap_or(t);
    let in_window = |t: &DateTime<Utc>| *t >= since && *t <= now;
    names
        .iter()
        .filter(|n| [REGISTER_FN, CLEANUP_FN].contains(&n.as_str()))
        .map(|name| {
            let (times, failing): (Vec<DateTime<Utc>>, bool) = if name == REGISTER_FN {
                // One run per rotation the events reached it for; none without a trail.
                let runs = if f.no_trail || f.rules_disabled {
                    Vec::new()
                } else {
                    timeline::rotation_times(s, timeline::millis(elapsed))
                        .into_iter()
                        .map(|ms| start + Duration::milliseconds(ms))
                        .collect()
                };
                (runs, f.registration_errors)
            } else {
                let runs = if f.rules_disabled || f.cleanup_missing {
                    Vec::new()
                } else {
                    (0..WINDOW_HOURS * 60 / CLEANUP_EVERY_MIN)
                        .map(|k| bucket(now) - Duration::minutes(k * CLEANUP_EVERY_MIN))
                        .collect()
                };
                (runs, false)
            };
            let mut points: Vec<(DateTime<Utc>, f64)> = Vec::new();
            for t in times.into_iter().filter(in_window).map(bucket) {
                match points.iter_mut().find(|(at, _)| *at == t) {
                    Some(p) => p.1 += 1.0,
                    None => points.push((t, 1.0)),
                }
            }
            points.sort_by_key(|p| p.0);
            FunctionRuns {
                function: name.clone(),
                since,
                until: now,
                period_secs: PERIOD_MIN * 60,
                errors: if failing { points.clone() } else { Vec::new() },
                invocations: points,
            }
        })
        .collect()
}

impl super::DemoEnv {
    /// The trail named or ARN'd `arn`, as CloudTrail finds it.
    pub(super) fn trail(&self, arn: &str) -> crate::sources::ApiResult<Trail> {
        self.world()
            .trails
            .into_iter()
            .find(|t| t.arn == arn || t.name == arn)
            .ok_or_else(|| crate::model::SourceError::not_found(format!("Unknown trail: {arn}")))
    }
}
