//! The EKS API shared through VPC Lattice: a resource endpoint (or a service network
//! endpoint) in this host's VPC, a resource configuration for the cluster's endpoint, and a
//! resource gateway in the cluster's VPC that carries the traffic to the EKS ENIs. Hops
//! `origin -> dns -> lattice-endpoint -> resource-gateway -> eks-enis -> api-server`.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::HopName::{self, *};
use crate::diagnose::finding::{Missing, list};
use crate::diagnose::rules::{Rule, cluster, eni, live, proxy, resolution};
use crate::model::{Basis, Model, Source};

mod endpoint;
mod gateway;
#[cfg(test)]
mod tests;

pub use endpoint::endpoint;
pub use gateway::gateway;

pub const RULES: &[Rule] = &[
    Rule::new("lattice-endpoint", Some(LatticeEndpoint), endpoint),
    Rule::new("lattice-gateway", Some(ResourceGateway), gateway),
    Rule::new("enis", Some(EksEnis), eni::enis),
    Rule::new("cluster-status", Some(ApiServer), cluster::cluster_status),
    Rule::new("dhcp-options", Some(Dns), resolution::dhcp_options),
    Rule::new("resolver-rules", Some(Dns), resolution::resolver_rules),
    Rule::new("proxy", Some(Origin), proxy::proxy),
    Rule::new("dns-answers", Some(Dns), live::dns_answers),
    Rule::new("dns-flapping", Some(Dns), live::dns_flapping),
    Rule::new("probes", Some(ApiServer), live::probes),
];

const fn s(source: Source) -> Basis {
    Basis::Source(source)
}

/// What every rule of this route looks through: the cluster, this VPC's endpoints and the
/// configurations they lead to.
pub const API_PATH: &[Basis] = &[
    s(Source::Cluster),
    s(Source::LatticeEndpoints),
    s(Source::ResourceConfigs),
];

/// The sources each rule of [`RULES`] reads, beyond [`API_PATH`].
pub const API_READS: &[(&str, &[Basis])] = &[
    (
        "lattice-endpoint",
        &[
            s(Source::Enis),
            s(Source::Origin),
            s(Source::Vpcs),
            s(Source::SecurityGroups),
        ],
    ),
    (
        "lattice-gateway",
        &[
            s(Source::ResourceGateways),
            s(Source::Enis),
            s(Source::Subnets),
            s(Source::SecurityGroups),
        ],
    ),
    ("enis", &[s(Source::Enis)]),
    ("cluster-status", &[]),
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

/// One of this VPC's endpoints and a resource configuration behind it.
pub use crate::model::lattice::SharedApi as Shared;

/// The configurations behind this VPC's endpoints that are for the cluster.
pub fn shared(m: &Model) -> Vec<Shared<'_>> {
    m.shared_api()
}

/// The way this host's traffic goes: the configurations for the cluster, else every one
/// behind the endpoints the live DNS answers land on (whatever resource they name).
pub fn on_path<'a>(ctx: &Ctx<'a>) -> Vec<Shared<'a>> {
    let shared = ctx.lattice_api();
    if !shared.is_empty() {
        return shared;
    }
    let hit: Vec<String> = ctx
        .latest_answers()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, c)| match c {
            AnswerClass::LatticeEndpoint(id) => Some(id),
            _ => None,
        })
        .collect();
    ctx.m.lattice_pairs(|e, _| hit.contains(&e.id))
}

pub(super) fn found<'a>(ctx: &Ctx<'a>) -> Result<Vec<Shared<'a>>, Missing> {
    let c = ctx.cluster()?;
    need(&ctx.m.lattice_endpoints, Source::LatticeEndpoints)?;
    need(&ctx.m.resource_configs, Source::ResourceConfigs)?;
    let all = on_path(ctx);
    if all.is_empty() {
        return Err(Missing::new(
            "the Lattice endpoint to the cluster",
            format!(
                "no resource or service network endpoint in this VPC leads to a resource configuration for {}",
                c.host()
            ),
        ));
    }
    Ok(all)
}

/// A one-line account of the endpoint and gateway hops.
pub fn summary(ctx: &Ctx, hop: HopName) -> String {
    let shared = on_path(ctx);
    if shared.is_empty() {
        return "no Lattice endpoint in this VPC leads to the cluster".into();
    }
    match hop {
        HopName::LatticeEndpoint => list(shared.iter().map(|s| {
            format!(
                "{} {} {} IPs {} -> {} {}",
                s.endpoint.kind,
                s.endpoint.id,
                s.endpoint.state,
                list(&s.endpoint.ips),
                s.config.name,
                s.config.status
            )
        })),
        _ => match gateway::gateways(ctx) {
            Ok(g) => list(g.iter().map(|(_, g)| {
                format!(
                    "{} {} in {} sg {}",
                    g.name,
                    g.status,
                    list(&g.subnet_ids),
                    list(&g.sg_ids)
                )
            })),
            Err(m) => format!("{}: {}", m.what, m.why),
        },
    }
}
