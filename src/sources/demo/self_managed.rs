//! The self-managed scenarios: Kubernetes installed on EC2, three control-plane instances
//! in private subnets of three zones, an internal NLB (cross-zone on) in front of their API
//! servers on 6443, and a bastion in a public subnet of the same VPC. A private zone names
//! the API `api.k8s.internal`, an alias to the NLB.

use super::ids::DNS_SERVER;
use super::ids::{AZ_A, AZ_B, AZ_C, REGION, az_id};
use super::live::answers;
use super::network::{net, tcp};
use super::scenario::Scenario;
use super::world::{SimDns, World};
use crate::model::{
    AliasTarget, HealthCheck, HostedZone, Instance, LbZone, Listener, LoadBalancer, NetworkAcl,
    Origin, ProbeOutcome, Record, Route, RouteTable, RouteTarget, SecurityGroup, SgRule, SgSource,
    Subnet, Target, TargetGroup, Vpc, ZoneVpc,
};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

pub const SERVER_HOST: &str = "api.k8s.internal";
pub const SERVER_PORT: u16 = 6443;
pub const VPC: &str = "vpc-0c0ffee0000000001";
pub const SUBNET_PUBLIC: &str = "subnet-0c0ffee00000000a0";
pub const SG_BASTION: &str = "sg-0c0ffee0000000b01";
pub const SG_CONTROL_PLANE: &str = "sg-0c0ffee0000000c01";
pub const NLB_ARN: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/k8s-api/0c0ffee0a1b2c3d4";
pub const NLB_DNS: &str = "k8s-api-0c0ffee0a1b2c3d4.elb.eu-west-1.amazonaws.com";
pub const TG_ARN: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-api-6443/0c0ffee0e5f6a7b8";
const ZONE_ID: &str = "Z0C0FFEE0K8SINTERNAL";
const BASTION_IP: Ipv4Addr = Ipv4Addr::new(10, 40, 100, 10);

/// One private subnet per zone: (zone, subnet, instance, node IP, instance IP).
const ZONES: [(&str, &str, &str, Ipv4Addr, Ipv4Addr); 3] = [
    (
        AZ_A,
        "subnet-0c0ffee00000000a1",
        "i-0c0ffee0000000c01",
        Ipv4Addr::new(10, 40, 1, 20),
        Ipv4Addr::new(10, 40, 1, 11),
    ),
    (
        AZ_B,
        "subnet-0c0ffee00000000b1",
        "i-0c0ffee0000000c02",
        Ipv4Addr::new(10, 40, 2, 20),
        Ipv4Addr::new(10, 40, 2, 11),
    ),
    (
        AZ_C,
        "subnet-0c0ffee00000000c1",
        "i-0c0ffee0000000c03",
        Ipv4Addr::new(10, 40, 3, 20),
        Ipv4Addr::new(10, 40, 3, 11),
    ),
];

fn security_groups(s: Scenario) -> Vec<SecurityGroup> {
    // The API port from the VPC, or, in self-managed-sg, from the NLB's subnets only: the
    // health checks pass, the bastion's own address (kept by the NLB) is dropped.
    let api_from = if s == Scenario::SelfManagedSg {
        ZONES
            .iter()
            .map(|z| SgSource::Cidr(net(&format!("10.40.{}.0/24", z.3.octets()[2]))))
            .collect()
    } else {
        vec![SgSource::Cidr(net("10.40.0.0/16"))]
    };
    vec![
        SecurityGroup {
            id: SG_BASTION.into(),
            name: "bastion".into(),
            vpc_id: VPC.into(),
            ingress: vec![tcp(22, vec![SgSource::Cidr(net("203.0.113.0/24"))])],
        },
        SecurityGroup {
            id: SG_CONTROL_PLANE.into(),
            name: "k8s-control-plane".into(),
            vpc_id: VPC.into(),
            ingress: vec![
                tcp(SERVER_PORT, api_from),
                SgRule {
                    protocol: "tcp".into(),
                    from_port: Some(2379),
                    to_port: Some(2380),
                    sources: vec![SgSource::Group(SG_CONTROL_PLANE.into())],
                },
            ],
        },
    ]
}

fn instances(s: Scenario) -> Vec<Instance> {
    ZONES
        .iter()
        .enumerate()
        .map(|(i, (az, subnet, id, _, ip))| Instance {
            id: (*id).into(),
            name: Some(format!("k8s-cp-{}", i + 1)),
            state: if s == Scenario::SelfManagedOneDown && i == 1 {
                "stopped".into()
            } else {
                "running".into()
            },
            vpc_id: VPC.into(),
            subnet_id: (*subnet).into(),
            az: (*az).into(),
            private_ip: Some(*ip),
            sg_ids: vec![SG_CONTROL_PLANE.into()],
        })
        .collect()
}

fn targets(s: Scenario, instances: &[Instance]) -> Vec<Target> {
    instances
        .iter()
        .enumerate()
        .map(|(i, inst)| {
            let (state, reason, description) = if !inst.running() {
                (
                    "unused",
                    Some("Target.InvalidState"),
                    Some("Target is in the stopped state"),
                )
            } else if s == Scenario::SelfManagedNoCrossZone && i == 2 {
                (
                    "unhealthy",
                    Some("Target.FailedHealthChecks"),
                    Some("Health checks failed"),
                )
            } else {
                ("healthy", None, None)
            };
            Target {
                tg_arn: TG_ARN.into(),
                id: inst.id.clone(),
                port: SERVER_PORT,
                az: Some(inst.az.clone()),
                state: state.into(),
                reason: reason.map(Into::into),
                description: description.map(Into::into),
            }
        })
        .collect()
}

fn route_tables() -> Vec<RouteTable> {
    let local = Route {
        destination: net("10.40.0.0/16"),
        target: RouteTarget::Local,
        state: "active".into(),
    };
    vec![
        RouteTable {
            id: "rtb-0c0ffee0000000001".into(),
            vpc_id: VPC.into(),
            main: true,
            subnet_ids: ZONES.iter().map(|z| z.1.to_string()).collect(),
            routes: vec![local.clone()],
        },
        RouteTable {
            id: "rtb-0c0ffee0000000002".into(),
            vpc_id: VPC.into(),
            main: false,
            subnet_ids: vec![SUBNET_PUBLIC.into()],
            routes: vec![
                local,
                Route {
                    destination: net("0.0.0.0/0"),
                    target: RouteTarget::Gateway("igw-0c0ffee0000000001".into()),
                    state: "active".into(),
                },
            ],
        },
    ]
}

/// Whether a connection from the bastion to the NLB node in `az` reaches an API server.
fn node_answers(az: &str, cross_zone: bool, targets: &[Target], sgs: &[SecurityGroup]) -> bool {
    let admitted = sgs
        .iter()
        .filter(|g| g.id == SG_CONTROL_PLANE)
        .flat_map(|g| g.ingress.iter())
        .filter(|r| r.covers_tcp_port(SERVER_PORT))
        .flat_map(|r| r.sources.iter())
        .any(|src| matches!(src, SgSource::Cidr(c) if c.contains(&BASTION_IP)));
    let serving = targets
        .iter()
        .any(|t| t.healthy() && (cross_zone || t.az.as_deref() == Some(az)));
    admitted && serving
}

pub fn world(scenario: Scenario, elapsed: Duration) -> World {
    let cross_zone = scenario != Scenario::SelfManagedNoCrossZone;
    let instances = instances(scenario);
    let targets = targets(scenario, &instances);
    let security_groups = security_groups(scenario);
    let mut subnets = vec![Subnet {
        id: SUBNET_PUBLIC.into(),
        vpc_id: VPC.into(),
        name: Some("k8s-public-a".into()),
        az: AZ_A.into(),
        az_id: Some(az_id(AZ_A).into()),
        cidr: net("10.40.100.0/24"),
        free_ips: 245,
    }];
    subnets.extend(ZONES.iter().map(|(az, id, _, node, _)| Subnet {
        id: (*id).into(),
        vpc_id: VPC.into(),
        name: Some(format!("k8s-private-{}", &az[az.len() - 1..])),
        az: (*az).into(),
        az_id: Some(az_id(az).into()),
        cidr: net(&format!("10.40.{}.0/24", node.octets()[2])),
        free_ips: 240,
    }));
    let reach: BTreeMap<IpAddr, ProbeOutcome> = ZONES
        .iter()
        .map(|(az, _, _, node, _)| {
            let outcome = if node_answers(az, cross_zone, &targets, &security_groups) {
                ProbeOutcome::Ok
            } else {
                ProbeOutcome::TcpFailed(super::live::TIMED_OUT.into())
            };
            (IpAddr::V4(*node), outcome)
        })
        .collect();
    let nodes: Vec<Ipv4Addr> = ZONES.iter().map(|z| z.3).collect();
    World {
        scenario,
        elapsed,
        clusters: Vec::new(),
        origin: Origin {
            vpc_id: VPC.into(),
            subnet_id: Some(SUBNET_PUBLIC.into()),
            ip: Some(BASTION_IP),
            sg_ids: vec![SG_BASTION.into()],
            instance_id: Some("i-0c0ffee0000000b01".into()),
            found_by: "demo".into(),
        },
        enis: Vec::new(),
        vpcs: vec![Vpc {
            id: VPC.into(),
            name: Some("k8s".into()),
            cidrs: vec![net("10.40.0.0/16")],
            dns_support: Some(true),
            dns_hostnames: Some(true),
            dhcp_options_id: Some("default".into()),
        }],
        subnets,
        route_tables: route_tables(),
        network_acls: vec![NetworkAcl {
            id: "acl-0c0ffee0000000001".into(),
            vpc_id: VPC.into(),
            default: true,
            subnet_ids: vec![],
            entries: Vec::new(),
        }],
        security_groups,
        peerings: Vec::new(),
        tgw_attachments: Vec::new(),
        tgw_route_tables: Vec::new(),
        dhcp_options: Vec::new(),
        resolver_rules: Vec::new(),
        resolver_endpoints: Vec::new(),
        load_balancers: vec![LoadBalancer {
            arn: NLB_ARN.into(),
            name: "k8s-api".into(),
            kind: "network".into(),
            scheme: "internal".into(),
            state: "active".into(),
            vpc_id: VPC.into(),
            dns_name: NLB_DNS.into(),
            cross_zone: Some(cross_zone),
            zones: ZONES
                .iter()
                .map(|(az, subnet, _, node, _)| LbZone {
                    az: (*az).into(),
                    subnet_id: (*subnet).into(),
                    private_ips: vec![*node],
                })
                .collect(),
            sg_ids: Vec::new(),
            sg_on_privatelink: None,
        }],
        listeners: vec![Listener {
            arn: format!("{}/6443", NLB_ARN.replace(":loadbalancer/", ":listener/")),
            lb_arn: NLB_ARN.into(),
            port: SERVER_PORT,
            protocol: "TCP".into(),
            forwards_to: vec![TG_ARN.into()],
        }],
        target_groups: vec![TargetGroup {
            arn: TG_ARN.into(),
            name: "k8s-api-6443".into(),
            target_type: "instance".into(),
            protocol: "TCP".into(),
            port: SERVER_PORT,
            vpc_id: VPC.into(),
            lb_arns: vec![NLB_ARN.into()],
            health_check: Some(HealthCheck {
                protocol: "HTTPS".into(),
                port: "traffic-port".into(),
                path: Some("/readyz".into()),
                matcher: Some("200".into()),
            }),
        }],
        targets,
        endpoint_services: Vec::new(),
        endpoint_connections: Vec::new(),
        interface_endpoints: Vec::new(),
        hosted_zones: vec![HostedZone {
            id: ZONE_ID.into(),
            name: "k8s.internal".into(),
            private: true,
            vpcs: vec![ZoneVpc {
                vpc_id: VPC.into(),
                region: REGION.into(),
            }],
        }],
        records: vec![Record {
            zone_id: ZONE_ID.into(),
            name: format!("{SERVER_HOST}."),
            rtype: "A".into(),
            ttl: None,
            values: Vec::new(),
            alias: Some(AliasTarget {
                dns_name: format!("dualstack.{NLB_DNS}."),
                hosted_zone_id: "Z2IFOLAFXWLO4F".into(),
            }),
        }],
        event_rules: Vec::new(),
        rule_targets: Vec::new(),
        functions: Vec::new(),
        trails: Vec::new(),
        instances,
        api_port: SERVER_PORT,
        answer_status: 401,
        lattice: Default::default(),
        dns: SimDns {
            host: SERVER_HOST.into(),
            server: DNS_SERVER.into(),
            pinned: None,
            outcome: answers(&nodes),
        },
        reach,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_the_one_described() {
        let w = world(Scenario::SelfManaged, Duration::ZERO);
        assert_eq!(w.instances.len(), 3);
        assert!(w.targets.iter().all(Target::healthy));
        assert!(w.reach.values().all(|o| *o == ProbeOutcome::Ok));
        let sg = world(Scenario::SelfManagedSg, Duration::ZERO);
        assert!(sg.targets.iter().all(Target::healthy));
        assert!(sg.reach.values().all(|o| *o != ProbeOutcome::Ok));
        let down = world(Scenario::SelfManagedOneDown, Duration::ZERO);
        assert_eq!(down.targets.iter().filter(|t| t.healthy()).count(), 2);
        assert!(down.reach.values().all(|o| *o == ProbeOutcome::Ok));
        let nz = world(Scenario::SelfManagedNoCrossZone, Duration::ZERO);
        let failing: Vec<_> = nz
            .reach
            .iter()
            .filter(|(_, o)| **o != ProbeOutcome::Ok)
            .collect();
        assert_eq!(failing.len(), 1);
        assert_eq!(*failing[0].0, IpAddr::V4(ZONES[2].3));
    }
}
