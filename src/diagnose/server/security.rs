//! Security groups on the way to an API's own targets. With `instance` targets the NLB keeps
//! the client's address, so the instances must admit this host; with `ip` targets they must
//! admit the NLB's addresses. Either way the health checks come from the NLB's nodes. An NLB
//! with security groups must itself admit this host on the listener's port.

use super::{Member, members};
use crate::diagnose::ctx::{Ctx, need, need_as};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::diagnose::sg::{self, Allowed, tcp_allowed};
use crate::model::{LoadBalancer, SecurityGroup, SgSource, Source, TargetGroup, TgAttributes};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// A sender that must be admitted, and how to admit it.
#[derive(Clone)]
struct Sender {
    label: String,
    ip: Option<Ipv4Addr>,
    range: Option<Ipv4Net>,
    /// The groups a rule may name to admit it.
    sg_ids: Vec<String>,
    /// `--cidr 10.0.0.5/32` or `--source-group sg-1`.
    admit: String,
    /// Whether `sg_ids` holds every group the sender is in (not so for this host placed
    /// by `--from-vpc`).
    groups_known: bool,
}

impl Sender {
    fn src(&self) -> sg::Source<'_> {
        sg::Source {
            ip: self.ip,
            sg_ids: &self.sg_ids,
            range: self.range,
        }
    }
}

/// This host: its IP and groups, else its VPC's CIDRs.
fn this_host(ctx: &Ctx) -> Result<Vec<Sender>, Missing> {
    let o = ctx.origin()?;
    if o.ip.is_some() || !o.sg_ids.is_empty() {
        let admit = match (o.ip, o.sg_ids.first()) {
            (Some(ip), _) => format!("--cidr {ip}/32"),
            (None, Some(g)) => format!("--source-group {g}"),
            (None, None) => unreachable!("checked above"),
        };
        let label = match o.ip {
            Some(ip) => format!("this host ({ip})"),
            None => format!("this host's groups ({})", list(&o.sg_ids)),
        };
        return Ok(vec![Sender {
            label,
            ip: o.ip,
            range: None,
            sg_ids: o.sg_ids.clone(),
            admit,
            groups_known: true,
        }]);
    }
    let vpc = need_as(&ctx.m.vpcs, Source::Vpcs, "this host's VPC CIDR")?
        .iter()
        .find(|v| v.id == o.vpc_id)
        .ok_or_else(|| Missing::new("this host's IP or VPC CIDR", "not known"))?;
    Ok(vpc
        .cidrs
        .iter()
        .map(|c| Sender {
            label: format!("this host's VPC ({c})"),
            ip: None,
            range: Some(*c),
            sg_ids: Vec::new(),
            admit: format!("--cidr {c}"),
            groups_known: false,
        })
        .collect())
}

/// The NLB's nodes: each private IP (with the NLB's groups), else its subnets' CIDRs.
fn nlb_nodes(ctx: &Ctx, lb: &LoadBalancer) -> Result<Vec<Sender>, Missing> {
    let ips: Vec<Ipv4Addr> = lb.private_ips().collect();
    if !ips.is_empty() {
        return Ok(ips
            .into_iter()
            .map(|ip| Sender {
                label: format!("NLB node {ip}"),
                ip: Some(ip),
                range: None,
                sg_ids: lb.sg_ids.clone(),
                admit: format!("--cidr {ip}/32"),
                groups_known: true,
            })
            .collect());
    }
    let subnets = need(&ctx.m.subnets, Source::Subnets)?;
    let ranges: Vec<Ipv4Net> = lb
        .zones
        .iter()
        .filter_map(|z| subnets.iter().find(|s| s.id == z.subnet_id))
        .map(|s| s.cidr)
        .collect();
    if ranges.is_empty() {
        return Err(Missing::new(
            format!("the addresses of NLB {}", lb.name),
            "neither its IPs nor its subnets are known",
        ));
    }
    Ok(ranges
        .into_iter()
        .map(|r| Sender {
            label: format!("NLB subnet {r}"),
            ip: None,
            range: Some(r),
            sg_ids: lb.sg_ids.clone(),
            admit: format!("--cidr {r}"),
            groups_known: true,
        })
        .collect())
}

fn groups<'a>(all: &'a [SecurityGroup], ids: &[String]) -> Result<Vec<&'a SecurityGroup>, Missing> {
    ids.iter()
        .map(|id| {
            all.iter().find(|g| &g.id == id).ok_or_else(|| {
                Missing::new(
                    format!("security group {id}"),
                    format!("not returned by {}", Source::SecurityGroups.spec().action()),
                )
            })
        })
        .collect()
}

/// Which of `senders` `gs` refuses on `port`; a prefix list in the way is missing data.
fn refused<'s>(
    gs: &[&SecurityGroup],
    port: u16,
    senders: &'s [Sender],
) -> Result<Vec<&'s Sender>, Missing> {
    let mut out = Vec::new();
    for s in senders {
        match tcp_allowed(gs, port, &s.src()) {
            Allowed::Yes(_) => {}
            Allowed::No if !s.groups_known => {
                // A rule that admits by group may admit this host, whose groups are unknown.
                if let Some((g, by)) = by_group(gs, port) {
                    return Err(Missing::new(
                        format!("whether {} may connect on {port}", s.label),
                        format!(
                            "{g} admits group {by}, and this host's groups are not known (placed by --from-vpc; on the host, instance metadata names them)"
                        ),
                    ));
                }
                out.push(s)
            }
            Allowed::No => out.push(s),
            Allowed::Maybe(why) => {
                return Err(Missing::new(
                    format!("whether {} may connect on {port}", s.label),
                    format!("{why}, whose contents are not collected"),
                ));
            }
        }
    }
    Ok(out)
}

/// A rule of `gs` that admits TCP `port` from a security group: (the group holding it, the
/// group it admits).
fn by_group(gs: &[&SecurityGroup], port: u16) -> Option<(String, String)> {
    gs.iter().find_map(|g| {
        g.ingress
            .iter()
            .filter(|r| r.covers_tcp_port(port))
            .flat_map(|r| r.sources.iter())
            .find_map(|src| match src {
                SgSource::Group(by) => Some((g.id.clone(), by.clone())),
                _ => None,
            })
    })
}

fn authorize(group: &str, port: u16, senders: &[&Sender]) -> String {
    let mut args: Vec<&str> = senders.iter().map(|s| s.admit.as_str()).collect();
    args.dedup();
    args.iter()
        .map(|a| {
            format!(
                "aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port {port} {a}"
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The port health checks use: the group's own, or the traffic port.
fn check_port(g: &TargetGroup, traffic: u16) -> u16 {
    g.health_check
        .as_ref()
        .and_then(|h| h.port.parse().ok())
        .unwrap_or(traffic)
}

pub fn security_groups(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some(lb) = ctx.path.nlbs.first().copied() else {
        return Ok(vec![]);
    };
    if ctx.path.target_groups.is_empty() {
        return Ok(vec![]);
    }
    need(&ctx.m.targets, Source::Targets)?;
    let all = members(ctx);
    if all.is_empty() {
        return Ok(vec![]);
    }
    let source = if all.iter().any(|m| m.is_instance) {
        Source::Instances
    } else {
        Source::TargetEnis
    };
    match source {
        Source::Instances => need(&ctx.m.instances, source).map(|_| ())?,
        _ => need(&ctx.m.target_enis, source).map(|_| ())?,
    }
    let sgs = need(&ctx.m.security_groups, Source::SecurityGroups)?;
    let attrs = need(&ctx.m.tg_attributes, Source::TgAttributes)?;
    let host = this_host(ctx)?;
    let nodes = nlb_nodes(ctx, lb)?;
    // Targets that see this host's own address may also admit it by the NLB's groups.
    let host_via_nlb: Vec<Sender> = host
        .iter()
        .cloned()
        .map(|mut s| {
            s.sg_ids.extend(lb.sg_ids.iter().cloned());
            s
        })
        .collect();
    let mut out = Vec::new();

    // The NLB's own groups judge what arrives at the listener.
    if !lb.sg_ids.is_empty() {
        let gs = groups(sgs, &lb.sg_ids)?;
        let port = ctx.m.endpoint_port();
        let denied = refused(&gs, port, &host)?;
        if !denied.is_empty() {
            out.push(
                Finding::new(
                    "nlb-sg-blocks-api",
                    Severity::Fail,
                    Some(HopName::Nlb),
                    &lb.name,
                    format!(
                        "the security groups of NLB {} ({}) do not admit TCP {port} from {}",
                        lb.name,
                        list(&lb.sg_ids),
                        list(denied.iter().map(|d| &d.label))
                    ),
                    authorize(&lb.sg_ids[0], port, &denied),
                )
                .explaining(&[HopName::ApiServer]),
            );
        }
    }

    // Targets that share groups, port and group are judged together.
    type Key = (Vec<String>, u16, String);
    let mut by_groups: BTreeMap<Key, Vec<&Member>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for m in &all {
        match m.sg_ids() {
            Some(ids) => by_groups
                .entry((ids.to_vec(), m.target.port, m.target.tg_arn.clone()))
                .or_default()
                .push(m),
            None => unplaced.push(m.label()),
        }
    }
    if by_groups.is_empty() {
        return Err(Missing::new(
            format!("the security groups of {}", list(&unplaced)),
            format!("not listed by {}", source.spec().action()),
        ));
    }
    let total = all.len();
    for ((ids, port, tg_arn), ms) in &by_groups {
        let Some(g) = ctx.path.target_groups.iter().find(|g| &g.arn == tg_arn) else {
            continue;
        };
        let gs = groups(sgs, ids)?;
        let names = list(ms.iter().map(|m| m.label()));
        let sev = if ms.len() == total {
            Severity::Fail
        } else {
            Severity::Warn
        };
        let sg_label = list(gs.iter().map(|g| {
            if g.name.is_empty() {
                g.id.clone()
            } else {
                format!("{} ({})", g.id, g.name)
            }
        }));
        let preserved = TgAttributes::preserves(attrs.iter().find(|a| a.tg_arn == g.arn), g);
        let (senders, why) = if preserved {
            (
                &host_via_nlb,
                "the group keeps the client's address (preserve_client_ip), so its targets must admit this host",
            )
        } else {
            (
                &nodes,
                "the group does not keep the client's address, so its targets see the NLB's and must admit those",
            )
        };
        let denied = refused(&gs, *port, senders)?;
        if !denied.is_empty() {
            out.push(
                Finding::new(
                    "target-sg-blocks-api",
                    sev,
                    Some(HopName::Targets),
                    &ids[0],
                    format!(
                        "security group {sg_label} of {names} does not admit TCP {port} from {}: {why}",
                        list(denied.iter().map(|d| &d.label))
                    ),
                    authorize(&ids[0], *port, &denied),
                )
                .explaining(&[HopName::ApiServer]),
            );
        }
        let hc = check_port(g, *port);
        let refused_checks = refused(&gs, hc, &nodes)?;
        if !refused_checks.is_empty() {
            out.push(Finding::new(
                "target-sg-blocks-health-checks",
                sev,
                Some(HopName::Targets),
                &ids[0],
                format!(
                    "security group {sg_label} of {names} does not admit the health checks of target group {} (TCP {hc} from {}): the targets go unhealthy",
                    g.name,
                    list(refused_checks.iter().map(|d| &d.label))
                ),
                authorize(&ids[0], hc, &refused_checks),
            ));
        }
    }
    Ok(out)
}
