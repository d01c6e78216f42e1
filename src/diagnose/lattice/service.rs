//! The service itself: found and active, in a network this VPC is associated with, not
//! refused by an auth policy, and with a listener that leads to target groups.

use super::{groups, service, shared};
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::Source;
use crate::model::lattice::{LatticeAction, LatticeAuth};

const SERVICE: Option<HopName> = Some(HopName::LatticeService);
const GROUP: Option<HopName> = Some(HopName::TargetGroup);

/// The service asked for exists and is active.
pub fn found(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let listed = need(&ctx.m.lattice_service, Source::LatticeService)?;
    let name = ctx
        .m
        .context
        .api
        .lattice()
        .map_or(String::new(), |a| a.service.clone());
    let Some(s) = listed.first() else {
        return Ok(vec![Finding::new(
            "lattice-service-not-found",
            Severity::Fail,
            SERVICE,
            &name,
            format!(
                "no VPC Lattice service of this account in this region is named {name} (by name, ARN, id, DNS name or custom domain)"
            ),
            "aws vpc-lattice list-services --query 'items[].[name,id,dnsEntry.domainName,customDomainName]' --output table",
        )]);
    };
    if s.active() {
        return Ok(vec![]);
    }
    Ok(vec![Finding::new(
        "lattice-service-inactive",
        Severity::Fail,
        SERVICE,
        &s.arn,
        format!("service {} is {}, not ACTIVE", s.name, s.status),
        format!("aws vpc-lattice get-service --service-identifier {}", s.id),
    )])
}

/// The service is associated, actively, with the networks this VPC is associated with.
pub fn membership(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let origin = ctx.origin()?;
    let own = need(&ctx.m.lattice_associations, Source::LatticeAssociations)?;
    // No network at all: nothing this VPC could join either. With this VPC in some
    // networks, the service belongs in one of them.
    if !s.networks.is_empty() && !shared(ctx, s)?.is_empty() {
        let inactive: Vec<_> = shared(ctx, s)?
            .into_iter()
            .filter_map(|a| s.membership(&a.network_id).map(|m| (a, m)))
            .filter(|(_, m)| !m.status.eq_ignore_ascii_case("ACTIVE"))
            .collect();
        let all = shared(ctx, s)?.len();
        if inactive.len() < all {
            return Ok(vec![]);
        }
        let (a, m) = inactive[0];
        return Ok(vec![Finding::new(
            "lattice-service-not-in-network",
            Severity::Fail,
            SERVICE,
            &s.arn,
            format!(
                "service {}'s association with network {} is {}, not ACTIVE",
                s.name, a.network_name, m.status
            ),
            format!(
                "aws vpc-lattice list-service-network-service-associations --service-identifier {}",
                s.id
            ),
        )]);
    }
    if !s.networks.is_empty() {
        // In networks, none of them this VPC's: the association rule names it.
        return Ok(vec![]);
    }
    let mine: Vec<_> = own.iter().filter(|a| a.vpc_id == origin.vpc_id).collect();
    let fix = match mine.first() {
        Some(a) => format!(
            "aws vpc-lattice create-service-network-service-association --service-network-identifier {} --service-identifier {}",
            a.network_id, s.id
        ),
        None => format!(
            "associate the service with a service network, then this VPC with it: aws vpc-lattice list-service-networks; aws vpc-lattice create-service-network-service-association --service-network-identifier <network> --service-identifier {}",
            s.id
        ),
    };
    Ok(vec![Finding::new(
        "lattice-service-not-in-network",
        Severity::Fail,
        SERVICE,
        &s.arn,
        format!(
            "service {} is associated with no service network{}",
            s.name,
            if mine.is_empty() {
                String::new()
            } else {
                format!(
                    "; this VPC is in {}",
                    list(mine.iter().map(|a| &a.network_name))
                )
            }
        ),
        fix,
    )])
}

/// `AWS_IAM` without an auth policy, on the network or on the service, denies everything.
pub fn auth(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    let origin = ctx.origin()?;
    let mut out = Vec::new();
    let policy = |arn: &str| {
        format!(
            "aws vpc-lattice put-auth-policy --resource-identifier {arn} --policy '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{{\"StringEquals\":{{\"vpc-lattice-svcs:SourceVpc\":\"{}\"}}}}}}]}}'",
            origin.vpc_id
        )
    };
    let mut judge = |what: String, resource: &str, auth: &LatticeAuth| -> Result<(), Missing> {
        match auth.denies_all() {
            Some(true) => out.push(Finding::new(
                "lattice-auth-no-policy",
                Severity::Fail,
                SERVICE,
                resource,
                format!("{what} uses auth type AWS_IAM with no auth policy: every request is denied (403)"),
                policy(resource),
            )),
            Some(false) => {}
            None => {
                return Err(Missing::new(
                    format!("the auth policy of {what}"),
                    format!(
                        "{} could not be read",
                        Source::LatticeNetworks.spec().actions[1]
                    ),
                ));
            }
        }
        Ok(())
    };
    judge(format!("service {}", s.name), &s.arn, &s.auth)?;
    let networks = need(&ctx.m.lattice_networks, Source::LatticeNetworks)?;
    for a in shared(ctx, s)? {
        let n = networks
            .iter()
            .find(|n| n.id == a.network_id)
            .ok_or_else(|| {
                Missing::new(
                    format!("service network {}", a.network_name),
                    format!(
                        "{} did not return it",
                        Source::LatticeNetworks.spec().action()
                    ),
                )
            })?;
        judge(format!("service network {}", n.name), &n.arn, &n.auth)?;
    }
    Ok(out)
}

/// Every listener leads to target groups that exist, through its rules or its default.
pub fn listeners(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let s = service(ctx)?;
    if s.listeners.is_empty() {
        return Ok(vec![Finding::new(
            "lattice-listener-no-targets",
            Severity::Fail,
            GROUP,
            &s.arn,
            format!(
                "service {} has no listener: nothing accepts a request",
                s.name
            ),
            format!(
                "aws vpc-lattice create-listener --service-identifier {} --name http --protocol HTTP --port 80 --default-action 'forward={{targetGroups=[{{targetGroupIdentifier=<target group>}}]}}'",
                s.id
            ),
        )]);
    }
    let (_, missing) = groups(ctx, s)?;
    let probed = s.probed_listener().map(|l| l.id.clone());
    let mut out = Vec::new();
    for l in &s.listeners {
        let sev = if Some(&l.id) == probed.as_ref() {
            Severity::Fail
        } else {
            Severity::Warn
        };
        if l.target_groups().is_empty() {
            let default = match &l.default_action {
                LatticeAction::Fixed { status } => format!("a fixed {status} response"),
                LatticeAction::Forward { .. } => "a forward to no group".into(),
                LatticeAction::Other => "an action this tool does not know".into(),
            };
            out.push(Finding::new(
                "lattice-listener-no-targets",
                sev,
                GROUP,
                &s.arn,
                format!(
                    "listener {} ({} {}) leads to no target group: {} rule(s) and a default of {default}",
                    l.name,
                    l.protocol,
                    l.port,
                    l.rules.len()
                ),
                format!(
                    "aws vpc-lattice update-listener --service-identifier {} --listener-identifier {} --default-action 'forward={{targetGroups=[{{targetGroupIdentifier=<target group>}}]}}'",
                    s.id, l.id
                ),
            ));
        }
        let gone: Vec<&str> = l
            .target_groups()
            .into_iter()
            .filter(|g| missing.iter().any(|m| m == g))
            .collect();
        if !gone.is_empty() {
            out.push(Finding::new(
                "lattice-target-group-missing",
                sev,
                GROUP,
                &s.arn,
                format!(
                    "listener {} ({} {}) forwards to target group(s) {} that {} does not find",
                    l.name,
                    l.protocol,
                    l.port,
                    list(&gone),
                    Source::LatticeTargetGroups.spec().action()
                ),
                format!(
                    "aws vpc-lattice list-target-groups; then point listener {} of service {} at one that exists",
                    l.id, s.id
                ),
            ));
        }
    }
    Ok(out)
}
