//! What each rule of the nlb route rests on: a demo run replayed with one source failed at
//! a time must change a rule's result only through what `SERVER_READS` lists for it.

use super::*;
use crate::diagnose::testkit::replay::{replay, updates};

#[test]
fn every_rule_lists_each_source_that_changes_its_result() {
    use crate::diagnose::rests_on::reads_on;
    use crate::model::Basis;
    let api = crate::model::Api::Server(Scenario::SelfManaged.server().unwrap());
    let bases: Vec<Basis> = Source::ALL
        .iter()
        .filter(|s| s.used_for(&api))
        .map(|&s| Basis::Source(s))
        .chain([Basis::Dns, Basis::Probes])
        .collect();
    let mut missing = Vec::new();
    for s in [
        Scenario::SelfManaged,
        Scenario::SelfManagedSg,
        Scenario::SelfManagedOneDown,
        Scenario::SelfManagedNoCrossZone,
    ] {
        let (context, ups) = updates(s, api.clone());
        let base = replay(&context, &ups, None);
        let (replayed, collected) = (diagnose(&base), diagnose(&model(s)));
        assert_eq!(
            (replayed.verdict, &replayed.findings),
            (collected.verdict, &collected.findings),
            "{s}: the replay is what check collects"
        );
        for rule in RULES {
            let want = format!("{:?}", (rule.check)(&Ctx::new(&base)));
            let listed: Vec<Basis> = reads_on(Route::Nlb, rule.name).collect();
            for &b in &bases {
                let m = replay(&context, &ups, Some(b));
                let got = format!("{:?}", (rule.check)(&Ctx::new(&m)));
                if got != want && !listed.contains(&b) {
                    missing.push(format!("{s}: {} reads {}", rule.name, b.name()));
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "not in SERVER_READS: {missing:#?}");
}
