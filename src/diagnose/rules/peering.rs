//! The peering between this host's VPC and the cluster VPC, and the routes over it.

use crate::diagnose::ctx::{Crossing, Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity};
use crate::model::Source;
use crate::model::network::table_for_subnet;
use crate::model::{Peering, RouteTable, RouteTarget};
use std::net::Ipv4Addr;

const HOP: Option<HopName> = Some(HopName::Peering);

/// Peering problems break the direct route; on other routes they are a warning.
fn severity(ctx: &Ctx) -> Severity {
    if ctx.route == Route::Direct {
        Severity::Fail
    } else {
        Severity::Warn
    }
}

/// Peerings between the origin VPC and the cluster VPC; `None` when they share a VPC.
/// The peerings joining the two VPCs, with the origin and cluster VPC ids.
type Between<'a> = (Vec<&'a Peering>, &'a str, &'a str);

fn peerings_between<'a>(ctx: &Ctx<'a>) -> Result<Option<Between<'a>>, Missing> {
    // A transit gateway carries the direct route: the peering rules have nothing to judge.
    if ctx.route == Route::Direct && matches!(ctx.crossing, Crossing::TransitGateway(_)) {
        return Ok(None);
    }
    let origin = ctx.origin()?;
    let cluster_vpc = ctx.cluster_vpc_id()?;
    if origin.vpc_id == cluster_vpc {
        return Ok(None);
    }
    let all = need(&ctx.m.peerings, Source::Peerings)?;
    let between = all
        .iter()
        .filter(|p| p.joins(&origin.vpc_id, cluster_vpc))
        .collect();
    Ok(Some((between, origin.vpc_id.as_str(), cluster_vpc)))
}

pub fn peering(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some((between, origin_vpc, cluster_vpc)) = peerings_between(ctx)? else {
        return Ok(vec![]);
    };
    let sev = severity(ctx);
    let mut out = Vec::new();
    let active: Vec<_> = between.iter().filter(|p| p.is_active()).collect();
    if between.is_empty() {
        if ctx.route == Route::Direct {
            out.push(Finding::new(
                "peering-missing",
                Severity::Fail,
                HOP,
                format!("{origin_vpc} <-> {cluster_vpc}"),
                "the name resolves to the EKS ENIs, but no peering joins this VPC to the cluster VPC",
                "create a peering between the VPCs with routes both ways, or use the PrivateLink setup",
            ));
        }
        return Ok(out);
    }
    // Deleted peerings stay visible for a while; they only matter when none is active.
    if active.is_empty() {
        for p in &between {
            out.push(Finding::new(
                "peering-inactive",
                sev,
                HOP,
                &p.id,
                format!(
                    "peering {} between {} and {} is {}, not active",
                    p.id,
                    ctx.vpc_name(&p.requester.vpc_id),
                    ctx.vpc_name(&p.accepter.vpc_id),
                    p.status
                ),
                if p.status.eq_ignore_ascii_case("pending-acceptance") {
                    format!("accept it: aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {}", p.id)
                } else {
                    "create a new peering between the VPCs and point both route tables at it".to_string()
                },
            ));
        }
    }
    let judged: Vec<&Peering> = if active.is_empty() {
        between.clone()
    } else {
        active.iter().map(|p| **p).collect()
    };
    for p in judged {
        let overlaps: Vec<String> = p
            .requester
            .cidrs
            .iter()
            .flat_map(|a| p.accepter.cidrs.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.contains(&b.network()) || b.contains(&a.network()))
            .map(|(a, b)| format!("{a} / {b}"))
            .collect();
        if !overlaps.is_empty() {
            out.push(Finding::new(
                "peering-cidr-overlap",
                sev,
                HOP,
                &p.id,
                format!("the peered VPCs have overlapping CIDRs ({}): traffic to the overlap never crosses the peering", overlaps.join(", ")),
                "peer VPCs with disjoint CIDRs, or use PrivateLink, which tolerates overlap",
            ));
        }
    }
    Ok(out)
}

/// Each side needs an active route to the other through the peering.
pub fn peering_routes(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some((between, _, cluster_vpc)) = peerings_between(ctx)? else {
        return Ok(vec![]);
    };
    let Some(pcx) = between.iter().find(|p| p.is_active()) else {
        return Ok(vec![]);
    };
    let tables = need(&ctx.m.route_tables, Source::RouteTables)?;
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let origin = ctx.origin()?;
    let sev = severity(ctx);
    let mut gaps = Vec::new();

    // Origin side: towards every ENI IP.
    let origin_tables = ctx.origin_tables(tables)?;
    for eni in enis {
        let missing: Vec<_> = origin_tables
            .iter()
            .filter(|t| !via_peering(t, eni.ip, &pcx.id))
            .collect();
        // Without the origin subnet we only know a route is missing when no table has it.
        let certain = origin.subnet_id.is_some() || missing.len() == origin_tables.len();
        if certain {
            for t in missing {
                gaps.push(format!(
                    "{} has no active route to {} via {} ({})",
                    t.id,
                    eni.ip,
                    pcx.id,
                    describe(t, eni.ip)
                ));
            }
        }
    }

    // Cluster side: back to this host from every ENI subnet.
    let back_to = ctx.return_addresses()?;
    let mut seen = std::collections::BTreeSet::new();
    for eni in enis {
        let Some(t) = table_for_subnet(tables, cluster_vpc, &eni.subnet_id) else {
            return Err(Missing::new(
                format!("route table of {}", eni.subnet_id),
                "none returned",
            ));
        };
        for ip in &back_to {
            if seen.insert((t.id.clone(), *ip)) && !via_peering(t, *ip, &pcx.id) {
                gaps.push(format!(
                    "{} (ENI subnet {}) has no active route back to {} via {} ({})",
                    t.id,
                    eni.subnet_id,
                    ip,
                    pcx.id,
                    describe(t, *ip)
                ));
            }
        }
    }
    gaps.dedup();
    Ok(if gaps.is_empty() {
        vec![]
    } else {
        vec![Finding::new(
            "peering-route-missing",
            sev,
            HOP,
            &pcx.id,
            gaps.join("; "),
            format!(
                "add routes for the peer VPC CIDR with target {} in both route tables",
                pcx.id
            ),
        )]
    })
}

fn via_peering(t: &RouteTable, ip: Ipv4Addr, pcx: &str) -> bool {
    t.lookup(ip)
        .is_some_and(|r| r.is_active() && r.target == RouteTarget::Peering(pcx.to_string()))
}

fn describe(t: &RouteTable, ip: Ipv4Addr) -> String {
    match t.lookup(ip) {
        None => "no route matches".into(),
        Some(r) if !r.is_active() => format!("{} -> {} is {}", r.destination, r.target, r.state),
        Some(r) => format!("{} goes to {}", r.destination, r.target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{Loadable, Model};

    fn edit_peering(m: &mut Model, f: impl FnOnce(&mut Peering)) {
        if let Loadable::Loaded { value, .. } = &mut m.peerings {
            f(&mut value[0])
        }
    }

    fn edit_tables(m: &mut Model, f: impl FnOnce(&mut Vec<RouteTable>)) {
        if let Loadable::Loaded { value, .. } = &mut m.route_tables {
            f(value)
        }
    }

    fn direct(m: &mut Model) {
        // Answers at the ENIs select the direct route.
        push_dns(m, &["192.168.10.21", "192.168.20.21"], 1);
    }

    #[test]
    fn healthy_peering_passes() {
        assert!(run(&healthy(), peering).unwrap().is_empty());
        assert!(run(&healthy(), peering_routes).unwrap().is_empty());
    }

    #[test]
    fn inactive_peering_warns_on_privatelink_and_fails_on_direct() {
        let mut m = healthy();
        edit_peering(&mut m, |p| p.status = "deleted".into());
        let f = run(&m, peering).unwrap();
        assert!(has(&f, "peering-inactive", Severity::Warn), "{f:?}");
        direct(&mut m);
        assert!(has(
            &run(&m, peering).unwrap(),
            "peering-inactive",
            Severity::Fail
        ));
    }

    #[test]
    fn missing_peering_fails_only_the_direct_route() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.peerings {
            value.clear();
        }
        assert!(run(&m, peering).unwrap().is_empty());
        direct(&mut m);
        assert!(has(
            &run(&m, peering).unwrap(),
            "peering-missing",
            Severity::Fail
        ));
    }

    #[test]
    fn overlapping_cidrs_are_reported() {
        let mut m = healthy();
        edit_peering(&mut m, |p| {
            p.accepter.cidrs = vec!["172.20.128.0/17".parse().unwrap()]
        });
        assert!(has(
            &run(&m, peering).unwrap(),
            "peering-cidr-overlap",
            Severity::Warn
        ));
    }

    #[test]
    fn missing_or_blackholed_routes_are_named() {
        let mut m = healthy();
        edit_tables(&mut m, |t| t[0].routes.truncate(1));
        let f = run(&m, peering_routes).unwrap();
        assert!(has(&f, "peering-route-missing", Severity::Warn));
        assert!(
            f[0].evidence
                .contains("rtb-ops has no active route to 192.168.10.21"),
            "{}",
            f[0].evidence
        );

        let mut m = healthy();
        edit_tables(&mut m, |t| t[1].routes[1].state = "blackhole".into());
        direct(&mut m);
        let f = run(&m, peering_routes).unwrap();
        assert!(has(&f, "peering-route-missing", Severity::Fail));
        assert!(f[0].evidence.contains("blackhole"), "{}", f[0].evidence);
    }

    #[test]
    fn a_transit_gateway_makes_a_missing_peering_no_fault() {
        let m = over_tgw(healthy());
        assert!(run(&m, peering).unwrap().is_empty());
        assert!(run(&m, peering_routes).unwrap().is_empty());
        // Over a peering, the same answers without one fail.
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.peerings {
            value.clear();
        }
        direct(&mut m);
        assert!(has(
            &run(&m, peering).unwrap(),
            "peering-missing",
            Severity::Fail
        ));
    }

    #[test]
    fn same_vpc_needs_no_peering() {
        let mut m = healthy();
        edit_origin(&mut m, |o| o.vpc_id = EKS_VPC.into());
        let m = without(m, Part::Peerings);
        assert!(run(&m, peering).unwrap().is_empty());
        assert!(run(&m, peering_routes).unwrap().is_empty());
    }

    #[test]
    fn unknown_without_origin_peerings_or_tables() {
        assert!(run(&without(healthy(), Part::Peerings), peering).is_err());
        assert!(run(&without(healthy(), Part::Origin), peering).is_err());
        assert!(run(&without(healthy(), Part::RouteTables), peering_routes).is_err());
        let mut m = healthy();
        m.origin = Loadable::loaded(None, t0());
        assert!(run(&m, peering).unwrap_err().why.contains("--from-vpc"));
    }
}
