//! `serve` under scrape load, for 20 demo clusters refreshed every 2 s: 10 s quiet, then
//! 10 s of 100 scrapes a second over loopback. Prints the refresh intervals the pollers
//! kept in each phase and fails when the load stretches the mean by more than half.

mod support;

use eksnet_tui::serve::{self, metrics::Metrics};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLUSTERS: usize = 20;
const PHASE: Duration = Duration::from_secs(10);
const SCRAPES_PER_SEC: u32 = 100;
const MAX_STRETCH: f64 = 1.5;

/// Refreshes per cluster and the longest gap seen while `during` runs for one phase.
fn phase(
    rt: &tokio::runtime::Runtime,
    metrics: &Metrics,
    names: &[String],
    during: impl FnOnce() + Send + 'static,
) -> (f64, Duration) {
    let before: u64 = names.iter().map(|n| metrics.refreshes(n)).sum();
    let load = std::thread::spawn(during);
    let start = Instant::now();
    let mut oldest = Duration::ZERO;
    while start.elapsed() < PHASE {
        std::thread::sleep(Duration::from_millis(100));
        let now = rt.block_on(async { chrono::Utc::now() });
        if let Some(age) = metrics.oldest_refresh(now).and_then(|d| d.to_std().ok()) {
            oldest = oldest.max(age);
        }
    }
    load.join().unwrap();
    let after: u64 = names.iter().map(|n| metrics.refreshes(n)).sum();
    let per_cluster = (after - before) as f64 / names.len() as f64;
    (PHASE.as_secs_f64() / per_cluster.max(1e-9), oldest)
}

fn main() {
    let (targets, every) = support::demo_fleet(&["--every", "2", "--samples", "1"], CLUSTERS);
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    let metrics = Arc::new(Metrics::new(&names));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(support::start(targets, &metrics, every));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = serve::router(metrics.clone());
    rt.spawn(async move { axum::serve(listener, app).await });

    let (quiet, quiet_gap) = phase(&rt, &metrics, &names, || {});
    let scrapes = Arc::new(std::sync::Mutex::new(Vec::new()));
    let done = scrapes.clone();
    let (loaded, loaded_gap) = phase(&rt, &metrics, &names, move || {
        let start = Instant::now();
        let gap = Duration::from_secs(1) / SCRAPES_PER_SEC;
        let mut n = 0u32;
        while start.elapsed() < PHASE {
            let due = start + gap * n;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let t = Instant::now();
            support::scrape(addr);
            done.lock().unwrap().push(t.elapsed());
            n += 1;
        }
    });
    let mut lat = scrapes.lock().unwrap().clone();
    lat.sort();
    let median = lat.get(lat.len() / 2).copied().unwrap_or_default();
    let stretch = loaded / quiet;
    println!(
        "serve_load: {CLUSTERS} demo clusters refreshed every {}s, 2 worker threads",
        every.as_secs()
    );
    println!(
        "  quiet   mean refresh interval {quiet:>6.2} s, longest since a refresh {:>6.2} s",
        quiet_gap.as_secs_f64()
    );
    println!(
        "  loaded  mean refresh interval {loaded:>6.2} s, longest since a refresh {:>6.2} s; {} scrapes in {}s ({:.0}/s), median {:.2} ms",
        loaded_gap.as_secs_f64(),
        lat.len(),
        PHASE.as_secs(),
        lat.len() as f64 / PHASE.as_secs_f64(),
        median.as_secs_f64() * 1e3
    );
    println!("  loaded / quiet interval: {stretch:.2} (limit {MAX_STRETCH})");
    if stretch > MAX_STRETCH {
        eprintln!("the scrape load slowed the pollers");
        std::process::exit(1);
    }
}
