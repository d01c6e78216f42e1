//! The API's own NLB: found from the server's name, active, and listening on the server's
//! port with a forward to a target group.

use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::Source;

const HOP: Option<HopName> = Some(HopName::Nlb);

/// Which NLB the name leads to; when nothing does, the hop is UNKNOWN with what was tried.
pub fn api_nlb(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let host = ctx.host()?;
    let nlb = ctx
        .m
        .api_nlb()
        .map_err(|tried| Missing::new(format!("the NLB behind {host}"), tried.join("; ")))?;
    Ok(crate::diagnose::rules::nlb::state(nlb.lb))
}

/// The listener on the server's port, and the group it forwards to.
pub fn listener(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let Some(lb) = ctx.path.nlbs.first() else {
        return Ok(vec![]);
    };
    let listeners = need(&ctx.m.listeners, Source::Listeners)?;
    let port = ctx.m.endpoint_port();
    let own: Vec<_> = listeners.iter().filter(|l| l.lb_arn == lb.arn).collect();
    let on_port: Vec<_> = own.iter().filter(|l| l.port == port).collect();
    if on_port.is_empty() {
        let groups = need(&ctx.m.target_groups, Source::TargetGroups)?;
        let fitting: Vec<_> = groups
            .iter()
            .filter(|g| g.lb_arns.is_empty() || g.lb_arns.contains(&lb.arn))
            .filter(|g| g.port == port)
            .collect();
        let fix = match fitting.first() {
            Some(g) => format!(
                "aws elbv2 create-listener --load-balancer-arn {} --protocol TCP --port {port} --default-actions Type=forward,TargetGroupArn={}",
                lb.arn, g.arn
            ),
            None => format!(
                "aws elbv2 create-target-group --name {}-{port} --protocol TCP --port {port} --target-type instance --vpc-id {}\nthen register the control-plane instances and add a TCP {port} listener on {} forwarding to it",
                lb.name, lb.vpc_id, lb.arn
            ),
        };
        let ports = list(own.iter().map(|l| format!("{}:{}", l.protocol, l.port)));
        return Ok(vec![Finding::new(
            "nlb-listener-missing",
            Severity::Fail,
            HOP,
            &lb.name,
            format!(
                "NLB {} has no listener on the server's port {port} (listeners: {})",
                lb.name,
                if ports.is_empty() {
                    "none".into()
                } else {
                    ports
                }
            ),
            fix,
        )]);
    }
    let mut out = Vec::new();
    for l in on_port {
        if l.forwards_to.is_empty() {
            out.push(Finding::new(
                "nlb-listener-not-forwarding",
                Severity::Fail,
                HOP,
                &lb.name,
                format!(
                    "the {}:{port} listener forwards to no target group",
                    l.protocol
                ),
                format!(
                    "aws elbv2 describe-listeners --listener-arns {} (then point its default action at the control plane's target group)",
                    l.arn
                ),
            ));
        }
        if l.protocol.eq_ignore_ascii_case("TLS") {
            out.push(Finding::new(
                "nlb-listener-tls",
                Severity::Warn,
                HOP,
                &lb.name,
                format!(
                    "the {port} listener terminates TLS: clients meet the listener's certificate, not the API server's, and client certificates never reach the API"
                ),
                format!(
                    "use a TCP listener on {port} so TLS goes through to the API server: aws elbv2 modify-listener --listener-arn {} --protocol TCP",
                    l.arn
                ),
            ));
        }
    }
    if ctx.path.target_groups.is_empty()
        && let Some(why) = &ctx.path.target_groups_unknown
    {
        return Err(Missing::new("the API's target group", why.clone()));
    }
    Ok(out)
}
