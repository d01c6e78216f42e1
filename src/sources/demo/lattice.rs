//! The VPC Lattice scenarios, as the AWS Gateway API Controller builds them: a client
//! cluster's VPC (where the bastion is) and a server cluster's VPC joined by one service
//! network, `gateway-api` (auth type AWS_IAM, with a policy). The HTTPRoute `checkout` in
//! namespace `default` is the service `checkout-default`: an HTTP listener on 80 whose rule
//! forwards to an IP target group of two pods on 8080. A private zone maps the custom
//! domain `checkout.apps.internal` to the service's DNS name.

use super::ids::{AZ_A, AZ_B, DNS_SERVER, REGION, az_id};
use super::live::answers;
use super::network::{net, tcp};
use super::scenario::Scenario;
use super::world::{LatticeWorld, SimDns, World};
use crate::model::lattice::{
    LatticeAction, LatticeAssociation, LatticeAuth, LatticeEndpoint, LatticeListener,
    LatticeMembership, LatticeNetwork, LatticeRule, LatticeService, LatticeTarget,
    LatticeTargetGroup, PrefixList, ResourceConfig, ResourceDefinition, ResourceGateway,
};
use crate::model::{
    Eni, HostedZone, Origin, ProbeOutcome, Record, SecurityGroup, SgSource, Subnet, Vpc, ZoneVpc,
};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

pub const CLIENT_VPC: &str = "vpc-0a77ce0000000c001";
pub const SERVER_VPC: &str = "vpc-0a77ce0000000d001";
pub const SERVICE: &str = "checkout-default";
pub const SERVICE_ID: &str = "svc-0a77ce0c4ec0a0ut1";
pub const DOMAIN: &str = "checkout.apps.internal";
pub const SERVICE_DNS: &str =
    "checkout-default-0a77ce0c4ec0a0ut1.7d67968.vpc-lattice-svcs.eu-west-1.on.aws";
pub const NETWORK_ID: &str = "sn-0a77ce0000gw0api1";
pub const TG_ID: &str = "tg-0a77ce0c4ec0a0ut1";
pub const PREFIX_LIST: &str = "pl-0a77ce0000000v4l1";
pub const SG_NODES: &str = "sg-0a77ce00000n0de01";
const SG_BASTION: &str = "sg-0a77ce00000ba5t01";
const SG_ASSOCIATION: &str = "sg-0a77ce00000a55c01";
const ZONE_ID: &str = "Z0A77CE0APPSINTERNAL";
const ACCOUNT: &str = super::ids::ACCOUNT;
const BASTION_IP: Ipv4Addr = Ipv4Addr::new(10, 70, 100, 10);
/// The address Lattice answers the service's name with inside an associated VPC.
pub const LINK_LOCAL: Ipv4Addr = Ipv4Addr::new(169, 254, 171, 32);
/// The pods behind the route: (zone, subnet, ENI, IP).
const PODS: [(&str, &str, &str, Ipv4Addr); 2] = [
    (
        AZ_A,
        "subnet-0a77ce000000d0a1",
        "eni-0a77ce0000000p0d1",
        Ipv4Addr::new(10, 80, 1, 15),
    ),
    (
        AZ_B,
        "subnet-0a77ce000000d0b1",
        "eni-0a77ce0000000p0d2",
        Ipv4Addr::new(10, 80, 2, 15),
    ),
];
const POD_PORT: u16 = 8080;

fn arn(kind: &str, id: &str) -> String {
    format!("arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:{kind}/{id}")
}

fn security_groups(s: Scenario) -> Vec<SecurityGroup> {
    // The nodes admit the pods' port from Lattice's prefix list, or, when it is blocked,
    // from their own VPC only: Lattice's health checks and requests are dropped.
    let pods_from = if s == Scenario::LatticePrefixListBlocked {
        SgSource::Cidr(net("10.80.0.0/16"))
    } else {
        SgSource::PrefixList(PREFIX_LIST.into())
    };
    vec![
        SecurityGroup {
            id: SG_BASTION.into(),
            name: "bastion".into(),
            vpc_id: CLIENT_VPC.into(),
            ingress: vec![tcp(22, vec![SgSource::Cidr(net("203.0.113.0/24"))])],
        },
        SecurityGroup {
            id: SG_ASSOCIATION.into(),
            name: "lattice-client".into(),
            vpc_id: CLIENT_VPC.into(),
            ingress: vec![tcp(80, vec![SgSource::Cidr(net("10.70.0.0/16"))])],
        },
        SecurityGroup {
            id: SG_NODES.into(),
            name: "eks-cluster-sg-server".into(),
            vpc_id: SERVER_VPC.into(),
            ingress: vec![tcp(POD_PORT, vec![pods_from])],
        },
    ]
}

fn lattice(s: Scenario) -> LatticeWorld {
    let association = |vpc: &str, id: &str, sgs: Vec<String>| LatticeAssociation {
        id: id.into(),
        network_id: NETWORK_ID.into(),
        network_name: "gateway-api".into(),
        vpc_id: vpc.into(),
        status: "ACTIVE".into(),
        sg_ids: sgs,
    };
    let mut associations = vec![association(
        SERVER_VPC,
        "snva-0a77ce000000d0001",
        Vec::new(),
    )];
    if s != Scenario::LatticeNotAssociated {
        associations.push(association(
            CLIENT_VPC,
            "snva-0a77ce000000c0001",
            vec![SG_ASSOCIATION.into()],
        ));
    }
    // Both pods fail Lattice's health checks when unhealthy, and when the prefix list is
    // blocked (the checks come from it too).
    let failing = matches!(
        s,
        Scenario::LatticeTargetsUnhealthy | Scenario::LatticePrefixListBlocked
    );
    let targets = PODS
        .iter()
        .map(|(_, _, _, ip)| LatticeTarget {
            id: ip.to_string(),
            port: Some(POD_PORT),
            status: if failing { "UNHEALTHY" } else { "HEALTHY" }.into(),
            reason: failing.then(|| "HealthCheckFailed".into()),
        })
        .collect();
    LatticeWorld {
        associations,
        networks: vec![LatticeNetwork {
            id: NETWORK_ID.into(),
            arn: arn("servicenetwork", NETWORK_ID),
            name: "gateway-api".into(),
            auth: LatticeAuth {
                auth_type: "AWS_IAM".into(),
                policy: Some(s != Scenario::LatticeAuthNoPolicy),
            },
        }],
        services: vec![LatticeService {
            id: SERVICE_ID.into(),
            arn: arn("service", SERVICE_ID),
            name: SERVICE.into(),
            status: "ACTIVE".into(),
            dns_name: Some(SERVICE_DNS.into()),
            custom_domain: Some(DOMAIN.into()),
            auth: LatticeAuth {
                auth_type: "NONE".into(),
                policy: None,
            },
            networks: vec![LatticeMembership {
                network_id: NETWORK_ID.into(),
                status: "ACTIVE".into(),
            }],
            listeners: vec![LatticeListener {
                id: "listener-0a77ce0000000h80".into(),
                name: "checkout-default-80-http".into(),
                protocol: "HTTP".into(),
                port: 80,
                default_action: LatticeAction::Fixed { status: 404 },
                rules: vec![LatticeRule {
                    id: "rule-0a77ce00000000001".into(),
                    name: "checkout-default-rule-1".into(),
                    priority: Some(1),
                    action: LatticeAction::Forward {
                        target_groups: vec![TG_ID.into()],
                    },
                }],
            }],
        }],
        target_groups: vec![LatticeTargetGroup {
            id: TG_ID.into(),
            arn: arn("targetgroup", TG_ID),
            name: "k8s-checkout-default-http".into(),
            kind: "IP".into(),
            protocol: Some("HTTP".into()),
            port: Some(POD_PORT),
            vpc_id: Some(SERVER_VPC.into()),
            status: "ACTIVE".into(),
            targets,
        }],
        prefix_lists: vec![
            PrefixList {
                id: PREFIX_LIST.into(),
                name: format!("com.amazonaws.{REGION}.vpc-lattice"),
            },
            PrefixList {
                id: "pl-0a77ce0000000v6l1".into(),
                name: format!("com.amazonaws.{REGION}.ipv6.vpc-lattice"),
            },
        ],
        ..LatticeWorld::default()
    }
}

fn vpc(id: &str, name: &str, cidr: &str) -> Vpc {
    Vpc {
        id: id.into(),
        name: Some(name.into()),
        cidrs: vec![net(cidr)],
        dns_support: Some(true),
        dns_hostnames: Some(true),
        dhcp_options_id: Some("default".into()),
    }
}

/// What the service answers this host with: nothing from a VPC that is not associated,
/// Lattice's 403 when auth denies, its 503 without a healthy target, else the pods' 200.
fn answer(s: Scenario) -> Option<u16> {
    match s {
        Scenario::LatticeNotAssociated => None,
        Scenario::LatticeAuthNoPolicy => Some(403),
        Scenario::LatticeTargetsUnhealthy | Scenario::LatticePrefixListBlocked => Some(503),
        _ => Some(200),
    }
}

pub fn world(scenario: Scenario, elapsed: Duration) -> World {
    let enis = PODS
        .iter()
        .map(|(az, subnet, id, ip)| Eni {
            id: (*id).into(),
            ip: *ip,
            ipv6: Vec::new(),
            subnet_id: (*subnet).into(),
            az: (*az).into(),
            status: "in-use".into(),
            sg_ids: vec![SG_NODES.into()],
            description: "aws-K8S-i-0a77ce0000000n0d1".into(),
            attached_at: None,
        })
        .collect();
    let reach: BTreeMap<IpAddr, ProbeOutcome> = match answer(scenario) {
        Some(_) => [(IpAddr::V4(LINK_LOCAL), ProbeOutcome::Ok)].into(),
        None => BTreeMap::new(),
    };
    World {
        scenario,
        elapsed,
        clusters: Vec::new(),
        origin: Origin {
            vpc_id: CLIENT_VPC.into(),
            subnet_id: Some("subnet-0a77ce000000c0a0".into()),
            ip: Some(BASTION_IP),
            sg_ids: vec![SG_BASTION.into()],
            instance_id: Some("i-0a77ce0000000ba51".into()),
            found_by: "demo".into(),
        },
        enis,
        vpcs: vec![
            vpc(CLIENT_VPC, "eks-client", "10.70.0.0/16"),
            vpc(SERVER_VPC, "eks-server", "10.80.0.0/16"),
        ],
        subnets: vec![Subnet {
            id: "subnet-0a77ce000000c0a0".into(),
            vpc_id: CLIENT_VPC.into(),
            name: Some("eks-client-public-a".into()),
            az: AZ_A.into(),
            az_id: Some(az_id(AZ_A).into()),
            cidr: net("10.70.100.0/24"),
            free_ips: 245,
        }],
        route_tables: Vec::new(),
        network_acls: Vec::new(),
        security_groups: security_groups(scenario),
        peerings: Vec::new(),
        tgw_attachments: Vec::new(),
        tgw_route_tables: Vec::new(),
        dhcp_options: Vec::new(),
        resolver_rules: Vec::new(),
        resolver_endpoints: Vec::new(),
        load_balancers: Vec::new(),
        listeners: Vec::new(),
        target_groups: Vec::new(),
        targets: Vec::new(),
        endpoint_services: Vec::new(),
        endpoint_connections: Vec::new(),
        interface_endpoints: Vec::new(),
        hosted_zones: vec![HostedZone {
            id: ZONE_ID.into(),
            name: "apps.internal".into(),
            private: true,
            vpcs: vec![
                ZoneVpc {
                    vpc_id: CLIENT_VPC.into(),
                    region: REGION.into(),
                },
                ZoneVpc {
                    vpc_id: SERVER_VPC.into(),
                    region: REGION.into(),
                },
            ],
        }],
        records: vec![Record {
            zone_id: ZONE_ID.into(),
            name: format!("{DOMAIN}."),
            rtype: "CNAME".into(),
            ttl: Some(300),
            values: vec![format!("{SERVICE_DNS}.")],
            alias: None,
        }],
        event_rules: Vec::new(),
        rule_targets: Vec::new(),
        functions: Vec::new(),
        trails: Vec::new(),
        instances: Vec::new(),
        api_port: 80,
        answer_status: answer(scenario).unwrap_or(200),
        lattice: lattice(scenario),
        dns: SimDns {
            host: DOMAIN.into(),
            server: DNS_SERVER.into(),
            pinned: None,
            outcome: answers(&[LINK_LOCAL]),
        },
        reach,
    }
}

/// The resource gateway in the cluster's VPC, in the ENIs' two zones.
pub const GATEWAY_ID: &str = "rgw-0a77ce00000000a01";
pub const SG_GATEWAY: &str = "sg-0a77ce00000a0e701";
const SG_RESOURCE_ENDPOINT: &str = "sg-0a77ce00000e0d701";
pub const RESOURCE_CONFIG_ID: &str = "rcfg-0a77ce000000a0001";
pub const RESOURCE_ENDPOINT: &str = "vpce-0a77ce0000000e0a1";
/// The resource endpoint's addresses in the bastion VPC's private subnets.
pub const RESOURCE_ENDPOINT_IPS: [Ipv4Addr; 2] =
    [Ipv4Addr::new(172, 20, 1, 60), Ipv4Addr::new(172, 20, 2, 60)];

/// `lattice-api`: the EKS API shared through VPC Lattice instead of PrivateLink. A
/// resource gateway in the cluster's VPC, a resource configuration for the endpoint's name
/// on 443 (its custom domain the same name), and a resource endpoint in the bastion's VPC
/// whose private DNS answers the name with its own addresses. The interface endpoint is
/// gone; the cluster security group admits the gateway's group.
pub fn share_api(w: &mut World) {
    use super::ids::{
        ENDPOINT_HOST, SG_CLUSTER, SUBNET_EKS_A, SUBNET_EKS_B, SUBNET_OPS_A, SUBNET_OPS_B, VPC_EKS,
        VPC_OPS,
    };
    w.interface_endpoints.clear();
    w.endpoint_connections.clear();
    w.records.retain(|r| !r.is_for(ENDPOINT_HOST));
    w.hosted_zones
        .retain(|z| !crate::model::privatelink::normalize_dns_name(&z.name).eq(ENDPOINT_HOST));
    w.security_groups.push(SecurityGroup {
        id: SG_GATEWAY.into(),
        name: "eks-api-resource-gateway".into(),
        vpc_id: VPC_EKS.into(),
        ingress: Vec::new(),
    });
    w.security_groups.push(SecurityGroup {
        id: SG_RESOURCE_ENDPOINT.into(),
        name: "eks-api-resource-endpoint".into(),
        vpc_id: VPC_OPS.into(),
        ingress: vec![tcp(443, vec![SgSource::Cidr(net("172.20.0.0/16"))])],
    });
    if let Some(g) = w.security_groups.iter_mut().find(|g| g.id == SG_CLUSTER) {
        g.ingress
            .push(tcp(443, vec![SgSource::Group(SG_GATEWAY.into())]));
    }
    let cfg_arn = format!(
        "arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:resourceconfiguration/{RESOURCE_CONFIG_ID}"
    );
    w.lattice.endpoints = vec![LatticeEndpoint {
        id: RESOURCE_ENDPOINT.into(),
        kind: "Resource".into(),
        vpc_id: VPC_OPS.into(),
        state: "available".into(),
        subnet_ids: vec![SUBNET_OPS_A.into(), SUBNET_OPS_B.into()],
        eni_ids: vec![
            "eni-0a77ce0000000e0a1".into(),
            "eni-0a77ce0000000e0a2".into(),
        ],
        ips: RESOURCE_ENDPOINT_IPS.to_vec(),
        sg_ids: vec![SG_RESOURCE_ENDPOINT.into()],
        resource_configuration_arn: Some(cfg_arn.clone()),
        service_network_arn: None,
    }];
    w.lattice.resource_configs = vec![ResourceConfig {
        id: RESOURCE_CONFIG_ID.into(),
        arn: cfg_arn,
        name: "eks-api-demo-private".into(),
        status: "ACTIVE".into(),
        gateway_id: Some(GATEWAY_ID.into()),
        definition: ResourceDefinition::Dns(ENDPOINT_HOST.into()),
        port_ranges: vec!["443".into()],
        custom_domain: Some(ENDPOINT_HOST.into()),
        via_network: None,
    }];
    w.lattice.resource_gateways = vec![ResourceGateway {
        id: GATEWAY_ID.into(),
        arn: format!("arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:resourcegateway/{GATEWAY_ID}"),
        name: "eks-api".into(),
        status: "ACTIVE".into(),
        vpc_id: VPC_EKS.into(),
        subnet_ids: vec![SUBNET_EKS_A.into(), SUBNET_EKS_B.into()],
        sg_ids: vec![SG_GATEWAY.into()],
    }];
    w.dns.outcome = answers(&RESOURCE_ENDPOINT_IPS);
    w.reach = RESOURCE_ENDPOINT_IPS
        .iter()
        .map(|ip| (IpAddr::V4(*ip), ProbeOutcome::Ok))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scenario_breaks_one_thing() {
        let healthy = world(Scenario::LatticeHealthy, Duration::ZERO);
        assert_eq!(healthy.lattice.associations.len(), 2);
        assert!(
            healthy.lattice.target_groups[0]
                .targets
                .iter()
                .all(LatticeTarget::healthy)
        );
        let na = world(Scenario::LatticeNotAssociated, Duration::ZERO);
        assert!(
            na.lattice
                .associations
                .iter()
                .all(|a| a.vpc_id != CLIENT_VPC)
        );
        assert!(na.reach.is_empty());
        let auth = world(Scenario::LatticeAuthNoPolicy, Duration::ZERO);
        assert_eq!(auth.lattice.networks[0].auth.denies_all(), Some(true));
        assert_eq!(auth.answer_status, 403);
        let pl = world(Scenario::LatticePrefixListBlocked, Duration::ZERO);
        let nodes = pl
            .security_groups
            .iter()
            .find(|g| g.id == SG_NODES)
            .unwrap();
        assert!(
            !nodes.ingress[0]
                .sources
                .contains(&SgSource::PrefixList(PREFIX_LIST.into()))
        );
    }
}
