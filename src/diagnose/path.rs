//! The hop chain from this host to the API server, each hop judged with its evidence.

use super::classify::classify;
use super::ctx::{Crossing, Ctx, Route};
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
    /// Ids of the findings that explain this hop, its own first, then those attached to
    /// another hop that explain this one (see [`Finding::explains`]).
    pub findings: Vec<&'static str>,
}

pub fn route_hops(route: Route, crossing: &Crossing) -> &'static [HopName] {
    use HopName::*;
    match route {
        Route::Direct if matches!(crossing, Crossing::TransitGateway(_)) => {
            &[Origin, Dns, TransitGateway, EksEnis, ApiServer]
        }
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
        Route::Nlb => &[Origin, Dns, Nlb, Targets, ApiServer],
        Route::LatticeApi => &[
            Origin,
            Dns,
            LatticeEndpoint,
            ResourceGateway,
            EksEnis,
            ApiServer,
        ],
        Route::Lattice => &[
            Origin,
            Dns,
            ServiceNetwork,
            LatticeService,
            TargetGroup,
            Targets,
        ],
        Route::Unresolved => &[Origin, Dns, ApiServer],
    }
}

pub fn hops(ctx: &Ctx, findings: &[Finding], unknowns: &[Unknown]) -> Vec<Hop> {
    route_hops(ctx.route, &ctx.crossing)
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
    let mut ids: Vec<&'static str> = problems.iter().map(|f| f.id).collect();
    evidence.extend(
        missing
            .iter()
            .map(|u| format!("unknown: {} ({})", u.missing, u.reason)),
    );
    // Rules that miss the same thing say it once.
    let mut seen = std::collections::HashSet::new();
    evidence.retain(|line| seen.insert(line.clone()));

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
    // A cause attached elsewhere explains this hop only while the hop is not OK.
    if matches!(
        status,
        HopStatus::Fail | HopStatus::Warn | HopStatus::Unknown
    ) {
        for f in findings
            .iter()
            .filter(|f| f.severity >= Severity::Warn && f.explains.contains(&name))
        {
            let on = f.hop.map(|h| format!(" (on {h})")).unwrap_or_default();
            evidence.push(format!("{}{on}: {}", f.id, f.evidence));
            ids.push(f.id);
        }
    }
    ids.dedup();
    Hop {
        name,
        status,
        evidence,
        findings: ids,
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
                    let pin = s
                        .pinned
                        .as_ref()
                        .map(|p| format!(" from {p}, not DNS"))
                        .unwrap_or_default();
                    format!(
                        "{} -> {}{pin} [{} sample(s)]",
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
                        if e.ips.is_empty() && e.ipv6.is_empty() {
                            "none".into()
                        } else {
                            list(
                                e.ips
                                    .iter()
                                    .map(ToString::to_string)
                                    .chain(e.ipv6.iter().map(ToString::to_string)),
                            )
                        }
                    )
                }))
            }
        }
        HopName::ServiceNetwork | HopName::LatticeService | HopName::TargetGroup => {
            crate::diagnose::lattice::summary(ctx, name)
        }
        HopName::LatticeEndpoint | HopName::ResourceGateway => {
            crate::diagnose::lattice::api::summary(ctx, name)
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
        HopName::Targets if ctx.route == crate::diagnose::Route::Lattice => {
            format!(
                "{}; {}",
                crate::diagnose::lattice::summary(ctx, name),
                probe_summary(ctx)
            )
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
                match &ctx.path.target_groups_unknown {
                    Some(why) => format!("the API's target group is not known: {why}"),
                    None => "no target group found".into(),
                }
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
        HopName::TransitGateway => {
            let Crossing::TransitGateway(tgw) = &ctx.crossing else {
                return "no transit gateway between the VPCs".into();
            };
            match m.tgw_attachments.value() {
                Some(all) => {
                    let atts: Vec<String> = all
                        .iter()
                        .filter(|a| &a.tgw_id == tgw)
                        .map(|a| {
                            // The VPC's Name tag is enough here; its id is in the detail.
                            let vpc = m
                                .vpcs
                                .value()
                                .and_then(|v| v.iter().find(|v| v.id == a.vpc_id))
                                .and_then(|v| v.name.clone())
                                .unwrap_or_else(|| a.vpc_id.clone());
                            format!("{} ({vpc}) {}", a.id, a.state)
                        })
                        .collect();
                    if atts.is_empty() {
                        format!("{tgw}: no attachment of either VPC")
                    } else {
                        format!("{tgw}: {}", list(atts))
                    }
                }
                None => format!("{tgw}: attachments not known"),
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
            let cluster = match m.context.api.server() {
                Some(_) => control_plane(ctx),
                None => m
                    .cluster
                    .value()
                    .map(|c| format!("cluster {} {} v{}", c.name, c.status, c.version))
                    .unwrap_or_else(|| "cluster not loaded".into()),
            };
            let probes = standing.map_or_else(|| probe_summary(ctx), |s| s.why.clone());
            format!("{cluster}; {probes}")
        }
    }
}

/// An API behind an NLB of its own: the instances (or IPs) that serve it.
fn control_plane(ctx: &Ctx) -> String {
    let targets: Vec<&crate::model::Target> = ctx
        .m
        .targets
        .value()
        .into_iter()
        .flatten()
        .filter(|t| ctx.path.target_groups.iter().any(|g| g.arn == t.tg_arn))
        .collect();
    if targets.is_empty() {
        return "control plane not known".into();
    }
    let instances = ctx.m.instances.value().map(Vec::as_slice).unwrap_or(&[]);
    let nodes: Vec<String> = targets
        .iter()
        .map(|t| match instances.iter().find(|i| i.id == t.id) {
            Some(i) => format!("{} {} {}", i.label(), i.state, i.az),
            None => t.id.clone(),
        })
        .collect();
    format!("control plane {}", list(nodes))
}

fn probe_summary(ctx: &Ctx) -> String {
    let probes = ctx.current_probes();
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
        "{ok}/{} answers reached the {}{median}",
        probes.len(),
        if ctx.route == Route::Lattice {
            "service"
        } else {
            "API server"
        }
    )
}

/// A finding (warn or fail), or a check that could not run, that bears on no hop of this
/// host's path: it still counts in the verdict, so the verdict names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Elsewhere {
    /// The finding's id, or the name of the rule that could not run.
    pub id: &'static str,
    pub status: HopStatus,
    pub resource: String,
    pub evidence: String,
}

fn on_path(hops: &[Hop], hop: Option<HopName>) -> bool {
    hop.is_some_and(|n| {
        hops.iter()
            .any(|x| x.name == n && x.status != HopStatus::Skipped)
    })
}

/// What counts in the verdict without showing on a hop: findings on no hop or on a hop of
/// another route, and checks that could not run and judge no hop.
pub fn elsewhere(hops: &[Hop], findings: &[Finding], unknowns: &[Unknown]) -> Vec<Elsewhere> {
    let shown = |id: &str| hops.iter().any(|h| h.findings.contains(&id));
    let mut out: Vec<Elsewhere> = findings
        .iter()
        .filter(|f| f.severity >= Severity::Warn && !on_path(hops, f.hop))
        .filter(|f| !(f.hop.is_none() && shown(f.id)))
        .map(|f| Elsewhere {
            id: f.id,
            status: if f.severity == Severity::Fail {
                HopStatus::Fail
            } else {
                HopStatus::Warn
            },
            resource: f.resource.clone(),
            evidence: f.evidence.clone(),
        })
        .collect();
    out.extend(
        unknowns
            .iter()
            .filter(|u| u.hop.is_none())
            .map(|u| Elsewhere {
                id: u.rule,
                status: HopStatus::Unknown,
                resource: u.missing.clone(),
                evidence: u.reason.clone(),
            }),
    );
    out.sort_by_key(|e| std::cmp::Reverse(rank(e.status)));
    out
}

/// Fail over unknown over warn over OK: missing data is worse than a warning.
fn rank(s: HopStatus) -> u8 {
    match s {
        HopStatus::Skipped | HopStatus::Ok => 0,
        HopStatus::Warn => 1,
        HopStatus::Unknown => 2,
        HopStatus::Fail => 3,
    }
}

/// The overall verdict: the worst of the hops and of what bears on no hop.
pub fn verdict(hops: &[Hop], elsewhere: &[Elsewhere]) -> HopStatus {
    hops.iter()
        .map(|h| h.status)
        .chain(elsewhere.iter().map(|e| e.status))
        .filter(|s| *s != HopStatus::Skipped)
        .max_by_key(|s| rank(*s))
        .unwrap_or(HopStatus::Ok)
}

/// `1 failure elsewhere: vpc-dns-disabled (vpc-1 (eks))`, or `None` when nothing is.
pub fn elsewhere_text(elsewhere: &[Elsewhere]) -> Option<String> {
    if elsewhere.is_empty() {
        return None;
    }
    let count = |s: HopStatus, one: &str, many: &str| {
        let n = elsewhere.iter().filter(|e| e.status == s).count();
        (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
    };
    let counts: Vec<String> = [
        count(HopStatus::Fail, "failure", "failures"),
        count(HopStatus::Unknown, "check not run", "checks not run"),
        count(HopStatus::Warn, "warning", "warnings"),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(format!(
        "{} elsewhere: {}",
        counts.join(", "),
        list(
            elsewhere
                .iter()
                .map(|e| format!("{} ({})", e.id, e.resource))
        )
    ))
}

/// The verdict in words: where the path breaks, and what counts from elsewhere.
pub fn verdict_summary(hops: &[Hop], elsewhere: &[Elsewhere]) -> String {
    let first = |s: HopStatus| hops.iter().find(|h| h.status == s).map(|h| h.name);
    let path = if let Some(h) = first(HopStatus::Fail) {
        format!("broken at {h}")
    } else if let Some(h) = first(HopStatus::Unknown) {
        format!("unknown at {h}")
    } else if let Some(h) = first(HopStatus::Warn) {
        format!("warning at {h}")
    } else if hops.iter().all(|h| h.status == HopStatus::Skipped) {
        "no hop checked".to_string()
    } else {
        "path OK from this host".to_string()
    };
    match elsewhere_text(elsewhere) {
        Some(e) => format!("{path}; {e}"),
        None => path,
    }
}
