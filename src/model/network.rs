//! VPCs, subnets, route tables, security groups and peering connections.

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub name: Option<String>,
    pub cidrs: Vec<Ipv4Net>,
    /// `enableDnsSupport`; `None` when the attribute could not be read.
    pub dns_support: Option<bool>,
    /// `enableDnsHostnames`; `None` when the attribute could not be read.
    pub dns_hostnames: Option<bool>,
    /// The DHCP options set associated with it (`default` for AWS's default set).
    pub dhcp_options_id: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub name: Option<String>,
    pub az: String,
    /// The zone's ID (`euw1-az2`), the same in every account; names are shuffled per account.
    pub az_id: Option<String>,
    pub cidr: Ipv4Net,
    pub free_ips: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's main table serves every subnet without an explicit association.
    pub main: bool,
    pub subnet_ids: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp` or `-1` for all.
    pub protocol: String,
    pub from_port: Option<u16>,
    pub to_port: Option<u16>,
    pub sources: Vec<SgSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peering {
    pub id: String,
    /// `active`, `pending-acceptance`, `deleted`, `rejected`, `failed`, `expired`, ...
    pub status: String,
    pub requester: PeerSide,
    pub accepter: PeerSide,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A network ACL: stateless rules at the subnet boundary, evaluated in number order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's default ACL, which holds every subnet not associated with another.
    pub default: bool,
    pub subnet_ids: Vec<String>,
    pub entries: Vec<AclEntry>,
}

/// One numbered rule of a network ACL (IPv4 only: IPv6 rules never match this traffic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AclEntry {
    pub number: i32,
    pub egress: bool,
    /// `-1` for all, `6` for TCP, `17` for UDP.
    pub protocol: String,
    pub allow: bool,
    pub cidr: Ipv4Net,
    /// Inclusive port range; `None` for all ports.
    pub ports: Option<(u16, u16)>,
}

impl AclEntry {
    fn matches_tcp(&self, egress: bool, peer: Ipv4Addr, port: u16) -> bool {
        self.egress == egress
            && (self.protocol == "-1" || self.protocol == "6")
            && self.cidr.contains(&peer)
            && self.ports.is_none_or(|(lo, hi)| (lo..=hi).contains(&port))
    }

    /// `rule 90 (deny tcp 0.0.0.0/0 443)`.
    pub fn label(&self) -> String {
        let number = if self.number == 32767 {
            "*".to_string()
        } else {
            self.number.to_string()
        };
        let proto = match self.protocol.as_str() {
            "-1" => "all",
            "6" => "tcp",
            "17" => "udp",
            p => p,
        };
        let ports = match self.ports {
            Some((lo, hi)) if lo == hi => format!(" {lo}"),
            Some((lo, hi)) => format!(" {lo}-{hi}"),
            None => String::new(),
        };
        let action = if self.allow { "allow" } else { "deny" };
        format!("rule {number} ({action} {proto} {}{ports})", self.cidr)
    }
}

/// Where a range of ports is stopped: the first port denied and the rule that denies it
/// (`None` for the implicit deny when no rule matches).
#[derive(Debug, Clone, PartialEq)]
pub struct AclBlock<'a> {
    pub port: u16,
    pub rule: Option<&'a AclEntry>,
}

impl NetworkAcl {
    /// The first rule, by number, that matches TCP with `peer` on `port` in one direction.
    pub fn decide(&self, egress: bool, peer: Ipv4Addr, port: u16) -> Option<&AclEntry> {
        self.entries
            .iter()
            .filter(|e| e.matches_tcp(egress, peer, port))
            .min_by_key(|e| e.number)
    }

    /// The first port of `lo..=hi` that TCP with `peer` may not use in one direction, if
    /// any. Decisions only change at rule edges, so the edges are all that is tried.
    pub fn blocks(&self, egress: bool, peer: Ipv4Addr, lo: u16, hi: u16) -> Option<AclBlock<'_>> {
        let mut ports = vec![lo, hi];
        for (a, b) in self.entries.iter().filter_map(|e| e.ports) {
            ports.extend([a, b, a.saturating_sub(1), b.saturating_add(1)]);
        }
        ports.retain(|p| (lo..=hi).contains(p));
        ports.sort_unstable();
        ports.dedup();
        ports.into_iter().find_map(|port| {
            let rule = self.decide(egress, peer, port);
            (!rule.is_some_and(|r| r.allow)).then_some(AclBlock { port, rule })
        })
    }
}

/// The ACL that holds `subnet_id`: its explicit association, else the VPC's default.
pub fn acl_for_subnet<'a>(
    acls: &'a [NetworkAcl],
    vpc_id: &str,
    subnet_id: &str,
) -> Option<&'a NetworkAcl> {
    acls.iter()
        .find(|a| a.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| acls.iter().find(|a| a.default && a.vpc_id == vpc_id))
}

#[cfg(test)]
mod acl_tests {
    use super::*;

    fn entry(
        number: i32,
        egress: bool,
        allow: bool,
        cidr: &str,
        ports: Option<(u16, u16)>,
    ) -> AclEntry {
        AclEntry {
            number,
            egress,
            protocol: "6".into(),
            allow,
            cidr: cidr.parse().unwrap(),
            ports,
        }
    }

    #[test]
    fn rules_apply_in_number_order_and_ranges_find_their_first_denied_port() {
        let ip: Ipv4Addr = "172.20.1.10".parse().unwrap();
        let acl = NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            default: false,
            subnet_ids: vec!["subnet-a".into()],
            entries: vec![
                entry(200, false, true, "0.0.0.0/0", None),
                entry(100, false, false, "172.20.0.0/16", Some((443, 443))),
                entry(100, true, true, "0.0.0.0/0", Some((32768, 65535))),
                entry(32767, true, false, "0.0.0.0/0", None),
            ],
        };
        // Rule 100 (deny 443 from the ops CIDR) comes before rule 200 (allow all).
        let r = acl.decide(false, ip, 443).unwrap();
        assert_eq!((r.number, r.allow), (100, false));
        assert!(
            acl.decide(false, "10.0.0.1".parse().unwrap(), 443)
                .unwrap()
                .allow
        );
        // Egress allows only 32768-65535: the return range 1024-65535 is cut at 1024.
        let b = acl.blocks(true, ip, 1024, 65535).unwrap();
        assert_eq!(b.port, 1024);
        assert_eq!(b.rule.unwrap().number, 32767);
        assert_eq!(b.rule.unwrap().label(), "rule * (deny tcp 0.0.0.0/0)");
        assert!(acl.blocks(true, ip, 40000, 50000).is_none());
        // No rule at all: the implicit deny.
        let empty = NetworkAcl {
            entries: vec![],
            ..acl.clone()
        };
        assert_eq!(empty.blocks(false, ip, 443, 443).unwrap().rule, None);
    }

    #[test]
    fn a_subnet_without_an_association_uses_the_default_acl() {
        let acl = |id: &str, default: bool, subnets: &[&str]| NetworkAcl {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            default,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            entries: vec![],
        };
        let acls = [
            acl("acl-default", true, &["subnet-b"]),
            acl("acl-a", false, &["subnet-a"]),
        ];
        assert_eq!(
            acl_for_subnet(&acls, "vpc-1", "subnet-a").unwrap().id,
            "acl-a"
        );
        assert_eq!(
            acl_for_subnet(&acls, "vpc-1", "subnet-z").unwrap().id,
            "acl-default"
        );
        assert!(acl_for_subnet(&acls, "vpc-2", "subnet-z").is_none());
    }
}

/// A VPC's attachment to a transit gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwAttachment {
    pub id: String,
    pub tgw_id: String,
    pub vpc_id: String,
    /// `available`, `pending`, `pendingAcceptance`, `modifying`, `deleting`, `failed`, ...
    pub state: String,
    /// The attachment's subnets: it carries traffic only in their zones.
    pub subnet_ids: Vec<String>,
    /// The transit gateway route table associated with it: the one that routes what it
    /// sends into the transit gateway. `None` when it has no association.
    pub route_table_id: Option<String>,
}

impl TgwAttachment {
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }
}

/// A transit gateway route table with its routes (static and propagated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwRouteTable {
    pub id: String,
    pub routes: Vec<TgwRoute>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwRoute {
    pub destination: Ipv4Net,
    /// `active` or `blackhole`.
    pub state: String,
    /// `static` or `propagated`.
    pub kind: String,
    /// The attachments it sends to, with the resource (VPC) behind each.
    pub attachments: Vec<TgwRouteAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwRouteAttachment {
    pub attachment_id: String,
    pub resource_id: String,
}

impl TgwRoute {
    pub fn is_active(&self) -> bool {
        self.state.eq_ignore_ascii_case("active")
    }
}

impl TgwRouteTable {
    /// The route the transit gateway picks for `ip`: the longest prefix, a static route
    /// before a propagated one of the same prefix.
    pub fn lookup(&self, ip: Ipv4Addr) -> Option<&TgwRoute> {
        self.routes
            .iter()
            .filter(|r| r.destination.contains(&ip))
            .max_by_key(|r| {
                (
                    r.destination.prefix_len(),
                    r.kind.eq_ignore_ascii_case("static"),
                )
            })
    }
}

#[cfg(test)]
mod tgw_tests {
    use super::*;

    fn route(cidr: &str, kind: &str, state: &str, to: &[&str]) -> TgwRoute {
        TgwRoute {
            destination: cidr.parse().unwrap(),
            state: state.into(),
            kind: kind.into(),
            attachments: to
                .iter()
                .map(|a| TgwRouteAttachment {
                    attachment_id: a.to_string(),
                    resource_id: format!("vpc-{a}"),
                })
                .collect(),
        }
    }

    #[test]
    fn the_longest_prefix_wins_and_static_beats_propagated() {
        let t = TgwRouteTable {
            id: "tgw-rtb-1".into(),
            routes: vec![
                route("0.0.0.0/0", "static", "active", &["a"]),
                route("192.168.0.0/16", "propagated", "active", &["b"]),
                route("192.168.0.0/16", "static", "blackhole", &[]),
                route("192.168.10.0/24", "propagated", "active", &["c"]),
            ],
        };
        let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
        assert_eq!(
            t.lookup(ip("192.168.10.5")).unwrap().attachments[0].attachment_id,
            "c"
        );
        let r = t.lookup(ip("192.168.20.5")).unwrap();
        assert_eq!((r.kind.as_str(), r.is_active()), ("static", false));
        assert_eq!(
            t.lookup(ip("10.0.0.1")).unwrap().attachments[0].attachment_id,
            "a"
        );
        let empty = TgwRouteTable {
            id: "x".into(),
            routes: vec![],
        };
        assert!(empty.lookup(ip("10.0.0.1")).is_none());
    }
}

/// A DHCP options set: what a VPC's instances are told to resolve with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    /// `domain-name-servers`; empty means the VPC resolver.
    pub name_servers: Vec<String>,
    pub domain_name: Option<String>,
}

impl DhcpOptions {
    /// Whether queries reach the VPC resolver (AmazonProvidedDNS), the only one that
    /// answers from private hosted zones and Resolver rules.
    pub fn uses_vpc_resolver(&self) -> bool {
        self.name_servers.is_empty()
            || self
                .name_servers
                .iter()
                .any(|s| s.eq_ignore_ascii_case("AmazonProvidedDNS") || s == "169.254.169.253")
    }

    /// The servers that are not the VPC resolver.
    pub fn custom_servers(&self) -> Vec<&str> {
        self.name_servers
            .iter()
            .filter(|s| !s.eq_ignore_ascii_case("AmazonProvidedDNS") && *s != "169.254.169.253")
            .map(String::as_str)
            .collect()
    }
}
