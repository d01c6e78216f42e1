//! Figures over the live history window: success ratio, latency percentiles and answer
//! changes. Pure functions of the rings, so the TUI, reports and rules agree.

use super::live::{DnsOutcome, DnsSample, LiveHistory, ProbeSample, Ring};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Percentiles {
    #[serde(serialize_with = "ser_ms")]
    pub p50: Duration,
    #[serde(serialize_with = "ser_ms")]
    pub p95: Duration,
}

/// One answer's probes over the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeStats {
    pub ip: IpAddr,
    pub samples: usize,
    pub ok: usize,
    /// `ok / samples`, 0.0 to 1.0.
    pub success_ratio: f64,
    /// Time to the API server's first byte, over successful probes only: a failure's time
    /// says how long it took to give up, not how fast the path is.
    pub latency: Option<Percentiles>,
}

/// DNS over the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsStats {
    pub samples: usize,
    /// Samples that returned addresses.
    pub answered: usize,
    pub success_ratio: f64,
    /// Over every sample that got a reply from a server (a timeout measures the timeout).
    pub latency: Option<Percentiles>,
    /// Times the answer set (or the failure kind) changed between consecutive samples.
    pub changes: usize,
}

/// One change of what the name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerChange {
    pub at: DateTime<Utc>,
    pub from: String,
    pub to: String,
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// Nearest-rank percentile (`p` in 0..=100) of already sorted values.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn percentiles(mut values: Vec<Duration>) -> Option<Percentiles> {
    values.sort();
    Some(Percentiles {
        p50: percentile(&values, 50.0)?,
        p95: percentile(&values, 95.0)?,
    })
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// `None` for an empty ring.
pub fn probe_stats(ring: &Ring<ProbeSample>) -> Option<ProbeStats> {
    let ip = ring.latest()?.ip;
    let samples = ring.len();
    let ok: Vec<&ProbeSample> = ring.iter().filter(|p| p.ok()).collect();
    Some(ProbeStats {
        ip,
        samples,
        ok: ok.len(),
        success_ratio: ratio(ok.len(), samples),
        latency: percentiles(ok.iter().filter_map(|p| p.total()).collect()),
    })
}

/// Every address with probes in the window, in address order.
pub fn all_probe_stats(h: &LiveHistory) -> Vec<ProbeStats> {
    h.probes.values().filter_map(probe_stats).collect()
}

/// What a sample says, for comparing consecutive samples: the sorted addresses, or the
/// failure kind. TTLs and answer order do not count as a change.
pub fn answer_key(s: &DnsSample) -> String {
    match &s.outcome {
        DnsOutcome::Answers(_) => s
            .ips()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => s.outcome_label(),
    }
}

/// Each change between consecutive samples in the window, oldest first.
pub fn answer_changes(ring: &Ring<DnsSample>) -> Vec<AnswerChange> {
    let samples: Vec<&DnsSample> = ring.iter().collect();
    samples
        .windows(2)
        .filter_map(|w| {
            let (from, to) = (answer_key(w[0]), answer_key(w[1]));
            (from != to).then(|| AnswerChange {
                at: w[1].at,
                from,
                to,
            })
        })
        .collect()
}

pub fn dns_stats(ring: &Ring<DnsSample>) -> DnsStats {
    let samples = ring.len();
    let answered = ring
        .iter()
        .filter(|s| matches!(s.outcome, DnsOutcome::Answers(_)))
        .count();
    let replied = ring
        .iter()
        .filter(|s| !matches!(s.outcome, DnsOutcome::Timeout))
        .map(|s| s.latency)
        .collect();
    DnsStats {
        samples,
        answered,
        success_ratio: ratio(answered, samples),
        latency: percentiles(replied),
        changes: answer_changes(ring).len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::live::{DnsAnswer, ProbeOutcome};
    use chrono::TimeZone;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
    }

    fn probe(secs: i64, total_ms: u64, ok: bool) -> ProbeSample {
        ProbeSample {
            at: t(secs),
            ip: "10.0.0.1".parse().unwrap(),
            port: 443,
            connect: Some(ms(1)),
            tls: Some(ms(total_ms / 2)),
            first_byte: ok.then(|| ms(total_ms)),
            http_status: ok.then_some(401),
            outcome: if ok {
                ProbeOutcome::Ok
            } else {
                ProbeOutcome::HttpFailed("no response".into())
            },
        }
    }

    fn dns(secs: i64, ips: &[&str]) -> DnsSample {
        DnsSample {
            at: t(secs),
            host: "h".into(),
            server: None,
            latency: ms(secs as u64 + 1),
            outcome: if ips.is_empty() {
                DnsOutcome::Timeout
            } else {
                DnsOutcome::Answers(
                    ips.iter()
                        .map(|i| DnsAnswer {
                            ip: i.parse().unwrap(),
                            ttl: secs as u32,
                        })
                        .collect(),
                )
            },
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&v, 50.0), Some(ms(50)));
        assert_eq!(percentile(&v, 95.0), Some(ms(95)));
        assert_eq!(percentile(&v, 0.0), Some(ms(1)));
        assert_eq!(percentile(&[ms(7)], 95.0), Some(ms(7)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn probe_ratio_and_latency_over_successes_only() {
        let mut r = Ring::new(100, Duration::from_secs(600));
        for i in 0..20 {
            let p = probe(i, 10 + i as u64, i % 4 != 0);
            r.push(p.at, p);
        }
        let s = probe_stats(&r).unwrap();
        assert_eq!((s.samples, s.ok), (20, 15));
        assert!((s.success_ratio - 0.75).abs() < 1e-9);
        let l = s.latency.unwrap();
        assert!(
            l.p50 >= ms(11) && l.p95 <= ms(29) && l.p50 <= l.p95,
            "{l:?}"
        );
        assert!(probe_stats(&Ring::new(3, Duration::from_secs(1))).is_none());
    }

    #[test]
    fn dns_changes_ignore_order_and_ttl() {
        let mut r = Ring::new(100, Duration::from_secs(600));
        for s in [
            dns(1, &["10.0.0.1", "10.0.0.2"]),
            dns(2, &["10.0.0.2", "10.0.0.1"]),
            dns(3, &["10.0.0.1"]),
            dns(4, &[]),
            dns(5, &["10.0.0.1"]),
        ] {
            r.push(s.at, s);
        }
        let changes = answer_changes(&r);
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0].from, "10.0.0.1, 10.0.0.2");
        assert_eq!(changes[1].to, "timeout");
        let s = dns_stats(&r);
        assert_eq!((s.samples, s.answered, s.changes), (5, 4, 3));
        assert_eq!(s.latency.unwrap().p95, ms(6), "timeouts do not count");
    }
}
