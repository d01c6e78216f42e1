//! The hop statuses over the last minutes: one cell per window, the worst status judged in
//! it. UNKNOWN (nothing to judge with, e.g. while loading) shows only in a window where
//! nothing was judged, so a hop seen failing or healthy in a window is never hidden by it.

use super::Diagnosis;
use super::finding::HopName;
use super::path::HopStatus;
use crate::model::timeline::{Timeline, Worst};
use chrono::{DateTime, Utc};

impl Worst for HopStatus {
    fn badness(self) -> u8 {
        match self {
            HopStatus::Unknown => 0,
            HopStatus::Skipped => 1,
            HopStatus::Ok => 2,
            HopStatus::Warn => 3,
            HopStatus::Fail => 4,
        }
    }
}

pub type HopHistory = Timeline<HopName, HopStatus>;

/// Note every hop's status of `d` at `now`.
pub fn record(h: &mut HopHistory, d: &Diagnosis, now: DateTime<Utc>) {
    for hop in &d.hops {
        h.note(hop.name, hop.status, now);
    }
}

/// The cells of `hop` up to `now`, oldest first; a window with no judgement is UNKNOWN.
pub fn cells(h: &HopHistory, hop: HopName, now: DateTime<Utc>) -> Vec<HopStatus> {
    h.cells(hop, now)
        .into_iter()
        .map(|c| c.unwrap_or(HopStatus::Unknown))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnose;
    use crate::diagnose::testkit::*;

    #[test]
    fn a_window_keeps_its_worst_status_and_one_without_judgement_is_unknown() {
        let mut h = HopHistory::default();
        let ok = diagnose(&healthy());
        let mut m = healthy();
        m.targets = crate::model::Loadable::loaded(
            vec![target("192.168.10.5", "eu-west-1a", "unhealthy")],
            t0(),
        );
        let failing = diagnose(&m);
        // t0 is 20 s into a 30 s window.
        let at = |s: i64| t0() + chrono::Duration::seconds(s);
        record(&mut h, &ok, at(0));
        record(&mut h, &failing, at(5));
        record(&mut h, &ok, at(10));
        record(&mut h, &ok, at(95));
        let cells = cells(&h, HopName::Targets, at(95));
        assert_eq!(cells.len(), crate::model::timeline::WINDOWS);
        use HopStatus::*;
        assert_eq!(cells[cells.len() - 4..], [Fail, Ok, Unknown, Ok]);
        assert_eq!(cells[0], Unknown, "before the first judgement");
    }

    fn status_of(d: &Diagnosis, hop: HopName) -> HopStatus {
        d.hops.iter().find(|h| h.name == hop).expect("hop").status
    }

    #[test]
    fn loading_does_not_hide_what_was_judged_in_the_window() {
        let mut h = HopHistory::default();
        let mut m = healthy();
        m.targets = crate::model::Loadable::Loading;
        let loading = diagnose(&m);
        assert_eq!(status_of(&loading, HopName::Targets), HopStatus::Unknown);
        let ok = diagnose(&healthy());
        let at = |s: i64| t0() + chrono::Duration::seconds(s);
        record(&mut h, &loading, at(0));
        record(&mut h, &ok, at(2));
        let cells = cells(&h, HopName::Targets, at(2));
        assert_eq!(cells.last(), Some(&HopStatus::Ok));
        record(&mut h, &loading, at(40));
        let cells = super::cells(&h, HopName::Targets, at(40));
        assert_eq!(
            cells.last(),
            Some(&HopStatus::Unknown),
            "nothing judged in it"
        );
    }
}
