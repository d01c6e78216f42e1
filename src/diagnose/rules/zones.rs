//! Zones on the PrivateLink path, by zone ID: an endpoint subnet where the service is not
//! offered, an NLB node with nothing healthy behind it, ENIs in zones the NLB skips.

use crate::diagnose::ctx::{Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::diagnose::zones::{ZoneRow, coverage};
use crate::model::Source;

fn label(r: &ZoneRow) -> String {
    if r.zone == r.name {
        r.zone.clone()
    } else {
        format!("{} ({})", r.zone, r.name)
    }
}

pub fn zones(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if ctx.route != Route::Privatelink || ctx.path.nlbs.is_empty() {
        return Ok(vec![]);
    }
    need(&ctx.m.subnets, Source::Subnets)?;
    let cov = coverage(ctx);
    let mut out = Vec::new();
    let mut missing = None;

    // Endpoint subnets in zones the service is not offered in.
    let with_endpoint: Vec<&ZoneRow> = cov
        .zones
        .iter()
        .filter(|r| !r.endpoint_subnets.is_empty())
        .collect();
    let unsupported: Vec<&&ZoneRow> = with_endpoint
        .iter()
        .filter(|r| r.service_offered == Some(false))
        .collect();
    if !unsupported.is_empty() {
        let all = unsupported.len() == with_endpoint.len();
        let ie = ctx.path.endpoints.first().map_or("", |e| e.id.as_str());
        let subnets: Vec<&String> = unsupported
            .iter()
            .flat_map(|r| r.endpoint_subnets.iter())
            .collect();
        out.push(Finding::new(
            "endpoint-az-unsupported",
            if all { Severity::Fail } else { Severity::Warn },
            Some(HopName::InterfaceEndpoint),
            ie,
            format!(
                "interface endpoint subnet(s) {} are in zone(s) {} where the endpoint service is not offered (its NLB is not enabled there): connections to those endpoint IPs fail",
                list(&subnets),
                list(unsupported.iter().map(|r| label(r)))
            ),
            format!(
                "enable the NLB in those zones, or take the subnets off the endpoint: aws ec2 modify-vpc-endpoint --vpc-endpoint-id {ie} --remove-subnet-ids {}",
                subnets.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
            ),
        ));
    }

    // NLB nodes with no healthy target in their zone, cross-zone off, while another zone
    // has some: with none healthy anywhere, the target findings already say it.
    let nodes: Vec<&ZoneRow> = cov
        .zones
        .iter()
        .filter(|r| r.nlb_subnet.is_some())
        .collect();
    let mut empty: Vec<&&ZoneRow> = nodes
        .iter()
        .filter(|r| r.healthy_targets == Some(0))
        .collect();
    if empty.len() == nodes.len() {
        empty.clear();
    }
    match cov.cross_zone {
        Some(true) => {}
        _ if empty.is_empty() => {}
        None => {
            missing = Some(Missing::new(
                "whether the NLB balances across zones",
                "its cross-zone attribute is not known (elasticloadbalancing:DescribeLoadBalancerAttributes)",
            ));
        }
        Some(false) => {
            let lb = ctx.path.nlbs[0];
            out.push(Finding::new(
                "nlb-az-no-healthy-target",
                Severity::Warn,
                Some(HopName::Targets),
                &lb.name,
                format!(
                    "the NLB node in {} has no healthy target in its zone and cross-zone load balancing is off: traffic that reaches that node fails",
                    list(empty.iter().map(|r| label(r)))
                ),
                format!(
                    "give that zone a healthy target, or turn cross-zone on: aws elbv2 modify-load-balancer-attributes --load-balancer-arn {} --attributes Key=load_balancing.cross_zone.enabled,Value=true",
                    lb.arn
                ),
            ));
        }
    }

    // ENIs in zones where the NLB is not enabled.
    let bare: Vec<&ZoneRow> = cov
        .zones
        .iter()
        .filter(|r| r.enis.is_some_and(|n| n > 0) && r.nlb_subnet.is_none())
        .collect();
    if !bare.is_empty() {
        let lb = ctx.path.nlbs[0];
        let current: Vec<&str> = lb.zones.iter().map(|z| z.subnet_id.as_str()).collect();
        // A cluster subnet in each bare zone gives the NLB a node there.
        let enis = ctx.m.enis.value().map(Vec::as_slice).unwrap_or_default();
        let subnets = ctx.m.subnets.value().map(Vec::as_slice).unwrap_or_default();
        let add: Vec<String> = bare
            .iter()
            .filter_map(|r| {
                enis.iter()
                    .find(|e| {
                        subnets.iter().any(|s| {
                            s.id == e.subnet_id && s.az_id.as_deref().unwrap_or(&s.az) == r.zone
                        })
                    })
                    .map(|e| e.subnet_id.clone())
            })
            .collect();
        let zones_enabled = cov.zones.iter().filter(|r| r.nlb_subnet.is_some()).count();
        let zones_enis = cov
            .zones
            .iter()
            .filter(|r| r.enis.is_some_and(|n| n > 0))
            .count();
        out.push(Finding::new(
            "nlb-fewer-azs-than-enis",
            Severity::Warn,
            Some(HopName::Nlb),
            &lb.name,
            format!(
                "the NLB is enabled in {zones_enabled} zone(s), the EKS ENIs use {zones_enis}: none of its nodes is in {}",
                list(bare.iter().map(|r| label(r)))
            ),
            format!(
                "aws elbv2 set-subnets --load-balancer-arn {} --subnets {}",
                lb.arn,
                current
                    .iter()
                    .map(|s| s.to_string())
                    .chain(add)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ));
    }
    match missing {
        Some(m) if out.is_empty() => Err(m),
        _ => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{Loadable, Model};

    fn one_zone_nlb(m: &mut Model) {
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].zones.truncate(1);
        }
        if let Loadable::Loaded { value, .. } = &mut m.endpoint_services {
            value[0].zones = vec!["eu-west-1a".into()];
        }
    }

    #[test]
    fn a_healthy_path_covers_its_zones() {
        assert!(run(&healthy(), zones).unwrap().is_empty());
        let d = crate::diagnose::diagnose(&healthy());
        assert!(!d.zones.is_empty(), "{:?}", d.zones);
        assert!(d.zones.zones.iter().all(|r| r.zone.starts_with("euw1-az")));
    }

    #[test]
    fn an_nlb_in_one_zone_leaves_the_other_zone_out() {
        let mut m = healthy();
        one_zone_nlb(&mut m);
        if let Loadable::Loaded { value, .. } = &mut m.interface_endpoints {
            value[0].subnet_ids = vec!["subnet-ops".into(), "subnet-ops-b".into()];
        }
        let f = run(&m, zones).unwrap();
        assert!(has(&f, "nlb-fewer-azs-than-enis", Severity::Warn), "{f:?}");
        assert!(has(&f, "endpoint-az-unsupported", Severity::Warn), "{f:?}");
        let fewer = f
            .iter()
            .find(|f| f.id == "nlb-fewer-azs-than-enis")
            .unwrap();
        assert!(
            fewer.fix.ends_with("--subnets subnet-a subnet-b"),
            "{}",
            fewer.fix
        );
        assert!(
            fewer.evidence.contains("euw1-az2 (eu-west-1b)"),
            "{}",
            fewer.evidence
        );
    }

    #[test]
    fn a_zone_without_healthy_targets_fails_its_node_unless_cross_zone() {
        let mut m = healthy();
        m.targets = Loadable::loaded(
            vec![
                target("192.168.10.21", "eu-west-1a", "healthy"),
                target("192.168.20.21", "eu-west-1b", "unhealthy"),
            ],
            t0(),
        );
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].cross_zone = Some(false);
        }
        let f = run(&m, zones).unwrap();
        assert!(has(&f, "nlb-az-no-healthy-target", Severity::Warn), "{f:?}");
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].cross_zone = Some(true);
        }
        assert!(run(&m, zones).unwrap().is_empty());
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].cross_zone = None;
        }
        assert!(run(&m, zones).is_err(), "cross-zone unknown: unknown");
        // Nothing healthy anywhere is for the target findings to say, not one per zone.
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].cross_zone = Some(false);
        }
        m.targets = Loadable::loaded(
            vec![
                target("192.168.10.21", "eu-west-1a", "unhealthy"),
                target("192.168.20.21", "eu-west-1b", "unhealthy"),
            ],
            t0(),
        );
        assert!(run(&m, zones).unwrap().is_empty());
    }
}
