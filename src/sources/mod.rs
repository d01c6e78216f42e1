//! Where data comes from. Everything above these traits (discovery, collection,
//! diagnosis, the UI) is the same for the real account, the demo and the tests.

pub mod aws;
pub mod collect;
pub mod demo;
pub mod dns;
pub mod fetch;
pub mod graph;
pub mod hosts;
pub mod live;
pub mod poll;
pub mod probe;

use crate::model::automation::{
    EventRule, Function, FunctionRuns, RuleTarget, Trail, TrailSelectors,
};
use crate::model::lattice::{
    LatticeAssociation, LatticeEndpoint, LatticeNetwork, LatticeService, LatticeTargetGroup,
    PrefixList, ResourceConfig, ResourceGateway,
};
use crate::model::proxy::ProxyEnv;
use crate::model::{
    Cluster, DhcpOptions, DnsSample, EndpointConnection, EndpointService, Eni, EniAddress,
    HostedZone, Instance, InterfaceEndpoint, LbAttributes, Listener, LoadBalancer, NetworkAcl,
    NlbAddress, Origin, Peering, ProbeSample, Record, ResolverEndpoint, ResolverRule, RouteTable,
    SecurityGroup, SourceError, Subnet, Target, TargetGroup, TgAttributes, TgwAttachment,
    TgwRouteTable, Vpc, ZoneVpc,
};
use async_trait::async_trait;
use std::net::IpAddr;

pub type ApiResult<T> = Result<T, SourceError>;

/// The read-only AWS calls the tool makes, one or a few per catalogue source
/// ([`crate::model::Source`]). Implementations paginate and map errors to [`SourceError`]
/// kinds; they never filter beyond what each method says. Each method is one round trip (or
/// one paged listing), so the collection graph decides what runs side by side.
#[async_trait]
pub trait AwsApi: Send + Sync {
    /// Region the client talks to.
    fn region(&self) -> Option<String>;
    /// Where the calls go, for messages: the `--endpoint-url`, else AWS in the region.
    fn endpoint(&self) -> String {
        match self.region() {
            Some(r) => format!("the AWS API in {r}"),
            None => "the AWS API".into(),
        }
    }
    /// Calls made so far, by IAM action (`ec2:DescribeVpcs`); empty where nothing counts.
    fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        std::collections::BTreeMap::new()
    }
    /// The current kubeconfig context, consulted to pick the cluster when none is named.
    fn kube_context(&self) -> Option<aws::KubeContext> {
        None
    }
    /// eks:ListClusters.
    async fn list_clusters(&self) -> ApiResult<Vec<String>>;
    /// eks:DescribeCluster; `NotFound` for an unknown name.
    async fn describe_cluster(&self, name: &str) -> ApiResult<Cluster>;
    /// Where this host is (instance metadata, then ec2:DescribeInstances); `None` off EC2.
    async fn locate_origin(&self) -> ApiResult<Option<Origin>>;
    /// ENIs whose description is exactly `Amazon EKS <cluster>` (server-side filter).
    async fn cluster_enis(&self, cluster: &str) -> ApiResult<Vec<Eni>>;
    /// These VPCs with their DNS attributes.
    async fn vpcs(&self, ids: &[String]) -> ApiResult<Vec<Vpc>>;
    /// Subnets of these VPCs.
    async fn subnets(&self, vpc_ids: &[String]) -> ApiResult<Vec<Subnet>>;
    /// Route tables of these VPCs.
    async fn route_tables(&self, vpc_ids: &[String]) -> ApiResult<Vec<RouteTable>>;
    /// Network ACLs of these VPCs.
    async fn network_acls(&self, vpc_ids: &[String]) -> ApiResult<Vec<NetworkAcl>>;
    /// Transit gateway attachments of these VPCs: subnets from the VPC attachment, the
    /// route table association from the attachment.
    async fn tgw_attachments(&self, vpc_ids: &[String]) -> ApiResult<Vec<TgwAttachment>>;
    /// The active and blackhole routes of this transit gateway route table.
    async fn tgw_routes(&self, route_table_id: &str) -> ApiResult<TgwRouteTable>;
    /// These DHCP options sets.
    async fn dhcp_options(&self, ids: &[String]) -> ApiResult<Vec<DhcpOptions>>;
    /// The ids of the Resolver rules associated with this VPC.
    async fn resolver_rule_ids(&self, vpc_id: &str) -> ApiResult<Vec<String>>;
    /// One Resolver rule; `NotFound` when it went away.
    async fn resolver_rule(&self, id: &str) -> ApiResult<ResolverRule>;
    /// One Resolver endpoint.
    async fn resolver_endpoint(&self, id: &str) -> ApiResult<ResolverEndpoint>;
    /// These security groups.
    async fn security_groups(&self, ids: &[String]) -> ApiResult<Vec<SecurityGroup>>;
    /// Peering connections with either side in one of these VPCs.
    async fn peerings(&self, vpc_ids: &[String]) -> ApiResult<Vec<Peering>>;
    /// Interface endpoints in this VPC, with their ENI ids and no IPs yet.
    async fn interface_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<InterfaceEndpoint>>;
    /// The private IPs of these network interfaces.
    async fn interface_addresses(&self, eni_ids: &[String]) -> ApiResult<Vec<EniAddress>>;
    /// Endpoint services this account provides.
    async fn endpoint_services(&self) -> ApiResult<Vec<EndpointService>>;
    /// Connections to this endpoint service.
    async fn endpoint_connections(&self, service_id: &str) -> ApiResult<Vec<EndpointConnection>>;
    /// These load balancers, as listed (no attributes, only the addresses they list); with
    /// no ARNs, every load balancer in the region.
    async fn load_balancers(&self, arns: &[String]) -> ApiResult<Vec<LoadBalancer>>;
    async fn lb_attributes(&self, lb_arn: &str) -> ApiResult<LbAttributes>;
    /// The private IPs of these NLBs' own ENIs, found by their description.
    async fn nlb_addresses(&self, lb_arns: &[String]) -> ApiResult<Vec<NlbAddress>>;
    async fn listeners(&self, lb_arn: &str) -> ApiResult<Vec<Listener>>;
    async fn tg_attributes(&self, tg_arn: &str) -> ApiResult<TgAttributes>;
    /// This VPC's service network associations, with their security groups.
    async fn lattice_associations(&self, vpc_id: &str) -> ApiResult<Vec<LatticeAssociation>>;
    /// One service network, with its auth type and whether an auth policy is attached.
    async fn lattice_network(&self, id: &str) -> ApiResult<LatticeNetwork>;
    /// The services associated with this network, with their listeners and rules.
    async fn lattice_services(&self, network_id: &str) -> ApiResult<Vec<LatticeService>>;
    /// One target group, with its targets.
    async fn lattice_target_group(&self, id: &str) -> ApiResult<LatticeTargetGroup>;
    /// vpc-lattice:GetService (or ListServices for a name or DNS name), with every network
    /// the service is in and its listeners; empty when no service is `name`.
    async fn lattice_service(&self, name: &str) -> ApiResult<Vec<LatticeService>>;
    /// ec2:DescribeManagedPrefixLists, filtered by these names.
    async fn prefix_lists(&self, names: &[String]) -> ApiResult<Vec<PrefixList>>;
    /// ec2:DescribeVpcEndpoints of type `Resource` and `ServiceNetwork` in this VPC, with
    /// their ENIs' IPs (ec2:DescribeNetworkInterfaces).
    async fn lattice_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<LatticeEndpoint>>;
    /// The resource configuration an ARN names, or those associated with a service network.
    async fn resource_configs(&self, target: &str) -> ApiResult<Vec<ResourceConfig>>;
    /// vpc-lattice:GetResourceGateway.
    async fn resource_gateway(&self, id: &str) -> ApiResult<ResourceGateway>;
    /// These EC2 instances.
    async fn instances(&self, ids: &[String]) -> ApiResult<Vec<Instance>>;
    /// The ENIs that hold these private IPs.
    async fn enis_holding(&self, ips: &[String]) -> ApiResult<Vec<Eni>>;
    /// Target groups attached to this load balancer.
    async fn target_groups(&self, lb_arn: &str) -> ApiResult<Vec<TargetGroup>>;
    async fn target_health(&self, tg_arn: &str) -> ApiResult<Vec<Target>>;
    /// Private hosted zones named exactly `name`, without their VPCs.
    async fn hosted_zones(&self, name: &str) -> ApiResult<Vec<HostedZone>>;
    /// The VPCs this private zone is associated with.
    async fn zone_vpcs(&self, zone_id: &str) -> ApiResult<Vec<ZoneVpc>>;
    /// Records in this zone named exactly `name`.
    async fn records(&self, zone_id: &str, name: &str) -> ApiResult<Vec<Record>>;
    /// The rules on the default event bus.
    async fn event_rules(&self) -> ApiResult<Vec<EventRule>>;
    /// The targets of one rule; `NotFound` when the rule went away.
    async fn rule_targets(&self, rule: &str) -> ApiResult<Vec<RuleTarget>>;
    /// One Lambda function's configuration, by name or ARN; `NotFound` when there is none.
    async fn function(&self, arn: &str) -> ApiResult<Function>;
    /// Invocations and errors of these functions (by name) over the last day.
    async fn function_runs(&self, names: &[String]) -> ApiResult<Vec<FunctionRuns>>;
    /// The trails that record this region, home or shadow, without status or selectors.
    async fn trails(&self) -> ApiResult<Vec<Trail>>;
    /// Whether this trail is logging.
    async fn trail_logging(&self, arn: &str) -> ApiResult<bool>;
    /// What this trail records.
    async fn trail_selectors(&self, arn: &str) -> ApiResult<TrailSelectors>;
}

/// Resolves the endpoint name from this host.
#[async_trait]
pub trait Resolver: Send + Sync {
    /// A and AAAA for `host`; failures are outcomes in the sample, never errors.
    async fn lookup(&self, host: &str) -> DnsSample;
}

/// What to probe: one DNS answer of the endpoint name.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRequest {
    /// Sent as SNI and checked against the certificate.
    pub host: String,
    pub ip: IpAddr,
    pub port: u16,
    /// Base64 PEM of the cluster CA; `None` when the cluster is not loaded.
    pub ca_data: Option<String>,
    /// TLS against that CA, TLS against public roots, or plain HTTP.
    pub mode: crate::model::ProbeMode,
}

/// Connects to one answer: TCP, TLS, HTTP.
#[async_trait]
pub trait Prober: Send + Sync {
    async fn probe(&self, req: &ProbeRequest) -> ProbeSample;
    /// The proxy settings kubectl on this host would follow (the probes themselves go
    /// straight to each address, to judge the path).
    fn proxy(&self) -> ProxyEnv {
        ProxyEnv::default()
    }
}
