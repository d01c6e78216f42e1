//! Route tables between this host and the API's NLB: a way there from this host's subnet,
//! and a way back from where the answers leave (the instances, which see this host's own
//! address, or the NLB's subnets for `ip` targets).

use super::members;
use crate::diagnose::ctx::{Ctx, need, tables_leaving};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::network::table_for_subnet;
use crate::model::{RouteTable, Source, TgAttributes};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

const HOP: Option<HopName> = Some(HopName::Nlb);

/// How `table` sends `ip`: `None` for no route, `Some(Err)` for a blackhole.
fn way(table: &RouteTable, ip: Ipv4Addr) -> Option<Result<String, String>> {
    let r = table.lookup(ip)?;
    Some(if r.is_active() {
        Ok(r.target.to_string())
    } else {
        Err(format!("{} via {} ({})", r.destination, r.target, r.state))
    })
}

/// What could carry traffic between the VPCs, for the fix.
fn carrier(ctx: &Ctx, a: &str, b: &str) -> Option<String> {
    if let Some(p) = ctx
        .m
        .peerings
        .value()
        .into_iter()
        .flatten()
        .find(|p| p.joins(a, b) && p.status.eq_ignore_ascii_case("active"))
    {
        return Some(format!("--vpc-peering-connection-id {}", p.id));
    }
    let atts = ctx
        .m
        .tgw_attachments
        .value()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    atts.iter()
        .filter(|x| x.vpc_id == a)
        .find(|x| atts.iter().any(|y| y.vpc_id == b && y.tgw_id == x.tgw_id))
        .map(|x| format!("--transit-gateway-id {}", x.tgw_id))
}

pub fn routes(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some(lb) = ctx.path.nlbs.first() else {
        return Ok(vec![]);
    };
    let origin = ctx.origin()?;
    if origin.vpc_id == lb.vpc_id {
        // One VPC: its local route carries everything.
        return Ok(vec![]);
    }
    let tables = need(&ctx.m.route_tables, Source::RouteTables)?;
    let own = ctx.origin_tables(tables)?;
    let nlb_ips: Vec<Ipv4Addr> = lb.private_ips().collect();
    if nlb_ips.is_empty() {
        return Err(Missing::new(
            format!("the addresses of NLB {}", lb.name),
            "not known, so the route towards them cannot be looked up",
        ));
    }
    let far_cidr = ctx
        .m
        .vpcs
        .value()
        .and_then(|v| v.iter().find(|v| v.id == lb.vpc_id))
        .and_then(|v| v.cidrs.first().copied());
    let mut out = Vec::new();
    for t in &own {
        let mut missing = Vec::new();
        for ip in &nlb_ips {
            match way(t, *ip) {
                Some(Ok(_)) => {}
                Some(Err(hole)) => out.push(Finding::new(
                    "route-blackhole",
                    Severity::Fail,
                    HOP,
                    &t.id,
                    format!("route table {} sends {ip} (NLB {}) to {hole}", t.id, lb.name),
                    format!(
                        "replace the route: aws ec2 replace-route --route-table-id {} --destination-cidr-block {} {}",
                        t.id,
                        far_cidr.map_or_else(|| format!("{ip}/32"), |c| c.to_string()),
                        carrier(ctx, &origin.vpc_id, &lb.vpc_id).unwrap_or_default()
                    ),
                )),
                None => missing.push(*ip),
            }
        }
        if !missing.is_empty() {
            let dest = far_cidr.map_or_else(|| format!("{}/32", missing[0]), |c| c.to_string());
            let fix = match carrier(ctx, &origin.vpc_id, &lb.vpc_id) {
                Some(via) => format!(
                    "aws ec2 create-route --route-table-id {} --destination-cidr-block {dest} {via}",
                    t.id
                ),
                None => format!(
                    "join the VPCs first: aws ec2 create-vpc-peering-connection --vpc-id {} --peer-vpc-id {}; then add a route to {dest} in {}",
                    origin.vpc_id, lb.vpc_id, t.id
                ),
            };
            out.push(
                Finding::new(
                    "route-to-nlb-missing",
                    Severity::Fail,
                    HOP,
                    &t.id,
                    format!(
                        "route table {} of this host's subnet has no route to {} (NLB {} in {})",
                        t.id,
                        list(&missing),
                        lb.name,
                        lb.vpc_id
                    ),
                    fix,
                )
                .explaining(&[HopName::ApiServer]),
            );
        }
    }

    // The way back: answers go to this host's address from the instances (which see it) or
    // from the NLB's subnets.
    let Some(back_to) = ctx.return_addresses()?.first().copied() else {
        return Ok(out);
    };
    // Who answers this host: targets that see its own address answer it themselves; the
    // others answer the NLB, whose nodes answer this host.
    let attrs = match need(&ctx.m.tg_attributes, Source::TgAttributes) {
        Ok(a) => a,
        Err(m) if out.is_empty() => return Err(m),
        Err(_) => return Ok(out),
    };
    let preserved = |tg_arn: &str| {
        ctx.path
            .target_groups
            .iter()
            .find(|g| g.arn == tg_arn)
            .is_some_and(|g| TgAttributes::preserves(attrs.iter().find(|a| a.tg_arn == g.arn), g))
    };
    let all = members(ctx);
    let mut subnets: BTreeSet<(String, String)> = all
        .iter()
        .filter(|m| preserved(&m.target.tg_arn))
        .filter_map(|m| m.subnet().map(|(v, s)| (v.to_string(), s.to_string())))
        .collect();
    if all.iter().any(|m| !preserved(&m.target.tg_arn)) || subnets.is_empty() {
        subnets.extend(
            lb.zones
                .iter()
                .map(|z| (lb.vpc_id.clone(), z.subnet_id.clone())),
        );
    }
    let mut seen = BTreeSet::new();
    for (vpc, subnet) in subnets {
        let vpc = if vpc.is_empty() {
            lb.vpc_id.clone()
        } else {
            vpc
        };
        let Some(t) = table_for_subnet(tables, &vpc, &subnet) else {
            continue;
        };
        if !seen.insert(t.id.clone()) {
            continue;
        }
        if way(t, back_to).is_none_or(|w| w.is_err()) {
            let dest = tables_leaving(tables, origin)
                .first()
                .and(ctx.m.vpcs.value())
                .and_then(|v| v.iter().find(|v| v.id == origin.vpc_id))
                .and_then(|v| v.cidrs.first().map(ToString::to_string))
                .unwrap_or_else(|| format!("{back_to}/32"));
            out.push(
                Finding::new(
                    "route-back-missing",
                    Severity::Fail,
                    HOP,
                    &t.id,
                    format!(
                        "route table {} (subnet {subnet}) has no active route back to {back_to}: answers to this host are dropped",
                        t.id
                    ),
                    match carrier(ctx, &lb.vpc_id, &origin.vpc_id) {
                        Some(via) => format!(
                            "aws ec2 create-route --route-table-id {} --destination-cidr-block {dest} {via}",
                            t.id
                        ),
                        None => format!(
                            "join the VPCs first, then add a route to {dest} in {}",
                            t.id
                        ),
                    },
                )
                .explaining(&[HopName::ApiServer]),
            );
        }
    }
    Ok(out)
}
