//! PrivateLink: interface endpoints in a VPC and their ENIs' IPs, this account's endpoint
//! services, and the connections made to them.

use super::ec2::{filter, network_interfaces};
use super::errors::source_error;
use crate::model::lattice::LatticeEndpoint;
use crate::model::{EndpointConnection, EndpointService, EniAddress, InterfaceEndpoint};
use crate::sources::ApiResult;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as t;

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn is_interface(e: &t::VpcEndpoint) -> bool {
    e.vpc_endpoint_type()
        .is_some_and(|k| k.as_str().eq_ignore_ascii_case("interface"))
}

/// Interface endpoints in `vpc_id`, with the ids of their ENIs.
pub async fn interface_endpoints(ec2: &Client, vpc_id: &str) -> ApiResult<Vec<InterfaceEndpoint>> {
    let found: Vec<t::VpcEndpoint> = ec2
        .describe_vpc_endpoints()
        .filters(filter("vpc-id", &[vpc_id.to_string()]))
        .filters(filter("vpc-endpoint-type", &["Interface".to_string()]))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeVpcEndpoints", e))?;
    let found: Vec<&t::VpcEndpoint> = found
        .iter()
        .filter(|e| is_interface(e) && e.vpc_id() == Some(vpc_id))
        .collect();
    Ok(found
        .iter()
        .map(|e| InterfaceEndpoint {
            id: s(e.vpc_endpoint_id()),
            vpc_id: s(e.vpc_id()),
            service_name: s(e.service_name()),
            ipv6: Vec::new(),
            state: e
                .state()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            subnet_ids: e.subnet_ids().to_vec(),
            eni_ids: e.network_interface_ids().to_vec(),
            ips: Vec::new(),
            dns_names: e
                .dns_entries()
                .iter()
                .filter_map(|d| d.dns_name())
                .map(str::to_string)
                .collect(),
            sg_ids: e
                .groups()
                .iter()
                .filter_map(|g| g.group_id())
                .map(str::to_string)
                .collect(),
        })
        .collect())
}

/// The private IPs of these ENIs, in one filtered call.
pub async fn interface_addresses(ec2: &Client, eni_ids: &[String]) -> ApiResult<Vec<EniAddress>> {
    Ok(
        network_interfaces(ec2, vec![filter("network-interface-id", eni_ids)])
            .await?
            .iter()
            .filter_map(|n| {
                Some(EniAddress {
                    eni_id: n.network_interface_id()?.to_string(),
                    ip: n.private_ip_address()?.parse().ok()?,
                    ipv6: super::ec2::ipv6_of(n),
                })
            })
            .collect(),
    )
}

pub async fn endpoint_services(ec2: &Client) -> ApiResult<Vec<EndpointService>> {
    let found: Vec<t::ServiceConfiguration> = ec2
        .describe_vpc_endpoint_service_configurations()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeVpcEndpointServiceConfigurations", e))?;
    Ok(found
        .iter()
        .map(|c| EndpointService {
            id: s(c.service_id()),
            name: s(c.service_name()),
            state: c
                .service_state()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            nlb_arns: c.network_load_balancer_arns().to_vec(),
            acceptance_required: c.acceptance_required().unwrap_or(false),
            zones: c.availability_zones().to_vec(),
        })
        .collect())
}

pub async fn endpoint_connections(
    ec2: &Client,
    service_id: &str,
) -> ApiResult<Vec<EndpointConnection>> {
    let found: Vec<t::VpcEndpointConnection> = ec2
        .describe_vpc_endpoint_connections()
        .filters(filter("service-id", &[service_id.to_string()]))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeVpcEndpointConnections", e))?;
    Ok(found
        .iter()
        .filter(|c| c.service_id().is_none_or(|id| id == service_id))
        .map(|c| EndpointConnection {
            service_id: service_id.to_string(),
            endpoint_id: s(c.vpc_endpoint_id()),
            state: c
                .vpc_endpoint_state()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            owner: c.vpc_endpoint_owner().map(str::to_string),
        })
        .collect())
}

/// VPC endpoints of type `Resource` or `ServiceNetwork` in `vpc_id`, with their ENIs' IPs.
pub async fn lattice_endpoints(ec2: &Client, vpc_id: &str) -> ApiResult<Vec<LatticeEndpoint>> {
    let kinds = ["Resource".to_string(), "ServiceNetwork".to_string()];
    let found: Vec<t::VpcEndpoint> = ec2
        .describe_vpc_endpoints()
        .filters(filter("vpc-id", &[vpc_id.to_string()]))
        .filters(filter("vpc-endpoint-type", &kinds))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeVpcEndpoints", e))?;
    let mut out: Vec<LatticeEndpoint> = found
        .iter()
        .filter(|e| e.vpc_id() == Some(vpc_id))
        .filter_map(|e| {
            let kind = e.vpc_endpoint_type()?.as_str().to_string();
            kinds.contains(&kind).then(|| LatticeEndpoint {
                id: s(e.vpc_endpoint_id()),
                kind,
                vpc_id: s(e.vpc_id()),
                state: e
                    .state()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                subnet_ids: e.subnet_ids().to_vec(),
                eni_ids: e.network_interface_ids().to_vec(),
                ips: Vec::new(),
                sg_ids: e
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id())
                    .map(str::to_string)
                    .collect(),
                resource_configuration_arn: e.resource_configuration_arn().map(str::to_string),
                service_network_arn: e.service_network_arn().map(str::to_string),
            })
        })
        .collect();
    let enis: Vec<String> = out.iter().flat_map(|e| e.eni_ids.clone()).collect();
    if !enis.is_empty() {
        let addrs = interface_addresses(ec2, &enis).await?;
        for e in out.iter_mut() {
            e.ips = addrs
                .iter()
                .filter(|a| e.eni_ids.contains(&a.eni_id))
                .map(|a| a.ip)
                .collect();
        }
    }
    Ok(out)
}
