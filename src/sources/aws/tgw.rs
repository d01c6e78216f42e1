//! Transit gateways: the attachments of the path VPCs and the routes of the tables they
//! are associated with.

use super::ec2::filter;
use super::errors::source_error;
use crate::model::{TgwAttachment, TgwRoute, TgwRouteAttachment, TgwRouteTable};
use crate::sources::ApiResult;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as t;
use std::collections::BTreeMap;

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

/// VPC attachments give the subnets; the generic listing gives the association.
pub async fn attachments(ec2: &Client, vpc_ids: &[String]) -> ApiResult<Vec<TgwAttachment>> {
    if vpc_ids.is_empty() {
        return Ok(Vec::new());
    }
    let vpc_attachments = async {
        let found: Result<Vec<t::TransitGatewayVpcAttachment>, _> = ec2
            .describe_transit_gateway_vpc_attachments()
            .filters(filter("vpc-id", vpc_ids))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        found.map_err(|e| source_error("ec2:DescribeTransitGatewayVpcAttachments", e))
    };
    let associations = async {
        let found: Result<Vec<t::TransitGatewayAttachment>, _> = ec2
            .describe_transit_gateway_attachments()
            .filters(filter("resource-id", vpc_ids))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        found.map_err(|e| source_error("ec2:DescribeTransitGatewayAttachments", e))
    };
    let (vpc_attachments, associations) = tokio::join!(vpc_attachments, associations);
    let associated: BTreeMap<String, String> = associations?
        .iter()
        .filter_map(|a| {
            let assoc = a.association()?;
            let associated = assoc
                .state()
                .is_none_or(|s| s.as_str().eq_ignore_ascii_case("associated"));
            associated.then(|| {
                Some((
                    a.transit_gateway_attachment_id()?.to_string(),
                    assoc.transit_gateway_route_table_id()?.to_string(),
                ))
            })?
        })
        .collect();
    let mut out: Vec<TgwAttachment> = vpc_attachments?
        .iter()
        .filter_map(|a| {
            let id = a.transit_gateway_attachment_id()?.to_string();
            Some(TgwAttachment {
                tgw_id: s(a.transit_gateway_id()),
                vpc_id: s(a.vpc_id()),
                state: a
                    .state()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                subnet_ids: a.subnet_ids().to_vec(),
                route_table_id: associated.get(&id).cloned(),
                id,
            })
        })
        // The trait promises attachments of these VPCs even where a server ignores the filter.
        .filter(|a| vpc_ids.contains(&a.vpc_id))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

/// Active and blackhole routes, static and propagated (the call needs a filter). Without
/// MaxResults AWS returns up to 1000, and says when there are more.
pub async fn routes(ec2: &Client, route_table_id: &str) -> ApiResult<TgwRouteTable> {
    let found = ec2
        .search_transit_gateway_routes()
        .transit_gateway_route_table_id(route_table_id)
        .filters(filter("state", &["active".into(), "blackhole".into()]))
        .send()
        .await
        .map_err(|e| source_error("ec2:SearchTransitGatewayRoutes", e))?;
    if found.additional_routes_available() == Some(true) {
        tracing::warn!(
            route_table_id,
            "more than 1000 transit gateway routes: the rest are not read"
        );
    }
    Ok(TgwRouteTable {
        id: route_table_id.to_string(),
        routes: found
            .routes()
            .iter()
            .filter_map(|r| {
                Some(TgwRoute {
                    destination: r.destination_cidr_block()?.parse().ok()?,
                    state: r
                        .state()
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_default(),
                    kind: r
                        .r#type()
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_default(),
                    attachments: r
                        .transit_gateway_attachments()
                        .iter()
                        .map(|a| TgwRouteAttachment {
                            attachment_id: s(a.transit_gateway_attachment_id()),
                            resource_id: s(a.resource_id()),
                        })
                        .collect(),
                })
            })
            .collect(),
    })
}
