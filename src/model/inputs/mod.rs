//! What a fetch waits for, derived from the model: the keys that the collection graph hands
//! each source. An input is ready once every source it is read from has settled in this
//! collection cycle; a source that failed makes only the inputs read from it blocked.

mod lattice;
mod server;

use super::lb::api_groups;
use super::{Loadable, Model, Source, SourceError};
use std::collections::BTreeSet;

/// One kind of key a fetch needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// The cluster asked about; known before anything is read.
    ClusterName,
    /// The endpoint's host name.
    Host,
    /// The cluster's VPC; empty when the cluster could not be read.
    ClusterVpc,
    /// This host's VPC.
    OriginVpc,
    /// The cluster's VPC and this host's, as far as either is known.
    PathVpcs,
    /// The ENIs of the interface endpoints in this host's VPC.
    EndpointEniIds,
    /// The endpoint services those endpoints use (all of this account's when none match).
    ServiceIds,
    /// The NLBs behind those services; empty when the services could not be read.
    ServiceNlbArns,
    /// The services' NLBs, else the network load balancers found in the cluster's VPC.
    LbArns,
    /// Those NLBs that list no private IPs of their own (an internal NLB whose addresses
    /// AWS chose): their IPs are read from their ENIs.
    AddresslessNlbArns,
    /// The `ip` target groups on those NLBs that the listener on the endpoint's port
    /// forwards to (all of them when that cannot be told).
    TargetGroupArns,
    /// Private hosted zones that could answer for the endpoint name.
    ZoneIds,
    /// Private zones named after a strict parent domain of the endpoint: they answer for
    /// every other cluster's name under them too.
    ShadowingZoneIds,
    /// `ZONE_ID NAME` for each other cluster of the region whose endpoint name such a zone
    /// covers: the records to look for.
    SiblingNames,
    /// The transit gateway route tables associated with the path VPCs' attachments.
    TgwRouteTableIds,
    /// The DHCP options sets of the path VPCs.
    DhcpOptionsIds,
    /// The Resolver endpoints the rules of this host's VPC forward through.
    ResolverEndpointIds,
    /// Every security group on the path.
    SecurityGroupIds,
    /// The EventBridge rules on ENI creations or on schedules.
    AutomationRules,
    /// The Lambda functions those rules invoke, by ARN.
    AutomationFunctions,
    /// The instances registered in the API's `instance` target groups.
    TargetInstanceIds,
    /// The IPs registered in the API's `ip` target groups.
    IpTargets,
    /// The VPC Lattice service networks this host's VPC is associated with.
    LatticeNetworkIds,
    /// The Lattice target groups those networks' services lead to.
    LatticeTargetGroupIds,
    /// The VPC Lattice service checked, as given; known before anything is read.
    LatticeServiceName,
    /// What this VPC's resource and service network endpoints lead to: resource
    /// configuration ARNs and service network ARNs.
    LatticeEndpointTargets,
    /// The resource gateways of those resource configurations.
    ResourceGatewayIds,
}

/// An input's value, or why there is none yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Derived {
    /// A source it is read from has not settled in this cycle.
    Wait,
    Ready(Vec<String>),
    /// The source it is read from failed.
    Blocked(SourceError),
}

/// Value of `l` once `source` has settled in this cycle.
pub(super) fn settled<'a, T>(
    source: Source,
    l: &'a Loadable<T>,
    pending: &dyn Fn(Source) -> bool,
) -> Result<Option<&'a T>, Derived> {
    if pending(source) || l.is_loading() {
        return Err(Derived::Wait);
    }
    Ok(l.value())
}

/// Like [`settled`], but a failure blocks the input.
pub(super) fn needed<'a, T>(
    source: Source,
    l: &'a Loadable<T>,
    pending: &dyn Fn(Source) -> bool,
) -> Result<&'a T, Derived> {
    settled(source, l, pending)?
        .ok_or_else(|| Derived::Blocked(SourceError::blocked(source.spec().action())))
}

/// The groups of this host and of the ENIs that hold IP targets: what a server's and a
/// Lattice service's security group reads both start from.
pub(super) fn origin_and_target_eni_groups(
    m: &Model,
    pending: &dyn Fn(Source) -> bool,
) -> Result<Vec<String>, Derived> {
    let mut ids = Vec::new();
    if let Some(Some(o)) = settled(Source::Origin, &m.origin, pending)? {
        ids.extend(o.sg_ids.iter().cloned());
    }
    for e in settled(Source::TargetEnis, &m.target_enis, pending)?
        .into_iter()
        .flatten()
    {
        ids.extend(e.sg_ids.iter().cloned());
    }
    Ok(ids)
}

pub(super) fn sorted(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    ids.into_iter()
        .filter(|s| !s.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl Input {
    /// The sources this input is read from.
    pub fn read_from(self) -> &'static [Source] {
        use Source as S;
        match self {
            Input::ClusterName => &[],
            Input::Host => &[S::Cluster, S::LatticeService],
            Input::ClusterVpc => &[S::Cluster],
            Input::LatticeServiceName => &[],
            Input::LatticeEndpointTargets => &[S::LatticeEndpoints],
            Input::ResourceGatewayIds => &[S::ResourceConfigs],
            Input::OriginVpc => &[S::Origin],
            // An API behind an NLB of its own: the NLB's VPC, once the name leads to it.
            Input::PathVpcs => &[
                S::Cluster,
                S::Origin,
                S::LoadBalancers,
                S::Records,
                S::NlbAddresses,
            ],
            Input::EndpointEniIds => &[S::InterfaceEndpoints],
            Input::ServiceIds | Input::ServiceNlbArns => {
                &[S::InterfaceEndpoints, S::EndpointServices]
            }
            Input::LbArns => &[
                S::InterfaceEndpoints,
                S::EndpointServices,
                S::LoadBalancers,
                S::Records,
                S::NlbAddresses,
            ],
            Input::AddresslessNlbArns => &[
                S::InterfaceEndpoints,
                S::EndpointServices,
                S::LoadBalancers,
                S::Records,
            ],
            Input::TargetGroupArns => &[
                S::TargetGroups,
                S::Listeners,
                S::Cluster,
                S::InterfaceEndpoints,
                S::EndpointServices,
                S::LoadBalancers,
                S::Records,
                S::NlbAddresses,
            ],
            Input::TargetInstanceIds => &[S::Targets, S::TargetGroups],
            Input::IpTargets => &[S::Targets, S::TargetGroups, S::LatticeTargetGroups],
            Input::LatticeNetworkIds => &[S::LatticeAssociations, S::LatticeService],
            Input::LatticeTargetGroupIds => &[S::LatticeServices, S::LatticeService],
            Input::ZoneIds => &[S::HostedZones],
            Input::ShadowingZoneIds => &[S::HostedZones, S::Cluster],
            Input::SiblingNames => &[S::HostedZones, S::Cluster, S::RegionClusters],
            Input::TgwRouteTableIds => &[S::TgwAttachments],
            Input::DhcpOptionsIds => &[S::Vpcs],
            Input::ResolverEndpointIds => &[S::ResolverRules],
            Input::AutomationRules => &[S::EventRules],
            Input::AutomationFunctions => &[S::EventRules, S::RuleTargets],
            Input::SecurityGroupIds => &[
                S::Cluster,
                S::Origin,
                S::Enis,
                S::InterfaceEndpoints,
                S::LoadBalancers,
                S::Instances,
                S::TargetEnis,
                S::LatticeAssociations,
                S::LatticeEndpoints,
            ],
        }
    }

    /// This input's value in `m`, where `pending` says which sources have not settled yet.
    pub fn derive(self, m: &Model, pending: &dyn Fn(Source) -> bool) -> Derived {
        match self.try_derive(m, pending) {
            Ok(v) => Derived::Ready(v),
            Err(d) => d,
        }
    }

    fn try_derive(
        self,
        m: &Model,
        pending: &dyn Fn(Source) -> bool,
    ) -> Result<Vec<String>, Derived> {
        match &m.context.api {
            super::Api::Server(server) => server::derive(self, m, server, pending),
            super::Api::Lattice(api) => lattice::derive(self, m, api, pending),
            super::Api::Eks => self.eks_derive(m, pending),
        }
    }

    /// The value for an EKS cluster; an API behind an NLB of its own shares some.
    fn eks_derive(
        self,
        m: &Model,
        pending: &dyn Fn(Source) -> bool,
    ) -> Result<Vec<String>, Derived> {
        use Source as S;
        Ok(match self {
            Input::ClusterName => vec![m.context.cluster_name.clone()],
            Input::Host => vec![needed(S::Cluster, &m.cluster, pending)?.host()],
            // Only a filter for the fallback listing: without the cluster, none.
            Input::ClusterVpc => {
                sorted(settled(S::Cluster, &m.cluster, pending)?.and_then(|c| c.vpc_id.clone()))
            }
            Input::OriginVpc => match needed(S::Origin, &m.origin, pending)? {
                Some(o) => vec![o.vpc_id.clone()],
                None => return Err(Derived::Blocked(SourceError::blocked("origin"))),
            },
            Input::PathVpcs => {
                let c = settled(S::Cluster, &m.cluster, pending)?;
                let o = settled(S::Origin, &m.origin, pending)?;
                if c.is_none() && o.is_none() {
                    return Err(Derived::Blocked(SourceError::blocked(
                        S::Cluster.spec().action(),
                    )));
                }
                let origin = o.and_then(|o| o.as_ref()).map(|o| o.vpc_id.clone());
                sorted(c.and_then(|c| c.vpc_id.clone()).into_iter().chain(origin))
            }
            Input::EndpointEniIds => sorted(
                needed(S::InterfaceEndpoints, &m.listed_endpoints, pending)?
                    .iter()
                    .flat_map(|e| e.eni_ids.iter().cloned()),
            ),
            Input::ServiceIds => {
                needed(S::EndpointServices, &m.endpoint_services, pending)?;
                sorted(used_services(m, pending)?.into_iter().map(|s| s.id.clone()))
            }
            Input::ServiceNlbArns => sorted(
                used_services(m, pending)?
                    .into_iter()
                    .flat_map(|s| s.nlb_arns.iter().cloned()),
            ),
            Input::LbArns => {
                let arns = Input::ServiceNlbArns.try_derive(m, pending)?;
                if !arns.is_empty() {
                    return Ok(arns);
                }
                sorted(
                    needed(S::LoadBalancers, &m.listed_lbs, pending)?
                        .iter()
                        .map(|lb| lb.arn.clone()),
                )
            }
            Input::AddresslessNlbArns => {
                let arns = Input::LbArns.try_derive(m, pending)?;
                let listed = needed(S::LoadBalancers, &m.listed_lbs, pending)?;
                sorted(
                    listed
                        .iter()
                        .filter(|lb| arns.contains(&lb.arn) && lb.private_ips().next().is_none())
                        .map(|lb| lb.arn.clone()),
                )
            }
            Input::TargetGroupArns => {
                let groups = needed(S::TargetGroups, &m.target_groups, pending)?;
                let listeners = settled(S::Listeners, &m.listeners, pending)?;
                settled(S::Cluster, &m.cluster, pending)?;
                let lb_arns = Input::LbArns.try_derive(m, pending)?;
                let lb_arns: Vec<&str> = lb_arns.iter().map(String::as_str).collect();
                let ip: Vec<_> = groups.iter().filter(|g| g.is_ip()).collect();
                // While the API's group is not known, every candidate's health is read, so
                // nothing is dropped unseen.
                let api = api_groups(
                    ip.clone(),
                    listeners.map(Vec::as_slice),
                    &lb_arns,
                    m.endpoint_port(),
                )
                .unwrap_or(ip);
                sorted(api.into_iter().map(|g| g.arn.clone()))
            }
            Input::ZoneIds => sorted(
                needed(S::HostedZones, &m.listed_zones, pending)?
                    .iter()
                    .filter(|z| z.private)
                    .map(|z| z.id.clone()),
            ),
            Input::ShadowingZoneIds => sorted(
                shadowing_zones(m, pending)?
                    .into_iter()
                    .map(|z| z.id.clone()),
            ),
            Input::SiblingNames => {
                let zones = shadowing_zones(m, pending)?;
                let own = m.cluster.value().map(|c| c.name.clone());
                let others = settled(S::RegionClusters, &m.region_clusters, pending)?;
                sorted(
                    others
                        .into_iter()
                        .flatten()
                        .filter(|c| Some(&c.name) != own.as_ref())
                        .flat_map(|c| {
                            let host = c.host();
                            zones
                                .iter()
                                .filter(|z| z.covers(&host))
                                .map(|z| format!("{} {host}", z.id))
                                .collect::<Vec<_>>()
                        }),
                )
            }
            Input::TgwRouteTableIds => sorted(
                needed(S::TgwAttachments, &m.tgw_attachments, pending)?
                    .iter()
                    .filter_map(|a| a.route_table_id.clone()),
            ),
            Input::DhcpOptionsIds => sorted(
                needed(S::Vpcs, &m.vpcs, pending)?
                    .iter()
                    .filter_map(|v| v.dhcp_options_id.clone())
                    .filter(|id| id != "default"),
            ),
            Input::ResolverEndpointIds => sorted(
                needed(S::ResolverRules, &m.resolver_rules, pending)?
                    .iter()
                    .filter_map(|r| r.endpoint_id.clone()),
            ),
            Input::AutomationRules => sorted(
                needed(S::EventRules, &m.event_rules, pending)?
                    .iter()
                    .filter(|r| r.candidate())
                    .map(|r| r.name.clone()),
            ),
            Input::AutomationFunctions => {
                needed(S::EventRules, &m.event_rules, pending)?;
                sorted(
                    needed(S::RuleTargets, &m.rule_targets, pending)?
                        .iter()
                        .filter(|t| t.function_name().is_some())
                        .map(|t| t.arn.clone()),
                )
            }
            // Only an API behind an NLB of its own, or a Lattice service, has these.
            Input::TargetInstanceIds | Input::IpTargets | Input::LatticeServiceName => Vec::new(),
            Input::LatticeEndpointTargets => sorted(
                needed(S::LatticeEndpoints, &m.lattice_endpoints, pending)?
                    .iter()
                    .filter_map(|e| e.target().map(str::to_string)),
            ),
            Input::ResourceGatewayIds => sorted(
                needed(S::ResourceConfigs, &m.resource_configs, pending)?
                    .iter()
                    .filter_map(|c| c.gateway_id.clone()),
            ),
            Input::LatticeNetworkIds => sorted(
                needed(S::LatticeAssociations, &m.lattice_associations, pending)?
                    .iter()
                    .map(|a| a.network_id.clone()),
            ),
            Input::LatticeTargetGroupIds => sorted(
                needed(S::LatticeServices, &m.lattice_services, pending)?
                    .iter()
                    .flat_map(|s| s.listeners.iter())
                    .flat_map(|l| l.target_groups())
                    .map(str::to_string),
            ),
            Input::SecurityGroupIds => {
                let mut ids = Vec::new();
                if let Some(c) = settled(S::Cluster, &m.cluster, pending)? {
                    ids.extend(c.eni_sgs());
                }
                if let Some(Some(o)) = settled(S::Origin, &m.origin, pending)? {
                    ids.extend(o.sg_ids.iter().cloned());
                }
                for e in settled(S::Enis, &m.enis, pending)?.into_iter().flatten() {
                    ids.extend(e.sg_ids.iter().cloned());
                }
                let endpoints = settled(S::InterfaceEndpoints, &m.listed_endpoints, pending)?;
                for e in endpoints.into_iter().flatten() {
                    ids.extend(e.sg_ids.iter().cloned());
                }
                let lattice = settled(S::LatticeEndpoints, &m.lattice_endpoints, pending)?;
                for e in lattice.into_iter().flatten() {
                    ids.extend(e.sg_ids.iter().cloned());
                }
                for lb in settled(S::LoadBalancers, &m.listed_lbs, pending)?
                    .into_iter()
                    .flatten()
                {
                    ids.extend(lb.sg_ids.iter().cloned());
                }
                sorted(ids)
            }
        })
    }
}

/// Private zones that cover the endpoint name from a parent domain.
fn shadowing_zones<'a>(
    m: &'a Model,
    pending: &dyn Fn(Source) -> bool,
) -> Result<Vec<&'a super::HostedZone>, Derived> {
    let host = needed(Source::Cluster, &m.cluster, pending)?.host();
    let zones = needed(Source::HostedZones, &m.listed_zones, pending)?;
    Ok(zones
        .iter()
        .filter(|z| z.private && z.covers(&host) && !z.covers_exactly(&host))
        .collect())
}

/// The endpoint services the interface endpoints here use; all of this account's when none
/// match (the endpoint may be in another account's VPC), none when they cannot be read.
fn used_services<'a>(
    m: &'a Model,
    pending: &dyn Fn(Source) -> bool,
) -> Result<Vec<&'a super::EndpointService>, Derived> {
    // Without services there is nothing to choose: no need to wait for the endpoints, so
    // the fallback listing of the cluster VPC's NLBs starts a round earlier.
    let all = match settled(Source::EndpointServices, &m.endpoint_services, pending)? {
        Some(all) if !all.is_empty() => all,
        _ => return Ok(Vec::new()),
    };
    let endpoints = settled(Source::InterfaceEndpoints, &m.listed_endpoints, pending)?;
    let used: BTreeSet<&str> = endpoints
        .into_iter()
        .flatten()
        .map(|e| e.service_name.as_str())
        .collect();
    let picked: Vec<_> = all
        .iter()
        .filter(|s| used.contains(s.name.as_str()))
        .collect();
    Ok(if picked.is_empty() {
        all.iter().collect()
    } else {
        picked
    })
}
