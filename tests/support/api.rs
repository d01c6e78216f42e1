//! The demo account with its interface endpoint moved onto loopback addresses and the
//! cluster CA replaced by a test CA, so real DNS answers and real probes on 127.0.0.x land
//! on the PrivateLink route of a complete, healthy model.

use async_trait::async_trait;
use eksnet_tui::model::{
    Cluster, EndpointConnection, EndpointService, Eni, EniAddress, HostedZone, InterfaceEndpoint,
    LbAttributes, Listener, LoadBalancer, NlbAddress, Origin, Peering, Record, RouteTable,
    SecurityGroup, Subnet, Target, TargetGroup, Vpc, ZoneVpc,
};
use eksnet_tui::sources::demo::DemoEnv;
use eksnet_tui::sources::{ApiResult, AwsApi};
use std::net::Ipv4Addr;

/// ENI ids the loopback endpoint's addresses are handed out under.
const LOOPBACK_ENI: &str = "eni-loopback-";

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
            ie.eni_ids = (0..self.endpoint_ips.len())
                .map(|i| format!("{LOOPBACK_ENI}{i}"))
                .collect();
        }
        Ok(all)
    }
    async fn interface_addresses(&self, eni_ids: &[String]) -> ApiResult<Vec<EniAddress>> {
        let (ours, theirs): (Vec<String>, Vec<String>) = eni_ids
            .iter()
            .cloned()
            .partition(|id| id.starts_with(LOOPBACK_ENI));
        let mut out = if theirs.is_empty() {
            Vec::new()
        } else {
            self.demo.interface_addresses(&theirs).await?
        };
        for id in ours {
            let i: usize = id[LOOPBACK_ENI.len()..]
                .parse()
                .expect("loopback ENI index");
            out.push(EniAddress {
                eni_id: id,
                ip: self.endpoint_ips[i],
            });
        }
        Ok(out)
    }
    async fn lb_attributes(&self, lb_arn: &str) -> ApiResult<LbAttributes> {
        self.demo.lb_attributes(lb_arn).await
    }
    async fn nlb_addresses(&self, lb_arns: &[String]) -> ApiResult<Vec<NlbAddress>> {
        self.demo.nlb_addresses(lb_arns).await
    }
    async fn zone_vpcs(&self, zone_id: &str) -> ApiResult<Vec<ZoneVpc>> {
        self.demo.zone_vpcs(zone_id).await
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
