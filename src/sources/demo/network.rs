//! The VPC layer of the simulated account: VPCs, subnets, routes, security groups, peering,
//! the bastion, and ENIs that belong to other things.

use super::ids::*;
use super::scenario::Scenario;
use crate::model::network::acl_for_subnet;
use crate::model::{
    AclEntry, DhcpOptions, Eni, NetworkAcl, Origin, PeerSide, Peering, ResolverEndpoint,
    ResolverRule, Route, RouteTable, RouteTarget, SecurityGroup, SgRule, SgSource, Subnet,
    TgwAttachment, TgwRoute, TgwRouteAttachment, TgwRouteTable, Vpc,
};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub const OPS_CIDR: &str = "172.20.0.0/16";
pub const EKS_CIDR: &str = "192.168.0.0/16";
pub const SHARED_CIDR: &str = "10.50.0.0/16";

pub fn net(cidr: &str) -> Ipv4Net {
    cidr.parse().expect("demo CIDRs are valid")
}

pub fn vpcs(s: Scenario) -> Vec<Vpc> {
    let vpc = |id: &str, name: &str, cidr: &str, hostnames: bool| Vpc {
        id: id.into(),
        name: Some(name.into()),
        cidrs: vec![net(cidr)],
        dns_support: Some(true),
        dns_hostnames: Some(hostnames),
        dhcp_options_id: Some(dhcp_options_of(id, s).into()),
    };
    vec![
        vpc(VPC_OPS, "ops", OPS_CIDR, true),
        vpc(VPC_EKS, "eks", EKS_CIDR, s != Scenario::VpcDnsOff),
        vpc(VPC_SHARED, "shared-services", SHARED_CIDR, true),
    ]
}

pub fn subnets(s: Scenario) -> Vec<Subnet> {
    let subnet = |id: &str, vpc: &str, name: &str, az: &str, cidr: &str, free_ips: u32| Subnet {
        id: id.into(),
        vpc_id: vpc.into(),
        name: Some(name.into()),
        az: az.into(),
        az_id: Some(az_id(az).into()),
        cidr: net(cidr),
        free_ips,
    };
    let full = s == Scenario::UpgradeNoRoom;
    let eks_c_free = match s {
        Scenario::SubnetExhausted => 3,
        Scenario::UpgradeNoRoom => 0,
        _ => 241,
    };
    let (eks_a_free, eks_b_free) = if full { (1, 0) } else { (236, 238) };
    vec![
        subnet(
            SUBNET_OPS_PUBLIC_A,
            VPC_OPS,
            "ops-public-a",
            AZ_A,
            "172.20.0.0/24",
            249,
        ),
        subnet(
            SUBNET_OPS_A,
            VPC_OPS,
            "ops-private-a",
            AZ_A,
            "172.20.1.0/24",
            244,
        ),
        subnet(
            SUBNET_OPS_B,
            VPC_OPS,
            "ops-private-b",
            AZ_B,
            "172.20.2.0/24",
            246,
        ),
        subnet(
            SUBNET_EKS_A,
            VPC_EKS,
            "eks-private-a",
            AZ_A,
            "192.168.10.0/24",
            eks_a_free,
        ),
        subnet(
            SUBNET_EKS_B,
            VPC_EKS,
            "eks-private-b",
            AZ_B,
            "192.168.20.0/24",
            eks_b_free,
        ),
        subnet(
            SUBNET_EKS_C,
            VPC_EKS,
            "eks-private-c",
            AZ_C,
            "192.168.30.0/24",
            eks_c_free,
        ),
        subnet(
            SUBNET_SHARED_A,
            VPC_SHARED,
            "shared-private-a",
            AZ_A,
            "10.50.1.0/24",
            250,
        ),
    ]
}

fn route(destination: &str, target: RouteTarget, state: &str) -> Route {
    Route {
        destination: net(destination),
        target,
        state: state.into(),
    }
}

fn local(cidr: &str) -> Route {
    route(cidr, RouteTarget::Local, "active")
}

pub fn route_tables(s: Scenario) -> Vec<RouteTable> {
    // A deleted peering leaves its routes in place as blackholes.
    let peer_state = if s == Scenario::PeeringInactive {
        "blackhole"
    } else {
        "active"
    };
    // Over the transit gateway the same routes point at it instead of the peering.
    let to_peer = |cidr: &str| {
        if s.over_tgw() {
            route(cidr, RouteTarget::TransitGateway(TGW.into()), "active")
        } else {
            route(cidr, RouteTarget::Peering(PCX.into()), peer_state)
        }
    };
    let table =
        |id: &str, vpc: &str, main: bool, subnets: &[&str], routes: Vec<Route>| RouteTable {
            id: id.into(),
            vpc_id: vpc.into(),
            main,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            routes,
        };
    vec![
        table(
            RTB_OPS_MAIN,
            VPC_OPS,
            true,
            &[SUBNET_OPS_PUBLIC_A],
            vec![
                local(OPS_CIDR),
                route("0.0.0.0/0", RouteTarget::Gateway(IGW_OPS.into()), "active"),
            ],
        ),
        table(
            RTB_OPS_PRIVATE,
            VPC_OPS,
            false,
            &[SUBNET_OPS_A, SUBNET_OPS_B],
            vec![
                local(OPS_CIDR),
                to_peer(EKS_CIDR),
                route("0.0.0.0/0", RouteTarget::Nat(NAT_OPS.into()), "active"),
            ],
        ),
        table(RTB_EKS_MAIN, VPC_EKS, true, &[], vec![local(EKS_CIDR)]),
        table(
            RTB_EKS_PRIVATE,
            VPC_EKS,
            false,
            &[SUBNET_EKS_A, SUBNET_EKS_B, SUBNET_EKS_C],
            vec![local(EKS_CIDR), to_peer(OPS_CIDR)],
        ),
        table(
            RTB_SHARED_MAIN,
            VPC_SHARED,
            true,
            &[],
            vec![local(SHARED_CIDR)],
        ),
    ]
}

pub(super) fn tcp(port: u16, sources: Vec<SgSource>) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        sources,
    }
}

fn cidr(c: &str) -> SgSource {
    SgSource::Cidr(net(c))
}

pub fn security_groups(s: Scenario) -> Vec<SecurityGroup> {
    let mut cluster_rules = Vec::new();
    // Health checks and forwarded traffic arrive from the NLB's IPs in these subnets.
    if s != Scenario::TargetsUnhealthy {
        cluster_rules.push(tcp(
            443,
            vec![cidr("192.168.10.0/24"), cidr("192.168.20.0/24")],
        ));
    }
    cluster_rules.push(tcp(443, vec![cidr(OPS_CIDR)]));
    cluster_rules.push(SgRule {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        sources: vec![SgSource::Group(SG_CLUSTER.into())],
    });
    let sg = |id: &str, name: &str, vpc: &str, ingress: Vec<SgRule>| SecurityGroup {
        id: id.into(),
        name: name.into(),
        vpc_id: vpc.into(),
        ingress,
    };
    vec![
        // Reached through Session Manager, so nothing needs to come in.
        sg(SG_BASTION, "bastion", VPC_OPS, vec![]),
        sg(
            SG_VPCE_API,
            "vpce-eks-api",
            VPC_OPS,
            vec![tcp(443, vec![cidr(OPS_CIDR)])],
        ),
        sg(
            SG_VPCE_SSM,
            "vpce-ssm",
            VPC_OPS,
            vec![tcp(443, vec![cidr(OPS_CIDR)])],
        ),
        sg(SG_CLUSTER, SG_CLUSTER_NAME, VPC_EKS, cluster_rules),
        // PrivateLink traffic reaches the NLB from the clients' own addresses; in
        // nlb-sg-blocks-443 someone narrowed the group to the cluster VPC.
        sg(
            SG_NLB_API,
            "eks-api-nlb",
            VPC_EKS,
            vec![tcp(
                443,
                vec![cidr(if s == Scenario::NlbSgBlocks443 {
                    EKS_CIDR
                } else {
                    OPS_CIDR
                })],
            )],
        ),
    ]
}

/// The ops VPC's own DHCP options; the other VPCs keep AWS's default set.
pub fn dhcp_options_of(vpc_id: &str, _s: Scenario) -> &'static str {
    if vpc_id == VPC_OPS {
        DOPT_OPS
    } else {
        DOPT_DEFAULT
    }
}

pub fn dhcp_options(s: Scenario) -> Vec<DhcpOptions> {
    let set = |id: &str, servers: &[&str]| DhcpOptions {
        id: id.into(),
        name_servers: servers.iter().map(|s| s.to_string()).collect(),
        domain_name: Some(format!("{REGION}.compute.internal")),
    };
    let ops: &[&str] = if s == Scenario::DhcpCustomDns {
        &ONPREM_DNS
    } else {
        &["AmazonProvidedDNS"]
    };
    vec![
        set(DOPT_OPS, ops),
        set(DOPT_DEFAULT, &["AmazonProvidedDNS"]),
    ]
}

/// The ops VPC forwards the corporate domain to the on-premises servers; AWS associates its
/// Internet Resolver rule with every VPC. In `resolver-rule-shadows-zone` someone also
/// forwarded `eks.amazonaws.com` there.
pub fn resolver_rules(s: Scenario) -> Vec<(ResolverRule, Vec<String>)> {
    let targets: Vec<String> = ONPREM_DNS.iter().map(|ip| format!("{ip}:53")).collect();
    let rule = |id: &str, name: &str, domain: &str, kind: &str, forward: bool| ResolverRule {
        id: id.into(),
        name: Some(name.into()),
        domain: domain.into(),
        rule_type: kind.into(),
        status: "COMPLETE".into(),
        targets: if forward { targets.clone() } else { vec![] },
        endpoint_id: forward.then(|| RSLVR_OUT.into()),
    };
    let all = vec![
        VPC_OPS.to_string(),
        VPC_EKS.to_string(),
        VPC_SHARED.to_string(),
    ];
    let mut rules = vec![
        (
            rule(
                RSLVR_RULE_INTERNET,
                "Internet Resolver",
                ".",
                "RECURSIVE",
                false,
            ),
            all,
        ),
        (
            rule(
                RSLVR_RULE_CORP,
                "corp-forward",
                ONPREM_DOMAIN,
                "FORWARD",
                true,
            ),
            vec![VPC_OPS.to_string()],
        ),
    ];
    if s == Scenario::ResolverRuleShadowsZone {
        rules.push((
            rule(
                RSLVR_RULE_EKS,
                "aws-to-onprem",
                "eks.amazonaws.com",
                "FORWARD",
                true,
            ),
            vec![VPC_OPS.to_string()],
        ));
    }
    rules
}

pub fn resolver_endpoints(_s: Scenario) -> Vec<ResolverEndpoint> {
    vec![ResolverEndpoint {
        id: RSLVR_OUT.into(),
        name: Some("ops-outbound".into()),
        direction: "OUTBOUND".into(),
        status: "OPERATIONAL".into(),
        vpc_id: VPC_OPS.into(),
        ip_count: Some(2),
    }]
}

/// Both VPCs' attachments, each with a subnet in every zone it serves, associated with one
/// route table that both propagate into.
pub fn tgw_attachments(s: Scenario) -> Vec<TgwAttachment> {
    if !s.over_tgw() {
        return vec![];
    }
    let att = |id: &str, vpc: &str, subnets: &[&str]| TgwAttachment {
        id: id.into(),
        tgw_id: TGW.into(),
        vpc_id: vpc.into(),
        state: "available".into(),
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        route_table_id: Some(TGW_RTB.into()),
    };
    let eks_subnets: &[&str] = if s == Scenario::TgwZoneMissing {
        &[SUBNET_EKS_A, SUBNET_EKS_C]
    } else {
        &[SUBNET_EKS_A, SUBNET_EKS_B, SUBNET_EKS_C]
    };
    let mut eks = att(TGW_ATTACH_EKS, VPC_EKS, eks_subnets);
    // A cross-account attachment waits for the gateway's owner; AWS associates it only
    // once accepted.
    if s == Scenario::TgwAttachmentPending {
        eks.state = "pendingAcceptance".into();
        eks.route_table_id = None;
    }
    vec![
        att(TGW_ATTACH_OPS, VPC_OPS, &[SUBNET_OPS_A, SUBNET_OPS_B]),
        eks,
    ]
}

/// In `tgw-route-missing` the ops attachment no longer propagates into the table; in
/// `tgw-blackhole` a static blackhole for the cluster VPC overrides its propagated route.
pub fn tgw_route_tables(s: Scenario) -> Vec<TgwRouteTable> {
    if !s.over_tgw() {
        return vec![];
    }
    let propagated = |cidr: &str, to: &str, vpc: &str| TgwRoute {
        destination: net(cidr),
        state: "active".into(),
        kind: "propagated".into(),
        attachments: vec![TgwRouteAttachment {
            attachment_id: to.into(),
            resource_id: vpc.into(),
        }],
    };
    let mut routes = vec![propagated(EKS_CIDR, TGW_ATTACH_EKS, VPC_EKS)];
    if s != Scenario::TgwRouteMissing {
        routes.push(propagated(OPS_CIDR, TGW_ATTACH_OPS, VPC_OPS));
    }
    if s == Scenario::TgwBlackhole {
        routes.push(TgwRoute {
            destination: net(EKS_CIDR),
            state: "blackhole".into(),
            kind: "static".into(),
            attachments: vec![],
        });
    }
    vec![TgwRouteTable {
        id: TGW_RTB.into(),
        routes,
    }]
}

pub fn peerings(s: Scenario) -> Vec<Peering> {
    if s.over_tgw() {
        return vec![];
    }
    let side = |vpc: &str, c: &str| PeerSide {
        vpc_id: vpc.into(),
        owner: Some(ACCOUNT.into()),
        region: Some(REGION.into()),
        cidrs: vec![net(c)],
        allow_remote_dns: Some(true),
    };
    let status = if s == Scenario::PeeringInactive {
        "deleted"
    } else {
        "active"
    };
    vec![Peering {
        id: PCX.into(),
        status: status.into(),
        requester: side(VPC_OPS, OPS_CIDR),
        accepter: side(VPC_EKS, EKS_CIDR),
    }]
}

pub fn origin() -> Origin {
    Origin {
        vpc_id: VPC_OPS.into(),
        subnet_id: Some(SUBNET_OPS_A.into()),
        ip: Some(BASTION_IP),
        sg_ids: vec![SG_BASTION.into()],
        instance_id: Some(INSTANCE.into()),
        found_by: "demo".into(),
    }
}

/// ENIs a description filter must leave out: the bastion's, the NLB's, and a pod ENI
/// that even carries the cluster security group.
pub fn other_enis() -> Vec<Eni> {
    let eni =
        |id: &str, ip: Ipv4Addr, subnet: &str, az: &str, sgs: &[&str], description: &str| Eni {
            id: id.into(),
            ip,
            ipv6: vec![],
            subnet_id: subnet.into(),
            az: az.into(),
            status: "in-use".into(),
            sg_ids: sgs.iter().map(|s| s.to_string()).collect(),
            description: description.into(),
            attached_at: None,
        };
    let nlb = "ELB net/eks-api-private/50dc6c495c0c9188";
    vec![
        eni(
            "eni-0a1b2c3d4e5f6a101",
            BASTION_IP,
            SUBNET_OPS_A,
            AZ_A,
            &[SG_BASTION],
            "",
        ),
        eni(
            "eni-0a1b2c3d4e5f6b201",
            NLB_API_IP_A,
            SUBNET_EKS_A,
            AZ_A,
            &[],
            nlb,
        ),
        eni(
            "eni-0a1b2c3d4e5f6b202",
            NLB_API_IP_B,
            SUBNET_EKS_B,
            AZ_B,
            &[],
            nlb,
        ),
        eni(
            "eni-0a1b2c3d4e5f6b301",
            Ipv4Addr::new(192, 168, 30, 40),
            SUBNET_EKS_C,
            AZ_C,
            &[SG_CLUSTER],
            &format!("aws-K8S-{NODE_INSTANCE}"),
        ),
    ]
}

/// Whether any of `groups` lets TCP `port` in from `ip`.
pub fn admits(groups: &[&SecurityGroup], port: u16, ip: Ipv4Addr) -> bool {
    groups.iter().any(|g| {
        g.ingress
            .iter()
            .filter(|r| r.covers_tcp_port(port))
            .any(|r| {
                r.sources
                    .iter()
                    .any(|src| matches!(src, SgSource::Cidr(n) if n.contains(&ip)))
            })
    })
}

/// Each VPC's default network ACL, open both ways as AWS creates it; in `nacl-blocks-443`
/// the ops subnet in the second AZ has its own ACL that stops 443 from the bastion's subnet.
pub fn network_acls(s: Scenario) -> Vec<NetworkAcl> {
    let entry =
        |number: i32, egress: bool, allow: bool, cidr: &str, ports: Option<(u16, u16)>| AclEntry {
            number,
            egress,
            protocol: if ports.is_some() { "6" } else { "-1" }.into(),
            allow,
            cidr: net(cidr),
            ports,
        };
    let open = |mut first: Vec<AclEntry>| {
        for egress in [false, true] {
            first.push(entry(100, egress, true, "0.0.0.0/0", None));
            first.push(entry(32767, egress, false, "0.0.0.0/0", None));
        }
        first
    };
    let default = |id: &str, vpc: &str| NetworkAcl {
        id: id.into(),
        vpc_id: vpc.into(),
        default: true,
        subnet_ids: vec![],
        entries: open(vec![]),
    };
    let mut acls = vec![
        default("acl-0a1b2c3d4e5f6c001", VPC_OPS),
        default("acl-0a1b2c3d4e5f6c002", VPC_EKS),
        default("acl-0a1b2c3d4e5f6c003", VPC_SHARED),
    ];
    // In nacl-blocks-return the same subnet lets 443 in but not the answers out.
    let custom = match s {
        Scenario::NaclBlocks443 => Some(entry(90, false, false, "172.20.1.0/24", Some((443, 443)))),
        Scenario::NaclBlocksReturn => {
            Some(entry(90, true, false, "172.20.1.0/24", Some((1024, 65535))))
        }
        _ => None,
    };
    if let Some(rule) = custom {
        acls.push(NetworkAcl {
            id: ACL_OPS_B.into(),
            vpc_id: VPC_OPS.into(),
            default: false,
            subnet_ids: vec![SUBNET_OPS_B.into()],
            entries: open(vec![rule]),
        });
    }
    acls
}

/// Whether the network ACLs let a TCP connection from `from` to `to` on `port` through,
/// and its answer back; within one subnet no ACL applies.
pub fn acls_pass(
    subnets: &[Subnet],
    acls: &[NetworkAcl],
    from: Ipv4Addr,
    to: Ipv4Addr,
    port: u16,
) -> bool {
    let find = |ip: Ipv4Addr| subnets.iter().find(|s| s.cidr.contains(&ip));
    let (Some(a), Some(b)) = (find(from), find(to)) else {
        return true;
    };
    if a.id == b.id {
        return true;
    }
    let acl = |s: &Subnet| acl_for_subnet(acls, &s.vpc_id, &s.id);
    let (lo, hi) = (1024, 65535);
    let open = |s: &Subnet, egress: bool, peer: Ipv4Addr, p: (u16, u16)| {
        acl(s).is_none_or(|x| x.blocks(egress, peer, p.0, p.1).is_none())
    };
    open(a, true, to, (port, port))
        && open(b, false, from, (port, port))
        && open(b, true, from, (lo, hi))
        && open(a, false, to, (lo, hi))
}
