//! Finding the automation of this cluster's API target group among the account's rules.

use super::{Automation, HopStatus};
use crate::diagnose::ctx::{Ctx, Route, need};
use crate::diagnose::finding::Missing;
use crate::model::automation::{EventRule, Function, FunctionRuns, RuleTarget, Trail};
use crate::model::{Source, TargetGroup};

pub struct Found<'a> {
    pub groups: Vec<&'a TargetGroup>,
    /// The other target groups of the same load balancers: a function working on one of
    /// them belongs here, aimed at the wrong group.
    pub siblings: Vec<&'a TargetGroup>,
    /// What a piece that belongs to this cluster mentions: the cluster's name, the groups'
    /// names and ARNs.
    pub words: Vec<String>,
    pub rules: Result<&'a [EventRule], Missing>,
    pub targets: Result<&'a [RuleTarget], Missing>,
    pub functions: Result<&'a [Function], Missing>,
    pub runs: Result<&'a [FunctionRuns], Missing>,
    pub trails: Result<&'a [Trail], Missing>,
    /// Rules on ENI creations, with how each was found.
    pub registration: Vec<(&'a EventRule, String)>,
    /// Scheduled rules that belong to this cluster, with how each was found.
    pub cleanup: Vec<(&'a EventRule, String)>,
}

impl<'a> Found<'a> {
    /// The Lambda targets of `rule`, when its targets were read.
    pub fn lambda_targets(&self, rule: &EventRule) -> Vec<&'a RuleTarget> {
        match &self.targets {
            Ok(ts) => ts
                .iter()
                .filter(|t| t.rule == rule.name && t.function_name().is_some())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The function a target invokes, when functions were read and it exists.
    pub fn function(&self, target: &RuleTarget) -> Option<&'a Function> {
        let name = target.function_name()?;
        self.functions
            .as_ref()
            .ok()?
            .iter()
            .find(|f| f.name == name || f.arn == target.arn)
    }

    pub fn runs_of(&self, name: &str) -> Option<&'a FunctionRuns> {
        self.runs.as_ref().ok()?.iter().find(|r| r.function == name)
    }

    fn mentions(&self, text: &str) -> Option<&str> {
        self.words
            .iter()
            .find(|w| w.len() >= 3 && text.contains(w.as_str()))
            .map(String::as_str)
    }

    /// How `rule` belongs to this cluster's automation, if it visibly does.
    fn relation(&self, rule: &EventRule) -> Option<String> {
        let own = [
            Some(rule.name.as_str()),
            rule.description.as_deref(),
            rule.pattern.as_deref(),
        ];
        if let Some(w) = own.into_iter().flatten().find_map(|t| self.mentions(t)) {
            return Some(format!("the rule names {w}"));
        }
        for t in self.lambda_targets(rule) {
            let words: Vec<&str> = self.words.iter().map(String::as_str).collect();
            match self.function(t) {
                Some(f) if f.refers_to(&words) => {
                    return Some(format!(
                        "its function {} refers to {}",
                        f.name,
                        pick(f, &words)
                    ));
                }
                Some(f) => {
                    let named = f.target_groups();
                    if let Some(g) = self
                        .siblings
                        .iter()
                        .find(|g| named.contains(&g.arn.as_str()))
                    {
                        return Some(format!(
                            "its function {} works on {}, a target group of the same load balancer",
                            f.name, g.name
                        ));
                    }
                }
                None => {
                    if let Some(w) = self.mentions(t.function_name().unwrap_or_default()) {
                        return Some(format!("its target's name names {w}"));
                    }
                }
            }
        }
        None
    }
}

fn slice<T>(r: Result<&Vec<T>, Missing>) -> Result<&[T], Missing> {
    r.map(Vec::as_slice)
}

/// The word a function refers to, for evidence.
fn pick<'w>(f: &Function, words: &[&'w str]) -> &'w str {
    words
        .iter()
        .find(|w| f.name.contains(**w) || f.environment.values().any(|v| v.contains(**w)))
        .copied()
        .unwrap_or_default()
}

pub fn find<'a>(ctx: &Ctx<'a>) -> Result<Found<'a>, Automation> {
    let m = ctx.m;
    if matches!(ctx.route, Route::Nlb | Route::Lattice) {
        return Err(Automation::skipped(
            "the API is not EKS: its targets are not EKS's ENIs, so nothing keeps them in step",
        ));
    }
    if matches!(ctx.route, Route::Direct | Route::Public | Route::LatticeApi) {
        return Err(Automation::skipped(format!(
            "this host's route is {}: no target group on it to keep in sync",
            ctx.route.label()
        )));
    }
    let groups: Vec<&TargetGroup> = ctx
        .path
        .target_groups
        .iter()
        .copied()
        .filter(|g| g.is_ip())
        .collect();
    if groups.is_empty() {
        let unknown = ctx.path.target_groups_unknown.clone().or_else(|| {
            need(&m.target_groups, Source::TargetGroups)
                .err()
                .map(|e| e.to_string())
        });
        return Err(match unknown {
            Some(why) => Automation {
                status: HopStatus::Unknown,
                summary: format!("which target group to keep is not known: {why}"),
                target_groups: Vec::new(),
                pieces: Vec::new(),
                unknown: vec![why],
            },
            None => Automation::skipped(
                "no NLB target group of ENI IPs on this host's path to keep in sync",
            ),
        });
    }
    let mut words = vec![m.context.cluster_name.clone()];
    for g in &groups {
        words.push(g.name.clone());
        words.push(g.arn.clone());
    }
    let lbs: Vec<&str> = groups
        .iter()
        .flat_map(|g| g.lb_arns.iter().map(String::as_str))
        .collect();
    let siblings = m
        .target_groups
        .value()
        .into_iter()
        .flatten()
        .filter(|g| !groups.iter().any(|a| a.arn == g.arn))
        .filter(|g| g.lb_arns.iter().any(|l| lbs.contains(&l.as_str())))
        .collect();
    let mut found = Found {
        groups,
        siblings,
        words,
        rules: slice(need(&m.event_rules, Source::EventRules)),
        targets: slice(need(&m.rule_targets, Source::RuleTargets)),
        functions: slice(need(&m.functions, Source::Functions)),
        runs: slice(need(&m.function_runs, Source::FunctionRuns)),
        trails: slice(need(&m.trails, Source::Trails)),
        registration: Vec::new(),
        cleanup: Vec::new(),
    };
    let rules: &[EventRule] = found.rules.as_ref().map(|r| *r).unwrap_or_default();
    let eni_rules: Vec<&EventRule> = rules.iter().filter(|r| r.watches_eni_creation()).collect();
    let related: Vec<(&EventRule, String)> = eni_rules
        .iter()
        .filter_map(|r| found.relation(r).map(|why| (*r, why)))
        .collect();
    found.registration = if related.is_empty() {
        eni_rules
            .into_iter()
            .map(|r| {
                (
                    r,
                    "a rule on the default bus on CreateNetworkInterface".to_string(),
                )
            })
            .collect()
    } else {
        related
            .into_iter()
            .map(|(r, why)| (r, format!("a rule on CreateNetworkInterface; {why}")))
            .collect()
    };
    found.cleanup = rules
        .iter()
        .filter(|r| r.scheduled())
        .filter_map(|r| {
            found
                .relation(r)
                .map(|why| (r, format!("a scheduled rule; {why}")))
        })
        .collect();
    Ok(found)
}
