//! The targets behind the service's listeners: healthy, and reachable from Lattice, whose
//! traffic comes from the region's `vpc-lattice` managed prefix list.

use super::{groups, service};
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::lattice::{LINK_LOCAL_V4, LatticeService, LatticeTargetGroup};
use crate::model::{SgSource, Source};
use std::net::IpAddr;

const TARGETS: Option<HopName> = Some(HopName::Targets);

/// Whether the probed listener (the one clients use) forwards to `g`.
fn probed(s: &LatticeService, g: &LatticeTargetGroup) -> bool {
    s.probed_listener()
        .is_some_and(|l| l.target_groups().into_iter().any(|id| g.is(id)))
}

/// Every group has targets, and healthy ones.
pub fn health(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let (found, _) = groups(ctx, s)?;
    let mut out = Vec::new();
    for g in found {
        let sev = if probed(s, g) {
            Severity::Fail
        } else {
            Severity::Warn
        };
        if g.targets.is_empty() {
            out.push(Finding::new(
                "lattice-target-group-empty",
                sev,
                TARGETS,
                &g.arn,
                format!(
                    "target group {} ({} {}) has no registered target",
                    g.name,
                    g.kind,
                    g.port.map_or_else(String::new, |p| p.to_string())
                ),
                format!(
                    "aws vpc-lattice register-targets --target-group-identifier {} --targets id=<target>{}",
                    g.id,
                    g.port.map_or_else(String::new, |p| format!(",port={p}"))
                ),
            ));
            continue;
        }
        let bad: Vec<_> = g.targets.iter().filter(|t| !t.healthy()).collect();
        if bad.is_empty() {
            continue;
        }
        let none_healthy = bad.len() == g.targets.len();
        out.push(Finding::new(
            "lattice-target-unhealthy",
            if none_healthy { sev } else { Severity::Warn },
            TARGETS,
            &g.arn,
            format!(
                "{} of {} target(s) of {} are not healthy: {}",
                bad.len(),
                g.targets.len(),
                g.name,
                list(bad.iter().map(|t| format!(
                    "{}{} {}{}",
                    t.id,
                    t.port.map_or_else(String::new, |p| format!(":{p}")),
                    t.status,
                    t.reason
                        .as_ref()
                        .map_or_else(String::new, |r| format!(" ({r})"))
                )))
            ),
            format!(
                "aws vpc-lattice list-targets --target-group-identifier {}; check the targets' health check path and that their security groups admit the vpc-lattice prefix list",
                g.id
            ),
        ));
    }
    Ok(out)
}

/// The security groups of `IP` targets admit the target port from Lattice's managed
/// prefix list (or from a CIDR that holds its link-local range).
pub fn prefix_list(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let (found, _) = groups(ctx, s)?;
    let with_targets: Vec<_> = found
        .into_iter()
        .filter(|g| !g.targets.is_empty())
        .collect();
    // Lambda targets have no security group.
    let unjudged: Vec<_> = with_targets
        .iter()
        .filter(|g| !g.is_ip() && !g.kind.eq_ignore_ascii_case("LAMBDA"))
        .collect();
    let ip_groups: Vec<_> = with_targets.iter().filter(|g| g.is_ip()).collect();
    if ip_groups.is_empty() {
        return match unjudged.first() {
            Some(g) => Err(Missing::new(
                format!("the security groups of {} targets ({})", g.kind, g.name),
                "only IP targets' ENIs are read",
            )),
            None => Ok(vec![]),
        };
    }
    let lists = need(&ctx.m.prefix_lists, Source::PrefixLists)?;
    let lattice: Vec<&str> = lists
        .iter()
        .filter(|p| p.is_lattice())
        .map(|p| p.id.as_str())
        .collect();
    let enis = need(&ctx.m.target_enis, Source::TargetEnis)?;
    let sgs = need(&ctx.m.security_groups, Source::SecurityGroups)?;
    let range: ipnet::Ipv4Net = LINK_LOCAL_V4.parse().expect("a CIDR");
    let mut out = Vec::new();
    let mut unknown = None;
    for g in ip_groups {
        for t in &g.targets {
            let Some(IpAddr::V4(ip)) = t.ip() else {
                continue;
            };
            let Some(port) = t.port.or(g.port) else {
                continue;
            };
            let Some(eni) = enis.iter().find(|e| e.ip == ip) else {
                unknown.get_or_insert_with(|| {
                    Missing::new(
                        format!("the ENI that holds target {ip}"),
                        format!(
                            "{} does not list it (another account's VPC?)",
                            Source::TargetEnis.spec().action()
                        ),
                    )
                });
                continue;
            };
            let groups: Vec<_> = sgs.iter().filter(|x| eni.sg_ids.contains(&x.id)).collect();
            if groups.len() < eni.sg_ids.len() {
                unknown.get_or_insert_with(|| {
                    Missing::new(
                        format!("security groups {}", list(&eni.sg_ids)),
                        format!(
                            "{} did not return them all",
                            Source::SecurityGroups.spec().action()
                        ),
                    )
                });
                continue;
            }
            let admits = groups
                .iter()
                .flat_map(|x| x.ingress.iter())
                .filter(|r| r.covers_tcp_port(port))
                .flat_map(|r| r.sources.iter())
                .any(|src| match src {
                    SgSource::PrefixList(pl) => lattice.contains(&pl.as_str()),
                    SgSource::Cidr(c) => c.contains(&range),
                    SgSource::Group(_) => false,
                });
            if admits {
                continue;
            }
            if lattice.is_empty() {
                unknown.get_or_insert_with(|| {
                    Missing::new(
                        "the vpc-lattice managed prefix list",
                        format!("{} did not return it", Source::PrefixLists.spec().action()),
                    )
                });
                continue;
            }
            if out
                .iter()
                .any(|f: &Finding| f.resource == eni.sg_ids.join(","))
            {
                continue;
            }
            out.push(Finding::new(
                "lattice-prefix-list-blocked",
                Severity::Fail,
                TARGETS,
                eni.sg_ids.join(","),
                format!(
                    "the security group(s) {} of target {ip} ({}) do not admit TCP {port} from the VPC Lattice prefix list {}: Lattice's health checks and requests are dropped",
                    list(&eni.sg_ids),
                    eni.id,
                    lattice[0]
                ),
                format!(
                    "aws ec2 authorize-security-group-ingress --group-id {} --ip-permissions 'IpProtocol=tcp,FromPort={port},ToPort={port},PrefixListIds=[{{PrefixListId={}}}]'",
                    eni.sg_ids.first().map_or("<group>", String::as_str),
                    lattice[0]
                ),
            ));
        }
    }
    match unknown {
        Some(m) if out.is_empty() => Err(m),
        _ => Ok(out),
    }
}
