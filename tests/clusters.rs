//! `:clusters` over the demo fleet: every member listed, the others judged in the
//! background, and Enter switching the view to another cluster without a restart.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use eksnet_tui::app::{App, Effect, Msg};
use eksnet_tui::cli::{self, Parsed};
use eksnet_tui::diagnose::{HopName, HopStatus};
use eksnet_tui::env::build_env;
use eksnet_tui::model::fleet::MemberOutcome;
use eksnet_tui::sources::demo::Scenario;
use eksnet_tui::sources::poll;
use eksnet_tui::startup::{self, Startup};
use eksnet_tui::tui::{fleet, prepare, switch};
use eksnet_tui::ui::state::{Kind, View};
use std::time::Duration;

fn startup_of(args: &[&str]) -> Startup {
    let mut all = vec!["eksnet-tui"];
    all.extend(args);
    match cli::parse(all).unwrap() {
        Parsed::Run(c) => startup::resolve(*c).unwrap(),
        Parsed::Print(_) => unreachable!(),
    }
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(
        Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        chrono::Utc::now(),
    )
}

/// Feeds the new cluster's pollers into the view until it is judged.
async fn judged(mut app: App, sources: poll::Sources, s: &Startup) -> App {
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let _pollers = poll::spawn(
        sources,
        &app.model.context,
        s.settings.from_vpc.clone(),
        s.intervals.clone(),
        tx,
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.diagnosis.verdict == HopStatus::Unknown || app.model.live.dns.is_empty() {
        let f = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the cluster is judged within 30 s")
            .expect("pollers alive");
        app.update(Msg::Fetched(Box::new(f)), chrono::Utc::now());
    }
    app
}

#[tokio::test]
async fn enter_on_a_cluster_switches_the_view_to_it() {
    let s = startup_of(&["--demo", "fleet"]);
    assert_eq!(
        s.member.as_deref(),
        Some("healthy"),
        "the first member opens"
    );
    let env = build_env(&s).await.unwrap();
    let members = fleet::members(&s, env.api.as_ref()).await;
    assert_eq!(members.len(), Scenario::ALL.len());
    let (mut app, sources) = prepare(&s, env, false).await.unwrap();
    app.model.fleet = fleet::listing(&members, "healthy");
    let app0 = judged(app, sources, &s).await;
    assert_eq!(app0.diagnosis.verdict, HopStatus::Ok);
    let mut app = app0;

    for ch in ":clusters".chars() {
        key(&mut app, KeyCode::Char(ch));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ui.view(), &View::List(Kind::Clusters));
    // Enter on the cluster on screen stays; on another asks for the switch.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let at = Scenario::ALL
        .iter()
        .position(|x| *x == Scenario::RotationMissed)
        .unwrap();
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Switch(name)] = effects.as_slice() else {
        panic!("expected a switch, got {effects:?}");
    };
    assert_eq!(name, "rotation-missed");

    let (s2, next, sources) = switch(&members, name, &app).await.unwrap();
    let next = judged(next, sources, &s2).await;
    assert_eq!(next.model.context.source, "demo:rotation-missed");
    assert_eq!(next.diagnosis.verdict, HopStatus::Fail);
    assert_eq!(next.diagnosis.first_failure, Some(HopName::Targets));
    assert_eq!(next.model.fleet.current.as_deref(), Some("rotation-missed"));
    assert_eq!(
        next.model.fleet.members.len(),
        members.len(),
        "the list is kept"
    );
    // An unknown member is a message, not a crash.
    let e = switch(&members, "nope", &next).await.err().unwrap();
    assert!(e.contains("no cluster 'nope'"), "{e}");
}

#[tokio::test]
async fn the_other_clusters_are_judged_in_the_background() {
    let s = startup_of(&["--demo", "fleet", "--cluster", "stale-target"]);
    let env = build_env(&s).await.unwrap();
    let members = fleet::members(&s, env.api.as_ref()).await;
    let pick = |n: &str| members.iter().find(|m| m.name == n).unwrap().clone();
    // Three members: the one on screen is skipped, the others arrive one at a time.
    let few = vec![pick("stale-target"), pick("healthy"), pick("nlb-one-zone")];
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let (_cur_tx, cur_rx) = tokio::sync::watch::channel("stale-target".to_string());
    let task = fleet::spawn_checks(few.clone(), cur_rx, tx);
    let mut app = App::new(
        eksnet_tui::model::Model::new(eksnet_tui::model::Context {
            cluster_name: "c".into(),
            region: None,
            source: "test".into(),
            live: eksnet_tui::model::LiveMode::OFF,
            api: Default::default(),
        }),
        s.themes.clone(),
    );
    app.model.fleet = fleet::listing(&few, "stale-target");
    let mut seen = Vec::new();
    for _ in 0..2 {
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .unwrap()
            .unwrap();
        if let Msg::Member { name, .. } = &msg {
            seen.push(name.clone());
        }
        app.update(msg, chrono::Utc::now());
    }
    task.abort();
    assert_eq!(seen, ["healthy", "nlb-one-zone"]);
    let verdict = |n: &str| {
        let m = app
            .model
            .fleet
            .members
            .iter()
            .find(|m| m.name == n)
            .unwrap();
        match &m.checked.as_ref().unwrap().outcome {
            MemberOutcome::Judged { verdict, .. } => verdict.clone(),
            MemberOutcome::Failed { error } => panic!("{n}: {error}"),
        }
    };
    assert_eq!(verdict("healthy"), "ok");
    assert_eq!(verdict("nlb-one-zone"), "warn");
    assert!(
        app.model.fleet.members[0].checked.is_none(),
        "on screen: not checked"
    );
}
