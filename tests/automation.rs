//! The automation around the API's target group, read from a seeded emulator through the
//! real SDK: EventBridge rules and targets, Lambda configurations (never invoked),
//! CloudWatch metrics (over the RPC v2 CBOR protocol, which the emulator extension
//! translates) and CloudTrail trails. The healthy automation raises nothing; each seeded
//! fault is named; a denied read makes only the `automation` section UNKNOWN.

mod aws_support;
mod report;

use aws_support::Emulator;
use report::problems;
use serde_json::Value;

/// Seed the healthy topology with its automation and `faults`, then `check` it.
fn seeded(faults: &[&str]) -> (i32, Value, Value) {
    let emu = Emulator::start();
    let mut args = vec!["--automation"];
    for f in faults {
        args.extend(["--fault", f]);
    }
    let ids = emu.seed(&args);
    let (code, doc) = emu.check(
        "automation",
        ids["ops_vpc"].as_str().unwrap(),
        &["--cluster", "prod"],
    );
    (code, doc, ids)
}

fn section(doc: &Value) -> &Value {
    &doc["automation"]
}

fn pieces<'d>(doc: &'d Value, kind: &str) -> Vec<&'d Value> {
    section(doc)["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == kind)
        .collect()
}

fn automation_finding<'d>(doc: &'d Value, id: &str) -> &'d Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id}: {}", section(doc)))
}

/// Everything but the automation: verdict, hops, and the other findings.
fn the_rest(doc: &Value) -> (Value, Value, Vec<Value>) {
    let others = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["id"].as_str().unwrap().starts_with("automation-"))
        .cloned()
        .collect();
    (doc["verdict"].clone(), doc["hops"].clone(), others)
}

#[test]
fn the_healthy_automation_is_found_and_ok() {
    let (code, doc, ids) = seeded(&[]);
    assert_eq!(code, 0, "{}", section(&doc));
    assert_eq!(section(&doc)["status"], "ok", "{}", section(&doc));
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
    let reg = pieces(&doc, "registration-rule");
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0]["name"], ids["registration_rule"]);
    let clean = pieces(&doc, "cleanup-rule");
    assert_eq!(
        clean.len(),
        1,
        "the unrelated nightly schedule is not the cleanup"
    );
    assert!(
        clean[0]["found_by"]
            .as_str()
            .unwrap()
            .contains("cleanup-targets")
    );
    assert_eq!(pieces(&doc, "trail")[0]["name"], ids["trail"]);
    // The runs came through CloudWatch as seeded.
    for f in pieces(&doc, "function") {
        let name = f["name"].as_str().unwrap();
        assert_eq!(f["runs"]["invocations"], ids["runs"][name], "{name}");
        assert_eq!(f["runs"]["errors"], 0, "{name}");
        assert!(f["runs"]["last_success"].is_string(), "{name}");
    }
}

/// (seeded fault, finding it must give, words its evidence must hold)
const FAULTS: &[(&str, &str, &str)] = &[
    (
        "automation-no-trail",
        "automation-no-trail",
        "no CloudTrail trail",
    ),
    (
        "automation-trail-stopped",
        "automation-no-trail",
        "logging is stopped",
    ),
    (
        "automation-trail-readonly",
        "automation-no-trail",
        "read-only",
    ),
    (
        "automation-rule-disabled",
        "automation-rule-disabled",
        "DISABLED",
    ),
    (
        "automation-pattern-mismatch",
        "automation-pattern-mismatch",
        "source must be",
    ),
    (
        "automation-function-missing",
        "automation-function-missing",
        "does not exist",
    ),
    (
        "automation-function-errors",
        "automation-function-errors",
        "failed 2 of 2",
    ),
    (
        "automation-wrong-target-group",
        "automation-wrong-target-group",
        "other-app",
    ),
    (
        "automation-cleanup-missing",
        "automation-cleanup-missing",
        "no scheduled rule",
    ),
];

fn fault_is_named(fault: &str) {
    let (_, id, words) = FAULTS.iter().find(|f| f.0 == fault).unwrap();
    let (code, doc, _) = seeded(&[fault]);
    let f = automation_finding(&doc, id);
    assert_eq!(f["severity"], "warn", "{fault}");
    assert!(
        f["evidence"].as_str().unwrap().contains(words),
        "{fault}: {}",
        f["evidence"]
    );
    assert!(!f["fix"].as_str().unwrap().is_empty());
    // The path itself works: the fault is a warning from elsewhere.
    assert_eq!(code, 1, "{fault}");
    assert_eq!(section(&doc)["status"], "warn", "{fault}");
    let found = problems(&doc);
    assert!(
        found.iter().all(|p| p.starts_with("automation-")),
        "{fault}: {found:?}"
    );
}

#[test]
fn no_trail() {
    fault_is_named("automation-no-trail");
}

#[test]
fn trail_stopped() {
    fault_is_named("automation-trail-stopped");
}

#[test]
fn trail_readonly() {
    fault_is_named("automation-trail-readonly");
}

#[test]
fn rule_disabled() {
    fault_is_named("automation-rule-disabled");
}

#[test]
fn pattern_mismatch() {
    fault_is_named("automation-pattern-mismatch");
}

#[test]
fn function_missing() {
    fault_is_named("automation-function-missing");
}

#[test]
fn function_errors() {
    fault_is_named("automation-function-errors");
}

#[test]
fn wrong_target_group() {
    fault_is_named("automation-wrong-target-group");
}

#[test]
fn cleanup_missing() {
    fault_is_named("automation-cleanup-missing");
}

#[test]
fn the_cause_stands_next_to_the_missing_target() {
    let (code, doc, _) = seeded(&["missing-target", "automation-no-trail"]);
    assert!(code >= 1, "exit {code}");
    let hop = doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "targets")
        .unwrap();
    let ids: Vec<&str> = hop["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"target-missing") && ids.contains(&"automation-no-trail"),
        "{ids:?}"
    );
    assert!(
        !doc["elsewhere"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "automation-no-trail")
    );
}

#[test]
fn a_denied_read_makes_only_the_automation_unknown() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--automation"]);
    let vpc = ids["ops_vpc"].as_str().unwrap();
    let (_, base) = emu.check("undenied", vpc, &["--cluster", "prod"]);
    for (key, action, kind) in [
        ("no-trails", "cloudtrail:DescribeTrails", "trail"),
        ("no-metrics", "cloudwatch:GetMetricData", "function"),
    ] {
        emu.fault(key, action, "deny");
        let (code, doc) = emu.check(key, vpc, &["--cluster", "prod"]);
        assert_eq!(
            section(&doc)["status"],
            "unknown",
            "{action}: {}",
            section(&doc)
        );
        let unknown = section(&doc)["unknown"].to_string();
        assert!(unknown.contains(action), "{action}: {unknown}");
        assert!(
            pieces(&doc, kind).iter().all(|p| p["status"] == "unknown"),
            "{action}: {}",
            section(&doc)
        );
        assert_eq!(the_rest(&doc), the_rest(&base), "{action}");
        assert_eq!(code, 0, "{action}: the verdict does not move");
    }
}
