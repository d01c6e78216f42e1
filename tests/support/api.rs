//! The demo account with its interface endpoint moved onto loopback addresses and the
//! cluster CA replaced by a test CA, so real DNS answers and real probes on 127.0.0.x land
//! on the PrivateLink route of a complete, healthy model.

use async_trait::async_trait;
use eksnet_tui::model::{
    Cluster, EndpointConnection, EndpointService, Eni, HostedZone, InterfaceEndpoint, Listener,
    LoadBalancer, Origin, Peering, Record, RouteTable, SecurityGroup, Subnet, Target, TargetGroup,
    Vpc,
};
use eksnet_tui::sources::demo::DemoEnv;
use eksnet_tui::sources::{ApiResult, AwsApi};
use std::net::Ipv4Addr;

pub struct LoopbackApi {
    pub demo: DemoEnv,
    /// Replaces the interface endpoint's IPs.
    pub endpoint_ips: Vec<Ipv4Addr>,
    pub ca_data: Option<String>,
    pub public_access: Option<bool>,
}

#[async_trait]
impl AwsApi for LoopbackApi {
    fn region(&self) -> Option<String> {
        self.demo.region()
    }
    async fn list_clusters(&self) -> ApiResult<Vec<String>> {
        self.demo.list_clusters().await
    }
    async fn describe_cluster(&self, name: &str) -> ApiResult<Cluster> {
        let mut c = self.demo.describe_cluster(name).await?;
        c.ca_data = self.ca_data.clone();
        if let Some(p) = self.public_access {
            c.public_access = p;
        }
        Ok(c)
    }
    async fn locate_origin(&self) -> ApiResult<Option<Origin>> {
        self.demo.locate_origin().await
    }
    async fn cluster_enis(&self, cluster: &str) -> ApiResult<Vec<Eni>> {
        self.demo.cluster_enis(cluster).await
    }
    async fn vpcs(&self, ids: &[String]) -> ApiResult<Vec<Vpc>> {
        self.demo.vpcs(ids).await
    }
    async fn subnets(&self, vpc_ids: &[String]) -> ApiResult<Vec<Subnet>> {
        self.demo.subnets(vpc_ids).await
    }
    async fn route_tables(&self, vpc_ids: &[String]) -> ApiResult<Vec<RouteTable>> {
        self.demo.route_tables(vpc_ids).await
    }
    async fn security_groups(&self, ids: &[String]) -> ApiResult<Vec<SecurityGroup>> {
        self.demo.security_groups(ids).await
    }
    async fn peerings(&self, vpc_ids: &[String]) -> ApiResult<Vec<Peering>> {
        self.demo.peerings(vpc_ids).await
    }
    async fn interface_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<InterfaceEndpoint>> {
        let mut all = self.demo.interface_endpoints(vpc_id).await?;
        for ie in all
            .iter_mut()
            .filter(|ie| ie.service_name.contains(".vpce-svc-"))
        {
            ie.ips = self.endpoint_ips.clone();
        }
        Ok(all)
    }
    async fn endpoint_services(&self) -> ApiResult<Vec<EndpointService>> {
        self.demo.endpoint_services().await
    }
    async fn endpoint_connections(&self, service_id: &str) -> ApiResult<Vec<EndpointConnection>> {
        self.demo.endpoint_connections(service_id).await
    }
    async fn load_balancers(&self, arns: &[String]) -> ApiResult<Vec<LoadBalancer>> {
        self.demo.load_balancers(arns).await
    }
    async fn listeners(&self, lb_arn: &str) -> ApiResult<Vec<Listener>> {
        self.demo.listeners(lb_arn).await
    }
    async fn target_groups(&self, lb_arn: &str) -> ApiResult<Vec<TargetGroup>> {
        self.demo.target_groups(lb_arn).await
    }
    async fn target_health(&self, tg_arn: &str) -> ApiResult<Vec<Target>> {
        self.demo.target_health(tg_arn).await
    }
    async fn hosted_zones(&self, host: &str) -> ApiResult<Vec<HostedZone>> {
        self.demo.hosted_zones(host).await
    }
    async fn records(&self, zone_id: &str, name: &str) -> ApiResult<Vec<Record>> {
        self.demo.records(zone_id, name).await
    }
}
