//! The EKS cluster, its EKS-owned ENIs, and this host (the origin of every probe).

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `FAILED`.
    pub status: String,
    pub version: String,
    /// The API endpoint URL, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com`.
    pub endpoint: String,
    pub private_access: bool,
    pub public_access: bool,
    pub public_cidrs: Vec<String>,
    /// The cluster security group EKS attaches to its ENIs.
    pub cluster_sg: Option<String>,
    /// Additional security groups from `resourcesVpcConfig.securityGroupIds`.
    pub extra_sgs: Vec<String>,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    /// Base64 PEM of the cluster CA (`certificateAuthority.data`).
    pub ca_data: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointMode {
    Public,
    PublicPrivate,
    Private,
    /// Both flags off: not a state EKS allows, but report it rather than guess.
    None,
}

impl EndpointMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::PublicPrivate => "public+private",
            Self::Private => "private",
            Self::None => "none",
        }
    }
}

impl Cluster {
    pub fn mode(&self) -> EndpointMode {
        match (self.public_access, self.private_access) {
            (true, false) => EndpointMode::Public,
            (true, true) => EndpointMode::PublicPrivate,
            (false, true) => EndpointMode::Private,
            (false, false) => EndpointMode::None,
        }
    }

    /// The endpoint host name, lower-cased, without scheme, port or path.
    pub fn host(&self) -> String {
        endpoint_host(&self.endpoint)
    }

    /// The port the endpoint URL names, else HTTPS's.
    pub fn endpoint_port(&self) -> u16 {
        let rest = self
            .endpoint
            .split_once("://")
            .map_or(self.endpoint.as_str(), |(_, r)| r);
        rest.split('/')
            .next()
            .and_then(|authority| authority.rsplit_once(':'))
            .and_then(|(_, port)| port.parse().ok())
            .unwrap_or(443)
    }

    /// The account id, taken from the ARN (`arn:aws:eks:REGION:ACCOUNT:cluster/NAME`).
    pub fn account(&self) -> Option<&str> {
        self.arn.split(':').nth(4).filter(|a| !a.is_empty())
    }

    pub fn region(&self) -> Option<&str> {
        self.arn.split(':').nth(3).filter(|a| !a.is_empty())
    }

    /// Every security group EKS puts on its ENIs.
    pub fn eni_sgs(&self) -> Vec<String> {
        self.cluster_sg
            .iter()
            .chain(self.extra_sgs.iter())
            .cloned()
            .collect()
    }
}

pub fn endpoint_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or(rest);
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// A network interface that EKS owns in a cluster subnet: the private endpoint lives on these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eni {
    pub id: String,
    pub ip: Ipv4Addr,
    /// Its IPv6 addresses: an IPv6 cluster's endpoint answers them on AAAA.
    pub ipv6: Vec<std::net::Ipv6Addr>,
    pub subnet_id: String,
    pub az: String,
    /// `in-use`, `available`, `attaching`, ...
    pub status: String,
    pub sg_ids: Vec<String>,
    pub description: String,
    /// When it was attached: about when EKS created it for the control plane.
    pub attached_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Eni {
    pub fn in_use(&self) -> bool {
        self.status.eq_ignore_ascii_case("in-use")
    }
}

/// This host, where the operator stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub vpc_id: String,
    pub subnet_id: Option<String>,
    pub ip: Option<Ipv4Addr>,
    pub sg_ids: Vec<String>,
    pub instance_id: Option<String>,
    /// How the origin was found: `--from-vpc`, `instance metadata`, `demo`.
    pub found_by: String,
}

impl Origin {
    pub fn from_vpc(vpc_id: &str) -> Self {
        Self {
            vpc_id: vpc_id.to_string(),
            subnet_id: None,
            ip: None,
            sg_ids: Vec::new(),
            instance_id: None,
            found_by: "--from-vpc".into(),
        }
    }

    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(i) = &self.instance_id {
            parts.push(i.clone());
        }
        if let Some(ip) = self.ip {
            parts.push(ip.to_string());
        }
        parts.push(format!("in {}", self.vpc_id));
        if let Some(s) = &self.subnet_id {
            parts.push(s.clone());
        }
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_is_taken_from_the_url() {
        assert_eq!(
            endpoint_host("https://ABC123.gr7.eu-west-1.eks.amazonaws.com"),
            "abc123.gr7.eu-west-1.eks.amazonaws.com"
        );
        assert_eq!(
            endpoint_host("https://api.k8s.internal:6443/"),
            "api.k8s.internal"
        );
        assert_eq!(endpoint_host("plain.example."), "plain.example");
    }
}
