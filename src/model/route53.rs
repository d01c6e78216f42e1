//! Route53 private hosted zones and the records that steer the endpoint name.

use crate::model::privatelink::normalize_dns_name;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedZone {
    pub id: String,
    /// Zone apex, without the trailing dot.
    pub name: String,
    pub private: bool,
    pub vpcs: Vec<ZoneVpc>,
}

/// The VPCs one private zone is associated with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneAssociations {
    pub zone_id: String,
    pub vpcs: Vec<ZoneVpc>,
}

/// `host` and each parent domain of at least two labels: zones that could serve it.
pub fn candidate_zone_names(host: &str) -> Vec<String> {
    let host = normalize_dns_name(host);
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneVpc {
    pub vpc_id: String,
    pub region: String,
}

impl HostedZone {
    pub fn associated_with(&self, vpc_id: &str) -> bool {
        self.vpcs.iter().any(|v| v.vpc_id == vpc_id)
    }

    /// Whether this zone is authoritative for `host` (same name or a parent).
    pub fn covers(&self, host: &str) -> bool {
        let zone = normalize_dns_name(&self.name);
        let host = normalize_dns_name(host);
        host == zone || host.ends_with(&format!(".{zone}"))
    }

    /// Whether the zone is named `host` itself (not a parent of it).
    pub fn covers_exactly(&self, host: &str) -> bool {
        normalize_dns_name(&self.name) == normalize_dns_name(host)
    }

    /// Labels in the zone name: a longer zone wins for the names it covers.
    pub fn depth(&self) -> usize {
        normalize_dns_name(&self.name).split('.').count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub zone_id: String,
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, ...
    pub rtype: String,
    pub ttl: Option<u32>,
    pub values: Vec<String>,
    pub alias: Option<AliasTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AliasTarget {
    pub dns_name: String,
    pub hosted_zone_id: String,
}

impl Record {
    pub fn is_for(&self, host: &str) -> bool {
        normalize_dns_name(&self.name) == normalize_dns_name(host)
    }
}
