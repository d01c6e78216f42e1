//! A scrape of `serve`'s /metrics for 20 demo clusters, over HTTP on loopback: the median
//! must stay under 2 ms. Prints the median and p95 of 200 scrapes, and of the encoding alone.

mod support;

use eksnet_tui::diagnose::diagnose;
use eksnet_tui::serve::metrics::Metrics;
use eksnet_tui::sources::demo::{DemoEnv, Scenario};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLUSTERS: usize = 20;
const SCRAPES: usize = 200;
const LIMIT: Duration = Duration::from_millis(2);

fn quantiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 95 / 100])
}

fn main() {
    let scenarios: Vec<Scenario> = Scenario::ALL.into_iter().take(CLUSTERS).collect();
    let names: Vec<String> = scenarios.iter().map(|s| s.name().to_string()).collect();
    let metrics = Arc::new(Metrics::new(&names));
    for s in &scenarios {
        let m = DemoEnv::model_at_start(*s);
        metrics.judged(s.name(), &m, &diagnose(&m));
    }
    let encode: Vec<Duration> = (0..SCRAPES)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(metrics.encode(chrono::Utc::now()));
            t.elapsed()
        })
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = eksnet_tui::serve::router(metrics.clone());
    rt.spawn(async move { axum::serve(listener, app).await });
    let mut bytes = 0;
    let scrape: Vec<Duration> = (0..SCRAPES)
        .map(|_| {
            let t = Instant::now();
            bytes = support::scrape(addr);
            t.elapsed()
        })
        .collect();
    let (em, ep) = quantiles(encode);
    let (sm, sp) = quantiles(scrape);
    println!("scrape: /metrics for {CLUSTERS} demo clusters ({bytes} bytes), {SCRAPES} scrapes");
    println!(
        "  encoding   median {:>8.3} ms  p95 {:>8.3} ms",
        em.as_secs_f64() * 1e3,
        ep.as_secs_f64() * 1e3
    );
    println!(
        "  over HTTP  median {:>8.3} ms  p95 {:>8.3} ms (limit {} ms)",
        sm.as_secs_f64() * 1e3,
        sp.as_secs_f64() * 1e3,
        LIMIT.as_millis()
    );
    if sm > LIMIT {
        eprintln!("scrape median over the limit");
        std::process::exit(1);
    }
}
