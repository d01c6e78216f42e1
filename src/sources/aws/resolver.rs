//! Route 53 Resolver: the rules associated with this host's VPC and the endpoints they
//! forward through.

use super::errors::source_error;
use crate::model::{ResolverEndpoint, ResolverRule};
use crate::sources::ApiResult;
use aws_sdk_route53resolver::Client;
use aws_sdk_route53resolver::types::{self as t, Filter};

/// The rule ids associated with `vpc_id`, every page.
pub async fn rule_ids(resolver: &Client, vpc_id: &str) -> ApiResult<Vec<String>> {
    let found: Vec<t::ResolverRuleAssociation> = resolver
        .list_resolver_rule_associations()
        .filters(Filter::builder().name("VPCId").values(vpc_id).build())
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("route53resolver:ListResolverRuleAssociations", e))?;
    let mut ids: Vec<String> = found
        .iter()
        // The trait promises this VPC's associations even where a server ignores the filter.
        .filter(|a| a.vpc_id().is_none_or(|v| v == vpc_id))
        .filter(|a| {
            a.status()
                .is_none_or(|s| !s.as_str().eq_ignore_ascii_case("DELETING"))
        })
        .filter_map(|a| a.resolver_rule_id().map(str::to_string))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

pub async fn rule(resolver: &Client, id: &str) -> ApiResult<ResolverRule> {
    let out = resolver
        .get_resolver_rule()
        .resolver_rule_id(id)
        .send()
        .await
        .map_err(|e| source_error("route53resolver:GetResolverRule", e))?;
    let r = out.resolver_rule();
    Ok(ResolverRule {
        id: id.to_string(),
        name: r.and_then(|r| r.name()).map(str::to_string),
        domain: ResolverRule::normalize(r.and_then(|r| r.domain_name()).unwrap_or(".")),
        rule_type: r
            .and_then(|r| r.rule_type())
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        status: r
            .and_then(|r| r.status())
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        targets: r
            .map(|r| {
                r.target_ips()
                    .iter()
                    .filter_map(|t| {
                        let ip = t.ip().or(t.ipv6())?;
                        Some(match t.port() {
                            Some(p) => format!("{ip}:{p}"),
                            None => ip.to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        endpoint_id: r.and_then(|r| r.resolver_endpoint_id()).map(str::to_string),
    })
}

pub async fn endpoint(resolver: &Client, id: &str) -> ApiResult<ResolverEndpoint> {
    let out = resolver
        .get_resolver_endpoint()
        .resolver_endpoint_id(id)
        .send()
        .await
        .map_err(|e| source_error("route53resolver:GetResolverEndpoint", e))?;
    let e = out.resolver_endpoint();
    Ok(ResolverEndpoint {
        id: id.to_string(),
        name: e.and_then(|e| e.name()).map(str::to_string),
        direction: e
            .and_then(|e| e.direction())
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        status: e
            .and_then(|e| e.status())
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        vpc_id: e
            .and_then(|e| e.host_vpc_id())
            .unwrap_or_default()
            .to_string(),
        ip_count: e.and_then(|e| e.ip_address_count()),
    })
}
