//! The NLB in front of the ENIs: internal, listening on 443, forwarding to an `ip` group.

use crate::diagnose::ctx::{Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::{LoadBalancer, Source};

const HOP: Option<HopName> = Some(HopName::Nlb);

/// An NLB that is not active, or not internal.
pub fn state(lb: &LoadBalancer) -> Vec<Finding> {
    let mut out = Vec::new();
    if !lb.state.eq_ignore_ascii_case("active") {
        out.push(Finding::new(
            "nlb-not-active",
            Severity::Fail,
            HOP,
            &lb.name,
            format!("load balancer state is {}", lb.state),
            "wait for provisioning to finish or recreate the load balancer",
        ));
    }
    if !lb.is_internal() {
        out.push(Finding::new(
            "nlb-not-internal",
            Severity::Warn,
            HOP,
            &lb.name,
            format!(
                "scheme is {}: the API path is exposed outside the VPC",
                lb.scheme
            ),
            "use an internal NLB for the private endpoint path",
        ));
    }
    out
}

pub fn nlb_wiring(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    need(&ctx.m.load_balancers, Source::LoadBalancers)?;
    let listeners = need(&ctx.m.listeners, Source::Listeners)?;
    // Without the groups the listeners still tell whether anything listens on the port.
    let groups = need(&ctx.m.target_groups, Source::TargetGroups);
    let port = ctx.m.endpoint_port();
    let mut unjudged = None;
    if ctx.path.nlbs.is_empty() {
        if ctx.route == Route::Privatelink {
            let why = match ctx.path.services.first() {
                Some(s) => format!(
                    "endpoint service {} names NLB(s) {} that were not found in the cluster VPC",
                    s.id,
                    list(&s.nlb_arns)
                ),
                None => {
                    "no network load balancer in the cluster VPC fronts the EKS ENIs".to_string()
                }
            };
            return Ok(vec![Finding::new(
                "nlb-missing",
                Severity::Fail,
                HOP,
                ctx.cluster_vpc_id().unwrap_or("cluster VPC"),
                why,
                "create an internal NLB in the cluster VPC with a TCP 443 listener forwarding to an ip target group of the ENI IPs",
            )]);
        }
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for lb in &ctx.path.nlbs {
        out.extend(state(lb));
        let on_443: Vec<_> = listeners
            .iter()
            .filter(|l| l.lb_arn == lb.arn && l.port == port)
            .collect();
        if on_443.is_empty() {
            let ports = list(
                listeners
                    .iter()
                    .filter(|l| l.lb_arn == lb.arn)
                    .map(|l| format!("{}:{}", l.protocol, l.port)),
            );
            out.push(Finding::new("nlb-listener-missing", Severity::Fail, HOP, &lb.name,
                format!("no listener on port {port} (listeners: {})", if ports.is_empty() { "none".into() } else { ports }),
                format!("aws elbv2 create-listener --load-balancer-arn {} --protocol TCP --port {port} --default-actions Type=forward,TargetGroupArn=<ip target group>", lb.arn)));
            continue;
        }
        let groups = match &groups {
            Ok(g) => g,
            Err(m) => {
                unjudged = Some(m.clone());
                continue;
            }
        };
        for l in on_443 {
            let forwarded: Vec<_> = groups
                .iter()
                .filter(|g| l.forwards_to.contains(&g.arn))
                .collect();
            if forwarded.is_empty() {
                out.push(Finding::new("nlb-listener-not-forwarding", Severity::Fail, HOP, &lb.name,
                    format!("the {}:{port} listener does not forward to a target group{}", l.protocol,
                        if l.forwards_to.is_empty() { String::new() } else { format!(" we know ({})", list(&l.forwards_to)) }),
                    "set the listener's default action to forward to the ip target group of the ENI IPs"));
            }
            for g in forwarded.iter().filter(|g| !g.is_ip()) {
                out.push(Finding::new("tg-not-ip", Severity::Fail, HOP, &g.name,
                    format!("target group type is {}: EKS ENIs can only be targets of an ip target group", g.target_type),
                    "create a target group with --target-type ip and point the listener at it"));
            }
        }
    }
    match unjudged {
        Some(m) if out.is_empty() => Err(m),
        _ => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::Loadable;

    #[test]
    fn healthy_nlb_passes() {
        assert!(run(&healthy(), nlb_wiring).unwrap().is_empty());
    }

    #[test]
    fn listener_missing_or_not_forwarding() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.listeners {
            value[0].port = 6443;
        }
        let f = run(&m, nlb_wiring).unwrap();
        assert!(has(&f, "nlb-listener-missing", Severity::Fail));
        assert!(f[0].evidence.contains("TCP:6443"));

        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.listeners {
            value[0].forwards_to = vec!["arn:tg/other".into()];
        }
        assert!(has(
            &run(&m, nlb_wiring).unwrap(),
            "nlb-listener-not-forwarding",
            Severity::Fail
        ));
    }

    #[test]
    fn internet_facing_and_instance_groups() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.load_balancers {
            value[0].scheme = "internet-facing".into();
        }
        if let Loadable::Loaded { value, .. } = &mut m.target_groups {
            value[0].target_type = "instance".into();
        }
        let f = run(&m, nlb_wiring).unwrap();
        assert!(has(&f, "nlb-not-internal", Severity::Warn));
        assert!(has(&f, "tg-not-ip", Severity::Fail));
    }

    #[test]
    fn missing_nlb_fails_the_privatelink_route() {
        let mut m = healthy();
        m.load_balancers = Loadable::loaded(vec![], t0());
        let f = run(&m, nlb_wiring).unwrap();
        assert!(has(&f, "nlb-missing", Severity::Fail), "{f:?}");
    }

    #[test]
    fn unknown_without_listeners() {
        let e = run(&without(healthy(), Part::Listeners), nlb_wiring).unwrap_err();
        assert!(e.what.contains("DescribeListeners"));
    }

    #[test]
    fn a_missing_listener_fails_even_without_the_target_groups() {
        let mut m = without(healthy(), Part::TargetGroups);
        if let Loadable::Loaded { value, .. } = &mut m.listeners {
            value[0].port = 8443;
        }
        let f = run(&m, nlb_wiring).unwrap();
        assert!(has(&f, "nlb-listener-missing", Severity::Fail), "{f:?}");
        // With the listener there, the groups it forwards to are what is missing.
        let e = run(&without(healthy(), Part::TargetGroups), nlb_wiring).unwrap_err();
        assert!(e.what.contains("DescribeTargetGroups"), "{}", e.what);
    }
}
