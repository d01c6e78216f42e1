//! The interactive view's pollers over the demo account for ten minutes of paused time:
//! how many times each source was read, and the calls per API. A full cycle runs at start
//! and every minute; in between, fast-tier cycles every 10 s read only ENIs and target
//! health. Fails when a source outside the fast tier was read outside a full cycle.
//!
//! Run with `cargo bench --bench poll_calls`.

#[path = "../tests/common/mod.rs"]
mod common;

use eksnet_tui::model::{Source, Tier};
use eksnet_tui::sources::demo::Scenario;
use std::collections::BTreeMap;

const MINUTES: u64 = 10;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let fetches = common::poll_fetches(Scenario::Healthy, MINUTES);
    let full = fetches.get(&Source::Cluster).copied().unwrap_or(0);
    println!("poll_calls: {MINUTES} minutes of the interactive view (demo, paused time)");
    println!("  full cycles: {full}");
    let mut per_api: BTreeMap<&str, u64> = BTreeMap::new();
    let mut failed = false;
    for s in Source::ALL {
        let n = fetches.get(s).copied().unwrap_or(0);
        let tier = s.spec().tier;
        println!("  {:<22} {:>4} reads  ({tier:?})", s.spec().name, n);
        *per_api.entry(s.spec().action()).or_default() += n;
        if tier == Tier::Slow && n != full {
            eprintln!(
                "poll_calls: FAIL, {} was read outside a full cycle",
                s.spec().name
            );
            failed = true;
        }
    }
    println!("  calls per API (one per read; fan-out per key not counted):");
    for (api, n) in per_api {
        println!("    {api:<52} {n:>4}");
    }
    if failed {
        std::process::exit(1);
    }
}
