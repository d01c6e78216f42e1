//! ELBv2: the NLBs in front of the ENIs, their attributes and own addresses, listeners,
//! target groups and target health.

use super::ec2::{filter, network_interfaces};
use super::errors::source_error;
use crate::model::lb::nlb_eni_description;
use crate::model::{
    HealthCheck, LbAttributes, LbZone, Listener, LoadBalancer, NlbAddress, Target, TargetGroup,
    TgAttributes,
};
use crate::sources::ApiResult;
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types as t;
use std::net::Ipv4Addr;

/// DescribeLoadBalancers takes at most this many ARNs per call.
const ARNS_PER_CALL: usize = 20;

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn lb(x: &t::LoadBalancer) -> LoadBalancer {
    LoadBalancer {
        arn: s(x.load_balancer_arn()),
        name: s(x.load_balancer_name()),
        kind: x
            .r#type()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        scheme: x
            .scheme()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        state: x
            .state()
            .and_then(|st| st.code())
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        vpc_id: s(x.vpc_id()),
        dns_name: s(x.dns_name()),
        cross_zone: None,
        zones: x
            .availability_zones()
            .iter()
            .map(|z| LbZone {
                az: s(z.zone_name()),
                subnet_id: s(z.subnet_id()),
                private_ips: z
                    .load_balancer_addresses()
                    .iter()
                    .filter_map(|a| a.private_ipv4_address()?.parse().ok())
                    .collect(),
            })
            .collect(),
        sg_ids: x.security_groups().to_vec(),
        sg_on_privatelink: x
            .enforce_security_group_inbound_rules_on_private_link_traffic()
            .map(|v| !v.eq_ignore_ascii_case("off")),
    }
}

/// `load_balancing.cross_zone.enabled` of one load balancer.
pub async fn attributes(elb: &Client, arn: &str) -> ApiResult<LbAttributes> {
    let out = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
        .map_err(|e| source_error("elasticloadbalancing:DescribeLoadBalancerAttributes", e))?;
    Ok(LbAttributes {
        lb_arn: arn.to_string(),
        cross_zone: out
            .attributes()
            .iter()
            .find(|a| a.key() == Some("load_balancing.cross_zone.enabled"))
            .and_then(|a| a.value())
            .map(|v| v.eq_ignore_ascii_case("true")),
    })
}

/// `preserve_client_ip.enabled` of one target group.
pub async fn tg_attributes(elb: &Client, arn: &str) -> ApiResult<TgAttributes> {
    let out = elb
        .describe_target_group_attributes()
        .target_group_arn(arn)
        .send()
        .await
        .map_err(|e| source_error("elasticloadbalancing:DescribeTargetGroupAttributes", e))?;
    Ok(TgAttributes {
        tg_arn: arn.to_string(),
        preserve_client_ip: out
            .attributes()
            .iter()
            .find(|a| a.key() == Some("preserve_client_ip.enabled"))
            .and_then(|a| a.value())
            .map(|v| v.eq_ignore_ascii_case("true")),
    })
}

/// An internal NLB lists addresses only when they were chosen at creation; its IPs are
/// those of the ENIs AWS made for it, found by their description in one call.
pub async fn nlb_addresses(
    ec2: &aws_sdk_ec2::Client,
    arns: &[String],
) -> ApiResult<Vec<NlbAddress>> {
    let by_description: Vec<(String, &String)> = arns
        .iter()
        .filter_map(|arn| Some((nlb_eni_description(arn)?, arn)))
        .collect();
    if by_description.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<String> = by_description.iter().map(|(d, _)| d.clone()).collect();
    let enis = network_interfaces(ec2, vec![filter("description", &wanted)]).await?;
    Ok(enis
        .iter()
        .filter_map(|n| {
            let (_, arn) = by_description
                .iter()
                .find(|(d, _)| n.description() == Some(d.as_str()))?;
            Some(NlbAddress {
                lb_arn: arn.to_string(),
                subnet_id: n.subnet_id().unwrap_or_default().to_string(),
                az: n.availability_zone().unwrap_or_default().to_string(),
                ip: n.private_ip_address()?.parse::<Ipv4Addr>().ok()?,
            })
        })
        .collect())
}

pub async fn load_balancers(elb: &Client, arns: &[String]) -> ApiResult<Vec<LoadBalancer>> {
    let action = "elasticloadbalancing:DescribeLoadBalancers";
    let mut found: Vec<t::LoadBalancer> = Vec::new();
    if arns.is_empty() {
        found = elb
            .describe_load_balancers()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| source_error(action, e))?;
    } else {
        for chunk in arns.chunks(ARNS_PER_CALL) {
            let page: Vec<t::LoadBalancer> = elb
                .describe_load_balancers()
                .set_load_balancer_arns(Some(chunk.to_vec()))
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(|e| source_error(action, e))?;
            found.extend(page);
        }
    }
    Ok(found.iter().map(lb).collect())
}

pub async fn listeners(elb: &Client, lb_arn: &str) -> ApiResult<Vec<Listener>> {
    let found: Vec<t::Listener> = elb
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("elasticloadbalancing:DescribeListeners", e))?;
    Ok(found
        .iter()
        .map(|l| {
            let mut forwards_to: Vec<String> = Vec::new();
            for a in l.default_actions() {
                let weighted = a
                    .forward_config()
                    .map(|f| f.target_groups())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|g| g.target_group_arn());
                for arn in a.target_group_arn().into_iter().chain(weighted) {
                    if !forwards_to.iter().any(|x| x == arn) {
                        forwards_to.push(arn.to_string());
                    }
                }
            }
            Listener {
                arn: s(l.listener_arn()),
                lb_arn: l.load_balancer_arn().unwrap_or(lb_arn).to_string(),
                port: l.port().and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
                protocol: l
                    .protocol()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                forwards_to,
            }
        })
        .collect())
}

pub async fn target_groups(elb: &Client, lb_arn: &str) -> ApiResult<Vec<TargetGroup>> {
    let found: Vec<t::TargetGroup> = elb
        .describe_target_groups()
        .load_balancer_arn(lb_arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("elasticloadbalancing:DescribeTargetGroups", e))?;
    Ok(found
        .iter()
        .map(|g| TargetGroup {
            arn: s(g.target_group_arn()),
            name: s(g.target_group_name()),
            target_type: g
                .target_type()
                .map(|k| k.as_str().to_string())
                .unwrap_or_default(),
            protocol: g
                .protocol()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            port: g.port().and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
            vpc_id: s(g.vpc_id()),
            lb_arns: g.load_balancer_arns().to_vec(),
            health_check: g.health_check_protocol().map(|p| HealthCheck {
                protocol: p.as_str().to_string(),
                port: g.health_check_port().unwrap_or("traffic-port").to_string(),
                path: g.health_check_path().map(str::to_string),
                matcher: g.matcher().and_then(|m| m.http_code()).map(str::to_string),
            }),
        })
        .collect())
}

pub async fn target_health(elb: &Client, tg_arn: &str) -> ApiResult<Vec<Target>> {
    let out = elb
        .describe_target_health()
        .target_group_arn(tg_arn)
        .send()
        .await
        .map_err(|e| source_error("elasticloadbalancing:DescribeTargetHealth", e))?;
    Ok(out
        .target_health_descriptions()
        .iter()
        .filter_map(|d| {
            let target = d.target()?;
            let health = d.target_health();
            Some(Target {
                tg_arn: tg_arn.to_string(),
                id: target.id()?.to_string(),
                port: target
                    .port()
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(0),
                az: target.availability_zone().map(str::to_string),
                state: health
                    .and_then(|h| h.state())
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                reason: health
                    .and_then(|h| h.reason())
                    .map(|r| r.as_str().to_string()),
                description: health.and_then(|h| h.description()).map(str::to_string),
            })
        })
        .collect())
}
