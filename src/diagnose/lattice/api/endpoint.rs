//! The `lattice-endpoint` hop: this VPC's endpoint and the resource configuration behind it.

use super::{Shared, found};
use crate::diagnose::ctx::Ctx;
use crate::diagnose::finding::HopName;
use crate::diagnose::finding::{Finding, Missing, Severity, list};
use crate::diagnose::sg::{Allowed, admits_some, tcp_allowed};
use crate::model::lattice::{LatticeEndpoint, ResourceDefinition};

const ENDPOINT: Option<HopName> = Some(HopName::LatticeEndpoint);

/// The endpoint is available and admits this host; its configuration is active, on the
/// API's port, and names the cluster.
pub fn endpoint(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let port = ctx.m.endpoint_port();
    let host = ctx.cluster()?.host();
    let mut out = Vec::new();
    for Shared {
        endpoint: e,
        config: c,
    } in found(ctx)?
    {
        if !e.is_available() {
            out.push(Finding::new(
                "lattice-endpoint-not-available",
                Severity::Fail,
                ENDPOINT,
                &e.id,
                format!("{} endpoint {} is {}, not available", e.kind, e.id, e.state),
                format!("aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {}", e.id),
            ));
        }
        if !c.active() {
            out.push(Finding::new(
                "lattice-resource-inactive",
                Severity::Fail,
                ENDPOINT,
                &c.arn,
                format!("resource configuration {} is {}, not ACTIVE", c.name, c.status),
                format!(
                    "aws vpc-lattice get-resource-configuration --resource-configuration-identifier {}",
                    c.id
                ),
            ));
        }
        if !c.allows_port(port) {
            out.push(Finding::new(
                "lattice-resource-port",
                Severity::Fail,
                ENDPOINT,
                &c.arn,
                format!(
                    "resource configuration {} carries ports {}, not the API's {port}",
                    c.name,
                    list(&c.port_ranges)
                ),
                format!(
                    "aws vpc-lattice update-resource-configuration --resource-configuration-identifier {} --port-ranges {port}",
                    c.id
                ),
            ));
        }
        if !ctx.m.names_cluster(c) {
            let named = match &c.definition {
                ResourceDefinition::Dns(d) => format!("the name {d}"),
                ResourceDefinition::Ip(ip) => format!("the address {ip}"),
                ResourceDefinition::Arn(a) => format!("the resource {a}"),
                ResourceDefinition::Other => "a resource this tool does not know".into(),
            };
            let ips = ctx.eni_ips().unwrap_or_default();
            out.push(Finding::new(
                "lattice-resource-wrong-address",
                Severity::Fail,
                ENDPOINT,
                &c.arn,
                format!(
                    "resource configuration {} answers for {host} but sends to {named}, not the cluster's endpoint {host}{}",
                    c.name,
                    if ips.is_empty() {
                        String::new()
                    } else {
                        format!(" (ENI IPs {})", list(&ips))
                    }
                ),
                format!(
                    "aws vpc-lattice update-resource-configuration --resource-configuration-identifier {} --resource-configuration-definition 'dnsResource={{domainName={host},ipAddressType=IPV4}}'",
                    c.id
                ),
            ));
        }
        out.extend(endpoint_groups(ctx, e, port)?);
    }
    Ok(out)
}

/// The endpoint's security groups admit this host on the API's port.
fn endpoint_groups(ctx: &Ctx, e: &LatticeEndpoint, port: u16) -> Result<Vec<Finding>, Missing> {
    if e.sg_ids.is_empty() {
        return Ok(vec![]);
    }
    let origin = ctx.origin()?;
    let (groups, from) = crate::diagnose::lattice::groups_from(ctx, &e.sg_ids)?;
    let range = from.range;
    match tcp_allowed(&groups, port, &from) {
        Allowed::Yes(_) => Ok(vec![]),
        Allowed::Maybe(why) => Err(Missing::new(
            format!("whether {why} admits this host"),
            "prefix list entries are not read",
        )),
        // No rule on the port admits any of this VPC: whoever this host is, it is dropped.
        Allowed::No if origin.ip.is_none() && admits_some(&groups, port, range) => {
            Err(Missing::new(
                "this host's address",
                format!(
                    "placed by --from-vpc: endpoint {}'s groups do not admit all of {} on TCP {port}",
                    e.id, origin.vpc_id
                ),
            ))
        }
        Allowed::No => Ok(vec![Finding::new(
            "lattice-endpoint-sg-blocks",
            Severity::Fail,
            ENDPOINT,
            &e.sg_ids[0],
            format!(
                "the security group(s) {} of endpoint {} do not admit this host ({}) on TCP {port}",
                list(&e.sg_ids),
                e.id,
                origin.label()
            ),
            format!(
                "aws ec2 authorize-security-group-ingress --group-id {} --protocol tcp --port {port} --cidr {}",
                e.sg_ids[0],
                match (origin.ip, range) {
                    (Some(ip), _) => format!("{ip}/32"),
                    (None, Some(r)) => r.to_string(),
                    (None, None) => "<this host's address>/32".into(),
                }
            ),
        )]),
    }
}
