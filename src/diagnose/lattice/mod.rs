//! The rules for a VPC Lattice service (`--lattice-service`): `origin -> dns ->
//! service-network -> lattice-service -> target-group -> targets`. This host's VPC must be
//! associated (actively, its security groups admitting the listener) with a network the
//! service is in; the auth policies must not deny everything; a listener must lead to target
//! groups with healthy targets that admit Lattice's managed prefix list; the name must
//! resolve to Lattice's link-local addresses. The live rules (DNS, probes, proxy, DHCP,
//! Resolver) are shared with the other routes.

pub mod api;
pub mod network;
pub mod service;
pub mod targets;
#[cfg(test)]
mod tests;

use super::ctx::{Ctx, need};
use super::finding::HopName::*;
use super::finding::{Missing, list};
use super::rules::{Rule, live, proxy, resolution};
use crate::model::lattice::{LatticeApi, LatticeAssociation, LatticeService, LatticeTargetGroup};
use crate::model::{Basis, Model, Source};

pub const RULES: &[Rule] = &[
    Rule::new("lattice-service", Some(LatticeService), service::found),
    Rule::new(
        "lattice-association",
        Some(ServiceNetwork),
        network::association,
    ),
    Rule::new(
        "lattice-security-groups",
        Some(ServiceNetwork),
        network::security_groups,
    ),
    Rule::new(
        "lattice-membership",
        Some(LatticeService),
        service::membership,
    ),
    Rule::new("lattice-auth", Some(LatticeService), service::auth),
    Rule::new("lattice-listeners", Some(TargetGroup), service::listeners),
    Rule::new("lattice-targets", Some(Targets), targets::health),
    Rule::new("lattice-prefix-list", Some(Targets), targets::prefix_list),
    Rule::new("lattice-domain", Some(Dns), network::domain),
    Rule::new("lattice-dns", Some(Dns), network::link_local),
    Rule::new("dhcp-options", Some(Dns), resolution::dhcp_options),
    Rule::new("resolver-rules", Some(Dns), resolution::resolver_rules),
    Rule::new("proxy", Some(Origin), proxy::proxy),
    Rule::new("dns-answers", Some(Dns), live::dns_answers),
    Rule::new("dns-flapping", Some(Dns), live::dns_flapping),
    Rule::new("probes", Some(Targets), live::probes),
];

const fn s(source: Source) -> Basis {
    Basis::Source(source)
}

/// What every Lattice rule looks through: the service checked.
pub const LATTICE_PATH: &[Basis] = &[s(Source::LatticeService)];

/// The sources each rule of [`RULES`] reads, beyond [`LATTICE_PATH`].
pub const LATTICE_READS: &[(&str, &[Basis])] = &[
    ("lattice-service", &[]),
    (
        "lattice-association",
        &[
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::LatticeAssociations),
            s(Source::LatticeNetworks),
        ],
    ),
    (
        "lattice-security-groups",
        &[
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::LatticeAssociations),
            s(Source::SecurityGroups),
        ],
    ),
    (
        "lattice-membership",
        &[
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::LatticeAssociations),
        ],
    ),
    (
        "lattice-auth",
        &[
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::LatticeAssociations),
            s(Source::LatticeNetworks),
        ],
    ),
    ("lattice-listeners", &[s(Source::LatticeTargetGroups)]),
    ("lattice-targets", &[s(Source::LatticeTargetGroups)]),
    (
        "lattice-prefix-list",
        &[
            s(Source::LatticeTargetGroups),
            s(Source::TargetEnis),
            s(Source::SecurityGroups),
            s(Source::PrefixLists),
        ],
    ),
    (
        "lattice-domain",
        &[
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::HostedZones),
            s(Source::ZoneAssociations),
            s(Source::Records),
            Basis::Dns,
        ],
    ),
    ("lattice-dns", &[Basis::Dns]),
    (
        "dhcp-options",
        &[s(Source::Origin), s(Source::Vpcs), s(Source::DhcpOptions)],
    ),
    (
        "resolver-rules",
        &[
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::DhcpOptions),
            s(Source::ResolverRules),
            s(Source::ResolverEndpoints),
        ],
    ),
    ("proxy", &[]),
    ("dns-answers", &[Basis::Dns]),
    ("dns-flapping", &[Basis::Dns]),
    ("probes", &[Basis::Dns, Basis::Probes]),
];

/// Why the route is `lattice`: the service asked for, and what was found.
pub fn basis(m: &Model, api: &LatticeApi) -> String {
    match m.checked_service() {
        Some(s) => format!(
            "--lattice-service {}: VPC Lattice service {} ({})",
            api.service, s.name, s.id
        ),
        None => format!("--lattice-service {}", api.service),
    }
}

/// The service checked, or why it is not known. Not found is a finding of its own
/// (`lattice-service-not-found`); every other rule is then UNKNOWN.
pub fn service<'a>(ctx: &Ctx<'a>) -> Result<&'a LatticeService, Missing> {
    let name = ctx
        .m
        .context
        .api
        .lattice()
        .map_or("", |a| a.service.as_str());
    need(&ctx.m.lattice_service, Source::LatticeService)?
        .first()
        .ok_or_else(|| {
            Missing::new(
                format!("VPC Lattice service {name}"),
                "no service of this account has that name, ARN, id or DNS name",
            )
        })
}

/// This VPC's associations with the networks `service` is in.
pub fn shared<'a>(
    ctx: &Ctx<'a>,
    service: &LatticeService,
) -> Result<Vec<&'a LatticeAssociation>, Missing> {
    let origin = ctx.origin()?;
    let own = need(&ctx.m.lattice_associations, Source::LatticeAssociations)?;
    Ok(own
        .iter()
        .filter(|a| a.vpc_id == origin.vpc_id && service.membership(&a.network_id).is_some())
        .collect())
}

/// A network by name and id (`gateway-api (sn-...)`), its id alone when not read.
pub fn network_label(ctx: &Ctx, id: &str) -> String {
    ctx.m
        .lattice_networks
        .value()
        .and_then(|ns| ns.iter().find(|n| n.id == id))
        .map_or_else(|| id.to_string(), |n| format!("{} ({id})", n.name))
}

/// The target groups the service's listeners lead to, and the ids no group answers for.
pub fn groups<'a>(
    ctx: &Ctx<'a>,
    service: &LatticeService,
) -> Result<(Vec<&'a LatticeTargetGroup>, Vec<String>), Missing> {
    let all = need(&ctx.m.lattice_target_groups, Source::LatticeTargetGroups)?;
    let mut found: Vec<&LatticeTargetGroup> = Vec::new();
    let mut missing = Vec::new();
    for id in service.listeners.iter().flat_map(|l| l.target_groups()) {
        match all.iter().find(|g| g.is(id)) {
            Some(g) if !found.iter().any(|f| f.id == g.id) => found.push(g),
            Some(_) => {}
            None if !missing.iter().any(|m| m == id) => missing.push(id.to_string()),
            None => {}
        }
    }
    Ok((found, missing))
}

/// A one-line account of a Lattice hop.
pub fn summary(ctx: &Ctx, hop: crate::diagnose::finding::HopName) -> String {
    use crate::diagnose::finding::HopName as H;
    let Ok(s) = service(ctx) else {
        return match ctx.m.context.api.lattice() {
            Some(a) => format!("service {} not known", a.service),
            None => "no Lattice service".into(),
        };
    };
    match hop {
        H::ServiceNetwork => match shared(ctx, s) {
            Ok(a) if a.is_empty() => format!(
                "this VPC shares no service network with {} (in {})",
                s.name,
                list(s.networks.iter().map(|n| network_label(ctx, &n.network_id)))
            ),
            Ok(a) => list(a.iter().map(|a| {
                format!(
                    "{} {}{}",
                    a.network_name,
                    a.status,
                    if a.sg_ids.is_empty() {
                        String::new()
                    } else {
                        format!(" sg {}", a.sg_ids.join(","))
                    }
                )
            })),
            Err(m) => format!("{}: {}", m.what, m.why),
        },
        H::LatticeService => format!(
            "{} {} auth {}{}",
            s.name,
            s.status,
            s.auth.auth_type,
            s.host().map(|h| format!(" at {h}")).unwrap_or_default()
        ),
        H::TargetGroup => {
            let listeners = list(
                s.listeners
                    .iter()
                    .map(|l| format!("{} {}:{}", l.name, l.protocol, l.port)),
            );
            match groups(ctx, s) {
                Ok((g, _)) if !g.is_empty() => format!(
                    "listeners {listeners} -> {}",
                    list(g.iter().map(|g| format!("{} {}", g.name, g.kind)))
                ),
                Ok(_) => format!("listeners {listeners} -> no target group"),
                Err(m) => format!("{}: {}", m.what, m.why),
            }
        }
        _ => match groups(ctx, s) {
            Ok((g, _)) => list(g.iter().map(|g| {
                let healthy = g.targets.iter().filter(|t| t.healthy()).count();
                format!("{}: {healthy}/{} healthy", g.name, g.targets.len())
            })),
            Err(m) => format!("{}: {}", m.what, m.why),
        },
    }
}

/// The security groups `ids` as read (all of them, else UNKNOWN), and this host as the
/// source of traffic through them: placed by `--from-vpc`, anywhere in its VPC's range, so
/// a rule must admit all of it.
pub(crate) fn groups_from<'a>(
    ctx: &Ctx<'a>,
    ids: &[String],
) -> Result<
    (
        Vec<&'a crate::model::SecurityGroup>,
        crate::diagnose::sg::Source<'a>,
    ),
    Missing,
> {
    let origin = ctx.origin()?;
    let sgs = need(&ctx.m.security_groups, Source::SecurityGroups)?;
    let groups: Vec<_> = sgs.iter().filter(|g| ids.contains(&g.id)).collect();
    if groups.len() < ids.len() {
        return Err(Missing::new(
            format!("security groups {}", list(ids)),
            format!(
                "{} did not return them all",
                Source::SecurityGroups.spec().action()
            ),
        ));
    }
    let range = match origin.ip {
        Some(_) => None,
        None => ctx
            .m
            .vpcs
            .value()
            .and_then(|v| v.iter().find(|v| v.id == origin.vpc_id))
            .and_then(|v| v.cidrs.first().copied()),
    };
    let from = crate::diagnose::sg::Source {
        ip: origin.ip,
        sg_ids: &origin.sg_ids,
        range,
    };
    Ok((groups, from))
}
