//! The rules for an API server behind an NLB of its own (a self-managed control plane):
//! `origin -> dns -> nlb -> targets -> api-server`. What this host sees live (answers,
//! probes, hosts file, proxy, resolvers) is judged by the same rules as for EKS.

pub mod nlb;
pub mod routes;
pub mod security;
pub mod targets;
#[cfg(test)]
mod tests;
pub mod zone;

use super::finding::HopName::*;
use super::rules::{Rule, hosts, live, proxy, resolution};
use crate::model::{Instance, Target};

pub const RULES: &[Rule] = &[
    Rule::new("api-nlb", Some(Nlb), nlb::api_nlb),
    Rule::new("api-listener", Some(Nlb), nlb::listener),
    Rule::new("api-zones", Some(Nlb), targets::zones),
    Rule::new("api-routes", Some(Nlb), routes::routes),
    Rule::new("api-targets", Some(Targets), targets::targets),
    Rule::new("api-health-checks", Some(Targets), targets::health_checks),
    Rule::new(
        "api-security-groups",
        Some(Targets),
        security::security_groups,
    ),
    Rule::new("api-zone", Some(Dns), zone::zone),
    Rule::new("dhcp-options", Some(Dns), resolution::dhcp_options),
    Rule::new("resolver-rules", Some(Dns), resolution::resolver_rules),
    Rule::new("hosts-pin", Some(Dns), hosts::hosts_pin),
    Rule::new("proxy", Some(Origin), proxy::proxy),
    Rule::new("dns-answers", Some(Dns), live::dns_answers),
    Rule::new("dns-flapping", Some(Dns), live::dns_flapping),
    Rule::new("probes", Some(ApiServer), live::probes),
];

/// A target of the API's groups with what stands behind it.
pub struct Member<'a> {
    pub target: &'a Target,
    /// For `instance` groups, the instance (`None` when DescribeInstances did not list it).
    pub instance: Option<&'a Instance>,
    /// For `ip` groups, the ENI that holds the IP.
    pub eni: Option<&'a crate::model::Eni>,
    pub is_instance: bool,
}

impl Member<'_> {
    /// The zone the target is in: the load balancer's word, else the instance's or ENI's.
    pub fn az(&self) -> Option<&str> {
        self.target
            .az
            .as_deref()
            .or(self.instance.map(|i| i.az.as_str()))
            .or(self.eni.map(|e| e.az.as_str()))
    }

    pub fn label(&self) -> String {
        match self.instance {
            Some(i) => i.label(),
            None => self.target.id.clone(),
        }
    }

    pub fn sg_ids(&self) -> Option<&[String]> {
        self.instance
            .map(|i| i.sg_ids.as_slice())
            .or(self.eni.map(|e| e.sg_ids.as_slice()))
    }

    pub fn subnet(&self) -> Option<(&str, &str)> {
        self.instance
            .map(|i| (i.vpc_id.as_str(), i.subnet_id.as_str()))
            .or(self.eni.map(|e| ("", e.subnet_id.as_str())))
    }
}

/// The targets of the API's groups on this host's path.
pub fn members<'a>(ctx: &super::Ctx<'a>) -> Vec<Member<'a>> {
    let m = ctx.m;
    let instances = m.instances.value().map(Vec::as_slice).unwrap_or(&[]);
    let enis = m.target_enis.value().map(Vec::as_slice).unwrap_or(&[]);
    m.targets
        .value()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let g = ctx.path.target_groups.iter().find(|g| g.arn == t.tg_arn)?;
            let is_instance = !g.is_ip();
            Some(Member {
                target: t,
                instance: is_instance
                    .then(|| instances.iter().find(|i| i.id == t.id))
                    .flatten(),
                eni: (!is_instance)
                    .then(|| {
                        let ip = t.ip()?;
                        enis.iter().find(|e| e.ip == ip)
                    })
                    .flatten(),
                is_instance,
            })
        })
        .collect()
}
