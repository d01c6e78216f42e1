//! How traffic from this host reaches the API server: the route (from the live answers,
//! else the topology) and what carries it between the VPCs.

use super::{Crossing, Ctx, Route, tables_leaving};
use crate::diagnose::classify::AnswerClass;
use crate::diagnose::finding::list;
use crate::model::{DnsOutcome, Model, RouteTarget};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// The way between the VPCs: what this host's route table sends the cluster's addresses
/// to; without such a route, a peering between the VPCs, else a transit gateway both
/// are attached to, else a peering (whose absence the peering rules then name).
pub(super) fn crossing(m: &Model) -> Crossing {
    let origin = m.origin.value().and_then(|o| o.as_ref());
    // The far side: the cluster's VPC and its ENIs, or the API's own NLB and its IPs.
    let (far_vpc, mut towards): (Option<&str>, Vec<Ipv4Addr>) = match m.api_nlb() {
        Ok(n) => (Some(n.lb.vpc_id.as_str()), n.lb.private_ips().collect()),
        Err(_) if m.context.api.server().is_some() => (None, Vec::new()),
        Err(_) => (
            m.cluster.value().and_then(|c| c.vpc_id.as_deref()),
            m.enis
                .value()
                .map(|e| e.iter().map(|e| e.ip).collect())
                .unwrap_or_default(),
        ),
    };
    let (Some(origin), Some(cluster_vpc)) = (origin, far_vpc) else {
        return Crossing::Peering;
    };
    if origin.vpc_id == cluster_vpc {
        return Crossing::SameVpc;
    }
    if towards.is_empty()
        && let Some(v) = m
            .vpcs
            .value()
            .and_then(|v| v.iter().find(|v| v.id == cluster_vpc))
    {
        towards.extend(v.cidrs.iter().map(|c| c.network()));
    }
    if let Some(tables) = m.route_tables.value() {
        let own = tables_leaving(tables, origin);
        for ip in &towards {
            for t in &own {
                match t.lookup(*ip).map(|r| &r.target) {
                    Some(RouteTarget::TransitGateway(id)) => {
                        return Crossing::TransitGateway(id.clone());
                    }
                    Some(RouteTarget::Peering(_)) => return Crossing::Peering,
                    _ => {}
                }
            }
        }
    }
    let peered = m
        .peerings
        .value()
        .is_some_and(|ps| ps.iter().any(|p| p.joins(&origin.vpc_id, cluster_vpc)));
    if peered {
        return Crossing::Peering;
    }
    let attached = |vpc: &str| -> BTreeSet<&str> {
        m.tgw_attachments
            .value()
            .into_iter()
            .flatten()
            .filter(|a| a.vpc_id == vpc)
            .map(|a| a.tgw_id.as_str())
            .collect()
    };
    match attached(&origin.vpc_id)
        .intersection(&attached(cluster_vpc))
        .next()
    {
        Some(tgw) => Crossing::TransitGateway(tgw.to_string()),
        None => Crossing::Peering,
    }
}

/// The route, from the live DNS answers when there are any, else from the topology.
pub(super) fn choose_route(ctx: &Ctx) -> (Route, String) {
    if let Some(answers) = ctx.latest_answers().filter(|a| !a.is_empty()) {
        let count =
            |pred: fn(&AnswerClass) -> bool| answers.iter().filter(|(_, c)| pred(c)).count();
        let pl = count(|c| matches!(c, AnswerClass::InterfaceEndpoint(_)));
        let lattice = count(|c| matches!(c, AnswerClass::LatticeEndpoint(_)));
        let direct = count(|c| matches!(c, AnswerClass::EksEni(_)));
        let public = count(|c| matches!(c, AnswerClass::Public));
        let ips = list(answers.iter().map(|(ip, _)| ip));
        let best = pl.max(direct).max(public).max(lattice);
        if best == 0 {
            return (
                Route::Unresolved,
                format!(
                    "DNS answers {ips} are neither an interface endpoint, an EKS ENI nor public"
                ),
            );
        }
        if lattice == best {
            return (
                Route::LatticeApi,
                format!(
                    "DNS answers {ips} are a Lattice endpoint's IPs, to the cluster's resource configuration"
                ),
            );
        }
        return if pl == best {
            (
                Route::Privatelink,
                format!("DNS answers {ips} are interface endpoint IPs"),
            )
        } else if direct == best {
            (
                Route::Direct,
                format!("DNS answers {ips} are EKS-owned ENI IPs"),
            )
        } else {
            (Route::Public, format!("DNS answers {ips} are public IPs"))
        };
    }
    let why_no_dns = match ctx.m.live.dns.latest() {
        None if !ctx.m.context.live.dns => "live DNS off".to_string(),
        None => "no DNS answer yet".to_string(),
        Some(s) => match &s.outcome {
            DnsOutcome::Answers(_) => "no DNS answer".to_string(),
            _ => format!("DNS gave {}", s.outcome_label()),
        },
    };
    topology_route(ctx)
        .map(|(r, why)| (r, format!("{why_no_dns}; {why}")))
        .unwrap_or((
            Route::Unresolved,
            format!("{why_no_dns}; the topology does not tell"),
        ))
}

fn topology_route(ctx: &Ctx) -> Option<(Route, String)> {
    let cluster = ctx.m.cluster.value()?;
    if ctx.origin_in_cluster_vpc().unwrap_or(false) && cluster.private_access {
        return Some((Route::Direct, "this host is in the cluster VPC".into()));
    }
    if let Ok(origin) = ctx.origin() {
        let host = cluster.host();
        let zones = ctx.m.hosted_zones.value().map(Vec::as_slice).unwrap_or(&[]);
        let records = ctx.m.records.value().map(Vec::as_slice).unwrap_or(&[]);
        let serving = zones
            .iter()
            .filter(|z| z.private && z.covers(&host) && z.associated_with(&origin.vpc_id))
            .max_by_key(|z| z.depth());
        if let Some(zone) = serving {
            let rec = records
                .iter()
                .find(|r| r.zone_id == zone.id && r.is_for(&host));
            if let Some(r) = rec {
                let eni_ips = ctx.eni_ips().unwrap_or_default();
                let points_at_eni = r
                    .values
                    .iter()
                    .filter_map(|v| v.parse::<Ipv4Addr>().ok())
                    .any(|ip| eni_ips.contains(&ip));
                if points_at_eni {
                    return Some((
                        Route::Direct,
                        format!("zone {} points at EKS ENI IPs", zone.name),
                    ));
                }
                return Some((
                    Route::Privatelink,
                    format!(
                        "zone {} steers the name to an interface endpoint",
                        zone.name
                    ),
                ));
            }
        }
    }
    if let Some(s) = ctx.lattice_api().first()
        && ctx.path.endpoints.is_empty()
    {
        return Some((
            Route::LatticeApi,
            format!(
                "Lattice endpoint {} leads to resource configuration {} for the cluster",
                s.endpoint.id, s.config.name
            ),
        ));
    }
    if !ctx.path.endpoints.is_empty() {
        return Some((
            Route::Privatelink,
            format!(
                "interface endpoint {} leads to the cluster",
                list(ctx.path.endpoints.iter().map(|e| &e.id))
            ),
        ));
    }
    if cluster.public_access {
        return Some((Route::Public, "public access is on".into()));
    }
    let origin = ctx.origin().ok()?;
    if let Crossing::TransitGateway(tgw) = &ctx.crossing {
        return Some((
            Route::Direct,
            format!("transit gateway {tgw} joins this VPC to the cluster VPC"),
        ));
    }
    let peered = ctx.m.peerings.value()?.iter().any(|p| {
        cluster
            .vpc_id
            .as_deref()
            .is_some_and(|cv| p.joins(&origin.vpc_id, cv))
    });
    peered.then(|| {
        (
            Route::Direct,
            "a peering joins this VPC to the cluster VPC".into(),
        )
    })
}
