//! EventBridge, Lambda, CloudWatch and CloudTrail: the automation that keeps the API's
//! target group in step with the ENIs. Read-only calls only; a function is never invoked.

use super::errors::source_error;
use crate::model::automation::{
    AdvancedSelector, BasicSelector, EventRule, FieldSelector, Function, FunctionRuns, RuleTarget,
    Trail, TrailSelectors,
};
use crate::sources::ApiResult;
use chrono::{DateTime, Duration, Utc};

/// The window of invocations and errors read for each function.
const WINDOW_HOURS: i64 = 24;
/// CloudWatch period of those sums: fine enough to date the last run.
const PERIOD_SECONDS: i32 = 300;

pub async fn event_rules(events: &aws_sdk_eventbridge::Client) -> ApiResult<Vec<EventRule>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = events
            .list_rules()
            .event_bus_name("default")
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| source_error("events:ListRules", e))?;
        out.extend(page.rules().iter().map(|r| {
            EventRule {
                name: r.name().unwrap_or_default().to_string(),
                arn: r.arn().unwrap_or_default().to_string(),
                state: r
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                pattern: r.event_pattern().map(str::to_string),
                schedule: r.schedule_expression().map(str::to_string),
                description: r.description().map(str::to_string),
            }
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

pub async fn rule_targets(
    events: &aws_sdk_eventbridge::Client,
    rule: &str,
) -> ApiResult<Vec<RuleTarget>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = events
            .list_targets_by_rule()
            .rule(rule)
            .event_bus_name("default")
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| source_error("events:ListTargetsByRule", e))?;
        out.extend(page.targets().iter().map(|t| RuleTarget {
            rule: rule.to_string(),
            id: t.id().to_string(),
            arn: t.arn().to_string(),
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

pub async fn function(lambda: &aws_sdk_lambda::Client, arn: &str) -> ApiResult<Function> {
    let f = lambda
        .get_function_configuration()
        .function_name(arn)
        .send()
        .await
        .map_err(|e| source_error("lambda:GetFunctionConfiguration", e))?;
    Ok(Function {
        name: f.function_name().unwrap_or_default().to_string(),
        arn: f.function_arn().unwrap_or(arn).to_string(),
        state: f.state().map(|s| s.as_str().to_string()),
        state_reason: f.state_reason().map(str::to_string),
        last_update_status: f.last_update_status().map(|s| s.as_str().to_string()),
        role: f.role().map(str::to_string),
        environment: f
            .environment()
            .and_then(|e| e.variables())
            .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
    })
}

fn smithy_time(t: DateTime<Utc>) -> aws_sdk_cloudwatch::primitives::DateTime {
    aws_sdk_cloudwatch::primitives::DateTime::from_secs(t.timestamp())
}

pub async fn function_runs(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    names: &[String],
) -> ApiResult<Vec<FunctionRuns>> {
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    let until = Utc::now();
    let since = until - Duration::hours(WINDOW_HOURS);
    let query = |i: usize, metric: &str, name: &str| {
        MetricDataQuery::builder()
            .id(format!("{}{i}", metric.to_ascii_lowercase()))
            .metric_stat(
                MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace("AWS/Lambda")
                            .metric_name(metric)
                            .dimensions(
                                Dimension::builder()
                                    .name("FunctionName")
                                    .value(name)
                                    .build(),
                            )
                            .build(),
                    )
                    .period(PERIOD_SECONDS)
                    .stat("Sum")
                    .build(),
            )
            .return_data(true)
            .build()
    };
    let mut runs: Vec<FunctionRuns> = names
        .iter()
        .map(|n| FunctionRuns {
            function: n.clone(),
            since,
            until,
            period_secs: i64::from(PERIOD_SECONDS),
            invocations: Vec::new(),
            errors: Vec::new(),
        })
        .collect();
    // 500 queries a call at most: two per function.
    for (chunk_no, chunk) in names.chunks(250).enumerate() {
        let mut req = cloudwatch
            .get_metric_data()
            .start_time(smithy_time(since))
            .end_time(smithy_time(until));
        for (j, name) in chunk.iter().enumerate() {
            let i = chunk_no * 250 + j;
            req = req
                .metric_data_queries(query(i, "Invocations", name))
                .metric_data_queries(query(i, "Errors", name));
        }
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| source_error("cloudwatch:GetMetricData", e))?;
            for r in page.metric_data_results() {
                let id = r.id().unwrap_or_default();
                let (kind, index) =
                    id.split_at(id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len()));
                let Some(run) = index
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < runs.len())
                    .map(|i| &mut runs[i])
                else {
                    continue;
                };
                let points = r.timestamps().iter().zip(r.values()).filter_map(|(t, v)| {
                    DateTime::<Utc>::from_timestamp(t.secs(), 0).map(|t| (t, *v))
                });
                match kind {
                    "invocations" => run.invocations.extend(points),
                    "errors" => run.errors.extend(points),
                    _ => {}
                }
            }
        }
    }
    for r in &mut runs {
        r.invocations.sort_by_key(|p| p.0);
        r.errors.sort_by_key(|p| p.0);
    }
    Ok(runs)
}

pub async fn trails(cloudtrail: &aws_sdk_cloudtrail::Client) -> ApiResult<Vec<Trail>> {
    let out = cloudtrail
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| source_error("cloudtrail:DescribeTrails", e))?;
    Ok(out
        .trail_list()
        .iter()
        .map(|t| Trail {
            name: t.name().unwrap_or_default().to_string(),
            arn: t.trail_arn().unwrap_or_default().to_string(),
            home_region: t.home_region().unwrap_or_default().to_string(),
            multi_region: t.is_multi_region_trail().unwrap_or(false),
            organization: t.is_organization_trail().unwrap_or(false),
            logging: None,
            selectors: TrailSelectors::Default,
        })
        .collect())
}

pub async fn trail_logging(cloudtrail: &aws_sdk_cloudtrail::Client, arn: &str) -> ApiResult<bool> {
    let out = cloudtrail
        .get_trail_status()
        .name(arn)
        .send()
        .await
        .map_err(|e| source_error("cloudtrail:GetTrailStatus", e))?;
    Ok(out.is_logging().unwrap_or(false))
}

pub async fn trail_selectors(
    cloudtrail: &aws_sdk_cloudtrail::Client,
    arn: &str,
) -> ApiResult<TrailSelectors> {
    let out = cloudtrail
        .get_event_selectors()
        .trail_name(arn)
        .send()
        .await
        .map_err(|e| source_error("cloudtrail:GetEventSelectors", e))?;
    let strings = |xs: &[String]| xs.to_vec();
    if !out.advanced_event_selectors().is_empty() {
        return Ok(TrailSelectors::Advanced(
            out.advanced_event_selectors()
                .iter()
                .map(|s| AdvancedSelector {
                    name: s.name().map(str::to_string),
                    fields: s
                        .field_selectors()
                        .iter()
                        .map(|f| FieldSelector {
                            field: f.field().to_string(),
                            equals: strings(f.equals()),
                            not_equals: strings(f.not_equals()),
                            starts_with: strings(f.starts_with()),
                            not_starts_with: strings(f.not_starts_with()),
                            ends_with: strings(f.ends_with()),
                            not_ends_with: strings(f.not_ends_with()),
                        })
                        .collect(),
                })
                .collect(),
        ));
    }
    if out.event_selectors().is_empty() {
        return Ok(TrailSelectors::Default);
    }
    Ok(TrailSelectors::Basic(
        out.event_selectors()
            .iter()
            .map(|s| BasicSelector {
                read_write: s
                    .read_write_type()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_else(|| "All".into()),
                management: s.include_management_events().unwrap_or(true),
                excluded_sources: strings(s.exclude_management_event_sources()),
            })
            .collect(),
    ))
}
