//! The private zone that names the API server for this host's VPC: a zone that covers the
//! name but is not associated with this VPC never answers here, and an associated one
//! without a record answers NXDOMAIN. Judged when no live answer says otherwise.

use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity};
use crate::model::server::nlb_by_name;
use crate::model::{HostedZone, Source};
use std::net::IpAddr;

const HOP: Option<HopName> = Some(HopName::Dns);

pub fn zone(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let host = ctx.host()?;
    if host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok() {
        return Ok(vec![]);
    }
    // The NLB's own name is answered by AWS's DNS, whatever the zones say.
    if let Some(lb) = ctx.path.nlbs.first()
        && nlb_by_name(std::slice::from_ref(*lb), &host).is_some()
    {
        return Ok(vec![]);
    }
    // Addresses came back: what answered is judged by the live rules, not the zones.
    if ctx.judged_dns().is_some_and(|d| !d.ips().is_empty()) {
        return Ok(vec![]);
    }
    let origin = ctx.origin()?;
    let zones = need(&ctx.m.hosted_zones, Source::HostedZones)?;
    let covering: Vec<&HostedZone> = zones
        .iter()
        .filter(|z| z.private && z.covers(&host))
        .collect();
    // A name from some other DNS: the live answers judge it.
    if covering.is_empty() {
        return Ok(vec![]);
    }
    need(&ctx.m.zone_associations, Source::ZoneAssociations)?;
    let mut associated: Vec<&&HostedZone> = covering
        .iter()
        .filter(|z| z.associated_with(&origin.vpc_id))
        .collect();
    if associated.is_empty() {
        return Ok(vec![crate::diagnose::rules::route53::not_associated(
            ctx,
            &covering,
            &origin.vpc_id,
            Severity::Fail,
        )]);
    }
    // The most specific associated zone answers.
    associated.sort_by_key(|z| std::cmp::Reverse(z.depth()));
    let winner = associated[0];
    let records = need(&ctx.m.records, Source::Records)?;
    if records
        .iter()
        .any(|r| r.zone_id == winner.id && r.is_for(&host))
    {
        return Ok(vec![]);
    }
    let fix = match ctx.path.nlbs.first() {
        Some(lb) => format!(
            "aws route53 change-resource-record-sets --hosted-zone-id {} --change-batch '{{\"Changes\":[{{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{{\"Name\":\"{host}\",\"Type\":\"CNAME\",\"TTL\":60,\"ResourceRecords\":[{{\"Value\":\"{}\"}}]}}}}]}}'",
            winner.id, lb.dns_name
        ),
        None => format!(
            "add a record for {host} to zone {} that leads to the API's NLB",
            winner.id
        ),
    };
    Ok(vec![Finding::new(
        "record-missing",
        Severity::Fail,
        HOP,
        format!("{} ({})", winner.id, winner.name),
        format!(
            "private hosted zone {} answers for {host} in this VPC but holds no record for it: NXDOMAIN",
            winner.name
        ),
        fix,
    )])
}
