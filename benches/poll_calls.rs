//! The interactive view's pollers over the demo account for ten minutes of paused time:
//! how many times each source was read, and the calls per API. A full cycle runs at start
//! and every minute; in between, fast-tier cycles every 10 s read only ENIs and target
//! health. Fails when a source outside the fast tier was read outside a full cycle.
//!
//! Run with `cargo bench --bench poll_calls`.

#[path = "../tests/common/mod.rs"]
mod common;

use eksnet_tui::model::{Api, Source, Tier};
use eksnet_tui::sources::demo::Scenario;
use std::collections::BTreeMap;

const MINUTES: u64 = 10;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut failed = false;
    // The EKS path, and an API behind an NLB of its own: each reads only its own sources.
    for scenario in [Scenario::Healthy, Scenario::SelfManaged] {
        failed |= !report(scenario);
    }
    if failed {
        std::process::exit(1);
    }
}

/// Print the reads of `scenario`'s ten minutes; false when a slow source was read outside
/// a full cycle, or a source of the other kind of API was read at all.
fn report(scenario: Scenario) -> bool {
    let api = scenario.server().map(Api::Server).unwrap_or_default();
    let fetches = common::poll_fetches(scenario, MINUTES);
    // This host is read once per full cycle whatever the API.
    let full = fetches.get(&Source::Origin).copied().unwrap_or(0);
    println!(
        "poll_calls: {MINUTES} minutes of the interactive view (demo {scenario}, paused time)"
    );
    println!("  full cycles: {full}");
    let mut per_api: BTreeMap<&str, u64> = BTreeMap::new();
    let mut ok = true;
    for s in Source::ALL {
        let n = fetches.get(s).copied().unwrap_or(0);
        if !s.used_for(&api) {
            if n > 0 {
                eprintln!(
                    "poll_calls: FAIL, {} is not this API's, yet was read",
                    s.spec().name
                );
                ok = false;
            }
            continue;
        }
        let tier = s.spec().tier;
        println!("  {:<22} {:>4} reads  ({tier:?})", s.spec().name, n);
        *per_api.entry(s.spec().action()).or_default() += n;
        if tier == Tier::Slow && n != full {
            eprintln!(
                "poll_calls: FAIL, {} was read outside a full cycle",
                s.spec().name
            );
            ok = false;
        }
    }
    println!("  calls per API (one per read; fan-out per key not counted):");
    for (api, n) in per_api {
        println!("    {api:<52} {n:>4}");
    }
    ok
}
