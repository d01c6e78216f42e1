//! The interactive app driven by the real pollers over the demo environment, in paused
//! time, so views and screenshots are the same on every run.

#![allow(dead_code)]

use eksnet_tui::app::{App, Msg};
use eksnet_tui::clock::Clock;
use eksnet_tui::model::{Api, Context, Fetched, LiveMode, Model};
use eksnet_tui::sources::demo::{DemoEnv, Scenario};
use eksnet_tui::sources::poll::{self, Intervals, Sources};
use eksnet_tui::ui::theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::sync::Arc;
use std::time::Duration;

pub fn themes() -> Vec<theme::Theme> {
    theme::builtin_names()
        .into_iter()
        .filter_map(theme::builtin)
        .collect()
}

pub fn empty_app() -> App {
    App::new(
        Model::new(Context {
            cluster_name: "demo-private".into(),
            region: Some("eu-west-1".into()),
            source: "demo:healthy".into(),
            live: LiveMode::ALL,
            api: Default::default(),
        }),
        themes(),
    )
}

/// A runtime whose clock only moves when every task waits.
fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
}

/// The real pollers over the demo's cluster with the default intervals.
fn demo_pollers(
    scenario: Scenario,
    clock: Clock,
    live: LiveMode,
    tx: tokio::sync::mpsc::Sender<Fetched>,
) -> poll::Pollers {
    let env = Arc::new(DemoEnv::new(scenario, clock));
    poll::spawn(
        Sources {
            api: env.clone(),
            resolver: env.clone(),
            prober: env,
        },
        &Context {
            cluster_name: "demo-private".into(),
            region: None,
            source: String::new(),
            live,
            api: scenario.api(),
        },
        None,
        Intervals::default(),
        tx,
    )
}

/// The app after `secs` seconds of the demo scenario (0 = the first poll of every source).
pub fn demo_app(scenario: Scenario, secs: u64) -> (App, Clock) {
    let rt = paused_runtime();
    rt.block_on(async move {
        let clock = Clock::fixed();
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let mut app = empty_app();
        app.model.context.source = format!("demo:{}", scenario.name());
        app.model.context.api = scenario.api();
        match &app.model.context.api {
            Api::Server(server) => app.model.context.cluster_name = server.label(),
            Api::Lattice(l) => app.model.context.cluster_name = l.service.clone(),
            Api::Eks => {}
        }
        let pollers = demo_pollers(scenario, clock, LiveMode::ALL, tx);
        // Let every first poll land, then advance second by second.
        let end =
            tokio::time::Instant::now() + Duration::from_secs(secs) + Duration::from_millis(500);
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            while let Ok(f) = rx.try_recv() {
                app.update(Msg::Fetched(Box::new(f)), clock.now());
            }
            if tokio::time::Instant::now() >= end {
                break;
            }
        }
        drop(pollers);
        (app, clock)
    })
}

/// Apply one update as if it came from a source.
pub fn feed(app: &mut App, f: Fetched, clock: &Clock) {
    app.update(Msg::Fetched(Box::new(f)), clock.now());
}

pub fn draw(app: &App, now: chrono::DateTime<chrono::Utc>, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| app.render(f, now)).expect("draw");
    term.backend().buffer().clone()
}

pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let line: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub mod screens;

/// The pollers over the demo for `minutes` of paused time, with live sampling off: how many
/// times each source was fetched.
pub fn poll_fetches(
    scenario: Scenario,
    minutes: u64,
) -> std::collections::BTreeMap<eksnet_tui::model::Source, u64> {
    let rt = paused_runtime();
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let pollers = demo_pollers(scenario, Clock::fixed(), LiveMode::OFF, tx);
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        tokio::time::sleep(Duration::from_secs(minutes * 60) + Duration::from_millis(500)).await;
        let counts = pollers.fetches.lock().expect("counts").clone();
        drop(pollers);
        drain.abort();
        counts
    })
}
