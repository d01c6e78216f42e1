//! The EKS-owned ENIs that carry the private endpoint, and room for their replacements.

use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::Source;
use std::collections::BTreeSet;

const HOP: Option<HopName> = Some(HopName::EksEnis);
/// EKS needs at least this many free IPs in a cluster subnet to place new ENIs.
pub const MIN_FREE_IPS: u32 = 6;
/// EKS recommends this many.
pub const RECOMMENDED_FREE_IPS: u32 = 16;

pub fn enis(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let c = ctx.cluster()?;
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let resource = format!("Amazon EKS {}", c.name);
    if enis.is_empty() {
        let severity = if c.private_access {
            Severity::Fail
        } else {
            Severity::Info
        };
        return Ok(vec![Finding::new(
            "eni-none",
            severity,
            HOP,
            resource,
            format!(
                "no network interface described 'Amazon EKS {}' exists: nothing serves the private endpoint",
                c.name
            ),
            "check that private endpoint access is on and the cluster is ACTIVE; EKS recreates the ENIs on the next update",
        )]);
    }
    let mut out = Vec::new();
    let in_use: Vec<_> = enis.iter().filter(|e| e.in_use()).collect();
    let idle: Vec<_> = enis.iter().filter(|e| !e.in_use()).collect();
    if !idle.is_empty() {
        let severity = if in_use.is_empty() {
            Severity::Fail
        } else {
            Severity::Warn
        };
        out.push(Finding::new(
            "eni-not-in-use",
            severity,
            HOP,
            list(idle.iter().map(|e| &e.id)),
            format!(
                "{} of {} EKS ENIs are not in-use: {}",
                idle.len(),
                enis.len(),
                list(idle.iter().map(|e| format!("{} {} ({})", e.id, e.ip, e.status)))
            ),
            "ENIs that stay detached mean the control plane is mid-update or failed to attach; check the cluster status and recent updates",
        ));
    }
    let azs: BTreeSet<&str> = in_use.iter().map(|e| e.az.as_str()).collect();
    if azs.len() == 1 {
        out.push(Finding::new(
            "eni-single-az",
            Severity::Warn,
            HOP,
            resource,
            format!("all in-use EKS ENIs are in one AZ ({})", list(&azs)),
            "the private endpoint does not survive an AZ outage; make sure the cluster has subnets in at least two AZs with free IPs",
        ));
    }
    Ok(out)
}

pub fn subnet_headroom(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let c = ctx.cluster()?;
    let subnets = need(&ctx.m.subnets, Source::Subnets)?;
    let mut out = Vec::new();
    let mut unseen = Vec::new();
    for id in &c.subnet_ids {
        // One subnet not returned leaves the others to judge.
        let Some(s) = subnets.iter().find(|s| &s.id == id) else {
            unseen.push(id.as_str());
            continue;
        };
        let name = s
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        if s.free_ips < MIN_FREE_IPS {
            out.push(Finding::new(
                "subnet-ip-low",
                Severity::Warn,
                HOP,
                &s.id,
                format!(
                    "cluster subnet {}{name} in {} has {} free IPs, below the {MIN_FREE_IPS} EKS needs: the next control-plane update cannot place its new ENIs there",
                    s.id, s.az, s.free_ips
                ),
                format!("free addresses in {} or add a larger subnet to the cluster (eks update-cluster-config --resources-vpc-config subnetIds=...)", s.id),
            ));
        } else if s.free_ips < RECOMMENDED_FREE_IPS {
            out.push(Finding::new(
                "subnet-ip-low",
                Severity::Info,
                HOP,
                &s.id,
                format!(
                    "cluster subnet {}{name} has {} free IPs; EKS recommends at least {RECOMMENDED_FREE_IPS}",
                    s.id, s.free_ips
                ),
                "plan more room before the next upgrade",
            ));
        }
    }
    if out.is_empty() && !unseen.is_empty() {
        return Err(Missing::new(
            format!("cluster subnet(s) {}", list(&unseen)),
            "not returned by DescribeSubnets",
        ));
    }
    Ok(out)
}

/// A control-plane update brings up a new set of ENIs before the old ones go: the cluster
/// subnets together need room for as many again as are in use now.
pub fn upgrade_headroom(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let c = ctx.cluster()?;
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let subnets = need(&ctx.m.subnets, Source::Subnets)?;
    let ours: Vec<_> = subnets
        .iter()
        .filter(|s| c.subnet_ids.contains(&s.id))
        .collect();
    if ours.len() < c.subnet_ids.len() {
        return Err(Missing::new(
            "the cluster subnets' free IPs",
            "some cluster subnets were not returned by DescribeSubnets",
        ));
    }
    let needed = enis.iter().filter(|e| e.in_use()).count() as u64;
    let free: u64 = ours.iter().map(|s| u64::from(s.free_ips)).sum();
    if needed == 0 || free >= needed {
        return Ok(vec![]);
    }
    let each = list(ours.iter().map(|s| format!("{} {} free", s.id, s.free_ips)));
    Ok(vec![Finding::new(
        "subnet-upgrade-headroom",
        Severity::Warn,
        HOP,
        format!("Amazon EKS {}", c.name),
        format!(
            "the cluster subnets hold {free} free IP(s) together ({each}); the next control-plane update needs {needed} for a second set of ENIs and cannot complete"
        ),
        format!(
            "free addresses in those subnets, or add a subnet with room: aws eks update-cluster-config --name {} --resources-vpc-config subnetIds={},<subnet with free IPs>",
            c.name,
            c.subnet_ids.join(",")
        ),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::Loadable;

    fn edit_enis(m: &mut crate::model::Model, f: impl FnOnce(&mut Vec<crate::model::Eni>)) {
        if let Loadable::Loaded { value, .. } = &mut m.enis {
            f(value)
        }
    }

    #[test]
    fn healthy_enis_pass() {
        assert!(run(&healthy(), enis).unwrap().is_empty());
        assert!(run(&healthy(), subnet_headroom).unwrap().is_empty());
    }

    #[test]
    fn no_enis_fails() {
        let mut m = healthy();
        edit_enis(&mut m, |v| v.clear());
        assert!(has(&run(&m, enis).unwrap(), "eni-none", Severity::Fail));
    }

    #[test]
    fn single_az_warns_and_idle_eni_warns() {
        let mut m = healthy();
        edit_enis(&mut m, |v| v[1].az = "eu-west-1a".into());
        assert!(has(
            &run(&m, enis).unwrap(),
            "eni-single-az",
            Severity::Warn
        ));

        let mut m = healthy();
        edit_enis(&mut m, |v| v[1].status = "available".into());
        let f = run(&m, enis).unwrap();
        assert!(has(&f, "eni-not-in-use", Severity::Warn));
        assert!(
            has(&f, "eni-single-az", Severity::Warn),
            "only one AZ still serves"
        );

        edit_enis(&mut m, |v| v[0].status = "available".into());
        assert!(has(
            &run(&m, enis).unwrap(),
            "eni-not-in-use",
            Severity::Fail
        ));
    }

    #[test]
    fn enis_unknown_when_not_collected() {
        let e = run(&without(healthy(), Part::Enis), enis).unwrap_err();
        assert!(e.why.contains("test:Denied"));
    }

    #[test]
    fn low_free_ips_warn_below_six_info_below_sixteen() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.subnets {
            value[1].free_ips = 3;
            value[2].free_ips = 12;
        }
        let f = run(&m, subnet_headroom).unwrap();
        assert_eq!(f.len(), 2);
        assert!(f[0].severity == Severity::Warn && f[0].resource == "subnet-a");
        assert!(f[0].evidence.contains("3 free IPs"));
        assert!(f[1].severity == Severity::Info && f[1].resource == "subnet-b");
    }

    #[test]
    fn headroom_unknown_without_subnets() {
        assert!(run(&without(healthy(), Part::Subnets), subnet_headroom).is_err());
        let mut m = healthy();
        edit_cluster(&mut m, |c| c.subnet_ids.push("subnet-gone".into()));
        assert!(
            run(&m, subnet_headroom)
                .unwrap_err()
                .what
                .contains("subnet-gone")
        );
    }

    #[test]
    fn upgrade_headroom_needs_a_second_set_of_enis() {
        assert!(run(&healthy(), upgrade_headroom).unwrap().is_empty());
        let mut m = healthy();
        let sub = m.cluster.value().unwrap().subnet_ids.clone();
        if let Loadable::Loaded { value, .. } = &mut m.subnets {
            for s in value.iter_mut().filter(|s| sub.contains(&s.id)) {
                s.free_ips = 0;
            }
            let first = value.iter_mut().find(|s| s.id == sub[0]).unwrap();
            first.free_ips = 1;
        }
        let f = run(&m, upgrade_headroom).unwrap();
        assert_eq!(ids(&f), ["subnet-upgrade-headroom"]);
        assert_eq!(f[0].severity, Severity::Warn);
        assert!(
            f[0].evidence.contains("1 free IP(s) together"),
            "{}",
            f[0].evidence
        );
        assert!(f[0].evidence.contains(&sub[0]), "{}", f[0].evidence);
        assert!(f[0].fix.contains(&sub.join(",")), "{}", f[0].fix);
        // Without the subnets or the ENIs it is not known.
        assert!(run(&without(healthy(), Part::Subnets), upgrade_headroom).is_err());
        assert!(run(&without(healthy(), Part::Enis), upgrade_headroom).is_err());
    }

    #[test]
    fn one_unseen_subnet_leaves_the_others_judged() {
        let mut m = healthy();
        let sub = m.cluster.value().unwrap().subnet_ids.clone();
        if let Loadable::Loaded { value, .. } = &mut m.subnets {
            value.retain(|s| s.id != sub[0]);
            for s in value.iter_mut().filter(|s| sub.contains(&s.id)) {
                s.free_ips = 2;
            }
        }
        let f = run(&m, subnet_headroom).unwrap();
        assert!(has(&f, "subnet-ip-low", Severity::Warn), "{f:?}");
    }
}
