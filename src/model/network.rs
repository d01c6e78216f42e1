//! VPCs, subnets, route tables, security groups and peering connections.

use ipnet::Ipv4Net;
use serde::Serialize;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vpc {
    pub id: String,
    pub name: Option<String>,
    pub cidrs: Vec<Ipv4Net>,
    /// `enableDnsSupport`; `None` when the attribute could not be read.
    pub dns_support: Option<bool>,
    /// `enableDnsHostnames`; `None` when the attribute could not be read.
    pub dns_hostnames: Option<bool>,
}

impl Vpc {
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.cidrs.iter().any(|c| c.contains(&ip))
    }

    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({n})", self.id),
            None => self.id.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub name: Option<String>,
    pub az: String,
    pub cidr: Ipv4Net,
    pub free_ips: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's main table serves every subnet without an explicit association.
    pub main: bool,
    pub subnet_ids: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub destination: Ipv4Net,
    pub target: RouteTarget,
    /// `active` or `blackhole`.
    pub state: String,
}

impl Route {
    pub fn is_active(&self) -> bool {
        self.state.eq_ignore_ascii_case("active")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "kebab-case")]
pub enum RouteTarget {
    Local,
    Peering(String),
    Gateway(String),
    Nat(String),
    TransitGateway(String),
    Other(String),
}

impl std::fmt::Display for RouteTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteTarget::Local => f.write_str("local"),
            RouteTarget::Peering(id)
            | RouteTarget::Gateway(id)
            | RouteTarget::Nat(id)
            | RouteTarget::TransitGateway(id)
            | RouteTarget::Other(id) => f.write_str(id),
        }
    }
}

impl RouteTable {
    /// The most specific active route for `ip`, as the VPC router picks it.
    pub fn lookup(&self, ip: Ipv4Addr) -> Option<&Route> {
        self.routes
            .iter()
            .filter(|r| r.destination.contains(&ip))
            .max_by_key(|r| r.destination.prefix_len())
    }
}

/// The route table a subnet uses: its explicit association, else its VPC's main table.
pub fn table_for_subnet<'a>(
    tables: &'a [RouteTable],
    vpc_id: &str,
    subnet_id: &str,
) -> Option<&'a RouteTable> {
    tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| tables.iter().find(|t| t.main && t.vpc_id == vpc_id))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp` or `-1` for all.
    pub protocol: String,
    pub from_port: Option<u16>,
    pub to_port: Option<u16>,
    pub sources: Vec<SgSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum SgSource {
    Cidr(Ipv4Net),
    Group(String),
    PrefixList(String),
}

impl SgRule {
    pub fn covers_tcp_port(&self, port: u16) -> bool {
        match self.protocol.as_str() {
            "-1" | "all" => true,
            p if p.eq_ignore_ascii_case("tcp") || p == "6" => {
                match (self.from_port, self.to_port) {
                    (Some(from), Some(to)) => from <= port && port <= to,
                    _ => true,
                }
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peering {
    pub id: String,
    /// `active`, `pending-acceptance`, `deleted`, `rejected`, `failed`, `expired`, ...
    pub status: String,
    pub requester: PeerSide,
    pub accepter: PeerSide,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerSide {
    pub vpc_id: String,
    pub owner: Option<String>,
    pub region: Option<String>,
    pub cidrs: Vec<Ipv4Net>,
    /// Whether this side resolves the peer's private DNS hostnames to private IPs.
    pub allow_remote_dns: Option<bool>,
}

impl Peering {
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("active")
    }

    pub fn joins(&self, a: &str, b: &str) -> bool {
        (self.requester.vpc_id == a && self.accepter.vpc_id == b)
            || (self.requester.vpc_id == b && self.accepter.vpc_id == a)
    }
}
