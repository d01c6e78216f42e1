//! The real collectors (`AwsClient` under `collect_once`) read a seeded emulator into the
//! model exactly: the ENIs, subnets, DNS attributes, peering, NLB addresses (from the NLB's
//! own ENIs, as AWS lists none for an internal NLB without chosen IPs), targets, PrivateLink
//! and Route53 parts.

mod aws_support;

use aws_support::Emulator;
use aws_support::inproc::{client, collect};
use std::collections::BTreeSet;

fn strs<'a>(v: impl IntoIterator<Item = &'a serde_json::Value>) -> BTreeSet<String> {
    v.into_iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// A dual-stack account: the ENIs' and the interface endpoint's IPv6 addresses are read,
/// so AAAA answers can be placed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_addresses_of_the_enis_and_the_endpoint_are_read() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--fault", "dual-stack"]);
    let c = client(&emu.url).await;
    let m = collect(&c, ids["ops_vpc"].as_str().unwrap()).await;
    let eni_v6: BTreeSet<String> = m
        .enis
        .value()
        .unwrap()
        .iter()
        .flat_map(|e| e.ipv6.iter().map(ToString::to_string))
        .collect();
    assert_eq!(eni_v6, strs(ids["eni_ipv6"].as_array().unwrap()));
    let ie_v6: BTreeSet<String> = m
        .interface_endpoints
        .value()
        .unwrap()
        .iter()
        .flat_map(|e| e.ipv6.iter().map(ToString::to_string))
        .collect();
    assert_eq!(ie_v6, strs(ids["endpoint_ipv6"].as_array().unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collectors_read_every_part_of_the_topology() {
    let emu = Emulator::start();
    // A little of everything unrelated: other VPCs, a peering between them, ENIs, targets.
    let ids = emu.seed(&["--noise", "4,20,5"]);
    let ops = ids["ops_vpc"].as_str().unwrap();
    let eks = ids["eks_vpc"].as_str().unwrap();
    let c = client(&emu.url).await;
    let m = collect(&c, ops).await;

    let cluster = m.cluster.value().unwrap();
    assert_eq!(cluster.vpc_id.as_deref(), Some(eks));
    assert_eq!(cluster.cluster_sg.as_deref(), ids["cluster_sg"].as_str());
    assert!(cluster.private_access && !cluster.public_access);
    assert_eq!(cluster.account(), Some("123456789012"));

    assert_eq!(m.enis.value().unwrap().len(), 2);
    let eni_ips: BTreeSet<String> = m
        .enis
        .value()
        .unwrap()
        .iter()
        .map(|e| e.ip.to_string())
        .collect();
    assert_eq!(eni_ips, strs(ids["eni_ips"].as_array().unwrap()));
    assert!(
        m.enis
            .value()
            .unwrap()
            .iter()
            .all(|e| e.in_use() && e.az.starts_with("eu-west-1"))
    );

    let vpcs = m.vpcs.value().unwrap();
    assert_eq!(vpcs.len(), 2);
    assert!(
        vpcs.iter()
            .all(|v| v.dns_support == Some(true) && v.dns_hostnames == Some(true))
    );
    assert_eq!(
        vpcs.iter().find(|v| v.id == ops).unwrap().name.as_deref(),
        Some("ops")
    );

    let subnets = m.subnets.value().unwrap();
    assert_eq!(subnets.len(), 4);
    for id in ids["eks_subnets"].as_array().unwrap() {
        let s = subnets
            .iter()
            .find(|s| s.id == id.as_str().unwrap())
            .unwrap();
        assert!(s.free_ips > 200 && s.free_ips < 256, "{s:?}");
    }

    let peerings = m.peerings.value().unwrap();
    assert_eq!(peerings.len(), 1);
    assert!(peerings[0].is_active() && peerings[0].joins(ops, eks));
    let tables = m.route_tables.value().unwrap();
    assert!(tables.iter().any(|t| {
        t.vpc_id == eks
            && t.main
            && t.routes
                .iter()
                .any(|r| r.target.to_string() == ids["peering"])
    }));

    let lbs = m.load_balancers.value().unwrap();
    assert_eq!(lbs.len(), 1);
    let ips: BTreeSet<String> = lbs[0].private_ips().map(|i| i.to_string()).collect();
    assert_eq!(
        ips,
        BTreeSet::from(["192.168.10.100".to_string(), "192.168.20.100".to_string()])
    );
    assert_eq!(lbs[0].cross_zone, Some(false));
    assert!(lbs[0].is_internal());
    let listeners = m.listeners.value().unwrap();
    assert_eq!(listeners[0].port, 443);
    assert_eq!(
        listeners[0].forwards_to,
        vec![ids["tg"].as_str().unwrap().to_string()]
    );
    assert!(m.target_groups.value().unwrap()[0].is_ip());
    let targets = m.targets.value().unwrap();
    assert_eq!(targets.len(), 2);
    assert!(targets.iter().all(|t| t.healthy() && t.port == 443));

    let ie = &m.interface_endpoints.value().unwrap()[0];
    assert_eq!(ie.id, ids["endpoint_id"]);
    assert_eq!(
        ie.ips.len(),
        2,
        "one IP per subnet from the endpoint's ENIs"
    );
    assert!(!ie.dns_names.is_empty());
    let svc = &m.endpoint_services.value().unwrap()[0];
    assert_eq!(svc.id, ids["service"]);
    assert_eq!(svc.nlb_arns, vec![ids["nlb"].as_str().unwrap().to_string()]);
    let conns = m.endpoint_connections.value().unwrap();
    assert_eq!(conns.len(), 1, "{conns:?}");
    assert_eq!(conns[0].endpoint_id, ie.id);

    let zones = m.hosted_zones.value().unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].id, ids["zone"]);
    assert!(zones[0].associated_with(ops));
    // The zone is named after the host, so its apex NS and SOA share the name.
    let records = m.records.value().unwrap();
    let types: BTreeSet<&str> = records.iter().map(|r| r.rtype.as_str()).collect();
    assert_eq!(types, BTreeSet::from(["A", "NS", "SOA"]));
    let alias = records
        .iter()
        .find(|r| r.rtype == "A")
        .unwrap()
        .alias
        .as_ref();
    assert!(ie.answers_to(&alias.unwrap().dns_name));

    let sgs: BTreeSet<&str> = m
        .security_groups
        .value()
        .unwrap()
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert!(sgs.contains(ids["cluster_sg"].as_str().unwrap()));

    // Every call is counted; a cycle stays small and does not grow with the account.
    let calls = c.calls();
    assert!((20..=40).contains(&calls), "{calls} calls");
    // And counted by the IAM action each needs, every one granted by the policy.
    let by_action = eksnet_tui::sources::AwsApi::calls(&c);
    assert_eq!(by_action.values().sum::<u64>(), calls);
    assert!(by_action.contains_key("ec2:DescribeVpcs"), "{by_action:?}");
    assert!(
        by_action.contains_key("elasticloadbalancing:DescribeTargetHealth"),
        "{by_action:?}"
    );
    let policy: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/iam-policy.json"))
            .unwrap(),
    )
    .unwrap();
    let granted: BTreeSet<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|st| st["Action"].as_array().unwrap())
        .filter_map(|a| a.as_str())
        .collect();
    for action in by_action.keys() {
        assert!(granted.contains(action.as_str()), "{action} is not granted");
    }
}
