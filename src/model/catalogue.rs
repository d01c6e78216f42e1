//! The source catalogue: every remote source named once, with what it is called, the IAM
//! actions it needs, how often it is refreshed and the inputs it waits for. The `Source`
//! enum, the [`Fetched`] update, the [`Model`] fields and the sources table all come from
//! the one table at the bottom of this file.

use super::automation::{EventRule, Function, FunctionRuns, RuleTarget, Trail};
use super::cluster::{Cluster, Eni, Origin};
use super::events::EventLog;
use super::freshness::Refresh;
use super::lattice::{
    LatticeAssociation, LatticeEndpoint, LatticeNetwork, LatticeService, LatticeTargetGroup,
    PrefixList, ResourceConfig, ResourceGateway,
};
use super::lb::{
    LbAttributes, Listener, LoadBalancer, NlbAddress, Target, TargetGroup, TgAttributes,
};
use super::live::{DnsSample, LiveHistory, ProbeSample};
use super::loadable::{Loadable, SourceError};
use super::network::{
    DhcpOptions, NetworkAcl, Peering, RouteTable, SecurityGroup, Subnet, TgwAttachment,
    TgwRouteTable, Vpc,
};
use super::privatelink::{EndpointConnection, EndpointService, EniAddress, InterfaceEndpoint};
use super::resolver::{ResolverEndpoint, ResolverRule};
use super::route53::{HostedZone, Record, ZoneAssociations};
use super::server::Instance;
use super::{Context, Input};
use serde::{Deserialize, Serialize};

/// How often the interactive view re-reads a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// What changes during a control-plane update: ENIs and target health.
    Fast,
    /// Everything else.
    Slow,
}

/// One catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Short id, in the sources table, JSON and logs: `route-tables`.
    pub name: &'static str,
    /// What the operator is told is missing: `route tables`.
    pub what: &'static str,
    /// IAM actions the fetch calls, the first being the main one.
    pub actions: &'static [&'static str],
    pub tier: Tier,
    /// What must be known before the fetch can start.
    pub inputs: &'static [Input],
}

impl Spec {
    /// The main IAM action, e.g. `ec2:DescribeVpcs`.
    pub fn action(&self) -> &'static str {
        self.actions[0]
    }

    /// The API service the source is read from, e.g. `ec2`.
    pub fn service(&self) -> &'static str {
        self.action().split(':').next().unwrap_or_default()
    }

    /// `route tables (ec2:DescribeRouteTables)`: how UNKNOWN reasons name the source.
    pub fn label(&self) -> String {
        format!("{} ({})", self.what, self.actions.join(", "))
    }
}

/// Reads whose names do not start with Describe, List or Get. IAM files each under the
/// List access level: it returns resources and changes nothing. (Transit gateway routes
/// can be read no other way.)
pub const READS_NAMED_OTHERWISE: &[&str] = &["ec2:SearchTransitGatewayRoutes"];

/// Actions used only to discover what to look at, not as a source of the model.
pub const DISCOVERY_ACTIONS: &[&str] = &["eks:ListClusters"];

macro_rules! catalogue {
    ($(
        $(#[$doc:meta])*
        $id:ident => $field:ident: $ty:ty {
            name: $name:literal,
            what: $what:literal,
            actions: [$($action:literal),+ $(,)?],
            tier: $tier:ident,
            inputs: [$($input:ident),* $(,)?] $(,)?
        }
    )+) => {
        /// A remote source of the model.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Source {
            $($(#[$doc])* $id,)+
        }

        impl Source {
            pub const ALL: &'static [Source] = &[$(Source::$id,)+];

            pub fn spec(self) -> &'static Spec {
                match self {
                    $(Source::$id => &Spec {
                        name: $name,
                        what: $what,
                        actions: &[$($action),+],
                        tier: Tier::$tier,
                        inputs: &[$(Input::$input),*],
                    },)+
                }
            }
        }

        /// One update from a source. Sources send these; only [`Model::apply`] merges them.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        pub enum Fetched {
            $($id(Result<$ty, SourceError>),)+
            Dns(DnsSample),
            Probe(ProbeSample),
        }

        impl Fetched {
            /// The catalogue source this update is from; `None` for live samples.
            pub fn source(&self) -> Option<Source> {
                match self {
                    $(Fetched::$id(_) => Some(Source::$id),)+
                    Fetched::Dns(_) | Fetched::Probe(_) => None,
                }
            }

            /// This source, failed with `error`.
            pub fn failed(source: Source, error: SourceError) -> Fetched {
                match source {
                    $(Source::$id => Fetched::$id(Err(error)),)+
                }
            }
        }

        /// Everything the tool knows about the account and this host.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Model {
            pub context: Context,
            $(pub $field: Loadable<$ty>,)+
            /// Interface endpoints joined with the IPs of their ENIs.
            pub interface_endpoints: Loadable<Vec<InterfaceEndpoint>>,
            /// Load balancers joined with their attributes and the IPs of their ENIs.
            pub load_balancers: Loadable<Vec<LoadBalancer>>,
            /// Private zones joined with their VPC associations.
            pub hosted_zones: Loadable<Vec<HostedZone>>,
            pub live: LiveHistory,
            pub events: EventLog,
            /// When this run saw each EKS-owned ENI IP come and go.
            pub eni_sightings: super::sightings::EniSightings,
            /// How often the view re-reads each source: what makes held data stale.
            pub refresh: Refresh,
            /// The proxy settings kubectl on this host would use.
            pub proxy: super::proxy::ProxyEnv,
            /// The clusters `:clusters` lists, with their background verdicts.
            pub fleet: super::fleet::Fleet,
        }

        impl Model {
            pub fn new(context: Context) -> Self {
                Self {
                    context,
                    $($field: Loadable::Loading,)+
                    interface_endpoints: Loadable::Loading,
                    load_balancers: Loadable::Loading,
                    hosted_zones: Loadable::Loading,
                    live: LiveHistory::default(),
                    events: EventLog::default(),
                    eni_sightings: Default::default(),
                    refresh: Refresh::default(),
                    proxy: Default::default(),
                    fleet: Default::default(),
                }
            }

            /// Merge one catalogue update into its field; live samples are not handled here.
            pub(super) fn store(&mut self, update: Fetched, now: chrono::DateTime<chrono::Utc>) {
                match update {
                    $(Fetched::$id(r) => self.$field.update(r, now),)+
                    Fetched::Dns(_) | Fetched::Probe(_) => {}
                }
            }

            /// The load state of one source.
            pub fn state_of(&self, source: Source) -> super::SourceState<'_> {
                match source {
                    $(Source::$id => super::SourceState::of(&self.$field),)+
                }
            }
        }
    };
}

catalogue! {
    Cluster => cluster: Cluster {
        name: "cluster",
        what: "cluster",
        actions: ["eks:DescribeCluster"],
        tier: Slow,
        inputs: [ClusterName],
    }
    /// Where this host is: instance metadata, then its instance.
    Origin => origin: Option<Origin> {
        name: "origin",
        what: "this host",
        actions: ["ec2:DescribeInstances"],
        tier: Slow,
        inputs: [],
    }
    Enis => enis: Vec<Eni> {
        name: "enis",
        what: "EKS-owned ENIs",
        actions: ["ec2:DescribeNetworkInterfaces"],
        tier: Fast,
        inputs: [ClusterName],
    }
    Vpcs => vpcs: Vec<Vpc> {
        name: "vpcs",
        what: "VPCs",
        actions: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"],
        tier: Slow,
        inputs: [PathVpcs],
    }
    Subnets => subnets: Vec<Subnet> {
        name: "subnets",
        what: "subnets",
        actions: ["ec2:DescribeSubnets"],
        tier: Slow,
        inputs: [PathVpcs],
    }
    RouteTables => route_tables: Vec<RouteTable> {
        name: "route-tables",
        what: "route tables",
        actions: ["ec2:DescribeRouteTables"],
        tier: Slow,
        inputs: [PathVpcs],
    }
    NetworkAcls => network_acls: Vec<NetworkAcl> {
        name: "network-acls",
        what: "network ACLs",
        actions: ["ec2:DescribeNetworkAcls"],
        tier: Slow,
        inputs: [PathVpcs],
    }
    Peerings => peerings: Vec<Peering> {
        name: "peerings",
        what: "peering connections",
        actions: ["ec2:DescribeVpcPeeringConnections"],
        tier: Slow,
        inputs: [PathVpcs],
    }
    /// The other clusters of the region, read only when a private zone named after a parent
    /// domain of the endpoint could hide them.
    RegionClusters => region_clusters: Vec<Cluster> {
        name: "region-clusters",
        what: "the region's other clusters",
        actions: ["eks:ListClusters", "eks:DescribeCluster"],
        tier: Slow,
        inputs: [ShadowingZoneIds, ClusterName],
    }
    /// Those clusters' records in the zones that could hide them.
    SiblingRecords => sibling_records: Vec<Record> {
        name: "sibling-records",
        what: "records of the other clusters",
        actions: ["route53:ListResourceRecordSets"],
        tier: Slow,
        inputs: [SiblingNames],
    }
    /// Transit gateway attachments of those VPCs, with their route table associations.
    TgwAttachments => tgw_attachments: Vec<TgwAttachment> {
        name: "tgw-attachments",
        what: "transit gateway attachments",
        actions: [
            "ec2:DescribeTransitGatewayVpcAttachments",
            "ec2:DescribeTransitGatewayAttachments",
        ],
        tier: Slow,
        inputs: [PathVpcs],
    }
    /// The routes of the transit gateway route tables those attachments are associated with.
    TgwRoutes => tgw_route_tables: Vec<TgwRouteTable> {
        name: "tgw-routes",
        what: "transit gateway routes",
        actions: ["ec2:SearchTransitGatewayRoutes"],
        tier: Slow,
        inputs: [TgwRouteTableIds],
    }
    /// The DHCP options of those VPCs: which name servers their instances use.
    DhcpOptions => dhcp_options: Vec<DhcpOptions> {
        name: "dhcp-options",
        what: "DHCP options",
        actions: ["ec2:DescribeDhcpOptions"],
        tier: Slow,
        inputs: [DhcpOptionsIds],
    }
    /// The Route 53 Resolver rules associated with this host's VPC.
    ResolverRules => resolver_rules: Vec<ResolverRule> {
        name: "resolver-rules",
        what: "Resolver rules",
        actions: [
            "route53resolver:ListResolverRuleAssociations",
            "route53resolver:GetResolverRule",
        ],
        tier: Slow,
        inputs: [OriginVpc],
    }
    /// The endpoints those rules forward through.
    ResolverEndpoints => resolver_endpoints: Vec<ResolverEndpoint> {
        name: "resolver-endpoints",
        what: "Resolver endpoints",
        actions: ["route53resolver:GetResolverEndpoint"],
        tier: Slow,
        inputs: [ResolverEndpointIds],
    }
    SecurityGroups => security_groups: Vec<SecurityGroup> {
        name: "security-groups",
        what: "security groups",
        actions: ["ec2:DescribeSecurityGroups"],
        tier: Slow,
        inputs: [SecurityGroupIds],
    }
    /// Interface endpoints in this host's VPC, without their IPs.
    InterfaceEndpoints => listed_endpoints: Vec<InterfaceEndpoint> {
        name: "interface-endpoints",
        what: "interface endpoints",
        actions: ["ec2:DescribeVpcEndpoints"],
        tier: Slow,
        inputs: [OriginVpc],
    }
    /// The IPs of the interface endpoints' ENIs.
    EndpointAddresses => endpoint_addresses: Vec<EniAddress> {
        name: "endpoint-addresses",
        what: "interface endpoint IPs",
        actions: ["ec2:DescribeNetworkInterfaces"],
        tier: Slow,
        inputs: [EndpointEniIds],
    }
    EndpointServices => endpoint_services: Vec<EndpointService> {
        name: "endpoint-services",
        what: "endpoint services",
        actions: ["ec2:DescribeVpcEndpointServiceConfigurations"],
        tier: Slow,
        inputs: [],
    }
    EndpointConnections => endpoint_connections: Vec<EndpointConnection> {
        name: "endpoint-connections",
        what: "endpoint connections",
        actions: ["ec2:DescribeVpcEndpointConnections"],
        tier: Slow,
        inputs: [ServiceIds],
    }
    /// The endpoint services' NLBs, else the cluster VPC's.
    LoadBalancers => listed_lbs: Vec<LoadBalancer> {
        name: "load-balancers",
        what: "load balancers",
        actions: ["elasticloadbalancing:DescribeLoadBalancers"],
        tier: Slow,
        inputs: [ServiceNlbArns, ClusterVpc],
    }
    LbAttributes => lb_attributes: Vec<LbAttributes> {
        name: "lb-attributes",
        what: "load balancer attributes",
        actions: ["elasticloadbalancing:DescribeLoadBalancerAttributes"],
        tier: Slow,
        inputs: [LbArns],
    }
    /// The IPs of the NLBs' own ENIs (`ELB net/NAME/ID`).
    NlbAddresses => nlb_addresses: Vec<NlbAddress> {
        name: "nlb-addresses",
        what: "NLB IPs",
        actions: ["ec2:DescribeNetworkInterfaces"],
        tier: Slow,
        inputs: [AddresslessNlbArns],
    }
    Listeners => listeners: Vec<Listener> {
        name: "listeners",
        what: "listeners",
        actions: ["elasticloadbalancing:DescribeListeners"],
        tier: Slow,
        inputs: [LbArns],
    }
    TargetGroups => target_groups: Vec<TargetGroup> {
        name: "target-groups",
        what: "target groups",
        actions: ["elasticloadbalancing:DescribeTargetGroups"],
        tier: Slow,
        inputs: [LbArns],
    }
    Targets => targets: Vec<Target> {
        name: "targets",
        what: "target health",
        actions: ["elasticloadbalancing:DescribeTargetHealth"],
        tier: Fast,
        inputs: [TargetGroupArns],
    }
    /// Whether the API's target groups keep the client's address (an API server behind an
    /// NLB of its own): who its targets must admit.
    TgAttributes => tg_attributes: Vec<TgAttributes> {
        name: "tg-attributes",
        what: "target group attributes",
        actions: ["elasticloadbalancing:DescribeTargetGroupAttributes"],
        tier: Slow,
        inputs: [TargetGroupArns],
    }
    /// The EC2 instances registered in the API's `instance` target groups (an API server
    /// behind an NLB of its own): state, subnet, zone and security groups.
    Instances => instances: Vec<Instance> {
        name: "instances",
        what: "EC2 instances",
        actions: ["ec2:DescribeInstances"],
        tier: Slow,
        inputs: [TargetInstanceIds],
    }
    /// The ENIs that hold the API's `ip` targets.
    TargetEnis => target_enis: Vec<Eni> {
        name: "target-enis",
        what: "target ENIs",
        actions: ["ec2:DescribeNetworkInterfaces"],
        tier: Slow,
        inputs: [IpTargets],
    }
    /// Private zones named after the endpoint or a parent domain, without their VPCs.
    HostedZones => listed_zones: Vec<HostedZone> {
        name: "hosted-zones",
        what: "private hosted zones",
        actions: ["route53:ListHostedZonesByName"],
        tier: Slow,
        inputs: [Host],
    }
    ZoneAssociations => zone_associations: Vec<ZoneAssociations> {
        name: "zone-vpcs",
        what: "hosted zone VPCs",
        actions: ["route53:GetHostedZone"],
        tier: Slow,
        inputs: [ZoneIds],
    }
    Records => records: Vec<Record> {
        name: "records",
        what: "records",
        actions: ["route53:ListResourceRecordSets"],
        tier: Slow,
        inputs: [ZoneIds, Host],
    }
    /// This host's VPC's associations with VPC Lattice service networks.
    LatticeAssociations => lattice_associations: Vec<LatticeAssociation> {
        name: "lattice-associations",
        what: "VPC Lattice service network associations",
        actions: [
            "vpc-lattice:ListServiceNetworkVpcAssociations",
            "vpc-lattice:GetServiceNetworkVpcAssociation",
        ],
        tier: Slow,
        inputs: [OriginVpc],
    }
    /// Those service networks, with their auth type and whether an auth policy exists.
    LatticeNetworks => lattice_networks: Vec<LatticeNetwork> {
        name: "lattice-networks",
        what: "VPC Lattice service networks",
        actions: ["vpc-lattice:GetServiceNetwork", "vpc-lattice:GetAuthPolicy"],
        tier: Slow,
        inputs: [LatticeNetworkIds],
    }
    /// Their services, with listeners and rules.
    LatticeServices => lattice_services: Vec<LatticeService> {
        name: "lattice-services",
        what: "VPC Lattice services",
        actions: [
            "vpc-lattice:ListServiceNetworkServiceAssociations",
            "vpc-lattice:GetService",
            "vpc-lattice:GetAuthPolicy",
            "vpc-lattice:ListListeners",
            "vpc-lattice:GetListener",
            "vpc-lattice:ListRules",
            "vpc-lattice:GetRule",
        ],
        tier: Slow,
        inputs: [LatticeNetworkIds],
    }
    /// The target groups those services' listeners lead to, with their targets' health.
    LatticeTargetGroups => lattice_target_groups: Vec<LatticeTargetGroup> {
        name: "lattice-target-groups",
        what: "VPC Lattice target groups",
        actions: ["vpc-lattice:GetTargetGroup", "vpc-lattice:ListTargets"],
        tier: Slow,
        inputs: [LatticeTargetGroupIds],
    }
    /// The VPC Lattice service checked (`--lattice-service`), found by name, ARN, id or
    /// DNS name among the account's, with the networks it is in and its listeners.
    LatticeService => lattice_service: Vec<LatticeService> {
        name: "lattice-service",
        what: "the VPC Lattice service checked",
        actions: [
            "vpc-lattice:ListServices",
            "vpc-lattice:GetService",
            "vpc-lattice:ListServiceNetworkServiceAssociations",
            "vpc-lattice:GetAuthPolicy",
            "vpc-lattice:ListListeners",
            "vpc-lattice:GetListener",
            "vpc-lattice:ListRules",
            "vpc-lattice:GetRule",
        ],
        tier: Slow,
        inputs: [LatticeServiceName],
    }
    /// The AWS-managed prefix lists Lattice's traffic to its targets comes from.
    PrefixLists => prefix_lists: Vec<PrefixList> {
        name: "prefix-lists",
        what: "the VPC Lattice managed prefix lists",
        actions: ["ec2:DescribeManagedPrefixLists"],
        tier: Slow,
        inputs: [],
    }
    /// VPC endpoints of type `Resource` or `ServiceNetwork` in this host's VPC, with their
    /// ENIs' addresses: the way to an API shared through a resource configuration.
    LatticeEndpoints => lattice_endpoints: Vec<LatticeEndpoint> {
        name: "lattice-endpoints",
        what: "resource and service network endpoints",
        actions: ["ec2:DescribeVpcEndpoints", "ec2:DescribeNetworkInterfaces"],
        tier: Slow,
        inputs: [OriginVpc],
    }
    /// The resource configurations those endpoints lead to (a service network endpoint's
    /// through the network's resource associations).
    ResourceConfigs => resource_configs: Vec<ResourceConfig> {
        name: "resource-configs",
        what: "VPC Lattice resource configurations",
        actions: [
            "vpc-lattice:GetResourceConfiguration",
            "vpc-lattice:ListServiceNetworkResourceAssociations",
        ],
        tier: Slow,
        inputs: [LatticeEndpointTargets],
    }
    /// The resource gateways of those configurations.
    ResourceGateways => resource_gateways: Vec<ResourceGateway> {
        name: "resource-gateways",
        what: "VPC Lattice resource gateways",
        actions: ["vpc-lattice:GetResourceGateway"],
        tier: Slow,
        inputs: [ResourceGatewayIds],
    }
    /// The default event bus's rules: what could fire the target group's automation.
    EventRules => event_rules: Vec<EventRule> {
        name: "event-rules",
        what: "EventBridge rules",
        actions: ["events:ListRules"],
        tier: Slow,
        inputs: [],
    }
    /// The targets of the rules on ENI creations and on schedules.
    RuleTargets => rule_targets: Vec<RuleTarget> {
        name: "rule-targets",
        what: "EventBridge rule targets",
        actions: ["events:ListTargetsByRule"],
        tier: Slow,
        inputs: [AutomationRules],
    }
    /// The Lambda functions those rules invoke.
    Functions => functions: Vec<Function> {
        name: "functions",
        what: "Lambda functions",
        actions: ["lambda:GetFunctionConfiguration"],
        tier: Slow,
        inputs: [AutomationFunctions],
    }
    /// How those functions ran over the last day.
    FunctionRuns => function_runs: Vec<FunctionRuns> {
        name: "function-metrics",
        what: "Lambda invocations and errors",
        actions: ["cloudwatch:GetMetricData"],
        tier: Slow,
        inputs: [AutomationFunctions],
    }
    /// The trails that record this region's API calls, with their logging state and
    /// selectors: EventBridge sees API-call events only through one.
    Trails => trails: Vec<Trail> {
        name: "trails",
        what: "CloudTrail trails",
        actions: [
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
        ],
        tier: Slow,
        inputs: [],
    }
}

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;
