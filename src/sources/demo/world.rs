//! The simulated account at one instant: a pure function of (scenario, elapsed time).

use super::ids::{
    AZ_B, CLUSTER, ENDPOINT_HOST, HOSTS_FILE, IPV6_ENDPOINT, NLB_API_ARN, SG_CLUSTER, TG_API_ARN,
    VPCE_API, VPCE_API_IPV6,
};
use super::scenario::Scenario;
use super::{automation, live, network, services, timeline};
use crate::model::automation::{EventRule, Function, RuleTarget, Trail};
use crate::model::lattice::{
    LatticeAssociation, LatticeEndpoint, LatticeNetwork, LatticeService, LatticeTargetGroup,
    PrefixList, ResourceConfig, ResourceGateway,
};
use crate::model::live::HostsPin;
use crate::model::{
    Cluster, DnsOutcome, EndpointConnection, EndpointService, Eni, HostedZone, Instance,
    InterfaceEndpoint, Listener, LoadBalancer, NetworkAcl, Origin, Peering, ProbeOutcome, Record,
    RouteTable, SecurityGroup, Subnet, Target, TargetGroup, Vpc,
};
use crate::model::{DhcpOptions, ResolverEndpoint, ResolverRule, TgwAttachment, TgwRouteTable};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub scenario: Scenario,
    pub elapsed: Duration,
    pub clusters: Vec<Cluster>,
    /// The bastion.
    pub origin: Origin,
    /// EKS-owned ENIs first, then unrelated ones.
    pub enis: Vec<Eni>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub network_acls: Vec<NetworkAcl>,
    pub security_groups: Vec<SecurityGroup>,
    pub peerings: Vec<Peering>,
    pub tgw_attachments: Vec<TgwAttachment>,
    pub tgw_route_tables: Vec<TgwRouteTable>,
    pub dhcp_options: Vec<DhcpOptions>,
    /// Resolver rules with the VPCs each is associated with.
    pub resolver_rules: Vec<(ResolverRule, Vec<String>)>,
    pub resolver_endpoints: Vec<ResolverEndpoint>,
    pub load_balancers: Vec<LoadBalancer>,
    pub listeners: Vec<Listener>,
    pub target_groups: Vec<TargetGroup>,
    /// Registered targets of every target group.
    pub targets: Vec<Target>,
    pub endpoint_services: Vec<EndpointService>,
    pub endpoint_connections: Vec<EndpointConnection>,
    pub interface_endpoints: Vec<InterfaceEndpoint>,
    /// Public and private zones alike.
    pub hosted_zones: Vec<HostedZone>,
    pub records: Vec<Record>,
    pub event_rules: Vec<EventRule>,
    pub rule_targets: Vec<RuleTarget>,
    pub functions: Vec<Function>,
    pub trails: Vec<Trail>,
    /// Instances behind a self-managed API's NLB.
    pub instances: Vec<Instance>,
    /// The port the API server listens on.
    pub api_port: u16,
    /// The HTTP status a probe that gets through is answered with.
    pub answer_status: u16,
    /// VPC Lattice: service networks, their services and target groups.
    pub lattice: LatticeWorld,
    /// What the bastion's resolver answers for the endpoint name; other names are NXDOMAIN.
    pub dns: SimDns,
    /// How a probe of each address the resolver hands out ends; others time out.
    pub reach: BTreeMap<IpAddr, ProbeOutcome>,
}

/// The simulated account's VPC Lattice resources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatticeWorld {
    pub associations: Vec<LatticeAssociation>,
    pub networks: Vec<LatticeNetwork>,
    pub services: Vec<LatticeService>,
    pub target_groups: Vec<LatticeTargetGroup>,
    /// The region's AWS-managed prefix lists that Lattice's traffic comes from.
    pub prefix_lists: Vec<PrefixList>,
    /// Resource and service network endpoints, the configurations and gateways behind.
    pub endpoints: Vec<LatticeEndpoint>,
    pub resource_configs: Vec<ResourceConfig>,
    pub resource_gateways: Vec<ResourceGateway>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimDns {
    pub host: String,
    /// The server this host asks: the VPC resolver, or what the DHCP options name.
    pub server: String,
    /// The bastion's hosts-file line for the name, which answers instead of DNS.
    pub pinned: Option<HostsPin>,
    pub outcome: DnsOutcome,
}

/// The EKS account of `scenario` (every scenario but the self-managed ones).
pub fn eks_world(scenario: Scenario, elapsed: Duration) -> World {
    let t = timeline::millis(elapsed);
    let security_groups = network::security_groups(scenario);
    let load_balancers = services::load_balancers(scenario);
    let target_groups = services::target_groups(scenario);
    // Checks pass when they reach a live ENI and can pass against the API server.
    let checkable = target_groups
        .iter()
        .filter(|g| g.arn == TG_API_ARN)
        .all(|g| {
            g.health_check
                .as_ref()
                .is_none_or(|h| h.fails_on_api().is_none())
        });
    // Forwarded traffic reaches the ENIs when their security group admits the NLB; with
    // every target unhealthy the NLB fails open and still forwards.
    let admitted = nlb_admitted(&security_groups, &load_balancers);
    let checks_pass = admitted && checkable;
    let mut enis = timeline::eks_enis(scenario, t);
    enis.extend(network::other_enis());
    let mut targets = timeline::api_targets(scenario, t, TG_API_ARN, checks_pass);
    // A target in a zone where the NLB is not enabled, cross-zone off, gets no traffic.
    let enabled: Vec<&str> = load_balancers
        .iter()
        .filter(|lb| lb.arn == NLB_API_ARN && lb.cross_zone != Some(true))
        .flat_map(|lb| lb.zones.iter().map(|z| z.az.as_str()))
        .collect();
    // In zone-without-target the second zone's ENI was deregistered by hand.
    if scenario == Scenario::ZoneWithoutTarget {
        targets.retain(|t| t.tg_arn != TG_API_ARN || t.az.as_deref() != Some(AZ_B));
    }
    for t in targets.iter_mut() {
        if !enabled.is_empty() && t.az.as_deref().is_some_and(|az| !enabled.contains(&az)) {
            t.state = "unused".into();
            t.reason = Some("Target.NotInUse".into());
            t.description = Some(
                "Target is in an Availability Zone that is not enabled for the load balancer"
                    .into(),
            );
        }
    }
    targets.extend(services::app_targets());
    let mut w = World {
        scenario,
        elapsed,
        clusters: {
            let mut all = vec![services::cluster(scenario, timeline::cluster_status(t))];
            if scenario == Scenario::ZoneShadowsSiblings {
                all.push(services::sibling_cluster());
            }
            all
        },
        origin: network::origin(),
        enis,
        vpcs: network::vpcs(scenario),
        subnets: network::subnets(scenario),
        route_tables: network::route_tables(scenario),
        network_acls: network::network_acls(scenario),
        security_groups,
        peerings: network::peerings(scenario),
        tgw_attachments: network::tgw_attachments(scenario),
        tgw_route_tables: network::tgw_route_tables(scenario),
        dhcp_options: network::dhcp_options(scenario),
        resolver_rules: network::resolver_rules(scenario),
        resolver_endpoints: network::resolver_endpoints(scenario),
        load_balancers,
        listeners: services::listeners(),
        target_groups,
        targets,
        endpoint_services: services::endpoint_services(scenario),
        endpoint_connections: services::endpoint_connections(scenario),
        interface_endpoints: services::interface_endpoints(scenario),
        hosted_zones: services::hosted_zones(scenario),
        records: services::records(),
        event_rules: automation::event_rules(scenario),
        rule_targets: automation::rule_targets(scenario),
        functions: automation::functions(scenario),
        trails: automation::trails(scenario),
        instances: Vec::new(),
        api_port: 443,
        answer_status: 401,
        lattice: LatticeWorld::default(),
        dns: SimDns {
            host: ENDPOINT_HOST.into(),
            server: String::new(),
            pinned: None,
            outcome: DnsOutcome::NxDomain,
        },
        reach: BTreeMap::new(),
    };
    if scenario == Scenario::Ipv6 {
        dual_stack(&mut w);
    }
    w.dns.server = live::server(&w);
    w.dns.outcome = live::resolve(&w);
    // Someone pinned the name to an ENI of the previous generation, long rotated away.
    if scenario == Scenario::HostsPinStale {
        let old = timeline::eni_ip(timeline::generation(scenario, t) - 1, timeline::Slot::A);
        w.dns.outcome = live::answers(&[old]);
        w.dns.pinned = Some(HostsPin {
            file: HOSTS_FILE.into(),
            line: 3,
        });
    }
    w.reach = live::reach(&w, admitted);
    if scenario == Scenario::LatticeApi {
        super::lattice::share_api(&mut w);
    }
    w
}

/// The `ipv6` scenario: the endpoint under the api.aws name, its zone and record following
/// it, and IPv6 addresses on the endpoint's ENIs and the EKS ENIs.
fn dual_stack(w: &mut World) {
    w.rename_endpoint(IPV6_ENDPOINT);
    for e in w
        .interface_endpoints
        .iter_mut()
        .filter(|e| e.id == VPCE_API)
    {
        e.ipv6 = VPCE_API_IPV6
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
    }
    let cluster_enis = format!("Amazon EKS {CLUSTER}");
    for e in w.enis.iter_mut().filter(|e| e.description == cluster_enis) {
        let [_, _, third, host] = e.ip.octets();
        e.ipv6 = vec![std::net::Ipv6Addr::new(
            0x2a05,
            0xd018,
            0x140c,
            0xb000 + u16::from(third),
            0,
            0,
            0,
            u16::from(host),
        )];
    }
}

/// Whether the cluster SG lets the API NLB's health checks and forwarded traffic in.
fn nlb_admitted(groups: &[SecurityGroup], lbs: &[LoadBalancer]) -> bool {
    let cluster: Vec<&SecurityGroup> = groups.iter().filter(|g| g.id == SG_CLUSTER).collect();
    lbs.iter()
        .filter(|lb| lb.arn == NLB_API_ARN)
        .flat_map(|lb| lb.private_ips())
        .all(|ip| network::admits(&cluster, 443, ip))
}

impl World {
    /// The cluster's endpoint under another URL; its zone and record follow the name.
    pub fn rename_endpoint(&mut self, url: &str) {
        let host = crate::model::cluster::endpoint_host(url);
        self.clusters[0].endpoint = url.into();
        for z in self
            .hosted_zones
            .iter_mut()
            .filter(|z| z.name == ENDPOINT_HOST)
        {
            z.name = host.clone();
        }
        for r in self.records.iter_mut().filter(|r| r.name == ENDPOINT_HOST) {
            r.name = host.clone();
        }
        self.dns.host = host;
    }

    pub fn cluster(&self) -> &Cluster {
        &self.clusters[0]
    }

    /// The EKS-owned ENIs of `cluster`, as DescribeNetworkInterfaces filters them.
    pub fn enis_of(&self, cluster: &str) -> Vec<Eni> {
        let want = format!("Amazon EKS {cluster}");
        self.enis
            .iter()
            .filter(|e| e.description == want)
            .cloned()
            .collect()
    }

    pub fn interface_endpoint(&self, id: &str) -> Option<&InterfaceEndpoint> {
        self.interface_endpoints.iter().find(|e| e.id == id)
    }

    pub fn targets_of(&self, tg_arn: &str) -> Vec<Target> {
        self.targets
            .iter()
            .filter(|t| t.tg_arn == tg_arn)
            .cloned()
            .collect()
    }
}
