//! What each judgement rests on: the sources every rule and hop rule reads, as data. A hop
//! rests on the reads of the rules that judge it; the verdict on those of every hop on the
//! path and of the rules that judge no hop. A test fails a rule's sources one at a time and
//! requires every source that changes its result to be listed here.

use super::finding::HopName;
use super::path::HopStatus;
use super::{Diagnosis, Route, rules};
use crate::model::{Basis, Source as M};

const fn s(source: M) -> Basis {
    Basis::Source(source)
}

/// The route and the path resources every rule on the PrivateLink route looks through.
const PATH: &[Basis] = &[
    s(M::Cluster),
    s(M::InterfaceEndpoints),
    s(M::EndpointAddresses),
    s(M::EndpointServices),
    s(M::LoadBalancers),
    s(M::TargetGroups),
    s(M::Listeners),
];
const ORIGIN: &[Basis] = &[s(M::Origin), s(M::Vpcs)];

/// The sources each rule of [`rules::RULES`] reads, beyond [`PATH`], by rule name.
pub const READS: &[(&str, &[Basis])] = &[
    ("endpoint-mode", &[s(M::Cluster)]),
    ("cluster-status", &[s(M::Cluster)]),
    ("vpc-dns", &[s(M::Cluster), s(M::Origin), s(M::Vpcs)]),
    ("enis", &[s(M::Cluster), s(M::Enis)]),
    ("subnet-headroom", &[s(M::Cluster), s(M::Subnets)]),
    (
        "upgrade-headroom",
        &[s(M::Cluster), s(M::Enis), s(M::Subnets)],
    ),
    (
        "eni-security-groups",
        &[
            s(M::Enis),
            s(M::SecurityGroups),
            s(M::Origin),
            s(M::Vpcs),
            s(M::NlbAddresses),
        ],
    ),
    (
        "peering",
        &[s(M::Origin), s(M::Vpcs), s(M::Cluster), s(M::Peerings)],
    ),
    (
        "peering-routes",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::Cluster),
            s(M::Peerings),
            s(M::RouteTables),
            s(M::Enis),
        ],
    ),
    (
        "tgw-attachments",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::Cluster),
            s(M::TgwAttachments),
            s(M::Subnets),
            s(M::Enis),
            s(M::RouteTables),
            s(M::Peerings),
        ],
    ),
    (
        "tgw-routes",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::Cluster),
            s(M::TgwAttachments),
            s(M::TgwRoutes),
            s(M::RouteTables),
            s(M::Enis),
            s(M::Peerings),
        ],
    ),
    ("targets-vs-enis", &[s(M::Enis), s(M::Targets)]),
    ("health-checks", &[]),
    (
        "network-acls",
        &[s(M::Origin), s(M::Subnets), s(M::NetworkAcls), s(M::Enis)],
    ),
    (
        "target-health",
        &[s(M::Enis), s(M::Targets), s(M::LbAttributes)],
    ),
    ("nlb-wiring", &[s(M::LbAttributes)]),
    (
        "zones",
        &[s(M::Subnets), s(M::Enis), s(M::Targets), s(M::LbAttributes)],
    ),
    (
        "nlb-security-groups",
        &[s(M::Origin), s(M::Vpcs), s(M::SecurityGroups)],
    ),
    ("endpoint-service", &[s(M::EndpointConnections)]),
    ("interface-endpoint", &[s(M::Origin), s(M::Vpcs)]),
    (
        "endpoint-security-groups",
        &[s(M::Origin), s(M::Vpcs), s(M::SecurityGroups)],
    ),
    (
        "private-zone",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::HostedZones),
            s(M::ZoneAssociations),
            s(M::Records),
            s(M::Enis),
        ],
    ),
    (
        "dhcp-options",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::DhcpOptions),
            s(M::HostedZones),
            s(M::ZoneAssociations),
            s(M::Enis),
            Basis::Dns,
        ],
    ),
    (
        "resolver-rules",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::DhcpOptions),
            s(M::ResolverRules),
            s(M::ResolverEndpoints),
            s(M::HostedZones),
            s(M::ZoneAssociations),
            s(M::Enis),
            Basis::Dns,
        ],
    ),
    ("hosts-pin", &[Basis::Dns, s(M::Enis)]),
    (
        "zone-shadows-siblings",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::HostedZones),
            s(M::ZoneAssociations),
            s(M::RegionClusters),
            s(M::SiblingRecords),
        ],
    ),
    ("proxy", &[s(M::Cluster)]),
    ("dns-answers", &[Basis::Dns, s(M::Enis)]),
    ("dns-flapping", &[Basis::Dns]),
    ("probes", &[Basis::Dns, Basis::Probes]),
];

/// The sources each hop rule of [`rules::hops::HOP_RULES`] reads, by hop.
pub const HOP_READS: &[(HopName, &[Basis])] = &[
    (HopName::Origin, ORIGIN),
    (HopName::Dns, &[Basis::Dns]),
    (HopName::Peering, &[s(M::Origin), s(M::Vpcs), s(M::Cluster)]),
    (
        HopName::TransitGateway,
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::Cluster),
            s(M::TgwAttachments),
        ],
    ),
    (HopName::PublicEndpoint, &[s(M::Cluster)]),
    (HopName::ApiServer, &[Basis::Dns, Basis::Probes]),
];

/// The NLB an API server's name leads to, and its groups: what every rule on the `nlb`
/// route looks through.
const SERVER_PATH: &[Basis] = &[
    s(M::LoadBalancers),
    s(M::NlbAddresses),
    s(M::LbAttributes),
    s(M::HostedZones),
    s(M::ZoneAssociations),
    s(M::Records),
    s(M::Listeners),
    s(M::TargetGroups),
    Basis::Dns,
];

/// The sources each rule of [`super::server::RULES`] reads, beyond [`SERVER_PATH`].
pub const SERVER_READS: &[(&str, &[Basis])] = &[
    ("api-nlb", &[s(M::Origin)]),
    ("api-listener", &[]),
    ("api-zone", &[s(M::Origin), s(M::Vpcs)]),
    ("api-health-checks", &[]),
    (
        "api-zones",
        &[s(M::Targets), s(M::Instances), s(M::TargetEnis)],
    ),
    (
        "api-routes",
        &[
            s(M::TgAttributes),
            s(M::Origin),
            s(M::Vpcs),
            s(M::RouteTables),
            s(M::Peerings),
            s(M::TgwAttachments),
            s(M::Targets),
            s(M::Instances),
            s(M::TargetEnis),
        ],
    ),
    (
        "api-targets",
        &[s(M::Targets), s(M::Instances), s(M::TargetEnis)],
    ),
    (
        "api-security-groups",
        &[
            s(M::TgAttributes),
            s(M::Origin),
            s(M::Vpcs),
            s(M::Subnets),
            s(M::SecurityGroups),
            s(M::Targets),
            s(M::Instances),
            s(M::TargetEnis),
        ],
    ),
    (
        "dhcp-options",
        &[s(M::Origin), s(M::Vpcs), s(M::DhcpOptions)],
    ),
    (
        "resolver-rules",
        &[
            s(M::Origin),
            s(M::Vpcs),
            s(M::DhcpOptions),
            s(M::ResolverRules),
            s(M::ResolverEndpoints),
        ],
    ),
    ("hosts-pin", &[]),
    ("proxy", &[]),
    ("dns-answers", &[]),
    ("dns-flapping", &[]),
    ("probes", &[Basis::Probes]),
];

pub use super::lattice::LATTICE_READS;

/// Rule names and the sources each reads.
type Reads = &'static [(&'static str, &'static [Basis])];

/// The rules of `route`, what each reads, and what all of them look through.
fn table(route: Route) -> (&'static [rules::Rule], Reads, &'static [Basis]) {
    match route {
        Route::Nlb => (super::server::RULES, SERVER_READS, SERVER_PATH),
        Route::LatticeApi => (
            super::lattice::api::RULES,
            super::lattice::api::API_READS,
            super::lattice::api::API_PATH,
        ),
        Route::Lattice => (
            super::lattice::RULES,
            LATTICE_READS,
            super::lattice::LATTICE_PATH,
        ),
        _ => (rules::RULES, READS, PATH),
    }
}

/// What the rule named `rule` reads.
pub fn reads(rule: &str) -> impl Iterator<Item = Basis> {
    reads_on(Route::Privatelink, rule)
}

/// What the rule named `rule` of `route`'s table reads.
pub fn reads_on(route: Route, rule: &str) -> impl Iterator<Item = Basis> {
    let (_, reads, path) = table(route);
    reads
        .iter()
        .filter(move |(name, _)| *name == rule)
        .flat_map(|(_, b)| b.iter().copied())
        .chain(path.iter().copied())
}

/// Every source the judgement of `hop` rests on, sorted and without repeats.
pub fn rests_on(hop: HopName) -> Vec<Basis> {
    rests_on_route(hop, Route::Privatelink)
}

/// The same for a hop of `route`.
pub fn rests_on_route(hop: HopName, route: Route) -> Vec<Basis> {
    let (rules, ..) = table(route);
    let mut out: Vec<Basis> = rules
        .iter()
        .filter(|r| r.hop == Some(hop))
        .flat_map(|r| reads_on(route, r.name))
        .chain(
            HOP_READS
                .iter()
                .filter(|(h, _)| *h == hop)
                .flat_map(|(_, b)| b.iter().copied()),
        )
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every source the verdict rests on: the hops on the path (not skipped) and the rules that
/// judge no hop.
pub fn verdict_rests_on(d: &Diagnosis) -> Vec<Basis> {
    let mut out: Vec<Basis> = d
        .hops
        .iter()
        .filter(|h| h.status != HopStatus::Skipped)
        .flat_map(|h| rests_on_route(h.name, d.route))
        .chain(
            table(d.route)
                .0
                .iter()
                .filter(|r| r.hop.is_none())
                .flat_map(|r| reads_on(d.route, r.name)),
        )
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::ctx::Ctx;
    use crate::diagnose::rules::hops::HOP_RULES;
    use crate::diagnose::testkit::*;
    use crate::model::{LiveHistory, Model, Source};

    /// The healthy model with `b` taken away as a failed first read would leave it.
    fn without_basis(b: Basis) -> Model {
        match b {
            Basis::Source(source) => healthy_but(Some(source)),
            Basis::Dns => {
                let mut m = healthy();
                m.live = LiveHistory::default();
                m
            }
            Basis::Probes => {
                let mut m = healthy();
                m.live.probes.clear();
                m
            }
        }
    }

    fn every_basis() -> Vec<Basis> {
        Source::ALL
            .iter()
            .map(|&s| Basis::Source(s))
            .chain([Basis::Dns, Basis::Probes])
            .collect()
    }

    /// `Ctx` over `m`, on the healthy model's route: a changed route changes every rule's
    /// words, and says nothing about what the rule itself reads.
    fn ctx_on_healthy_route(m: &Model) -> Ctx<'_> {
        let reference = healthy();
        let route = Ctx::new(&reference).route;
        let mut ctx = Ctx::new(m);
        ctx.route = route;
        ctx
    }

    #[test]
    fn every_rule_lists_each_source_that_changes_its_result() {
        let base = healthy();
        let base_ctx = Ctx::new(&base);
        let mut missing = Vec::new();
        for rule in rules::RULES {
            assert!(
                READS.iter().any(|(n, _)| *n == rule.name),
                "rule {} has no READS entry in rests_on.rs",
                rule.name
            );
            let want = format!("{:?}", (rule.check)(&base_ctx));
            let listed: Vec<Basis> = reads(rule.name).collect();
            for b in every_basis() {
                let m = without_basis(b);
                let got = format!("{:?}", (rule.check)(&ctx_on_healthy_route(&m)));
                if got != want && !listed.contains(&b) {
                    missing.push(format!("{} reads {}", rule.name, b.name()));
                }
            }
        }
        for hr in HOP_RULES {
            let want = format!("{:?}", (hr.check)(&base_ctx));
            let listed = rests_on(hr.hop);
            for b in every_basis() {
                let m = without_basis(b);
                let got = format!("{:?}", (hr.check)(&ctx_on_healthy_route(&m)));
                if got != want && !listed.contains(&b) {
                    missing.push(format!("hop rule {} reads {}", hr.hop, b.name()));
                }
            }
        }
        assert!(missing.is_empty(), "not in rests_on.rs: {missing:#?}");
    }

    #[test]
    fn hops_rest_on_their_rules_reads() {
        let targets = rests_on(HopName::Targets);
        assert!(targets.contains(&Basis::Source(Source::Targets)));
        assert!(!targets.contains(&Basis::Source(Source::HostedZones)));
        let api = rests_on(HopName::ApiServer);
        assert!(api.contains(&Basis::Probes) && api.contains(&Basis::Source(Source::Cluster)));
        let d = crate::diagnose::diagnose(&healthy());
        let all = verdict_rests_on(&d);
        assert!(all.contains(&Basis::Source(Source::Records)));
        assert!(all.contains(&Basis::Dns));
    }
}
