//! The resources on this host's path: the PrivateLink route's endpoints, services, NLBs
//! and the API's target groups, or the NLB an API server's name leads to.

use super::PathResources;
use crate::model::lb::api_groups;
use crate::model::{EndpointService, InterfaceEndpoint, LoadBalancer, Model, TargetGroup};

/// The path of an API behind an NLB of its own: that NLB and the groups its listener on
/// the server's port forwards to; the basis says how the NLB was found, or what was tried.
pub(super) fn server_path(m: &Model) -> (PathResources<'_>, String) {
    let nlb = match m.api_nlb() {
        Ok(n) => n,
        Err(tried) => {
            return (
                PathResources::default(),
                format!("no NLB found for the server: {}", tried.join("; ")),
            );
        }
    };
    let host = m.endpoint_host().unwrap_or_default();
    let basis = nlb.found_by.label(&host, nlb.lb);
    let own: Vec<&TargetGroup> = m
        .target_groups
        .value()
        .map(|v| {
            v.iter()
                .filter(|g| g.lb_arns.contains(&nlb.lb.arn))
                .collect()
        })
        .unwrap_or_default();
    let (target_groups, target_groups_unknown) = match api_groups(
        own,
        m.listeners.value().map(Vec::as_slice),
        &[nlb.lb.arn.as_str()],
        m.endpoint_port(),
    ) {
        Ok(g) => (g, None),
        Err(why) => (Vec::new(), Some(why)),
    };
    (
        PathResources {
            nlbs: vec![nlb.lb],
            target_groups,
            target_groups_unknown,
            ..PathResources::default()
        },
        basis,
    )
}

pub(super) fn path_resources(m: &Model) -> PathResources<'_> {
    let cluster_vpc = m.cluster.value().and_then(|c| c.vpc_id.clone());
    let in_cluster_vpc = |lb: &&LoadBalancer| cluster_vpc.as_deref().is_none_or(|v| lb.vpc_id == v);
    let lbs: Vec<&LoadBalancer> = m
        .load_balancers
        .value()
        .map(|v| {
            v.iter()
                .filter(|lb| lb.kind.eq_ignore_ascii_case("network"))
                .filter(in_cluster_vpc)
                .collect()
        })
        .unwrap_or_default();
    // A deleted endpoint stays listed for a while; it carries nothing.
    let endpoints_all: Vec<&InterfaceEndpoint> = m
        .interface_endpoints
        .value()
        .map(|v| {
            v.iter()
                .filter(|e| !e.state.eq_ignore_ascii_case("deleted"))
                .collect()
        })
        .unwrap_or_default();
    let services_all: Vec<&EndpointService> = m
        .endpoint_services
        .value()
        .map(|v| v.iter().collect())
        .unwrap_or_default();

    // A service is on the path when it fronts a cluster-VPC NLB (or we cannot tell yet).
    let lbs_known = m.load_balancers.value().is_some();
    let fronting: Vec<&EndpointService> = services_all
        .into_iter()
        .filter(|s| !lbs_known || s.nlb_arns.iter().any(|a| lbs.iter().any(|lb| &lb.arn == a)))
        .collect();
    // Endpoints to such a service; without service data, any endpoint to a customer
    // service (AWS's own services are named `com.amazonaws.REGION.NAME`).
    let endpoints: Vec<&InterfaceEndpoint> = endpoints_all
        .into_iter()
        .filter(|e| {
            if m.endpoint_services.value().is_some() {
                fronting.iter().any(|s| s.name == e.service_name)
            } else {
                e.service_name.contains(".vpce-svc-")
            }
        })
        .collect();
    let services: Vec<&EndpointService> = if endpoints.is_empty() {
        fronting
    } else {
        fronting
            .into_iter()
            .filter(|s| endpoints.iter().any(|e| e.service_name == s.name))
            .collect()
    };
    let nlbs: Vec<&LoadBalancer> = if services.is_empty() {
        lbs
    } else {
        lbs.into_iter()
            .filter(|lb| services.iter().any(|s| s.nlb_arns.contains(&lb.arn)))
            .collect()
    };
    let attached: Vec<&TargetGroup> = m
        .target_groups
        .value()
        .map(|v| {
            v.iter()
                .filter(|tg| {
                    nlbs.is_empty()
                        || tg
                            .lb_arns
                            .iter()
                            .any(|a| nlbs.iter().any(|lb| &lb.arn == a))
                })
                .collect()
        })
        .unwrap_or_default();
    // Other listeners on the same NLB serve other things; the API's group is the one the
    // listener on the endpoint's port forwards to.
    let lb_arns: Vec<&str> = nlbs.iter().map(|lb| lb.arn.as_str()).collect();
    let (target_groups, target_groups_unknown) = if nlbs.is_empty() {
        (attached, None)
    } else {
        match api_groups(
            attached,
            m.listeners.value().map(Vec::as_slice),
            &lb_arns,
            m.endpoint_port(),
        ) {
            Ok(g) => (g, None),
            Err(why) => (Vec::new(), Some(why)),
        }
    };
    PathResources {
        endpoints,
        services,
        nlbs,
        target_groups,
        target_groups_unknown,
    }
}
