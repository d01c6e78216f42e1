//! The API's targets: each one's health, the instance behind it, and whether every zone the
//! NLB answers in has a healthy target to send to.

use super::{Member, members};
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::Source;
use std::net::IpAddr;

const HOP: Option<HopName> = Some(HopName::Targets);

/// Every target healthy, each instance running; a failing one is a WARN while others
/// carry the API, a FAIL when none does.
pub fn targets(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if ctx.path.nlbs.is_empty() {
        return Ok(vec![]);
    }
    if ctx.path.target_groups.is_empty() {
        return match &ctx.path.target_groups_unknown {
            Some(why) => Err(Missing::new("the API's target group", why.clone())),
            // The listener rule names what is missing.
            None => Ok(vec![]),
        };
    }
    need(&ctx.m.targets, Source::Targets)?;
    let all = members(ctx);
    if all.iter().any(|m| m.is_instance) {
        need(&ctx.m.instances, Source::Instances)?;
    }
    let healthy = all.iter().filter(|m| m.target.healthy()).count();
    let sev = if healthy == 0 {
        Severity::Fail
    } else {
        Severity::Warn
    };
    let mut out = Vec::new();
    for g in &ctx.path.target_groups {
        if !all.iter().any(|m| m.target.tg_arn == g.arn) {
            out.push(Finding::new(
                "target-group-empty",
                Severity::Fail,
                HOP,
                &g.name,
                format!("target group {} has no registered target", g.name),
                format!(
                    "register the control plane: aws elbv2 register-targets --target-group-arn {} --targets Id=<instance id>",
                    g.arn
                ),
            ));
        }
    }
    for m in &all {
        if let Some(f) = instance_finding(m, sev) {
            out.push(f);
            continue;
        }
        if m.target.healthy() {
            continue;
        }
        let reason = m.target.reason_text();
        let (id, sev) = if m.target.is("initial") {
            ("target-initial", Severity::Warn.min(sev))
        } else {
            ("target-unhealthy", sev)
        };
        out.push(Finding::new(
            id,
            sev,
            HOP,
            m.label(),
            format!(
                "target {}:{} is {}{}",
                m.label(),
                m.target.port,
                m.target.state,
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({reason})")
                }
            ),
            format!(
                "see why the NLB's checks fail: aws elbv2 describe-target-health --target-group-arn {} --targets Id={}",
                m.target.tg_arn, m.target.id
            ),
        ));
    }
    Ok(out)
}

/// Health checks that can never pass against an API server (plain HTTP, or a path
/// anonymous clients may not read with a matcher that expects success).
pub fn health_checks(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if ctx.path.nlbs.is_empty() {
        return Ok(vec![]);
    }
    crate::diagnose::rules::targets::checks_of(&ctx.path.target_groups)
}

/// A target whose instance is gone or not running.
fn instance_finding(m: &Member, sev: Severity) -> Option<Finding> {
    if !m.is_instance {
        return None;
    }
    match m.instance {
        None => Some(Finding::new(
            "target-instance-missing",
            sev,
            HOP,
            &m.target.id,
            format!(
                "instance {} is registered in the target group but DescribeInstances does not list it",
                m.target.id
            ),
            format!(
                "deregister it and register the control plane that replaced it: aws elbv2 deregister-targets --target-group-arn {} --targets Id={}",
                m.target.tg_arn, m.target.id
            ),
        )),
        Some(i) if !i.running() => Some(Finding::new(
            "instance-not-running",
            sev,
            HOP,
            i.label(),
            format!(
                "control-plane instance {} in {} is {} (target {})",
                i.label(),
                i.az,
                i.state,
                m.target.state
            ),
            format!("aws ec2 start-instances --instance-ids {}", i.id),
        )),
        Some(_) => None,
    }
}

/// Each zone the NLB is enabled in needs a healthy target there, unless cross-zone load
/// balancing sends that zone's traffic elsewhere. A node with nothing behind it fails the
/// clients that resolve to its address.
pub fn zones(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some(lb) = ctx.path.nlbs.first() else {
        return Ok(vec![]);
    };
    if ctx.path.target_groups.is_empty() {
        return Ok(vec![]);
    }
    // Balanced across zones, no zone depends on its own targets.
    let cross_zone = lb.cross_zone.ok_or_else(|| {
        Missing::new(
            format!("whether NLB {} balances across zones", lb.name),
            format!(
                "{} gave no load_balancing.cross_zone.enabled",
                Source::LbAttributes.spec().action()
            ),
        )
    })?;
    if cross_zone {
        return Ok(vec![]);
    }
    need(&ctx.m.targets, Source::Targets)?;
    let all = members(ctx);
    if all.iter().any(|m| m.is_instance) {
        need(&ctx.m.instances, Source::Instances)?;
    }
    let healthy_in = |az: &str| {
        all.iter()
            .filter(|m| m.target.healthy() && m.az() == Some(az))
            .count()
    };
    if all.iter().all(|m| !m.target.healthy()) {
        // With nothing healthy anywhere the targets rule says it.
        return Ok(vec![]);
    }
    let empty: Vec<_> = lb.zones.iter().filter(|z| healthy_in(&z.az) == 0).collect();
    let answered: Vec<IpAddr> = ctx.judged_dns().map(|d| d.ips()).unwrap_or_default();
    let mut out = Vec::new();
    for z in empty {
        let hit: Vec<_> = z
            .private_ips
            .iter()
            .filter(|ip| answered.contains(&IpAddr::V4(**ip)))
            .collect();
        let node = if z.private_ips.is_empty() {
            format!("the node in {}", z.az)
        } else {
            format!("the node in {} ({})", z.az, list(&z.private_ips))
        };
        let (sev, effect) = if hit.is_empty() {
            let seen = if ctx.judged_dns().is_some() {
                "it is not among the current answers"
            } else {
                "no live answer tells whether this host resolves to it"
            };
            (
                Severity::Warn,
                format!("{seen}, but any client that resolves to it fails"),
            )
        } else {
            (
                Severity::Fail,
                format!(
                    "the name resolves to {} from here, and connections there fail",
                    list(&hit)
                ),
            )
        };
        out.push(
            Finding::new(
                "nlb-zone-no-healthy-target",
                sev,
                Some(HopName::Nlb),
                &lb.name,
                format!(
                    "cross-zone load balancing is off and {node} of NLB {} has no healthy target: {effect}",
                    lb.name
                ),
                format!(
                    "aws elbv2 modify-load-balancer-attributes --load-balancer-arn {} --attributes Key=load_balancing.cross_zone.enabled,Value=true\nor bring a healthy control-plane instance up in {}",
                    lb.arn, z.az
                ),
            )
            .explaining(&[HopName::ApiServer]),
        );
    }
    Ok(out)
}
