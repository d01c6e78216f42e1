//! The rules of an API behind an NLB of its own, over the self-managed demo account as
//! `check` collects it, one part changed at a time.

use super::*;
use crate::diagnose::finding::{Finding, Severity};
use crate::diagnose::path::HopStatus;
use crate::diagnose::{Ctx, Route, diagnose};
use crate::model::{
    Fetched, Loadable, Model, PeerSide, Peering, RouteTarget, SgSource, Source, SourceError,
};
use crate::sources::demo::{DemoEnv, Scenario};
use chrono::Utc;

fn model(s: Scenario) -> Model {
    DemoEnv::model_at_start(s)
}

fn healthy() -> Model {
    model(Scenario::SelfManaged)
}

fn value<T: Clone>(l: &Loadable<T>) -> T {
    l.value().expect("loaded").clone()
}

/// The source as a denied read leaves it when nothing was read before.
fn fail<T>(l: &mut Loadable<T>, source: Source) {
    *l = Loadable::Failed {
        error: SourceError::denied(source.spec().action()),
        at: Utc::now(),
    };
}

/// Re-apply one source through the model's own merge, as a fetch would.
fn set(m: &mut Model, f: Fetched) {
    m.apply(f, Utc::now());
}

fn run(
    m: &Model,
    rule: crate::diagnose::rules::Check,
) -> Result<Vec<Finding>, crate::diagnose::Missing> {
    rule(&Ctx::new(m))
}

fn has(f: &[Finding], id: &str, sev: Severity) -> bool {
    f.iter().any(|f| f.id == id && f.severity == sev)
}

fn hop(m: &Model, name: crate::diagnose::HopName) -> HopStatus {
    diagnose(m)
        .hops
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.status)
        .expect("hop on the route")
}

fn dns(m: &mut Model, ips: &[&str]) {
    crate::diagnose::testkit::answer_endpoint(m, ips);
}

#[test]
fn the_healthy_control_plane_is_ok_on_the_nlb_route() {
    let m = healthy();
    let d = diagnose(&m);
    assert_eq!(d.route, Route::Nlb);
    let names: Vec<_> = d.hops.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["origin", "dns", "nlb", "targets", "api-server"]);
    assert_eq!(
        d.verdict,
        HopStatus::Ok,
        "{:?} {:?}",
        d.findings,
        d.unknowns
    );
    assert!(d.findings.is_empty() && d.unknowns.is_empty());
    assert!(
        d.route_basis.contains("alias A record"),
        "{}",
        d.route_basis
    );
    let api = &d.hops[4].evidence[0];
    assert!(
        api.contains("control plane") && api.contains("k8s-cp-3"),
        "{api}"
    );
    // EKS-only sources are not part of this run.
    assert!(m.sources().iter().all(|s| s.source != Source::Cluster));
}

#[test]
fn the_nlb_is_found_by_name_by_record_or_by_answers_and_never_guessed() {
    // By answers: no record for the name.
    let mut m = healthy();
    set(&mut m, Fetched::Records(Ok(vec![])));
    let d = diagnose(&m);
    assert!(d.route_basis.contains("live answers"), "{}", d.route_basis);
    assert_eq!(d.verdict, HopStatus::Ok);
    // Nothing leads anywhere: UNKNOWN, with each way tried.
    dns(&mut m, &["10.40.9.9"]);
    let e = run(&m, nlb::api_nlb).unwrap_err();
    assert!(e.why.contains("no network load balancer"), "{}", e.why);
    assert!(e.why.contains("no Route 53 record"), "{}", e.why);
    assert!(e.why.contains("10.40.9.9"), "{}", e.why);
    assert_eq!(hop(&m, crate::diagnose::HopName::Nlb), HopStatus::Unknown);
    // By its own DNS name.
    let mut m = healthy();
    let mut api = m.context.api.server().unwrap().clone();
    api.host = value(&m.listed_lbs)[0].dns_name.clone();
    m.context.api = crate::model::Api::Server(api);
    assert!(
        diagnose(&m)
            .route_basis
            .contains("is the DNS name of NLB k8s-api")
    );
    // Load balancers denied: unknown, naming the action.
    let mut m = healthy();
    fail(&mut m.listed_lbs, Source::LoadBalancers);
    fail(&mut m.load_balancers, Source::LoadBalancers);
    let e = run(&m, nlb::api_nlb).unwrap_err();
    assert!(e.why.contains("DescribeLoadBalancers"), "{}", e.why);
}

#[test]
fn a_listener_off_the_servers_port_fails_with_a_fix_for_the_existing_group() {
    let mut m = healthy();
    let mut ls = value(&m.listeners);
    ls[0].port = 443;
    set(&mut m, Fetched::Listeners(Ok(ls)));
    let f = run(&m, nlb::listener).unwrap();
    assert!(has(&f, "nlb-listener-missing", Severity::Fail), "{f:?}");
    assert!(f[0].evidence.contains("TCP:443"));
    assert!(
        f[0].fix.contains("targetgroup/k8s-api-6443"),
        "{}",
        f[0].fix
    );
    assert!(run(&healthy(), nlb::listener).unwrap().is_empty());
    let mut m = healthy();
    fail(&mut m.listeners, Source::Listeners);
    assert!(run(&m, nlb::listener).is_err());
}

#[test]
fn a_stopped_instance_warns_while_others_serve_and_fails_when_none_do() {
    let m = model(Scenario::SelfManagedOneDown);
    let f = run(&m, targets::targets).unwrap();
    assert!(has(&f, "instance-not-running", Severity::Warn), "{f:?}");
    assert!(
        f[0].fix
            .contains("start-instances --instance-ids i-0c0ffee0000000c02")
    );
    let d = diagnose(&m);
    assert_eq!(d.verdict, HopStatus::Warn);

    let mut m = healthy();
    let mut ts = value(&m.targets);
    for t in &mut ts {
        t.state = "unhealthy".into();
    }
    set(&mut m, Fetched::Targets(Ok(ts)));
    let f = run(&m, targets::targets).unwrap();
    assert_eq!(f.len(), 3);
    assert!(
        f.iter()
            .all(|f| f.id == "target-unhealthy" && f.severity == Severity::Fail)
    );

    // An instance DescribeInstances does not list is gone.
    let mut m = healthy();
    let mut is = value(&m.instances);
    is.remove(0);
    set(&mut m, Fetched::Instances(Ok(is)));
    assert!(has(
        &run(&m, targets::targets).unwrap(),
        "target-instance-missing",
        Severity::Warn
    ));
    // Without the instances the targets are not judged.
    fail(&mut m.instances, Source::Instances);
    let e = run(&m, targets::targets).unwrap_err();
    assert!(
        e.what.contains(Source::Instances.spec().action()),
        "{}",
        e.what
    );
}

#[test]
fn a_health_check_that_cannot_pass_on_an_api_server_fails_the_targets() {
    assert!(run(&healthy(), targets::health_checks).unwrap().is_empty());
    let mut m = healthy();
    let mut gs = value(&m.target_groups);
    gs[0].health_check = Some(crate::model::HealthCheck {
        protocol: "HTTP".into(),
        port: "traffic-port".into(),
        path: Some("/healthz".into()),
        matcher: None,
    });
    set(&mut m, Fetched::TargetGroups(Ok(gs)));
    let f = run(&m, targets::health_checks).unwrap();
    assert!(
        has(&f, "tg-health-check-fails-on-api", Severity::Fail),
        "{f:?}"
    );
    let mut gs = value(&m.target_groups);
    gs[0].health_check = None;
    set(&mut m, Fetched::TargetGroups(Ok(gs)));
    assert!(run(&m, targets::health_checks).is_err());
}

#[test]
fn a_zone_without_a_healthy_target_fails_only_without_cross_zone_and_when_answered() {
    let m = model(Scenario::SelfManagedNoCrossZone);
    let f = run(&m, targets::zones).unwrap();
    assert!(
        has(&f, "nlb-zone-no-healthy-target", Severity::Fail),
        "{f:?}"
    );
    assert!(f[0].evidence.contains("10.40.3.20"));
    assert_eq!(
        diagnose(&m).first_failure,
        Some(crate::diagnose::HopName::Nlb)
    );
    // Not among the answers: a warning.
    let mut m2 = m.clone();
    dns(&mut m2, &["10.40.1.20", "10.40.2.20"]);
    assert!(has(
        &run(&m2, targets::zones).unwrap(),
        "nlb-zone-no-healthy-target",
        Severity::Warn
    ));
    // Cross-zone unknown: not guessed.
    let mut m3 = m.clone();
    if let Loadable::Loaded { value, .. } = &mut m3.load_balancers {
        value[0].cross_zone = None;
    }
    assert!(run(&m3, targets::zones).is_err());
    // The same unhealthy target with cross-zone on costs nothing.
    let mut m4 = healthy();
    let mut ts = value(&m4.targets);
    ts[2].state = "unhealthy".into();
    set(&mut m4, Fetched::Targets(Ok(ts)));
    assert!(run(&m4, targets::zones).unwrap().is_empty());
}

#[test]
fn from_another_vpc_the_route_there_and_back_must_exist() {
    let mut m = healthy();
    let other = "vpc-0bastion000000001";
    let mut o = value(&m.origin).unwrap();
    o.vpc_id = other.into();
    o.subnet_id = Some("subnet-0bastion00000001".into());
    o.ip = Some("10.50.0.10".parse().unwrap());
    set(&mut m, Fetched::Origin(Ok(Some(o))));
    let mut vpcs = value(&m.vpcs);
    vpcs.push(crate::model::Vpc {
        id: other.into(),
        name: Some("ops".into()),
        cidrs: vec!["10.50.0.0/16".parse().unwrap()],
        dns_support: Some(true),
        dns_hostnames: Some(true),
        dhcp_options_id: Some("default".into()),
    });
    set(&mut m, Fetched::Vpcs(Ok(vpcs)));
    let mut tables = value(&m.route_tables);
    tables.push(crate::model::RouteTable {
        id: "rtb-0bastion000000001".into(),
        vpc_id: other.into(),
        main: true,
        subnet_ids: vec![],
        routes: vec![crate::model::Route {
            destination: "10.50.0.0/16".parse().unwrap(),
            target: RouteTarget::Local,
            state: "active".into(),
        }],
    });
    set(&mut m, Fetched::RouteTables(Ok(tables.clone())));
    let peering = Peering {
        id: "pcx-0123456789abcdef0".into(),
        status: "active".into(),
        requester: PeerSide {
            vpc_id: other.into(),
            owner: None,
            region: None,
            allow_remote_dns: None,
            cidrs: vec![],
        },
        accepter: PeerSide {
            vpc_id: value(&m.listed_lbs)[0].vpc_id.clone(),
            owner: None,
            region: None,
            allow_remote_dns: None,
            cidrs: vec![],
        },
    };
    set(&mut m, Fetched::Peerings(Ok(vec![peering])));
    let f = run(&m, routes::routes).unwrap();
    assert!(has(&f, "route-to-nlb-missing", Severity::Fail), "{f:?}");
    let there = f.iter().find(|f| f.id == "route-to-nlb-missing").unwrap();
    assert!(
        there.fix.contains("--destination-cidr-block 10.40.0.0/16 --vpc-peering-connection-id pcx-0123456789abcdef0"),
        "{}",
        there.fix
    );
    assert!(has(&f, "route-back-missing", Severity::Fail), "{f:?}");
    // Both ways routed over the peering: nothing to say.
    let pcx = RouteTarget::Peering("pcx-0123456789abcdef0".into());
    for t in &mut tables {
        let dest = if t.vpc_id == other {
            "10.40.0.0/16"
        } else {
            "10.50.0.0/16"
        };
        t.routes.push(crate::model::Route {
            destination: dest.parse().unwrap(),
            target: pcx.clone(),
            state: "active".into(),
        });
    }
    set(&mut m, Fetched::RouteTables(Ok(tables.clone())));
    assert!(run(&m, routes::routes).unwrap().is_empty());
    // A blackhole on the way there.
    let t = tables.iter_mut().find(|t| t.vpc_id == other).unwrap();
    t.routes.last_mut().unwrap().state = "blackhole".into();
    set(&mut m, Fetched::RouteTables(Ok(tables)));
    assert!(has(
        &run(&m, routes::routes).unwrap(),
        "route-blackhole",
        Severity::Fail
    ));
    // Without the tables: unknown.
    fail(&mut m.route_tables, Source::RouteTables);
    assert!(run(&m, routes::routes).is_err());
}

#[test]
fn the_private_zone_must_be_associated_with_this_vpc_and_hold_the_record() {
    assert!(run(&healthy(), zone::zone).unwrap().is_empty());
    // Judged from the zones alone when there is no live answer.
    let without_live = || {
        let mut m = healthy();
        m.live = Default::default();
        m
    };
    let healthy = without_live;
    let mut m = healthy();
    let zone_id = value(&m.listed_zones)[0].id.clone();
    set(
        &mut m,
        Fetched::ZoneAssociations(Ok(vec![crate::model::ZoneAssociations {
            zone_id,
            vpcs: vec![crate::model::ZoneVpc {
                vpc_id: "vpc-0other000000000001".into(),
                region: "eu-west-1".into(),
            }],
        }])),
    );
    let f = run(&m, zone::zone).unwrap();
    assert!(has(&f, "phz-not-associated", Severity::Fail), "{f:?}");
    assert!(
        f[0].fix.contains("associate-vpc-with-hosted-zone"),
        "{}",
        f[0].fix
    );
    let mut m = healthy();
    set(&mut m, Fetched::Records(Ok(vec![])));
    let f = run(&m, zone::zone).unwrap();
    assert!(has(&f, "record-missing", Severity::Fail), "{f:?}");
    // Nothing else leads to the NLB either: the fix names the zone.
    assert!(f[0].fix.contains("Z0C0FFEE0K8SINTERNAL"), "{}", f[0].fix);
    let mut m = healthy();
    fail(&mut m.records, Source::Records);
    assert!(run(&m, zone::zone).is_err());
}

#[test]
fn answers_are_classed_by_the_nlb_and_a_public_one_fails_for_an_internal_nlb() {
    let mut m = healthy();
    dns(&mut m, &["198.51.100.7"]);
    let d = diagnose(&m);
    assert!(
        d.findings
            .iter()
            .any(|f| f.id == "dns-public-answer" && f.severity == Severity::Fail)
    );
    let mut m = healthy();
    dns(&mut m, &["10.40.1.20", "10.40.7.7"]);
    let d = diagnose(&m);
    assert!(
        d.findings.iter().any(|f| f.id == "dns-unknown-answer"),
        "{:?}",
        d.findings
    );
    assert_eq!(
        d.answers[&"10.40.1.20".parse::<std::net::IpAddr>().unwrap()].label(),
        "NLB k8s-api"
    );
}

mod admits;
mod reads;
