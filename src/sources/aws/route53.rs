//! Route53: the private zones that could answer for the endpoint name, and its records.
//! Neither list call has an SDK paginator (they page by name), so both loops stop as soon
//! as the listing moves past the name asked for.

use super::errors::source_error;
use crate::model::privatelink::normalize_dns_name;
use crate::model::{AliasTarget, HostedZone, Record, ZoneVpc};
use crate::sources::ApiResult;
use aws_sdk_route53::Client;
use aws_sdk_route53::types as t;

const PAGE: i32 = 100;

fn plain_zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

/// Zones named exactly `name`, read from the by-name listing starting there.
async fn zones_named(r53: &Client, name: &str) -> ApiResult<Vec<t::HostedZone>> {
    let mut out = Vec::new();
    let mut next_id: Option<String> = None;
    loop {
        let page = r53
            .list_hosted_zones_by_name()
            .dns_name(name)
            .set_hosted_zone_id(next_id.take())
            .max_items(PAGE)
            .send()
            .await
            .map_err(|e| source_error("route53:ListHostedZonesByName", e))?;
        let mut past = false;
        for z in page.hosted_zones() {
            if normalize_dns_name(z.name()) == name {
                out.push(z.clone());
            } else {
                past = true;
                break;
            }
        }
        let same_name_next = page
            .next_dns_name()
            .is_some_and(|n| normalize_dns_name(n) == name);
        if past || !page.is_truncated() || !same_name_next {
            return Ok(out);
        }
        next_id = page.next_hosted_zone_id().map(str::to_string);
        if next_id.is_none() {
            return Ok(out);
        }
    }
}

/// Private zones named exactly `name`, without their VPCs.
pub async fn hosted_zones(r53: &Client, name: &str) -> ApiResult<Vec<HostedZone>> {
    let name = normalize_dns_name(name);
    Ok(zones_named(r53, &name)
        .await?
        .iter()
        .filter(|z| z.config().is_some_and(|c| c.private_zone()))
        .map(|z| HostedZone {
            id: plain_zone_id(z.id()),
            name: normalize_dns_name(z.name()),
            private: true,
            vpcs: Vec::new(),
        })
        .collect())
}

/// The VPCs a private zone is associated with.
pub async fn zone_vpcs(r53: &Client, zone_id: &str) -> ApiResult<Vec<ZoneVpc>> {
    let got = r53
        .get_hosted_zone()
        .id(plain_zone_id(zone_id))
        .send()
        .await
        .map_err(|e| source_error("route53:GetHostedZone", e))?;
    Ok(got
        .vpcs()
        .iter()
        .filter_map(|v| {
            Some(ZoneVpc {
                vpc_id: v.vpc_id()?.to_string(),
                region: v
                    .vpc_region()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            })
        })
        .collect())
}

fn record(zone_id: &str, r: &t::ResourceRecordSet) -> Record {
    Record {
        zone_id: zone_id.to_string(),
        name: r.name().trim_end_matches('.').to_string(),
        rtype: r.r#type().as_str().to_string(),
        ttl: r.ttl().and_then(|v| u32::try_from(v).ok()),
        values: r
            .resource_records()
            .iter()
            .map(|v| v.value().to_string())
            .collect(),
        alias: r.alias_target().map(|a| AliasTarget {
            dns_name: a.dns_name().to_string(),
            hosted_zone_id: a.hosted_zone_id().to_string(),
        }),
    }
}

pub async fn records(r53: &Client, zone_id: &str, name: &str) -> ApiResult<Vec<Record>> {
    let zone_id = plain_zone_id(zone_id);
    let want = normalize_dns_name(name);
    let mut out = Vec::new();
    let mut start_type: Option<t::RrType> = None;
    let mut start_identifier: Option<String> = None;
    loop {
        let page = r53
            .list_resource_record_sets()
            .hosted_zone_id(&zone_id)
            .start_record_name(&want)
            .set_start_record_type(start_type.take())
            .set_start_record_identifier(start_identifier.take())
            .max_items(PAGE)
            .send()
            .await
            .map_err(|e| source_error("route53:ListResourceRecordSets", e))?;
        let mut past = false;
        for r in page.resource_record_sets() {
            if normalize_dns_name(r.name()) == want {
                out.push(record(&zone_id, r));
            } else {
                past = true;
                break;
            }
        }
        let same_name_next = page
            .next_record_name()
            .is_some_and(|n| normalize_dns_name(n) == want);
        if past || !page.is_truncated() || !same_name_next {
            return Ok(out);
        }
        start_type = page.next_record_type().cloned();
        start_identifier = page.next_record_identifier().map(str::to_string);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::route53::candidate_zone_names;

    #[test]
    fn candidates_are_the_host_and_its_parents() {
        assert_eq!(
            candidate_zone_names("ABC.gr7.eu-west-1.eks.amazonaws.com."),
            [
                "abc.gr7.eu-west-1.eks.amazonaws.com",
                "gr7.eu-west-1.eks.amazonaws.com",
                "eu-west-1.eks.amazonaws.com",
                "eks.amazonaws.com",
                "amazonaws.com",
            ]
        );
        assert!(candidate_zone_names("localhost").is_empty());
    }
}
