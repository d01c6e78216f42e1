//! Verdict changes in the event log, one per real change: a collection round lands source
//! by source, and the verdict it passes through on the way is no change of its own.

use crate::diagnose::HopName;
use crate::diagnose::path::HopStatus;
use crate::model::EventLevel;
use crate::model::events::EventLog;
use chrono::{DateTime, Utc};

/// Changes this close to the last one merge with it.
const SETTLE_MS: i64 = 3_000;

#[derive(Debug, Clone, Default)]
pub struct VerdictEvents {
    last: Option<Logged>,
}

#[derive(Debug, Clone)]
struct Logged {
    at: DateTime<Utc>,
    from: HopStatus,
    text: String,
}

impl VerdictEvents {
    /// Log the change from `before` to `after`, merged with a change logged just before.
    pub fn note(
        &mut self,
        log: &mut EventLog,
        before: HopStatus,
        after: HopStatus,
        first_failure: Option<HopName>,
        now: DateTime<Utc>,
    ) {
        if before == after {
            return;
        }
        let merged = self
            .last
            .take()
            .filter(|l| (now - l.at).num_milliseconds() <= SETTLE_MS && log.retract_last(&l.text));
        let (from, at) = merged.map_or((before, now), |l| (l.from, l.at));
        if from == after {
            // Out and back within a moment: nothing changed.
            return;
        }
        let level = match after {
            HopStatus::Ok => EventLevel::Ok,
            HopStatus::Fail => EventLevel::Fail,
            _ => EventLevel::Warn,
        };
        let at_hop = first_failure
            .map(|h| format!(" at {h}"))
            .unwrap_or_default();
        let text = format!("verdict {} -> {}{at_hop}", from.label(), after.label());
        log.push(at, level, text.clone());
        self.last = Some(Logged { at, from, text });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(1_790_000_000_000 + ms).unwrap()
    }

    fn texts(log: &EventLog) -> Vec<String> {
        log.iter().map(|e| e.text.clone()).collect()
    }

    #[test]
    fn changes_a_moment_apart_are_one_event() {
        let (mut v, mut log) = (VerdictEvents::default(), EventLog::default());
        v.note(&mut log, HopStatus::Ok, HopStatus::Warn, None, t(0));
        v.note(
            &mut log,
            HopStatus::Warn,
            HopStatus::Fail,
            Some(HopName::Targets),
            t(500),
        );
        assert_eq!(texts(&log), ["verdict ok -> fail at targets"]);
        // Later changes are their own events.
        v.note(&mut log, HopStatus::Fail, HopStatus::Ok, None, t(60_000));
        assert_eq!(log.len(), 2);
        assert_eq!(log.iter().last().unwrap().level, EventLevel::Ok);
    }

    #[test]
    fn out_and_back_within_a_moment_is_no_event() {
        let (mut v, mut log) = (VerdictEvents::default(), EventLog::default());
        v.note(&mut log, HopStatus::Ok, HopStatus::Warn, None, t(0));
        v.note(&mut log, HopStatus::Warn, HopStatus::Ok, None, t(1_000));
        assert!(log.is_empty(), "{:?}", texts(&log));
        // An event logged since is never taken back.
        v.note(&mut log, HopStatus::Ok, HopStatus::Warn, None, t(10_000));
        log.push(t(10_500), EventLevel::Info, "ENI created");
        v.note(&mut log, HopStatus::Warn, HopStatus::Ok, None, t(11_000));
        assert_eq!(
            texts(&log),
            ["verdict ok -> warn", "ENI created", "verdict warn -> ok"]
        );
    }
}
