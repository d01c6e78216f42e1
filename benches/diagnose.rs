//! How long one diagnosis and one JSON report take for each demo scenario: the TUI runs
//! `diagnose` after every model change, so it must stay far below a frame (16 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::diagnose;
use eksnet_tui::model::Model;
use eksnet_tui::report;
use eksnet_tui::sources::collect::{Settings, collect_once};
use eksnet_tui::sources::demo::{DemoEnv, Scenario};
use std::hint::black_box;

fn model(scenario: Scenario) -> Model {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let clock = Clock::fixed();
        let env = DemoEnv::new(scenario, clock);
        let settings = Settings {
            gap: std::time::Duration::ZERO,
            ..Settings::default()
        };
        collect_once(&env, &env, &env, &settings, &clock, scenario.name())
            .await
            .expect("demo collects")
    })
}

fn bench(c: &mut Criterion) {
    for scenario in [Scenario::Healthy, Scenario::RotationMissed] {
        let m = model(scenario);
        c.bench_function(&format!("diagnose/{}", scenario.name()), |b| {
            b.iter(|| diagnose(black_box(&m)))
        });
        let d = diagnose(&m);
        let at = Clock::fixed().now();
        c.bench_function(&format!("report-json/{}", scenario.name()), |b| {
            b.iter(|| report::json(black_box(&m), black_box(&d), at))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
