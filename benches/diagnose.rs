//! How long one diagnosis and one JSON report take for each demo scenario: the TUI runs
//! `diagnose` after every model change, so it must stay far below a frame (16 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::diagnose;
use eksnet_tui::model::Model;
use eksnet_tui::report;
use eksnet_tui::sources::demo::{DemoEnv, Scenario};
use std::hint::black_box;

fn model(scenario: Scenario) -> Model {
    DemoEnv::model_at_start(scenario)
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
