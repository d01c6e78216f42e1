//! The screenshots in `screenshots/`: which scenario, how long it ran, which view.

use super::{demo_app, draw};
use eksnet_tui::diagnose::HopName;
use eksnet_tui::sources::demo::Scenario;
use eksnet_tui::ui::state::{Kind, View};
use eksnet_tui::ui::svg;

pub struct Shot {
    pub file: &'static str,
    pub caption: &'static str,
    scenario: Scenario,
    secs: u64,
    view: Option<View>,
}

pub fn shots() -> Vec<Shot> {
    vec![
        Shot {
            file: "healthy-main.svg",
            caption: "healthy: every hop OK; the event log shows an ENI rotation being picked up",
            scenario: Scenario::Healthy,
            secs: 120,
            view: None,
        },
        Shot {
            file: "rotation-missed-main.svg",
            caption: "rotation-missed: the path breaks at targets",
            scenario: Scenario::RotationMissed,
            secs: 0,
            view: None,
        },
        Shot {
            file: "rotation-missed-hop-targets.svg",
            caption: "rotation-missed: Enter on the failing hop shows its evidence and the fix",
            scenario: Scenario::RotationMissed,
            secs: 0,
            view: Some(View::Hop(HopName::Targets)),
        },
        Shot {
            file: "rotation-missed-targets.svg",
            caption: "rotation-missed: :targets marks stale and missing targets against the ENI IPs",
            scenario: Scenario::RotationMissed,
            secs: 0,
            view: Some(View::List(Kind::Targets)),
        },
        Shot {
            file: "phz-not-associated-main.svg",
            caption: "phz-not-associated: the bastion resolves public IPs and takes the public route",
            scenario: Scenario::PhzNotAssociated,
            secs: 0,
            view: None,
        },
        Shot {
            file: "healthy-probes.svg",
            caption: "healthy: :probes with success ratio, p50/p95 and latency sparklines",
            scenario: Scenario::Healthy,
            secs: 120,
            view: Some(View::List(Kind::Probes)),
        },
        Shot {
            file: "tgw-route-missing-main.svg",
            caption: "tgw-route-missing: over a transit gateway, the missing route back is named at its hop",
            scenario: Scenario::TgwRouteMissing,
            secs: 0,
            view: None,
        },
        Shot {
            file: "rotation-missed-no-trail-automation.svg",
            caption: "rotation-missed-no-trail: :automation finds the rule, its function and no trail to fire it",
            scenario: Scenario::RotationMissedNoTrail,
            secs: 0,
            view: Some(View::List(Kind::Automation)),
        },
        Shot {
            file: "self-managed-sg-main.svg",
            caption: "self-managed-sg: Kubernetes on EC2 behind an NLB; the control plane's group drops the bastion",
            scenario: Scenario::SelfManagedSg,
            secs: 0,
            view: None,
        },
        Shot {
            file: "lattice-prefix-list-blocked-lattice.svg",
            caption: "lattice-prefix-list-blocked: :lattice from the service network down to each unhealthy pod",
            scenario: Scenario::LatticePrefixListBlocked,
            secs: 0,
            view: Some(View::List(Kind::Lattice)),
        },
    ]
}

pub fn render(shot: &Shot) -> String {
    let (mut app, clock) = demo_app(shot.scenario, shot.secs);
    if let Some(v) = &shot.view {
        if let View::Hop(_) = v {
            app.ui.stack.push(View::Main);
        }
        app.ui.stack.push(v.clone());
        app.ui.stack.dedup();
    }
    let buf = draw(&app, clock.now(), 120, 40);
    svg::render(&buf, &format!("eksnet-tui --demo {}", shot.scenario.name()))
}
