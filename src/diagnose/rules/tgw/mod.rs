//! A transit gateway as the way between this host's VPC and the cluster VPC: both
//! attachments, the zones they carry, and the routes both ways, in the VPC route tables and
//! in the transit gateway route table associated with each attachment.

use crate::diagnose::ctx::{Crossing, Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::network::table_for_subnet;
use crate::model::{RouteTable, RouteTarget, Source, Subnet, TgwAttachment, TgwRouteTable};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

const HOP: Option<HopName> = Some(HopName::TransitGateway);

/// The transit gateway that carries the direct route, if one does.
fn carrying<'a>(ctx: &'a Ctx) -> Option<&'a str> {
    match &ctx.crossing {
        Crossing::TransitGateway(tgw) if ctx.route == Route::Direct => Some(tgw),
        _ => None,
    }
}

/// This host's VPC and the cluster VPC, with each one's attachments to `tgw`.
struct Sides<'a> {
    origin_vpc: &'a str,
    cluster_vpc: &'a str,
    origin: Vec<&'a TgwAttachment>,
    cluster: Vec<&'a TgwAttachment>,
}

fn sides<'a>(ctx: &Ctx<'a>, tgw: &str) -> Result<Sides<'a>, Missing> {
    let origin_vpc = ctx.origin()?.vpc_id.as_str();
    let cluster_vpc = ctx.cluster_vpc_id()?;
    let all = need(&ctx.m.tgw_attachments, Source::TgwAttachments)?;
    let of = |vpc: &str| {
        all.iter()
            .filter(|a| a.tgw_id == tgw && a.vpc_id == vpc)
            .collect::<Vec<_>>()
    };
    Ok(Sides {
        origin_vpc,
        cluster_vpc,
        origin: of(origin_vpc),
        cluster: of(cluster_vpc),
    })
}

/// The attachment that carries a side's traffic: an available one, else any.
fn working<'a>(atts: &[&'a TgwAttachment]) -> Option<&'a TgwAttachment> {
    atts.iter()
        .find(|a| a.is_available())
        .or_else(|| atts.first())
        .copied()
}

/// Each VPC needs an available attachment, with a subnet in every zone its end of the
/// traffic uses.
pub fn tgw_attachments(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some(tgw) = carrying(ctx) else {
        return Ok(vec![]);
    };
    let sides = sides(ctx, tgw)?;
    let mut out = Vec::new();
    for (vpc, atts) in [
        (sides.origin_vpc, &sides.origin),
        (sides.cluster_vpc, &sides.cluster),
    ] {
        match working(atts) {
            None => out.push(Finding::new(
                "tgw-attachment-missing",
                Severity::Fail,
                HOP,
                vpc,
                format!(
                    "{} has no attachment to {tgw}: the transit gateway cannot carry its traffic",
                    ctx.vpc_name(vpc)
                ),
                format!(
                    "aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id {tgw} --vpc-id {vpc} --subnet-ids <one subnet per zone>"
                ),
            )),
            Some(a) if !a.is_available() => out.push(Finding::new(
                "tgw-attachment-unavailable",
                Severity::Fail,
                HOP,
                &a.id,
                format!(
                    "attachment {} of {} to {tgw} is {}, not available: it carries nothing",
                    a.id,
                    ctx.vpc_name(vpc),
                    a.state
                ),
                if a.state.eq_ignore_ascii_case("pendingAcceptance") {
                    format!(
                        "aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id {}",
                        a.id
                    )
                } else {
                    format!(
                        "aws ec2 describe-transit-gateway-vpc-attachments --transit-gateway-attachment-ids {} (wait for it, or recreate it)",
                        a.id
                    )
                },
            )),
            Some(_) => {}
        }
    }
    out.extend(zone_gaps(ctx, &sides)?);
    Ok(explaining_probes(out))
}

/// Nothing reaches the API server past a broken transit gateway: its findings explain
/// failed probes.
fn explaining_probes(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|f| f.explaining(&[HopName::ApiServer]))
        .collect()
}

/// The zone of a subnet, by zone ID where known (names are shuffled per account).
fn zone_of<'a>(subnets: &'a [Subnet], id: &str) -> Option<&'a str> {
    subnets
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.az_id.as_deref().unwrap_or(&s.az))
}

/// An attachment only carries traffic in zones where it has a subnet: this host's zone on
/// its side, each ENI's zone on the cluster's.
fn zone_gaps(ctx: &Ctx, sides: &Sides) -> Result<Vec<Finding>, Missing> {
    let (Some(o_att), Some(c_att)) = (working(&sides.origin), working(&sides.cluster)) else {
        return Ok(vec![]);
    };
    let subnets = need(&ctx.m.subnets, Source::Subnets)?;
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let zones = |a: &TgwAttachment| -> BTreeSet<&str> {
        a.subnet_ids
            .iter()
            .filter_map(|s| zone_of(subnets, s))
            .collect()
    };
    let mut out = Vec::new();
    let origin = ctx.origin()?;
    if let Some(zone) = origin
        .subnet_id
        .as_deref()
        .and_then(|s| zone_of(subnets, s))
        && !zones(o_att).contains(zone)
    {
        out.push(Finding::new(
            "tgw-attachment-az-missing",
            Severity::Fail,
            HOP,
            &o_att.id,
            format!(
                "attachment {} has no subnet in this host's zone {zone} (it has {}): traffic from this host never reaches the transit gateway",
                o_att.id,
                list(zones(o_att))
            ),
            format!(
                "aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {} --add-subnet-ids <a subnet of {} in {zone}>",
                o_att.id, sides.origin_vpc
            ),
        ));
    }
    let served = zones(c_att);
    let cut: Vec<String> = enis
        .iter()
        .filter_map(|e| {
            let zone = zone_of(subnets, &e.subnet_id)?;
            (!served.contains(zone)).then(|| format!("{} ({zone})", e.ip))
        })
        .collect();
    if !cut.is_empty() {
        let all = cut.len() == enis.len();
        out.push(Finding::new(
            "tgw-attachment-az-missing",
            if all { Severity::Fail } else { Severity::Warn },
            HOP,
            &c_att.id,
            format!(
                "attachment {} has no subnet in the zone of ENI {}: {} answers never reach the transit gateway{}",
                c_att.id,
                list(&cut),
                if cut.len() == 1 { "its" } else { "their" },
                if all {
                    ""
                } else if cut.len() == 1 {
                    ", so connections to it fail"
                } else {
                    ", so connections to them fail"
                }
            ),
            format!(
                "aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {} --add-subnet-ids <a subnet of {} in each of those zones>",
                c_att.id, sides.cluster_vpc
            ),
        ));
    }
    Ok(out)
}

/// What went wrong on one leg of the way.
enum Gap {
    Missing(String),
    Blackhole(String),
}

/// Routes to the transit gateway in the VPC route tables of this host's subnet and of the
/// ENI subnets, and in the transit gateway route table of each attachment, both ways.
pub fn tgw_routes(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some(tgw) = carrying(ctx) else {
        return Ok(vec![]);
    };
    let sides = sides(ctx, tgw)?;
    let (Some(o_att), Some(c_att)) = (working(&sides.origin), working(&sides.cluster)) else {
        // The attachments rule names what is missing.
        return Ok(vec![]);
    };
    let tables = need(&ctx.m.route_tables, Source::RouteTables)?;
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let origin = ctx.origin()?;
    let mut gaps: Vec<Gap> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    let cidr_of = |vpc: &str, ip: Ipv4Addr| -> String {
        ctx.m
            .vpcs
            .value()
            .and_then(|v| v.iter().find(|v| v.id == vpc))
            .and_then(|v| v.cidrs.iter().find(|c| c.contains(&ip)))
            .map_or_else(|| format!("{ip}/32"), ToString::to_string)
    };

    // This host's side, towards every ENI.
    let own = ctx.origin_tables(tables)?;
    for eni in enis {
        let failing: Vec<&&RouteTable> = own.iter().filter(|t| !via(t, eni.ip, tgw)).collect();
        // Without this host's subnet a route is known missing only when no table has it.
        if origin.subnet_id.is_none() && failing.len() < own.len() {
            continue;
        }
        for t in failing {
            let dest = cidr_of(sides.cluster_vpc, eni.ip);
            gaps.push(vpc_gap(t, eni.ip, tgw, None));
            fixes.push(format!(
                "aws ec2 create-route --route-table-id {} --destination-cidr-block {dest} --transit-gateway-id {tgw}",
                t.id
            ));
        }
    }

    // The cluster side, back to this host from every ENI subnet.
    let back_to = ctx.return_addresses()?;
    let mut seen = BTreeSet::new();
    for eni in enis {
        let Some(t) = table_for_subnet(tables, sides.cluster_vpc, &eni.subnet_id) else {
            return Err(Missing::new(
                format!("route table of {}", eni.subnet_id),
                "none returned",
            ));
        };
        for ip in &back_to {
            if seen.insert((t.id.clone(), *ip)) && !via(t, *ip, tgw) {
                gaps.push(vpc_gap(t, *ip, tgw, Some(&eni.subnet_id)));
                fixes.push(format!(
                    "aws ec2 create-route --route-table-id {} --destination-cidr-block {} --transit-gateway-id {tgw}",
                    t.id,
                    cidr_of(sides.origin_vpc, *ip)
                ));
            }
        }
    }

    // Inside the transit gateway: each attachment's table must send to the other one.
    let tgw_tables = need(&ctx.m.tgw_route_tables, Source::TgwRoutes)?;
    let legs: Vec<(&TgwAttachment, &TgwAttachment, Vec<Ipv4Addr>, &str)> = vec![
        (
            o_att,
            c_att,
            enis.iter().map(|e| e.ip).collect(),
            sides.cluster_vpc,
        ),
        (c_att, o_att, back_to.clone(), sides.origin_vpc),
    ];
    // An attachment that is not available has no association to judge: the attachments
    // rule names it.
    let legs = legs
        .into_iter()
        .filter(|(from, to, _, _)| from.is_available() && to.is_available());
    for (from, to, ips, to_vpc) in legs {
        let Some(rt_id) = &from.route_table_id else {
            gaps.push(Gap::Missing(format!(
                "attachment {} is associated with no transit gateway route table: what it sends is dropped",
                from.id
            )));
            fixes.push(format!(
                "aws ec2 associate-transit-gateway-route-table --transit-gateway-route-table-id <route table> --transit-gateway-attachment-id {}",
                from.id
            ));
            continue;
        };
        let Some(table) = tgw_tables.iter().find(|t| &t.id == rt_id) else {
            return Err(Missing::new(
                format!("routes of {rt_id}"),
                format!("not returned by {}", Source::TgwRoutes.spec().action()),
            ));
        };
        let mut said = BTreeSet::new();
        for ip in ips {
            let dest = cidr_of(to_vpc, ip);
            if !said.insert(dest.clone()) {
                continue;
            }
            if let Some(gap) = tgw_gap(table, ip, from, to) {
                fixes.push(match &gap {
                    Gap::Blackhole(_) => format!(
                        "aws ec2 replace-transit-gateway-route --transit-gateway-route-table-id {rt_id} --destination-cidr-block {} --transit-gateway-attachment-id {}",
                        table.lookup(ip).map_or(dest.clone(), |r| r.destination.to_string()),
                        to.id
                    ),
                    Gap::Missing(_) => format!(
                        "aws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id {rt_id} --transit-gateway-attachment-id {}",
                        to.id
                    ),
                });
                gaps.push(gap);
            }
        }
    }

    let mut seen_fix = BTreeSet::new();
    fixes.retain(|f| seen_fix.insert(f.clone()));
    let (missing, blackholes): (Vec<_>, Vec<_>) =
        gaps.into_iter().partition(|g| matches!(g, Gap::Missing(_)));
    let text = |gs: Vec<Gap>| -> Vec<String> {
        let mut v: Vec<String> = gs
            .into_iter()
            .map(|g| match g {
                Gap::Missing(s) | Gap::Blackhole(s) => s,
            })
            .collect();
        v.dedup();
        v
    };
    let mut out = Vec::new();
    let fix = fixes.join("; ");
    if !missing.is_empty() {
        out.push(Finding::new(
            "tgw-route-missing",
            Severity::Fail,
            HOP,
            tgw,
            text(missing).join("; "),
            fix.clone(),
        ));
    }
    if !blackholes.is_empty() {
        out.push(Finding::new(
            "tgw-route-blackhole",
            Severity::Fail,
            HOP,
            tgw,
            text(blackholes).join("; "),
            fix,
        ));
    }
    Ok(explaining_probes(out))
}

fn via(t: &RouteTable, ip: Ipv4Addr, tgw: &str) -> bool {
    t.lookup(ip)
        .is_some_and(|r| r.is_active() && r.target == RouteTarget::TransitGateway(tgw.to_string()))
}

fn vpc_gap(t: &RouteTable, ip: Ipv4Addr, tgw: &str, eni_subnet: Option<&str>) -> Gap {
    let which = match eni_subnet {
        Some(s) => format!(
            "{} (ENI subnet {s}) has no active route back to {ip} via {tgw}",
            t.id
        ),
        None => format!("{} has no active route to {ip} via {tgw}", t.id),
    };
    match t.lookup(ip) {
        Some(r) if r.target == RouteTarget::TransitGateway(tgw.to_string()) => Gap::Blackhole(
            format!("{which} ({} -> {} is {})", r.destination, r.target, r.state),
        ),
        Some(r) => Gap::Missing(format!("{which} ({} goes to {})", r.destination, r.target)),
        None => Gap::Missing(format!("{which} (no route matches)")),
    }
}

fn tgw_gap(
    table: &TgwRouteTable,
    ip: Ipv4Addr,
    from: &TgwAttachment,
    to: &TgwAttachment,
) -> Option<Gap> {
    let head = format!(
        "transit gateway route table {} (of attachment {})",
        table.id, from.id
    );
    match table.lookup(ip) {
        None => Some(Gap::Missing(format!(
            "{head} has no route to {ip}: neither propagated from {} nor static",
            to.id
        ))),
        Some(r) if !r.is_active() => Some(Gap::Blackhole(format!(
            "{head} sends {ip} to a blackhole ({} {} route {})",
            r.destination, r.kind, r.state
        ))),
        Some(r) if !r.attachments.iter().any(|a| a.attachment_id == to.id) => {
            Some(Gap::Missing(format!(
                "{head} sends {ip} to {} ({}), not to {}",
                list(r.attachments.iter().map(|a| &a.attachment_id)),
                r.destination,
                to.id
            )))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests;
