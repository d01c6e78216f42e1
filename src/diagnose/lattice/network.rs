//! This VPC's side: its association with the service's network and that association's
//! security groups, and the name: its custom domain's record and the live answers, which
//! must be Lattice's link-local addresses.

use super::{network_label, service, shared};
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::diagnose::sg::{Allowed, tcp_allowed};
use crate::model::lattice::{LINK_LOCAL_V4, LINK_LOCAL_V6, is_link_local};
use crate::model::{DnsOutcome, Source};

const NETWORK: Option<HopName> = Some(HopName::ServiceNetwork);
const DNS: Option<HopName> = Some(HopName::Dns);
/// The hop the probes land on: what stops traffic before the service explains it.
const PROBED: &[HopName] = &[HopName::Targets];

/// This VPC is associated, actively, with a network the service is in.
pub fn association(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let origin = ctx.origin()?;
    let own = need(&ctx.m.lattice_associations, Source::LatticeAssociations)?;
    if s.networks.is_empty() {
        // The service is in no network: its own rule says so; nothing to join here.
        return Err(Missing::new(
            format!("the service networks of {}", s.name),
            "the service is associated with no service network",
        ));
    }
    let shared = shared(ctx, s)?;
    if shared.is_empty() {
        let mine: Vec<_> = own.iter().filter(|a| a.vpc_id == origin.vpc_id).collect();
        let network = &s.networks[0].network_id;
        return Ok(vec![Finding::new(
            "lattice-not-associated",
            Severity::Fail,
            NETWORK,
            &origin.vpc_id,
            format!(
                "this host's VPC {} is associated with {}; service {} is in {}",
                origin.vpc_id,
                if mine.is_empty() {
                    "no service network".to_string()
                } else {
                    format!(
                        "service network(s) {}",
                        list(mine.iter().map(|a| &a.network_name))
                    )
                },
                s.name,
                list(s.networks.iter().map(|n| network_label(ctx, &n.network_id)))
            ),
            format!(
                "aws vpc-lattice create-service-network-vpc-association --service-network-identifier {network} --vpc-identifier {}{}",
                origin.vpc_id,
                if origin.sg_ids.is_empty() {
                    String::new()
                } else {
                    format!(" --security-group-ids {}", origin.sg_ids.join(" "))
                }
            ),
        )
        .explaining(PROBED)]);
    }
    if shared.iter().any(|a| a.active()) {
        return Ok(vec![]);
    }
    let a = shared[0];
    Ok(vec![Finding::new(
        "lattice-association-inactive",
        Severity::Fail,
        NETWORK,
        &a.id,
        format!(
            "this VPC's association {} with service network {} is {}, not ACTIVE",
            a.id, a.network_name, a.status
        ),
        format!(
            "aws vpc-lattice get-service-network-vpc-association --service-network-vpc-association-identifier {}",
            a.id
        ),
    )
    .explaining(PROBED)])
}

/// The association's security groups admit this host on the listeners' ports.
pub fn security_groups(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let origin = ctx.origin()?;
    let Some(a) = shared(ctx, s)?.into_iter().find(|a| a.active()) else {
        // Not associated: the association rule decides the hop.
        return Ok(vec![]);
    };
    // Without security groups the association lets all of this VPC's traffic in.
    if a.sg_ids.is_empty() {
        return Ok(vec![]);
    }
    let (groups, from) = super::groups_from(ctx, &a.sg_ids)?;
    let range = from.range;
    let mut out = Vec::new();
    for l in &s.listeners {
        match tcp_allowed(&groups, l.port, &from) {
            Allowed::Yes(_) => {}
            Allowed::Maybe(why) => {
                return Err(Missing::new(
                    format!("whether {why} admits this host"),
                    "prefix list entries are not read",
                ));
            }
            // No rule on the port admits any of this VPC: whoever this host is, it is dropped.
            Allowed::No
                if origin.ip.is_none()
                    && !crate::diagnose::sg::admits_some(&groups, l.port, range) =>
            {
                out.push(blocked(a, l, origin, range));
            }
            Allowed::No if origin.ip.is_none() => {
                return Err(Missing::new(
                    "this host's address",
                    format!(
                        "placed by --from-vpc: the association's security groups do not admit all of {} on TCP {}, and this host's own address is not known",
                        origin.vpc_id, l.port
                    ),
                ));
            }
            Allowed::No => out.push(blocked(a, l, origin, range)),
        }
    }
    Ok(out)
}

fn blocked(
    a: &crate::model::lattice::LatticeAssociation,
    l: &crate::model::lattice::LatticeListener,
    origin: &crate::model::Origin,
    range: Option<ipnet::Ipv4Net>,
) -> Finding {
    Finding::new(
        "lattice-sg-blocks",
        Severity::Fail,
        NETWORK,
        &a.sg_ids[0],
        format!(
            "the security group(s) {} on this VPC's association with {} do not admit this host ({}) on TCP {} (listener {})",
            list(&a.sg_ids),
            a.network_name,
            origin.label(),
            l.port,
            l.name
        ),
        format!(
            "aws ec2 authorize-security-group-ingress --group-id {} --protocol tcp --port {} --cidr {}",
            a.sg_ids[0],
            l.port,
            match (origin.ip, range) {
                (Some(ip), _) => format!("{ip}/32"),
                (None, Some(r)) => r.to_string(),
                (None, None) => "<this host's address>/32".into(),
            }
        ),
    )
    .explaining(PROBED)
}

/// A custom domain resolves through a record that points at the service's own DNS name.
pub fn domain(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let (Some(custom), Some(own)) = (&s.custom_domain, &s.dns_name) else {
        return Ok(vec![]);
    };
    let origin = ctx.origin()?;
    let norm = crate::model::privatelink::normalize_dns_name;
    // Live answers in Lattice's ranges prove the name leads there, however it is served.
    let answered = ctx
        .judged_dns()
        .filter(|d| norm(&d.host) == norm(custom))
        .map(|d| d.ips())
        .is_some_and(|ips| !ips.is_empty() && ips.iter().all(|ip| is_link_local(*ip)));
    if answered {
        return Ok(vec![]);
    }
    let zones = need(&ctx.m.hosted_zones, Source::HostedZones)?;
    let covering: Vec<_> = zones
        .iter()
        .filter(|z| z.private && z.covers(custom))
        .collect();
    let serving: Vec<_> = covering
        .iter()
        .filter(|z| z.associated_with(&origin.vpc_id))
        .copied()
        .collect();
    if serving.is_empty() {
        if covering.is_empty() {
            return Ok(vec![mismatch(
                custom,
                own,
                format!(
                    "no private hosted zone covers {custom}: nothing maps the custom domain to {own}"
                ),
                None,
            )]);
        }
        return Ok(vec![crate::diagnose::rules::route53::not_associated(
            ctx,
            &covering,
            &origin.vpc_id,
            Severity::Fail,
        )]);
    }
    let records = need(&ctx.m.records, Source::Records)?;
    let zone = serving.iter().max_by_key(|z| z.depth()).expect("not empty");
    let mine: Vec<_> = records
        .iter()
        .filter(|r| r.zone_id == zone.id && r.is_for(custom))
        .collect();
    let leads = |r: &&crate::model::Record| match &r.alias {
        Some(a) => norm(&a.dns_name) == norm(own),
        None => {
            r.rtype.eq_ignore_ascii_case("CNAME") && r.values.iter().any(|v| norm(v) == norm(own))
        }
    };
    if mine.iter().any(leads) {
        return Ok(vec![]);
    }
    let what = if mine.is_empty() {
        format!("zone {} has no record for {custom}", zone.name)
    } else {
        format!(
            "the record for {custom} in zone {} leads to {}, not the service's DNS name {own}",
            zone.name,
            list(mine.iter().map(|r| match &r.alias {
                Some(a) => format!("alias {}", a.dns_name),
                None => format!("{} {}", r.rtype, r.values.join(" ")),
            }))
        )
    };
    Ok(vec![mismatch(custom, own, what, Some(&zone.id))])
}

fn mismatch(custom: &str, own: &str, what: String, zone: Option<&str>) -> Finding {
    let change = format!(
        "--change-batch '{{\"Changes\":[{{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{{\"Name\":\"{custom}\",\"Type\":\"CNAME\",\"TTL\":300,\"ResourceRecords\":[{{\"Value\":\"{own}\"}}]}}}}]}}'"
    );
    Finding::new(
        "lattice-domain-mismatch",
        Severity::Fail,
        DNS,
        custom,
        what,
        match zone {
            Some(z) => {
                format!("aws route53 change-resource-record-sets --hosted-zone-id {z} {change}")
            }
            None => format!(
                "create a private zone for the domain associated with this VPC, then: aws route53 change-resource-record-sets --hosted-zone-id <zone> {change}"
            ),
        },
    )
}

/// The live answers for the service's name are Lattice's link-local addresses.
pub fn link_local(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if !ctx.m.context.live.dns {
        return Ok(vec![]);
    }
    let Some(sample) = ctx.judged_dns() else {
        return Err(Missing::new("DNS answers", "no DNS sample yet"));
    };
    if !matches!(sample.outcome, DnsOutcome::Answers(_)) {
        // A failed lookup is the dns-answers rule's.
        return Ok(vec![]);
    }
    let ips = sample.ips();
    let outside: Vec<_> = ips.iter().filter(|ip| !is_link_local(**ip)).collect();
    if outside.is_empty() {
        return Ok(vec![]);
    }
    let sev = if outside.len() == ips.len() {
        Severity::Fail
    } else {
        Severity::Warn
    };
    let from = match &sample.pinned {
        Some(pin) => format!(" from {pin}, not DNS"),
        None => String::new(),
    };
    Ok(vec![Finding::new(
        "lattice-dns-not-link-local",
        sev,
        DNS,
        &sample.host,
        format!(
            "{} resolves to {}{from}: not VPC Lattice's link-local ranges {LINK_LOCAL_V4} / {LINK_LOCAL_V6}, so the request does not go through Lattice",
            sample.host,
            list(&outside)
        ),
        match &sample.pinned {
            Some(pin) => format!("remove the hosts-file line {pin}"),
            None => format!(
                "see which record answers: dig {} ; the name must be a CNAME or alias to the service's DNS name, resolved by the VPC resolver of an associated VPC",
                sample.host
            ),
        },
    )])
}
