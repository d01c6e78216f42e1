//! `check --no-live` against the AWS emulator (moto on loopback, tests/aws_support): a small
//! account holding only the cluster's path, and the same account with 300 extra VPCs,
//! 5,000 extra unrelated ENIs and 200 extra targets. Prints the wall time of each (median of
//! several runs of the real binary), their ratio, and the API calls of one collection
//! cycle. Fails when the large account takes more than 1.5 times the small one: collection
//! must follow the path, never the size of the account.
//!
//! Run with `cargo bench --bench aws_check`.

#[path = "../tests/aws_support/mod.rs"]
mod aws_support;

use aws_support::Emulator;
use std::time::{Duration, Instant};

const RUNS: usize = 9;
const LIMIT: f64 = 1.5;

fn check_once(emu: &Emulator, ops: &str) -> Duration {
    let mut cmd = emu.command(
        "bench",
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
    assert_eq!(
        out.status.code(),
        Some(0),
        "the seeded account is healthy: {}",
        String::from_utf8_lossy(&out.stdout)
    );
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
    let large_ops = large.seed(&["--noise", "300,5000,200"])["ops_vpc"]
        .as_str()
        .unwrap()
        .to_string();
    println!(
        "seeded the large account (300 VPCs, 5000 ENIs, 200 targets) in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    // Warm both servers, then alternate so drift hits both sides alike.
    check_once(&small, &small_ops);
    check_once(&large, &large_ops);
    let (mut s, mut l) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        s.push(check_once(&small, &small_ops));
        l.push(check_once(&large, &large_ops));
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

    println!("aws_check: check --no-live, median of {RUNS} runs of the binary");
    println!("  small account  {:8.1} ms", ms(s));
    println!("  large account  {:8.1} ms", ms(l));
    println!("  ratio          {ratio:8.2} (limit {LIMIT})");
    println!(
        "  API calls per collection cycle: small {small_calls}, large {large_calls} (in-process cycle {:.1} ms / {:.1} ms)",
        ms(small_cycle),
        ms(large_cycle)
    );
    if ratio > LIMIT {
        eprintln!("aws_check: FAIL, the large account took {ratio:.2}x the small one");
        std::process::exit(1);
    }
}
