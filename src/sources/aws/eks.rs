//! EKS: the clusters in the region and the one being diagnosed.

use super::errors::source_error;
use crate::model::Cluster;
use crate::sources::ApiResult;
use aws_sdk_eks::Client;

pub async fn list_clusters(eks: &Client) -> ApiResult<Vec<String>> {
    eks.list_clusters()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| source_error("eks:ListClusters", e))
}

pub async fn describe_cluster(eks: &Client, name: &str) -> ApiResult<Cluster> {
    let out = eks
        .describe_cluster()
        .name(name)
        .send()
        .await
        .map_err(|e| source_error("eks:DescribeCluster", e))?;
    let Some(c) = out.cluster() else {
        return Err(crate::model::SourceError::not_found(format!(
            "cluster '{name}' not found"
        )));
    };
    let vpc = c.resources_vpc_config();
    Ok(Cluster {
        name: c.name().unwrap_or(name).to_string(),
        arn: c.arn().unwrap_or_default().to_string(),
        status: c
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        version: c.version().unwrap_or_default().to_string(),
        endpoint: c.endpoint().unwrap_or_default().to_string(),
        private_access: vpc.is_some_and(|v| v.endpoint_private_access()),
        public_access: vpc.is_some_and(|v| v.endpoint_public_access()),
        public_cidrs: vpc
            .map(|v| v.public_access_cidrs().to_vec())
            .unwrap_or_default(),
        cluster_sg: vpc
            .and_then(|v| v.cluster_security_group_id())
            .map(str::to_string),
        extra_sgs: vpc
            .map(|v| v.security_group_ids().to_vec())
            .unwrap_or_default(),
        vpc_id: vpc.and_then(|v| v.vpc_id()).map(str::to_string),
        subnet_ids: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
        ca_data: c
            .certificate_authority()
            .and_then(|a| a.data())
            .map(str::to_string),
    })
}
