//! The cluster itself: endpoint access mode, status, and the DNS switches of the VPCs.

use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity};
use crate::model::{EndpointMode, Source};

/// Endpoint mode is always reported; public access open to the world is a warning.
pub fn endpoint_mode(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let c = ctx.cluster()?;
    let mode = c.mode();
    let mut out = vec![Finding::new(
        "endpoint-mode",
        Severity::Info,
        None,
        &c.name,
        format!(
            "endpoint access is {} (private access {}, public access {})",
            mode.label(),
            on_off(c.private_access),
            on_off(c.public_access)
        ),
        "none needed",
    )];
    if c.public_access
        && (c.public_cidrs.is_empty() || c.public_cidrs.iter().any(|x| x == "0.0.0.0/0"))
    {
        out.push(Finding::new(
            "endpoint-public-open",
            Severity::Warn,
            Some(HopName::PublicEndpoint),
            &c.name,
            "public access is on and publicAccessCidrs allows 0.0.0.0/0: the API answers the whole internet",
            "restrict publicAccessCidrs to your egress IPs, or turn public access off once the private path works",
        ));
    }
    if mode == EndpointMode::None {
        out.push(Finding::new(
            "endpoint-access-off",
            Severity::Fail,
            Some(HopName::ApiServer),
            &c.name,
            "both public and private endpoint access are off",
            "enable private endpoint access on the cluster",
        ));
    }
    Ok(out)
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// A cluster that is not ACTIVE may be mid-update (ENIs about to rotate) or broken.
pub fn cluster_status(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let c = ctx.cluster()?;
    let status = c.status.to_ascii_uppercase();
    Ok(match status.as_str() {
        "ACTIVE" => vec![],
        "UPDATING" => vec![Finding::new(
            "cluster-updating",
            Severity::Info,
            Some(HopName::ApiServer),
            &c.name,
            "the cluster is UPDATING: EKS is about to replace its ENIs and their IPs",
            "watch the targets: the registration automation must pick up the new ENI IPs",
        )],
        _ => vec![Finding::new(
            "cluster-not-active",
            Severity::Fail,
            Some(HopName::ApiServer),
            &c.name,
            format!("cluster status is {status}"),
            "check the cluster's health and recent updates in the EKS console (aws eks describe-cluster)",
        )],
    })
}

/// Private resolution needs enableDnsSupport and enableDnsHostnames, in the cluster VPC
/// (the AWS-managed zone) and in the origin VPC (its private hosted zone).
pub fn vpc_dns(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let c = ctx.cluster()?;
    let cluster_vpc = ctx.cluster_vpc_id()?;
    let vpcs = need(&ctx.m.vpcs, Source::Vpcs)?;
    let mut out = Vec::new();
    let mut check = |vpc_id: &str, role: &str, severity: Severity, hop: Option<HopName>| {
        let Some(vpc) = vpcs.iter().find(|v| v.id == vpc_id) else {
            return Err(Missing::new(
                format!("{role} VPC {vpc_id}"),
                format!("not returned by {}", Source::Vpcs.spec().action()),
            ));
        };
        let (Some(support), Some(hostnames)) = (vpc.dns_support, vpc.dns_hostnames) else {
            return Err(Missing::new(
                format!("DNS attributes of {vpc_id}"),
                format!("{} gave no answer", Source::Vpcs.spec().label()),
            ));
        };
        // Hostnames need support, so support is switched on first.
        let off: Vec<(&str, &str)> = [
            (!support, ("enableDnsSupport", "--enable-dns-support")),
            (!hostnames, ("enableDnsHostnames", "--enable-dns-hostnames")),
        ]
        .into_iter()
        .filter_map(|(is_off, names)| is_off.then_some(names))
        .collect();
        if !off.is_empty() {
            let what = off
                .iter()
                .map(|(a, _)| *a)
                .collect::<Vec<_>>()
                .join(" and ");
            let fix = off
                .iter()
                .map(|(_, flag)| {
                    format!(
                        "aws ec2 modify-vpc-attribute --vpc-id {vpc_id} {flag} '{{\"Value\":true}}'"
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.push(Finding::new(
                "vpc-dns-disabled",
                severity,
                hop,
                vpc.label(),
                format!("{role} VPC has {what} off: private hosted zones do not answer there"),
                fix,
            ));
        }
        Ok(())
    };
    // Without public access nothing in the cluster VPC can reach the API by name.
    let cluster_sev = if c.public_access {
        Severity::Warn
    } else {
        Severity::Fail
    };
    check(cluster_vpc, "cluster", cluster_sev, None)?;
    if let Ok(origin) = ctx.origin()
        && origin.vpc_id != cluster_vpc
    {
        check(
            &origin.vpc_id,
            "this host's",
            Severity::Fail,
            Some(HopName::Dns),
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;

    #[test]
    fn endpoint_mode_reports_and_warns_on_open_public_access() {
        let m = healthy();
        let f = run(&m, endpoint_mode).unwrap();
        assert_eq!(ids(&f), vec!["endpoint-mode"]);
        assert_eq!(f[0].severity, Severity::Info);

        let mut m = healthy();
        edit_cluster(&mut m, |c| {
            c.public_access = true;
            c.public_cidrs = vec!["0.0.0.0/0".into()];
        });
        let f = run(&m, endpoint_mode).unwrap();
        assert!(has(&f, "endpoint-public-open", Severity::Warn));

        let mut m = healthy();
        edit_cluster(&mut m, |c| c.private_access = false);
        assert!(has(
            &run(&m, endpoint_mode).unwrap(),
            "endpoint-access-off",
            Severity::Fail
        ));
        assert!(run(&without(healthy(), Part::Cluster), endpoint_mode).is_err());
    }

    #[test]
    fn cluster_status_levels() {
        assert!(run(&healthy(), cluster_status).unwrap().is_empty());
        let mut m = healthy();
        edit_cluster(&mut m, |c| c.status = "UPDATING".into());
        assert!(has(
            &run(&m, cluster_status).unwrap(),
            "cluster-updating",
            Severity::Info
        ));
        edit_cluster(&mut m, |c| c.status = "FAILED".into());
        assert!(has(
            &run(&m, cluster_status).unwrap(),
            "cluster-not-active",
            Severity::Fail
        ));
        assert!(run(&without(healthy(), Part::Cluster), cluster_status).is_err());
    }

    #[test]
    fn vpc_dns_off_fails_for_private_cluster_warns_for_public_private() {
        assert!(run(&healthy(), vpc_dns).unwrap().is_empty());
        let mut m = healthy();
        edit_vpcs(&mut m, |v| {
            if v.id == EKS_VPC {
                v.dns_hostnames = Some(false);
            }
        });
        let f = run(&m, vpc_dns).unwrap();
        assert!(has(&f, "vpc-dns-disabled", Severity::Fail));
        assert!(f[0].evidence.contains("enableDnsHostnames"));
        // One runnable command per attribute that is off, aimed at the VPC.
        assert_eq!(
            f[0].fix,
            format!(
                "aws ec2 modify-vpc-attribute --vpc-id {EKS_VPC} --enable-dns-hostnames '{{\"Value\":true}}'"
            )
        );
        edit_vpcs(&mut m, |v| {
            if v.id == EKS_VPC {
                v.dns_support = Some(false);
            }
        });
        let f = run(&m, vpc_dns).unwrap();
        let cmds: Vec<&str> = f[0].fix.lines().collect();
        assert_eq!(cmds.len(), 2, "{cmds:?}");
        assert!(cmds[0].ends_with(&format!(
            "--vpc-id {EKS_VPC} --enable-dns-support '{{\"Value\":true}}'"
        )));
        assert!(cmds[1].contains("--enable-dns-hostnames"));
        edit_cluster(&mut m, |c| c.public_access = true);
        assert!(has(
            &run(&m, vpc_dns).unwrap(),
            "vpc-dns-disabled",
            Severity::Warn
        ));
    }

    #[test]
    fn vpc_dns_off_in_origin_vpc_fails_the_dns_hop() {
        let mut m = healthy();
        edit_vpcs(&mut m, |v| {
            if v.id == OPS_VPC {
                v.dns_support = Some(false);
            }
        });
        let f = run(&m, vpc_dns).unwrap();
        assert_eq!(f[0].hop, Some(HopName::Dns));
        assert_eq!(f[0].severity, Severity::Fail);
    }

    #[test]
    fn vpc_dns_unknown_without_attributes_or_vpcs() {
        let mut m = healthy();
        edit_vpcs(&mut m, |v| v.dns_hostnames = None);
        let e = run(&m, vpc_dns).unwrap_err();
        assert!(e.why.contains("DescribeVpcAttribute"));
        assert!(run(&without(healthy(), Part::Vpcs), vpc_dns).is_err());
    }
}
