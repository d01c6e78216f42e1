//! AccessDenied on any one API, injected per caller by the emulator extension
//! (tests/aws_support/emulator/ext_server.py answers 403 in the service's own error format):
//! every other source still loads, and the affected hops or rules are UNKNOWN with the
//! denied IAM action named in `check`'s JSON. Also throttling and missing credentials.

mod aws_support;

use aws_support::Emulator;
use serde_json::Value;

/// (denied action, sources that may fail because of it, hops on the PrivateLink route
/// that must turn UNKNOWN naming it). Route tables and peerings are off that route, so
/// only an unknown rule names them; connections are optional when the endpoint's own state
/// is known, so only their source names them.
type Denial = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const DENIALS: &[Denial] = &[
    (
        "eks:DescribeCluster",
        &[
            "cluster",
            "hosted-zones",
            "zone-vpcs",
            "records",
            "region-clusters",
            "sibling-records",
        ],
        &["dns", "api-server"],
    ),
    (
        "ec2:DescribeNetworkInterfaces",
        &["enis", "endpoint-addresses", "nlb-addresses"],
        &["eks-enis", "interface-endpoint"],
    ),
    (
        "ec2:DescribeVpcs",
        &["vpcs", "dhcp-options"],
        &["interface-endpoint"],
    ),
    ("ec2:DescribeVpcAttribute", &[], &[]),
    (
        "route53resolver:ListResolverRuleAssociations",
        &["resolver-rules", "resolver-endpoints"],
        &["dns"],
    ),
    ("ec2:DescribeSubnets", &["subnets"], &["eks-enis"]),
    ("ec2:DescribeRouteTables", &["route-tables"], &[]),
    (
        "ec2:DescribeSecurityGroups",
        &["security-groups"],
        &["eks-enis", "interface-endpoint"],
    ),
    ("ec2:DescribeVpcPeeringConnections", &["peerings"], &[]),
    (
        "ec2:DescribeVpcEndpoints",
        &[
            "interface-endpoints",
            "endpoint-addresses",
            "lattice-endpoints",
            "resource-configs",
            "resource-gateways",
        ],
        &["interface-endpoint"],
    ),
    (
        "ec2:DescribeVpcEndpointServiceConfigurations",
        &["endpoint-services", "endpoint-connections"],
        &["endpoint-service"],
    ),
    (
        "ec2:DescribeVpcEndpointConnections",
        &["endpoint-connections"],
        &[],
    ),
    (
        "elasticloadbalancing:DescribeLoadBalancers",
        &[
            "load-balancers",
            "nlb-addresses",
            "listeners",
            "target-groups",
            "targets",
        ],
        &["nlb"],
    ),
    (
        "elasticloadbalancing:DescribeListeners",
        &["listeners"],
        &["nlb"],
    ),
    (
        "elasticloadbalancing:DescribeTargetGroups",
        &["target-groups", "targets"],
        &["nlb", "targets"],
    ),
    (
        "elasticloadbalancing:DescribeTargetHealth",
        &["targets"],
        &["targets"],
    ),
    (
        "route53:ListHostedZonesByName",
        &[
            "hosted-zones",
            "zone-vpcs",
            "records",
            "region-clusters",
            "sibling-records",
        ],
        &["dns"],
    ),
    ("route53:GetHostedZone", &["zone-vpcs"], &["dns"]),
    ("route53:ListResourceRecordSets", &["records"], &["dns"]),
];

/// Optional reads, with their source: without them the tool knows a little less and says
/// nothing worse.
/// Reads this PrivateLink topology does not rest on: the verdict stays OK without them.
/// (Over a transit gateway they are needed; tests/aws_faults.rs covers that.)
const OPTIONAL: &[(&str, &[&str])] = &[
    (
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        &["lb-attributes"],
    ),
    (
        "ec2:DescribeTransitGatewayVpcAttachments",
        &["tgw-attachments", "tgw-routes"],
    ),
    (
        "ec2:DescribeTransitGatewayAttachments",
        &["tgw-attachments", "tgw-routes"],
    ),
    ("ec2:SearchTransitGatewayRoutes", &["tgw-routes"]),
    // The seeded VPCs keep AWS's `default` set, and no rule is associated with them, so
    // none of these is read.
    ("ec2:DescribeDhcpOptions", &["dhcp-options"]),
    ("route53resolver:GetResolverRule", &["resolver-rules"]),
    (
        "route53resolver:GetResolverEndpoint",
        &["resolver-endpoints"],
    ),
];

fn sources(doc: &Value) -> Vec<(String, String, String)> {
    doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
                s["error"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn denial_is_contained(emu: &Emulator, ops: &str, denial: &Denial) -> Vec<String> {
    let (action, may_fail, hops) = *denial;
    let key = format!("deny-{}", action.replace(':', "-"));
    emu.fault(&key, action, "deny");
    let (code, doc) = emu.check(&key, ops, &["--cluster", "prod"]);
    let mut errors = Vec::new();
    if code == 3 {
        errors.push(format!("{action}: check could not run"));
    }
    for (name, state, error) in sources(&doc) {
        if state != "loaded" && !may_fail.contains(&name.as_str()) {
            errors.push(format!("{action}: source {name} is {state}: {error}"));
        }
    }
    // The first source that depends on the action fails as access denied, naming it.
    if let Some(first) = may_fail.first() {
        let named = sources(&doc)
            .into_iter()
            .any(|(n, _, e)| n == *first && e.contains("access denied") && e.contains(action));
        if !named {
            errors.push(format!(
                "{action}: source {first} does not name the denied action"
            ));
        }
    }
    for hop in hops {
        let h = doc["hops"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == *hop);
        let ok = h.is_some_and(|h| {
            h["status"] == "unknown" && h["evidence"].as_str().unwrap().contains(action)
        });
        if !ok {
            errors.push(format!(
                "{action}: hop {hop} is not UNKNOWN naming it: {h:?}"
            ));
        }
    }
    if !hops.is_empty() && doc["verdict"] != "unknown" && doc["verdict"] != "fail" {
        errors.push(format!("{action}: verdict {}", doc["verdict"]));
    }
    let in_rules = doc["unknowns"].to_string().contains(action);
    if action != "ec2:DescribeVpcEndpointConnections" && !in_rules {
        errors.push(format!(
            "{action}: no unknown rule names it: {}",
            doc["unknowns"]
        ));
    }
    errors
}

#[test]
fn access_denied_on_any_one_api_leaves_every_other_source_loaded() {
    let emu = Emulator::start();
    let ids = emu.seed(&[]);
    let ops = ids["ops_vpc"].as_str().unwrap();
    let mut errors = Vec::new();
    for denial in DENIALS {
        errors.extend(denial_is_contained(&emu, ops, denial));
    }
    for (action, optional) in OPTIONAL {
        let key = format!("deny-{}", action.replace(':', "-"));
        emu.fault(&key, action, "deny");
        let (code, doc) = emu.check(&key, ops, &["--cluster", "prod"]);
        if code != 0
            || sources(&doc)
                .iter()
                .any(|s| s.1 != "loaded" && !optional.contains(&s.0.as_str()))
        {
            errors.push(format!(
                "{action} is optional but changed the verdict: {doc}"
            ));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn denied_list_clusters_stops_discovery_with_the_action_named() {
    let emu = Emulator::start();
    let ids = emu.seed(&[]);
    let ops = ids["ops_vpc"].as_str().unwrap();
    emu.fault("deny-list", "eks:ListClusters", "deny");
    let out = emu
        .command("deny-list", &["check", "--no-live", "--from-vpc", ops])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("eks:ListClusters"), "{err}");
    // Naming the cluster needs no listing at all.
    let (code, _) = emu.check("deny-list", ops, &["--cluster", "prod"]);
    assert_eq!(code, 0);
}

#[test]
fn throttling_after_retries_is_reported_as_throttled() {
    let emu = Emulator::start();
    let ids = emu.seed(&[]);
    emu.fault("slowdown", "ec2:DescribeSubnets", "throttle");
    let (code, doc) = emu.check("slowdown", ids["ops_vpc"].as_str().unwrap(), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let subnets = sources(&doc)
        .into_iter()
        .find(|s| s.0 == "subnets")
        .unwrap();
    assert_eq!(subnets.1, "error");
    assert!(subnets.2.starts_with("throttled"), "{}", subnets.2);
    let others = sources(&doc)
        .into_iter()
        .filter(|s| s.0 != "subnets" && s.1 != "loaded")
        .count();
    assert_eq!(others, 0);
}

#[test]
fn no_credentials_exit_3_naming_what_was_tried() {
    let emu = Emulator::start();
    let out = emu
        .command("unused", &["check", "--no-live", "--cluster", "prod"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for tried in [
        "no AWS credentials",
        "environment variables",
        "profile 'default'",
        "instance metadata",
    ] {
        assert!(err.contains(tried), "{err} lacks {tried}");
    }
}
