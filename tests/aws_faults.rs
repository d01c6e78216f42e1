//! `check` against a freshly seeded AWS emulator (moto on loopback, see tests/aws_support):
//! the healthy PrivateLink topology raises no problem, and each seeded fault is named by
//! its finding id. Behaviour moto lacks comes from the emulator extension
//! (tests/aws_support/emulator/ext_server.py): target health other than healthy, endpoints
//! pending acceptance, DescribeVpcEndpointConnections.

mod aws_support;

use aws_support::Emulator;
mod report;

use report::{hop_status, problems};
use serde_json::Value;
use std::collections::BTreeSet;

fn broken_sources(doc: &Value) -> Vec<String> {
    doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] != "loaded")
        .map(|s| format!("{}: {}", s["name"], s["error"]))
        .collect()
}

#[test]
fn healthy_topology_is_ok_on_the_privatelink_route() {
    let emu = Emulator::start();
    let ids = emu.seed(&[]);
    let ops = ids["ops_vpc"].as_str().unwrap();
    let (code, doc) = emu.check("healthy", ops, &["--cluster", "prod"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["verdict"], "ok");
    assert_eq!(doc["route"], "privatelink");
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
    assert!(
        broken_sources(&doc).is_empty(),
        "{:?}",
        broken_sources(&doc)
    );
    assert!(
        doc["unknowns"].as_array().unwrap().is_empty(),
        "{}",
        doc["unknowns"]
    );
    assert_eq!(doc["cluster"]["account"], aws_support::emulator::ACCOUNT);
    assert_eq!(doc["cluster"]["region"], aws_support::REGION);
    assert_eq!(doc["cluster"]["mode"], "private");
    for name in [
        "interface-endpoint",
        "endpoint-service",
        "nlb",
        "targets",
        "eks-enis",
    ] {
        assert_eq!(hop_status(&doc, name), "ok", "{name}");
    }

    // A --from-vpc the account does not have: the origin is unknown and nothing is aimed at it.
    let (_, doc) = emu.check("healthy", "vpc-0123456789abcdef0", &["--cluster", "prod"]);
    assert_eq!(hop_status(&doc, "origin"), "unknown", "{doc:#}");
    assert_ne!(doc["verdict"], "ok");
    let fixes = doc["findings"].to_string();
    assert!(!fixes.contains("vpc-0123456789abcdef0"), "{fixes}");
}

/// (fault, ids that must be raised, ids that may also be raised)
const FAULTS: &[(&str, &[&str], &[&str])] = &[
    ("stale-target", &["target-stale"], &[]),
    // The deregistered ENI leaves its zone's NLB node with nothing healthy (cross-zone off).
    (
        "missing-target",
        &["target-missing", "nlb-az-no-healthy-target"],
        &[],
    ),
    ("phz-not-associated", &["phz-not-associated"], &[]),
    // moto keeps routes `active` after the peering is deleted; the rule reads the peering.
    ("peering-inactive", &["peering-inactive"], &[]),
    ("dns-off", &["vpc-dns-disabled"], &[]),
    (
        "endpoint-pending",
        &[
            "interface-endpoint-unavailable",
            "endpoint-connection-pending",
        ],
        &[],
    ),
    ("targets-unhealthy", &["target-unhealthy"], &[]),
    ("no-listener", &["nlb-listener-missing"], &[]),
    ("health-check-path", &["tg-health-check-fails-on-api"], &[]),
    ("nlb-sg-blocks-443", &["nlb-sg-blocks-443"], &[]),
    ("endpoint-az-unsupported", &["endpoint-az-unsupported"], &[]),
    (
        "eni-zone-without-nlb",
        &["nlb-fewer-azs-than-enis"],
        &["target-missing"],
    ),
    ("health-check-http", &["tg-health-check-fails-on-api"], &[]),
    (
        "upgrade-no-room",
        &["subnet-upgrade-headroom", "subnet-ip-low"],
        &[],
    ),
];

fn seeded_fault_is_named(fault: &str) -> (i32, Value) {
    let (_, must, may) = FAULTS.iter().find(|f| f.0 == fault).unwrap();
    let emu = Emulator::start();
    let ids = emu.seed(&["--fault", fault]);
    let (code, doc) = emu.check("faults", ids["ops_vpc"].as_str().unwrap(), &[]);
    let found = problems(&doc);
    let must: BTreeSet<String> = must.iter().map(|s| s.to_string()).collect();
    let allowed: BTreeSet<String> = must
        .iter()
        .cloned()
        .chain(may.iter().map(|s| s.to_string()))
        .collect();
    assert!(must.is_subset(&found), "{fault}: {found:?} lacks {must:?}");
    assert!(
        found.is_subset(&allowed),
        "{fault}: unexpected {:?}",
        found.difference(&allowed)
    );
    assert!(code == 1 || code == 2, "{fault}: exit {code}");
    assert!(
        broken_sources(&doc).is_empty(),
        "{fault}: {:?}",
        broken_sources(&doc)
    );
    (code, doc)
}

/// Over a transit gateway, no peering: OK when the routes are right; each broken leg is
/// named at the `transit-gateway` hop.
#[test]
fn transit_gateway_topologies() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--fault", "tgw"]);
    let (code, doc) = emu.check("tgw", ids["ops_vpc"].as_str().unwrap(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["route"], "direct");
    let hops: Vec<&str> = doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        hops,
        ["origin", "dns", "transit-gateway", "eks-enis", "api-server"]
    );
    assert_eq!(hop_status(&doc, "transit-gateway"), "ok");
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
    assert!(
        broken_sources(&doc).is_empty(),
        "{:?}",
        broken_sources(&doc)
    );

    for (fault, id) in [
        ("tgw-route-missing", "tgw-route-missing"),
        ("tgw-blackhole", "tgw-route-blackhole"),
        ("tgw-attachment-pending", "tgw-attachment-unavailable"),
    ] {
        let emu = Emulator::start();
        let ids = emu.seed(&["--fault", fault]);
        let (code, doc) = emu.check(fault, ids["ops_vpc"].as_str().unwrap(), &[]);
        assert_eq!(code, 2, "{fault}: {doc:#}");
        assert_eq!(hop_status(&doc, "transit-gateway"), "fail", "{fault}");
        let found = problems(&doc);
        assert_eq!(found, BTreeSet::from([id.to_string()]), "{fault}");
        let finding = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap();
        let tgw = ids["tgw"].as_str().unwrap();
        let text = format!("{} {}", finding["evidence"], finding["fix"]);
        assert!(
            text.contains(tgw) || text.contains(ids["tgw_attachments"]["eks"].as_str().unwrap()),
            "{fault}: {text}"
        );
    }
}

/// A zone named after the region's EKS domain serves this endpoint and hides the other
/// cluster of the region, which is named.
#[test]
fn a_parent_named_zone_hides_the_other_cluster() {
    let emu = Emulator::start();
    let ids = emu.seed(&[
        "--fault",
        "zone-shadows-siblings",
        "--extra-cluster",
        "batch",
    ]);
    let (code, doc) = emu.check(
        "shadow",
        ids["ops_vpc"].as_str().unwrap(),
        &["--cluster", "prod"],
    );
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        problems(&doc),
        BTreeSet::from(["zone-shadows-siblings".to_string()])
    );
    assert_eq!(
        doc["summary"].as_str().unwrap().split(';').next(),
        Some("path OK from this host")
    );
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "zone-shadows-siblings")
        .unwrap();
    let evidence = f["evidence"].as_str().unwrap();
    assert!(
        evidence.contains(ids["parent_zone"].as_str().unwrap()),
        "{evidence}"
    );
    assert!(evidence.contains("batch ("), "{evidence}");
    assert!(!evidence.contains("prod ("), "{evidence}");
    assert!(
        broken_sources(&doc).is_empty(),
        "{:?}",
        broken_sources(&doc)
    );
}

#[test]
fn stale_target() {
    seeded_fault_is_named("stale-target");
}

#[test]
fn missing_target() {
    seeded_fault_is_named("missing-target");
}

#[test]
fn phz_not_associated() {
    seeded_fault_is_named("phz-not-associated");
}

#[test]
fn peering_inactive() {
    seeded_fault_is_named("peering-inactive");
}

#[test]
fn vpc_dns_off() {
    seeded_fault_is_named("dns-off");
}

#[test]
fn endpoint_pending() {
    seeded_fault_is_named("endpoint-pending");
}

#[test]
fn targets_unhealthy() {
    seeded_fault_is_named("targets-unhealthy");
}

#[test]
fn health_check_path() {
    let (_, doc) = seeded_fault_is_named("health-check-path");
    assert_eq!(hop_status(&doc, "targets"), "fail", "{doc:#}");
}

#[test]
fn health_check_http() {
    let (_, doc) = seeded_fault_is_named("health-check-http");
    assert!(
        doc["findings"].to_string().contains("plain HTTP"),
        "{doc:#}"
    );
}

#[test]
fn nlb_sg_blocks_443() {
    let (_, doc) = seeded_fault_is_named("nlb-sg-blocks-443");
    assert_eq!(hop_status(&doc, "nlb"), "fail", "{doc:#}");
}

#[test]
fn eni_zone_without_nlb() {
    let (_, doc) = seeded_fault_is_named("eni-zone-without-nlb");
    // The coverage is by zone ID, and names the zone the NLB skips.
    let zones = doc["zones"]["zones"].as_array().unwrap();
    assert_eq!(zones.len(), 3, "{:#}", doc["zones"]);
    assert!(
        zones.iter().all(|z| z["zone"] != z["name"]),
        "{:#}",
        doc["zones"]
    );
    assert_eq!(
        zones.iter().filter(|z| z["nlb_subnet"].is_null()).count(),
        1,
        "{:#}",
        doc["zones"]
    );
}

#[test]
fn endpoint_az_unsupported() {
    let (_, doc) = seeded_fault_is_named("endpoint-az-unsupported");
    assert_eq!(hop_status(&doc, "interface-endpoint"), "warn", "{doc:#}");
    // The fix takes the subnet off the endpoint.
    let f = doc["findings"].to_string();
    assert!(
        f.contains("modify-vpc-endpoint") && f.contains("--remove-subnet-ids subnet-"),
        "{f}"
    );
}

#[test]
fn upgrade_no_room() {
    let (_, doc) = seeded_fault_is_named("upgrade-no-room");
    assert_eq!(hop_status(&doc, "eks-enis"), "warn", "{doc:#}");
}

#[test]
fn no_listener_fails_at_the_nlb() {
    let (code, doc) = seeded_fault_is_named("no-listener");
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["first_failure"], "nlb", "{doc:#}");
    assert_eq!(hop_status(&doc, "nlb"), "fail");
    // No hop repeats a line.
    for hop in doc["hops"].as_array().unwrap() {
        let lines: Vec<&str> = hop["details"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let unique: BTreeSet<&str> = lines.iter().copied().collect();
        assert_eq!(unique.len(), lines.len(), "{}: {lines:?}", hop["name"]);
    }
}

/// A large account: hundreds of unrelated VPCs and thousands of ENIs, and a second
/// listener on the API's NLB to a 200-target group that is not the API's.
#[test]
fn large_healthy_account_with_a_second_listener_is_ok() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--noise", "300,5000,200", "--second-listener", "200"]);
    let (code, doc) = emu.check("large", ids["ops_vpc"].as_str().unwrap(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["verdict"], "ok");
    let warned: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(warned.is_empty(), "{warned:#?}");
    assert_eq!(hop_status(&doc, "targets"), "ok");
}

/// A network ACL is judged on the crossings from this host, which instance metadata
/// places in its subnet.
fn nacl_fault_is_named_with_its_rule(fault: &str) {
    let emu = Emulator::start();
    let ids = emu.seed(&["--fault", fault]);
    let imds = aws_support::imds::serve(ids["bastion"].as_str().unwrap());
    let (code, doc) = emu.check_via_imds("nacl", &imds);
    assert_eq!(
        problems(&doc),
        BTreeSet::from([fault.to_string()]),
        "{doc:#}"
    );
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fault)
        .unwrap();
    assert_eq!(f["resource"], ids["acl"], "{f:#}");
    let evidence = f["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("rule 90") && evidence.contains("172.20.1.10"),
        "{evidence}"
    );
    assert!(
        broken_sources(&doc).is_empty(),
        "{:?}",
        broken_sources(&doc)
    );
    // One of the endpoint's two subnets is stopped: a warning where the deny is. The
    // inbound deny stands on the endpoint's side; the return deny too (its egress).
    assert_eq!(f["severity"], "warn");
    assert_eq!(hop_status(&doc, "interface-endpoint"), "warn");
    assert_eq!(code, 1);
}

#[test]
fn nacl_blocks_443() {
    nacl_fault_is_named_with_its_rule("nacl-blocks-443");
}

#[test]
fn nacl_blocks_return() {
    nacl_fault_is_named_with_its_rule("nacl-blocks-return");
}
