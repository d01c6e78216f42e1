//! Every automation rule OK, WARN and UNKNOWN over the testkit's model.

use crate::diagnose::testkit::automation::*;
use crate::diagnose::testkit::*;
use crate::diagnose::{Diagnosis, HopName, HopStatus, Severity, diagnose};
use crate::model::automation::{BasicSelector, TrailSelectors};
use crate::model::{Loadable, Model, Source, SourceError};

fn ids(d: &Diagnosis) -> Vec<&'static str> {
    d.findings
        .iter()
        .filter(|f| f.id.starts_with("automation-"))
        .map(|f| f.id)
        .collect()
}

fn finding<'d>(d: &'d Diagnosis, id: &str) -> &'d crate::diagnose::Finding {
    d.findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(d)))
}

/// The source's first read denied (a later failure would keep the data, stale).
fn denied(m: &mut Model, source: Source) {
    fn failed<T>(source: Source) -> Loadable<T> {
        Loadable::Failed {
            error: SourceError::denied(source.spec().action()),
            at: t0(),
        }
    }
    match source {
        Source::EventRules => m.event_rules = failed(source),
        Source::RuleTargets => m.rule_targets = failed(source),
        Source::Functions => m.functions = failed(source),
        Source::FunctionRuns => m.function_runs = failed(source),
        Source::Trails => m.trails = failed(source),
        _ => unreachable!("not an automation source"),
    }
}

fn set<T>(l: &mut Loadable<T>, v: T) {
    *l = Loadable::loaded(v, t0());
}

/// Only what bears on the path: the verdict, the hops, the findings off the automation.
fn path_part(d: &Diagnosis) -> impl PartialEq + std::fmt::Debug {
    (
        d.verdict,
        d.hops.clone(),
        d.findings
            .iter()
            .filter(|f| !f.id.starts_with("automation-"))
            .cloned()
            .collect::<Vec<_>>(),
    )
}

#[test]
fn a_healthy_automation_is_ok_and_found_by_what_it_names() {
    let d = diagnose(&with_automation(healthy()));
    let a = &d.automation;
    assert_eq!(a.status, HopStatus::Ok, "{a:#?}");
    assert_eq!(d.verdict, HopStatus::Ok);
    assert!(
        problems(&d.findings).is_empty(),
        "{:?}",
        problems(&d.findings)
    );
    let kinds: Vec<&str> = a.pieces.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            "registration-rule",
            "function",
            "cleanup-rule",
            "function",
            "trail"
        ]
    );
    // The unrelated nightly schedule is not taken for the cleanup.
    assert!(!a.pieces.iter().any(|p| p.name == "nightly-report"));
    let clean = a.pieces.iter().find(|p| p.name == CLEAN_RULE).unwrap();
    assert!(clean.found_by.contains("refers to"), "{}", clean.found_by);
    let f = a.pieces.iter().find(|p| p.name == CLEAN_FN).unwrap();
    assert_eq!(f.runs.as_ref().unwrap().invocations, 3);
    assert_eq!(a.target_groups, [TG]);
}

#[test]
fn without_automation_data_the_section_is_unknown_and_the_verdict_stays() {
    // The testkit's plain model never read the automation.
    let d = diagnose(&healthy());
    assert_eq!(d.automation.status, HopStatus::Unknown);
    assert_eq!(d.verdict, HopStatus::Ok);
    assert!(d.unknowns.is_empty());
}

#[test]
fn no_trail_can_never_fire_and_counts_while_the_targets_are_right() {
    let mut m = with_automation(healthy());
    set(&mut m.trails, vec![]);
    let d = diagnose(&m);
    let f = finding(&d, "automation-no-trail");
    assert_eq!(f.severity, Severity::Warn);
    assert!(f.evidence.contains(REG_RULE), "{}", f.evidence);
    assert!(f.fix.contains("aws cloudtrail create-trail"), "{}", f.fix);
    assert!(f.fix.contains("put-bucket-policy"), "{}", f.fix);
    // The path works now: a warning from elsewhere, not a broken hop.
    assert_eq!(d.verdict, HopStatus::Warn);
    assert!(d.elsewhere.iter().any(|e| e.id == "automation-no-trail"));
    assert_eq!(d.automation.status, HopStatus::Warn);
}

#[test]
fn a_trail_must_log_this_regions_management_writes() {
    type Change = Box<dyn Fn(&mut crate::model::automation::Trail)>;
    let cases: Vec<(&str, Change)> = vec![
        ("logging is stopped", Box::new(|t| t.logging = Some(false))),
        (
            "not multi-region",
            Box::new(|t| {
                t.multi_region = false;
                t.home_region = "us-east-1".into()
            }),
        ),
        (
            "read-only",
            Box::new(|t| {
                t.selectors = TrailSelectors::Basic(vec![BasicSelector {
                    read_write: "ReadOnly".into(),
                    management: true,
                    excluded_sources: vec![],
                }])
            }),
        ),
    ];
    for (why, change) in cases {
        let mut m = with_automation(healthy());
        let mut t = trail("management-events");
        change(&mut t);
        set(&mut m.trails, vec![t]);
        let d = diagnose(&m);
        let f = finding(&d, "automation-no-trail");
        assert!(f.evidence.contains(why), "{why}: {}", f.evidence);
        assert!(f.fix.contains("management-events"), "{}", f.fix);
    }
    // A second trail that delivers is enough.
    let mut m = with_automation(healthy());
    let mut stopped = trail("stopped");
    stopped.logging = Some(false);
    set(&mut m.trails, vec![stopped, trail("org")]);
    assert!(ids(&diagnose(&m)).is_empty());
}

#[test]
fn a_disabled_rule_is_named_with_its_fix() {
    let mut m = with_automation(healthy());
    edit_rules(&mut m, |r| r[1].state = "DISABLED".into());
    let d = diagnose(&m);
    let f = finding(&d, "automation-rule-disabled");
    assert_eq!(f.resource, CLEAN_RULE);
    assert!(f.evidence.contains("cleanup rule"), "{}", f.evidence);
    assert_eq!(
        f.fix,
        format!("aws events enable-rule --name {CLEAN_RULE} --region eu-west-1")
    );
}

#[test]
fn a_pattern_that_turns_away_what_eks_sends_is_named_at_the_field() {
    let mut m = with_automation(healthy());
    edit_rules(&mut m, |r| {
        r[0].pattern = Some(good_pattern().replace("Amazon EKS demo", "Amazon EKS prod"))
    });
    let d = diagnose(&m);
    let f = finding(&d, "automation-pattern-mismatch");
    assert!(
        f.evidence.contains("detail.requestParameters.description"),
        "{}",
        f.evidence
    );
    assert!(f.fix.contains("aws events put-rule"), "{}", f.fix);
    // A pattern with no filter on the description registers every ENI: noted.
    let mut m = with_automation(healthy());
    edit_rules(&mut m, |r| {
        r[0].pattern = Some(
            r#"{"source":["aws.ec2"],"detail":{"eventName":["CreateNetworkInterface"]}}"#.into(),
        )
    });
    let d = diagnose(&m);
    assert_eq!(
        finding(&d, "automation-pattern-broad").severity,
        Severity::Info
    );
    assert!(problems(&d.findings).is_empty());
}

#[test]
fn functions_must_exist_run_and_work_on_the_apis_group() {
    let mut m = with_automation(healthy());
    edit_functions(&mut m, |f| f.retain(|f| f.name != REG_FN));
    let d = diagnose(&m);
    assert_eq!(finding(&d, "automation-function-missing").resource, REG_FN);

    let other = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/other/1";
    let mut m = with_automation(healthy());
    // Another group of the same NLB: its function belongs here, aimed at the wrong group.
    let mut groups = m.target_groups.value().unwrap().clone();
    let mut sibling = groups[0].clone();
    sibling.arn = other.into();
    sibling.name = "other".into();
    groups.push(sibling);
    set(&mut m.target_groups, groups);
    edit_functions(&mut m, |f| {
        f[1].environment
            .insert("TARGET_GROUP_ARN".into(), other.into());
    });
    let d = diagnose(&m);
    let f = finding(&d, "automation-wrong-target-group");
    assert!(
        f.evidence.contains(other) && f.evidence.contains(TG),
        "{}",
        f.evidence
    );
    // The fix keeps the other variables: update-function-configuration replaces them all.
    assert!(
        f.fix
            .contains(&format!("DRY_RUN=false,TARGET_GROUP_ARN={TG}")),
        "{}",
        f.fix
    );

    let mut m = with_automation(healthy());
    edit_functions(&mut m, |f| f[0].state = Some("Failed".into()));
    assert!(ids(&diagnose(&m)).contains(&"automation-function-inactive"));
}

#[test]
fn errors_in_the_window_are_counted_with_the_last_error_time() {
    let mut m = with_automation(healthy());
    set(
        &mut m.function_runs,
        vec![runs(REG_FN, &[1, 6, 9], &[1, 6]), runs(CLEAN_FN, &[1], &[])],
    );
    let d = diagnose(&m);
    let f = finding(&d, "automation-function-errors");
    let last_error = (t0() - chrono::Duration::hours(1)).format("%Y-%m-%d %H:%M UTC");
    let last_ok = (t0() - chrono::Duration::hours(9)).format("%Y-%m-%d %H:%M UTC");
    assert!(
        f.evidence.contains("failed 2 of 3 run(s)"),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence.contains(&format!("last error {last_error}")),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence.contains(&format!("last success {last_ok}")),
        "{}",
        f.evidence
    );
    assert!(
        f.fix
            .starts_with(&format!("aws logs tail /aws/lambda/{REG_FN}"))
    );
}

#[test]
fn one_half_without_the_other_is_named() {
    let mut m = with_automation(healthy());
    edit_rules(&mut m, |r| r.retain(|r| r.name != CLEAN_RULE));
    assert_eq!(ids(&diagnose(&m)), ["automation-cleanup-missing"]);

    let mut m = with_automation(healthy());
    edit_rules(&mut m, |r| r.retain(|r| r.name != REG_RULE));
    assert_eq!(ids(&diagnose(&m)), ["automation-registration-missing"]);

    // Nothing at all: said, as information.
    let mut m = with_automation(healthy());
    edit_rules(&mut m, |r| r.retain(|r| r.name == "nightly-report"));
    let d = diagnose(&m);
    assert_eq!(ids(&d), ["automation-not-found"]);
    assert_eq!(finding(&d, "automation-not-found").severity, Severity::Info);
    assert_eq!(d.automation.status, HopStatus::Skipped);
    assert_eq!(d.verdict, HopStatus::Ok);
}

#[test]
fn the_cause_shows_next_to_the_drift_it_explains() {
    let mut m = with_automation(healthy());
    set(&mut m.trails, vec![]);
    // The ENIs rotated; the targets still name the old ones.
    set(
        &mut m.targets,
        vec![
            target("192.168.10.99", "eu-west-1a", "unhealthy"),
            target("192.168.20.99", "eu-west-1b", "unhealthy"),
        ],
    );
    let d = diagnose(&m);
    let hop = d.hops.iter().find(|h| h.name == HopName::Targets).unwrap();
    assert_eq!(hop.status, HopStatus::Fail);
    assert!(hop.findings.contains(&"target-missing"));
    assert!(
        hop.findings.contains(&"automation-no-trail"),
        "{:?}",
        hop.findings
    );
    assert!(
        hop.evidence
            .iter()
            .any(|e| e.starts_with("automation-no-trail: "))
    );
    // Shown at the hop, so not counted again from elsewhere.
    assert!(!d.elsewhere.iter().any(|e| e.id == "automation-no-trail"));
    // The drift's own finding sorts first.
    let pos = |id: &str| d.findings.iter().position(|f| f.id == id).unwrap();
    assert!(pos("target-stale") < pos("automation-no-trail"));
    // The registration function last ran six hours ago: idle only once an ENI is seen
    // arriving after that, which this single look cannot tell.
    assert!(!ids(&d).contains(&"automation-idle"));
    set(
        &mut m.function_runs,
        vec![runs(CLEAN_FN, &[1], &[]), runs(REG_FN, &[], &[])],
    );
    let d = diagnose(&m);
    let f = finding(&d, "automation-idle");
    assert!(f.evidence.contains("192.168.10.21"), "{}", f.evidence);
}

#[test]
fn an_arrival_after_the_last_run_makes_it_idle() {
    let mut m = with_automation(healthy());
    let t = t0();
    // First look: the healthy ENIs. Then a new one, never registered.
    let mut enis = m.enis.value().unwrap().clone();
    m.eni_sightings
        .observe(&enis, t - chrono::Duration::hours(2));
    let mut new = enis[0].clone();
    new.id = "eni-new".into();
    new.ip = "192.168.10.77".parse().unwrap();
    enis.push(new);
    m.eni_sightings
        .observe(&enis, t - chrono::Duration::minutes(30));
    set(&mut m.enis, enis);
    let d = diagnose(&m);
    assert!(ids(&d).contains(&"automation-idle"), "{:?}", ids(&d));
    // A run after the arrival is not idle.
    set(
        &mut m.function_runs,
        vec![runs(REG_FN, &[0], &[]), runs(CLEAN_FN, &[1], &[])],
    );
    assert!(!ids(&diagnose(&m)).contains(&"automation-idle"));
}

#[test]
fn a_denied_read_makes_only_the_section_unknown() {
    let base = diagnose(&with_automation(healthy()));
    for source in [
        Source::EventRules,
        Source::RuleTargets,
        Source::Functions,
        Source::FunctionRuns,
        Source::Trails,
    ] {
        let mut m = with_automation(healthy());
        denied(&mut m, source);
        let d = diagnose(&m);
        assert_eq!(d.automation.status, HopStatus::Unknown, "{source:?}");
        let action = source.spec().action();
        assert!(
            d.automation.unknown.iter().any(|u| u.contains(action)),
            "{source:?}: {:?}",
            d.automation.unknown
        );
        assert_eq!(path_part(&d), path_part(&base), "{source:?}");
        assert!(ids(&d).is_empty(), "{source:?}: {:?}", ids(&d));
    }
}

#[test]
fn off_the_nlb_path_there_is_nothing_to_keep() {
    let mut m = with_automation(healthy());
    push_dns(&mut m, &["192.168.10.21", "192.168.20.21"], 1);
    set(&mut m.load_balancers, vec![]);
    set(&mut m.target_groups, vec![]);
    let d = diagnose(&m);
    assert_eq!(
        d.automation.status,
        HopStatus::Skipped,
        "{:?}",
        d.automation
    );
    assert!(ids(&d).is_empty());
}

#[test]
fn another_shape_of_automation_is_found_by_its_function() {
    // An $or pattern with a prefix filter, rules named after nothing, functions that name
    // the target group only in their environment, the cleanup on a cron schedule.
    let mut m = with_automation(healthy());
    let pattern = r#"{"$or":[{"source":["aws.autoscaling"]},{"source":["aws.ec2"],"detail":{"eventName":["CreateNetworkInterface"],"responseElements":{"networkInterface":{"description":[{"prefix":"Amazon EKS demo"}]}}}}]}"#;
    set(
        &mut m.event_rules,
        vec![
            eni_rule("sync-a", pattern),
            scheduled_rule("sync-b", "cron(*/10 * * * ? *)"),
            scheduled_rule("backup", "rate(1 day)"),
        ],
    );
    set(
        &mut m.rule_targets,
        vec![
            rule_target("sync-a", &fn_arn("fn-one")),
            rule_target("sync-b", &fn_arn("fn-two")),
            rule_target("backup", &fn_arn("fn-backup")),
        ],
    );
    set(
        &mut m.functions,
        vec![
            function("fn-one", &[("TG", TG)]),
            function("fn-two", &[("GROUPS", &format!("{TG},arn:x"))]),
            function("fn-backup", &[("BUCKET", "backups")]),
        ],
    );
    set(
        &mut m.function_runs,
        vec![
            runs("fn-one", &[3], &[]),
            runs("fn-two", &[1], &[]),
            runs("fn-backup", &[2], &[]),
        ],
    );
    let d = diagnose(&m);
    assert_eq!(d.automation.status, HopStatus::Ok, "{:#?}", d.automation);
    let names: Vec<&str> = d
        .automation
        .pieces
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(
        names.contains(&"sync-b") && !names.contains(&"backup"),
        "{names:?}"
    );
    assert!(ids(&d).is_empty(), "{:?}", ids(&d));
}

#[test]
fn the_attach_time_dates_an_arrival_a_single_look_did_not_see() {
    let mut m = with_automation(healthy());
    let mut enis = m.enis.value().unwrap().clone();
    let mut new = enis[0].clone();
    new.id = "eni-new".into();
    new.ip = "192.168.10.77".parse().unwrap();
    // Attached an hour ago; the registration last ran six hours ago.
    new.attached_at = Some(t0() - chrono::Duration::hours(1));
    enis.push(new);
    set(&mut m.enis, enis.clone());
    let d = diagnose(&m);
    let f = finding(&d, "automation-idle");
    assert!(f.evidence.contains("192.168.10.77"), "{}", f.evidence);
    // Attached before the last run: the function ran after it came, so not idle.
    enis[2].attached_at = Some(t0() - chrono::Duration::hours(7));
    set(&mut m.enis, enis);
    assert!(!ids(&diagnose(&m)).contains(&"automation-idle"));
}
