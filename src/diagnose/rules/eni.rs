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
    for id in &c.subnet_ids {
        let Some(s) = subnets.iter().find(|s| &s.id == id) else {
            return Err(Missing::new(
                format!("cluster subnet {id}"),
                "not returned by DescribeSubnets",
            ));
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
    Ok(out)
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
}
