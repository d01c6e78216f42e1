//! The catalogue's own invariants.

use super::*;
use std::collections::BTreeSet;

#[test]
fn names_are_unique_and_actions_are_reads() {
    let names: BTreeSet<_> = Source::ALL.iter().map(|s| s.spec().name).collect();
    assert_eq!(names.len(), Source::ALL.len());
    for s in Source::ALL {
        for a in s.spec().actions {
            let (service, op) = a.split_once(':').expect("service:Action");
            assert!(!service.is_empty());
            assert!(
                ["Describe", "List", "Get"]
                    .iter()
                    .any(|v| op.starts_with(v))
                    || READS_NAMED_OTHERWISE.contains(a),
                "{a} is not a read"
            );
        }
    }
}

#[test]
fn fast_tier_is_what_a_rotation_changes() {
    let fast: Vec<_> = Source::ALL
        .iter()
        .filter(|s| s.spec().tier == Tier::Fast)
        .collect();
    assert_eq!(fast, [&Source::Enis, &Source::Targets]);
}
