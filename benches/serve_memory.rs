//! `serve`'s memory over time: 20 demo clusters refreshed every 30 s (the default) for one
//! hour of paused tokio time, 120 refreshes each. Prints the resident set after the first
//! refresh and as the hour goes on, and fails when the last figure is more than 1.5 times
//! the one at 10 minutes: memory must stay flat, not grow with the refreshes.

mod support;

use eksnet_tui::serve::metrics::Metrics;
use std::sync::Arc;
use std::time::Duration;

const CLUSTERS: usize = 20;
const MAX_GROWTH: f64 = 1.5;

/// This process's resident set, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let (targets, every) = support::demo_fleet(&[], CLUSTERS);
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    let metrics = Arc::new(Metrics::new(&names));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let wall = std::time::Instant::now();
    let figures = rt.block_on(async {
        support::start(targets, &metrics, every).await;
        let mut figures = vec![(0u64, rss_kib(), metrics.encode(chrono::Utc::now()).len())];
        for minute in [10u64, 20, 30, 40, 50, 60] {
            let since = figures.last().map_or(0, |f| f.0);
            tokio::time::sleep(Duration::from_secs((minute - since) * 60)).await;
            figures.push((minute, rss_kib(), metrics.encode(chrono::Utc::now()).len()));
        }
        figures
    });
    let refreshes: u64 = names.iter().map(|n| metrics.refreshes(n)).sum();
    println!(
        "serve_memory: {CLUSTERS} demo clusters every {}s for 1 h of paused time ({refreshes} refreshes, {:.1} s of wall time)",
        every.as_secs(),
        wall.elapsed().as_secs_f64()
    );
    for (minute, rss, bytes) in &figures {
        println!(
            "  {minute:>3} min  RSS {:>8.1} MiB  /metrics {bytes:>7} bytes",
            *rss as f64 / 1024.0
        );
    }
    let at10 = figures[1].1 as f64;
    let last = figures.last().unwrap().1 as f64;
    println!(
        "  RSS at 60 min / at 10 min: {:.2} (limit {MAX_GROWTH})",
        last / at10
    );
    if refreshes < (CLUSTERS as u64) * 100 {
        eprintln!("too few refreshes: the hour did not run");
        std::process::exit(1);
    }
    if last > at10 * MAX_GROWTH {
        eprintln!("memory grew with time");
        std::process::exit(1);
    }
}
