//! The private hosted zone that steers the endpoint name to the interface endpoint.

use crate::diagnose::ctx::{Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::{HostedZone, Record, Source};
use std::net::Ipv4Addr;

const HOP: Option<HopName> = Some(HopName::Dns);

/// `phz-not-associated`: the private zones that name the endpoint are associated with
/// other VPCs only, so this host's lookups never reach them.
pub fn not_associated(ctx: &Ctx, covering: &[&HostedZone], vpc: &str, sev: Severity) -> Finding {
    Finding::new(
        "phz-not-associated",
        sev,
        HOP,
        list(covering.iter().map(|z| format!("{} ({})", z.id, z.name))),
        format!(
            "private hosted zone {} is associated with {} but not with this host's VPC {vpc}",
            list(covering.iter().map(|z| &z.name)),
            list(
                covering
                    .iter()
                    .flat_map(|z| z.vpcs.iter().map(|v| &v.vpc_id))
            ),
        ),
        format!(
            "aws route53 associate-vpc-with-hosted-zone --hosted-zone-id {} --vpc VPCRegion={},VPCId={vpc}",
            covering[0].id,
            ctx.m.context.region.as_deref().unwrap_or("<region>"),
        ),
    )
}

pub fn private_zone(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let cluster = ctx.cluster()?;
    let origin = ctx.origin()?;
    // Inside the cluster VPC the AWS-managed zone answers; a public-only cluster has no private path.
    if ctx.origin_in_cluster_vpc()? || !cluster.private_access {
        return Ok(vec![]);
    }
    // Straight to the ENIs: EKS publishes their IPs for a private-only endpoint, and a
    // peering or transit gateway carries the traffic; no zone is needed.
    if ctx.route == Route::Direct {
        return Ok(vec![]);
    }
    let zones = need(&ctx.m.hosted_zones, Source::HostedZones)?;
    let host = cluster.host();
    // Without public access nothing else resolves usefully; with it, traffic silently goes public.
    let sev = if cluster.public_access {
        Severity::Warn
    } else {
        Severity::Fail
    };
    let covering: Vec<&HostedZone> = zones
        .iter()
        .filter(|z| z.private && z.covers(&host))
        .collect();
    if covering.is_empty() {
        return Ok(vec![Finding::new(
            "phz-missing",
            sev,
            HOP,
            &host,
            format!(
                "no private hosted zone serves {host}: from {} it resolves {}",
                origin.vpc_id,
                if cluster.public_access {
                    "to the public endpoint"
                } else {
                    "to nothing usable"
                }
            ),
            format!(
                "create a private hosted zone named {host} associated with {} and an A alias to the interface endpoint",
                origin.vpc_id
            ),
        )]);
    }
    let mut associated: Vec<&HostedZone> = covering
        .iter()
        .copied()
        .filter(|z| z.associated_with(&origin.vpc_id))
        .collect();
    if associated.is_empty() {
        return Ok(vec![not_associated(ctx, &covering, &origin.vpc_id, sev)]);
    }
    // Route53 answers from the most specific associated zone.
    associated.sort_by_key(|z| std::cmp::Reverse(z.depth()));
    let winner = associated[0];
    let mut out = Vec::new();
    if associated.len() > 1 {
        out.push(Finding::new(
            "phz-competing",
            Severity::Warn,
            HOP,
            list(associated.iter().map(|z| &z.id)),
            format!(
                "{} private zones associated with {} serve {host}: {} answers, {} is shadowed",
                associated.len(),
                origin.vpc_id,
                winner.name,
                list(associated[1..].iter().map(|z| &z.name))
            ),
            "keep one zone for the endpoint name so that changes land where they take effect",
        ));
    }
    let records = need(&ctx.m.records, Source::Records)?;
    let rec: Vec<&Record> = records
        .iter()
        .filter(|r| {
            r.zone_id == winner.id
                && r.is_for(&host)
                && ["A", "CNAME"]
                    .iter()
                    .any(|t| r.rtype.eq_ignore_ascii_case(t))
        })
        .collect();
    let Some(rec) = rec.first() else {
        out.push(Finding::new(
            "record-missing",
            sev,
            HOP,
            format!("{} ({})", winner.id, winner.name),
            format!(
                "zone {} has no A record for {host}: the name does not resolve from {}",
                winner.name, origin.vpc_id
            ),
            format!(
                "create an A alias record {host} -> the interface endpoint's regional DNS name"
            ),
        ));
        return Ok(out);
    };
    out.extend(check_target(ctx, rec, &host)?);
    Ok(out)
}

/// The record must lead to an interface endpoint (alias or CNAME) or to known IPs.
fn check_target(ctx: &Ctx, rec: &Record, host: &str) -> Result<Vec<Finding>, Missing> {
    let endpoints = need(&ctx.m.interface_endpoints, Source::InterfaceEndpoints)?;
    let name_target = rec.alias.as_ref().map(|a| a.dns_name.clone()).or_else(|| {
        rec.rtype
            .eq_ignore_ascii_case("CNAME")
            .then(|| rec.values.first().cloned())
            .flatten()
    });
    if let Some(target) = name_target {
        if endpoints.iter().any(|e| e.answers_to(&target)) {
            return Ok(vec![]);
        }
        // An alias to the NLB itself (a variant some teams run) is a valid target too.
        let nlb = ctx.path.nlbs.iter().any(|lb| {
            crate::model::privatelink::normalize_dns_name(&lb.dns_name)
                == crate::model::privatelink::normalize_dns_name(&target)
        });
        if nlb {
            return Ok(vec![]);
        }
        return Ok(vec![Finding::new(
            "alias-dangling",
            Severity::Fail,
            HOP,
            format!("{} {}", rec.rtype, host),
            format!(
                "{host} points at {} which matches no interface endpoint in this VPC{}",
                target.trim_end_matches('.'),
                if endpoints.is_empty() {
                    String::new()
                } else {
                    format!(" (endpoints: {})", list(endpoints.iter().map(|e| &e.id)))
                }
            ),
            match ctx.path.endpoints.first().and_then(|e| e.dns_names.first()) {
                Some(name) => format!("point the alias at {name}"),
                None => "point the alias at the current interface endpoint's regional DNS name"
                    .to_string(),
            },
        )]);
    }
    let ips: Vec<Ipv4Addr> = rec.values.iter().filter_map(|v| v.parse().ok()).collect();
    let known_ie = ctx.endpoint_ips().unwrap_or_default();
    let known_eni = ctx.eni_ips().unwrap_or_default();
    let unknown: Vec<_> = ips
        .iter()
        .filter(|ip| !known_ie.contains(ip) && !known_eni.contains(ip))
        .collect();
    Ok(if unknown.is_empty() {
        vec![]
    } else {
        vec![Finding::new(
            "record-unknown-target",
            Severity::Warn,
            HOP,
            format!("A {host}"),
            format!(
                "{host} is a plain A record with {} that belong to no interface endpoint or EKS ENI",
                list(&unknown)
            ),
            "use an alias to the interface endpoint: fixed IPs go stale when ENIs rotate",
        )]
    })
}

/// A private zone named after a parent domain of the endpoint, associated with this host's
/// VPC, answers every name under it: the region's other clusters under that domain get
/// NXDOMAIN from here unless the zone holds their records.
pub fn zone_shadows_siblings(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let cluster = ctx.cluster()?;
    let origin = ctx.origin()?;
    let zones = need(&ctx.m.hosted_zones, Source::HostedZones)?;
    let host = cluster.host();
    let parents: Vec<&HostedZone> = zones
        .iter()
        .filter(|z| z.private && z.covers(&host) && !z.covers_exactly(&host))
        .filter(|z| z.associated_with(&origin.vpc_id))
        .collect();
    if parents.is_empty() {
        return Ok(vec![]);
    }
    let others = need(&ctx.m.region_clusters, Source::RegionClusters)?;
    let records = need(&ctx.m.sibling_records, Source::SiblingRecords)?;
    let region = ctx.m.context.region.as_deref().unwrap_or("<region>");
    let mut out = Vec::new();
    for z in parents {
        let hidden: Vec<String> = others
            .iter()
            .filter(|c| c.name != cluster.name)
            .filter(|c| z.covers(&c.host()))
            // A more specific zone of its own serves it.
            .filter(|c| {
                !zones.iter().any(|o| {
                    o.private
                        && o.depth() > z.depth()
                        && o.covers(&c.host())
                        && o.associated_with(&origin.vpc_id)
                })
            })
            .filter(|c| {
                !records
                    .iter()
                    .any(|r| r.zone_id == z.id && r.is_for(&c.host()))
            })
            .map(|c| format!("{} ({})", c.name, c.host()))
            .collect();
        let head = format!(
            "private hosted zone {} ({}) is associated with {} and answers for every name under {}",
            z.name,
            z.id,
            ctx.vpc_name(&origin.vpc_id),
            z.name
        );
        out.push(if hidden.is_empty() {
            Finding::new(
                "zone-shadows-siblings",
                Severity::Info,
                None,
                &z.id,
                format!("{head}; no other cluster of the region is under it today"),
                format!(
                    "a zone named after the endpoint itself hides nothing: aws route53 create-hosted-zone --name {host} --vpc VPCRegion={region},VPCId={} --caller-reference eksnet-{}",
                    origin.vpc_id, cluster.name
                ),
            )
        } else {
            Finding::new(
                "zone-shadows-siblings",
                Severity::Warn,
                None,
                &z.id,
                format!(
                    "{head}: from here {} {} NXDOMAIN, as the zone holds no record for {}",
                    list(&hidden),
                    if hidden.len() == 1 { "gets" } else { "get" },
                    if hidden.len() == 1 { "it" } else { "them" }
                ),
                format!(
                    "name a zone after this endpoint instead: aws route53 create-hosted-zone --name {host} --vpc VPCRegion={region},VPCId={vpc} --caller-reference eksnet-{}; copy its record there; then aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id {} --vpc VPCRegion={region},VPCId={vpc}",
                    cluster.name,
                    z.id,
                    vpc = origin.vpc_id
                ),
            )
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{Loadable, Model, ZoneVpc};

    fn edit_zones(m: &mut Model, f: impl FnOnce(&mut Vec<HostedZone>)) {
        if let Loadable::Loaded { value, .. } = &mut m.hosted_zones {
            f(value)
        }
    }

    fn edit_records(m: &mut Model, f: impl FnOnce(&mut Vec<Record>)) {
        if let Loadable::Loaded { value, .. } = &mut m.records {
            f(value)
        }
    }

    #[test]
    fn healthy_zone_passes() {
        assert!(run(&healthy(), private_zone).unwrap().is_empty());
    }

    #[test]
    fn missing_zone_fails_private_warns_public_private() {
        let mut m = healthy();
        edit_zones(&mut m, |z| z.clear());
        assert!(has(
            &run(&m, private_zone).unwrap(),
            "phz-missing",
            Severity::Fail
        ));
        edit_cluster(&mut m, |c| c.public_access = true);
        assert!(has(
            &run(&m, private_zone).unwrap(),
            "phz-missing",
            Severity::Warn
        ));
    }

    #[test]
    fn zone_not_associated() {
        let mut m = healthy();
        edit_zones(&mut m, |z| {
            z[0].vpcs = vec![ZoneVpc {
                vpc_id: "vpc-shared".into(),
                region: "eu-west-1".into(),
            }]
        });
        let f = run(&m, private_zone).unwrap();
        assert!(has(&f, "phz-not-associated", Severity::Fail));
        assert!(f[0].fix.contains("associate-vpc-with-hosted-zone"));
        assert!(f[0].evidence.contains("vpc-shared"));
    }

    #[test]
    fn record_missing_and_dangling_alias() {
        let mut m = healthy();
        edit_records(&mut m, |r| r.clear());
        assert!(has(
            &run(&m, private_zone).unwrap(),
            "record-missing",
            Severity::Fail
        ));

        let mut m = healthy();
        edit_records(&mut m, |r| {
            r[0].alias.as_mut().unwrap().dns_name =
                "vpce-0gone.vpce-svc-1.eu-west-1.vpce.amazonaws.com.".into()
        });
        let f = run(&m, private_zone).unwrap();
        assert!(has(&f, "alias-dangling", Severity::Fail));
        assert!(f[0].fix.contains(IE_DNS), "{}", f[0].fix);
    }

    #[test]
    fn dualstack_alias_prefix_still_matches() {
        let mut m = healthy();
        edit_records(&mut m, |r| {
            r[0].alias.as_mut().unwrap().dns_name = format!("dualstack.{}", IE_DNS.to_uppercase())
        });
        assert!(run(&m, private_zone).unwrap().is_empty());
    }

    #[test]
    fn competing_zones_warn() {
        let mut m = healthy();
        edit_zones(&mut m, |z| {
            let mut parent = z[0].clone();
            parent.id = "Z2".into();
            parent.name = "eu-west-1.eks.amazonaws.com".into();
            z.push(parent);
        });
        assert!(has(
            &run(&m, private_zone).unwrap(),
            "phz-competing",
            Severity::Warn
        ));
    }

    #[test]
    fn plain_a_record_with_unknown_ip_warns() {
        let mut m = healthy();
        edit_records(&mut m, |r| {
            r[0].alias = None;
            r[0].values = vec!["10.9.9.9".into()];
        });
        assert!(has(
            &run(&m, private_zone).unwrap(),
            "record-unknown-target",
            Severity::Warn
        ));
        edit_records(&mut m, |r| r[0].values = vec!["172.20.1.50".into()]);
        assert!(run(&m, private_zone).unwrap().is_empty());
    }

    #[test]
    fn not_needed_inside_cluster_vpc_and_unknown_without_zones() {
        let mut m = without(healthy(), Part::HostedZones);
        assert!(run(&m, private_zone).is_err());
        edit_origin(&mut m, |o| o.vpc_id = EKS_VPC.into());
        assert!(run(&m, private_zone).unwrap().is_empty());
        assert!(run(&without(healthy(), Part::Records), private_zone).is_err());
    }

    fn parent_zone(m: &mut Model) {
        edit_zones(m, |z| z[0].name = "gr7.eu-west-1.eks.amazonaws.com".into());
    }

    fn sibling(m: &mut Model, name: &str, host: &str) {
        let mut other = m.cluster.value().unwrap().clone();
        other.name = name.into();
        other.endpoint = format!("https://{host}");
        let mut all = m.region_clusters.value().cloned().unwrap_or_default();
        all.push(other);
        m.apply(crate::model::Fetched::RegionClusters(Ok(all)), t0());
    }

    #[test]
    fn a_parent_zone_hides_the_other_clusters_under_it() {
        // Named after the endpoint itself: nothing to say.
        assert!(run(&healthy(), zone_shadows_siblings).unwrap().is_empty());
        let mut m = healthy();
        parent_zone(&mut m);
        let f = run(&m, zone_shadows_siblings).unwrap();
        assert!(has(&f, "zone-shadows-siblings", Severity::Info), "{f:?}");
        sibling(&mut m, "batch", "def.gr7.eu-west-1.eks.amazonaws.com");
        sibling(&mut m, "elsewhere", "xyz.sk1.eu-west-1.eks.amazonaws.com");
        let f = run(&m, zone_shadows_siblings).unwrap();
        assert!(has(&f, "zone-shadows-siblings", Severity::Warn), "{f:?}");
        assert!(
            f[0].evidence
                .contains("batch (def.gr7.eu-west-1.eks.amazonaws.com)"),
            "{}",
            f[0].evidence
        );
        assert!(!f[0].evidence.contains("elsewhere"), "{}", f[0].evidence);
        // Its record in the zone answers for it.
        m.apply(
            crate::model::Fetched::SiblingRecords(Ok(vec![Record {
                zone_id: "Z1".into(),
                name: "def.gr7.eu-west-1.eks.amazonaws.com".into(),
                rtype: "A".into(),
                ttl: Some(60),
                values: vec!["10.1.1.1".into()],
                alias: None,
            }])),
            t0(),
        );
        let f = run(&m, zone_shadows_siblings).unwrap();
        assert!(has(&f, "zone-shadows-siblings", Severity::Info), "{f:?}");
        // Unknown while the region's clusters are not known.
        let mut m = healthy();
        parent_zone(&mut m);
        m.region_clusters = Loadable::Loading;
        assert!(run(&m, zone_shadows_siblings).is_err());
    }
}
