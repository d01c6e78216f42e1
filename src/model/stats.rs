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

/// Failures in a row that confirm a failure when successes came before them.
pub const CONFIRM_FAILURES: usize = 3;
/// How far back a judgement looks: a failure older than this no longer counts.
pub const JUDGE_WINDOW: Duration = Duration::from_secs(120);

/// How a series of pass/fail samples reads over the judgement window, so that one bad
/// sample amid good ones neither hides nor turns a hop FAIL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Every sample in the window passed.
    Steady,
    /// Some failed amid successes: `failed` of `samples` in the window.
    Flapping { failed: usize, samples: usize },
    /// The newest `streak` samples failed: at least [`CONFIRM_FAILURES`] of them, or with no
    /// success in the window.
    Failing { streak: usize, samples: usize },
}

impl Trend {
    /// Passed samples as a share of the window, 0.0 to 1.0.
    pub fn success_ratio(self) -> f64 {
        match self {
            Trend::Steady => 1.0,
            Trend::Flapping { failed, samples } => ratio(samples - failed, samples),
            Trend::Failing { streak, samples } => ratio(samples.saturating_sub(streak), samples),
        }
    }
}

/// The trend of `(time, passed)` samples, oldest first; `None` when there are none.
pub fn trend(samples: &[(DateTime<Utc>, bool)]) -> Option<Trend> {
    let &(last, _) = samples.last()?;
    let window = chrono::Duration::from_std(JUDGE_WINDOW).unwrap_or(chrono::Duration::MAX);
    let recent: Vec<bool> = samples
        .iter()
        .filter(|(at, _)| last - *at <= window)
        .map(|(_, ok)| *ok)
        .collect();
    let streak = samples.iter().rev().take_while(|(_, ok)| !ok).count();
    let failed = recent.iter().filter(|ok| !**ok).count();
    let n = recent.len();
    Some(
        if streak >= CONFIRM_FAILURES || (streak > 0 && streak >= n) {
            Trend::Failing {
                streak: streak.min(n),
                samples: n,
            }
        } else if failed > 0 {
            Trend::Flapping { failed, samples: n }
        } else {
            Trend::Steady
        },
    )
}

/// How one address's probes read over the judgement window.
pub fn probe_trend(ring: &Ring<ProbeSample>) -> Option<Trend> {
    let samples: Vec<_> = ring.iter_timed().map(|(at, p)| (at, p.ok())).collect();
    trend(&samples)
}

/// How the lookups read over the judgement window: a sample passes when it got addresses.
pub fn dns_trend(ring: &Ring<DnsSample>) -> Option<Trend> {
    let samples: Vec<_> = ring
        .iter_timed()
        .map(|(at, d)| (at, matches!(d.outcome, DnsOutcome::Answers(_))))
        .collect();
    trend(&samples)
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
            peer: None,
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

    fn series(oks: &[(i64, bool)]) -> Option<Trend> {
        let v: Vec<_> = oks.iter().map(|&(s, ok)| (t(s), ok)).collect();
        trend(&v)
    }

    #[test]
    fn one_failure_amid_successes_flaps_and_three_in_a_row_fail() {
        assert_eq!(series(&[]), None);
        assert_eq!(series(&[(0, true), (5, true)]), Some(Trend::Steady));
        let one = series(&[(0, true), (5, true), (10, true), (15, false)]).unwrap();
        assert_eq!(
            one,
            Trend::Flapping {
                failed: 1,
                samples: 4
            }
        );
        assert!((one.success_ratio() - 0.75).abs() < 1e-9);
        // The failure stays in the judgement while it is in the window, then ages out.
        let after = [(0, false), (5, true), (10, true)];
        assert!(matches!(series(&after), Some(Trend::Flapping { .. })));
        assert_eq!(
            series(&[(0, false), (5, true), (125, true), (130, true)]),
            Some(Trend::Steady)
        );
        let three = [(0, true), (5, false), (10, false), (15, false)];
        assert_eq!(
            series(&three),
            Some(Trend::Failing {
                streak: 3,
                samples: 4
            })
        );
        assert!(matches!(
            series(&three[..3]),
            Some(Trend::Flapping { failed: 2, .. })
        ));
    }

    #[test]
    fn failures_with_no_success_in_the_window_fail_at_once() {
        // A single sample, as `check` takes, is judged as it is.
        assert_eq!(
            series(&[(0, false)]),
            Some(Trend::Failing {
                streak: 1,
                samples: 1
            })
        );
        // A success that aged out of the window does not soften new failures.
        assert!(matches!(
            series(&[(0, true), (200, false)]),
            Some(Trend::Failing { streak: 1, .. })
        ));
    }

    fn dns(secs: i64, ips: &[&str]) -> DnsSample {
        DnsSample {
            pinned: None,
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
