//! How long one frame takes to draw with 5,000 EKS-owned ENIs in the model: the main screen
//! and the `:enis` list, at 200x60 and 80x24, on a `TestBackend`. The diagnosis and the
//! rows are built once per model change, outside the timed loop, as the app does; what is
//! timed is what every frame and key press costs. Prints the median per frame and fails when
//! the main screen or the list takes 1 ms or more at 200x60.
//!
//! Run with `cargo bench --bench render`. Without `--bench` (as `cargo test --benches` runs
//! it) every case is drawn once, as a smoke test.

use criterion::Criterion;
use eksnet_tui::app::{App, Msg};
use eksnet_tui::clock::Clock;
use eksnet_tui::model::{Eni, Fetched, Model};
use eksnet_tui::sources::demo::{DemoEnv, Scenario};
use eksnet_tui::ui::rows;
use eksnet_tui::ui::state::{Kind, View};
use eksnet_tui::ui::theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

const EXTRA_ENIS: usize = 5_000;
const FRAMES: usize = 300;
const TARGET: Duration = Duration::from_millis(1);
const SIZES: [(u16, u16); 2] = [(200, 60), (80, 24)];

fn demo_model() -> Model {
    DemoEnv::model_at_start(Scenario::Healthy)
}

/// The demo's ENIs plus `EXTRA_ENIS` more, spread over the cluster's subnets. Their IPs
/// count up from each subnet's base so they stay unique: a /24 holds fewer than 5,000.
fn many_enis(m: &Model) -> Vec<Eni> {
    let mut enis = m.enis.value().cloned().unwrap_or_default();
    let cluster = m.cluster.value().expect("demo cluster");
    let subnets: Vec<_> = m
        .subnets
        .value()
        .expect("demo subnets")
        .iter()
        .filter(|s| cluster.subnet_ids.contains(&s.id))
        .collect();
    let template = enis.first().cloned().expect("demo ENIs");
    for i in 0..EXTRA_ENIS {
        let s = subnets[i % subnets.len()];
        let base = u32::from(s.cidr.network()) + 16;
        let ip = Ipv4Addr::from(base + (i / subnets.len()) as u32);
        enis.push(Eni {
            id: format!("eni-{i:017x}"),
            ip,
            subnet_id: s.id.clone(),
            az: s.az.clone(),
            ..template.clone()
        });
    }
    enis
}

fn app() -> (App, chrono::DateTime<chrono::Utc>) {
    let model = demo_model();
    let enis = many_enis(&model);
    let themes = theme::builtin_names()
        .into_iter()
        .filter_map(theme::builtin)
        .collect();
    let mut app = App::new(model, themes);
    let now = Clock::fixed().now();
    app.update(Msg::Fetched(Box::new(Fetched::Enis(Ok(enis)))), now);
    assert_eq!(
        app.model.enis.value().map(Vec::len),
        Some(EXTRA_ENIS + 2),
        "demo ENIs plus the extra ones"
    );
    (app, now)
}

struct Case {
    name: String,
    view: View,
    size: (u16, u16),
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (label, view) in [("main", View::Main), ("enis", View::List(Kind::Enis))] {
        for (w, h) in SIZES {
            out.push(Case {
                name: format!("render/{label}/{w}x{h}"),
                view: view.clone(),
                size: (w, h),
            });
        }
    }
    out
}

fn show(app: &mut App, view: &View) {
    app.ui.stack = vec![View::Main];
    if *view != View::Main {
        app.ui.stack.push(view.clone());
    }
}

fn terminal((w, h): (u16, u16)) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(w, h)).expect("test terminal")
}

/// Each frame timed on its own, so the median is of frames, not of batches.
fn median_frame(app: &App, now: chrono::DateTime<chrono::Utc>, size: (u16, u16)) -> Duration {
    let mut term = terminal(size);
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            let started = Instant::now();
            term.draw(|f| app.render(f, now)).expect("draw");
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let (mut app, now) = app();
    if !args.iter().any(|a| a == "--bench") {
        for case in cases() {
            show(&mut app, &case.view);
            terminal(case.size)
                .draw(|f| app.render(f, now))
                .expect("draw");
        }
        return;
    }

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for case in cases() {
        show(&mut app, &case.view);
        let mut term = terminal(case.size);
        c.bench_function(&case.name, |b| {
            b.iter(|| term.draw(|f| app.render(f, now)).expect("draw").area)
        });
    }
    let d = &app.diagnosis;
    c.bench_function("rows/enis (once per model change)", |b| {
        b.iter(|| rows::build(Kind::Enis, &app.model, d).rows.len())
    });
    c.final_summary();

    println!(
        "render: {} EKS ENIs, median of {FRAMES} frames",
        EXTRA_ENIS + 2
    );
    let mut over = Vec::new();
    for case in cases() {
        show(&mut app, &case.view);
        let median = median_frame(&app, now, case.size);
        println!(
            "  {:<24} {:8.1} µs per frame",
            case.name,
            median.as_secs_f64() * 1e6
        );
        if case.size == SIZES[0] && median >= TARGET {
            over.push(case.name);
        }
    }
    if !over.is_empty() {
        eprintln!("render: FAIL, {over:?} took 1 ms or more per frame");
        std::process::exit(1);
    }
}
