//! `check --no-live` against the AWS emulator (moto on loopback, tests/aws_support).
//!
//! - rounds: the small account with 100 ms added to every answer, against no delay.
//!   `(t(100 ms) - t(0)) / 100 ms` is how many round trips collection waits on one after
//!   another. Fails above 4.
//! - scale: a small account holding only the cluster's path, and the same account with 300
//!   extra VPCs, 5,000 extra unrelated ENIs, 200 extra targets behind another NLB, and a
//!   second listener on the API's NLB forwarding to a 200-target group. Prints the wall time
//!   of each (median of several runs of the real binary), their ratio and the large
//!   account's verdict, and the API calls of one collection cycle. Fails when the large
//!   account takes more than 1.5 times the small one: collection must follow the path,
//!   never the size of the account.
//!
//! Run with `cargo bench --bench aws_check`.

#[path = "../tests/aws_support/mod.rs"]
mod aws_support;

use aws_support::Emulator;
use std::time::{Duration, Instant};

const RUNS: usize = 9;
const LIMIT: f64 = 1.5;
const DELAY_MS: u64 = 100;
const MAX_ROUNDS: f64 = 4.0;

/// One run as the caller with access key `key`: wall time and verdict.
fn check_as(emu: &Emulator, key: &str, ops: &str) -> (Duration, String) {
    let mut cmd = emu.command(
        key,
        &[
            "check",
            "--no-live",
            "--output",
            "json",
            "--cluster",
            "prod",
            "--from-vpc",
            ops,
        ],
    );
    let started = Instant::now();
    let out = cmd.output().expect("run eksnet-tui");
    let took = started.elapsed();
    let (_, doc) = aws_support::emulator::parse(&out);
    (took, doc["verdict"].as_str().unwrap_or("?").to_string())
}

/// A run that must find the seeded account healthy.
fn check_once(emu: &Emulator, ops: &str) -> Duration {
    let (took, verdict) = check_as(emu, "bench", ops);
    assert_eq!(verdict, "ok", "the small seeded account is healthy");
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let small = Emulator::start();
    let small_ops = small.seed(&[])["ops_vpc"].as_str().unwrap().to_string();
    let seeding = Instant::now();
    let large = Emulator::start();
    let large_ops = large.seed(&["--noise", "300,5000,200", "--second-listener", "200"])["ops_vpc"]
        .as_str()
        .unwrap()
        .to_string();
    println!(
        "seeded the large account (300 VPCs, 5000 ENIs, 200 targets, a second 200-target listener) in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    // Rounds: the same account, answered at once or 100 ms late.
    small.latency("bench-slow", DELAY_MS);
    check_as(&small, "bench-slow", &small_ops);
    let (mut fast, mut slow) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        fast.push(check_once(&small, &small_ops));
        slow.push(check_as(&small, "bench-slow", &small_ops).0);
    }
    let (fast, slow) = (median(fast), median(slow));
    let rounds = (slow.as_secs_f64() - fast.as_secs_f64()) / (DELAY_MS as f64 / 1000.0);

    // Warm both servers, then alternate so drift hits both sides alike.
    check_once(&small, &small_ops);
    check_as(&large, "bench", &large_ops);
    let (mut s, mut l) = (Vec::new(), Vec::new());
    let mut large_verdict = String::new();
    for _ in 0..RUNS {
        s.push(check_once(&small, &small_ops));
        let (took, verdict) = check_as(&large, "bench", &large_ops);
        l.push(took);
        large_verdict = verdict;
    }
    let (s, l) = (median(s), median(l));
    let ratio = l.as_secs_f64() / s.as_secs_f64();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let calls = |emu: &Emulator, ops: &str| {
        rt.block_on(async {
            let c = aws_support::inproc::client(&emu.url).await;
            let started = Instant::now();
            aws_support::inproc::collect(&c, ops).await;
            (c.calls(), started.elapsed())
        })
    };
    let (small_calls, small_cycle) = calls(&small, &small_ops);
    let (large_calls, large_cycle) = calls(&large, &large_ops);

    println!("aws_check: check --no-live against the emulator");
    println!(
        "  rounds         {rounds:8.2} (limit {MAX_ROUNDS}): {:.1} ms with {DELAY_MS} ms per answer, {:.1} ms without, median of 5",
        ms(slow),
        ms(fast)
    );
    println!("  small account  {:8.1} ms (median of {RUNS})", ms(s));
    println!("  large account  {:8.1} ms (median of {RUNS})", ms(l));
    println!("  ratio          {ratio:8.2} (limit {LIMIT})");
    println!("  large account verdict: {large_verdict}");
    println!(
        "  API calls per collection cycle: small {small_calls}, large {large_calls} (in-process cycle {:.1} ms / {:.1} ms)",
        ms(small_cycle),
        ms(large_cycle)
    );
    let mut failed = false;
    if rounds > MAX_ROUNDS {
        eprintln!("aws_check: FAIL, collection waits on {rounds:.2} round trips in a row");
        failed = true;
    }
    if ratio > LIMIT {
        eprintln!("aws_check: FAIL, the large account took {ratio:.2}x the small one");
        failed = true;
    }
    if failed {
        std::process::exit(1);
    }
}
