//! Every view at 120×40 and 80×24, loaded (demo), loading (nothing yet) and failed (every
//! source denied), as text snapshots.

mod common;

use common::*;
use eksnet_tui::app::App;
use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::HopName;
use eksnet_tui::model::{Fetched, SourceError};
use eksnet_tui::sources::demo::Scenario;
use eksnet_tui::ui::state::{Kind, Mode, View};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

fn views() -> Vec<(String, View)> {
    let mut v = vec![("main".to_string(), View::Main)];
    for k in Kind::ALL {
        v.push((k.name().to_string(), View::List(k)));
    }
    v.push(("hop-targets".into(), View::Hop(HopName::Targets)));
    v
}

/// The time of the newest data: the clock reads real time once the paused runtime is gone,
/// and ages on screen must not depend on how long the test took.
fn frozen(app: &App, clock: &Clock) -> chrono::DateTime<chrono::Utc> {
    let sources = app.model.sources();
    let newest = sources.iter().filter_map(|s| s.fetched_at).max();
    newest.unwrap_or_else(|| clock.now())
}

fn snap(app: &mut App, clock: &Clock, state: &str) {
    let now = frozen(app, clock);
    for (name, view) in views() {
        app.ui.stack = vec![View::Main];
        if view != View::Main {
            app.ui.stack.push(view);
        }
        for (w, h) in SIZES {
            let screen = text(&draw(app, now, w, h));
            insta::assert_snapshot!(format!("{state}-{name}-{w}x{h}"), screen);
        }
    }
}

#[test]
fn loaded() {
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    snap(&mut app, &clock, "loaded");
    // A row's detail and the help overlay.
    app.ui.stack = vec![View::Main, View::List(Kind::Enis)];
    let id = app.visible_rows(Kind::Enis).next().unwrap().id.clone();
    app.ui.stack.push(View::Row {
        kind: Kind::Enis,
        id,
    });
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("loaded-row-eni-{w}x{h}"),
            text(&draw(&app, frozen(&app, &clock), w, h))
        );
    }
    app.ui.stack.truncate(1);
    app.ui.mode = Mode::Help;
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("loaded-help-{w}x{h}"),
            text(&draw(&app, frozen(&app, &clock), w, h))
        );
    }
}

#[test]
fn loading() {
    let mut app = empty_app();
    snap(&mut app, &Clock::fixed(), "loading");
}

#[test]
fn failed() {
    let mut app = empty_app();
    let clock = Clock::fixed();
    let denied = |a: &str| SourceError::denied(a);
    for f in [
        Fetched::Cluster(Err(denied("eks:DescribeCluster"))),
        Fetched::Origin(Err(SourceError::timeout("instance metadata"))),
        Fetched::Enis(Err(denied("ec2:DescribeNetworkInterfaces"))),
        Fetched::Vpcs(Err(denied("ec2:DescribeVpcs"))),
        Fetched::Subnets(Err(denied("ec2:DescribeSubnets"))),
        Fetched::RouteTables(Err(denied("ec2:DescribeRouteTables"))),
        Fetched::SecurityGroups(Err(denied("ec2:DescribeSecurityGroups"))),
        Fetched::Peerings(Err(SourceError::new(
            eksnet_tui::model::ErrorKind::Throttled,
            "Rate exceeded",
        ))),
        Fetched::LoadBalancers(Err(denied("elasticloadbalancing:DescribeLoadBalancers"))),
        Fetched::Listeners(Err(SourceError::blocked(
            "elasticloadbalancing:DescribeLoadBalancers",
        ))),
        Fetched::TargetGroups(Err(SourceError::blocked(
            "elasticloadbalancing:DescribeLoadBalancers",
        ))),
        Fetched::Targets(Err(SourceError::blocked(
            "elasticloadbalancing:DescribeLoadBalancers",
        ))),
        Fetched::EndpointServices(Err(denied("ec2:DescribeVpcEndpointServiceConfigurations"))),
        Fetched::EndpointConnections(Err(SourceError::blocked(
            "ec2:DescribeVpcEndpointServiceConfigurations",
        ))),
        Fetched::InterfaceEndpoints(Err(denied("ec2:DescribeVpcEndpoints"))),
        Fetched::HostedZones(Err(denied("route53:ListHostedZonesByName"))),
        Fetched::Records(Err(SourceError::blocked("route53:ListHostedZonesByName"))),
    ] {
        feed(&mut app, f, &clock);
    }
    snap(&mut app, &clock, "failed");
}
