//! Every diagnosis rule, one small pure function each, in one table.

pub mod cluster;
pub mod eni;
pub mod hops;
pub mod hosts;
pub mod live;
pub mod nacl;
pub mod nlb;
pub mod peering;
pub mod privatelink;
pub mod proxy;
pub mod resolution;
pub mod route53;
pub mod security;
pub mod targets;
pub mod tgw;
pub mod zones;

use super::ctx::Ctx;
use super::finding::{Finding, HopName, Missing};

pub type Check = fn(&Ctx) -> Result<Vec<Finding>, Missing>;

pub struct Rule {
    pub name: &'static str,
    /// The hop that becomes UNKNOWN when this rule lacks its input.
    pub hop: Option<HopName>,
    pub check: Check,
}

impl Rule {
    pub const fn new(name: &'static str, hop: Option<HopName>, check: Check) -> Rule {
        Rule { name, hop, check }
    }
}

const fn rule(name: &'static str, hop: Option<HopName>, check: Check) -> Rule {
    Rule::new(name, hop, check)
}

use HopName::*;

pub const RULES: &[Rule] = &[
    rule("endpoint-mode", None, cluster::endpoint_mode),
    rule("cluster-status", Some(ApiServer), cluster::cluster_status),
    rule("vpc-dns", None, cluster::vpc_dns),
    rule("enis", Some(EksEnis), eni::enis),
    rule("subnet-headroom", Some(EksEnis), eni::subnet_headroom),
    rule("upgrade-headroom", Some(EksEnis), eni::upgrade_headroom),
    rule(
        "eni-security-groups",
        Some(EksEnis),
        security::eni_security_groups,
    ),
    rule("peering", Some(Peering), peering::peering),
    rule("peering-routes", Some(Peering), peering::peering_routes),
    rule(
        "tgw-attachments",
        Some(TransitGateway),
        tgw::tgw_attachments,
    ),
    rule("tgw-routes", Some(TransitGateway), tgw::tgw_routes),
    rule("targets-vs-enis", Some(Targets), targets::targets_vs_enis),
    rule("target-health", Some(Targets), targets::target_health),
    rule("health-checks", Some(Targets), targets::health_checks),
    rule("nlb-wiring", Some(Nlb), nlb::nlb_wiring),
    rule("zones", Some(Nlb), zones::zones),
    rule(
        "nlb-security-groups",
        Some(Nlb),
        security::nlb_security_groups,
    ),
    rule(
        "endpoint-service",
        Some(EndpointService),
        privatelink::endpoint_service,
    ),
    rule(
        "interface-endpoint",
        Some(InterfaceEndpoint),
        privatelink::interface_endpoint,
    ),
    rule(
        "endpoint-security-groups",
        Some(InterfaceEndpoint),
        security::endpoint_security_groups,
    ),
    rule("private-zone", Some(Dns), route53::private_zone),
    // It bears on the other clusters of the region, not on this host's path.
    rule(
        "zone-shadows-siblings",
        None,
        route53::zone_shadows_siblings,
    ),
    rule("dhcp-options", Some(Dns), resolution::dhcp_options),
    rule("resolver-rules", Some(Dns), resolution::resolver_rules),
    rule("hosts-pin", Some(Dns), hosts::hosts_pin),
    rule("proxy", Some(Origin), proxy::proxy),
    rule("dns-answers", Some(Dns), live::dns_answers),
    rule("dns-flapping", Some(Dns), live::dns_flapping),
    rule("probes", Some(ApiServer), live::probes),
    // Its findings name the hop of the subnet they stop; missing ACLs leave the verdict
    // unknown rather than any one hop.
    rule("network-acls", None, nacl::nacls),
];
