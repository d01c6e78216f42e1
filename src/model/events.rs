//! Transitions worth an operator's attention, kept in a bounded log.

use super::catalogue::Source;
use super::cluster::Eni;
use super::lb::Target;
use super::live::{DnsOutcome, DnsSample, ProbeOutcome, ProbeSample};
use super::loadable::{ErrorKind, SourceError};
use super::stats::answer_key;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventLevel {
    Info,
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub level: EventLevel,
    pub text: String,
}

pub const EVENT_CAP: usize = 500;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventLog {
    items: VecDeque<Event>,
}

impl EventLog {
    pub fn push(&mut self, at: DateTime<Utc>, level: EventLevel, text: impl Into<String>) {
        if self.items.len() == EVENT_CAP {
            self.items.pop_front();
        }
        self.items.push_back(Event {
            at,
            level,
            text: text.into(),
        });
    }

    /// Take back the newest event if it reads `text`, e.g. to replace it by a merged one.
    pub fn retract_last(&mut self, text: &str) -> bool {
        let hit = self.items.back().is_some_and(|e| e.text == text);
        if hit {
            self.items.pop_back();
        }
        hit
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A source that starts failing, and one that answers again after failing. A source
/// blocked by a failed upstream logs nothing: the upstream's own event says why.
pub fn diff_source(
    log: &mut EventLog,
    source: Source,
    before: Option<&SourceError>,
    after: Option<&SourceError>,
    kept: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) {
    fn own(e: Option<&SourceError>) -> Option<&SourceError> {
        e.filter(|e| !matches!(e.kind, ErrorKind::Blocked { .. }))
    }
    let name = source.spec().name;
    match (own(before), own(after)) {
        (None, Some(e)) => match kept {
            Some(at) => log.push(
                now,
                EventLevel::Warn,
                format!(
                    "source {name} failed: {}; showing data from {}",
                    e.label(),
                    at.format("%H:%M:%S")
                ),
            ),
            None => log.push(
                now,
                EventLevel::Fail,
                format!("source {name} failed: {}", e.label()),
            ),
        },
        (Some(_), None) if after.is_none() => {
            log.push(now, EventLevel::Ok, format!("source {name} recovered"))
        }
        _ => {}
    }
}

/// ENIs created or deleted since the last successful fetch (a control-plane rotation shows here).
pub fn diff_enis(log: &mut EventLog, old: Option<&Vec<Eni>>, new: &[Eni], now: DateTime<Utc>) {
    let Some(old) = old else { return };
    let before: BTreeMap<&str, &Eni> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let after: BTreeMap<&str, &Eni> = new.iter().map(|e| (e.id.as_str(), e)).collect();
    for (id, e) in &after {
        if !before.contains_key(id) {
            log.push(
                now,
                EventLevel::Info,
                format!("ENI {id} created: {} in {}", e.ip, e.az),
            );
        }
    }
    // A rotation removes ENIs as a matter of course; what that breaks, the targets show.
    for (id, e) in &before {
        if !after.contains_key(id) {
            log.push(
                now,
                EventLevel::Info,
                format!("ENI {id} removed: {} in {}", e.ip, e.az),
            );
        }
    }
}

/// Targets registered, deregistered or changing health. A target that fails after its ENI
/// left is the old ENI going, noted rather than alarmed: `eni_ips` are the current ones.
pub fn diff_targets(
    log: &mut EventLog,
    old: Option<&Vec<Target>>,
    new: &[Target],
    eni_ips: Option<BTreeSet<Ipv4Addr>>,
    now: DateTime<Utc>,
) {
    let Some(old) = old else { return };
    let key = |t: &Target| (t.tg_arn.clone(), t.id.clone());
    let before: BTreeMap<_, &Target> = old.iter().map(|t| (key(t), t)).collect();
    let after: BTreeMap<_, &Target> = new.iter().map(|t| (key(t), t)).collect();
    for (k, t) in &after {
        match before.get(k) {
            None => log.push(
                now,
                EventLevel::Info,
                format!("target {} registered ({})", t.id, t.state),
            ),
            Some(prev) if !prev.state.eq_ignore_ascii_case(&t.state) => {
                let retired = eni_ips
                    .as_ref()
                    .is_some_and(|ips| t.ip().is_some_and(|ip| !ips.contains(&ip)));
                let (level, note) = if t.healthy() {
                    (EventLevel::Ok, "")
                } else if retired {
                    (EventLevel::Info, " (no longer an EKS-owned ENI IP)")
                } else if t.unhealthy() {
                    (EventLevel::Fail, "")
                } else {
                    (EventLevel::Warn, "")
                };
                log.push(
                    now,
                    level,
                    format!("target {} {} -> {}{note}", t.id, prev.state, t.state),
                );
            }
            _ => {}
        }
    }
    let gone: BTreeSet<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    for k in gone {
        log.push(
            now,
            EventLevel::Info,
            format!("target {} deregistered", k.1),
        );
    }
}

pub fn diff_dns(log: &mut EventLog, previous: Option<&DnsSample>, new: &DnsSample) {
    // The same key as the flapping rule, so each event matches one counted change.
    let describe = answer_key;
    let now_text = describe(new);
    match previous {
        None => log.push(
            new.at,
            EventLevel::Info,
            format!("DNS {} -> {now_text}", new.host),
        ),
        Some(p) if describe(p) != now_text => {
            let level = match new.outcome {
                DnsOutcome::Answers(_) => EventLevel::Warn,
                _ => EventLevel::Fail,
            };
            log.push(
                new.at,
                level,
                format!("DNS answers changed: {} -> {now_text}", describe(p)),
            )
        }
        _ => {}
    }
}

pub fn diff_probe(log: &mut EventLog, previous: Option<&ProbeSample>, new: &ProbeSample) {
    let changed = match previous {
        None => !new.ok(),
        Some(p) => p.ok() != new.ok(),
    };
    if !changed {
        return;
    }
    match &new.outcome {
        ProbeOutcome::Ok => log.push(
            new.at,
            EventLevel::Ok,
            format!("probe {} recovered", new.ip),
        ),
        ProbeOutcome::TcpFailed(r) | ProbeOutcome::TlsFailed(r) | ProbeOutcome::HttpFailed(r) => {
            log.push(
                new.at,
                EventLevel::Fail,
                format!("probe {} failed: {r}", new.ip),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Context, EventLevel, Fetched, LiveMode, Model, SourceError};
    use chrono::{TimeZone, Utc};

    #[test]
    fn a_source_logs_once_when_it_fails_and_once_when_it_recovers() {
        let t = |s: i64| Utc.timestamp_opt(1_790_000_000 + s, 0).unwrap();
        let mut m = Model::new(Context {
            cluster_name: "c".into(),
            region: None,
            source: "test".into(),
            live: LiveMode::OFF,
            api: Default::default(),
        });
        let texts = |m: &Model| m.events.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
        m.apply(Fetched::Vpcs(Ok(vec![])), t(0));
        assert!(m.events.is_empty(), "a first success is no event");
        let timeout = || Fetched::Vpcs(Err(SourceError::timeout("ec2:DescribeVpcs")));
        m.apply(timeout(), t(60));
        m.apply(timeout(), t(120));
        m.apply(
            Fetched::Subnets(Err(SourceError::blocked("ec2:DescribeVpcs"))),
            t(120),
        );
        m.apply(Fetched::Vpcs(Ok(vec![])), t(180));
        m.apply(Fetched::Vpcs(Ok(vec![])), t(240));
        assert_eq!(
            texts(&m),
            [
                "source vpcs failed: timed out; showing data from 14:13:20",
                "source vpcs recovered"
            ]
        );
        let levels: Vec<_> = m.events.iter().map(|e| e.level).collect();
        assert_eq!(levels, [EventLevel::Warn, EventLevel::Ok]);
        m.apply(
            Fetched::Enis(Err(SourceError::denied("ec2:DescribeNetworkInterfaces"))),
            t(250),
        );
        let last = m.events.iter().last().unwrap();
        assert_eq!(last.level, EventLevel::Fail);
        assert_eq!(
            last.text,
            "source enis failed: access denied (ec2:DescribeNetworkInterfaces)"
        );
    }
}
