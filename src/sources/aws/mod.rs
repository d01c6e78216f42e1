//! The real account through the AWS SDK: a thin [`AwsApi`] that maps SDK types to the
//! model, pages through every list, and turns failures into [`SourceError`] kinds.

mod automation;
pub mod config;
mod counter;
mod ec2;
mod eks;
mod elb;
mod errors;
mod imds;
mod instances;
pub mod kubeconfig;
mod lattice;
mod resolver;
mod route53;
#[cfg(test)]
mod tests;
mod tgw;
mod vpce;

pub use config::AwsOptions;
pub use counter::CallCounter;
pub use errors::{classify, source_error};
pub use kubeconfig::KubeContext;

use super::{ApiResult, AwsApi};
use crate::model::automation::{
    EventRule, Function, FunctionRuns, RuleTarget, Trail, TrailSelectors,
};
use crate::model::lattice::{
    LatticeAssociation, LatticeEndpoint, LatticeNetwork, LatticeService, LatticeTargetGroup,
    PrefixList, ResourceConfig, ResourceGateway,
};
use crate::model::{
    Cluster, DhcpOptions, EndpointConnection, EndpointService, Eni, EniAddress, HostedZone,
    Instance, InterfaceEndpoint, LbAttributes, Listener, LoadBalancer, NetworkAcl, NlbAddress,
    Origin, Peering, Record, ResolverEndpoint, ResolverRule, RouteTable, SecurityGroup, Subnet,
    Target, TargetGroup, TgAttributes, TgwAttachment, TgwRouteTable, Vpc, ZoneVpc,
};
use async_trait::async_trait;
use aws_config::SdkConfig;

#[derive(Debug, Clone)]
pub struct AwsClient {
    ec2: aws_sdk_ec2::Client,
    eks: aws_sdk_eks::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    route53: aws_sdk_route53::Client,
    resolver: aws_sdk_route53resolver::Client,
    events: aws_sdk_eventbridge::Client,
    lambda: aws_sdk_lambda::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    lattice: aws_sdk_vpclattice::Client,
    region: Option<String>,
    endpoint_url: Option<String>,
    imds: Option<aws_config::imds::Client>,
    kube: Option<KubeContext>,
    calls: CallCounter,
}

impl AwsClient {
    /// Load the configuration like the AWS CLI and check that credentials resolve, so a
    /// missing login stops the program before any collection.
    pub async fn connect(opts: &AwsOptions) -> Result<Self, config::AwsConfigError> {
        let conf = config::load(opts).await?;
        config::check_credentials(&conf, opts.profile.as_deref()).await?;
        Ok(Self::from_conf(&conf)
            .with_imds(imds::from_env())
            .with_kube(kubeconfig::current()))
    }

    /// Clients over an already loaded configuration; no instance metadata, no kubeconfig.
    pub fn from_conf(conf: &SdkConfig) -> Self {
        let calls = CallCounter::default();
        Self {
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            eks: aws_sdk_eks::Client::from_conf(
                aws_sdk_eks::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(
                aws_sdk_elasticloadbalancingv2::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            route53: aws_sdk_route53::Client::from_conf(
                aws_sdk_route53::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            resolver: aws_sdk_route53resolver::Client::from_conf(
                aws_sdk_route53resolver::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            events: aws_sdk_eventbridge::Client::from_conf(
                aws_sdk_eventbridge::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                aws_sdk_cloudwatch::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            cloudtrail: aws_sdk_cloudtrail::Client::from_conf(
                aws_sdk_cloudtrail::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            lattice: aws_sdk_vpclattice::Client::from_conf(
                aws_sdk_vpclattice::config::Builder::from(conf)
                    .interceptor(calls.clone())
                    .build(),
            ),
            region: conf.region().map(|r| r.to_string()),
            endpoint_url: conf.endpoint_url().map(str::to_string),
            imds: None,
            kube: None,
            calls,
        }
    }

    /// Where `locate_origin` asks for this host's instance id; `None` means not on EC2.
    pub fn with_imds(mut self, imds: Option<aws_config::imds::Client>) -> Self {
        self.imds = imds;
        self
    }

    /// The kubeconfig context consulted when no cluster is named.
    pub fn with_kube(mut self, kube: Option<KubeContext>) -> Self {
        self.kube = kube;
        self
    }

    /// API operations made so far through these clients.
    pub fn calls(&self) -> u64 {
        self.calls.get()
    }
}

#[async_trait]
impl AwsApi for AwsClient {
    fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        self.calls.by_action()
    }

    fn region(&self) -> Option<String> {
        self.region.clone()
    }

    fn endpoint(&self) -> String {
        match (&self.endpoint_url, &self.region) {
            (Some(u), _) => u.clone(),
            (None, Some(r)) => format!("the AWS API in {r}"),
            (None, None) => "the AWS API".into(),
        }
    }

    fn kube_context(&self) -> Option<KubeContext> {
        self.kube.clone()
    }

    async fn list_clusters(&self) -> ApiResult<Vec<String>> {
        eks::list_clusters(&self.eks).await
    }

    async fn describe_cluster(&self, name: &str) -> ApiResult<Cluster> {
        eks::describe_cluster(&self.eks, name).await
    }

    async fn locate_origin(&self) -> ApiResult<Option<Origin>> {
        let Some(imds) = &self.imds else {
            return Ok(None);
        };
        match imds::instance_id(imds).await {
            Some(id) => instances::origin_of_instance(&self.ec2, &id)
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    async fn cluster_enis(&self, cluster: &str) -> ApiResult<Vec<Eni>> {
        ec2::cluster_enis(&self.ec2, cluster).await
    }

    async fn vpcs(&self, ids: &[String]) -> ApiResult<Vec<Vpc>> {
        ec2::vpcs(&self.ec2, ids).await
    }

    async fn subnets(&self, vpc_ids: &[String]) -> ApiResult<Vec<Subnet>> {
        ec2::subnets(&self.ec2, vpc_ids).await
    }

    async fn route_tables(&self, vpc_ids: &[String]) -> ApiResult<Vec<RouteTable>> {
        ec2::route_tables(&self.ec2, vpc_ids).await
    }

    async fn network_acls(&self, vpc_ids: &[String]) -> ApiResult<Vec<NetworkAcl>> {
        ec2::network_acls(&self.ec2, vpc_ids).await
    }

    async fn tgw_attachments(&self, vpc_ids: &[String]) -> ApiResult<Vec<TgwAttachment>> {
        tgw::attachments(&self.ec2, vpc_ids).await
    }

    async fn tgw_routes(&self, route_table_id: &str) -> ApiResult<TgwRouteTable> {
        tgw::routes(&self.ec2, route_table_id).await
    }

    async fn dhcp_options(&self, ids: &[String]) -> ApiResult<Vec<DhcpOptions>> {
        ec2::dhcp_options(&self.ec2, ids).await
    }

    async fn resolver_rule_ids(&self, vpc_id: &str) -> ApiResult<Vec<String>> {
        resolver::rule_ids(&self.resolver, vpc_id).await
    }

    async fn resolver_rule(&self, id: &str) -> ApiResult<ResolverRule> {
        resolver::rule(&self.resolver, id).await
    }

    async fn resolver_endpoint(&self, id: &str) -> ApiResult<ResolverEndpoint> {
        resolver::endpoint(&self.resolver, id).await
    }

    async fn security_groups(&self, ids: &[String]) -> ApiResult<Vec<SecurityGroup>> {
        ec2::security_groups(&self.ec2, ids).await
    }

    async fn peerings(&self, vpc_ids: &[String]) -> ApiResult<Vec<Peering>> {
        ec2::peerings(&self.ec2, vpc_ids).await
    }

    async fn interface_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<InterfaceEndpoint>> {
        vpce::interface_endpoints(&self.ec2, vpc_id).await
    }

    async fn interface_addresses(&self, eni_ids: &[String]) -> ApiResult<Vec<EniAddress>> {
        vpce::interface_addresses(&self.ec2, eni_ids).await
    }

    async fn endpoint_services(&self) -> ApiResult<Vec<EndpointService>> {
        vpce::endpoint_services(&self.ec2).await
    }

    async fn endpoint_connections(&self, service_id: &str) -> ApiResult<Vec<EndpointConnection>> {
        vpce::endpoint_connections(&self.ec2, service_id).await
    }

    async fn load_balancers(&self, arns: &[String]) -> ApiResult<Vec<LoadBalancer>> {
        elb::load_balancers(&self.elb, arns).await
    }

    async fn lb_attributes(&self, lb_arn: &str) -> ApiResult<LbAttributes> {
        elb::attributes(&self.elb, lb_arn).await
    }

    async fn nlb_addresses(&self, lb_arns: &[String]) -> ApiResult<Vec<NlbAddress>> {
        elb::nlb_addresses(&self.ec2, lb_arns).await
    }

    async fn listeners(&self, lb_arn: &str) -> ApiResult<Vec<Listener>> {
        elb::listeners(&self.elb, lb_arn).await
    }

    async fn target_groups(&self, lb_arn: &str) -> ApiResult<Vec<TargetGroup>> {
        elb::target_groups(&self.elb, lb_arn).await
    }

    async fn tg_attributes(&self, tg_arn: &str) -> ApiResult<TgAttributes> {
        elb::tg_attributes(&self.elb, tg_arn).await
    }

    async fn lattice_associations(&self, vpc_id: &str) -> ApiResult<Vec<LatticeAssociation>> {
        lattice::associations(&self.lattice, vpc_id).await
    }

    async fn lattice_network(&self, id: &str) -> ApiResult<LatticeNetwork> {
        lattice::network(&self.lattice, id).await
    }

    async fn lattice_services(&self, network_id: &str) -> ApiResult<Vec<LatticeService>> {
        lattice::services(&self.lattice, network_id).await
    }

    async fn lattice_target_group(&self, id: &str) -> ApiResult<LatticeTargetGroup> {
        lattice::target_group(&self.lattice, id).await
    }

    async fn lattice_service(&self, name: &str) -> ApiResult<Vec<LatticeService>> {
        lattice::service(&self.lattice, name).await
    }

    async fn prefix_lists(&self, names: &[String]) -> ApiResult<Vec<PrefixList>> {
        lattice::prefix_lists(&self.ec2, names).await
    }

    async fn lattice_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<LatticeEndpoint>> {
        vpce::lattice_endpoints(&self.ec2, vpc_id).await
    }

    async fn resource_configs(&self, target: &str) -> ApiResult<Vec<ResourceConfig>> {
        lattice::resource_configs(&self.lattice, target).await
    }

    async fn resource_gateway(&self, id: &str) -> ApiResult<ResourceGateway> {
        lattice::resource_gateway(&self.lattice, id).await
    }

    async fn instances(&self, ids: &[String]) -> ApiResult<Vec<Instance>> {
        instances::instances(&self.ec2, ids).await
    }

    async fn enis_holding(&self, ips: &[String]) -> ApiResult<Vec<Eni>> {
        instances::enis_holding(&self.ec2, ips).await
    }

    async fn target_health(&self, tg_arn: &str) -> ApiResult<Vec<Target>> {
        elb::target_health(&self.elb, tg_arn).await
    }

    async fn hosted_zones(&self, name: &str) -> ApiResult<Vec<HostedZone>> {
        route53::hosted_zones(&self.route53, name).await
    }

    async fn zone_vpcs(&self, zone_id: &str) -> ApiResult<Vec<ZoneVpc>> {
        route53::zone_vpcs(&self.route53, zone_id).await
    }

    async fn records(&self, zone_id: &str, name: &str) -> ApiResult<Vec<Record>> {
        route53::records(&self.route53, zone_id, name).await
    }

    async fn event_rules(&self) -> ApiResult<Vec<EventRule>> {
        automation::event_rules(&self.events).await
    }

    async fn rule_targets(&self, rule: &str) -> ApiResult<Vec<RuleTarget>> {
        automation::rule_targets(&self.events, rule).await
    }

    async fn function(&self, arn: &str) -> ApiResult<Function> {
        automation::function(&self.lambda, arn).await
    }

    async fn function_runs(&self, names: &[String]) -> ApiResult<Vec<FunctionRuns>> {
        automation::function_runs(&self.cloudwatch, names).await
    }

    async fn trails(&self) -> ApiResult<Vec<Trail>> {
        automation::trails(&self.cloudtrail).await
    }

    async fn trail_logging(&self, arn: &str) -> ApiResult<bool> {
        automation::trail_logging(&self.cloudtrail, arn).await
    }

    async fn trail_selectors(&self, arn: &str) -> ApiResult<TrailSelectors> {
        automation::trail_selectors(&self.cloudtrail, arn).await
    }
}
