//! EC2 instances: this host, and what stands behind an API's own NLB (the instances of
//! `instance` target groups, and the ENIs that hold the IPs of `ip` target groups).

use super::ec2::{eni, filter, name_tag, network_interfaces};
use super::errors::source_error;
use crate::model::{Eni, Instance, Origin};
use crate::sources::ApiResult;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as t;

fn instance(i: &t::Instance) -> Option<Instance> {
    let placement = i.placement();
    Some(Instance {
        id: i.instance_id()?.to_string(),
        name: name_tag(i.tags()),
        state: i
            .state()
            .and_then(|s| s.name())
            .map(|n| n.as_str().to_string())
            .unwrap_or_default(),
        vpc_id: i.vpc_id().unwrap_or_default().to_string(),
        subnet_id: i.subnet_id().unwrap_or_default().to_string(),
        az: placement
            .and_then(|p| p.availability_zone())
            .unwrap_or_default()
            .to_string(),
        private_ip: i.private_ip_address().and_then(|ip| ip.parse().ok()),
        sg_ids: i
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id())
            .map(str::to_string)
            .collect(),
    })
}

/// These instances as EC2 describes them, found by id (a filter, so one that is gone is
/// simply not listed).
pub(super) async fn described(ec2: &Client, ids: &[String]) -> ApiResult<Vec<t::Instance>> {
    let reservations: Vec<t::Reservation> = ec2
        .describe_instances()
        .set_filters(Some(vec![filter("instance-id", ids)]))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("ec2:DescribeInstances", e))?;
    Ok(reservations
        .into_iter()
        .flat_map(|r| r.instances.unwrap_or_default())
        .collect())
}

/// These instances.
pub async fn instances(ec2: &Client, ids: &[String]) -> ApiResult<Vec<Instance>> {
    Ok(described(ec2, ids)
        .await?
        .iter()
        .filter_map(instance)
        .collect())
}

/// The ENIs holding these private IPs.
pub async fn enis_holding(ec2: &Client, ips: &[String]) -> ApiResult<Vec<Eni>> {
    let found = network_interfaces(ec2, vec![filter("addresses.private-ip-address", ips)]).await?;
    Ok(found.iter().filter_map(eni).collect())
}

/// This host as EC2 knows it: its primary network interface's VPC, subnet, groups and IP.
pub async fn origin_of_instance(ec2: &Client, instance_id: &str) -> ApiResult<Origin> {
    let found = described(ec2, &[instance_id.to_string()]).await?;
    let Some(i) = found.first() else {
        return Err(crate::model::SourceError::not_found(format!(
            "instance {instance_id} from instance metadata is not in this account and region"
        )));
    };
    let primary = i
        .network_interfaces()
        .iter()
        .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0));
    let (vpc, subnet, ip, sgs) = match primary {
        Some(n) => (
            n.vpc_id(),
            n.subnet_id(),
            n.private_ip_address(),
            n.groups()
                .iter()
                .filter_map(|g| g.group_id())
                .collect::<Vec<_>>(),
        ),
        None => (
            i.vpc_id(),
            i.subnet_id(),
            i.private_ip_address(),
            i.security_groups()
                .iter()
                .filter_map(|g| g.group_id())
                .collect(),
        ),
    };
    let Some(vpc) = vpc else {
        return Err(crate::model::SourceError::other(format!(
            "instance {instance_id} has no VPC (EC2-Classic?)"
        )));
    };
    Ok(Origin {
        vpc_id: vpc.to_string(),
        subnet_id: subnet.map(str::to_string),
        ip: ip.and_then(|x| x.parse().ok()),
        sg_ids: sgs.into_iter().map(str::to_string).collect(),
        instance_id: Some(instance_id.to_string()),
        found_by: "instance metadata".into(),
    })
}
