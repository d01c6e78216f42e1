//! The inputs of an API behind an NLB of its own: everything hangs off the NLB that the
//! server's name leads to. Found by its own DNS name, the NLB's reads start as soon as the
//! load balancers are listed; found by a record, once the records are in; found by the
//! live answers, once the NLBs' addresses are.

use super::{Derived, Input, needed, origin_and_target_eni_groups, settled, sorted};
use crate::model::lb::api_groups;
use crate::model::server::{host_addresses, nlb_by_answers, nlb_by_name, nlb_by_record};
use crate::model::{LoadBalancer, Model, ServerApi, Source};
use std::net::IpAddr;

type Pending<'a> = &'a dyn Fn(Source) -> bool;

pub(super) fn derive(
    input: Input,
    m: &Model,
    server: &ServerApi,
    pending: Pending,
) -> Result<Vec<String>, Derived> {
    use Source as S;
    Ok(match input {
        // A server named by IP has no name for a zone to hold.
        Input::Host if server.host.parse::<IpAddr>().is_ok() => Vec::new(),
        Input::Host => vec![server.host.clone()],
        Input::OriginVpc => Input::OriginVpc.eks_derive(m, pending)?,
        Input::PathVpcs => {
            let origin = settled(S::Origin, &m.origin, pending)?
                .and_then(|o| o.as_ref())
                .map(|o| o.vpc_id.clone());
            let nlb = api_nlb(m, server, pending)?.map(|lb| lb.vpc_id.clone());
            sorted(origin.into_iter().chain(nlb))
        }
        Input::LbArns => sorted(api_nlb(m, server, pending)?.map(|lb| lb.arn.clone())),
        Input::AddresslessNlbArns => {
            let lbs = needed(S::LoadBalancers, &m.listed_lbs, pending)?;
            let named = named_nlb(m, server, pending)?;
            sorted(
                lbs.iter()
                    .filter(|lb| lb.kind.eq_ignore_ascii_case("network"))
                    .filter(|lb| named.is_none_or(|n| n.arn == lb.arn))
                    .filter(|lb| lb.private_ips().next().is_none())
                    .map(|lb| lb.arn.clone()),
            )
        }
        Input::TargetGroupArns => {
            let groups = needed(S::TargetGroups, &m.target_groups, pending)?;
            let listeners = settled(S::Listeners, &m.listeners, pending)?;
            let Some(lb) = api_nlb(m, server, pending)? else {
                return Ok(Vec::new());
            };
            let own: Vec<_> = groups
                .iter()
                .filter(|g| g.lb_arns.contains(&lb.arn))
                .collect();
            let api = api_groups(
                own.clone(),
                listeners.map(Vec::as_slice),
                &[lb.arn.as_str()],
                server.port,
            )
            .unwrap_or(own);
            sorted(api.into_iter().map(|g| g.arn.clone()))
        }
        Input::TargetInstanceIds | Input::IpTargets => {
            let groups = needed(S::TargetGroups, &m.target_groups, pending)?;
            let targets = needed(S::Targets, &m.targets, pending)?;
            let want_ip = input == Input::IpTargets;
            sorted(
                targets
                    .iter()
                    .filter(|t| {
                        groups
                            .iter()
                            .any(|g| g.arn == t.tg_arn && g.is_ip() == want_ip)
                    })
                    .filter(|t| !want_ip || t.ip().is_some())
                    .map(|t| t.id.clone()),
            )
        }
        Input::SecurityGroupIds => {
            let mut ids = origin_and_target_eni_groups(m, pending)?;
            if let Some(lb) = api_nlb(m, server, pending)? {
                ids.extend(lb.sg_ids.iter().cloned());
            }
            for i in settled(S::Instances, &m.instances, pending)?
                .into_iter()
                .flatten()
            {
                ids.extend(i.sg_ids.iter().cloned());
            }
            sorted(ids)
        }
        // What serves only an EKS cluster is never read here.
        Input::ClusterName
        | Input::ClusterVpc
        | Input::EndpointEniIds
        | Input::ServiceIds
        | Input::ServiceNlbArns
        | Input::ShadowingZoneIds
        | Input::SiblingNames
        | Input::AutomationRules
        | Input::AutomationFunctions
        | Input::LatticeServiceName
        | Input::LatticeEndpointTargets
        | Input::ResourceGatewayIds => Vec::new(),
        Input::ZoneIds
        | Input::LatticeNetworkIds
        | Input::LatticeTargetGroupIds
        | Input::TgwRouteTableIds
        | Input::DhcpOptionsIds
        | Input::ResolverEndpointIds => input.eks_derive(m, pending)?,
    })
}

/// The NLB the name leads to without looking at live answers: its own DNS name, else a
/// record. `None` once both are known not to lead anywhere.
fn named_nlb<'a>(
    m: &'a Model,
    server: &ServerApi,
    pending: Pending,
) -> Result<Option<&'a LoadBalancer>, Derived> {
    let lbs = needed(Source::LoadBalancers, &m.listed_lbs, pending)?;
    if let Some(lb) = nlb_by_name(lbs, &server.host) {
        return Ok(Some(lb));
    }
    let Some(records) = settled(Source::Records, &m.records, pending)? else {
        return Ok(None);
    };
    let origin = m.origin().map(|o| o.vpc_id.clone());
    let zones = m.hosted_zones.value().map(Vec::as_slice).unwrap_or(&[]);
    let preferred = |zone_id: &str| {
        zones
            .iter()
            .any(|z| z.id == zone_id && origin.as_deref().is_some_and(|v| z.associated_with(v)))
    };
    Ok(nlb_by_record(lbs, records, &server.host, &preferred).map(|(lb, _)| lb))
}

/// The API's NLB (joined with its addresses), found by name, record or live answers.
fn api_nlb<'a>(
    m: &'a Model,
    server: &ServerApi,
    pending: Pending,
) -> Result<Option<&'a LoadBalancer>, Derived> {
    let joined = m.load_balancers.value().map(Vec::as_slice).unwrap_or(&[]);
    if let Some(lb) = named_nlb(m, server, pending)? {
        return Ok(joined.iter().find(|j| j.arn == lb.arn).or(Some(lb)));
    }
    settled(Source::NlbAddresses, &m.nlb_addresses, pending)?;
    let live: Vec<IpAddr> = m.live.dns.latest().map(|s| s.ips()).unwrap_or_default();
    let records = m.records.value().map(Vec::as_slice).unwrap_or(&[]);
    let (from, answers) = host_addresses(&server.host, live, records);
    Ok(nlb_by_answers(joined, &answers, &from).map(|(lb, _)| lb))
}
