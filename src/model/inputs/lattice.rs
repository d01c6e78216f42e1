//! The inputs of a VPC Lattice service's check: the service is found by what was given,
//! the networks are this VPC's and the service's, the targets are the service's groups'.

use super::{Derived, Input, needed, origin_and_target_eni_groups, settled, sorted};
use crate::model::lattice::{LatticeApi, LatticeService};
use crate::model::{Model, Source};

type Pending<'a> = &'a dyn Fn(Source) -> bool;

/// The service checked, once `lattice-service` has settled (`None`: not found).
fn checked<'a>(m: &'a Model, pending: Pending) -> Result<Option<&'a LatticeService>, Derived> {
    Ok(needed(Source::LatticeService, &m.lattice_service, pending)?.first())
}

pub(super) fn derive(
    input: Input,
    m: &Model,
    api: &LatticeApi,
    pending: Pending,
) -> Result<Vec<String>, Derived> {
    use Source as S;
    Ok(match input {
        Input::LatticeServiceName => vec![api.service.clone()],
        Input::Host => match api.dns_name() {
            Some(name) => vec![name],
            None => sorted(checked(m, pending)?.and_then(LatticeService::host)),
        },
        Input::OriginVpc | Input::ZoneIds | Input::DhcpOptionsIds | Input::ResolverEndpointIds => {
            input.eks_derive(m, pending)?
        }
        // Lattice carries the traffic: only this host's VPC is on the routed path.
        Input::PathVpcs => sorted(
            settled(S::Origin, &m.origin, pending)?
                .and_then(|o| o.as_ref())
                .map(|o| o.vpc_id.clone()),
        ),
        Input::LatticeNetworkIds => {
            let own = settled(S::LatticeAssociations, &m.lattice_associations, pending)?;
            let service = settled(S::LatticeService, &m.lattice_service, pending)?;
            sorted(
                own.into_iter()
                    .flatten()
                    .map(|a| a.network_id.clone())
                    .chain(
                        service
                            .into_iter()
                            .flatten()
                            .flat_map(|s| s.networks.iter().map(|n| n.network_id.clone())),
                    ),
            )
        }
        Input::LatticeTargetGroupIds => {
            let listed = settled(S::LatticeServices, &m.lattice_services, pending)?;
            let service = settled(S::LatticeService, &m.lattice_service, pending)?;
            sorted(
                service
                    .into_iter()
                    .flatten()
                    .chain(listed.into_iter().flatten())
                    .flat_map(|s| s.listeners.iter())
                    .flat_map(|l| l.target_groups())
                    .map(str::to_string),
            )
        }
        Input::IpTargets => {
            let Some(service) = checked(m, pending)? else {
                return Ok(Vec::new());
            };
            let groups = needed(S::LatticeTargetGroups, &m.lattice_target_groups, pending)?;
            let wanted: Vec<&str> = service
                .listeners
                .iter()
                .flat_map(|l| l.target_groups())
                .collect();
            sorted(
                groups
                    .iter()
                    .filter(|g| wanted.iter().any(|w| g.is(w)) && g.is_ip())
                    .flat_map(|g| g.targets.iter())
                    .filter_map(|t| t.ip().map(|ip| ip.to_string())),
            )
        }
        Input::SecurityGroupIds => {
            let mut ids = origin_and_target_eni_groups(m, pending)?;
            let own = settled(S::LatticeAssociations, &m.lattice_associations, pending)?;
            for a in own.into_iter().flatten() {
                ids.extend(a.sg_ids.iter().cloned());
            }
            sorted(ids)
        }
        // What serves EKS or an NLB of its own is never read for a Lattice service.
        Input::ClusterName
        | Input::ClusterVpc
        | Input::EndpointEniIds
        | Input::ServiceIds
        | Input::ServiceNlbArns
        | Input::LbArns
        | Input::AddresslessNlbArns
        | Input::TargetGroupArns
        | Input::ShadowingZoneIds
        | Input::SiblingNames
        | Input::TgwRouteTableIds
        | Input::AutomationRules
        | Input::AutomationFunctions
        | Input::TargetInstanceIds
        | Input::LatticeEndpointTargets
        | Input::ResourceGatewayIds => Vec::new(),
    })
}
