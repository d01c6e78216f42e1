//! What each rule of the nlb route rests on: a demo run replayed with one source failed at
//! a time must change a rule's result only through what `SERVER_READS` lists for it.

use super::*;
use crate::diagnose::testkit::replay::unlisted_reads;

#[test]
fn every_rule_lists_each_source_that_changes_its_result() {
    let missing = unlisted_reads(
        Route::Nlb,
        RULES,
        &[
            Scenario::SelfManaged,
            Scenario::SelfManagedSg,
            Scenario::SelfManagedOneDown,
            Scenario::SelfManagedNoCrossZone,
        ],
        &Scenario::SelfManaged.api(),
    );
    assert!(missing.is_empty(), "not in SERVER_READS: {missing:#?}");
}
