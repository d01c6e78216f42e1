//! VPC endpoint services (PrivateLink) and the interface endpoints that use them.

use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointService {
    pub id: String,
    /// `com.amazonaws.vpce.REGION.vpce-svc-...`
    pub name: String,
    /// `Available`, `Pending`, `Deleting`, `Failed`, ...
    pub state: String,
    pub nlb_arns: Vec<String>,
    pub acceptance_required: bool,
    /// The zones (names, in the service owner's account) where it can be reached.
    pub zones: Vec<String>,
}

impl EndpointService {
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointConnection {
    pub service_id: String,
    pub endpoint_id: String,
    /// `pendingAcceptance`, `pending`, `available`, `rejected`, `expired`, `failed`, `deleted`.
    pub state: String,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterfaceEndpoint {
    pub id: String,
    pub vpc_id: String,
    pub service_name: String,
    /// Same vocabulary as connections; compared case-insensitively.
    pub state: String,
    pub subnet_ids: Vec<String>,
    /// The endpoint's ENIs, one per subnet.
    pub eni_ids: Vec<String>,
    /// Their private IPs, joined in from [`EniAddress`]es.
    pub ips: Vec<Ipv4Addr>,
    /// Their IPv6 addresses (a dual-stack endpoint), joined in the same way.
    pub ipv6: Vec<Ipv6Addr>,
    pub dns_names: Vec<String>,
    pub sg_ids: Vec<String>,
}

/// The private IP of one network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EniAddress {
    pub eni_id: String,
    pub ip: Ipv4Addr,
    pub ipv6: Vec<Ipv6Addr>,
}

impl InterfaceEndpoint {
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }

    /// Whether `name` (e.g. an alias target) is one of this endpoint's DNS names.
    pub fn answers_to(&self, name: &str) -> bool {
        let want = normalize_dns_name(name);
        self.dns_names.iter().any(|n| normalize_dns_name(n) == want)
    }
}

/// Lower-case, no trailing dot, no `dualstack.` prefix (Route53 adds it to alias targets).
pub fn normalize_dns_name(name: &str) -> String {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    match n.strip_prefix("dualstack.") {
        Some(rest) => rest.to_string(),
        None => n,
    }
}
