//! The target group against the EKS-owned ENIs, and the health the NLB sees.

use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::{Source, Target, TargetGroup};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

const HOP: Option<HopName> = Some(HopName::Targets);

fn path_targets<'a>(ctx: &Ctx<'a>, tg: &TargetGroup) -> Result<Vec<&'a Target>, Missing> {
    let targets = need(&ctx.m.targets, Source::Targets)?;
    Ok(targets.iter().filter(|t| t.tg_arn == tg.arn).collect())
}

fn ip_groups<'a>(ctx: &Ctx<'a>) -> Result<Vec<&'a TargetGroup>, Missing> {
    need(&ctx.m.target_groups, Source::TargetGroups)?;
    if let Some(why) = &ctx.path.target_groups_unknown {
        return Err(Missing::new("the API's target group", why.clone()));
    }
    Ok(ctx
        .path
        .target_groups
        .iter()
        .copied()
        .filter(|tg| tg.is_ip())
        .collect())
}

/// How long new ENI IPs may wait for the registration automation before it counts as
/// broken, while the path is still served.
pub const REGISTRATION_GRACE_SECS: i64 = 120;
/// How long a target may outlive its ENI before the cleanup automation counts as broken:
/// the documented cleanup runs every 15 minutes.
pub const CLEANUP_GRACE_SECS: i64 = 16 * 60;

fn secs_ago(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - at).num_seconds().max(0)
}

/// Registered targets that are no EKS ENI are stale (cleanup broken); ENI IPs that are not
/// registered are missing (registration broken). Within a grace after this run saw the ENIs
/// come (while the path is served) or go, both are the automation at work: noted, not warned.
pub fn targets_vs_enis(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let now = ctx.m.enis.fetched_at().unwrap_or_else(Utc::now);
    let seen = &ctx.m.eni_sightings;
    let eni_ips: BTreeSet<Ipv4Addr> = enis.iter().map(|e| e.ip).collect();
    let groups = ip_groups(ctx)?;
    // Served when any group the listener forwards to (a weighted forward has several)
    // holds a healthy current ENI.
    let mut serving = false;
    for tg in &groups {
        serving |= path_targets(ctx, tg)?
            .iter()
            .any(|t| t.healthy() && t.ip().is_some_and(|ip| eni_ips.contains(&ip)));
    }
    let mut out = Vec::new();
    for tg in groups {
        let targets = path_targets(ctx, tg)?;
        let registered: BTreeSet<Ipv4Addr> = targets.iter().filter_map(|t| t.ip()).collect();
        let stale: Vec<&&Target> = targets
            .iter()
            .filter(|t| t.ip().is_some_and(|ip| !eni_ips.contains(&ip)))
            .collect();
        let missing: Vec<&Ipv4Addr> = eni_ips.difference(&registered).collect();
        if !stale.is_empty() {
            let gone: Vec<i64> = stale
                .iter()
                .filter_map(|t| seen.gone(t.ip()?))
                .map(|at| secs_ago(at, now))
                .collect();
            // Whether anything still serves is for the other findings to say.
            let pending = gone.len() == stale.len() && gone.iter().all(|s| *s < CLEANUP_GRACE_SECS);
            let targets = stale
                .iter()
                .map(|t| format!("Id={}", t.id))
                .collect::<Vec<_>>()
                .join(" ");
            let list = list(stale.iter().map(|t| format!("{} ({})", t.id, t.state)));
            out.push(if pending {
                Finding::new(
                    "target-cleanup-pending",
                    Severity::Info,
                    HOP,
                    &tg.name,
                    format!(
                        "{} target(s) outlived their ENI, which left {} s ago: {list}; the cleanup automation deregisters them within {} min",
                        stale.len(),
                        gone.iter().max().copied().unwrap_or(0),
                        CLEANUP_GRACE_SECS / 60
                    ),
                    format!(
                        "nothing to do yet; to deregister them now: aws elbv2 deregister-targets --target-group-arn {} --targets {targets}",
                        tg.arn
                    ),
                )
            } else {
                Finding::new(
                    "target-stale",
                    Severity::Warn,
                    HOP,
                    &tg.name,
                    format!(
                        "{} registered target(s) are not EKS-owned ENI IPs: {list}",
                        stale.len()
                    ),
                    format!(
                        "the cleanup automation is broken; deregister them: aws elbv2 deregister-targets --target-group-arn {} --targets {targets}",
                        tg.arn
                    ),
                )
            });
        }
        if !missing.is_empty() {
            let new: Vec<i64> = missing
                .iter()
                .filter_map(|ip| seen.appeared(**ip))
                .map(|at| secs_ago(at, now))
                .collect();
            let pending = serving
                && new.len() == missing.len()
                && new.iter().all(|s| *s < REGISTRATION_GRACE_SECS);
            let register = format!(
                "aws elbv2 register-targets --target-group-arn {} --targets {}",
                tg.arn,
                missing
                    .iter()
                    .map(|ip| format!("Id={ip},Port={}", tg.port))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            out.push(if pending {
                Finding::new(
                    "target-registration-pending",
                    Severity::Info,
                    HOP,
                    &tg.name,
                    format!(
                        "new EKS-owned ENI IP(s), up {} s, not registered yet: {}; healthy targets still serve the path, and a wait over {} s is a WARN",
                        new.iter().max().copied().unwrap_or(0),
                        list(&missing),
                        REGISTRATION_GRACE_SECS
                    ),
                    format!("nothing to do yet; to register them now: {register}"),
                )
            } else {
                Finding::new(
                    "target-missing",
                    if serving { Severity::Warn } else { Severity::Fail },
                    HOP,
                    &tg.name,
                    format!(
                        "EKS-owned ENI IP(s) not registered: {}{}",
                        list(&missing),
                        if serving {
                            ""
                        } else {
                            "; no current ENI is registered and healthy"
                        }
                    ),
                    format!(
                        "the registration automation is broken (check the EventBridge rule, the CloudTrail trail and the Lambda); register them: {register}"
                    ),
                )
            });
        }
    }
    Ok(out)
}

/// A health check that cannot pass against the API server marks every target unhealthy,
/// however well the rest is wired.
pub fn health_checks(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    checks_of(&ip_groups(ctx)?)
}

/// Whether the health checks of `groups` can pass against an API server at all.
pub fn checks_of(groups: &[&TargetGroup]) -> Result<Vec<Finding>, Missing> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for tg in groups {
        let Some(hc) = &tg.health_check else {
            unknown.push(tg.name.as_str());
            continue;
        };
        if let Some(why) = hc.fails_on_api() {
            out.push(
                Finding::new(
                    "tg-health-check-fails-on-api",
                    Severity::Fail,
                    HOP,
                    &tg.name,
                    format!("target group {}: {why}", tg.name),
                    format!(
                        "check what anonymous clients may read, or the port alone: aws elbv2 modify-target-group --target-group-arn {} --health-check-protocol HTTPS --health-check-path /readyz --matcher HttpCode=200",
                        tg.arn
                    ),
                )
                .explaining(&[HopName::ApiServer]),
            );
        }
    }
    if out.is_empty() && !unknown.is_empty() {
        return Err(Missing::new(
            format!("the health check of {}", list(&unknown)),
            "DescribeTargetGroups gave no health check settings",
        ));
    }
    Ok(out)
}

pub fn target_health(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let eni_ips: Option<BTreeSet<Ipv4Addr>> = ctx.eni_ips();
    let mut out = Vec::new();
    for tg in ip_groups(ctx)? {
        let targets = path_targets(ctx, tg)?;
        if targets.is_empty() {
            continue;
        }
        let unhealthy: Vec<&&Target> = targets.iter().filter(|t| t.unhealthy()).collect();
        if unhealthy.len() == targets.len() {
            out.push(Finding::new(
                "target-unhealthy",
                Severity::Fail,
                HOP,
                &tg.name,
                format!(
                    "all {} targets are unhealthy: {}",
                    targets.len(),
                    list(unhealthy.iter().map(|t| format!("{} {}", t.id, t.reason_text())))
                ),
                "the NLB has nothing healthy to send to: check that the ENI security groups allow TCP 443 from the NLB's IPs, and that the targets are current ENI IPs",
            ));
        } else {
            // Unhealthy stale targets are explained by target-stale.
            let current = |t: &Target| {
                eni_ips
                    .as_ref()
                    .is_none_or(|s| t.ip().is_some_and(|ip| s.contains(&ip)))
            };
            let bad: Vec<_> = unhealthy.iter().filter(|t| current(t)).collect();
            if !bad.is_empty() {
                out.push(Finding::new(
                    "target-unhealthy",
                    Severity::Warn,
                    HOP,
                    &tg.name,
                    format!(
                        "{} of {} targets unhealthy: {}",
                        bad.len(),
                        targets.len(),
                        list(bad.iter().map(|t| format!("{} {}", t.id, t.reason_text())))
                    ),
                    "check the ENI security groups allow TCP 443 from the NLB's IPs in that AZ",
                ));
            }
        }
        let draining: Vec<_> = targets.iter().filter(|t| t.is("draining")).collect();
        if !draining.is_empty() {
            out.push(Finding::new(
                "target-draining",
                Severity::Warn,
                HOP,
                &tg.name,
                format!("draining: {}", list(draining.iter().map(|t| &t.id))),
                "a deregistration is in progress; if these are current ENI IPs, register them again",
            ));
        }
        for t in targets.iter().filter(|t| t.is("unused")) {
            let lb = ctx.path.nlbs.iter().find(|lb| tg.lb_arns.contains(&lb.arn));
            let az = t.az.clone().or_else(|| az_of(ctx, t));
            let why = match (lb, &az) {
                (Some(lb), Some(az)) if !lb.serves_az(az) && lb.cross_zone != Some(true) => {
                    format!("the NLB is not enabled in {az} and cross-zone load balancing is off")
                }
                _ => t.reason_text(),
            };
            out.push(Finding::new(
                "target-unused",
                Severity::Warn,
                HOP,
                &tg.name,
                format!("target {} is unused: {why}", t.id),
                "enable the NLB in the target's AZ (add a subnet there) or turn on cross-zone load balancing",
            ));
        }
    }
    Ok(out)
}

/// The AZ of a target from the subnet that holds its IP.
fn az_of(ctx: &Ctx, t: &Target) -> Option<String> {
    let ip = t.ip()?;
    ctx.m
        .subnets
        .value()?
        .iter()
        .find(|s| s.cidr.contains(&ip))
        .map(|s| s.az.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{Loadable, Model};

    fn set_targets(m: &mut Model, targets: Vec<Target>) {
        m.targets = Loadable::loaded(targets, t0());
    }

    #[test]
    fn healthy_targets_pass() {
        assert!(run(&healthy(), targets_vs_enis).unwrap().is_empty());
        assert!(run(&healthy(), target_health).unwrap().is_empty());
    }

    #[test]
    fn rotation_missed_gives_stale_and_missing_and_all_unhealthy() {
        let mut m = healthy();
        set_targets(
            &mut m,
            vec![
                target("192.168.10.5", "eu-west-1a", "unhealthy"),
                target("192.168.20.5", "eu-west-1b", "unhealthy"),
            ],
        );
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-stale", Severity::Warn));
        assert!(has(&f, "target-missing", Severity::Fail));
        assert!(
            f[1].evidence.contains("192.168.10.21, 192.168.20.21"),
            "{}",
            f[1].evidence
        );
        let h = run(&m, target_health).unwrap();
        assert!(has(&h, "target-unhealthy", Severity::Fail));
    }

    #[test]
    fn one_stale_unhealthy_target_is_only_stale() {
        let mut m = healthy();
        set_targets(
            &mut m,
            vec![
                target("192.168.10.21", "eu-west-1a", "healthy"),
                target("192.168.20.21", "eu-west-1b", "healthy"),
                target("192.168.10.9", "eu-west-1a", "unhealthy"),
            ],
        );
        assert_eq!(
            problems(&run(&m, targets_vs_enis).unwrap()),
            vec!["target-stale"]
        );
        assert!(run(&m, target_health).unwrap().is_empty());
    }

    #[test]
    fn missing_target_warns_while_another_serves() {
        let mut m = healthy();
        set_targets(
            &mut m,
            vec![target("192.168.10.21", "eu-west-1a", "healthy")],
        );
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-missing", Severity::Warn));
    }

    #[test]
    fn unhealthy_draining_unused() {
        let mut m = healthy();
        let mut unused = target("192.168.20.21", "eu-west-1c", "unused");
        unused.reason = Some("Target.NotInUse".into());
        set_targets(
            &mut m,
            vec![
                target("192.168.10.21", "eu-west-1a", "unhealthy"),
                unused,
                target("192.168.10.21", "eu-west-1a", "draining"),
            ],
        );
        let f = run(&m, target_health).unwrap();
        assert!(has(&f, "target-unhealthy", Severity::Warn));
        assert!(has(&f, "target-draining", Severity::Warn));
        let unused = f.iter().find(|f| f.id == "target-unused").unwrap();
        assert!(
            unused.evidence.contains("not enabled in eu-west-1c"),
            "{}",
            unused.evidence
        );
    }

    #[test]
    fn unknown_without_targets_or_groups() {
        assert!(run(&without(healthy(), Part::Targets), targets_vs_enis).is_err());
        assert!(run(&without(healthy(), Part::TargetGroups), target_health).is_err());
        let e = run(&without(healthy(), Part::Enis), targets_vs_enis).unwrap_err();
        assert!(e.what.contains("ENI"));
    }

    #[test]
    fn a_rotation_in_progress_is_noted_until_its_grace_runs_out() {
        use crate::model::Fetched;
        let at = |s: i64| t0() + chrono::Duration::seconds(s);
        let mut m = healthy();
        let old = m.enis.value().unwrap().clone();
        let mut new = old[0].clone();
        new.id = "eni-new".into();
        new.ip = ip("192.168.10.99");
        let both: Vec<_> = old.iter().cloned().chain([new]).collect();
        m.apply(Fetched::Enis(Ok(both.clone())), at(10));
        let f = run(&m, targets_vs_enis).unwrap();
        assert_eq!(ids(&f), ["target-registration-pending"], "{f:?}");
        assert_eq!(f[0].severity, Severity::Info);
        assert!(f[0].fix.contains("register-targets"), "{}", f[0].fix);
        assert_eq!(
            crate::diagnose::diagnose(&m).verdict,
            crate::diagnose::path::HopStatus::Ok
        );
        m.apply(Fetched::Enis(Ok(both)), at(10 + REGISTRATION_GRACE_SECS));
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-missing", Severity::Warn), "{f:?}");

        // The old ENI leaves; its target outlives it until the cleanup runs.
        let mut m = healthy();
        m.apply(Fetched::Enis(Ok(vec![old[1].clone()])), at(10));
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-cleanup-pending", Severity::Info), "{f:?}");
        m.apply(
            Fetched::Enis(Ok(vec![old[1].clone()])),
            at(10 + CLEANUP_GRACE_SECS),
        );
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-stale", Severity::Warn), "{f:?}");
    }

    #[test]
    fn no_grace_when_nothing_healthy_serves() {
        use crate::model::Fetched;
        let mut m = healthy();
        set_targets(
            &mut m,
            vec![target("192.168.10.21", "eu-west-1a", "unhealthy")],
        );
        let mut enis = m.enis.value().unwrap().clone();
        enis[1].ip = ip("192.168.20.99");
        m.apply(Fetched::Enis(Ok(enis)), t0() + chrono::Duration::seconds(5));
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-missing", Severity::Fail), "{f:?}");
    }

    /// A second listener to a group of unrelated targets, and a weighted forward.
    fn with_second_listener(m: &mut Model, api_forward: Vec<String>) {
        use crate::model::{Listener, TargetGroup};
        let other = "arn:tg/other-app";
        if let Loadable::Loaded { value, .. } = &mut m.listeners {
            value[0].forwards_to = api_forward;
            value.push(Listener {
                arn: "arn:listener/2".into(),
                lb_arn: NLB.into(),
                port: 8443,
                protocol: "TCP".into(),
                forwards_to: vec![other.into()],
            });
        }
        if let Loadable::Loaded { value, .. } = &mut m.target_groups {
            let mut g: TargetGroup = value[0].clone();
            g.arn = other.into();
            g.name = "other-app".into();
            g.port = 8443;
            value.push(g);
        }
        let mut targets = m.targets.value().unwrap().clone();
        for i in 0..200 {
            let mut t = target(&format!("192.168.30.{}", i % 250), "eu-west-1a", "healthy");
            t.tg_arn = other.into();
            t.port = 8443;
            targets.push(t);
        }
        set_targets(m, targets);
    }

    #[test]
    fn only_the_group_behind_the_endpoint_port_is_the_apis() {
        let mut m = healthy();
        with_second_listener(&mut m, vec![TG.into()]);
        assert!(run(&m, targets_vs_enis).unwrap().is_empty());
        assert!(run(&m, target_health).unwrap().is_empty());
        let d = crate::diagnose::diagnose(&m);
        assert_eq!(d.path.target_groups, [TG]);
        assert_eq!(
            d.verdict,
            crate::diagnose::path::HopStatus::Ok,
            "{:?}",
            d.findings
        );

        // A weighted forward to two groups: both are the API's.
        let mut m = healthy();
        with_second_listener(&mut m, vec![TG.into(), "arn:tg/other-app".into()]);
        let f = run(&m, targets_vs_enis).unwrap();
        assert!(has(&f, "target-missing", Severity::Warn), "{f:?}");
    }

    #[test]
    fn no_listener_on_the_port_leaves_the_apis_group_unknown() {
        let mut m = healthy();
        with_second_listener(&mut m, vec![TG.into()]);
        if let Loadable::Loaded { value, .. } = &mut m.listeners {
            value.remove(0);
        }
        let e = run(&m, targets_vs_enis).unwrap_err();
        assert!(e.why.contains("no listener on port 443"), "{}", e.why);
        let d = crate::diagnose::diagnose(&m);
        assert_eq!(d.first_failure, Some(HopName::Nlb));
        // Without the listeners, two groups cannot be told apart.
        let mut m = healthy();
        with_second_listener(&mut m, vec![TG.into()]);
        let m = without(m, Part::Listeners);
        assert!(run(&m, targets_vs_enis).is_err());
        // A sole group is the API's.
        let m = without(healthy(), Part::Listeners);
        assert!(run(&m, targets_vs_enis).unwrap().is_empty());
    }

    #[test]
    fn a_health_check_the_api_server_cannot_pass_fails_the_targets() {
        assert!(run(&healthy(), health_checks).unwrap().is_empty());
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.target_groups {
            value[0].health_check = Some(crate::model::HealthCheck {
                protocol: "HTTPS".into(),
                port: "traffic-port".into(),
                path: Some("/".into()),
                matcher: Some("200".into()),
            });
        }
        let f = run(&m, health_checks).unwrap();
        assert!(
            has(&f, "tg-health-check-fails-on-api", Severity::Fail),
            "{f:?}"
        );
        assert!(
            f[0].fix
                .contains(&format!("modify-target-group --target-group-arn {TG}"))
        );
        // Unknown settings are unknown, not fine.
        if let Loadable::Loaded { value, .. } = &mut m.target_groups {
            value[0].health_check = None;
        }
        assert!(run(&m, health_checks).is_err());
        assert!(run(&without(healthy(), Part::TargetGroups), health_checks).is_err());
    }
}
