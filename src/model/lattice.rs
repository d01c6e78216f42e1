//! Amazon VPC Lattice as this host's VPC sees it: the service networks it is associated
//! with, their services (listeners, rules, target groups and targets).

use super::privatelink::normalize_dns_name;
use serde::{Deserialize, Serialize};

/// A VPC Lattice service to check, as given: its name, ARN, id, DNS name or custom domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatticeApi {
    pub service: String,
    /// Base64 PEM of a CA for an HTTPS listener whose certificate a public CA did not sign.
    #[serde(skip)]
    pub ca_data: Option<String>,
    pub ca_from: Option<String>,
}

impl LatticeApi {
    pub fn new(service: &str) -> Self {
        LatticeApi {
            service: service.trim().trim_end_matches('.').to_string(),
            ca_data: None,
            ca_from: None,
        }
    }

    /// The name given, when it is a DNS name (known before anything is read).
    pub fn dns_name(&self) -> Option<String> {
        let s = &self.service;
        (s.contains('.') && !s.starts_with("arn:")).then(|| s.to_ascii_lowercase())
    }
}

/// Where Lattice answers inside every VPC: the link-local ranges its DNS names resolve to.
pub const LINK_LOCAL_V4: &str = "169.254.171.0/24";
pub const LINK_LOCAL_V6: &str = "fd00:ec2:80::/64";

/// Whether `ip` is one of the addresses VPC Lattice answers on inside a VPC.
pub fn is_link_local(ip: std::net::IpAddr) -> bool {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => LINK_LOCAL_V4
            .parse::<ipnet::Ipv4Net>()
            .is_ok_and(|n| n.contains(&v4)),
        std::net::IpAddr::V6(v6) => LINK_LOCAL_V6
            .parse::<ipnet::Ipv6Net>()
            .is_ok_and(|n| n.contains(&v6)),
    }
}

/// An AWS-managed prefix list: `com.amazonaws.REGION.vpc-lattice` is where Lattice's
/// traffic to its targets comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    pub name: String,
}

impl PrefixList {
    /// The names of the lists Lattice's traffic comes from in `region`.
    pub fn lattice_names(region: &str) -> Vec<String> {
        vec![
            format!("com.amazonaws.{region}.vpc-lattice"),
            format!("com.amazonaws.{region}.ipv6.vpc-lattice"),
        ]
    }

    pub fn is_lattice(&self) -> bool {
        self.name.ends_with(".vpc-lattice")
    }
}

/// This VPC's association with one service network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeAssociation {
    pub id: String,
    pub network_id: String,
    pub network_name: String,
    pub vpc_id: String,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`,
    /// `CREATE_FAILED`, `DELETE_FAILED`, `UPDATE_FAILED`.
    pub status: String,
    /// The security groups that judge this VPC's traffic into the network.
    pub sg_ids: Vec<String>,
}

impl LatticeAssociation {
    pub fn active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }
}

/// Who may call: `NONE`, or `AWS_IAM` with an auth policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatticeAuth {
    /// `NONE` or `AWS_IAM`.
    pub auth_type: String,
    /// Whether an auth policy is attached; `None` when it could not be read.
    pub policy: Option<bool>,
}

impl LatticeAuth {
    /// `AWS_IAM` without a policy denies every request.
    pub fn denies_all(&self) -> Option<bool> {
        if !self.auth_type.eq_ignore_ascii_case("AWS_IAM") {
            return Some(false);
        }
        self.policy.map(|p| !p)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeNetwork {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub auth: LatticeAuth,
}

/// What a listener or rule does with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum LatticeAction {
    /// To these target groups (ids), by weight.
    Forward { target_groups: Vec<String> },
    /// A fixed status, no target.
    Fixed { status: u16 },
    /// An action this tool does not know.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeRule {
    pub id: String,
    pub name: String,
    pub priority: Option<i32>,
    pub action: LatticeAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeListener {
    pub id: String,
    pub name: String,
    /// `HTTP`, `HTTPS`, `TLS_PASSTHROUGH`.
    pub protocol: String,
    pub port: u16,
    pub default_action: LatticeAction,
    pub rules: Vec<LatticeRule>,
}

impl LatticeListener {
    /// Whether a client speaks TLS to it (HTTPS, or TLS passed through).
    pub fn tls(&self) -> bool {
        !self.protocol.eq_ignore_ascii_case("HTTP")
    }

    /// The target groups any of its rules or its default action forward to.
    pub fn target_groups(&self) -> Vec<&str> {
        std::iter::once(&self.default_action)
            .chain(self.rules.iter().map(|r| &r.action))
            .flat_map(|a| match a {
                LatticeAction::Forward { target_groups } => {
                    target_groups.iter().map(String::as_str).collect()
                }
                _ => Vec::new(),
            })
            .collect()
    }
}

/// A service's association with a service network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeMembership {
    pub network_id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeService {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, ...
    pub status: String,
    /// The name Lattice gives it: `NAME-ID.7d67968.vpc-lattice-svcs.REGION.on.aws`.
    pub dns_name: Option<String>,
    pub custom_domain: Option<String>,
    pub auth: LatticeAuth,
    pub networks: Vec<LatticeMembership>,
    pub listeners: Vec<LatticeListener>,
}

impl LatticeService {
    /// The name clients use: the custom domain, else Lattice's own.
    pub fn host(&self) -> Option<String> {
        self.custom_domain
            .as_ref()
            .or(self.dns_name.as_ref())
            .map(|d| super::privatelink::normalize_dns_name(d))
    }

    pub fn active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }

    /// The listener a probe goes to: HTTPS on 443 if there is one, else the first.
    pub fn probed_listener(&self) -> Option<&LatticeListener> {
        self.listeners
            .iter()
            .find(|l| l.port == 443)
            .or(self.listeners.first())
    }

    /// The membership in `network_id`, if the service is in it.
    pub fn membership(&self, network_id: &str) -> Option<&LatticeMembership> {
        self.networks.iter().find(|n| n.network_id == network_id)
    }

    /// Whether `name` (a name, ARN, id, DNS name or custom domain) is this service.
    pub fn is(&self, name: &str) -> bool {
        let n = super::privatelink::normalize_dns_name(name);
        [Some(&self.name), Some(&self.arn), Some(&self.id)]
            .into_iter()
            .flatten()
            .any(|x| x == name)
            || [&self.dns_name, &self.custom_domain]
                .into_iter()
                .flatten()
                .any(|d| super::privatelink::normalize_dns_name(d) == n)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeTarget {
    pub id: String,
    pub port: Option<u16>,
    /// `HEALTHY`, `UNHEALTHY`, `UNAVAILABLE`, `DRAINING`, `UNUSED`.
    pub status: String,
    pub reason: Option<String>,
}

impl LatticeTarget {
    /// The target's IP, for `IP` groups.
    pub fn ip(&self) -> Option<std::net::IpAddr> {
        self.id.parse().ok()
    }

    pub fn healthy(&self) -> bool {
        self.status.eq_ignore_ascii_case("HEALTHY")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeTargetGroup {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `IP`, `INSTANCE`, `LAMBDA`, `ALB`.
    pub kind: String,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub vpc_id: Option<String>,
    pub status: String,
    pub targets: Vec<LatticeTarget>,
}

impl LatticeTargetGroup {
    /// Whether `id` (an id or ARN, as rules name groups) is this group.
    pub fn is(&self, id: &str) -> bool {
        self.id == id || self.arn == id
    }

    pub fn is_ip(&self) -> bool {
        self.kind.eq_ignore_ascii_case("IP")
    }
}

/// A VPC endpoint of type `Resource` (to one resource configuration) or `ServiceNetwork`
/// (to every resource and service of a network) in this host's VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeEndpoint {
    pub id: String,
    /// `Resource` or `ServiceNetwork`.
    pub kind: String,
    pub vpc_id: String,
    /// `available`, `pendingAcceptance`, `pending`, `failed`, ...
    pub state: String,
    pub subnet_ids: Vec<String>,
    pub eni_ids: Vec<String>,
    /// The private IPs of its ENIs: what its DNS names answer.
    pub ips: Vec<std::net::Ipv4Addr>,
    pub sg_ids: Vec<String>,
    pub resource_configuration_arn: Option<String>,
    pub service_network_arn: Option<String>,
}

impl LatticeEndpoint {
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }

    /// What the endpoint leads to: its resource configuration, else its service network.
    pub fn target(&self) -> Option<&str> {
        self.resource_configuration_arn
            .as_deref()
            .or(self.service_network_arn.as_deref())
    }
}

/// What a resource configuration points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum ResourceDefinition {
    Dns(String),
    Ip(String),
    Arn(String),
    Other,
}

/// A resource configuration: a resource (by DNS name, IP or ARN) behind a resource
/// gateway, shared through Lattice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceConfig {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, ... `CREATE_FAILED`.
    pub status: String,
    pub gateway_id: Option<String>,
    pub definition: ResourceDefinition,
    /// `443`, `8000-8080`, or `1-65535`.
    pub port_ranges: Vec<String>,
    pub custom_domain: Option<String>,
    /// The service network a `ServiceNetwork` endpoint found it through.
    pub via_network: Option<String>,
}

impl ResourceConfig {
    pub fn active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }

    /// Whether `port` is in one of its port ranges.
    pub fn allows_port(&self, port: u16) -> bool {
        self.port_ranges.iter().any(|r| {
            let (lo, hi) = r.split_once('-').unwrap_or((r, r));
            match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
                (Ok(lo), Ok(hi)) => (lo..=hi).contains(&port),
                _ => false,
            }
        })
    }

    /// Whether this configuration's ARN or id is `id`.
    pub fn is(&self, id: &str) -> bool {
        self.arn == id || self.id == id
    }
}

/// A resource gateway: where Lattice's traffic to a resource enters its VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceGateway {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub status: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub sg_ids: Vec<String>,
}

impl ResourceGateway {
    pub fn active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }
}

impl LatticeEndpoint {
    /// Whether `c` is behind this endpoint: its own configuration, or one associated with
    /// the service network it leads to.
    pub fn leads_to(&self, c: &ResourceConfig) -> bool {
        self.resource_configuration_arn.as_deref() == Some(c.arn.as_str())
            || (self.service_network_arn.is_some() && c.via_network == self.service_network_arn)
    }
}

/// One of this VPC's endpoints and a resource configuration behind it.
#[derive(Debug, Clone, Copy)]
pub struct SharedApi<'a> {
    pub endpoint: &'a LatticeEndpoint,
    pub config: &'a ResourceConfig,
}

impl super::Model {
    /// Each of this VPC's endpoints with the configurations behind it that `keep` admits.
    pub fn lattice_pairs(
        &self,
        keep: impl Fn(&LatticeEndpoint, &ResourceConfig) -> bool,
    ) -> Vec<SharedApi<'_>> {
        let (Some(endpoints), Some(configs)) = (
            self.lattice_endpoints.value(),
            self.resource_configs.value(),
        ) else {
            return Vec::new();
        };
        endpoints
            .iter()
            .flat_map(|e| configs.iter().map(move |c| (e, c)))
            .filter(|(e, c)| e.leads_to(c) && keep(e, c))
            .map(|(endpoint, config)| SharedApi { endpoint, config })
            .collect()
    }

    /// Whether `c` sends to the cluster: its endpoint's name, an address of its ENIs, or
    /// its ARN.
    pub fn names_cluster(&self, c: &ResourceConfig) -> bool {
        let Some(cluster) = self.cluster.value() else {
            return false;
        };
        match &c.definition {
            ResourceDefinition::Dns(d) => normalize_dns_name(d) == cluster.host(),
            ResourceDefinition::Ip(ip) => self
                .enis
                .value()
                .is_some_and(|e| e.iter().any(|e| e.ip.to_string() == *ip)),
            ResourceDefinition::Arn(arn) => cluster.arn == *arn,
            ResourceDefinition::Other => false,
        }
    }

    /// The configurations behind this VPC's endpoints that are for the cluster: they name
    /// it, or their custom domain is its endpoint's name (what clients resolve).
    pub fn shared_api(&self) -> Vec<SharedApi<'_>> {
        let host = self.cluster.value().map(super::Cluster::host);
        self.lattice_pairs(|_, c| {
            self.names_cluster(c)
                || c.custom_domain
                    .as_deref()
                    .is_some_and(|d| Some(normalize_dns_name(d)) == host)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_hold_single_ports_and_ranges() {
        let c = ResourceConfig {
            id: "rcfg-1".into(),
            arn: "arn".into(),
            name: "api".into(),
            status: "ACTIVE".into(),
            gateway_id: None,
            definition: ResourceDefinition::Other,
            port_ranges: vec!["443".into(), "8000-8080".into()],
            custom_domain: None,
            via_network: None,
        };
        assert!(c.allows_port(443) && c.allows_port(8000) && c.allows_port(8080));
        assert!(!c.allows_port(80) && !c.allows_port(8081));
    }

    #[test]
    fn iam_auth_without_a_policy_denies_everything() {
        let auth = |t: &str, p| LatticeAuth {
            auth_type: t.into(),
            policy: p,
        };
        assert_eq!(auth("AWS_IAM", Some(false)).denies_all(), Some(true));
        assert_eq!(auth("AWS_IAM", Some(true)).denies_all(), Some(false));
        assert_eq!(auth("AWS_IAM", None).denies_all(), None);
        assert_eq!(auth("NONE", None).denies_all(), Some(false));
    }

    #[test]
    fn a_listener_leads_to_the_groups_of_its_rules_and_default() {
        let l = LatticeListener {
            id: "listener-1".into(),
            name: "http".into(),
            protocol: "HTTP".into(),
            port: 80,
            default_action: LatticeAction::Fixed { status: 404 },
            rules: vec![LatticeRule {
                id: "rule-1".into(),
                name: "api".into(),
                priority: Some(10),
                action: LatticeAction::Forward {
                    target_groups: vec!["tg-1".into()],
                },
            }],
        };
        assert_eq!(l.target_groups(), ["tg-1"]);
    }
}
