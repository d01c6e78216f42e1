//! The `resource-gateway` hop: where Lattice's traffic enters the cluster's VPC.

use super::found;
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::HopName;
use crate::diagnose::finding::{Finding, Missing, Severity, list};
use crate::diagnose::sg::{Allowed, Source as From, tcp_allowed};
use crate::model::Source;
use crate::model::lattice::{ResourceConfig, ResourceGateway};

const GATEWAY: Option<HopName> = Some(HopName::ResourceGateway);

/// The configurations' gateways.
pub(super) fn gateways<'a>(
    ctx: &Ctx<'a>,
) -> Result<Vec<(&'a ResourceConfig, &'a ResourceGateway)>, Missing> {
    let all = need(&ctx.m.resource_gateways, Source::ResourceGateways)?;
    let mut out = Vec::new();
    for s in found(ctx)? {
        let Some(id) = &s.config.gateway_id else {
            return Err(Missing::new(
                format!("the resource gateway of {}", s.config.name),
                "the resource configuration names none",
            ));
        };
        let g = all.iter().find(|g| &g.id == id).ok_or_else(|| {
            Missing::new(
                format!("resource gateway {id}"),
                format!(
                    "{} did not return it",
                    Source::ResourceGateways.spec().action()
                ),
            )
        })?;
        if !out
            .iter()
            .any(|(_, x): &(_, &ResourceGateway)| x.id == g.id)
        {
            out.push((s.config, g));
        }
    }
    Ok(out)
}

/// The gateway is active, has a subnet in each zone the ENIs use, and the ENIs' groups
/// admit its traffic on the API's port.
pub fn gateway(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let port = ctx.m.endpoint_port();
    let enis = need(&ctx.m.enis, Source::Enis)?;
    let subnets = need(&ctx.m.subnets, Source::Subnets)?;
    let sgs = need(&ctx.m.security_groups, Source::SecurityGroups)?;
    let in_use: Vec<_> = enis.iter().filter(|e| e.in_use()).collect();
    let mut out = Vec::new();
    for (_, g) in gateways(ctx)? {
        if !g.active() {
            out.push(Finding::new(
                "lattice-gateway-inactive",
                Severity::Fail,
                GATEWAY,
                &g.id,
                format!("resource gateway {} is {}, not ACTIVE", g.name, g.status),
                format!(
                    "aws vpc-lattice get-resource-gateway --resource-gateway-identifier {}",
                    g.id
                ),
            ));
        }
        let own: Vec<_> = subnets
            .iter()
            .filter(|s| g.subnet_ids.contains(&s.id))
            .collect();
        if own.len() < g.subnet_ids.len() {
            return Err(Missing::new(
                format!("the subnets of resource gateway {}", g.name),
                format!(
                    "{} did not return {} (outside the cluster's VPC?)",
                    Source::Subnets.spec().action(),
                    list(&g.subnet_ids)
                ),
            ));
        }
        let mut zones: Vec<&str> = in_use
            .iter()
            .map(|e| e.az.as_str())
            .filter(|az| !own.iter().any(|s| s.az == *az))
            .collect();
        zones.sort_unstable();
        zones.dedup();
        if !zones.is_empty() {
            out.push(Finding::new(
                "lattice-gateway-zone-missing",
                Severity::Warn,
                GATEWAY,
                &g.id,
                format!(
                    "resource gateway {} has no subnet in {} where EKS ENIs serve the API: that traffic crosses zones, and an outage of the gateway's zones cuts it",
                    g.name,
                    list(&zones)
                ),
                format!(
                    "aws vpc-lattice update-resource-gateway --resource-gateway-identifier {} (recreate it with a subnet in {}: aws vpc-lattice create-resource-gateway --vpc-identifier {} --subnet-ids ...)",
                    g.id,
                    list(&zones),
                    g.vpc_id
                ),
            ));
        }
        // The ENIs see the gateway's addresses in its subnets, and its groups.
        let eni_sgs: Vec<&String> = in_use.iter().flat_map(|e| e.sg_ids.iter()).collect();
        let groups: Vec<_> = sgs.iter().filter(|x| eni_sgs.contains(&&x.id)).collect();
        if groups.is_empty() {
            return Err(Missing::new(
                "the EKS ENIs' security groups",
                format!(
                    "{} did not return them",
                    Source::SecurityGroups.spec().action()
                ),
            ));
        }
        let verdicts: Vec<Allowed> = own
            .iter()
            .map(|s| {
                tcp_allowed(
                    &groups,
                    port,
                    &From {
                        ip: None,
                        sg_ids: &g.sg_ids,
                        range: Some(s.cidr),
                    },
                )
            })
            .collect();
        if verdicts.iter().all(|v| matches!(v, Allowed::Yes(_))) {
            continue;
        }
        if let Some(Allowed::Maybe(why)) = verdicts.iter().find(|v| matches!(v, Allowed::Maybe(_)))
        {
            return Err(Missing::new(
                format!("whether {why} admits resource gateway {}", g.name),
                "prefix list entries are not read",
            ));
        }
        let cluster_sg = groups[0].id.clone();
        out.push(Finding::new(
            "lattice-gateway-sg-blocked",
            Severity::Fail,
            GATEWAY,
            &cluster_sg,
            format!(
                "the EKS ENIs' security group(s) {} do not admit TCP {port} from resource gateway {} (its groups {}, its subnets {})",
                list(groups.iter().map(|x| &x.id)),
                g.name,
                if g.sg_ids.is_empty() {
                    "none".to_string()
                } else {
                    list(&g.sg_ids)
                },
                list(own.iter().map(|s| s.cidr))
            ),
            match g.sg_ids.first() {
                Some(gw) => format!(
                    "aws ec2 authorize-security-group-ingress --group-id {cluster_sg} --protocol tcp --port {port} --source-group {gw}"
                ),
                None => format!(
                    "aws ec2 authorize-security-group-ingress --group-id {cluster_sg} --protocol tcp --port {port} --cidr {}",
                    own[0].cidr
                ),
            },
        ));
    }
    Ok(out)
}
