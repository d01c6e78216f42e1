//! `eksnet-tui check --demo SCENARIO --output json` as a user runs it: exit codes, finding
//! ids, the failing hop, and the errors for bad input.

mod report;

use report::{hop_status, problems};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eksnet-tui"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run eksnet-tui")
}

fn check_json(scenario: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--demo", scenario, "--output", "json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{scenario}: stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), doc)
}

/// (scenario, exit code, ids that must be reported, ids that may also be reported)
const SCENARIOS: &[(&str, i32, &[&str], &[&str])] = &[
    ("healthy", 0, &[], &[]),
    (
        "rotation-missed",
        2,
        &["target-stale", "target-missing", "automation-rule-disabled"],
        &["target-unhealthy", "probe-tcp-failed", "automation-idle"],
    ),
    (
        "rotation-missed-no-trail",
        2,
        &["target-missing", "automation-no-trail"],
        &[
            "target-stale",
            "target-unhealthy",
            "probe-tcp-failed",
            "automation-idle",
        ],
    ),
    (
        "rotation-missed-lambda-errors",
        2,
        &["target-missing", "automation-function-errors"],
        &["target-stale", "target-unhealthy", "probe-tcp-failed"],
    ),
    (
        "stale-target",
        1,
        &["target-stale", "automation-wrong-target-group"],
        &[],
    ),
    (
        "stale-cleanup-missing",
        1,
        &["target-stale", "automation-cleanup-missing"],
        &[],
    ),
    (
        "phz-not-associated",
        1,
        &["phz-not-associated", "dns-public-answer"],
        &[],
    ),
    ("peering-inactive", 1, &["peering-inactive"], &[]),
    ("vpc-dns-off", 2, &["vpc-dns-disabled"], &[]),
    ("subnet-exhausted", 1, &["subnet-ip-low"], &[]),
    (
        "upgrade-no-room",
        1,
        &["subnet-upgrade-headroom", "subnet-ip-low"],
        &[],
    ),
    (
        "targets-unhealthy",
        2,
        &["target-unhealthy", "sg-blocks-443"],
        &["probe-tcp-failed"],
    ),
    (
        "health-check-path",
        2,
        &["tg-health-check-fails-on-api", "target-unhealthy"],
        &[],
    ),
    (
        "nacl-blocks-443",
        1,
        &["nacl-blocks-443", "probe-tcp-failed"],
        &[],
    ),
    (
        "nacl-blocks-return",
        1,
        &["nacl-blocks-return", "probe-tcp-failed"],
        &[],
    ),
    (
        "nlb-sg-blocks-443",
        2,
        &["nlb-sg-blocks-443", "probe-tcp-failed"],
        &[],
    ),
    (
        "nlb-one-zone",
        1,
        &[
            "nlb-fewer-azs-than-enis",
            "endpoint-az-unsupported",
            "target-unused",
            "probe-tcp-failed",
        ],
        &[],
    ),
    (
        "zone-without-target",
        1,
        &[
            "target-missing",
            "nlb-az-no-healthy-target",
            "probe-tcp-failed",
        ],
        &[],
    ),
    (
        "endpoint-pending",
        2,
        &["endpoint-connection-pending"],
        &["interface-endpoint-unavailable", "dns-no-answer"],
    ),
    ("alias-dangling", 2, &["alias-dangling"], &["dns-no-answer"]),
    ("tgw", 0, &[], &[]),
    (
        "tgw-route-missing",
        2,
        &["tgw-route-missing", "probe-tcp-failed"],
        &[],
    ),
    (
        "tgw-blackhole",
        2,
        &["tgw-route-blackhole", "probe-tcp-failed"],
        &[],
    ),
    (
        "tgw-attachment-pending",
        2,
        &["tgw-attachment-unavailable", "probe-tcp-failed"],
        &[],
    ),
    (
        "tgw-zone-missing",
        1,
        &["tgw-attachment-az-missing", "probe-tcp-failed"],
        &[],
    ),
    (
        "dhcp-custom-dns",
        2,
        &["dhcp-custom-dns", "dns-nxdomain"],
        &[],
    ),
    (
        "resolver-rule-shadows-zone",
        2,
        &["resolver-rule-shadows-zone", "dns-nxdomain"],
        &[],
    ),
    (
        "hosts-pin-stale",
        2,
        &["hosts-pin-stale", "probe-tcp-failed"],
        &[],
    ),
    ("proxy-no-bypass", 1, &["proxy-intercepts"], &[]),
    ("tls-intercepted", 2, &["tls-intercepted"], &[]),
    ("zone-shadows-siblings", 1, &["zone-shadows-siblings"], &[]),
    ("ipv6", 0, &[], &[]),
    ("self-managed", 0, &[], &[]),
    (
        "self-managed-sg",
        2,
        &["target-sg-blocks-api", "probe-tcp-failed"],
        &[],
    ),
    ("self-managed-one-down", 1, &["instance-not-running"], &[]),
    (
        "self-managed-no-cross-zone",
        2,
        &[
            "nlb-zone-no-healthy-target",
            "target-unhealthy",
            "probe-tcp-failed",
        ],
        &[],
    ),
    ("lattice-healthy", 0, &[], &[]),
    (
        "lattice-not-associated",
        2,
        &["lattice-not-associated", "probe-tcp-failed"],
        &[],
    ),
    (
        "lattice-targets-unhealthy",
        2,
        &["lattice-target-unhealthy"],
        &[],
    ),
    (
        "lattice-prefix-list-blocked",
        2,
        &["lattice-prefix-list-blocked", "lattice-target-unhealthy"],
        &[],
    ),
    (
        "lattice-auth-no-policy",
        2,
        &["lattice-auth-no-policy"],
        &[],
    ),
    ("lattice-api", 0, &[], &[]),
];

#[test]
fn every_scenario_gives_its_exit_code_and_findings() {
    let mut failures = Vec::new();
    for (scenario, code, must, may) in SCENARIOS {
        let (got, doc) = check_json(scenario, &[]);
        let found = problems(&doc);
        let must: BTreeSet<String> = must.iter().map(|s| s.to_string()).collect();
        let allowed: BTreeSet<String> = must
            .iter()
            .cloned()
            .chain(may.iter().map(|s| s.to_string()))
            .collect();
        if got != *code {
            failures.push(format!("{scenario}: exit {got}, want {code}"));
        }
        if !must.is_subset(&found) {
            failures.push(format!(
                "{scenario}: findings {found:?} lack {:?}",
                must.difference(&found).collect::<Vec<_>>()
            ));
        }
        if !found.is_subset(&allowed) {
            failures.push(format!(
                "{scenario}: unexpected findings {:?}",
                found.difference(&allowed).collect::<Vec<_>>()
            ));
        }
        assert_eq!(doc["exit_code"], *code, "{scenario}: exit_code field");
        assert_eq!(doc["source"], format!("demo:{scenario}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// In every scenario the verdict is the worst of the hops and of `elsewhere`, and a FAIL
/// shows on a hop or is named by the summary.
#[test]
fn verdict_hops_and_elsewhere_never_contradict() {
    let rank = |s: &Value| match s.as_str().unwrap() {
        "ok" | "skipped" => 0,
        "warn" => 1,
        "unknown" => 2,
        "fail" => 3,
        other => panic!("status {other}"),
    };
    for (scenario, ..) in SCENARIOS {
        let (_, doc) = check_json(scenario, &[]);
        let hops = doc["hops"].as_array().unwrap();
        let elsewhere = doc["elsewhere"].as_array().unwrap();
        let worst = hops
            .iter()
            .map(|h| rank(&h["status"]))
            .chain(elsewhere.iter().map(|e| rank(&e["status"])))
            .max()
            .unwrap();
        assert_eq!(rank(&doc["verdict"]), worst, "{scenario}: {doc:#}");
        let first = hops
            .iter()
            .find(|h| h["status"] == "fail")
            .map(|h| h["name"].clone());
        assert_eq!(
            doc["first_failure"],
            first.unwrap_or(Value::Null),
            "{scenario}"
        );
        let summary = doc["summary"].as_str().unwrap();
        for e in elsewhere {
            assert!(
                summary.contains(e["id"].as_str().unwrap()),
                "{scenario}: {summary}"
            );
        }
    }
    let (_, doc) = check_json("vpc-dns-off", &[]);
    assert_eq!(doc["first_failure"], Value::Null);
    assert_eq!(doc["elsewhere"][0]["id"], "vpc-dns-disabled");
    assert!(
        doc["summary"]
            .as_str()
            .unwrap()
            .starts_with("path OK from this host; 1 failure elsewhere: vpc-dns-disabled"),
        "{}",
        doc["summary"]
    );
    let (_, doc) = check_json("targets-unhealthy", &[]);
    let targets = doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "targets")
        .unwrap();
    assert!(
        targets["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "sg-blocks-443"),
        "{targets:#}"
    );
    let sg = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "sg-blocks-443")
        .unwrap();
    assert!(
        sg["fix"]
            .as_str()
            .unwrap()
            .starts_with("aws ec2 authorize-security-group-ingress --group-id sg-"),
        "{sg:#}"
    );
}

#[test]
fn healthy_is_privatelink_with_every_hop_ok() {
    let (code, doc) = check_json("healthy", &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "ok");
    assert_eq!(doc["route"], "privatelink");
    let names: Vec<&str> = doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "origin",
            "dns",
            "interface-endpoint",
            "endpoint-service",
            "nlb",
            "targets",
            "eks-enis",
            "api-server"
        ]
    );
    for h in doc["hops"].as_array().unwrap() {
        assert_eq!(h["status"], "ok", "{h}");
        assert!(!h["evidence"].as_str().unwrap().is_empty());
    }
    assert_eq!(doc["cluster"]["mode"], "private");
    assert_eq!(doc["cluster"]["account"], "111122223333");
    assert!(
        doc["origin"]["vpc_id"]
            .as_str()
            .unwrap()
            .starts_with("vpc-")
    );
    assert_eq!(doc["schema_version"], 1);
    for key in ["id", "severity", "resource", "evidence", "fix"] {
        assert!(doc["findings"][0].get(key).is_some(), "finding field {key}");
    }
}

#[test]
fn rotation_missed_fails_first_at_targets() {
    let (_, doc) = check_json("rotation-missed", &[]);
    assert_eq!(doc["first_failure"], "targets");
    assert_eq!(hop_status(&doc, "targets"), "fail");
    assert_eq!(hop_status(&doc, "nlb"), "ok");
    let missing = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "target-missing")
        .unwrap();
    assert!(
        missing["fix"]
            .as_str()
            .unwrap()
            .contains("register-targets")
    );
}

#[test]
fn public_answers_take_the_public_route() {
    let (_, doc) = check_json("phz-not-associated", &[]);
    assert_eq!(doc["route"], "public");
    assert_eq!(hop_status(&doc, "public-endpoint"), "ok");
    assert_eq!(hop_status(&doc, "dns"), "warn");
}

#[test]
fn no_live_skips_dns_and_api_server() {
    let (code, doc) = check_json("healthy", &["--no-live"]);
    assert_eq!(code, 0);
    assert_eq!(hop_status(&doc, "dns"), "skipped");
    assert_eq!(hop_status(&doc, "api-server"), "skipped");
    assert!(doc["live"]["dns"].as_array().unwrap().is_empty());
    // Configuration faults are still found without live data.
    let (code, doc) = check_json("rotation-missed", &["--no-live"]);
    assert_eq!(code, 2);
    assert!(problems(&doc).contains("target-missing"));
}

#[test]
fn no_probe_keeps_dns() {
    let (_, doc) = check_json("healthy", &["--no-probe", "--samples", "2"]);
    assert_eq!(doc["live"]["dns"].as_array().unwrap().len(), 2);
    assert!(doc["live"]["probes"].as_array().unwrap().is_empty());
    assert_eq!(hop_status(&doc, "api-server"), "skipped");
}

#[test]
fn text_report_names_the_verdict_and_fix() {
    let out = run(&["check", "--demo", "rotation-missed"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("verdict: FAIL (first failing hop: targets)"),
        "{text}"
    );
    assert!(text.contains("target-missing"));
    assert!(text.contains("fix: "));
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

fn one_line_error(args: &[&str], needles: &[&str]) {
    let out = run(args);
    assert_eq!(out.status.code(), Some(3), "{args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {err} lacks {n}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_exits_3_with_one_line() {
    one_line_error(
        &["check", "--demo", "nope"],
        &[
            "unknown demo scenario 'nope'",
            "rotation-missed",
            "alias-dangling",
        ],
    );
    one_line_error(&["check", "--bogus"], &["unknown flag '--bogus'"]);
    one_line_error(
        &["check", "--demo", "--output", "xml"],
        &["'xml'", "text, json, markdown"],
    );
    one_line_error(&["check", "--demo", "--interval", "0"], &["accepted"]);
    one_line_error(&["check", "--demo", "--samples", "0"], &["0"]);
    one_line_error(
        &["check", "--demo", "--cluster", "other"],
        &["cluster 'other' not found", "demo-private"],
    );
}

#[test]
fn lattice_scenarios_fail_on_their_hop_of_the_lattice_route() {
    for (scenario, hop) in [
        ("lattice-healthy", None),
        ("lattice-not-associated", Some("service-network")),
        ("lattice-targets-unhealthy", Some("targets")),
        ("lattice-prefix-list-blocked", Some("targets")),
        ("lattice-auth-no-policy", Some("lattice-service")),
    ] {
        let (_, doc) = check_json(scenario, &[]);
        assert_eq!(doc["route"], "lattice", "{scenario}");
        assert_eq!(doc["first_failure"].as_str(), hop, "{scenario}");
        let hops: Vec<&str> = doc["hops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            hops,
            [
                "origin",
                "dns",
                "service-network",
                "lattice-service",
                "target-group",
                "targets"
            ]
        );
        assert_eq!(doc["lattice"]["service"]["name"], "checkout-default");
    }
    // Another service than the scenario's: not found, the rest unknown.
    let (code, doc) = check_json("lattice-healthy", &["--lattice-service", "payments"]);
    assert_eq!(code, 2);
    assert_eq!(doc["first_failure"], "lattice-service");
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "lattice-service-not-found")
    );
}

#[test]
fn the_api_shared_through_lattice_takes_the_resource_endpoint_hops() {
    let (code, doc) = check_json("lattice-api", &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["route"], "lattice");
    let hops: Vec<(&str, &str)> = doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["name"].as_str().unwrap(), h["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        hops,
        [
            ("origin", "ok"),
            ("dns", "ok"),
            ("lattice-endpoint", "ok"),
            ("resource-gateway", "ok"),
            ("eks-enis", "ok"),
            ("api-server", "ok")
        ]
    );
    let endpoint = doc["hops"][2]["evidence"].as_str().unwrap();
    assert!(
        endpoint.contains("vpce-") && endpoint.contains("ACTIVE"),
        "{endpoint}"
    );
}

#[test]
fn demo_list_prints_every_scenario() {
    let out = run(&["--demo", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let want: Vec<&str> = SCENARIOS.iter().map(|s| s.0).collect();
    assert_eq!(names, want);
}
