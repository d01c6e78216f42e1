//! The Lattice rules over the demo's Gateway API account as `check` collects it, one part
//! changed at a time: OK, WARN, FAIL and UNKNOWN for each.

use super::*;
use crate::diagnose::finding::{Finding, HopName, Severity};
use crate::diagnose::path::HopStatus;
use crate::diagnose::{Route, diagnose};
use crate::model::lattice::{LatticeAction, LatticeService};
use crate::model::{Fetched, Loadable, Model, SgSource, SourceError};
use crate::sources::demo::{DemoEnv, Scenario};
use chrono::Utc;

fn healthy() -> Model {
    DemoEnv::model_at_start(Scenario::LatticeHealthy)
}

fn fail<T>(l: &mut Loadable<T>, source: Source) {
    *l = Loadable::Failed {
        error: SourceError::denied(source.spec().action()),
        at: Utc::now(),
    };
}

fn run(m: &Model, rule: crate::diagnose::rules::Check) -> Result<Vec<Finding>, Missing> {
    rule(&Ctx::new(m))
}

fn has(f: &[Finding], id: &str, sev: Severity) -> bool {
    f.iter().any(|f| f.id == id && f.severity == sev)
}

fn hop(m: &Model, name: HopName) -> HopStatus {
    diagnose(m)
        .hops
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.status)
        .expect("hop on the route")
}

fn edit_service(m: &mut Model, f: impl FnOnce(&mut LatticeService)) {
    let mut s = m.lattice_service.value().unwrap().clone();
    f(&mut s[0]);
    m.apply(Fetched::LatticeService(Ok(s)), Utc::now());
}

fn dns(m: &mut Model, ips: &[&str]) {
    crate::diagnose::testkit::answer_endpoint(m, ips);
}

#[test]
fn the_healthy_service_is_ok_on_the_lattice_route() {
    let m = healthy();
    let d = diagnose(&m);
    assert_eq!(d.route, Route::Lattice);
    let names: Vec<_> = d.hops.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "origin",
            "dns",
            "service-network",
            "lattice-service",
            "target-group",
            "targets"
        ]
    );
    assert_eq!(d.verdict, HopStatus::Ok, "{:#?}", d.hops);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert!(d.unknowns.is_empty(), "{:?}", d.unknowns);
    for rule in RULES {
        assert!(run(&m, rule.check).unwrap().is_empty(), "{}", rule.name);
    }
}

#[test]
fn a_service_that_is_not_found_fails_and_leaves_the_rest_unknown() {
    let mut m = healthy();
    m.apply(Fetched::LatticeService(Ok(vec![])), Utc::now());
    let f = run(&m, service::found).unwrap();
    assert!(
        has(&f, "lattice-service-not-found", Severity::Fail),
        "{f:?}"
    );
    assert!(run(&m, network::association).is_err());
    assert_eq!(hop(&m, HopName::LatticeService), HopStatus::Fail);
    assert_eq!(hop(&m, HopName::ServiceNetwork), HopStatus::Unknown);
    assert_eq!(hop(&m, HopName::Targets), HopStatus::Unknown);
    // Not read at all: unknown, not a finding.
    let mut m = healthy();
    fail(&mut m.lattice_service, Source::LatticeService);
    assert!(run(&m, service::found).is_err());
    assert_eq!(hop(&m, HopName::LatticeService), HopStatus::Unknown);
    // Not active.
    let mut m = healthy();
    edit_service(&mut m, |s| s.status = "CREATE_FAILED".into());
    let f = run(&m, service::found).unwrap();
    assert!(has(&f, "lattice-service-inactive", Severity::Fail), "{f:?}");
}

#[test]
fn this_vpc_must_share_an_active_network_with_the_service() {
    let na = DemoEnv::model_at_start(Scenario::LatticeNotAssociated);
    let f = run(&na, network::association).unwrap();
    assert!(has(&f, "lattice-not-associated", Severity::Fail), "{f:?}");
    assert!(f[0].fix.contains("create-service-network-vpc-association"));
    assert!(f[0].fix.contains("sn-0a77ce0000gw0api1"), "{}", f[0].fix);
    assert_eq!(diagnose(&na).first_failure, Some(HopName::ServiceNetwork));
    // Associated, not active.
    let mut m = healthy();
    let mut a = m.lattice_associations.value().unwrap().clone();
    for x in a.iter_mut() {
        x.status = "CREATE_IN_PROGRESS".into();
    }
    m.apply(Fetched::LatticeAssociations(Ok(a)), Utc::now());
    let f = run(&m, network::association).unwrap();
    assert!(
        has(&f, "lattice-association-inactive", Severity::Fail),
        "{f:?}"
    );
    // Unknown without the associations.
    let mut m = healthy();
    fail(&mut m.lattice_associations, Source::LatticeAssociations);
    assert!(run(&m, network::association).is_err());
    assert_eq!(hop(&m, HopName::ServiceNetwork), HopStatus::Unknown);
}

#[test]
fn the_service_must_be_in_a_network() {
    let mut m = healthy();
    edit_service(&mut m, |s| s.networks.clear());
    let f = run(&m, service::membership).unwrap();
    assert!(
        has(&f, "lattice-service-not-in-network", Severity::Fail),
        "{f:?}"
    );
    // The fix joins it to the network this VPC is in.
    assert!(f[0].fix.contains("sn-0a77ce0000gw0api1"), "{}", f[0].fix);
    assert!(run(&m, network::association).is_err());
    // In the network, but that association is not active.
    let mut m = healthy();
    edit_service(&mut m, |s| {
        s.networks[0].status = "DELETE_IN_PROGRESS".into()
    });
    let f = run(&m, service::membership).unwrap();
    assert!(
        has(&f, "lattice-service-not-in-network", Severity::Fail),
        "{f:?}"
    );
}

#[test]
fn iam_auth_without_a_policy_fails_and_an_unread_policy_is_unknown() {
    let m = DemoEnv::model_at_start(Scenario::LatticeAuthNoPolicy);
    let f = run(&m, service::auth).unwrap();
    assert!(has(&f, "lattice-auth-no-policy", Severity::Fail), "{f:?}");
    assert!(f[0].fix.contains("put-auth-policy") && f[0].fix.contains("vpc-0a77ce0000000c001"));
    // The service's own auth is judged too.
    let mut m = healthy();
    edit_service(&mut m, |s| {
        s.auth.auth_type = "AWS_IAM".into();
        s.auth.policy = Some(false);
    });
    let f = run(&m, service::auth).unwrap();
    assert!(f[0].resource.contains(":service/"), "{f:?}");
    let mut m = healthy();
    edit_service(&mut m, |s| {
        s.auth.auth_type = "AWS_IAM".into();
        s.auth.policy = None;
    });
    assert!(run(&m, service::auth).is_err());
    let mut m = healthy();
    fail(&mut m.lattice_networks, Source::LatticeNetworks);
    assert!(run(&m, service::auth).is_err());
}

#[test]
fn listeners_must_lead_to_target_groups_that_exist() {
    let mut m = healthy();
    edit_service(&mut m, |s| s.listeners[0].rules.clear());
    let f = run(&m, service::listeners).unwrap();
    assert!(
        has(&f, "lattice-listener-no-targets", Severity::Fail),
        "{f:?}"
    );
    assert!(f[0].evidence.contains("fixed 404"), "{}", f[0].evidence);
    // A second listener without targets is a warning: clients use the first.
    let mut m = healthy();
    edit_service(&mut m, |s| {
        let mut l = s.listeners[0].clone();
        l.id = "listener-2".into();
        l.port = 8443;
        l.rules.clear();
        s.listeners.push(l);
    });
    let f = run(&m, service::listeners).unwrap();
    assert!(
        has(&f, "lattice-listener-no-targets", Severity::Warn),
        "{f:?}"
    );
    // A forward to a group that is gone.
    let mut m = healthy();
    edit_service(&mut m, |s| {
        s.listeners[0].default_action = LatticeAction::Forward {
            target_groups: vec!["tg-gone".into()],
        }
    });
    let f = run(&m, service::listeners).unwrap();
    assert!(
        has(&f, "lattice-target-group-missing", Severity::Fail),
        "{f:?}"
    );
    let mut m = healthy();
    edit_service(&mut m, |s| s.listeners.clear());
    assert!(has(
        &run(&m, service::listeners).unwrap(),
        "lattice-listener-no-targets",
        Severity::Fail
    ));
    let mut m = healthy();
    fail(&mut m.lattice_target_groups, Source::LatticeTargetGroups);
    assert!(run(&m, service::listeners).is_err());
    assert_eq!(hop(&m, HopName::TargetGroup), HopStatus::Unknown);
}

#[test]
fn targets_healthy_some_or_none_or_an_empty_group() {
    let m = DemoEnv::model_at_start(Scenario::LatticeTargetsUnhealthy);
    assert!(has(
        &run(&m, targets::health).unwrap(),
        "lattice-target-unhealthy",
        Severity::Fail
    ));
    let mut m = healthy();
    let mut g = m.lattice_target_groups.value().unwrap().clone();
    g[0].targets[1].status = "UNAVAILABLE".into();
    m.apply(Fetched::LatticeTargetGroups(Ok(g.clone())), Utc::now());
    let f = run(&m, targets::health).unwrap();
    assert!(has(&f, "lattice-target-unhealthy", Severity::Warn), "{f:?}");
    g[0].targets.clear();
    m.apply(Fetched::LatticeTargetGroups(Ok(g)), Utc::now());
    let f = run(&m, targets::health).unwrap();
    assert!(
        has(&f, "lattice-target-group-empty", Severity::Fail),
        "{f:?}"
    );
    let mut m = healthy();
    fail(&mut m.lattice_target_groups, Source::LatticeTargetGroups);
    assert!(run(&m, targets::health).is_err());
}

#[test]
fn the_targets_groups_must_admit_the_lattice_prefix_list() {
    let m = DemoEnv::model_at_start(Scenario::LatticePrefixListBlocked);
    let f = run(&m, targets::prefix_list).unwrap();
    assert!(
        has(&f, "lattice-prefix-list-blocked", Severity::Fail),
        "{f:?}"
    );
    assert!(
        f[0].fix.contains("PrefixListId=pl-0a77ce0000000v4l1"),
        "{}",
        f[0].fix
    );
    // A CIDR holding Lattice's link-local range admits it too.
    let mut m = DemoEnv::model_at_start(Scenario::LatticePrefixListBlocked);
    let mut sgs = m.security_groups.value().unwrap().clone();
    for g in sgs.iter_mut() {
        for r in g.ingress.iter_mut() {
            r.sources
                .push(SgSource::Cidr("169.254.0.0/16".parse().unwrap()));
        }
    }
    m.apply(Fetched::SecurityGroups(Ok(sgs)), Utc::now());
    assert!(run(&m, targets::prefix_list).unwrap().is_empty());
    // Without the prefix lists, the ENIs or the groups: unknown.
    for source in [
        Source::PrefixLists,
        Source::TargetEnis,
        Source::SecurityGroups,
    ] {
        let mut m = DemoEnv::model_at_start(Scenario::LatticePrefixListBlocked);
        match source {
            Source::PrefixLists => fail(&mut m.prefix_lists, source),
            Source::TargetEnis => fail(&mut m.target_enis, source),
            _ => fail(&mut m.security_groups, source),
        }
        assert!(run(&m, targets::prefix_list).is_err(), "{source:?}");
    }
    // A target whose ENI is not listed (another account) cannot be judged.
    let mut m = healthy();
    m.apply(Fetched::TargetEnis(Ok(vec![])), Utc::now());
    assert!(run(&m, targets::prefix_list).is_err());
}

#[test]
fn the_association_groups_must_admit_this_host_on_the_listener_port() {
    let mut m = healthy();
    let mut sgs = m.security_groups.value().unwrap().clone();
    let g = sgs.iter_mut().find(|g| g.name == "lattice-client").unwrap();
    g.ingress[0].sources = vec![SgSource::Cidr("10.99.0.0/16".parse().unwrap())];
    m.apply(Fetched::SecurityGroups(Ok(sgs.clone())), Utc::now());
    let f = run(&m, network::security_groups).unwrap();
    assert!(has(&f, "lattice-sg-blocks", Severity::Fail), "{f:?}");
    assert!(
        f[0].fix.contains("--port 80 --cidr 10.70.100.10/32"),
        "{}",
        f[0].fix
    );
    let g = sgs.iter_mut().find(|g| g.name == "lattice-client").unwrap();
    g.ingress[0].sources = vec![SgSource::Group("sg-0a77ce00000ba5t01".into())];
    m.apply(Fetched::SecurityGroups(Ok(sgs)), Utc::now());
    assert!(run(&m, network::security_groups).unwrap().is_empty());
    let mut m = healthy();
    fail(&mut m.security_groups, Source::SecurityGroups);
    assert!(run(&m, network::security_groups).is_err());
}

#[test]
fn answers_must_be_link_local_and_the_domain_must_lead_to_the_service() {
    let mut m = healthy();
    dns(&mut m, &["10.80.1.15"]);
    let f = run(&m, network::link_local).unwrap();
    assert!(
        has(&f, "lattice-dns-not-link-local", Severity::Fail),
        "{f:?}"
    );
    dns(&mut m, &["10.80.1.15", "169.254.171.32"]);
    let f = run(&m, network::link_local).unwrap();
    assert!(
        has(&f, "lattice-dns-not-link-local", Severity::Warn),
        "{f:?}"
    );
    dns(&mut m, &["fd00:ec2:80::a9fe:ab20"]);
    assert!(run(&m, network::link_local).unwrap().is_empty());
    // Without answers in Lattice's ranges, the record decides: a CNAME elsewhere.
    let mut m = healthy();
    dns(&mut m, &["10.80.1.15"]);
    let mut r = m.records.value().unwrap().clone();
    r[0].values = vec!["old-service.example.internal.".into()];
    m.apply(Fetched::Records(Ok(r)), Utc::now());
    let f = run(&m, network::domain).unwrap();
    assert!(has(&f, "lattice-domain-mismatch", Severity::Fail), "{f:?}");
    assert!(f[0].fix.contains("Z0A77CE0APPSINTERNAL"), "{}", f[0].fix);
    // No record at all.
    m.apply(Fetched::Records(Ok(vec![])), Utc::now());
    let f = run(&m, network::domain).unwrap();
    assert!(f[0].evidence.contains("has no record"), "{f:?}");
    // Records unknown: unknown.
    fail(&mut m.records, Source::Records);
    assert!(run(&m, network::domain).is_err());
    // No custom domain: nothing to map.
    let mut m = healthy();
    edit_service(&mut m, |s| s.custom_domain = None);
    assert!(run(&m, network::domain).unwrap().is_empty());
}

#[test]
fn every_failing_scenario_names_its_finding_on_its_hop() {
    for (s, id, hop) in [
        (
            Scenario::LatticeNotAssociated,
            "lattice-not-associated",
            HopName::ServiceNetwork,
        ),
        (
            Scenario::LatticeTargetsUnhealthy,
            "lattice-target-unhealthy",
            HopName::Targets,
        ),
        (
            Scenario::LatticePrefixListBlocked,
            "lattice-prefix-list-blocked",
            HopName::Targets,
        ),
        (
            Scenario::LatticeAuthNoPolicy,
            "lattice-auth-no-policy",
            HopName::LatticeService,
        ),
    ] {
        let d = diagnose(&DemoEnv::model_at_start(s));
        assert_eq!(d.verdict, HopStatus::Fail, "{s}");
        assert_eq!(d.first_failure, Some(hop), "{s}");
        let h = d.hops.iter().find(|h| h.name == hop).unwrap();
        assert!(h.findings.contains(&id), "{s}: {:?}", h.findings);
    }
}

#[test]
fn every_rule_lists_each_source_that_changes_its_result() {
    let scenarios: Vec<Scenario> = Scenario::ALL.into_iter().filter(|s| s.lattice()).collect();
    let missing = crate::diagnose::testkit::replay::unlisted_reads(
        Route::Lattice,
        RULES,
        &scenarios,
        &Scenario::LatticeHealthy.api(),
    );
    assert!(missing.is_empty(), "not in LATTICE_READS: {missing:#?}");
}
