//! EC2 networking: the cluster's ENIs, VPCs with their DNS attributes, subnets, route
//! tables, security groups and peerings.

use super::errors::source_error;
use crate::model::{
    AclEntry, DhcpOptions, Eni, NetworkAcl, PeerSide, Peering, Route, RouteTable, RouteTarget,
    SecurityGroup, SgRule, SgSource, Subnet, Vpc,
};
use crate::sources::ApiResult;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{self as t, Filter, VpcAttributeName};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

pub(super) fn filter(name: &str, values: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
}

pub(super) fn name_tag(tags: &[t::Tag]) -> Option<String> {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .map(str::to_string)
}

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

pub(super) fn eni(n: &t::NetworkInterface) -> Option<Eni> {
    Some(Eni {
        id: n.network_interface_id()?.to_string(),
        ip: n.private_ip_address()?.parse().ok()?,
        ipv6: ipv6_of(n),
        subnet_id: s(n.subnet_id()),
        az: s(n.availability_zone()),
        status: n
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        sg_ids: n
            .groups()
            .iter()
            .filter_map(|g| g.group_id())
            .map(str::to_string)
            .collect(),
        description: s(n.description()),
        attached_at: n
            .attachment()
            .and_then(|a| a.attach_time.as_ref())
            .and_then(|t| chrono::DateTime::from_timestamp(t.secs(), 0)),
    })
}

/// The IPv6 addresses of a network interface.
pub(super) fn ipv6_of(n: &t::NetworkInterface) -> Vec<std::net::Ipv6Addr> {
    n.ipv6_addresses()
        .iter()
        .filter_map(|a| a.ipv6_address()?.parse().ok())
        .collect()
}

/// ENIs matching `filters` (never an unfiltered scan).
pub(super) async fn network_interfaces(
    ec2: &Client,
    filters: Vec<Filter>,
) -> ApiResult<Vec<t::NetworkInterface>> {
    ec2.describe_network_interfaces()
        .set_filters(Some(filters))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeNetworkInterfaces", e))
}

pub async fn cluster_enis(ec2: &Client, cluster: &str) -> ApiResult<Vec<Eni>> {
    let wanted = format!("Amazon EKS {cluster}");
    let found = network_interfaces(
        ec2,
        vec![filter("description", std::slice::from_ref(&wanted))],
    )
    .await?;
    // The filter is exact on AWS; keep the contract even where a server is looser.
    Ok(found
        .iter()
        .filter(|n| n.description() == Some(wanted.as_str()))
        .filter_map(eni)
        .collect())
}

async fn dns_attribute(ec2: &Client, vpc_id: &str, name: VpcAttributeName) -> Option<bool> {
    let out = ec2
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(name.clone())
        .send()
        .await
        .map_err(|e| {
            let e = source_error("ec2:DescribeVpcAttribute", e);
            tracing::warn!("{vpc_id} {}: {e}", name.as_str());
        })
        .ok()?;
    // Plain field reads of the DescribeVpcAttribute answer (the getters share their names
    // with the ModifyVpcAttribute setters, which this tool never calls).
    let value = match name {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support,
        _ => out.enable_dns_hostnames,
    };
    value.and_then(|v| v.value)
}

fn vpc_cidrs(v: &t::Vpc) -> Vec<Ipv4Net> {
    let mut cidrs: Vec<Ipv4Net> = v
        .cidr_block()
        .and_then(|c| c.parse().ok())
        .into_iter()
        .collect();
    for a in v.cidr_block_association_set() {
        let associated = a
            .cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|s| s.as_str().eq_ignore_ascii_case("associated"));
        if let Some(c) = a.cidr_block().and_then(|c| c.parse().ok())
            && associated
            && !cidrs.contains(&c)
        {
            cidrs.push(c);
        }
    }
    cidrs
}

/// These VPCs; a DNS attribute that cannot be read stays `None` (the rule says so).
pub async fn vpcs(ec2: &Client, ids: &[String]) -> ApiResult<Vec<Vpc>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The attributes are read by the ids asked for, alongside the listing, not after it.
    let attributes = futures::future::join_all(ids.iter().map(|id| async move {
        let (support, hostnames) = tokio::join!(
            dns_attribute(ec2, id, VpcAttributeName::EnableDnsSupport),
            dns_attribute(ec2, id, VpcAttributeName::EnableDnsHostnames),
        );
        (id.clone(), (support, hostnames))
    }));
    let listing = ec2
        .describe_vpcs()
        .filters(filter("vpc-id", ids))
        .into_paginator()
        .items()
        .send()
        .try_collect();
    let (found, attributes) = tokio::join!(listing, attributes);
    let found: Vec<t::Vpc> = found.map_err(|e| source_error("ec2:DescribeVpcs", e))?;
    let attributes: BTreeMap<String, (Option<bool>, Option<bool>)> =
        attributes.into_iter().collect();
    Ok(found
        .iter()
        .map(|v| {
            let id = s(v.vpc_id());
            let (support, hostnames) = attributes.get(&id).copied().unwrap_or_default();
            Vpc {
                name: name_tag(v.tags()),
                cidrs: vpc_cidrs(v),
                dns_support: support,
                dns_hostnames: hostnames,
                dhcp_options_id: v.dhcp_options_id().map(str::to_string),
                id,
            }
        })
        .collect())
}

pub async fn subnets(ec2: &Client, vpc_ids: &[String]) -> ApiResult<Vec<Subnet>> {
    if vpc_ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<t::Subnet> = ec2
        .describe_subnets()
        .filters(filter("vpc-id", vpc_ids))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeSubnets", e))?;
    Ok(found
        .iter()
        .filter_map(|x| {
            Some(Subnet {
                id: x.subnet_id()?.to_string(),
                vpc_id: s(x.vpc_id()),
                name: name_tag(x.tags()),
                az: s(x.availability_zone()),
                az_id: x.availability_zone_id().map(str::to_string),
                cidr: x.cidr_block()?.parse().ok()?,
                free_ips: x
                    .available_ip_address_count()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0),
            })
        })
        .collect())
}

fn route_target(r: &t::Route) -> RouteTarget {
    let own = |v: Option<&str>| v.map(str::to_string);
    if let Some(p) = own(r.vpc_peering_connection_id()) {
        RouteTarget::Peering(p)
    } else if let Some(g) = own(r.gateway_id()) {
        if g == "local" {
            RouteTarget::Local
        } else {
            RouteTarget::Gateway(g)
        }
    } else if let Some(n) = own(r.nat_gateway_id()) {
        RouteTarget::Nat(n)
    } else if let Some(tgw) = own(r.transit_gateway_id()) {
        RouteTarget::TransitGateway(tgw)
    } else {
        RouteTarget::Other(
            own(r.network_interface_id())
                .or_else(|| own(r.instance_id()))
                .or_else(|| own(r.local_gateway_id()))
                .or_else(|| own(r.carrier_gateway_id()))
                .or_else(|| own(r.core_network_arn()))
                .unwrap_or_else(|| "unknown".into()),
        )
    }
}

pub async fn route_tables(ec2: &Client, vpc_ids: &[String]) -> ApiResult<Vec<RouteTable>> {
    if vpc_ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<t::RouteTable> = ec2
        .describe_route_tables()
        .filters(filter("vpc-id", vpc_ids))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeRouteTables", e))?;
    Ok(found
        .iter()
        .map(|rt| RouteTable {
            id: s(rt.route_table_id()),
            vpc_id: s(rt.vpc_id()),
            main: rt.associations().iter().any(|a| a.main() == Some(true)),
            subnet_ids: rt
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id())
                .map(str::to_string)
                .collect(),
            // IPv6 and prefix-list routes never carry this tool's IPv4 traffic.
            routes: rt
                .routes()
                .iter()
                .filter_map(|r| {
                    Some(Route {
                        destination: r.destination_cidr_block()?.parse().ok()?,
                        target: route_target(r),
                        state: r
                            .state()
                            .map(|x| x.as_str().to_string())
                            .unwrap_or_else(|| "unknown".into()),
                    })
                })
                .collect(),
        })
        .collect())
}

pub async fn network_acls(ec2: &Client, vpc_ids: &[String]) -> ApiResult<Vec<NetworkAcl>> {
    if vpc_ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<t::NetworkAcl> = ec2
        .describe_network_acls()
        .filters(filter("vpc-id", vpc_ids))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeNetworkAcls", e))?;
    let port = |v: Option<i32>| v.and_then(|v| u16::try_from(v).ok());
    Ok(found
        .iter()
        .map(|a| NetworkAcl {
            id: s(a.network_acl_id()),
            vpc_id: s(a.vpc_id()),
            default: a.is_default() == Some(true),
            subnet_ids: a
                .associations()
                .iter()
                .filter_map(|x| x.subnet_id())
                .map(str::to_string)
                .collect(),
            entries: a
                .entries()
                .iter()
                .filter_map(|e| {
                    Some(AclEntry {
                        number: e.rule_number()?,
                        egress: e.egress() == Some(true),
                        protocol: e.protocol().unwrap_or("-1").to_string(),
                        allow: e.rule_action().map(|r| r.as_str()) == Some("allow"),
                        cidr: e.cidr_block()?.parse().ok()?,
                        ports: e
                            .port_range()
                            .and_then(|r| Some((port(r.from())?, port(r.to())?))),
                    })
                })
                .collect(),
        })
        .collect())
}

fn sg_rule(p: &t::IpPermission) -> SgRule {
    let port = |v: Option<i32>| v.and_then(|v| u16::try_from(v).ok());
    let mut sources: Vec<SgSource> = p
        .ip_ranges()
        .iter()
        .filter_map(|r| r.cidr_ip()?.parse().ok())
        .map(SgSource::Cidr)
        .collect();
    sources.extend(
        p.user_id_group_pairs()
            .iter()
            .filter_map(|g| g.group_id())
            .map(|g| SgSource::Group(g.to_string())),
    );
    sources.extend(
        p.prefix_list_ids()
            .iter()
            .filter_map(|pl| pl.prefix_list_id())
            .map(|pl| SgSource::PrefixList(pl.to_string())),
    );
    SgRule {
        protocol: p.ip_protocol().unwrap_or("-1").to_string(),
        from_port: port(p.from_port()),
        to_port: port(p.to_port()),
        sources,
    }
}

/// These groups, by filter: a group deleted since it was referenced is simply absent.
pub async fn security_groups(ec2: &Client, ids: &[String]) -> ApiResult<Vec<SecurityGroup>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<t::SecurityGroup> = ec2
        .describe_security_groups()
        .filters(filter("group-id", ids))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeSecurityGroups", e))?;
    Ok(found
        .iter()
        .map(|g| SecurityGroup {
            id: s(g.group_id()),
            name: s(g.group_name()),
            vpc_id: s(g.vpc_id()),
            ingress: g.ip_permissions().iter().map(sg_rule).collect(),
        })
        .collect())
}

fn peer_side(v: Option<&t::VpcPeeringConnectionVpcInfo>) -> PeerSide {
    let mut cidrs: Vec<Ipv4Net> = Vec::new();
    if let Some(v) = v {
        let all = v
            .cidr_block()
            .into_iter()
            .chain(v.cidr_block_set().iter().filter_map(|c| c.cidr_block()));
        for c in all.filter_map(|c| c.parse().ok()) {
            if !cidrs.contains(&c) {
                cidrs.push(c);
            }
        }
    }
    PeerSide {
        vpc_id: s(v.and_then(|v| v.vpc_id())),
        owner: v.and_then(|v| v.owner_id()).map(str::to_string),
        region: v.and_then(|v| v.region()).map(str::to_string),
        cidrs,
        allow_remote_dns: v
            .and_then(|v| v.peering_options())
            .and_then(|o| o.allow_dns_resolution_from_remote_vpc()),
    }
}

/// Either side in these VPCs: one filtered call per side (filters on different names AND).
pub async fn peerings(ec2: &Client, vpc_ids: &[String]) -> ApiResult<Vec<Peering>> {
    if vpc_ids.is_empty() {
        return Ok(Vec::new());
    }
    let side = |name: &'static str| async move {
        let found: Result<Vec<t::VpcPeeringConnection>, _> = ec2
            .describe_vpc_peering_connections()
            .filters(filter(name, vpc_ids))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        found.map_err(|e| source_error("ec2:DescribeVpcPeeringConnections", e))
    };
    let (req, acc) = tokio::join!(
        side("requester-vpc-info.vpc-id"),
        side("accepter-vpc-info.vpc-id")
    );
    let mut by_id: BTreeMap<String, Peering> = BTreeMap::new();
    for p in req?.iter().chain(acc?.iter()) {
        let peering = Peering {
            id: s(p.vpc_peering_connection_id()),
            status: p
                .status()
                .and_then(|x| x.code())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            requester: peer_side(p.requester_vpc_info()),
            accepter: peer_side(p.accepter_vpc_info()),
        };
        // The trait promises peerings of these VPCs even where a server ignores the filter.
        let touches = vpc_ids
            .iter()
            .any(|v| *v == peering.requester.vpc_id || *v == peering.accepter.vpc_id);
        if touches {
            by_id.insert(peering.id.clone(), peering);
        }
    }
    Ok(by_id.into_values().collect())
}

/// These DHCP options sets, with their name servers.
pub async fn dhcp_options(ec2: &Client, ids: &[String]) -> ApiResult<Vec<DhcpOptions>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<t::DhcpOptions> = ec2
        .describe_dhcp_options()
        .set_dhcp_options_ids(Some(ids.to_vec()))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeDhcpOptions", e))?;
    Ok(found
        .iter()
        .map(|d| {
            let values = |key: &str| -> Vec<String> {
                d.dhcp_configurations()
                    .iter()
                    .filter(|c| c.key() == Some(key))
                    .flat_map(|c| c.values())
                    .filter_map(|v| v.value())
                    .map(str::to_string)
                    .collect()
            };
            DhcpOptions {
                id: s(d.dhcp_options_id()),
                name_servers: values("domain-name-servers"),
                domain_name: values("domain-name").into_iter().next(),
            }
        })
        .collect())
}
