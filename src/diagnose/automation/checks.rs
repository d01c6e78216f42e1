//! Each piece of the automation against what it must be, as findings and pieces.

use super::find::Found;
use super::{Automation, HopStatus, Piece, Runs};
use crate::diagnose::ctx::Ctx;
use crate::diagnose::finding::{Finding, HopName, Severity, list};
use crate::model::Source;
use crate::model::automation::pattern::{self, EniFacts};
use crate::model::automation::{EventRule, Function, RuleTarget};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// What the findings explain while it is not OK.
pub(super) const EXPLAINS: &[HopName] = &[HopName::Targets];

pub(super) fn finding(
    id: &'static str,
    severity: Severity,
    resource: impl Into<String>,
    evidence: impl Into<String>,
    fix: impl Into<String>,
) -> Finding {
    Finding::new(id, severity, None, resource, evidence, fix).explaining(EXPLAINS)
}

pub(super) struct Judging<'c, 'a> {
    pub(super) ctx: &'c Ctx<'a>,
    pub(super) found: &'c Found<'a>,
    pub(super) cluster: String,
    pub(super) region: String,
    pub(super) findings: Vec<Finding>,
    pub(super) pieces: Vec<Piece>,
    pub(super) unknown: Vec<String>,
    pub(super) checked_functions: BTreeSet<String>,
}

impl Judging<'_, '_> {
    pub(super) fn unknown(&mut self, why: String) {
        if !self.unknown.contains(&why) {
            self.unknown.push(why);
        }
    }

    /// A piece that should be there and is not.
    pub(super) fn absent(&mut self, kind: &'static str, detail: &str) {
        self.pieces.push(Piece {
            kind,
            name: "(none)".into(),
            status: HopStatus::Warn,
            detail: detail.into(),
            found_by: format!(
                "{}, every rule on the default bus",
                Source::EventRules.spec().label()
            ),
            runs: None,
        });
    }

    /// Worsen a piece already listed, with a note on why.
    pub(super) fn mark(&mut self, kind: &str, name: &str, status: HopStatus, note: &str) {
        for p in self
            .pieces
            .iter_mut()
            .filter(|p| p.kind == kind && p.name == name)
        {
            p.status = worst(p.status, status);
            p.detail = format!("{note}; {}", p.detail);
        }
    }

    pub(super) fn push(&mut self, f: Finding) -> HopStatus {
        let s = match f.severity {
            Severity::Fail => HopStatus::Fail,
            Severity::Warn => HopStatus::Warn,
            Severity::Info => HopStatus::Ok,
        };
        self.findings.push(f);
        s
    }

    fn rule(&mut self, kind: &'static str, rule: &EventRule, how: &str) {
        let mut status = HopStatus::Ok;
        let mut detail = vec![rule.state.clone()];
        if !rule.enabled() {
            status = worst(
                status,
                self.push(finding(
                    "automation-rule-disabled",
                    Severity::Warn,
                    &rule.name,
                    format!(
                        "the {} rule {} is {}: it never fires",
                        kind_word(kind),
                        rule.name,
                        rule.state
                    ),
                    format!(
                        "aws events enable-rule --name {} --region {}",
                        rule.name, self.region
                    ),
                )),
            );
        }
        if let Some(s) = &rule.schedule {
            detail.push(s.clone());
        }
        if kind == "registration-rule" {
            status = worst(status, self.pattern(rule, &mut detail));
        }
        let targets = self.found.lambda_targets(rule);
        if let Ok(all) = &self.found.targets {
            let named: Vec<String> = targets
                .iter()
                .filter_map(|t| t.function_name())
                .map(str::to_string)
                .collect();
            detail.push(if named.is_empty() {
                let other = all.iter().filter(|t| t.rule == rule.name).count();
                format!("no Lambda target ({other} other target(s))")
            } else {
                format!("invokes {}", named.join(", "))
            });
        } else if let Err(e) = &self.found.targets {
            self.unknown(e.to_string());
            status = worst(status, HopStatus::Unknown);
        }
        self.pieces.push(Piece {
            kind,
            name: rule.name.clone(),
            status,
            detail: detail.join("; "),
            found_by: how.to_string(),
            runs: None,
        });
        for t in targets {
            self.function(t, kind);
        }
    }

    /// Whether the rule's pattern lets what EKS sends through, and only that.
    fn pattern(&mut self, rule: &EventRule, detail: &mut Vec<String>) -> HopStatus {
        let m = self.ctx.m;
        let cluster = m.cluster.value();
        let enis = m.enis.value();
        let facts = EniFacts {
            region: Some(self.region.as_str()),
            account: cluster.and_then(|c| c.account()),
            vpc_id: cluster.and_then(|c| c.vpc_id.as_deref()),
            eni: enis.and_then(|e| e.first()),
        };
        let eks = pattern::eni_created_event(&self.cluster, Some(&facts));
        let fix = format!(
            "aws events put-rule --name {} --region {} --event-pattern '{}'",
            rule.name,
            self.region,
            pattern::recommended(&self.cluster)
        );
        let Some(p) = rule.parsed_pattern() else {
            detail.push("pattern is not valid JSON".into());
            return self.push(finding(
                "automation-pattern-mismatch",
                Severity::Warn,
                &rule.name,
                format!("the pattern of {} is not a JSON event pattern", rule.name),
                fix,
            ));
        };
        match pattern::matches(&p, &eks) {
            Err(mismatch) => {
                detail.push(format!("pattern misses EKS's event at {}", mismatch.field));
                self.push(finding(
                    "automation-pattern-mismatch",
                    Severity::Warn,
                    &rule.name,
                    format!(
                        "the pattern of {} turns away the CreateNetworkInterface event EKS sends for {} (description \"Amazon EKS {}\", made by eks.amazonaws.com): {mismatch}",
                        rule.name, self.cluster, self.cluster
                    ),
                    fix,
                ))
            }
            Ok(()) if pattern::matches(&p, &pattern::foreign_eni_event(Some(&facts))).is_ok() => {
                detail.push("pattern matches every ENI creation".into());
                self.push(finding(
                    "automation-pattern-broad",
                    Severity::Info,
                    &rule.name,
                    format!(
                        "the pattern of {} matches EKS's event but also every other ENI created in the region: it has no filter on the description \"Amazon EKS {}\"; the function must tell them apart",
                        rule.name, self.cluster
                    ),
                    fix,
                ))
            }
            Ok(()) => {
                detail.push("pattern matches EKS's ENI creations".into());
                HopStatus::Ok
            }
        }
    }

    fn function(&mut self, target: &RuleTarget, kind: &'static str) {
        let Some(name) = target.function_name() else {
            return;
        };
        if !self.checked_functions.insert(name.to_string()) {
            return;
        }
        let role = kind_word(kind);
        let mut status = HopStatus::Ok;
        let mut detail = Vec::new();
        let mut runs = None;
        match &self.found.functions {
            Err(e) => {
                self.unknown(e.to_string());
                status = HopStatus::Unknown;
                detail.push("configuration not read".to_string());
            }
            Ok(_) => match self.found.function(target) {
                None => {
                    status = self.push(finding(
                        "automation-function-missing",
                        Severity::Warn,
                        name,
                        format!(
                            "the {role} rule {} invokes {}, which does not exist",
                            target.rule, target.arn
                        ),
                        format!(
                            "deploy the function {name} again or aim the rule at the one that exists; then check: aws lambda get-function-configuration --function-name {name} --region {}",
                            self.region
                        ),
                    ));
                    detail.push("does not exist".into());
                }
                Some(f) => {
                    detail.push(f.state.clone().unwrap_or_else(|| "state not given".into()));
                    status = worst(status, self.configuration(f, role, &mut detail));
                    match self
                        .found
                        .runs
                        .as_ref()
                        .map(|_| self.found.runs_of(&f.name))
                    {
                        Err(e) => {
                            self.unknown(e.to_string());
                            status = worst(status, HopStatus::Unknown);
                        }
                        Ok(None) => {
                            self.unknown(format!("the runs of {} were not read", f.name));
                            status = worst(status, HopStatus::Unknown);
                        }
                        Ok(Some(r)) => {
                            let summed = Runs::of(r);
                            status = worst(status, self.runs(f, role, &summed));
                            detail.push(summed.text());
                            runs = Some(summed);
                        }
                    }
                }
            },
        }
        self.pieces.push(Piece {
            kind: "function",
            name: name.to_string(),
            status,
            detail: detail.join("; "),
            found_by: format!("invoked by the {role} rule {}", target.rule),
            runs,
        });
    }

    fn configuration(&mut self, f: &Function, role: &str, detail: &mut Vec<String>) -> HopStatus {
        let mut status = HopStatus::Ok;
        if !f.runnable() {
            status = self.push(finding(
                "automation-function-inactive",
                Severity::Warn,
                &f.name,
                format!(
                    "the {role} function {} cannot run: state {}, last update {}{}",
                    f.name,
                    f.state.as_deref().unwrap_or("unknown"),
                    f.last_update_status.as_deref().unwrap_or("unknown"),
                    f.state_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
                ),
                format!(
                    "aws lambda get-function-configuration --function-name {} --region {} --query '[State,StateReason,LastUpdateStatusReason]'",
                    f.name, self.region
                ),
            ));
        }
        let named = f.target_groups();
        let api: Vec<&str> = self.found.groups.iter().map(|g| g.arn.as_str()).collect();
        if named.is_empty() {
            detail.push("names no target group ARN in its environment".into());
        } else if named.iter().any(|n| api.contains(n)) {
            detail.push("environment names the API's target group".into());
        } else {
            let vars: Vec<String> = f
                .environment
                .iter()
                .map(|(k, v)| {
                    let v = if v.contains(":targetgroup/") {
                        api[0]
                    } else {
                        v.as_str()
                    };
                    format!("{k}={v}")
                })
                .collect();
            detail.push("environment names another target group".into());
            status = worst(status, self.push(finding(
                "automation-wrong-target-group",
                Severity::Warn,
                &f.name,
                format!(
                    "the {role} function {} works on {}, not on the API's target group {}",
                    f.name,
                    list(&named),
                    list(&api)
                ),
                format!(
                    "aws lambda update-function-configuration --function-name {} --region {} --environment 'Variables={{{}}}'",
                    f.name,
                    self.region,
                    vars.join(",")
                ),
            )));
        }
        status
    }

    fn runs(&mut self, f: &Function, role: &str, r: &Runs) -> HopStatus {
        if r.errors == 0 {
            return HopStatus::Ok;
        }
        let at = |t: Option<DateTime<Utc>>| {
            t.map_or_else(
                || "never".to_string(),
                |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
            )
        };
        self.push(finding(
            "automation-function-errors",
            Severity::Warn,
            &f.name,
            format!(
                "the {role} function {} failed {} of {} run(s) in the last {} h; last error {}, last success {}",
                f.name,
                r.errors,
                r.invocations.max(r.errors),
                r.hours,
                at(r.last_error),
                at(r.last_success)
            ),
            format!(
                "aws logs tail /aws/lambda/{} --since {}h --region {}",
                f.name, r.hours, self.region
            ),
        ))
    }
}

fn kind_word(kind: &str) -> &'static str {
    if kind == "cleanup-rule" {
        "cleanup"
    } else {
        "registration"
    }
}

/// Fail over unknown over warn over OK.
pub(super) fn worst(a: HopStatus, b: HopStatus) -> HopStatus {
    let rank = |s: HopStatus| match s {
        HopStatus::Ok | HopStatus::Skipped => 0,
        HopStatus::Warn => 1,
        HopStatus::Unknown => 2,
        HopStatus::Fail => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

pub fn judge(ctx: &Ctx, found: Found, drift: &[Finding]) -> (Automation, Vec<Finding>) {
    let m = ctx.m;
    let region = m
        .cluster
        .value()
        .and_then(|c| c.region().map(str::to_string))
        .or_else(|| m.context.region.clone())
        .unwrap_or_default();
    let mut j = Judging {
        ctx,
        found: &found,
        cluster: m.context.cluster_name.clone(),
        region,
        findings: Vec::new(),
        pieces: Vec::new(),
        unknown: Vec::new(),
        checked_functions: BTreeSet::new(),
    };
    let groups: Vec<String> = found.groups.iter().map(|g| g.arn.clone()).collect();
    if let Err(e) = &found.rules {
        j.unknown(e.to_string());
    }
    for (rule, how) in &found.registration {
        j.rule("registration-rule", rule, how);
    }
    for (rule, how) in &found.cleanup {
        j.rule("cleanup-rule", rule, how);
    }
    // A scheduled rule belongs to the cluster through its function: with the targets or
    // the functions unread, the cleanup half is not known.
    let cleanup_known = (found.targets.is_ok() && found.functions.is_ok())
        || found
            .rules
            .as_ref()
            .is_ok_and(|r| !r.iter().any(|r| r.scheduled()));
    if let Err(e) = &found.targets {
        j.unknown(e.to_string());
    }
    let tg_names = list(found.groups.iter().map(|g| g.name.as_str()));
    if let Ok(rules) = &found.rules {
        let has_reg = !found.registration.is_empty();
        let has_cleanup = !found.cleanup.is_empty();
        if !has_reg && !has_cleanup && cleanup_known {
            j.push(Finding::new(
                "automation-not-found",
                Severity::Info,
                None,
                &tg_names,
                format!(
                    "none of the {} rule(s) on the default event bus fires on CreateNetworkInterface, and no scheduled rule invokes a function that refers to {} or {}: the targets are kept by other means, or not at all",
                    rules.len(),
                    j.cluster,
                    tg_names
                ),
                format!(
                    "nothing to do if another tool keeps the targets; to add registration: aws events put-rule --name {}-eni-registration --region {} --event-pattern '{}'",
                    j.cluster,
                    j.region,
                    pattern::recommended(&j.cluster)
                ),
            ));
        } else if has_reg && !has_cleanup && cleanup_known {
            j.absent(
                "cleanup-rule",
                "no scheduled rule invokes a function for this target group",
            );
            j.push(finding(
                "automation-cleanup-missing",
                Severity::Warn,
                &tg_names,
                format!(
                    "registration is set up ({}), but no scheduled rule invokes a function that refers to {} or {}: targets of deleted ENIs stay registered",
                    list(found.registration.iter().map(|(r, _)| r.name.as_str())),
                    j.cluster,
                    tg_names
                ),
                format!(
                    "schedule the cleanup function every 15 minutes: aws events put-rule --name {}-target-cleanup --region {} --schedule-expression 'rate(15 minutes)'",
                    j.cluster, j.region
                ),
            ));
        } else if !has_reg && has_cleanup {
            j.absent(
                "registration-rule",
                "no rule on the default bus fires on CreateNetworkInterface",
            );
            j.push(finding(
                "automation-registration-missing",
                Severity::Warn,
                &tg_names,
                format!(
                    "cleanup is set up ({}), but no rule on the default bus fires on CreateNetworkInterface: new ENI IPs are never registered",
                    list(found.cleanup.iter().map(|(r, _)| r.name.as_str()))
                ),
                format!(
                    "aws events put-rule --name {}-eni-registration --region {} --event-pattern '{}'",
                    j.cluster,
                    j.region,
                    pattern::recommended(&j.cluster)
                ),
            ));
        }
    }
    if !found.registration.is_empty() {
        j.trails();
        if drift.iter().any(|f| f.id == "target-missing") {
            j.idle();
        }
    }
    let mut status = j.pieces.iter().map(|p| p.status).fold(HopStatus::Ok, worst);
    for f in &j.findings {
        if f.severity >= Severity::Warn {
            status = worst(status, HopStatus::Warn);
        }
    }
    if !j.unknown.is_empty() {
        status = worst(status, HopStatus::Unknown);
    }
    let nothing = j.pieces.is_empty() && j.unknown.is_empty();
    if nothing {
        status = HopStatus::Skipped;
    }
    let problems: Vec<&str> = j
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warn)
        .map(|f| f.id)
        .collect();
    let summary = match status {
        HopStatus::Skipped => "no automation found for the API's target group".to_string(),
        HopStatus::Ok => format!(
            "{} rule(s), {} function(s) keep {tg_names} in step with the ENIs",
            j.pieces
                .iter()
                .filter(|p| p.kind.ends_with("-rule"))
                .count(),
            j.pieces.iter().filter(|p| p.kind == "function").count()
        ),
        HopStatus::Unknown if problems.is_empty() => {
            format!("not fully read: {}", j.unknown.join("; "))
        }
        _ => format!("broken: {}", list(problems)),
    };
    let section = Automation {
        status,
        summary,
        target_groups: groups,
        pieces: j.pieces,
        unknown: j.unknown,
    };
    (section, j.findings)
}
