//! What `serve` exports, in OpenMetrics text through `prometheus-client`. Counters and
//! histograms live for the process; the state of each cluster (verdict, hops, findings,
//! sources) is its latest refresh, written into a fresh registry at each scrape, so a
//! finding that cleared leaves no stale series behind.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::{Diagnosis, HopStatus};
use crate::model::{DnsOutcome, LoadState, Model};
use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

const STATUSES: [HopStatus; 5] = [
    HopStatus::Ok,
    HopStatus::Warn,
    HopStatus::Unknown,
    HopStatus::Fail,
    HopStatus::Skipped,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClusterLabel {
    cluster: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    cluster: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HopLabels {
    cluster: String,
    hop: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FindingLabels {
    cluster: String,
    id: String,
    severity: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    cluster: String,
    source: String,
    error: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabels {
    cluster: String,
    phase: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabels {
    cluster: String,
    class: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    cluster: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    cluster: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    cluster: String,
    action: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    cluster: String,
    result: String,
}

/// The latest refresh of one cluster.
#[derive(Debug, Clone, Default)]
struct Latest {
    /// `None` while the first refresh runs, or when the last one could not run at all.
    judged: Option<Judged>,
    error: Option<String>,
    last_success: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
struct Judged {
    route: String,
    verdict: HopStatus,
    hops: Vec<(String, HopStatus)>,
    findings: BTreeMap<(String, String), i64>,
    sources: Vec<(String, Option<String>)>,
}

type HistogramFamily = Family<PhaseLabels, Histogram, fn() -> Histogram>;

fn probe_histogram() -> Histogram {
    // 1 ms to about 8 s.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.001, 2.0, 14,
    ))
}

/// Everything `/metrics` says, shared by the pollers and the HTTP server.
pub struct Metrics {
    latest: Mutex<BTreeMap<String, Latest>>,
    probe_seconds: HistogramFamily,
    dns_answers: Family<ClassLabels, Counter>,
    dns_lookups: Family<OutcomeLabels, Counter>,
    refreshes: Family<ResultLabels, Counter>,
    api_calls: Family<ActionLabels, Counter>,
}

impl Metrics {
    /// Every cluster is listed from the start, UNKNOWN until its first refresh.
    pub fn new(clusters: &[String]) -> Self {
        Self {
            latest: Mutex::new(
                clusters
                    .iter()
                    .map(|c| (c.clone(), Latest::default()))
                    .collect(),
            ),
            probe_seconds: Family::new_with_constructor(probe_histogram as fn() -> Histogram),
            dns_answers: Family::default(),
            dns_lookups: Family::default(),
            refreshes: Family::default(),
            api_calls: Family::default(),
        }
    }

    /// Successful refreshes of `cluster` so far.
    pub fn refreshes(&self, cluster: &str) -> u64 {
        self.refreshes
            .get_or_create(&ResultLabels {
                cluster: cluster.to_string(),
                result: "ok".into(),
            })
            .get()
    }

    /// The longest any cluster has gone since its last successful refresh, at `now`.
    pub fn oldest_refresh(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest
            .values()
            .filter_map(|l| l.last_success)
            .map(|t| now - t)
            .max()
    }

    /// `cluster`'s client has made `calls` so far, by action.
    pub fn calls(&self, cluster: &str, calls: &BTreeMap<String, u64>) {
        for (action, n) in calls {
            let c = self.api_calls.get_or_create(&ActionLabels {
                cluster: cluster.to_string(),
                action: action.clone(),
            });
            c.inc_by(n.saturating_sub(c.get()));
        }
    }

    /// A refresh of `cluster` that collected and judged `m`.
    pub fn judged(&self, cluster: &str, m: &Model, d: &Diagnosis) {
        let label = |s: &str| s.to_string();
        for s in m.live.dns.iter() {
            let outcome = match &s.outcome {
                DnsOutcome::Answers(_) => "answers",
                DnsOutcome::NoAnswer => "no-answer",
                DnsOutcome::NxDomain => "nxdomain",
                DnsOutcome::ServFail => "servfail",
                DnsOutcome::Timeout => "timeout",
                DnsOutcome::Error(_) => "error",
            };
            self.dns_lookups
                .get_or_create(&OutcomeLabels {
                    cluster: label(cluster),
                    outcome: outcome.into(),
                })
                .inc();
            for ip in s.ips() {
                let class = d.answers.get(&ip).map_or("unplaced", class_name);
                self.dns_answers
                    .get_or_create(&ClassLabels {
                        cluster: label(cluster),
                        class: class.into(),
                    })
                    .inc();
            }
        }
        for p in m.live.probes.values().flat_map(|r| r.iter()) {
            for (phase, took) in [
                ("connect", p.connect),
                ("tls", p.tls),
                ("first_byte", p.first_byte),
            ] {
                if let Some(t) = took {
                    self.probe_seconds
                        .get_or_create(&PhaseLabels {
                            cluster: label(cluster),
                            phase: phase.into(),
                        })
                        .observe(t.as_secs_f64());
                }
            }
        }
        self.count(cluster, "ok");
        let mut findings = BTreeMap::new();
        for f in &d.findings {
            *findings
                .entry((f.id.to_string(), f.severity.label().to_string()))
                .or_insert(0) += 1;
        }
        let judged = Judged {
            route: d.route.label().to_string(),
            verdict: d.verdict,
            hops: d
                .hops
                .iter()
                .map(|h| (h.name.as_str().to_string(), h.status))
                .collect(),
            findings,
            sources: m
                .sources()
                .into_iter()
                .map(|s| {
                    let up = matches!(s.state, LoadState::Loaded);
                    (
                        s.name.to_string(),
                        (!up).then(|| {
                            s.error
                                .map_or_else(|| s.state.as_str().to_string(), |e| e.label())
                        }),
                    )
                })
                .collect(),
        };
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let entry = latest.entry(cluster.to_string()).or_default();
        entry.judged = Some(judged);
        entry.error = None;
        entry.last_success = Some(Utc::now());
    }

    /// A refresh of `cluster` that could not run (no AWS answer at all, say): the state
    /// read before stays, and `eksnet_up` says it is not current.
    pub fn failed(&self, cluster: &str, why: &str) {
        self.count(cluster, "error");
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest.entry(cluster.to_string()).or_default().error = Some(why.to_string());
    }

    fn count(&self, cluster: &str, result: &str) {
        self.refreshes
            .get_or_create(&ResultLabels {
                cluster: cluster.to_string(),
                result: result.into(),
            })
            .inc();
    }

    /// The OpenMetrics text of every metric, as of now.
    pub fn encode(&self, now: DateTime<Utc>) -> String {
        let mut r = Registry::default();
        let up = Family::<ClusterLabel, Gauge>::default();
        let verdict = Family::<StatusLabels, Gauge>::default();
        let hop = Family::<HopLabels, Gauge>::default();
        let finding = Family::<FindingLabels, Gauge>::default();
        let source = Family::<SourceLabels, Gauge>::default();
        let age = Family::<ClusterLabel, Gauge<f64, AtomicU64>>::default();
        let route = Family::<RouteLabels, Gauge>::default();
        {
            let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
            for (cluster, l) in latest.iter() {
                let c = || cluster.clone();
                up.get_or_create(&ClusterLabel { cluster: c() })
                    .set(i64::from(l.error.is_none() && l.judged.is_some()));
                if let Some(t) = l.last_success {
                    age.get_or_create(&ClusterLabel { cluster: c() })
                        .set((now - t).num_milliseconds().max(0) as f64 / 1000.0);
                }
                let current = l.judged.as_ref().map_or(HopStatus::Unknown, |j| j.verdict);
                for s in STATUSES {
                    verdict
                        .get_or_create(&StatusLabels {
                            cluster: c(),
                            status: s.label().into(),
                        })
                        .set(i64::from(s == current));
                }
                let Some(j) = &l.judged else {
                    continue;
                };
                route
                    .get_or_create(&RouteLabels {
                        cluster: c(),
                        route: j.route.clone(),
                    })
                    .set(1);
                for (name, status) in &j.hops {
                    for s in STATUSES {
                        hop.get_or_create(&HopLabels {
                            cluster: c(),
                            hop: name.clone(),
                            status: s.label().into(),
                        })
                        .set(i64::from(s == *status));
                    }
                }
                for ((id, severity), n) in &j.findings {
                    finding
                        .get_or_create(&FindingLabels {
                            cluster: c(),
                            id: id.clone(),
                            severity: severity.clone(),
                        })
                        .set(*n);
                }
                for (name, error) in &j.sources {
                    source
                        .get_or_create(&SourceLabels {
                            cluster: c(),
                            source: name.clone(),
                            error: error.clone().unwrap_or_default(),
                        })
                        .set(i64::from(error.is_none()));
                }
            }
        }
        let p = "eksnet";
        r.register(
            format!("{p}_up"),
            "1 when the cluster's last refresh ran; 0 while it cannot, or before the first",
            up,
        );
        r.register(
            format!("{p}_verdict"),
            "The path verdict from this host, one series per status, 1 for the current one",
            verdict,
        );
        r.register(
            format!("{p}_hop_status"),
            "Each hop's status, one series per status, 1 for the current one",
            hop,
        );
        r.register(
            format!("{p}_route"),
            "The route this host's traffic takes (privatelink, direct, public, nlb, lattice, unresolved)",
            route,
        );
        r.register(
            format!("{p}_findings"),
            "Findings of the last refresh, by id and severity",
            finding,
        );
        r.register(
            format!("{p}_source_up"),
            "1 when a source was read; 0 with its error kind",
            source,
        );
        r.register_with_unit(
            format!("{p}_refresh_age"),
            "Time since the cluster's last successful refresh",
            prometheus_client::registry::Unit::Seconds,
            age,
        );
        r.register(
            format!("{p}_refreshes"),
            "Refreshes by result (ok, error)",
            self.refreshes.clone(),
        );
        r.register_with_unit(
            format!("{p}_probe_duration"),
            "Probe time per phase (connect, tls, first_byte)",
            prometheus_client::registry::Unit::Seconds,
            self.probe_seconds.clone(),
        );
        r.register(
            format!("{p}_dns_answers"),
            "Addresses in DNS answers, by what they point at",
            self.dns_answers.clone(),
        );
        r.register(
            format!("{p}_dns_lookups"),
            "DNS lookups of the endpoint name, by outcome",
            self.dns_lookups.clone(),
        );
        r.register(
            format!("{p}_api_calls"),
            "AWS API calls made for the cluster, by IAM action",
            self.api_calls.clone(),
        );
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        out
    }
}

/// A stable, lower-case name for what an answered address points at.
fn class_name(c: &AnswerClass) -> &'static str {
    match c {
        AnswerClass::InterfaceEndpoint(_) => "interface-endpoint",
        AnswerClass::EksEni(_) => "eks-eni",
        AnswerClass::Nlb(_) => "nlb",
        AnswerClass::Lattice => "lattice",
        AnswerClass::LatticeEndpoint(_) => "lattice-endpoint",
        AnswerClass::OtherPrivate => "other-private",
        AnswerClass::Public => "public",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnose;
    use crate::sources::demo::{DemoEnv, Scenario};

    fn line<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
        text.lines().find(|l| l.starts_with(prefix))
    }

    #[test]
    fn a_cleared_finding_leaves_no_series_and_a_failed_refresh_is_not_up() {
        let metrics = Metrics::new(&["a".to_string(), "b".to_string()]);
        let now = Utc::now();
        // Before any refresh: listed, not up, verdict unknown.
        let text = metrics.encode(now);
        assert_eq!(
            line(&text, "eksnet_up{cluster=\"b\"}"),
            Some("eksnet_up{cluster=\"b\"} 0")
        );
        assert!(text.contains("eksnet_verdict{cluster=\"b\",status=\"unknown\"} 1"));
        let broken = DemoEnv::model_at_start(Scenario::StaleTarget);
        metrics.judged("a", &broken, &diagnose(&broken));
        let text = metrics.encode(now);
        assert!(line(&text, "eksnet_findings{cluster=\"a\",id=\"target-stale\"").is_some());
        let fixed = DemoEnv::model_at_start(Scenario::Healthy);
        metrics.judged("a", &fixed, &diagnose(&fixed));
        let text = metrics.encode(now);
        assert!(line(&text, "eksnet_findings{cluster=\"a\",id=\"target-stale\"").is_none());
        assert!(text.contains("eksnet_verdict{cluster=\"a\",status=\"ok\"} 1"));
        // Counters add up over refreshes.
        assert!(text.contains("eksnet_refreshes_total{cluster=\"a\",result=\"ok\"} 2"));
        metrics.failed("a", "cannot reach AWS");
        let text = metrics.encode(now);
        assert!(text.contains("eksnet_up{cluster=\"a\"} 0"));
        // What was last read still stands, with its age.
        assert!(text.contains("eksnet_verdict{cluster=\"a\",status=\"ok\"} 1"));
        assert!(line(&text, "eksnet_refresh_age_seconds{cluster=\"a\"}").is_some());
        assert!(text.contains("eksnet_refreshes_total{cluster=\"a\",result=\"error\"} 1"));
    }
}
