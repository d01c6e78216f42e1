//! Live samples taken from this host: DNS answers and endpoint probes, with bounded history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsAnswer {
    pub ip: IpAddr,
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum DnsOutcome {
    Answers(Vec<DnsAnswer>),
    /// NOERROR with no A/AAAA record.
    NoAnswer,
    NxDomain,
    ServFail,
    Timeout,
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsSample {
    pub at: DateTime<Utc>,
    pub host: String,
    /// The server that answered, e.g. `169.254.169.253:53`.
    pub server: Option<String>,
    #[serde(serialize_with = "ser_ms", deserialize_with = "de_ms")]
    pub latency: Duration,
    pub outcome: DnsOutcome,
    /// The hosts-file line the answers come from, when one pins the name: it overrides DNS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<HostsPin>,
}

/// Who issued a presented certificate and to whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerCert {
    pub issuer: String,
    pub subject: String,
}

/// Where a hosts file pins a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostsPin {
    pub file: String,
    /// 1-based.
    pub line: usize,
}

impl std::fmt::Display for HostsPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} line {}", self.file, self.line)
    }
}

impl DnsSample {
    /// The answer IPs, sorted, empty for failures.
    pub fn ips(&self) -> Vec<IpAddr> {
        let mut ips: Vec<IpAddr> = match &self.outcome {
            DnsOutcome::Answers(a) => a.iter().map(|a| a.ip).collect(),
            _ => Vec::new(),
        };
        ips.sort();
        ips.dedup();
        ips
    }

    pub fn outcome_label(&self) -> String {
        match &self.outcome {
            DnsOutcome::Answers(a) => format!("{} answer(s)", a.len()),
            DnsOutcome::NoAnswer => "no answer (NOERROR, no A/AAAA)".into(),
            DnsOutcome::NxDomain => "NXDOMAIN".into(),
            DnsOutcome::ServFail => "SERVFAIL".into(),
            DnsOutcome::Timeout => "timeout".into(),
            DnsOutcome::Error(e) => format!("error: {e}"),
        }
    }
}

/// How a probe speaks to an answer after TCP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeMode {
    /// TLS verified against the API's CA, then HTTP.
    #[default]
    Tls,
    /// TLS verified against the system's trusted roots (a public certificate), then HTTP.
    TlsPublic,
    /// Plain HTTP: a listener without TLS.
    Http,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "reason", rename_all = "kebab-case")]
pub enum ProbeOutcome {
    /// The API server answered HTTP (any status).
    Ok,
    TcpFailed(String),
    TlsFailed(String),
    HttpFailed(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeSample {
    pub at: DateTime<Utc>,
    pub ip: IpAddr,
    pub port: u16,
    #[serde(serialize_with = "ser_opt_ms", deserialize_with = "de_opt_ms")]
    pub connect: Option<Duration>,
    #[serde(serialize_with = "ser_opt_ms", deserialize_with = "de_opt_ms")]
    pub tls: Option<Duration>,
    #[serde(serialize_with = "ser_opt_ms", deserialize_with = "de_opt_ms")]
    pub first_byte: Option<Duration>,
    pub http_status: Option<u16>,
    pub outcome: ProbeOutcome,
    /// The certificate presented when the cluster CA did not verify it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<PeerCert>,
}

impl ProbeSample {
    pub fn ok(&self) -> bool {
        self.outcome == ProbeOutcome::Ok
    }

    /// Time to the API server's first byte, or the last phase that finished.
    pub fn total(&self) -> Option<Duration> {
        self.first_byte.or(self.tls).or(self.connect)
    }
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// Milliseconds, as [`ser_ms`] writes them (recordings read them back).
fn de_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    from_ms(f64::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn from_ms(ms: f64) -> Result<Duration, &'static str> {
    if ms.is_finite() && ms >= 0.0 {
        Ok(Duration::from_nanos((ms * 1e6).round() as u64))
    } else {
        Err("a duration in milliseconds must be a finite number, not negative")
    }
}

fn de_opt_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    match Option::<f64>::deserialize(d)? {
        Some(ms) => from_ms(ms).map(Some).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

fn ser_opt_ms<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_ms(d, s),
        None => s.serialize_none(),
    }
}

/// Samples kept for a time window and never more than `cap`, so memory stays flat.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring<T> {
    items: VecDeque<(DateTime<Utc>, T)>,
    cap: usize,
    window: chrono::Duration,
}

impl<T> Ring<T> {
    pub fn new(cap: usize, window: Duration) -> Self {
        Self {
            items: VecDeque::with_capacity(cap.min(64)),
            cap: cap.max(1),
            window: chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX),
        }
    }

    pub fn push(&mut self, at: DateTime<Utc>, item: T) {
        if self.items.len() == self.cap {
            self.items.pop_front();
        }
        self.items.push_back((at, item));
        self.expire(at);
    }

    /// Drop what fell out of the window ending at `now`.
    pub fn expire(&mut self, now: DateTime<Utc>) {
        while let Some((t, _)) = self.items.front() {
            if now - *t > self.window {
                self.items.pop_front();
            } else {
                break;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter().map(|(_, x)| x)
    }

    pub fn latest(&self) -> Option<&T> {
        self.items.back().map(|(_, x)| x)
    }

    /// When the newest item was pushed.
    pub fn latest_at(&self) -> Option<DateTime<Utc>> {
        self.items.back().map(|(t, _)| *t)
    }

    /// Oldest first, with the time each item was pushed.
    pub fn iter_timed(&self) -> impl DoubleEndedIterator<Item = (DateTime<Utc>, &T)> {
        self.items.iter().map(|(t, x)| (*t, x))
    }
}

/// Ten minutes of history by default, as the TUI samples every two seconds.
pub const HISTORY_WINDOW: Duration = Duration::from_secs(600);
pub const HISTORY_CAP: usize = 600;
/// Addresses with a probe history: more than a resolver rotating through a large pool would
/// need, so the oldest is dropped rather than memory growing with every new answer.
pub const MAX_PROBED_ADDRESSES: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct LiveHistory {
    pub dns: Ring<DnsSample>,
    pub probes: BTreeMap<IpAddr, Ring<ProbeSample>>,
}

impl Default for LiveHistory {
    fn default() -> Self {
        Self {
            dns: Ring::new(HISTORY_CAP, HISTORY_WINDOW),
            probes: BTreeMap::new(),
        }
    }
}

impl LiveHistory {
    pub fn push_dns(&mut self, s: DnsSample) {
        let at = s.at;
        self.dns.push(at, s);
        self.expire_probes(at);
    }

    pub fn push_probe(&mut self, s: ProbeSample) {
        let at = s.at;
        if !self.probes.contains_key(&s.ip) && self.probes.len() >= MAX_PROBED_ADDRESSES {
            let oldest = self
                .probes
                .iter()
                .min_by_key(|(_, r)| r.latest_at())
                .map(|(ip, _)| *ip);
            if let Some(ip) = oldest {
                self.probes.remove(&ip);
            }
        }
        self.probes
            .entry(s.ip)
            .or_insert_with(|| Ring::new(HISTORY_CAP, HISTORY_WINDOW))
            .push(at, s);
        self.expire_probes(at);
    }

    /// Answers that stopped coming back age out entirely.
    fn expire_probes(&mut self, now: DateTime<Utc>) {
        for ring in self.probes.values_mut() {
            ring.expire(now);
        }
        self.probes.retain(|_, r| !r.is_empty());
    }

    /// Drop what fell out of the window, e.g. on a UI tick while sampling is paused.
    pub fn expire(&mut self, now: DateTime<Utc>) {
        self.dns.expire(now);
        self.expire_probes(now);
    }

    /// Samples held in all rings: stays under a fixed bound however long the tool runs.
    pub fn retained(&self) -> usize {
        self.dns.len() + self.probes.values().map(Ring::len).sum::<usize>()
    }

    /// The newest probe of each address that the latest DNS sample returned.
    pub fn current_probes(&self) -> Vec<&ProbeSample> {
        self.dns
            .latest()
            .map(|d| self.probes_of(d))
            .unwrap_or_default()
    }

    /// The newest probe of each address that `sample` returned.
    pub fn probes_of(&self, sample: &DnsSample) -> Vec<&ProbeSample> {
        sample
            .ips()
            .iter()
            .filter_map(|ip| self.probes.get(ip).and_then(|r| r.latest()))
            .collect()
    }

    /// The newest lookup that returned addresses.
    pub fn last_answered(&self) -> Option<&DnsSample> {
        self.dns.iter().rev().find(|d| !d.ips().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ring_is_bounded_by_count_and_window() {
        let t0 = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let mut r = Ring::new(5, Duration::from_secs(10));
        for i in 0..8 {
            r.push(t0 + chrono::Duration::seconds(i), i);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![3, 4, 5, 6, 7]);
        r.push(t0 + chrono::Duration::seconds(16), 99);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![6, 7, 99]);
        assert_eq!(r.latest(), Some(&99));
    }

    fn probe_at(ip: IpAddr, at: DateTime<Utc>) -> ProbeSample {
        ProbeSample {
            peer: None,
            at,
            ip,
            port: 443,
            connect: None,
            tls: None,
            first_byte: None,
            http_status: None,
            outcome: ProbeOutcome::TcpFailed("connection refused".into()),
        }
    }

    #[test]
    fn probe_history_stays_bounded_when_answers_keep_changing() {
        let t0 = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let mut h = LiveHistory::default();
        // A new address every second, for longer than the window: a resolver rotating
        // through a pool must not grow memory.
        for i in 0..2000u32 {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            h.push_probe(probe_at(ip, t0 + chrono::Duration::seconds(i64::from(i))));
            assert!(h.probes.len() <= MAX_PROBED_ADDRESSES);
        }
        let newest = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + 1999));
        assert!(
            h.probes.contains_key(&newest),
            "the oldest address goes first"
        );
        assert!(h.retained() <= MAX_PROBED_ADDRESSES);
    }

    #[test]
    fn probes_of_answers_gone_for_a_window_age_out_on_dns_samples() {
        let t0 = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let mut h = LiveHistory::default();
        h.push_probe(probe_at("10.0.0.1".parse().unwrap(), t0));
        let later =
            t0 + chrono::Duration::from_std(HISTORY_WINDOW).unwrap() + chrono::Duration::seconds(1);
        h.push_dns(DnsSample {
            pinned: None,
            at: later,
            host: "h".into(),
            server: None,
            latency: Duration::ZERO,
            outcome: DnsOutcome::NxDomain,
        });
        assert!(h.probes.is_empty());
        assert_eq!(h.retained(), 1);
    }
}
