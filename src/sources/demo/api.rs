//! The read-only AWS calls over the simulated world, filtered and failing as AWS does.

use super::DemoEnv;
use super::ids::REGION;
use super::world::World;
use crate::model::automation::{
    EventRule, Function, FunctionRuns, RuleTarget, Trail, TrailSelectors,
};
use crate::model::lattice::{
    LatticeAssociation, LatticeEndpoint, LatticeNetwork, LatticeService, LatticeTargetGroup,
    PrefixList, ResourceConfig, ResourceGateway,
};
use crate::model::privatelink::normalize_dns_name;
use crate::model::{
    Cluster, DhcpOptions, EndpointConnection, EndpointService, Eni, EniAddress, HostedZone,
    Instance, InterfaceEndpoint, LbAttributes, Listener, LoadBalancer, NetworkAcl, NlbAddress,
    Origin, Peering, Record, ResolverEndpoint, ResolverRule, RouteTable, SecurityGroup, Source,
    SourceError, Subnet, Target, TargetGroup, TgAttributes, TgwAttachment, TgwRouteTable, Vpc,
    ZoneVpc,
};
use crate::sources::{ApiResult, AwsApi};
use async_trait::async_trait;

/// The items whose id is in `ids`, or `NotFound` naming the first unknown id, as the
/// Describe calls that take explicit ids do.
fn by_ids<T: Clone>(
    items: &[T],
    ids: &[String],
    id_of: impl Fn(&T) -> &str,
    what: &str,
) -> ApiResult<Vec<T>> {
    if let Some(unknown) = ids.iter().find(|id| !items.iter().any(|i| id_of(i) == *id)) {
        return Err(SourceError::not_found(format!(
            "{what} '{unknown}' does not exist"
        )));
    }
    Ok(items
        .iter()
        .filter(|i| ids.iter().any(|id| id == id_of(i)))
        .cloned()
        .collect())
}

fn in_vpcs<T: Clone>(items: &[T], vpc_ids: &[String], vpc_of: impl Fn(&T) -> &str) -> Vec<T> {
    items
        .iter()
        .filter(|i| vpc_ids.iter().any(|v| v == vpc_of(i)))
        .cloned()
        .collect()
}

/// The id the demo gives the `i`th ENI of an interface endpoint.
fn endpoint_eni(endpoint_id: &str, i: usize) -> String {
    format!("eni-{}-{i}", endpoint_id.trim_start_matches("vpce-"))
}

fn known_lb(w: &World, arn: &str) -> ApiResult<()> {
    if w.load_balancers.iter().any(|lb| lb.arn == arn) {
        Ok(())
    } else {
        Err(SourceError::not_found(format!(
            "load balancer '{arn}' not found"
        )))
    }
}

#[async_trait]
impl AwsApi for DemoEnv {
    fn region(&self) -> Option<String> {
        Some(REGION.into())
    }

    fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        DemoEnv::calls(self)
    }

    async fn list_clusters(&self) -> ApiResult<Vec<String>> {
        self.answer_delay(Source::RegionClusters, 0).await;
        Ok(self
            .world()
            .clusters
            .iter()
            .map(|c| c.name.clone())
            .collect())
    }

    async fn describe_cluster(&self, name: &str) -> ApiResult<Cluster> {
        self.answer_delay(Source::Cluster, 0).await;
        let w = self.world();
        w.clusters
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = w.clusters.iter().map(|c| c.name.as_str()).collect();
                SourceError::not_found(format!(
                    "cluster '{name}' not found; clusters: {}",
                    names.join(", ")
                ))
            })
    }

    async fn locate_origin(&self) -> ApiResult<Option<Origin>> {
        self.answer_delay(Source::Origin, 0).await;
        Ok(Some(self.world().origin))
    }

    async fn cluster_enis(&self, cluster: &str) -> ApiResult<Vec<Eni>> {
        self.answer_delay(Source::Enis, 0).await;
        let start = self.clock.now()
            - chrono::Duration::milliseconds(super::timeline::millis(self.elapsed()));
        let mut enis = self.world().enis_of(cluster);
        for e in &mut enis {
            e.attached_at = e
                .attached_at
                .map(|t| start + (t - chrono::DateTime::UNIX_EPOCH));
        }
        Ok(enis)
    }

    async fn vpcs(&self, ids: &[String]) -> ApiResult<Vec<Vpc>> {
        self.answer_delay(Source::Vpcs, 0).await;
        // The real fetch filters on `vpc-id`, which leaves unknown ids out without an error.
        Ok(in_vpcs(&self.world().vpcs, ids, |v| &v.id))
    }

    async fn subnets(&self, vpc_ids: &[String]) -> ApiResult<Vec<Subnet>> {
        self.answer_delay(Source::Subnets, 0).await;
        Ok(in_vpcs(&self.world().subnets, vpc_ids, |s| &s.vpc_id))
    }

    async fn route_tables(&self, vpc_ids: &[String]) -> ApiResult<Vec<RouteTable>> {
        self.answer_delay(Source::RouteTables, 0).await;
        Ok(in_vpcs(&self.world().route_tables, vpc_ids, |t| &t.vpc_id))
    }

    async fn tgw_attachments(&self, vpc_ids: &[String]) -> ApiResult<Vec<TgwAttachment>> {
        self.answer_delay(Source::TgwAttachments, 0).await;
        Ok(in_vpcs(&self.world().tgw_attachments, vpc_ids, |a| {
            &a.vpc_id
        }))
    }

    async fn tgw_routes(&self, route_table_id: &str) -> ApiResult<TgwRouteTable> {
        self.answer_delay(Source::TgwRoutes, 0).await;
        let w = self.world();
        by_ids(
            &w.tgw_route_tables,
            &[route_table_id.to_string()],
            |t| &t.id,
            "transit gateway route table",
        )
        .map(|mut v| v.remove(0))
    }

    async fn dhcp_options(&self, ids: &[String]) -> ApiResult<Vec<DhcpOptions>> {
        self.answer_delay(Source::DhcpOptions, 0).await;
        by_ids(&self.world().dhcp_options, ids, |d| &d.id, "DHCP options")
    }

    async fn resolver_rule_ids(&self, vpc_id: &str) -> ApiResult<Vec<String>> {
        self.answer_delay(Source::ResolverRules, 0).await;
        Ok(self
            .world()
            .resolver_rules
            .iter()
            .filter(|(_, vpcs)| vpcs.iter().any(|v| v == vpc_id))
            .map(|(r, _)| r.id.clone())
            .collect())
    }

    async fn resolver_rule(&self, id: &str) -> ApiResult<ResolverRule> {
        self.answer_delay(Source::ResolverRules, 1).await;
        self.world()
            .resolver_rules
            .into_iter()
            .map(|(r, _)| r)
            .find(|r| r.id == id)
            .ok_or_else(|| SourceError::not_found(format!("Resolver rule '{id}' does not exist")))
    }

    async fn resolver_endpoint(&self, id: &str) -> ApiResult<ResolverEndpoint> {
        self.answer_delay(Source::ResolverEndpoints, 0).await;
        self.world()
            .resolver_endpoints
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| {
                SourceError::not_found(format!("Resolver endpoint '{id}' does not exist"))
            })
    }

    async fn network_acls(&self, vpc_ids: &[String]) -> ApiResult<Vec<NetworkAcl>> {
        self.answer_delay(Source::NetworkAcls, 0).await;
        Ok(in_vpcs(&self.world().network_acls, vpc_ids, |a| &a.vpc_id))
    }

    async fn security_groups(&self, ids: &[String]) -> ApiResult<Vec<SecurityGroup>> {
        self.answer_delay(Source::SecurityGroups, 0).await;
        by_ids(
            &self.world().security_groups,
            ids,
            |g| &g.id,
            "security group",
        )
    }

    async fn peerings(&self, vpc_ids: &[String]) -> ApiResult<Vec<Peering>> {
        self.answer_delay(Source::Peerings, 0).await;
        let touches = |p: &&Peering| {
            vpc_ids
                .iter()
                .any(|v| *v == p.requester.vpc_id || *v == p.accepter.vpc_id)
        };
        Ok(self
            .world()
            .peerings
            .iter()
            .filter(touches)
            .cloned()
            .collect())
    }

    async fn interface_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<InterfaceEndpoint>> {
        self.answer_delay(Source::InterfaceEndpoints, 0).await;
        let w = self.world();
        let mut found = in_vpcs(&w.interface_endpoints, &[vpc_id.to_string()], |e| &e.vpc_id);
        for e in &mut found {
            e.eni_ids = (0..e.ips.len()).map(|i| endpoint_eni(&e.id, i)).collect();
            e.ips.clear();
        }
        Ok(found)
    }

    async fn interface_addresses(&self, eni_ids: &[String]) -> ApiResult<Vec<EniAddress>> {
        self.answer_delay(Source::EndpointAddresses, 0).await;
        let all: Vec<EniAddress> = self
            .world()
            .interface_endpoints
            .iter()
            .flat_map(|e| {
                e.ips.iter().enumerate().map(|(i, ip)| EniAddress {
                    eni_id: endpoint_eni(&e.id, i),
                    ip: *ip,
                    ipv6: e.ipv6.get(i).copied().into_iter().collect(),
                })
            })
            .collect();
        by_ids(&all, eni_ids, |a| &a.eni_id, "network interface")
    }

    async fn endpoint_services(&self) -> ApiResult<Vec<EndpointService>> {
        self.answer_delay(Source::EndpointServices, 0).await;
        Ok(self.world().endpoint_services)
    }

    async fn endpoint_connections(&self, service_id: &str) -> ApiResult<Vec<EndpointConnection>> {
        self.answer_delay(Source::EndpointConnections, 0).await;
        Ok(self
            .world()
            .endpoint_connections
            .into_iter()
            .filter(|c| c.service_id == service_id)
            .collect())
    }

    async fn load_balancers(&self, arns: &[String]) -> ApiResult<Vec<LoadBalancer>> {
        self.answer_delay(Source::LoadBalancers, 0).await;
        let w = self.world();
        let mut found = if arns.is_empty() {
            w.load_balancers
        } else {
            by_ids(&w.load_balancers, arns, |lb| &lb.arn, "load balancer")?
        };
        // As listed: attributes and the addresses of internal NLBs come from other calls.
        for lb in &mut found {
            lb.cross_zone = None;
            for z in &mut lb.zones {
                z.private_ips.clear();
            }
        }
        Ok(found)
    }

    async fn lb_attributes(&self, lb_arn: &str) -> ApiResult<LbAttributes> {
        self.answer_delay(Source::LbAttributes, 0).await;
        let w = self.world();
        known_lb(&w, lb_arn)?;
        let lb = w.load_balancers.iter().find(|lb| lb.arn == lb_arn);
        Ok(LbAttributes {
            lb_arn: lb_arn.to_string(),
            cross_zone: lb.and_then(|lb| lb.cross_zone),
        })
    }

    async fn nlb_addresses(&self, lb_arns: &[String]) -> ApiResult<Vec<NlbAddress>> {
        self.answer_delay(Source::NlbAddresses, 0).await;
        Ok(self
            .world()
            .load_balancers
            .iter()
            .filter(|lb| lb_arns.contains(&lb.arn))
            .flat_map(|lb| {
                lb.zones.iter().flat_map(move |z| {
                    z.private_ips.iter().map(move |ip| NlbAddress {
                        lb_arn: lb.arn.clone(),
                        subnet_id: z.subnet_id.clone(),
                        az: z.az.clone(),
                        ip: *ip,
                    })
                })
            })
            .collect())
    }

    async fn listeners(&self, lb_arn: &str) -> ApiResult<Vec<Listener>> {
        self.answer_delay(Source::Listeners, 0).await;
        let w = self.world();
        known_lb(&w, lb_arn)?;
        Ok(w.listeners
            .into_iter()
            .filter(|l| l.lb_arn == lb_arn)
            .collect())
    }

    async fn tg_attributes(&self, tg_arn: &str) -> ApiResult<TgAttributes> {
        self.answer_delay(Source::TgAttributes, 0).await;
        let w = self.world();
        let g = w
            .target_groups
            .iter()
            .find(|g| g.arn == tg_arn)
            .ok_or_else(|| SourceError::not_found(format!("target group {tg_arn} not found")))?;
        // As AWS answers: the attribute is always there, with its default unless changed.
        Ok(TgAttributes {
            tg_arn: tg_arn.to_string(),
            preserve_client_ip: Some(TgAttributes::preserves(None, g)),
        })
    }

    async fn lattice_associations(&self, vpc_id: &str) -> ApiResult<Vec<LatticeAssociation>> {
        self.answer_delay(Source::LatticeAssociations, 0).await;
        Ok(self
            .world()
            .lattice
            .associations
            .into_iter()
            .filter(|a| a.vpc_id == vpc_id)
            .collect())
    }

    async fn lattice_network(&self, id: &str) -> ApiResult<LatticeNetwork> {
        self.answer_delay(Source::LatticeNetworks, 0).await;
        self.world()
            .lattice
            .networks
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| SourceError::not_found(format!("service network {id} not found")))
    }

    async fn lattice_services(&self, network_id: &str) -> ApiResult<Vec<LatticeService>> {
        self.answer_delay(Source::LatticeServices, 0).await;
        Ok(self
            .world()
            .lattice
            .services
            .into_iter()
            .filter_map(|mut s| {
                s.networks.retain(|m| m.network_id == network_id);
                (!s.networks.is_empty()).then_some(s)
            })
            .collect())
    }

    async fn lattice_target_group(&self, id: &str) -> ApiResult<LatticeTargetGroup> {
        self.answer_delay(Source::LatticeTargetGroups, 0).await;
        self.world()
            .lattice
            .target_groups
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| SourceError::not_found(format!("target group {id} not found")))
    }

    async fn lattice_service(&self, name: &str) -> ApiResult<Vec<LatticeService>> {
        self.answer_delay(Source::LatticeService, 1).await;
        Ok(self
            .world()
            .lattice
            .services
            .into_iter()
            .filter(|s| s.is(name))
            .take(1)
            .collect())
    }

    async fn lattice_endpoints(&self, vpc_id: &str) -> ApiResult<Vec<LatticeEndpoint>> {
        self.answer_delay(Source::LatticeEndpoints, 0).await;
        Ok(self
            .world()
            .lattice
            .endpoints
            .into_iter()
            .filter(|e| e.vpc_id == vpc_id)
            .collect())
    }

    async fn resource_configs(&self, target: &str) -> ApiResult<Vec<ResourceConfig>> {
        self.answer_delay(Source::ResourceConfigs, 0).await;
        let w = self.world();
        let found: Vec<ResourceConfig> = w
            .lattice
            .resource_configs
            .into_iter()
            .filter(|c| c.is(target))
            .collect();
        if found.is_empty() {
            return Err(SourceError::not_found(format!(
                "resource configuration {target} not found"
            )));
        }
        Ok(found)
    }

    async fn resource_gateway(&self, id: &str) -> ApiResult<ResourceGateway> {
        self.answer_delay(Source::ResourceGateways, 0).await;
        self.world()
            .lattice
            .resource_gateways
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| SourceError::not_found(format!("resource gateway {id} not found")))
    }

    async fn prefix_lists(&self, names: &[String]) -> ApiResult<Vec<PrefixList>> {
        self.answer_delay(Source::PrefixLists, 0).await;
        Ok(self
            .world()
            .lattice
            .prefix_lists
            .into_iter()
            .filter(|p| names.contains(&p.name))
            .collect())
    }

    async fn instances(&self, ids: &[String]) -> ApiResult<Vec<Instance>> {
        self.answer_delay(Source::Instances, 0).await;
        Ok(self
            .world()
            .instances
            .into_iter()
            .filter(|i| ids.contains(&i.id))
            .collect())
    }

    async fn enis_holding(&self, ips: &[String]) -> ApiResult<Vec<Eni>> {
        self.answer_delay(Source::TargetEnis, 0).await;
        Ok(self
            .world()
            .enis
            .into_iter()
            .filter(|e| ips.contains(&e.ip.to_string()))
            .collect())
    }

    async fn target_groups(&self, lb_arn: &str) -> ApiResult<Vec<TargetGroup>> {
        self.answer_delay(Source::TargetGroups, 0).await;
        let w = self.world();
        known_lb(&w, lb_arn)?;
        Ok(w.target_groups
            .into_iter()
            .filter(|tg| tg.lb_arns.iter().any(|a| a == lb_arn))
            .collect())
    }

    async fn target_health(&self, tg_arn: &str) -> ApiResult<Vec<Target>> {
        self.answer_delay(Source::Targets, 0).await;
        let w = self.world();
        if !w.target_groups.iter().any(|tg| tg.arn == tg_arn) {
            return Err(SourceError::not_found(format!(
                "target group '{tg_arn}' not found"
            )));
        }
        Ok(w.targets_of(tg_arn))
    }

    async fn hosted_zones(&self, name: &str) -> ApiResult<Vec<HostedZone>> {
        self.answer_delay(Source::HostedZones, 0).await;
        let name = normalize_dns_name(name);
        Ok(self
            .world()
            .hosted_zones
            .into_iter()
            .filter(|z| z.private && normalize_dns_name(&z.name) == name)
            .map(|z| HostedZone {
                vpcs: Vec::new(),
                ..z
            })
            .collect())
    }

    async fn zone_vpcs(&self, zone_id: &str) -> ApiResult<Vec<ZoneVpc>> {
        self.answer_delay(Source::ZoneAssociations, 0).await;
        let zone_id = zone_id.trim_start_matches("/hostedzone/");
        self.world()
            .hosted_zones
            .into_iter()
            .find(|z| z.id == zone_id)
            .map(|z| z.vpcs)
            .ok_or_else(|| {
                SourceError::not_found(format!("no hosted zone found with ID: {zone_id}"))
            })
    }

    async fn records(&self, zone_id: &str, name: &str) -> ApiResult<Vec<Record>> {
        self.answer_delay(Source::Records, 0).await;
        let w = self.world();
        let zone_id = zone_id.trim_start_matches("/hostedzone/");
        if !w.hosted_zones.iter().any(|z| z.id == zone_id) {
            return Err(SourceError::not_found(format!(
                "no hosted zone found with ID: {zone_id}"
            )));
        }
        Ok(w.records
            .into_iter()
            .filter(|r| r.zone_id == zone_id && r.is_for(name))
            .collect())
    }

    async fn event_rules(&self) -> ApiResult<Vec<EventRule>> {
        self.answer_delay(Source::EventRules, 0).await;
        Ok(self.world().event_rules)
    }

    async fn rule_targets(&self, rule: &str) -> ApiResult<Vec<RuleTarget>> {
        self.answer_delay(Source::RuleTargets, 0).await;
        let w = self.world();
        if !w.event_rules.iter().any(|r| r.name == rule) {
            return Err(SourceError::not_found(format!(
                "Rule {rule} does not exist."
            )));
        }
        Ok(w.rule_targets
            .into_iter()
            .filter(|t| t.rule == rule)
            .collect())
    }

    async fn function(&self, arn: &str) -> ApiResult<Function> {
        self.answer_delay(Source::Functions, 0).await;
        let name = crate::model::automation::lambda_name(arn).unwrap_or(arn);
        self.world()
            .functions
            .into_iter()
            .find(|f| f.name == name)
            .ok_or_else(|| SourceError::not_found(format!("Function not found: {arn}")))
    }

    async fn function_runs(&self, names: &[String]) -> ApiResult<Vec<FunctionRuns>> {
        self.answer_delay(Source::FunctionRuns, 0).await;
        let w = self.world();
        Ok(super::automation::runs(
            w.scenario,
            names,
            self.clock.now(),
            self.elapsed(),
        ))
    }

    async fn trails(&self) -> ApiResult<Vec<Trail>> {
        self.answer_delay(Source::Trails, 0).await;
        Ok(self
            .world()
            .trails
            .into_iter()
            .map(|t| Trail {
                logging: None,
                selectors: TrailSelectors::Default,
                ..t
            })
            .collect())
    }

    async fn trail_logging(&self, arn: &str) -> ApiResult<bool> {
        self.answer_delay(Source::Trails, 1).await;
        self.trail(arn).map(|t| t.logging.unwrap_or(false))
    }

    async fn trail_selectors(&self, arn: &str) -> ApiResult<TrailSelectors> {
        self.answer_delay(Source::Trails, 2).await;
        self.trail(arn).map(|t| t.selectors)
    }
}
