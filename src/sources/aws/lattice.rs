//! VPC Lattice: this VPC's service network associations, the networks, their services
//! (listeners and rules) and the target groups those lead to.

use super::errors::source_error;
use crate::model::ErrorKind;
use crate::model::lattice::{
    LatticeAction, LatticeAssociation, LatticeAuth, LatticeListener, LatticeMembership,
    LatticeNetwork, LatticeRule, LatticeService, LatticeTarget, LatticeTargetGroup, PrefixList,
    ResourceConfig, ResourceDefinition, ResourceGateway,
};
use crate::sources::ApiResult;
use aws_sdk_vpclattice::Client;
use aws_sdk_vpclattice::types as t;

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn port(p: Option<i32>) -> Option<u16> {
    p.and_then(|p| u16::try_from(p).ok())
}

fn action(a: Option<&t::RuleAction>) -> LatticeAction {
    match a {
        Some(t::RuleAction::Forward(f)) => LatticeAction::Forward {
            target_groups: f
                .target_groups()
                .iter()
                .map(|g| g.target_group_identifier().to_string())
                .collect(),
        },
        Some(t::RuleAction::FixedResponse(f)) => LatticeAction::Fixed {
            status: u16::try_from(f.status_code()).unwrap_or_default(),
        },
        _ => LatticeAction::Other,
    }
}

pub async fn associations(lattice: &Client, vpc_id: &str) -> ApiResult<Vec<LatticeAssociation>> {
    let listed: Vec<t::ServiceNetworkVpcAssociationSummary> = lattice
        .list_service_network_vpc_associations()
        .vpc_identifier(vpc_id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListServiceNetworkVpcAssociations", e))?;
    let mut out = Vec::new();
    for a in listed {
        let id = s(a.id());
        let got = lattice
            .get_service_network_vpc_association()
            .service_network_vpc_association_identifier(&id)
            .send()
            .await
            .map_err(|e| source_error("vpc-lattice:GetServiceNetworkVpcAssociation", e))?;
        out.push(LatticeAssociation {
            network_id: s(a.service_network_id()),
            network_name: s(a.service_network_name()),
            vpc_id: a
                .vpc_id()
                .map_or_else(|| vpc_id.to_string(), str::to_string),
            status: a
                .status()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            sg_ids: got.security_group_ids().to_vec(),
            id,
        });
    }
    Ok(out)
}

/// Whether an auth policy is attached to `resource` (a service network or service).
async fn has_policy(lattice: &Client, resource: &str) -> ApiResult<bool> {
    let got = lattice
        .get_auth_policy()
        .resource_identifier(resource)
        .send()
        .await;
    match got {
        Ok(out) => Ok(out.policy().is_some_and(|p| !p.trim().is_empty())),
        Err(e) => {
            let e = source_error("vpc-lattice:GetAuthPolicy", e);
            if e.kind == ErrorKind::NotFound {
                Ok(false)
            } else {
                Err(e)
            }
        }
    }
}

async fn auth(
    lattice: &Client,
    auth_type: Option<&t::AuthType>,
    resource: &str,
) -> ApiResult<LatticeAuth> {
    let auth_type = auth_type
        .map(|a| a.as_str().to_string())
        .unwrap_or_else(|| "NONE".into());
    let policy = if auth_type.eq_ignore_ascii_case("AWS_IAM") {
        Some(has_policy(lattice, resource).await?)
    } else {
        None
    };
    Ok(LatticeAuth { auth_type, policy })
}

pub async fn network(lattice: &Client, id: &str) -> ApiResult<LatticeNetwork> {
    let n = lattice
        .get_service_network()
        .service_network_identifier(id)
        .send()
        .await
        .map_err(|e| source_error("vpc-lattice:GetServiceNetwork", e))?;
    Ok(LatticeNetwork {
        id: n.id().map_or_else(|| id.to_string(), str::to_string),
        arn: s(n.arn()),
        name: s(n.name()),
        auth: auth(lattice, n.auth_type(), id).await?,
    })
}

async fn listener(
    lattice: &Client,
    service: &str,
    l: &t::ListenerSummary,
) -> ApiResult<LatticeListener> {
    let id = s(l.id());
    let got = lattice
        .get_listener()
        .service_identifier(service)
        .listener_identifier(&id)
        .send()
        .await
        .map_err(|e| source_error("vpc-lattice:GetListener", e))?;
    let rules: Vec<t::RuleSummary> = lattice
        .list_rules()
        .service_identifier(service)
        .listener_identifier(&id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListRules", e))?;
    let mut out = Vec::new();
    // The default rule is the listener's default action, read with the listener.
    for r in rules.iter().filter(|r| r.is_default() != Some(true)) {
        let rid = s(r.id());
        let rule = lattice
            .get_rule()
            .service_identifier(service)
            .listener_identifier(&id)
            .rule_identifier(&rid)
            .send()
            .await
            .map_err(|e| source_error("vpc-lattice:GetRule", e))?;
        out.push(LatticeRule {
            name: s(r.name()),
            priority: r.priority(),
            action: action(rule.action()),
            id: rid,
        });
    }
    Ok(LatticeListener {
        name: s(l.name()),
        protocol: l
            .protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        port: port(l.port()).unwrap_or_default(),
        default_action: action(got.default_action()),
        rules: out,
        id,
    })
}

pub async fn services(lattice: &Client, network_id: &str) -> ApiResult<Vec<LatticeService>> {
    let members: Vec<t::ServiceNetworkServiceAssociationSummary> = lattice
        .list_service_network_service_associations()
        .service_network_identifier(network_id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListServiceNetworkServiceAssociations", e))?;
    let mut out = Vec::new();
    for m in &members {
        out.push(describe(lattice, &s(m.service_id()), std::slice::from_ref(m)).await?);
    }
    Ok(out)
}

/// The service `name` names (an ARN, an id, a name, a DNS name or custom domain) with
/// every network it is in; empty when there is none.
pub async fn service(lattice: &Client, name: &str) -> ApiResult<Vec<LatticeService>> {
    let id = if name.starts_with("arn:") {
        // `arn:aws:vpc-lattice:REGION:ACCOUNT:service/svc-...`: the id every call takes.
        name.rsplit('/').next().unwrap_or(name).to_string()
    } else if name.starts_with("svc-") {
        name.to_string()
    } else {
        let listed: Vec<t::ServiceSummary> = lattice
            .list_services()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| source_error("vpc-lattice:ListServices", e))?;
        let wanted = crate::model::privatelink::normalize_dns_name(name);
        let hit = listed.iter().find(|x| {
            x.name() == Some(name)
                || [
                    x.dns_entry().and_then(|d| d.domain_name()),
                    x.custom_domain_name(),
                ]
                .into_iter()
                .flatten()
                .any(|d| crate::model::privatelink::normalize_dns_name(d) == wanted)
        });
        match hit {
            Some(x) => s(x.id()),
            None => return Ok(Vec::new()),
        }
    };
    let members: Vec<t::ServiceNetworkServiceAssociationSummary> = lattice
        .list_service_network_service_associations()
        .service_identifier(&id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListServiceNetworkServiceAssociations", e))?;
    match describe(lattice, &id, &members).await {
        Ok(svc) => Ok(vec![svc]),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// One service with its listeners and rules, in the networks of `members`.
async fn describe(
    lattice: &Client,
    id: &str,
    members: &[t::ServiceNetworkServiceAssociationSummary],
) -> ApiResult<LatticeService> {
    let svc = lattice
        .get_service()
        .service_identifier(id)
        .send()
        .await
        .map_err(|e| source_error("vpc-lattice:GetService", e))?;
    let id = svc.id().unwrap_or(id).to_string();
    let summaries: Vec<t::ListenerSummary> = lattice
        .list_listeners()
        .service_identifier(&id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListListeners", e))?;
    let mut listeners = Vec::new();
    for l in &summaries {
        listeners.push(listener(lattice, &id, l).await?);
    }
    let first = members.first();
    let dns_name = svc
        .dns_entry()
        .or(first.and_then(|m| m.dns_entry()))
        .and_then(|d| d.domain_name())
        .map(str::to_string);
    Ok(LatticeService {
        arn: s(svc.arn()),
        name: s(svc.name()),
        status: svc
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        dns_name,
        custom_domain: svc
            .custom_domain_name()
            .or(first.and_then(|m| m.custom_domain_name()))
            .map(str::to_string),
        auth: auth(lattice, svc.auth_type(), &id).await?,
        networks: members
            .iter()
            .map(|m| LatticeMembership {
                network_id: s(m.service_network_id()),
                status: m
                    .status()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        listeners,
        id,
    })
}

/// The AWS-managed prefix lists with these names.
pub async fn prefix_lists(
    ec2: &aws_sdk_ec2::Client,
    names: &[String],
) -> ApiResult<Vec<PrefixList>> {
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("prefix-list-name")
        .set_values(Some(names.to_vec()))
        .build();
    let lists: Vec<aws_sdk_ec2::types::ManagedPrefixList> = ec2
        .describe_managed_prefix_lists()
        .filters(filter)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeManagedPrefixLists", e))?;
    Ok(lists
        .iter()
        .map(|l| PrefixList {
            id: s(l.prefix_list_id()),
            name: s(l.prefix_list_name()),
        })
        .collect())
}

pub async fn target_group(lattice: &Client, id: &str) -> ApiResult<LatticeTargetGroup> {
    let g = lattice
        .get_target_group()
        .target_group_identifier(id)
        .send()
        .await
        .map_err(|e| source_error("vpc-lattice:GetTargetGroup", e))?;
    let targets: Vec<t::TargetSummary> = lattice
        .list_targets()
        .target_group_identifier(id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListTargets", e))?;
    let config = g.config();
    Ok(LatticeTargetGroup {
        id: g.id().map_or_else(|| id.to_string(), str::to_string),
        arn: s(g.arn()),
        name: s(g.name()),
        kind: g
            .r#type()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        protocol: config
            .and_then(|c| c.protocol())
            .map(|p| p.as_str().to_string()),
        port: port(config.and_then(|c| c.port())),
        vpc_id: config.and_then(|c| c.vpc_identifier()).map(str::to_string),
        status: g
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        targets: targets
            .iter()
            .map(|t| LatticeTarget {
                id: s(t.id()),
                port: port(t.port()),
                status: t
                    .status()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                reason: t.reason_code().map(str::to_string),
            })
            .collect(),
    })
}

/// The resource configurations `target` leads to: the configuration itself (an ARN of
/// one), or every one associated with a service network (an ARN of a network).
pub async fn resource_configs(lattice: &Client, target: &str) -> ApiResult<Vec<ResourceConfig>> {
    if !target.contains(":servicenetwork/") {
        return Ok(vec![resource_config(lattice, target, None).await?]);
    }
    let listed: Vec<t::ServiceNetworkResourceAssociationSummary> = lattice
        .list_service_network_resource_associations()
        .service_network_identifier(target)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("vpc-lattice:ListServiceNetworkResourceAssociations", e))?;
    let mut out = Vec::new();
    for a in &listed {
        let Some(id) = a.resource_configuration_id() else {
            continue;
        };
        out.push(resource_config(lattice, id, Some(target)).await?);
    }
    Ok(out)
}

async fn resource_config(
    lattice: &Client,
    id: &str,
    via: Option<&str>,
) -> ApiResult<ResourceConfig> {
    let c = lattice
        .get_resource_configuration()
        .resource_configuration_identifier(id)
        .send()
        .await
        .map_err(|e| source_error("vpc-lattice:GetResourceConfiguration", e))?;
    let definition = match c.resource_configuration_definition() {
        Some(t::ResourceConfigurationDefinition::DnsResource(d)) => {
            ResourceDefinition::Dns(s(d.domain_name()))
        }
        Some(t::ResourceConfigurationDefinition::IpResource(i)) => {
            ResourceDefinition::Ip(s(i.ip_address()))
        }
        Some(t::ResourceConfigurationDefinition::ArnResource(a)) => {
            ResourceDefinition::Arn(s(a.arn()))
        }
        _ => ResourceDefinition::Other,
    };
    Ok(ResourceConfig {
        id: c.id().map_or_else(|| id.to_string(), str::to_string),
        arn: s(c.arn()),
        name: s(c.name()),
        status: c
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        gateway_id: c.resource_gateway_id().map(str::to_string),
        definition,
        port_ranges: c.port_ranges().to_vec(),
        custom_domain: c.custom_domain_name().map(str::to_string),
        via_network: via.map(str::to_string),
    })
}

pub async fn resource_gateway(lattice: &Client, id: &str) -> ApiResult<ResourceGateway> {
    let g = lattice
        .get_resource_gateway()
        .resource_gateway_identifier(id)
        .send()
        .await
        .map_err(|e| source_error("vpc-lattice:GetResourceGateway", e))?;
    Ok(ResourceGateway {
        id: g.id().map_or_else(|| id.to_string(), str::to_string),
        arn: s(g.arn()),
        name: s(g.name()),
        status: g
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        vpc_id: s(g.vpc_id()),
        subnet_ids: g.subnet_ids().to_vec(),
        sg_ids: g.security_group_ids().to_vec(),
    })
}
