//! The transit gateway rules on a model joined by one, broken a leg at a time.

use super::*;
use crate::diagnose::testkit::*;
use crate::model::{Loadable, Model, TgwRoute, TgwRouteAttachment};

#[test]
fn a_peering_topology_has_nothing_to_judge() {
    let m = healthy();
    assert!(run(&m, tgw_attachments).unwrap().is_empty());
    assert!(run(&m, tgw_routes).unwrap().is_empty());
}

#[test]
fn a_healthy_transit_gateway_passes() {
    let m = over_tgw(healthy());
    let ctx = Ctx::new(&m);
    assert_eq!(ctx.crossing, Crossing::TransitGateway(TGW.into()));
    assert_eq!(ctx.route, Route::Direct);
    assert!(run(&m, tgw_attachments).unwrap().is_empty());
    assert!(run(&m, tgw_routes).unwrap().is_empty());
}

fn edit_tgw_tables(m: &mut Model, f: impl FnOnce(&mut Vec<TgwRouteTable>)) {
    if let Loadable::Loaded { value, .. } = &mut m.tgw_route_tables {
        f(value)
    }
}

fn edit_attachments(m: &mut Model, f: impl FnOnce(&mut Vec<TgwAttachment>)) {
    if let Loadable::Loaded { value, .. } = &mut m.tgw_attachments {
        f(value)
    }
}

#[test]
fn a_missing_route_on_either_side_is_named() {
    // The transit gateway table lost the route back to this host's VPC.
    let mut m = over_tgw(healthy());
    edit_tgw_tables(&mut m, |t| {
        t[0].routes.retain(|r| !r.destination.contains(&BASTION))
    });
    let f = run(&m, tgw_routes).unwrap();
    assert!(has(&f, "tgw-route-missing", Severity::Fail), "{f:?}");
    assert!(
        f[0].evidence.contains("no route to 172.20.1.10"),
        "{}",
        f[0].evidence
    );
    assert!(
        f[0].fix
            .contains("enable-transit-gateway-route-table-propagation")
    );

    // The ENI subnets' VPC table has no route to the transit gateway.
    let mut m = over_tgw(healthy());
    if let Loadable::Loaded { value, .. } = &mut m.route_tables {
        for t in value.iter_mut().filter(|t| t.vpc_id == EKS_VPC) {
            t.routes
                .retain(|r| !matches!(r.target, RouteTarget::TransitGateway(_)));
        }
    }
    let f = run(&m, tgw_routes).unwrap();
    assert!(has(&f, "tgw-route-missing", Severity::Fail), "{f:?}");
    assert!(
        f[0].evidence
            .contains("no active route back to 172.20.1.10"),
        "{}",
        f[0].evidence
    );
    assert!(f[0].fix.contains("create-route"), "{}", f[0].fix);
}

#[test]
fn a_blackhole_is_named_apart_from_a_missing_route() {
    let mut m = over_tgw(healthy());
    edit_tgw_tables(&mut m, |t| {
        t[0].routes.push(TgwRoute {
            destination: "192.168.0.0/16".parse().unwrap(),
            state: "blackhole".into(),
            kind: "static".into(),
            attachments: vec![],
        })
    });
    let f = run(&m, tgw_routes).unwrap();
    assert!(has(&f, "tgw-route-blackhole", Severity::Fail), "{f:?}");
    assert!(!has(&f, "tgw-route-missing", Severity::Fail), "{f:?}");
}

#[test]
fn an_attachment_not_available_or_without_the_zone_fails() {
    let mut m = over_tgw(healthy());
    edit_attachments(&mut m, |a| a[1].state = "pendingAcceptance".into());
    let f = run(&m, tgw_attachments).unwrap();
    assert!(
        has(&f, "tgw-attachment-unavailable", Severity::Fail),
        "{f:?}"
    );
    assert!(f[0].fix.contains("accept-transit-gateway-vpc-attachment"));

    // The cluster's attachment lost its subnet in one ENI's zone: that ENI is cut off.
    let mut m = over_tgw(healthy());
    edit_attachments(&mut m, |a| a[1].subnet_ids.truncate(1));
    let f = run(&m, tgw_attachments).unwrap();
    assert!(
        has(&f, "tgw-attachment-az-missing", Severity::Warn),
        "{f:?}"
    );

    let mut m = over_tgw(healthy());
    edit_attachments(&mut m, |a| a.truncate(1));
    let f = run(&m, tgw_attachments).unwrap();
    assert!(has(&f, "tgw-attachment-missing", Severity::Fail), "{f:?}");
}

#[test]
fn unknown_without_attachments_or_routes() {
    let m = over_tgw(healthy());
    let mut no_atts = m.clone();
    no_atts.tgw_attachments = Loadable::Loading;
    // The VPC table still names the transit gateway, so the crossing stays known.
    assert_eq!(
        Ctx::new(&no_atts).crossing,
        Crossing::TransitGateway(TGW.into())
    );
    assert!(run(&no_atts, tgw_attachments).is_err());
    let mut no_routes = m;
    no_routes.tgw_route_tables = Loadable::Loading;
    assert!(run(&no_routes, tgw_routes).is_err());
}

#[test]
fn the_longest_route_decides_even_when_a_broader_one_is_right() {
    let mut m = over_tgw(healthy());
    edit_tgw_tables(&mut m, |t| {
        t[0].routes.push(TgwRoute {
            destination: "192.168.10.0/24".parse().unwrap(),
            state: "active".into(),
            kind: "static".into(),
            attachments: vec![TgwRouteAttachment {
                attachment_id: "tgw-attach-other".into(),
                resource_id: "vpc-other".into(),
            }],
        })
    });
    let f = run(&m, tgw_routes).unwrap();
    assert!(has(&f, "tgw-route-missing", Severity::Fail), "{f:?}");
    assert!(
        f[0].evidence.contains("tgw-attach-other"),
        "{}",
        f[0].evidence
    );
}
