//! A small, complete model of the healthy PrivateLink setup for rule tests, and helpers to
//! break one thing at a time.

use super::ctx::Ctx;
use super::finding::{Finding, Missing, Severity};
use crate::model::*;
use chrono::{DateTime, TimeZone, Utc};
use std::net::Ipv4Addr;
use std::time::Duration;

pub mod automation;
mod parts;
pub mod replay;
mod tgw;
pub use parts::{Part, without};
pub use tgw::over_tgw;

pub const OPS_VPC: &str = "vpc-ops";
pub const EKS_VPC: &str = "vpc-eks";
pub const CLUSTER_SG: &str = "sg-cluster";
pub const IE_SG: &str = "sg-vpce";
pub const BASTION_SG: &str = "sg-bastion";
pub const HOST: &str = "abc.gr7.eu-west-1.eks.amazonaws.com";
pub const NLB: &str = "arn:nlb/eks-api";
pub const TG: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/eks-api/0123456789abcdef";
pub const PCX: &str = "pcx-1";
pub const TGW: &str = "tgw-1";
pub const BASTION: Ipv4Addr = Ipv4Addr::new(172, 20, 1, 10);
pub const IE_DNS: &str = "vpce-1-abcd.vpce-svc-1.eu-west-1.vpce.amazonaws.com";
pub const SVC_NAME: &str = "com.amazonaws.vpce.eu-west-1.vpce-svc-1";

pub fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000, 0).unwrap()
}

pub fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn tcp443(src: SgSource) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(443),
        to_port: Some(443),
        sources: vec![src],
    }
}

fn cidr(s: &str) -> SgSource {
    SgSource::Cidr(s.parse().unwrap())
}

fn route(dest: &str, target: RouteTarget) -> Route {
    Route {
        destination: dest.parse().unwrap(),
        target,
        state: "active".into(),
    }
}

fn subnet(id: &str, vpc: &str, az: &str, c: &str, free: u32) -> Subnet {
    Subnet {
        id: id.into(),
        vpc_id: vpc.into(),
        name: None,
        az: az.into(),
        az_id: Some(format!(
            "euw1-az{}",
            az.chars().last().map_or(0, |c| c as u32 - 'a' as u32 + 1)
        )),
        cidr: c.parse().unwrap(),
        free_ips: free,
    }
}

fn eni(id: &str, ip_s: &str, subnet: &str, az: &str) -> Eni {
    Eni {
        id: id.into(),
        ip: ip(ip_s),
        ipv6: vec![],
        subnet_id: subnet.into(),
        az: az.into(),
        status: "in-use".into(),
        sg_ids: vec![CLUSTER_SG.into()],
        description: "Amazon EKS demo".into(),
        attached_at: None,
    }
}

pub fn target(ip_s: &str, az: &str, state: &str) -> Target {
    Target {
        tg_arn: TG.into(),
        id: ip_s.into(),
        port: 443,
        az: Some(az.into()),
        state: state.into(),
        reason: None,
        description: None,
    }
}

/// Every source loaded; DNS answers the interface endpoint IPs; probes succeed.
pub fn healthy() -> Model {
    healthy_but(None)
}

/// [`healthy`], with the first read of `failed` denied, as collection would leave it.
pub fn healthy_but(failed: Option<Source>) -> Model {
    let at = t0();
    let mut m = Model::new(Context {
        cluster_name: "demo".into(),
        region: Some("eu-west-1".into()),
        source: "test".into(),
        live: LiveMode::ALL,
        api: Default::default(),
    });
    let l = |m: &mut Model, f: Fetched| {
        let f = match (failed, f.source()) {
            (Some(s), Some(x)) if s == x => Fetched::failed(s, SourceError::denied("test:Denied")),
            _ => f,
        };
        m.apply(f, at)
    };
    l(
        &mut m,
        Fetched::Cluster(Ok(Cluster {
            name: "demo".into(),
            arn: "arn:aws:eks:eu-west-1:111122223333:cluster/demo".into(),
            status: "ACTIVE".into(),
            version: "1.33".into(),
            endpoint: format!("https://{}", HOST.to_uppercase()),
            private_access: true,
            public_access: false,
            public_cidrs: vec![],
            cluster_sg: Some(CLUSTER_SG.into()),
            extra_sgs: vec![],
            vpc_id: Some(EKS_VPC.into()),
            subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
            ca_data: Some("Q0E=".into()),
        })),
    );
    l(
        &mut m,
        Fetched::Origin(Ok(Some(Origin {
            vpc_id: OPS_VPC.into(),
            subnet_id: Some("subnet-ops".into()),
            ip: Some(ip("172.20.1.10")),
            sg_ids: vec![BASTION_SG.into()],
            instance_id: Some("i-1".into()),
            found_by: "test".into(),
        }))),
    );
    l(
        &mut m,
        Fetched::Enis(Ok(vec![
            eni("eni-a", "192.168.10.21", "subnet-a", "eu-west-1a"),
            eni("eni-b", "192.168.20.21", "subnet-b", "eu-west-1b"),
        ])),
    );
    l(
        &mut m,
        Fetched::Vpcs(Ok(vec![
            Vpc {
                id: OPS_VPC.into(),
                name: Some("ops".into()),
                cidrs: vec!["172.20.0.0/16".parse().unwrap()],
                dns_support: Some(true),
                dns_hostnames: Some(true),
                dhcp_options_id: Some("dopt-1".into()),
            },
            Vpc {
                id: EKS_VPC.into(),
                name: Some("eks".into()),
                cidrs: vec!["192.168.0.0/16".parse().unwrap()],
                dns_support: Some(true),
                dns_hostnames: Some(true),
                dhcp_options_id: Some("dopt-1".into()),
            },
        ])),
    );
    l(
        &mut m,
        Fetched::Subnets(Ok(vec![
            subnet("subnet-ops", OPS_VPC, "eu-west-1a", "172.20.1.0/24", 240),
            subnet("subnet-a", EKS_VPC, "eu-west-1a", "192.168.10.0/24", 200),
            subnet("subnet-b", EKS_VPC, "eu-west-1b", "192.168.20.0/24", 200),
            subnet("subnet-ops-b", OPS_VPC, "eu-west-1b", "172.20.2.0/24", 240),
        ])),
    );
    // Every VPC's default network ACL, open both ways as AWS creates it.
    let open = |vpc: &str| crate::model::NetworkAcl {
        id: format!("acl-{vpc}"),
        vpc_id: vpc.into(),
        default: true,
        subnet_ids: vec![],
        entries: [false, true]
            .into_iter()
            .flat_map(|egress| {
                [(100, true), (32767, false)].map(|(number, allow)| crate::model::AclEntry {
                    number,
                    egress,
                    protocol: "-1".into(),
                    allow,
                    cidr: "0.0.0.0/0".parse().unwrap(),
                    ports: None,
                })
            })
            .collect(),
    };
    l(
        &mut m,
        Fetched::NetworkAcls(Ok(vec![open(OPS_VPC), open(EKS_VPC)])),
    );
    l(
        &mut m,
        Fetched::RouteTables(Ok(vec![
            RouteTable {
                id: "rtb-ops".into(),
                vpc_id: OPS_VPC.into(),
                main: true,
                subnet_ids: vec![],
                routes: vec![
                    route("172.20.0.0/16", RouteTarget::Local),
                    route("192.168.0.0/16", RouteTarget::Peering(PCX.into())),
                ],
            },
            RouteTable {
                id: "rtb-eks".into(),
                vpc_id: EKS_VPC.into(),
                main: false,
                subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
                routes: vec![
                    route("192.168.0.0/16", RouteTarget::Local),
                    route("172.20.0.0/16", RouteTarget::Peering(PCX.into())),
                ],
            },
        ])),
    );
    l(
        &mut m,
        Fetched::SecurityGroups(Ok(vec![
            SecurityGroup {
                id: CLUSTER_SG.into(),
                name: "eks-cluster-sg".into(),
                vpc_id: EKS_VPC.into(),
                ingress: vec![
                    tcp443(cidr("192.168.10.0/24")),
                    tcp443(cidr("192.168.20.0/24")),
                    tcp443(cidr("172.20.0.0/16")),
                ],
            },
            SecurityGroup {
                id: IE_SG.into(),
                name: "vpce".into(),
                vpc_id: OPS_VPC.into(),
                ingress: vec![tcp443(cidr("172.20.0.0/16"))],
            },
        ])),
    );
    l(
        &mut m,
        Fetched::Peerings(Ok(vec![Peering {
            id: PCX.into(),
            status: "active".into(),
            requester: PeerSide {
                vpc_id: OPS_VPC.into(),
                owner: None,
                region: None,
                cidrs: vec!["172.20.0.0/16".parse().unwrap()],
                allow_remote_dns: Some(true),
            },
            accepter: PeerSide {
                vpc_id: EKS_VPC.into(),
                owner: None,
                region: None,
                cidrs: vec!["192.168.0.0/16".parse().unwrap()],
                allow_remote_dns: Some(true),
            },
        }])),
    );
    l(&mut m, Fetched::TgwAttachments(Ok(vec![])));
    l(&mut m, Fetched::TgwRoutes(Ok(vec![])));
    l(&mut m, Fetched::ResolverRules(Ok(vec![])));
    l(&mut m, Fetched::RegionClusters(Ok(vec![])));
    l(&mut m, Fetched::SiblingRecords(Ok(vec![])));
    l(&mut m, Fetched::ResolverEndpoints(Ok(vec![])));
    l(
        &mut m,
        Fetched::DhcpOptions(Ok(vec![DhcpOptions {
            id: "dopt-1".into(),
            name_servers: vec!["AmazonProvidedDNS".into()],
            domain_name: Some("eu-west-1.compute.internal".into()),
        }])),
    );
    l(
        &mut m,
        Fetched::LoadBalancers(Ok(vec![LoadBalancer {
            arn: NLB.into(),
            name: "eks-api".into(),
            kind: "network".into(),
            scheme: "internal".into(),
            state: "active".into(),
            vpc_id: EKS_VPC.into(),
            dns_name: "eks-api.elb".into(),
            cross_zone: Some(false),
            zones: vec![
                LbZone {
                    az: "eu-west-1a".into(),
                    subnet_id: "subnet-a".into(),
                    private_ips: vec![ip("192.168.10.200")],
                },
                LbZone {
                    az: "eu-west-1b".into(),
                    subnet_id: "subnet-b".into(),
                    private_ips: vec![ip("192.168.20.200")],
                },
            ],
            sg_ids: vec![],
            sg_on_privatelink: None,
        }])),
    );
    l(
        &mut m,
        Fetched::Listeners(Ok(vec![Listener {
            arn: "arn:listener/1".into(),
            lb_arn: NLB.into(),
            port: 443,
            protocol: "TCP".into(),
            forwards_to: vec![TG.into()],
        }])),
    );
    l(
        &mut m,
        Fetched::TargetGroups(Ok(vec![TargetGroup {
            arn: TG.into(),
            name: "eks-api".into(),
            target_type: "ip".into(),
            protocol: "TCP".into(),
            port: 443,
            vpc_id: EKS_VPC.into(),
            lb_arns: vec![NLB.into()],
            health_check: Some(crate::model::HealthCheck::tcp()),
        }])),
    );
    l(
        &mut m,
        Fetched::Targets(Ok(vec![
            target("192.168.10.21", "eu-west-1a", "healthy"),
            target("192.168.20.21", "eu-west-1b", "healthy"),
        ])),
    );
    l(
        &mut m,
        Fetched::EndpointServices(Ok(vec![EndpointService {
            id: "vpce-svc-1".into(),
            name: SVC_NAME.into(),
            state: "Available".into(),
            nlb_arns: vec![NLB.into()],
            acceptance_required: true,
            zones: vec!["eu-west-1a".into(), "eu-west-1b".into()],
        }])),
    );
    l(
        &mut m,
        Fetched::EndpointConnections(Ok(vec![EndpointConnection {
            service_id: "vpce-svc-1".into(),
            endpoint_id: "vpce-1".into(),
            state: "available".into(),
            owner: None,
        }])),
    );
    l(
        &mut m,
        Fetched::InterfaceEndpoints(Ok(vec![InterfaceEndpoint {
            id: "vpce-1".into(),
            vpc_id: OPS_VPC.into(),
            service_name: SVC_NAME.into(),
            state: "available".into(),
            subnet_ids: vec!["subnet-ops".into()],
            eni_ids: vec!["eni-vpce-1a".into(), "eni-vpce-1b".into()],
            ips: vec![],
            ipv6: vec![],
            dns_names: vec![IE_DNS.into()],
            sg_ids: vec![IE_SG.into()],
        }])),
    );
    l(
        &mut m,
        Fetched::EndpointAddresses(Ok(vec![
            EniAddress {
                eni_id: "eni-vpce-1a".into(),
                ip: ip("172.20.1.50"),
                ipv6: vec!["fd00:20:1::50".parse().unwrap()],
            },
            EniAddress {
                eni_id: "eni-vpce-1b".into(),
                ip: ip("172.20.2.50"),
                ipv6: vec!["fd00:20:2::50".parse().unwrap()],
            },
        ])),
    );
    l(
        &mut m,
        Fetched::HostedZones(Ok(vec![HostedZone {
            id: "Z1".into(),
            name: HOST.into(),
            private: true,
            vpcs: vec![],
        }])),
    );
    l(
        &mut m,
        Fetched::ZoneAssociations(Ok(vec![ZoneAssociations {
            zone_id: "Z1".into(),
            vpcs: vec![ZoneVpc {
                vpc_id: OPS_VPC.into(),
                region: "eu-west-1".into(),
            }],
        }])),
    );
    l(
        &mut m,
        Fetched::Records(Ok(vec![Record {
            zone_id: "Z1".into(),
            name: format!("{HOST}."),
            rtype: "A".into(),
            ttl: None,
            values: vec![],
            alias: Some(AliasTarget {
                dns_name: format!("{IE_DNS}."),
                hosted_zone_id: "ZVPCE".into(),
            }),
        }])),
    );
    push_dns(&mut m, &["172.20.1.50", "172.20.2.50"], 0);
    for a in ["172.20.1.50", "172.20.2.50"] {
        push_probe(&mut m, a, ProbeOutcome::Ok, 0);
    }
    m
}

pub fn push_dns(m: &mut Model, answers: &[&str], secs: i64) {
    let outcome = DnsOutcome::Answers(
        answers
            .iter()
            .map(|a| DnsAnswer {
                ip: a.parse().unwrap(),
                ttl: 60,
            })
            .collect(),
    );
    push_dns_outcome(m, outcome, secs);
}

/// Three samples of the model's own endpoint name answering `ips`, now: for models whose
/// name is not [`HOST`] (a server, a Lattice service).
pub fn answer_endpoint(m: &mut Model, ips: &[&str]) {
    let host = m.endpoint_host().expect("the endpoint's name is known");
    for _ in 0..3 {
        m.apply(
            Fetched::Dns(DnsSample {
                at: chrono::Utc::now(),
                host: host.clone(),
                server: Some("169.254.169.253:53".into()),
                pinned: None,
                latency: Duration::from_millis(1),
                outcome: DnsOutcome::Answers(
                    ips.iter()
                        .map(|ip| DnsAnswer {
                            ip: ip.parse().unwrap(),
                            ttl: 60,
                        })
                        .collect(),
                ),
            }),
            chrono::Utc::now(),
        );
    }
}

pub fn push_dns_outcome(m: &mut Model, outcome: DnsOutcome, secs: i64) {
    let at = t0() + chrono::Duration::seconds(secs);
    m.apply(
        Fetched::Dns(DnsSample {
            pinned: None,
            at,
            host: HOST.into(),
            server: Some("127.0.0.53:53".into()),
            latency: Duration::from_millis(1),
            outcome,
        }),
        at,
    );
}

pub fn push_probe(m: &mut Model, a: &str, outcome: ProbeOutcome, secs: i64) {
    let at = t0() + chrono::Duration::seconds(secs);
    let ok = outcome == ProbeOutcome::Ok;
    m.apply(
        Fetched::Probe(ProbeSample {
            peer: None,
            at,
            ip: a.parse().unwrap(),
            port: 443,
            connect: Some(Duration::from_millis(2)),
            tls: ok.then(|| Duration::from_millis(8)),
            first_byte: ok.then(|| Duration::from_millis(12)),
            http_status: ok.then_some(401),
            outcome,
        }),
        at,
    );
}

fn edit<T>(l: &mut Loadable<T>, f: impl FnOnce(&mut T)) {
    match l {
        Loadable::Loaded { value, .. } | Loadable::Stale { value, .. } => f(value),
        _ => panic!("edit of a source that is not loaded"),
    }
}

pub fn edit_cluster(m: &mut Model, f: impl FnOnce(&mut Cluster)) {
    edit(&mut m.cluster, f)
}

pub fn edit_origin(m: &mut Model, f: impl FnOnce(&mut Origin)) {
    edit(&mut m.origin, |o| f(o.as_mut().expect("origin")))
}

pub fn edit_vpcs(m: &mut Model, f: impl FnMut(&mut Vpc)) {
    edit(&mut m.vpcs, |v| v.iter_mut().for_each(f))
}

/// Run one rule over the model.
pub fn run(
    m: &Model,
    rule: fn(&Ctx) -> Result<Vec<Finding>, Missing>,
) -> Result<Vec<Finding>, Missing> {
    rule(&Ctx::new(m))
}

pub fn ids(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.id).collect()
}

pub fn has(f: &[Finding], id: &str, sev: Severity) -> bool {
    f.iter().any(|f| f.id == id && f.severity == sev)
}

/// Findings of warn or fail severity.
pub fn problems(f: &[Finding]) -> Vec<&'static str> {
    f.iter()
        .filter(|f| f.severity >= Severity::Warn)
        .map(|f| f.id)
        .collect()
}
