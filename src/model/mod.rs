//! Plain data: everything the tool knows about the account and this host.

pub mod cluster;
pub mod events;
pub mod lb;
pub mod live;
pub mod loadable;
pub mod network;
pub mod privatelink;
pub mod route53;
pub mod stats;

pub use cluster::{Cluster, EndpointMode, Eni, Origin};
pub use events::{Event, EventLevel};
pub use lb::{LbZone, Listener, LoadBalancer, Target, TargetGroup};
pub use live::{DnsAnswer, DnsOutcome, DnsSample, LiveHistory, ProbeOutcome, ProbeSample};
pub use loadable::{ErrorKind, Loadable, SourceError};
pub use network::{
    PeerSide, Peering, Route, RouteTable, RouteTarget, SecurityGroup, SgRule, SgSource, Subnet, Vpc,
};
pub use privatelink::{EndpointConnection, EndpointService, InterfaceEndpoint};
pub use route53::{AliasTarget, HostedZone, Record, ZoneVpc};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What the user asked to sample live from this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LiveMode {
    pub dns: bool,
    pub probe: bool,
}

impl LiveMode {
    pub const ALL: LiveMode = LiveMode {
        dns: true,
        probe: true,
    };
    pub const OFF: LiveMode = LiveMode {
        dns: false,
        probe: false,
    };
}

/// Who we are looking at and from where; fixed for a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    pub cluster_name: String,
    pub region: Option<String>,
    /// `demo:<scenario>` or `aws`.
    pub source: String,
    pub live: LiveMode,
}

/// One update from a source. Sources send these; only [`Model::apply`] merges them.
#[derive(Debug, Clone)]
pub enum Fetched {
    Cluster(Result<Cluster, SourceError>),
    /// `Ok(None)`: nothing tells where this host is.
    Origin(Result<Option<Origin>, SourceError>),
    Enis(Result<Vec<Eni>, SourceError>),
    Vpcs(Result<Vec<Vpc>, SourceError>),
    Subnets(Result<Vec<Subnet>, SourceError>),
    RouteTables(Result<Vec<RouteTable>, SourceError>),
    SecurityGroups(Result<Vec<SecurityGroup>, SourceError>),
    Peerings(Result<Vec<Peering>, SourceError>),
    LoadBalancers(Result<Vec<LoadBalancer>, SourceError>),
    Listeners(Result<Vec<Listener>, SourceError>),
    TargetGroups(Result<Vec<TargetGroup>, SourceError>),
    Targets(Result<Vec<Target>, SourceError>),
    EndpointServices(Result<Vec<EndpointService>, SourceError>),
    EndpointConnections(Result<Vec<EndpointConnection>, SourceError>),
    InterfaceEndpoints(Result<Vec<InterfaceEndpoint>, SourceError>),
    HostedZones(Result<Vec<HostedZone>, SourceError>),
    Records(Result<Vec<Record>, SourceError>),
    Dns(DnsSample),
    Probe(ProbeSample),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub context: Context,
    pub cluster: Loadable<Cluster>,
    pub origin: Loadable<Option<Origin>>,
    pub enis: Loadable<Vec<Eni>>,
    pub vpcs: Loadable<Vec<Vpc>>,
    pub subnets: Loadable<Vec<Subnet>>,
    pub route_tables: Loadable<Vec<RouteTable>>,
    pub security_groups: Loadable<Vec<SecurityGroup>>,
    pub peerings: Loadable<Vec<Peering>>,
    pub load_balancers: Loadable<Vec<LoadBalancer>>,
    pub listeners: Loadable<Vec<Listener>>,
    pub target_groups: Loadable<Vec<TargetGroup>>,
    pub targets: Loadable<Vec<Target>>,
    pub endpoint_services: Loadable<Vec<EndpointService>>,
    pub endpoint_connections: Loadable<Vec<EndpointConnection>>,
    pub interface_endpoints: Loadable<Vec<InterfaceEndpoint>>,
    pub hosted_zones: Loadable<Vec<HostedZone>>,
    pub records: Loadable<Vec<Record>>,
    pub live: LiveHistory,
    pub events: events::EventLog,
}

/// One row of the source table: name, the API behind it, and its state.
pub struct SourceStatus<'a> {
    pub name: &'static str,
    pub api: &'static str,
    pub state: &'static str,
    pub fetched_at: Option<DateTime<Utc>>,
    pub error: Option<&'a SourceError>,
}

impl Model {
    pub fn new(context: Context) -> Self {
        Self {
            context,
            cluster: Loadable::Loading,
            origin: Loadable::Loading,
            enis: Loadable::Loading,
            vpcs: Loadable::Loading,
            subnets: Loadable::Loading,
            route_tables: Loadable::Loading,
            security_groups: Loadable::Loading,
            peerings: Loadable::Loading,
            load_balancers: Loadable::Loading,
            listeners: Loadable::Loading,
            target_groups: Loadable::Loading,
            targets: Loadable::Loading,
            endpoint_services: Loadable::Loading,
            endpoint_connections: Loadable::Loading,
            interface_endpoints: Loadable::Loading,
            hosted_zones: Loadable::Loading,
            records: Loadable::Loading,
            live: LiveHistory::default(),
            events: events::EventLog::default(),
        }
    }

    /// The one place remote data enters the model.
    pub fn apply(&mut self, update: Fetched, now: DateTime<Utc>) {
        match update {
            Fetched::Cluster(r) => self.cluster.update(r, now),
            Fetched::Origin(r) => self.origin.update(r, now),
            Fetched::Enis(r) => {
                if let Ok(new) = &r {
                    events::diff_enis(&mut self.events, self.enis.value(), new, now);
                }
                self.enis.update(r, now)
            }
            Fetched::Vpcs(r) => self.vpcs.update(r, now),
            Fetched::Subnets(r) => self.subnets.update(r, now),
            Fetched::RouteTables(r) => self.route_tables.update(r, now),
            Fetched::SecurityGroups(r) => self.security_groups.update(r, now),
            Fetched::Peerings(r) => self.peerings.update(r, now),
            Fetched::LoadBalancers(r) => self.load_balancers.update(r, now),
            Fetched::Listeners(r) => self.listeners.update(r, now),
            Fetched::TargetGroups(r) => self.target_groups.update(r, now),
            Fetched::Targets(r) => {
                if let Ok(new) = &r {
                    events::diff_targets(&mut self.events, self.targets.value(), new, now);
                }
                self.targets.update(r, now)
            }
            Fetched::EndpointServices(r) => self.endpoint_services.update(r, now),
            Fetched::EndpointConnections(r) => self.endpoint_connections.update(r, now),
            Fetched::InterfaceEndpoints(r) => self.interface_endpoints.update(r, now),
            Fetched::HostedZones(r) => self.hosted_zones.update(r, now),
            Fetched::Records(r) => self.records.update(r, now),
            Fetched::Dns(s) => {
                events::diff_dns(&mut self.events, self.live.dns.latest(), &s);
                self.live.push_dns(s)
            }
            Fetched::Probe(s) => {
                let previous = self.live.probes.get(&s.ip).and_then(|r| r.latest());
                events::diff_probe(&mut self.events, previous, &s);
                self.live.push_probe(s)
            }
        }
    }

    /// Every remote source with its state, for headers, panes and reports.
    pub fn sources(&self) -> Vec<SourceStatus<'_>> {
        fn row<'a, T>(
            name: &'static str,
            api: &'static str,
            l: &'a Loadable<T>,
        ) -> SourceStatus<'a> {
            SourceStatus {
                name,
                api,
                state: l.state_name(),
                fetched_at: l.fetched_at(),
                error: l.error(),
            }
        }
        vec![
            row("cluster", "eks:DescribeCluster", &self.cluster),
            row("origin", "instance metadata", &self.origin),
            row("enis", "ec2:DescribeNetworkInterfaces", &self.enis),
            row("vpcs", "ec2:DescribeVpcs", &self.vpcs),
            row("subnets", "ec2:DescribeSubnets", &self.subnets),
            row(
                "route-tables",
                "ec2:DescribeRouteTables",
                &self.route_tables,
            ),
            row(
                "security-groups",
                "ec2:DescribeSecurityGroups",
                &self.security_groups,
            ),
            row(
                "peerings",
                "ec2:DescribeVpcPeeringConnections",
                &self.peerings,
            ),
            row(
                "load-balancers",
                "elasticloadbalancing:DescribeLoadBalancers",
                &self.load_balancers,
            ),
            row(
                "listeners",
                "elasticloadbalancing:DescribeListeners",
                &self.listeners,
            ),
            row(
                "target-groups",
                "elasticloadbalancing:DescribeTargetGroups",
                &self.target_groups,
            ),
            row(
                "targets",
                "elasticloadbalancing:DescribeTargetHealth",
                &self.targets,
            ),
            row(
                "endpoint-services",
                "ec2:DescribeVpcEndpointServiceConfigurations",
                &self.endpoint_services,
            ),
            row(
                "endpoint-connections",
                "ec2:DescribeVpcEndpointConnections",
                &self.endpoint_connections,
            ),
            row(
                "interface-endpoints",
                "ec2:DescribeVpcEndpoints",
                &self.interface_endpoints,
            ),
            row(
                "hosted-zones",
                "route53:ListHostedZonesByName",
                &self.hosted_zones,
            ),
            row("records", "route53:ListResourceRecordSets", &self.records),
        ]
    }

    /// The cluster's endpoint host once the cluster is known.
    pub fn endpoint_host(&self) -> Option<String> {
        self.cluster.value().map(Cluster::host)
    }

    pub fn origin(&self) -> Option<&Origin> {
        self.origin.value().and_then(|o| o.as_ref())
    }
}
