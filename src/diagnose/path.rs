//! The hop chain from this host to the API server, each hop judged with its evidence.

use super::classify::classify;
use super::ctx::{Ctx, Route};
use super::finding::{Finding, HopName, Severity, Unknown, list};
use super::rules::hops::{Standing, standing_of};
use crate::model::DnsOutcome;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HopStatus {
    Ok,
    Warn,
    Fail,
    Unknown,
    Skipped,
}

impl HopStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
            Self::Skipped => "skipped",
        }
    }

    /// A symbol as well as a colour, for colour-blind users and monochrome terminals.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Ok => "✔",
            Self::Warn => "!",
            Self::Fail => "✖",
            Self::Unknown => "?",
            Self::Skipped => "–",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub name: HopName,
    pub status: HopStatus,
    /// What we saw at this hop, first the summary, then each problem.
    pub evidence: Vec<String>,
}

pub fn route_hops(route: Route) -> &'static [HopName] {
    use HopName::*;
    match route {
        Route::Privatelink => &[
            Origin,
            Dns,
            InterfaceEndpoint,
            EndpointService,
            Nlb,
            Targets,
            EksEnis,
            ApiServer,
        ],
        Route::Direct => &[Origin, Dns, Peering, EksEnis, ApiServer],
        Route::Public => &[Origin, Dns, PublicEndpoint, ApiServer],
        Route::Unresolved => &[Origin, Dns, ApiServer],
    }
}

pub fn hops(ctx: &Ctx, findings: &[Finding], unknowns: &[Unknown]) -> Vec<Hop> {
    route_hops(ctx.route)
        .iter()
        .map(|&name| judge(ctx, name, findings, unknowns))
        .collect()
}

fn judge(ctx: &Ctx, name: HopName, findings: &[Finding], unknowns: &[Unknown]) -> Hop {
    let problems: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.hop == Some(name) && f.severity >= Severity::Warn)
        .collect();
    let missing: Vec<&Unknown> = unknowns.iter().filter(|u| u.hop == Some(name)).collect();
    let standing = standing_of(ctx, name);
    let own_status = standing.as_ref().map(|s| s.status);
    let mut evidence = vec![summary(ctx, name, standing.as_ref())];
    evidence.extend(problems.iter().map(|f| format!("{}: {}", f.id, f.evidence)));
    evidence.extend(
        missing
            .iter()
            .map(|u| format!("unknown: {} ({})", u.missing, u.reason)),
    );

    let worst = problems.iter().map(|f| f.severity).max();
    let status = if worst == Some(Severity::Fail) || own_status == Some(HopStatus::Fail) {
        HopStatus::Fail
    } else if own_status == Some(HopStatus::Skipped) && worst.is_none() && missing.is_empty() {
        // Skipping live samples must not hide configuration that could not be read.
        HopStatus::Skipped
    } else if !missing.is_empty() || own_status == Some(HopStatus::Unknown) {
        HopStatus::Unknown
    } else if worst == Some(Severity::Warn) {
        HopStatus::Warn
    } else {
        HopStatus::Ok
    };
    Hop {
        name,
        status,
        evidence,
    }
}

/// A one-line account of the hop. A rule's standing, when there is one, explains the hop
/// better than its resources do.
fn summary(ctx: &Ctx, name: HopName, standing: Option<&Standing>) -> String {
    let m = ctx.m;
    // The API server's line names the cluster whatever the probes say.
    if let Some(s) = standing
        && name != HopName::ApiServer
    {
        return s.why.clone();
    }
    match name {
        HopName::Origin => match m.origin() {
            Some(o) => format!("{} (found by {})", o.label(), o.found_by),
            None => "origin not known".into(),
        },
        HopName::Dns => match m.live.dns.latest() {
            None => "no DNS sample yet".into(),
            Some(s) => match &s.outcome {
                DnsOutcome::Answers(_) => {
                    let classes: Vec<String> = s
                        .ips()
                        .into_iter()
                        .map(|ip| format!("{ip} ({})", classify(ip, ctx).label()))
                        .collect();
                    format!(
                        "{} -> {} [{} sample(s)]",
                        s.host,
                        classes.join(", "),
                        m.live.dns.len()
                    )
                }
                _ => format!("{} -> {}", s.host, s.outcome_label()),
            },
        },
        HopName::InterfaceEndpoint => {
            if ctx.path.endpoints.is_empty() {
                "no interface endpoint to the cluster's service in this VPC".into()
            } else {
                list(ctx.path.endpoints.iter().map(|e| {
                    format!(
                        "{} {} IPs {}",
                        e.id,
                        e.state,
                        if e.ips.is_empty() {
                            "none".into()
                        } else {
                            list(&e.ips)
                        }
                    )
                }))
            }
        }
        HopName::EndpointService => {
            if ctx.path.services.is_empty() {
                "no endpoint service found".into()
            } else {
                list(
                    ctx.path
                        .services
                        .iter()
                        .map(|s| format!("{} {}", s.id, s.state)),
                )
            }
        }
        HopName::Nlb => {
            if ctx.path.nlbs.is_empty() {
                "no NLB found".into()
            } else {
                list(
                    ctx.path
                        .nlbs
                        .iter()
                        .map(|lb| format!("{} {} {}", lb.name, lb.scheme, lb.state)),
                )
            }
        }
        HopName::Targets => {
            let targets = m.targets.value();
            let parts: Vec<String> = ctx
                .path
                .target_groups
                .iter()
                .map(|tg| {
                    let ts: Vec<_> = targets
                        .into_iter()
                        .flatten()
                        .filter(|t| t.tg_arn == tg.arn)
                        .collect();
                    let healthy = ts.iter().filter(|t| t.healthy()).count();
                    format!("{}: {healthy}/{} healthy", tg.name, ts.len())
                })
                .collect();
            if parts.is_empty() {
                "no target group found".into()
            } else {
                parts.join("; ")
            }
        }
        HopName::EksEnis => match m.enis.value() {
            Some(enis) => {
                let in_use: Vec<_> = enis.iter().filter(|e| e.in_use()).collect();
                format!(
                    "{} in-use of {}: {}",
                    in_use.len(),
                    enis.len(),
                    list(enis.iter().map(|e| format!("{} {}", e.ip, e.az)))
                )
            }
            None => "ENIs not collected".into(),
        },
        HopName::Peering => {
            let origin = m.origin();
            let cluster_vpc = m.cluster.value().and_then(|c| c.vpc_id.as_deref());
            match (origin, cluster_vpc, m.peerings.value()) {
                (Some(o), Some(cv), Some(ps)) => {
                    let between: Vec<_> = ps.iter().filter(|p| p.joins(&o.vpc_id, cv)).collect();
                    if between.is_empty() {
                        "no peering between the VPCs".into()
                    } else {
                        list(between.iter().map(|p| format!("{} {}", p.id, p.status)))
                    }
                }
                _ => "peering not known".into(),
            }
        }
        HopName::PublicEndpoint => match m.cluster.value() {
            Some(c) => format!(
                "public access on, allowed from {}",
                if c.public_cidrs.is_empty() {
                    "0.0.0.0/0".into()
                } else {
                    list(&c.public_cidrs)
                }
            ),
            None => "cluster not loaded".into(),
        },
        HopName::ApiServer => {
            let cluster = m
                .cluster
                .value()
                .map(|c| format!("cluster {} {} v{}", c.name, c.status, c.version));
            let cluster = cluster.unwrap_or_else(|| "cluster not loaded".into());
            let probes = standing.map_or_else(|| probe_summary(ctx), |s| s.why.clone());
            format!("{cluster}; {probes}")
        }
    }
}

fn probe_summary(ctx: &Ctx) -> String {
    let probes = ctx.m.live.current_probes();
    if probes.is_empty() {
        return "no probe yet".into();
    }
    let ok = probes.iter().filter(|p| p.ok()).count();
    let mut lat: Vec<f64> = probes
        .iter()
        .filter(|p| p.ok())
        .filter_map(|p| p.total())
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    lat.sort_by(|a, b| a.total_cmp(b));
    let median = lat
        .get(lat.len() / 2)
        .map(|v| format!(", {v:.1} ms"))
        .unwrap_or_default();
    format!(
        "{ok}/{} answers reached the API server{median}",
        probes.len()
    )
}

/// The overall verdict: any failure fails; missing data on the path is UNKNOWN; then warnings.
pub fn verdict(hops: &[Hop], findings: &[Finding], unknowns: &[Unknown]) -> HopStatus {
    let on_path = |h: Option<HopName>| match h {
        None => true,
        Some(n) => hops
            .iter()
            .any(|x| x.name == n && x.status != HopStatus::Skipped),
    };
    if hops.iter().any(|h| h.status == HopStatus::Fail)
        || findings.iter().any(|f| f.severity == Severity::Fail)
    {
        HopStatus::Fail
    } else if hops.iter().any(|h| h.status == HopStatus::Unknown)
        || unknowns.iter().any(|u| on_path(u.hop))
    {
        HopStatus::Unknown
    } else if hops.iter().any(|h| h.status == HopStatus::Warn)
        || findings.iter().any(|f| f.severity == Severity::Warn)
    {
        HopStatus::Warn
    } else {
        HopStatus::Ok
    }
}
