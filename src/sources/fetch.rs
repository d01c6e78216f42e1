//! One fetch per catalogue source: the calls that read it, given the keys its inputs
//! derived. The collection graph decides when each runs; this decides only how.

use super::{ApiResult, AwsApi};
use crate::model::lattice::PrefixList;
use crate::model::route53::candidate_zone_names;
use crate::model::{ErrorKind, Fetched, Input, Source};
use futures::stream::{self, StreamExt};
use std::collections::BTreeMap;
use std::future::Future;
use tokio::sync::Semaphore;

/// Calls in flight at once within one fetch that makes one call per key; the service's
/// bound applies across fetches too.
const FAN_OUT: usize = 5;

/// The values of a fetch's inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Keys(pub BTreeMap<Input, Vec<String>>);

impl Keys {
    pub fn get(&self, input: Input) -> &[String] {
        self.0.get(&input).map(Vec::as_slice).unwrap_or_default()
    }

    /// The single value of an input such as the cluster name.
    pub fn one(&self, input: Input) -> &str {
        self.get(input)
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Read `source` with `keys`; every call takes a permit of `limit`, its service's bound.
pub async fn fetch(api: &dyn AwsApi, source: Source, keys: &Keys, limit: &Semaphore) -> Fetched {
    use Input as I;
    use Source as S;
    match source {
        S::Cluster => {
            Fetched::Cluster(limited(limit, api.describe_cluster(keys.one(I::ClusterName))).await)
        }
        S::Origin => Fetched::Origin(limited(limit, api.locate_origin()).await),
        S::Enis => Fetched::Enis(limited(limit, api.cluster_enis(keys.one(I::ClusterName))).await),
        S::Vpcs => Fetched::Vpcs(limited(limit, api.vpcs(keys.get(I::PathVpcs))).await),
        S::Subnets => Fetched::Subnets(limited(limit, api.subnets(keys.get(I::PathVpcs))).await),
        S::NetworkAcls => {
            Fetched::NetworkAcls(limited(limit, api.network_acls(keys.get(I::PathVpcs))).await)
        }
        S::RouteTables => {
            Fetched::RouteTables(limited(limit, api.route_tables(keys.get(I::PathVpcs))).await)
        }
        S::Peerings => Fetched::Peerings(limited(limit, api.peerings(keys.get(I::PathVpcs))).await),
        S::RegionClusters => {
            let own = keys.one(I::ClusterName);
            Fetched::RegionClusters(if keys.get(I::ShadowingZoneIds).is_empty() {
                Ok(Vec::new())
            } else {
                match limited(limit, api.list_clusters()).await {
                    Ok(names) => {
                        let others: Vec<String> = names.into_iter().filter(|n| n != own).collect();
                        each(limit, &others, true, |name| async move {
                            api.describe_cluster(name).await.map(|c| vec![c])
                        })
                        .await
                    }
                    Err(e) => Err(e),
                }
            })
        }
        S::SiblingRecords => Fetched::SiblingRecords(
            each(limit, keys.get(I::SiblingNames), true, |pair| async move {
                match pair.split_once(' ') {
                    Some((zone, name)) => api.records(zone, name).await,
                    None => Ok(Vec::new()),
                }
            })
            .await,
        ),
        S::TgwAttachments => Fetched::TgwAttachments(
            unless_empty(keys.get(I::PathVpcs), |ids| {
                limited(limit, api.tgw_attachments(ids))
            })
            .await,
        ),
        S::TgwRoutes => Fetched::TgwRoutes(
            each(
                limit,
                keys.get(I::TgwRouteTableIds),
                true,
                |id| async move { api.tgw_routes(id).await.map(|t| vec![t]) },
            )
            .await,
        ),
        S::DhcpOptions => Fetched::DhcpOptions(
            unless_empty(keys.get(I::DhcpOptionsIds), |ids| {
                limited(limit, api.dhcp_options(ids))
            })
            .await,
        ),
        S::ResolverRules => {
            let ids = limited(limit, api.resolver_rule_ids(keys.one(I::OriginVpc))).await;
            Fetched::ResolverRules(match ids {
                Ok(ids) => {
                    each(limit, &ids, true, |id| async move {
                        api.resolver_rule(id).await.map(|r| vec![r])
                    })
                    .await
                }
                Err(e) => Err(e),
            })
        }
        S::ResolverEndpoints => Fetched::ResolverEndpoints(
            each(
                limit,
                keys.get(I::ResolverEndpointIds),
                true,
                |id| async move { api.resolver_endpoint(id).await.map(|e| vec![e]) },
            )
            .await,
        ),
        S::SecurityGroups => Fetched::SecurityGroups(
            unless_empty(keys.get(I::SecurityGroupIds), |ids| {
                limited(limit, api.security_groups(ids))
            })
            .await,
        ),
        S::InterfaceEndpoints => Fetched::InterfaceEndpoints(
            limited(limit, api.interface_endpoints(keys.one(I::OriginVpc))).await,
        ),
        S::EndpointAddresses => Fetched::EndpointAddresses(
            unless_empty(keys.get(I::EndpointEniIds), |ids| {
                limited(limit, api.interface_addresses(ids))
            })
            .await,
        ),
        S::EndpointServices => {
            Fetched::EndpointServices(limited(limit, api.endpoint_services()).await)
        }
        S::EndpointConnections => Fetched::EndpointConnections(
            each(limit, keys.get(I::ServiceIds), false, |id| {
                api.endpoint_connections(id)
            })
            .await,
        ),
        S::LoadBalancers => {
            let arns = keys.get(I::ServiceNlbArns);
            let vpc = keys.get(I::ClusterVpc).first();
            let listed = limited(limit, api.load_balancers(arns)).await;
            Fetched::LoadBalancers(listed.map(|all| {
                all.into_iter()
                    .filter(|lb| lb.kind.eq_ignore_ascii_case("network"))
                    .filter(|lb| !arns.is_empty() || vpc.is_none_or(|v| &lb.vpc_id == v))
                    .collect()
            }))
        }
        S::LbAttributes => Fetched::LbAttributes(
            each(limit, keys.get(I::LbArns), true, |arn| async move {
                api.lb_attributes(arn).await.map(|a| vec![a])
            })
            .await,
        ),
        S::NlbAddresses => Fetched::NlbAddresses(
            unless_empty(keys.get(I::AddresslessNlbArns), |arns| {
                limited(limit, api.nlb_addresses(arns))
            })
            .await,
        ),
        S::Listeners => Fetched::Listeners(
            each(limit, keys.get(I::LbArns), true, |arn| api.listeners(arn)).await,
        ),
        S::TargetGroups => Fetched::TargetGroups(
            each(limit, keys.get(I::LbArns), true, |arn| {
                api.target_groups(arn)
            })
            .await
            .map(|mut gs| {
                let mut seen = std::collections::BTreeSet::new();
                gs.retain(|g| seen.insert(g.arn.clone()));
                gs
            }),
        ),
        S::TgAttributes => Fetched::TgAttributes(
            each(
                limit,
                keys.get(I::TargetGroupArns),
                true,
                |arn| async move { api.tg_attributes(arn).await.map(|a| vec![a]) },
            )
            .await,
        ),
        S::LatticeAssociations => Fetched::LatticeAssociations(
            limited(limit, api.lattice_associations(keys.one(I::OriginVpc))).await,
        ),
        S::LatticeNetworks => Fetched::LatticeNetworks(
            each(
                limit,
                keys.get(I::LatticeNetworkIds),
                true,
                |id| async move { api.lattice_network(id).await.map(|n| vec![n]) },
            )
            .await,
        ),
        S::LatticeServices => Fetched::LatticeServices(
            each(limit, keys.get(I::LatticeNetworkIds), true, |id| {
                api.lattice_services(id)
            })
            .await
            .map(merge_services),
        ),
        S::LatticeTargetGroups => Fetched::LatticeTargetGroups(
            each(
                limit,
                keys.get(I::LatticeTargetGroupIds),
                true,
                |id| async move { api.lattice_target_group(id).await.map(|g| vec![g]) },
            )
            .await,
        ),
        S::LatticeService => Fetched::LatticeService(
            limited(limit, api.lattice_service(keys.one(I::LatticeServiceName))).await,
        ),
        S::PrefixLists => Fetched::PrefixLists(match api.region() {
            Some(region) => {
                limited(limit, api.prefix_lists(&PrefixList::lattice_names(&region))).await
            }
            None => Err(crate::model::SourceError::blocked("the region")),
        }),
        S::LatticeEndpoints => Fetched::LatticeEndpoints(
            limited(limit, api.lattice_endpoints(keys.one(I::OriginVpc))).await,
        ),
        S::ResourceConfigs => Fetched::ResourceConfigs(
            each(limit, keys.get(I::LatticeEndpointTargets), true, |t| {
                api.resource_configs(t)
            })
            .await,
        ),
        S::ResourceGateways => Fetched::ResourceGateways(
            each(
                limit,
                keys.get(I::ResourceGatewayIds),
                true,
                |id| async move { api.resource_gateway(id).await.map(|g| vec![g]) },
            )
            .await,
        ),
        S::Instances => Fetched::Instances(
            unless_empty(keys.get(I::TargetInstanceIds), |ids| {
                limited(limit, api.instances(ids))
            })
            .await,
        ),
        S::TargetEnis => Fetched::TargetEnis(
            unless_empty(keys.get(I::IpTargets), |ips| {
                limited(limit, api.enis_holding(ips))
            })
            .await,
        ),
        S::Targets => Fetched::Targets(
            each(limit, keys.get(I::TargetGroupArns), false, |arn| {
                api.target_health(arn)
            })
            .await,
        ),
        S::HostedZones => {
            let names = candidate_zone_names(keys.one(I::Host));
            Fetched::HostedZones(each(limit, &names, false, |name| api.hosted_zones(name)).await)
        }
        S::ZoneAssociations => Fetched::ZoneAssociations(
            each(limit, keys.get(I::ZoneIds), false, |id| async move {
                api.zone_vpcs(id).await.map(|vpcs| {
                    vec![crate::model::ZoneAssociations {
                        zone_id: id.to_string(),
                        vpcs,
                    }]
                })
            })
            .await,
        ),
        S::EventRules => Fetched::EventRules(limited(limit, api.event_rules()).await),
        S::RuleTargets => Fetched::RuleTargets(
            each(limit, keys.get(I::AutomationRules), true, |rule| {
                api.rule_targets(rule)
            })
            .await,
        ),
        S::Functions => Fetched::Functions(
            each(
                limit,
                keys.get(I::AutomationFunctions),
                true,
                |arn| async move { api.function(arn).await.map(|f| vec![f]) },
            )
            .await,
        ),
        S::FunctionRuns => {
            let names: std::collections::BTreeSet<String> = keys
                .get(I::AutomationFunctions)
                .iter()
                .filter_map(|arn| crate::model::automation::lambda_name(arn))
                .map(str::to_string)
                .collect();
            let names: Vec<String> = names.into_iter().collect();
            Fetched::FunctionRuns(
                unless_empty(&names, |n| limited(limit, api.function_runs(n))).await,
            )
        }
        S::Trails => Fetched::Trails(match limited(limit, api.trails()).await {
            // Each trail's status and selectors side by side; one that went away meanwhile
            // is left out.
            Ok(trails) => {
                let arns: Vec<String> = trails.iter().map(|t| t.arn.clone()).collect();
                each(limit, &arns, true, |arn| {
                    let trail = trails.iter().find(|t| t.arn == arn).cloned();
                    async move {
                        let Some(mut t) = trail else {
                            return Ok(Vec::new());
                        };
                        let (logging, selectors) =
                            futures::try_join!(api.trail_logging(arn), api.trail_selectors(arn))?;
                        t.logging = Some(logging);
                        t.selectors = selectors;
                        Ok(vec![t])
                    }
                })
                .await
            }
            Err(e) => Err(e),
        }),
        S::Records => {
            let host = keys.one(I::Host);
            Fetched::Records(
                each(limit, keys.get(I::ZoneIds), false, |id| {
                    api.records(id, host)
                })
                .await,
            )
        }
    }
}

/// A service in several networks once, with every network it is in.
fn merge_services(
    all: Vec<crate::model::lattice::LatticeService>,
) -> Vec<crate::model::lattice::LatticeService> {
    let mut out: Vec<crate::model::lattice::LatticeService> = Vec::new();
    for s in all {
        match out.iter_mut().find(|o| o.id == s.id) {
            Some(o) => o.networks.extend(s.networks),
            None => out.push(s),
        }
    }
    out
}

/// No call at all for no ids: an empty filter would list the whole account.
async fn unless_empty<'a, T, F, Fut>(ids: &'a [String], call: F) -> ApiResult<Vec<T>>
where
    F: FnOnce(&'a [String]) -> Fut,
    Fut: Future<Output = ApiResult<Vec<T>>>,
{
    if ids.is_empty() {
        Ok(Vec::new())
    } else {
        call(ids).await
    }
}

/// One call, once `limit` has a permit for it.
async fn limited<T>(limit: &Semaphore, call: impl Future<Output = T>) -> T {
    let _permit = limit.acquire().await;
    call.await
}

/// One call per key, a few at a time, in key order; the first error fails the source.
/// With `gone_is_empty`, a key the service says does not exist has nothing under it (a
/// list-by-parent call on a parent that went away).
async fn each<'a, T, F, Fut>(
    limit: &Semaphore,
    keys: &'a [String],
    gone_is_empty: bool,
    call: F,
) -> ApiResult<Vec<T>>
where
    F: Fn(&'a str) -> Fut,
    Fut: Future<Output = ApiResult<Vec<T>>>,
{
    // Built before streaming: a closure inside the stream's type defeats the Send proof.
    let calls: Vec<_> = keys.iter().map(|k| limited(limit, call(k))).collect();
    let results: Vec<ApiResult<Vec<T>>> = stream::iter(calls).buffered(FAN_OUT).collect().await;
    let mut all = Vec::new();
    for r in results {
        match r {
            Ok(v) => all.extend(v),
            Err(e) if gone_is_empty && e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(all)
}
