//! The healthy model with a healthy automation around its target group, and the pieces to
//! break it with.

use super::*;
use crate::model::automation::{
    EventRule, Function, FunctionRuns, RuleTarget, Trail, TrailSelectors,
};

pub const REG_RULE: &str = "eni-registration";
pub const CLEAN_RULE: &str = "target-cleanup";
pub const REG_FN: &str = "register-targets";
pub const CLEAN_FN: &str = "cleanup-targets";

pub fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:eu-west-1:111122223333:function:{name}")
}

pub fn eni_rule(name: &str, pattern: &str) -> EventRule {
    EventRule {
        name: name.into(),
        arn: format!("arn:aws:events:eu-west-1:111122223333:rule/{name}"),
        state: "ENABLED".into(),
        pattern: Some(pattern.into()),
        schedule: None,
        description: None,
    }
}

pub fn scheduled_rule(name: &str, schedule: &str) -> EventRule {
    EventRule {
        pattern: None,
        schedule: Some(schedule.into()),
        ..eni_rule(name, "")
    }
}

pub fn rule_target(rule: &str, arn: &str) -> RuleTarget {
    RuleTarget {
        rule: rule.into(),
        id: "1".into(),
        arn: arn.into(),
    }
}

pub fn function(name: &str, env: &[(&str, &str)]) -> Function {
    Function {
        name: name.into(),
        arn: fn_arn(name),
        state: Some("Active".into()),
        state_reason: None,
        last_update_status: Some("Successful".into()),
        role: None,
        environment: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Runs of `name` over the day to `t0`: one invocation each at these hours before, the
/// ones in `failed` erroring.
pub fn runs(name: &str, hours_ago: &[i64], failed: &[i64]) -> FunctionRuns {
    let at = |h: &i64| t0() - chrono::Duration::hours(*h);
    FunctionRuns {
        function: name.into(),
        since: t0() - chrono::Duration::hours(24),
        until: t0(),
        period_secs: 300,
        invocations: hours_ago.iter().rev().map(|h| (at(h), 1.0)).collect(),
        errors: failed.iter().rev().map(|h| (at(h), 1.0)).collect(),
    }
}

pub fn trail(name: &str) -> Trail {
    Trail {
        name: name.into(),
        arn: format!("arn:aws:cloudtrail:eu-west-1:111122223333:trail/{name}"),
        home_region: "eu-west-1".into(),
        multi_region: true,
        organization: false,
        logging: Some(true),
        selectors: TrailSelectors::Default,
    }
}

/// The documented registration pattern for the testkit's cluster.
pub fn good_pattern() -> String {
    crate::model::automation::pattern::recommended("demo")
}

/// [`healthy`] with a trail, the registration and the cleanup rules and their functions,
/// which ran without error.
pub fn with_automation(mut m: Model) -> Model {
    let at = t0();
    m.apply(
        Fetched::EventRules(Ok(vec![
            eni_rule(REG_RULE, &good_pattern()),
            scheduled_rule(CLEAN_RULE, "rate(15 minutes)"),
            scheduled_rule("nightly-report", "cron(0 2 * * ? *)"),
        ])),
        at,
    );
    m.apply(
        Fetched::RuleTargets(Ok(vec![
            rule_target(REG_RULE, &fn_arn(REG_FN)),
            rule_target(CLEAN_RULE, &fn_arn(CLEAN_FN)),
            rule_target(
                "nightly-report",
                "arn:aws:sns:eu-west-1:111122223333:reports",
            ),
        ])),
        at,
    );
    m.apply(
        Fetched::Functions(Ok(vec![
            function(REG_FN, &[("TARGET_GROUP_ARN", TG)]),
            function(CLEAN_FN, &[("TARGET_GROUP_ARN", TG), ("DRY_RUN", "false")]),
        ])),
        at,
    );
    m.apply(
        Fetched::FunctionRuns(Ok(vec![
            runs(REG_FN, &[6], &[]),
            runs(CLEAN_FN, &[1, 2, 3], &[]),
        ])),
        at,
    );
    m.apply(Fetched::Trails(Ok(vec![trail("management-events")])), at);
    m
}

pub fn edit_rules(m: &mut Model, f: impl FnOnce(&mut Vec<EventRule>)) {
    edit(&mut m.event_rules, f)
}

pub fn edit_functions(m: &mut Model, f: impl FnOnce(&mut Vec<Function>)) {
    edit(&mut m.functions, f)
}
