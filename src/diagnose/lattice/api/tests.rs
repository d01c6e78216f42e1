//! The rules of the API shared through Lattice over the demo's `lattice-api` account, one
//! part changed at a time: OK, WARN, FAIL and UNKNOWN for each.

use super::*;
use crate::diagnose::finding::{Finding, Severity};
use crate::diagnose::path::HopStatus;
use crate::diagnose::{Route, diagnose};
use crate::model::lattice::{LatticeEndpoint, ResourceConfig, ResourceDefinition, ResourceGateway};
use crate::model::{Fetched, Loadable, Model, SgSource, SourceError};
use crate::sources::demo::{DemoEnv, Scenario};
use chrono::Utc;

fn healthy() -> Model {
    DemoEnv::model_at_start(Scenario::LatticeApi)
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

fn fail<T>(l: &mut Loadable<T>, source: Source) {
    *l = Loadable::Failed {
        error: SourceError::denied(source.spec().action()),
        at: Utc::now(),
    };
}

fn edit_endpoint(m: &mut Model, f: impl FnOnce(&mut LatticeEndpoint)) {
    let mut e = m.lattice_endpoints.value().unwrap().clone();
    f(&mut e[0]);
    m.apply(Fetched::LatticeEndpoints(Ok(e)), Utc::now());
}

fn edit_config(m: &mut Model, f: impl FnOnce(&mut ResourceConfig)) {
    let mut c = m.resource_configs.value().unwrap().clone();
    f(&mut c[0]);
    m.apply(Fetched::ResourceConfigs(Ok(c)), Utc::now());
}

fn edit_gateway(m: &mut Model, f: impl FnOnce(&mut ResourceGateway)) {
    let mut g = m.resource_gateways.value().unwrap().clone();
    f(&mut g[0]);
    m.apply(Fetched::ResourceGateways(Ok(g)), Utc::now());
}

/// Removes every ingress source of group `id` that `drop` matches.
fn edit_group(m: &mut Model, id: &str, drop: impl Fn(&SgSource) -> bool) {
    let mut sgs = m.security_groups.value().unwrap().clone();
    let g = sgs.iter_mut().find(|g| g.id == id).expect("group");
    for r in g.ingress.iter_mut() {
        r.sources.retain(|s| !drop(s));
    }
    g.ingress.retain(|r| !r.sources.is_empty());
    m.apply(Fetched::SecurityGroups(Ok(sgs)), Utc::now());
}

fn gateway_sg(m: &Model) -> String {
    m.resource_gateways.value().unwrap()[0].sg_ids[0].clone()
}

fn endpoint_sg(m: &Model) -> String {
    m.lattice_endpoints.value().unwrap()[0].sg_ids[0].clone()
}

#[test]
fn the_shared_api_is_ok_on_the_lattice_route() {
    let m = healthy();
    let d = diagnose(&m);
    assert_eq!(d.route, Route::LatticeApi);
    let names: Vec<_> = d.hops.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "origin",
            "dns",
            "lattice-endpoint",
            "resource-gateway",
            "eks-enis",
            "api-server"
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
fn the_endpoint_and_its_configuration_must_be_up() {
    let mut m = healthy();
    edit_endpoint(&mut m, |e| e.state = "pendingAcceptance".into());
    let f = run(&m, endpoint).unwrap();
    assert!(
        has(&f, "lattice-endpoint-not-available", Severity::Fail),
        "{f:?}"
    );
    assert_eq!(hop(&m, HopName::LatticeEndpoint), HopStatus::Fail);
    let mut m = healthy();
    edit_config(&mut m, |c| c.status = "CREATE_FAILED".into());
    let f = run(&m, endpoint).unwrap();
    assert!(
        has(&f, "lattice-resource-inactive", Severity::Fail),
        "{f:?}"
    );
    assert!(f[0].fix.contains("rcfg-"), "{}", f[0].fix);
    // Unread: unknown, never OK.
    let mut m = healthy();
    fail(&mut m.resource_configs, Source::ResourceConfigs);
    assert!(run(&m, endpoint).is_err());
    assert!(run(&m, gateway).is_err());
    let mut m = healthy();
    fail(&mut m.lattice_endpoints, Source::LatticeEndpoints);
    assert!(run(&m, endpoint).is_err());
    // The answers cannot be placed without the endpoints: the verdict is not OK.
    assert_ne!(diagnose(&m).verdict, HopStatus::Ok);
}

#[test]
fn the_configuration_must_carry_the_api_port_to_the_cluster() {
    let mut m = healthy();
    edit_config(&mut m, |c| c.port_ranges = vec!["8000-8443".into()]);
    let f = run(&m, endpoint).unwrap();
    assert!(has(&f, "lattice-resource-port", Severity::Fail), "{f:?}");
    assert!(f[0].fix.contains("--port-ranges 443"), "{}", f[0].fix);
    // A range that holds 443 is fine.
    let mut m = healthy();
    edit_config(&mut m, |c| c.port_ranges = vec!["1-65535".into()]);
    assert!(run(&m, endpoint).unwrap().is_empty());
    // Answering for the endpoint's name, sending somewhere else.
    let mut m = healthy();
    edit_config(&mut m, |c| {
        c.definition = ResourceDefinition::Dns("old-cluster.internal".into())
    });
    let f = run(&m, endpoint).unwrap();
    assert!(
        has(&f, "lattice-resource-wrong-address", Severity::Fail),
        "{f:?}"
    );
    assert!(f[0].evidence.contains("old-cluster.internal"));
    assert_eq!(hop(&m, HopName::LatticeEndpoint), HopStatus::Fail);
    // An address: one of the cluster's ENIs is right, any other is wrong.
    let eni = m.enis.value().unwrap()[0].ip.to_string();
    edit_config(&mut m, |c| c.definition = ResourceDefinition::Ip(eni));
    assert!(run(&m, endpoint).unwrap().is_empty());
    edit_config(&mut m, |c| {
        c.definition = ResourceDefinition::Ip("192.168.99.9".into())
    });
    let f = run(&m, endpoint).unwrap();
    assert!(
        has(&f, "lattice-resource-wrong-address", Severity::Fail),
        "{f:?}"
    );
}

#[test]
fn a_configuration_for_another_name_fails_where_the_answers_land() {
    let mut m = healthy();
    edit_config(&mut m, |c| {
        c.definition = ResourceDefinition::Dns("db.internal".into());
        c.custom_domain = Some("db.internal".into());
    });
    assert!(shared(&m).is_empty());
    // The answers still land on its endpoint: that configuration is judged, and wrong.
    let f = run(&m, endpoint).unwrap();
    assert!(
        has(&f, "lattice-resource-wrong-address", Severity::Fail),
        "{f:?}"
    );
    assert_eq!(diagnose(&m).route, Route::LatticeApi);
    // Answers elsewhere: no endpoint leads to the cluster, and that is not OK.
    crate::diagnose::testkit::answer_endpoint(&mut m, &["172.20.1.77"]);
    assert!(run(&m, endpoint).is_err());
    assert_ne!(diagnose(&m).route, Route::LatticeApi);
}

#[test]
fn the_endpoint_groups_must_admit_this_host() {
    let mut m = healthy();
    let sg = endpoint_sg(&m);
    edit_group(&mut m, &sg, |_| true);
    let f = run(&m, endpoint).unwrap();
    assert!(
        has(&f, "lattice-endpoint-sg-blocks", Severity::Fail),
        "{f:?}"
    );
    assert!(
        f[0].fix.contains(&sg) && f[0].fix.contains("172.20.1.10/32"),
        "{}",
        f[0].fix
    );
    // The group was not returned: unknown.
    let mut m = healthy();
    let mut sgs = m.security_groups.value().unwrap().clone();
    sgs.retain(|g| g.id != sg);
    m.apply(Fetched::SecurityGroups(Ok(sgs)), Utc::now());
    assert!(run(&m, endpoint).is_err());
}

#[test]
fn the_gateway_must_be_active_and_admitted_by_the_cluster() {
    let mut m = healthy();
    edit_gateway(&mut m, |g| g.status = "UPDATE_FAILED".into());
    let f = run(&m, gateway).unwrap();
    assert!(has(&f, "lattice-gateway-inactive", Severity::Fail), "{f:?}");
    assert_eq!(hop(&m, HopName::ResourceGateway), HopStatus::Fail);
    // The cluster's group admits the gateway's group, not its subnets.
    let mut m = healthy();
    let gw = gateway_sg(&m);
    let cluster = m.enis.value().unwrap()[0].sg_ids[0].clone();
    let own = cluster.clone();
    edit_group(
        &mut m,
        &cluster,
        |s| !matches!(s, SgSource::Group(g) if *g == own),
    );
    let f = run(&m, gateway).unwrap();
    assert!(
        has(&f, "lattice-gateway-sg-blocked", Severity::Fail),
        "{f:?}"
    );
    assert!(
        f[0].fix.contains(&cluster) && f[0].fix.contains(&format!("--source-group {gw}")),
        "{}",
        f[0].fix
    );
    assert_eq!(diagnose(&m).first_failure, Some(HopName::ResourceGateway));
    // A gateway without groups is admitted by its subnets' ranges, or the fix names one.
    edit_gateway(&mut m, |g| g.sg_ids.clear());
    let f = run(&m, gateway).unwrap();
    assert!(
        has(&f, "lattice-gateway-sg-blocked", Severity::Fail),
        "{f:?}"
    );
    assert!(f[0].fix.contains("--cidr 192.168."), "{}", f[0].fix);
    // Unread gateways: unknown.
    let mut m = healthy();
    fail(&mut m.resource_gateways, Source::ResourceGateways);
    assert!(run(&m, gateway).is_err());
    assert_eq!(hop(&m, HopName::ResourceGateway), HopStatus::Unknown);
    // A configuration without a gateway: unknown, not OK.
    let mut m = healthy();
    edit_config(&mut m, |c| c.gateway_id = None);
    assert!(run(&m, gateway).is_err());
}

#[test]
fn a_gateway_missing_a_zone_of_the_enis_is_a_warning() {
    let mut m = healthy();
    edit_gateway(&mut m, |g| g.subnet_ids.truncate(1));
    let f = run(&m, gateway).unwrap();
    assert!(
        has(&f, "lattice-gateway-zone-missing", Severity::Warn),
        "{f:?}"
    );
    assert!(f[0].evidence.contains("eu-west-1b"), "{}", f[0].evidence);
    let d = diagnose(&m);
    assert_eq!(d.verdict, HopStatus::Warn, "{:#?}", d.hops);
    // A subnet this tool cannot see (another VPC's): unknown.
    edit_gateway(&mut m, |g| g.subnet_ids.push("subnet-elsewhere".into()));
    assert!(run(&m, gateway).is_err());
}

#[test]
fn every_rule_lists_each_source_that_changes_its_result() {
    let missing = crate::diagnose::testkit::replay::unlisted_reads(
        Route::LatticeApi,
        RULES,
        &[Scenario::LatticeApi],
        &Scenario::LatticeApi.api(),
    );
    assert!(missing.is_empty(), "not in API_READS: {missing:#?}");
}
