//! The cluster and what users build in front of it: NLBs, PrivateLink, Route53.

use super::ids::*;
use super::scenario::Scenario;
use crate::model::{
    AliasTarget, Cluster, EndpointConnection, EndpointService, HealthCheck, HostedZone,
    InterfaceEndpoint, LbZone, Listener, LoadBalancer, Record, Target, TargetGroup, ZoneVpc,
};
use std::net::Ipv4Addr;

pub fn cluster(s: Scenario, status: &str) -> Cluster {
    let public = s == Scenario::PhzNotAssociated;
    Cluster {
        name: CLUSTER.into(),
        arn: CLUSTER_ARN.into(),
        status: status.into(),
        version: CLUSTER_VERSION.into(),
        endpoint: ENDPOINT.into(),
        private_access: true,
        public_access: public,
        public_cidrs: if public {
            vec![format!("{NAT_EGRESS_IP}/32")]
        } else {
            vec![]
        },
        cluster_sg: Some(SG_CLUSTER.into()),
        extra_sgs: vec![],
        vpc_id: Some(VPC_EKS.into()),
        subnet_ids: vec![
            SUBNET_EKS_A.into(),
            SUBNET_EKS_B.into(),
            SUBNET_EKS_C.into(),
        ],
        ca_data: Some(CA_DATA.into()),
    }
}

/// The other cluster of the region in `zone-shadows-siblings`, under the same domain.
pub fn sibling_cluster() -> Cluster {
    Cluster {
        name: SIBLING_CLUSTER.into(),
        arn: CLUSTER_ARN.replace(CLUSTER, SIBLING_CLUSTER),
        endpoint: SIBLING_ENDPOINT.into(),
        ca_data: None,
        ..cluster(Scenario::Healthy, "ACTIVE")
    }
}

/// In `nlb-one-zone` the API's NLB is enabled in the first zone only.
pub fn load_balancers(s: Scenario) -> Vec<LoadBalancer> {
    let zone = |az: &str, subnet: &str, ips: Vec<std::net::Ipv4Addr>| LbZone {
        az: az.into(),
        subnet_id: subnet.into(),
        private_ips: ips,
    };
    let nlb = |arn: &str, name: &str, dns: &str, zones: Vec<LbZone>| LoadBalancer {
        arn: arn.into(),
        name: name.into(),
        kind: "network".into(),
        scheme: "internal".into(),
        state: "active".into(),
        vpc_id: VPC_EKS.into(),
        dns_name: dns.into(),
        cross_zone: Some(false),
        zones,
        sg_ids: vec![],
        sg_on_privatelink: None,
    };
    // The API's NLB has its own security group, applied to PrivateLink traffic too.
    let api = LoadBalancer {
        sg_ids: vec![SG_NLB_API.into()],
        sg_on_privatelink: Some(true),
        ..nlb(
            NLB_API_ARN,
            NLB_API_NAME,
            NLB_API_DNS,
            if s == Scenario::NlbOneZone {
                vec![zone(AZ_A, SUBNET_EKS_A, vec![NLB_API_IP_A])]
            } else {
                vec![
                    zone(AZ_A, SUBNET_EKS_A, vec![NLB_API_IP_A]),
                    zone(AZ_B, SUBNET_EKS_B, vec![NLB_API_IP_B]),
                ]
            },
        )
    };
    vec![
        api,
        nlb(
            NLB_APP_ARN,
            NLB_APP_NAME,
            NLB_APP_DNS,
            vec![
                zone(AZ_A, SUBNET_EKS_A, vec![]),
                zone(AZ_B, SUBNET_EKS_B, vec![]),
                zone(AZ_C, SUBNET_EKS_C, vec![]),
            ],
        ),
    ]
}

pub fn listeners() -> Vec<Listener> {
    let listener = |arn: &str, lb: &str, port: u16, tg: &str| Listener {
        arn: arn.into(),
        lb_arn: lb.into(),
        port,
        protocol: "TCP".into(),
        forwards_to: vec![tg.into()],
    };
    vec![
        listener(LISTENER_API_ARN, NLB_API_ARN, 443, TG_API_ARN),
        listener(LISTENER_HOOKS_ARN, NLB_API_ARN, 8443, TG_HOOKS_ARN),
        listener(LISTENER_APP_ARN, NLB_APP_ARN, 8080, TG_APP_ARN),
    ]
}

pub fn target_groups(s: Scenario) -> Vec<TargetGroup> {
    let tg = |arn: &str, name: &str, port: u16, lb: &str| TargetGroup {
        arn: arn.into(),
        name: name.into(),
        target_type: "ip".into(),
        protocol: "TCP".into(),
        port,
        vpc_id: VPC_EKS.into(),
        lb_arns: vec![lb.into()],
        health_check: Some(if s == Scenario::HealthCheckPath && arn == TG_API_ARN {
            // Someone "improved" the check: HTTPS on / expecting 200.
            HealthCheck {
                protocol: "HTTPS".into(),
                port: "traffic-port".into(),
                path: Some("/".into()),
                matcher: Some("200".into()),
            }
        } else {
            HealthCheck::tcp()
        }),
    };
    vec![
        tg(TG_API_ARN, TG_API_NAME, 443, NLB_API_ARN),
        tg(TG_HOOKS_ARN, TG_HOOKS_NAME, 8443, NLB_API_ARN),
        tg(TG_APP_ARN, TG_APP_NAME, 8080, NLB_APP_ARN),
    ]
}

/// The targets of the groups that are not the API's: the app's pods and the webhooks'.
pub fn app_targets() -> Vec<Target> {
    let pod = |tg: &'static str, port: u16| {
        move |(ip, az): (&Ipv4Addr, &str)| Target {
            tg_arn: tg.into(),
            id: ip.to_string(),
            port,
            az: Some(az.into()),
            state: "healthy".into(),
            reason: None,
            description: None,
        }
    };
    let app = APP_POD_IPS
        .iter()
        .zip([AZ_A, AZ_B, AZ_C])
        .map(pod(TG_APP_ARN, 8080));
    let hooks = HOOK_POD_IPS
        .iter()
        .zip([AZ_A, AZ_B])
        .map(pod(TG_HOOKS_ARN, 8443));
    app.chain(hooks).collect()
}

/// The endpoint service is offered in the zones of its NLB.
pub fn endpoint_services(s: Scenario) -> Vec<EndpointService> {
    let zones = load_balancers(s)
        .into_iter()
        .filter(|lb| lb.arn == NLB_API_ARN)
        .flat_map(|lb| lb.zones.into_iter().map(|z| z.az))
        .collect();
    vec![EndpointService {
        id: SVC_ID.into(),
        name: SVC_NAME.into(),
        state: "Available".into(),
        nlb_arns: vec![NLB_API_ARN.into()],
        acceptance_required: true,
        zones,
    }]
}

/// The endpoint to the cluster's service as it stands: (id, DNS suffix).
fn api_endpoint_identity(s: Scenario) -> (&'static str, &'static str) {
    if s == Scenario::AliasDangling {
        (VPCE_API_RECREATED, VPCE_API_RECREATED_SUFFIX)
    } else {
        (VPCE_API, VPCE_API_SUFFIX)
    }
}

pub fn endpoint_connections(s: Scenario) -> Vec<EndpointConnection> {
    let (id, _) = api_endpoint_identity(s);
    vec![EndpointConnection {
        service_id: SVC_ID.into(),
        endpoint_id: id.into(),
        state: pending_or_available(s).into(),
        owner: Some(ACCOUNT.into()),
    }]
}

fn pending_or_available(s: Scenario) -> &'static str {
    if s == Scenario::EndpointPending {
        "pendingAcceptance"
    } else {
        "available"
    }
}

pub fn interface_endpoints(s: Scenario) -> Vec<InterfaceEndpoint> {
    let (id, suffix) = api_endpoint_identity(s);
    // AWS hands out the endpoint's IPs only once the connection is accepted.
    let ips = if s == Scenario::EndpointPending {
        vec![]
    } else {
        VPCE_API_IPS.to_vec()
    };
    let ssm_suffix = "7mq2wc8e";
    let mut all = vec![
        InterfaceEndpoint {
            id: id.into(),
            vpc_id: VPC_OPS.into(),
            service_name: SVC_NAME.into(),
            state: pending_or_available(s).into(),
            subnet_ids: vec![SUBNET_OPS_A.into(), SUBNET_OPS_B.into()],
            eni_ids: vec![],
            ips,
            ipv6: vec![],
            dns_names: vec![
                vpce_regional_name(id, suffix),
                vpce_zonal_name(id, suffix, AZ_A),
                vpce_zonal_name(id, suffix, AZ_B),
            ],
            sg_ids: vec![SG_VPCE_API.into()],
        },
        InterfaceEndpoint {
            id: VPCE_SSM.into(),
            vpc_id: VPC_OPS.into(),
            service_name: SSM_SERVICE.into(),
            state: "available".into(),
            subnet_ids: vec![SUBNET_OPS_A.into(), SUBNET_OPS_B.into()],
            eni_ids: vec![],
            ips: VPCE_SSM_IPS.to_vec(),
            ipv6: vec![],
            dns_names: vec![
                format!("{VPCE_SSM}-{ssm_suffix}.ssm.{REGION}.vpce.amazonaws.com"),
                format!("{VPCE_SSM}-{ssm_suffix}-{AZ_A}.ssm.{REGION}.vpce.amazonaws.com"),
                format!("{VPCE_SSM}-{ssm_suffix}-{AZ_B}.ssm.{REGION}.vpce.amazonaws.com"),
                format!("ssm.{REGION}.amazonaws.com"),
            ],
            sg_ids: vec![SG_VPCE_SSM.into()],
        },
    ];
    if s.over_tgw() {
        all.retain(|e| e.service_name != SVC_NAME);
    }
    all
}

pub fn hosted_zones(s: Scenario) -> Vec<HostedZone> {
    let assoc = |vpc: &str| ZoneVpc {
        vpc_id: vpc.into(),
        region: REGION.into(),
    };
    // Over the transit gateway the ops VPC has no endpoint and no zone of its own: the
    // name resolves as EKS publishes it, to the ENI IPs.
    let api_vpc = if s == Scenario::PhzNotAssociated || s.over_tgw() {
        VPC_SHARED
    } else {
        VPC_OPS
    };
    vec![
        HostedZone {
            id: ZONE_API.into(),
            // In zone-shadows-siblings someone named it after the region's EKS domain.
            name: if s == Scenario::ZoneShadowsSiblings {
                PARENT_ZONE_NAME.into()
            } else {
                ENDPOINT_HOST.into()
            },
            private: true,
            vpcs: vec![assoc(api_vpc)],
        },
        HostedZone {
            id: ZONE_CORP.into(),
            name: CORP_ZONE_NAME.into(),
            private: true,
            vpcs: vec![assoc(VPC_OPS), assoc(VPC_SHARED)],
        },
        HostedZone {
            id: ZONE_PUBLIC.into(),
            name: PUBLIC_ZONE_NAME.into(),
            private: false,
            vpcs: vec![],
        },
    ]
}

/// Every record, sorted by name then type as ListResourceRecordSets returns them.
pub fn records() -> Vec<Record> {
    // The alias was written when the endpoint was first created; recreating the endpoint
    // (alias-dangling) does not touch it.
    let alias_to = vpce_regional_name(VPCE_API, VPCE_API_SUFFIX);
    let record =
        |zone: &str, name: &str, rtype: &str, ttl: Option<u32>, values: Vec<String>| Record {
            zone_id: zone.into(),
            name: name.into(),
            rtype: rtype.into(),
            ttl,
            values,
            alias: None,
        };
    let ns = |zone: &str, name: &str| {
        record(
            zone,
            name,
            "NS",
            Some(172_800),
            vec![
                "ns-1536.awsdns-00.co.uk.".into(),
                "ns-0.awsdns-00.com.".into(),
                "ns-1024.awsdns-00.org.".into(),
                "ns-512.awsdns-00.net.".into(),
            ],
        )
    };
    let soa = |zone: &str, name: &str| {
        record(
            zone,
            name,
            "SOA",
            Some(900),
            vec![
                "ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
                    .into(),
            ],
        )
    };
    let mut api_a = record(ZONE_API, ENDPOINT_HOST, "A", None, vec![]);
    api_a.alias = Some(AliasTarget {
        dns_name: alias_to,
        hosted_zone_id: VPCE_ALIAS_ZONE.into(),
    });
    let corp_git = format!("git.{CORP_ZONE_NAME}");
    vec![
        api_a,
        ns(ZONE_API, ENDPOINT_HOST),
        soa(ZONE_API, ENDPOINT_HOST),
        ns(ZONE_CORP, CORP_ZONE_NAME),
        soa(ZONE_CORP, CORP_ZONE_NAME),
        record(
            ZONE_CORP,
            &corp_git,
            "A",
            Some(300),
            vec!["10.50.1.20".into()],
        ),
        ns(ZONE_PUBLIC, PUBLIC_ZONE_NAME),
        soa(ZONE_PUBLIC, PUBLIC_ZONE_NAME),
        record(
            ZONE_PUBLIC,
            &format!("www.{PUBLIC_ZONE_NAME}"),
            "A",
            Some(300),
            vec!["192.0.2.44".into()],
        ),
    ]
}
