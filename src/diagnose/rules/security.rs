//! Security groups on the path: the ENIs must admit the NLB (PrivateLink) or this host
//! (direct), and the interface endpoint must admit this host.

use crate::diagnose::ctx::{Ctx, Route, need, need_as};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::diagnose::sg::{Allowed, Source, tcp_allowed};
use crate::model::{Origin, SecurityGroup};
use std::collections::BTreeSet;

const PORT: u16 = 443;

fn groups<'a>(
    all: &'a [SecurityGroup],
    ids: &BTreeSet<String>,
) -> Result<Vec<&'a SecurityGroup>, Missing> {
    ids.iter()
        .map(|id| {
            all.iter().find(|g| &g.id == id).ok_or_else(|| {
                Missing::new(
                    format!("security group {id}"),
                    "not returned by DescribeSecurityGroups",
                )
            })
        })
        .collect()
}

/// This host as a traffic source: its IP, its groups, else its VPC's CIDRs.
/// One `authorize-security-group-ingress` per refused source, deduplicated, aimed at `group`.
fn authorize(group: &str, denied: &[Denied]) -> String {
    let mut args: Vec<&str> = denied.iter().map(|d| d.admit.as_str()).collect();
    args.dedup();
    args.iter()
        .map(|a| {
            format!(
                "aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port {PORT} {a}"
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn labels(denied: &[Denied]) -> String {
    list(denied.iter().map(|d| d.label.as_str()))
}

fn origin_source<'a>(ctx: &Ctx, origin: &'a Origin) -> Result<Vec<Source<'a>>, Missing> {
    if origin.ip.is_some() || !origin.sg_ids.is_empty() {
        return Ok(vec![Source {
            ip: origin.ip,
            sg_ids: &origin.sg_ids,
            range: None,
        }]);
    }
    let vpc = need_as(
        &ctx.m.vpcs,
        crate::model::Source::Vpcs,
        "this host's VPC CIDR",
    )?
    .iter()
    .find(|v| v.id == origin.vpc_id)
    .ok_or_else(|| Missing::new("this host's IP or VPC CIDR", "not known"))?;
    Ok(vpc
        .cidrs
        .iter()
        .map(|c| Source {
            ip: None,
            sg_ids: &[],
            range: Some(*c),
        })
        .collect())
}

/// A source that was refused: how the evidence names it, and the `--source-group` or
/// `--cidr` argument that would admit it.
struct Denied {
    label: String,
    admit: String,
}

/// The narrowest rule that admits `src`: its security group, else its IP, else its range.
fn admit_arg(src: &Source) -> Option<String> {
    if let Some(g) = src.sg_ids.first() {
        return Some(format!("--source-group {g}"));
    }
    src.ip
        .map(|ip| format!("--cidr {ip}/32"))
        .or_else(|| src.range.map(|r| format!("--cidr {r}")))
}

fn check(
    groups: &[&SecurityGroup],
    src: &Source,
    label: &str,
    denied: &mut Vec<Denied>,
) -> Result<(), Missing> {
    match tcp_allowed(groups, PORT, src) {
        Allowed::Yes(_) => Ok(()),
        Allowed::No => {
            if let Some(admit) = admit_arg(src) {
                denied.push(Denied {
                    label: label.to_string(),
                    admit,
                });
            }
            Ok(())
        }
        Allowed::Maybe(why) => Err(Missing::new(
            format!("whether {label} may connect"),
            format!("{why}, whose contents are not collected"),
        )),
    }
}

/// The EKS ENIs' groups must admit TCP 443 from the NLB's IPs (health checks and
/// forwarded traffic) on the PrivateLink route, and from this host on the direct route.
pub fn eni_security_groups(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let enis = need(&ctx.m.enis, crate::model::Source::Enis)?;
    if enis.is_empty() {
        return Ok(vec![]);
    }
    let all = need(&ctx.m.security_groups, crate::model::Source::SecurityGroups)?;
    let ids: BTreeSet<String> = enis.iter().flat_map(|e| e.sg_ids.iter().cloned()).collect();
    let gs = groups(all, &ids)?;
    let mut denied = Vec::new();
    for lb in &ctx.path.nlbs {
        let ips: Vec<_> = lb.private_ips().collect();
        if ips.is_empty() {
            return Err(Missing::new(
                format!("private IPs of {}", lb.name),
                "DescribeLoadBalancers listed none",
            ));
        }
        for ip in ips {
            let src = Source {
                ip: Some(ip),
                sg_ids: &lb.sg_ids,
                range: None,
            };
            check(&gs, &src, &format!("NLB {} IP {ip}", lb.name), &mut denied)?;
        }
    }
    let nlb_denied = !denied.is_empty();
    if ctx.route == Route::Direct {
        let origin = ctx.origin()?;
        for src in origin_source(ctx, origin)? {
            let label = match (src.ip, src.range) {
                (Some(ip), _) => format!("this host {ip}"),
                (None, Some(r)) => format!("this host's VPC {r}"),
                _ => "this host".to_string(),
            };
            check(&gs, &src, &label, &mut denied)?;
        }
    }
    if denied.is_empty() {
        return Ok(vec![]);
    }
    // The cluster security group is the one EKS puts on every ENI; a rule there admits all.
    let group = ctx
        .m
        .cluster
        .value()
        .and_then(|c| c.cluster_sg.clone())
        .filter(|g| ids.contains(g))
        .or_else(|| ids.iter().next().cloned())
        .unwrap_or_default();
    let finding = Finding::new(
        "sg-blocks-443",
        Severity::Fail,
        Some(HopName::EksEnis),
        list(&ids),
        format!(
            "the EKS ENIs' security groups ({}) do not allow TCP 443 from {}",
            list(&ids),
            labels(&denied)
        ),
        authorize(&group, &denied),
    );
    // The NLB's health checks come from the same addresses: refused, the targets go unhealthy.
    Ok(vec![if nlb_denied {
        finding.explaining(&[HopName::Targets])
    } else {
        finding
    }])
}

/// How `groups` refuse this host, as a source with its own groups or (`with_groups` off)
/// by its address alone.
fn refused_host(
    ctx: &Ctx,
    origin: &Origin,
    groups: &[&SecurityGroup],
    with_groups: bool,
) -> Result<Vec<Denied>, Missing> {
    let mut denied = Vec::new();
    for src in origin_source(ctx, origin)? {
        let src = if with_groups {
            src
        } else {
            Source { sg_ids: &[], ..src }
        };
        let label = match (src.ip, src.range) {
            (Some(ip), _) => format!("this host ({ip})"),
            (None, Some(r)) => format!("this host's VPC ({r})"),
            _ => "this host".into(),
        };
        check(groups, &src, &label, &mut denied)?;
    }
    Ok(denied)
}

/// An NLB with security groups must admit the API's port from whoever sends to it. Through
/// PrivateLink that is the client itself, and only while the groups apply to PrivateLink
/// traffic (`enforce_security_group_inbound_rules_on_private_link_traffic`, on by default).
pub fn nlb_security_groups(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if ctx.route != Route::Privatelink {
        return Ok(vec![]);
    }
    let judged: Vec<_> = ctx
        .path
        .nlbs
        .iter()
        .filter(|lb| !lb.sg_ids.is_empty() && lb.sg_on_privatelink != Some(false))
        .collect();
    if judged.is_empty() {
        return Ok(vec![]);
    }
    let origin = ctx.origin()?;
    let all = need(&ctx.m.security_groups, crate::model::Source::SecurityGroups)?;
    let mut out = Vec::new();
    for lb in judged {
        let ids: BTreeSet<String> = lb.sg_ids.iter().cloned().collect();
        let gs = groups(all, &ids)?;
        // Security groups of the client do not travel through PrivateLink: only its address.
        let denied = refused_host(ctx, origin, &gs, false)?;
        if !denied.is_empty() {
            out.push(Finding::new(
                "nlb-sg-blocks-443",
                Severity::Fail,
                Some(HopName::Nlb),
                &lb.name,
                format!(
                    "the security groups of NLB {} ({}) apply to PrivateLink traffic and do not allow TCP 443 from {}",
                    lb.name,
                    list(&ids),
                    labels(&denied)
                ),
                format!(
                    "{}\nor stop applying them to PrivateLink traffic: aws elbv2 set-security-groups --load-balancer-arn {} --security-groups {} --enforce-security-group-inbound-rules-on-private-link-traffic off",
                    authorize(ids.iter().next().map_or("", String::as_str), &denied),
                    lb.arn,
                    ids.iter().cloned().collect::<Vec<_>>().join(" ")
                ),
            ).explaining(&[HopName::ApiServer]));
        }
    }
    Ok(out)
}

pub fn endpoint_security_groups(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if ctx.path.endpoints.is_empty() {
        return Ok(vec![]);
    }
    let origin = ctx.origin()?;
    let all = need(&ctx.m.security_groups, crate::model::Source::SecurityGroups)?;
    let mut out = Vec::new();
    for ie in &ctx.path.endpoints {
        let ids: BTreeSet<String> = ie.sg_ids.iter().cloned().collect();
        let gs = groups(all, &ids)?;
        let denied = refused_host(ctx, origin, &gs, true)?;
        if !denied.is_empty() {
            out.push(Finding::new(
                "sg-blocks-443",
                Severity::Fail,
                Some(HopName::InterfaceEndpoint),
                &ie.id,
                format!(
                    "the security groups of {} ({}) do not allow TCP 443 from {}",
                    ie.id,
                    list(&ids),
                    labels(&denied)
                ),
                authorize(ids.iter().next().map_or("", String::as_str), &denied),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{Loadable, Model, SgSource};

    fn edit_sg(m: &mut Model, id: &str, f: impl FnOnce(&mut SecurityGroup)) {
        if let Loadable::Loaded { value, .. } = &mut m.security_groups {
            f(value.iter_mut().find(|g| g.id == id).unwrap())
        }
    }

    #[test]
    fn healthy_groups_pass() {
        assert!(run(&healthy(), eni_security_groups).unwrap().is_empty());
        assert!(
            run(&healthy(), endpoint_security_groups)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn cluster_sg_without_nlb_subnets_blocks() {
        let mut m = healthy();
        edit_sg(&mut m, CLUSTER_SG, |g| {
            g.ingress
                .retain(|r| r.sources != vec![SgSource::Cidr("192.168.10.0/24".parse().unwrap())])
        });
        let f = run(&m, eni_security_groups).unwrap();
        assert!(has(&f, "sg-blocks-443", Severity::Fail));
        assert!(
            f[0].evidence.contains("192.168.10.200"),
            "{}",
            f[0].evidence
        );
        assert!(!f[0].evidence.contains("192.168.20.200"));
        // A runnable command admitting the refused NLB address, on the cluster SG.
        assert_eq!(
            f[0].fix,
            format!(
                "aws ec2 authorize-security-group-ingress --group-id {CLUSTER_SG} --protocol tcp --port 443 --cidr 192.168.10.200/32"
            )
        );
        assert_eq!(f[0].explains, [HopName::Targets]);
    }

    #[test]
    fn direct_route_needs_this_host_allowed() {
        let mut m = healthy();
        edit_sg(&mut m, CLUSTER_SG, |g| g.ingress.truncate(2));
        assert!(
            run(&m, eni_security_groups).unwrap().is_empty(),
            "not needed on PrivateLink"
        );
        push_dns(&mut m, &["192.168.10.21"], 1);
        let f = run(&m, eni_security_groups).unwrap();
        assert!(
            f[0].evidence.contains("this host 172.20.1.10"),
            "{}",
            f[0].evidence
        );
        // This host has a security group: admitting it is the narrowest rule.
        assert!(
            f[0].fix
                .ends_with(&format!("--port 443 --source-group {BASTION_SG}")),
            "{}",
            f[0].fix
        );
        assert!(f[0].explains.is_empty(), "the NLB is admitted");
    }

    #[test]
    fn endpoint_sg_must_admit_this_host() {
        let mut m = healthy();
        edit_sg(&mut m, IE_SG, |g| {
            g.ingress[0].sources = vec![SgSource::Cidr("10.0.0.0/8".parse().unwrap())]
        });
        let f = run(&m, endpoint_security_groups).unwrap();
        assert!(has(&f, "sg-blocks-443", Severity::Fail));
        assert_eq!(f[0].hop, Some(HopName::InterfaceEndpoint));
        // Admitting the bastion's group is as good as its IP.
        edit_sg(&mut m, IE_SG, |g| {
            g.ingress[0]
                .sources
                .push(SgSource::Group(BASTION_SG.into()))
        });
        assert!(run(&m, endpoint_security_groups).unwrap().is_empty());
    }

    #[test]
    fn unknown_without_groups_or_with_prefix_lists() {
        assert!(
            run(
                &without(healthy(), Part::SecurityGroups),
                eni_security_groups
            )
            .is_err()
        );
        assert!(
            run(
                &without(healthy(), Part::SecurityGroups),
                endpoint_security_groups
            )
            .is_err()
        );
        let mut m = healthy();
        edit_sg(&mut m, IE_SG, |g| {
            g.ingress[0].sources = vec![SgSource::PrefixList("pl-1".into())]
        });
        assert!(
            run(&m, endpoint_security_groups)
                .unwrap_err()
                .why
                .contains("pl-1")
        );
    }

    /// The NLB gets its own group admitting `from`, applied to PrivateLink traffic or not.
    fn nlb_with_group(m: &mut Model, from: &str, on_privatelink: Option<bool>) {
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].sg_ids = vec!["sg-nlb".into()];
            value[0].sg_on_privatelink = on_privatelink;
        }
        let mut groups = m.security_groups.value().unwrap().clone();
        groups.push(SecurityGroup {
            id: "sg-nlb".into(),
            name: "nlb".into(),
            vpc_id: EKS_VPC.into(),
            ingress: vec![crate::model::SgRule {
                protocol: "tcp".into(),
                from_port: Some(443),
                to_port: Some(443),
                sources: vec![SgSource::Cidr(from.parse().unwrap())],
            }],
        });
        m.security_groups = Loadable::loaded(groups, t0());
    }

    #[test]
    fn an_nlb_group_on_privatelink_traffic_must_admit_the_client() {
        assert!(run(&healthy(), nlb_security_groups).unwrap().is_empty());
        let mut m = healthy();
        nlb_with_group(&mut m, "172.20.0.0/16", None);
        assert!(run(&m, nlb_security_groups).unwrap().is_empty());
        let mut m = healthy();
        nlb_with_group(&mut m, "192.168.0.0/16", None);
        let f = run(&m, nlb_security_groups).unwrap();
        assert!(has(&f, "nlb-sg-blocks-443", Severity::Fail), "{f:?}");
        assert!(f[0].evidence.contains("172.20.1.10"), "{}", f[0].evidence);
        assert!(
            f[0].fix
                .contains("--group-id sg-nlb --protocol tcp --port 443 --cidr 172.20.1.10/32"),
            "{}",
            f[0].fix
        );
        // Off for PrivateLink traffic: the groups do not judge it.
        let mut m = healthy();
        nlb_with_group(&mut m, "192.168.0.0/16", Some(false));
        assert!(run(&m, nlb_security_groups).unwrap().is_empty());
        // The groups' rules unknown: unknown.
        let mut m = healthy();
        nlb_with_group(&mut m, "192.168.0.0/16", None);
        let m = without(m, Part::SecurityGroups);
        assert!(run(&m, nlb_security_groups).is_err());
    }
}
