//! `run_live`: thirty minutes of paused time with scripted sources (bounded history,
//! flapping reported once per change, no overlapping probes, waiting for a target), then a
//! short real-time run against the loopback DNS and API servers.

mod support;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::{Severity, diagnose};
use eksnet_tui::model::live::{HISTORY_CAP, HISTORY_WINDOW};
use eksnet_tui::model::stats::{all_probe_stats, dns_stats};
use eksnet_tui::model::{
    Context, DnsAnswer, DnsOutcome, DnsSample, Fetched, LiveMode, Model, ProbeOutcome, ProbeSample,
};
use eksnet_tui::sources::dns::DnsResolver;
use eksnet_tui::sources::live::{LiveTarget, run_live};
use eksnet_tui::sources::probe::TlsProber;
use eksnet_tui::sources::{ProbeRequest, Prober, Resolver};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

const HOST: &str = "abc.gr7.eu-west-1.eks.amazonaws.com";
const INTERVAL: Duration = Duration::from_secs(2);

fn start() -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000, 0).unwrap()
}

/// Two endpoint IPs; one drops out for 10 s at 5 min, the resolver times out for 10 s at
/// 20 min 50 s: four changes in all.
struct ScriptedDns {
    clock: Clock,
}

#[async_trait]
impl Resolver for ScriptedDns {
    async fn lookup(&self, host: &str) -> DnsSample {
        let at = self.clock.now();
        let t = self.clock.elapsed().as_secs();
        tokio::time::sleep(Duration::from_millis(3)).await;
        let answers = |ips: &[&str]| {
            DnsOutcome::Answers(
                ips.iter()
                    .map(|i| DnsAnswer {
                        ip: i.parse().unwrap(),
                        ttl: 60,
                    })
                    .collect(),
            )
        };
        let outcome = match t {
            300..310 => answers(&["10.0.0.1"]),
            1250..1260 => DnsOutcome::Timeout,
            _ => answers(&["10.0.0.2", "10.0.0.1"]),
        };
        DnsSample {
            pinned: None,
            at,
            host: host.into(),
            server: Some("scripted".into()),
            latency: Duration::from_millis(3),
            outcome,
        }
    }
}

/// 10.0.0.2 fails from 10:00 to 10:20; each probe takes `delay`. Records how many probes of
/// one address were in flight at once.
struct ScriptedProbe {
    clock: Clock,
    delay: Duration,
    in_flight: Mutex<BTreeMap<IpAddr, usize>>,
    max_in_flight: Mutex<usize>,
    probes: Mutex<usize>,
}

impl ScriptedProbe {
    fn new(clock: Clock, delay: Duration) -> Self {
        Self {
            clock,
            delay,
            in_flight: Mutex::default(),
            max_in_flight: Mutex::new(0),
            probes: Mutex::new(0),
        }
    }
}

#[async_trait]
impl Prober for ScriptedProbe {
    async fn probe(&self, req: &ProbeRequest) -> ProbeSample {
        assert_eq!(req.host, HOST, "only the endpoint is probed");
        {
            let mut f = self.in_flight.lock().unwrap();
            let n = f.entry(req.ip).or_default();
            *n += 1;
            let mut max = self.max_in_flight.lock().unwrap();
            *max = (*max).max(*n);
            *self.probes.lock().unwrap() += 1;
        }
        let at = self.clock.now();
        let t = self.clock.elapsed().as_secs();
        tokio::time::sleep(self.delay).await;
        *self.in_flight.lock().unwrap().get_mut(&req.ip).unwrap() -= 1;
        let failing = req.ip.to_string() == "10.0.0.2" && (600..620).contains(&t);
        ProbeSample {
            peer: None,
            at,
            ip: req.ip,
            port: req.port,
            connect: Some(Duration::from_millis(1)),
            tls: (!failing).then(|| Duration::from_millis(4)),
            first_byte: (!failing).then_some(self.delay),
            http_status: (!failing).then_some(401),
            outcome: if failing {
                ProbeOutcome::TcpFailed("connection timed out".into())
            } else {
                ProbeOutcome::Ok
            },
        }
    }
}

fn model() -> Model {
    Model::new(Context {
        cluster_name: "demo".into(),
        region: None,
        source: "test".into(),
        live: LiveMode::ALL,
        api: Default::default(),
    })
}

fn target() -> LiveTarget {
    LiveTarget {
        host: HOST.into(),
        port: 443,
        ca_data: None,
        mode: eksnet_tui::model::ProbeMode::Tls,
    }
}

fn count_events(m: &Model, prefix: &str) -> usize {
    m.events
        .iter()
        .filter(|e| e.text.starts_with(prefix))
        .count()
}

#[tokio::test(start_paused = true)]
async fn thirty_minutes_stay_bounded_and_report_each_change_once() {
    let clock = Clock::starting_at(start());
    let prober = Arc::new(ScriptedProbe::new(clock, Duration::from_millis(20)));
    let (tx, mut rx) = mpsc::channel(64);
    let (_target_tx, target_rx) = watch::channel(Some(target()));
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run_live(
        Arc::new(ScriptedDns { clock }),
        prober.clone(),
        target_rx,
        INTERVAL,
        true,
        tx,
        cancel.clone(),
    ));

    let mut m = model();
    let (mut dns_samples, mut max_retained, mut flapping_at_9_min) = (0, 0, None);
    while let Some(f) = rx.recv().await {
        if matches!(f, Fetched::Dns(_)) {
            dns_samples += 1;
        }
        m.apply(f, clock.now());
        max_retained = max_retained.max(m.live.retained());
        let elapsed = clock.elapsed();
        if flapping_at_9_min.is_none() && elapsed >= Duration::from_secs(540) {
            flapping_at_9_min = Some(
                diagnose(&m)
                    .findings
                    .into_iter()
                    .find(|f| f.id == "dns-flapping"),
            );
        }
        if elapsed >= Duration::from_secs(30 * 60) {
            cancel.cancel();
        }
    }
    task.await.unwrap();

    // One sample per interval: 900 in 30 minutes.
    assert!((895..=902).contains(&dns_samples), "{dns_samples}");
    // Bounded: one window of DNS samples and of probes per answer, whatever the run length.
    let per_ring = (HISTORY_WINDOW.as_secs() / INTERVAL.as_secs()) as usize + 1;
    assert!(
        m.live.dns.len() <= per_ring.min(HISTORY_CAP),
        "{}",
        m.live.dns.len()
    );
    assert!(max_retained <= 3 * per_ring, "{max_retained}");
    assert_eq!(m.live.probes.len(), 2);

    // Four changes, four events, not one per sample.
    assert_eq!(
        count_events(&m, "DNS answers changed"),
        4,
        "{:#?}",
        m.events.iter().collect::<Vec<_>>()
    );
    assert_eq!(count_events(&m, "probe 10.0.0.2 failed"), 1);
    assert_eq!(count_events(&m, "probe 10.0.0.2 recovered"), 1);

    // The finding counts the changes still in the window.
    let early = flapping_at_9_min.flatten().expect("flapping at 9 min");
    assert_eq!(early.severity, Severity::Warn);
    assert!(
        early.evidence.contains("changed 2 time(s)"),
        "{}",
        early.evidence
    );
    let late = diagnose(&m);
    let late = late
        .findings
        .iter()
        .find(|f| f.id == "dns-flapping")
        .expect("flapping at 30 min");
    assert!(
        late.evidence.contains("changed 2 time(s)"),
        "{}",
        late.evidence
    );
    assert_eq!(dns_stats(&m.live.dns).changes, 2);

    // Stats over the window: the 10:00 failures have aged out by 30:00.
    for s in all_probe_stats(&m.live) {
        assert_eq!(s.success_ratio, 1.0, "{s:?}");
        assert_eq!(s.latency.unwrap().p95, Duration::from_millis(20));
    }
    assert_eq!(
        *prober.max_in_flight.lock().unwrap(),
        1,
        "probes of one address overlapped"
    );
}

#[tokio::test(start_paused = true)]
async fn slow_rounds_skip_ticks_instead_of_overlapping() {
    let clock = Clock::starting_at(start());
    let prober = Arc::new(ScriptedProbe::new(clock, Duration::from_secs(3)));
    let (tx, mut rx) = mpsc::channel(64);
    let (_t, target_rx) = watch::channel(Some(target()));
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run_live(
        Arc::new(ScriptedDns { clock }),
        prober.clone(),
        target_rx,
        INTERVAL,
        true,
        tx,
        cancel.clone(),
    ));
    let mut rounds = 0;
    while let Some(f) = rx.recv().await {
        rounds += usize::from(matches!(f, Fetched::Dns(_)));
        if clock.elapsed() >= Duration::from_secs(60) {
            cancel.cancel();
        }
    }
    task.await.unwrap();
    assert_eq!(*prober.max_in_flight.lock().unwrap(), 1);
    // A 3 s round on a 2 s interval runs back to back, never two at once and never the 30
    // ticks of a minute in a burst.
    assert!((19..=21).contains(&rounds), "{rounds}");
}

#[tokio::test(start_paused = true)]
async fn waits_for_a_target_then_samples_at_once() {
    let clock = Clock::starting_at(start());
    let (tx, mut rx) = mpsc::channel(64);
    let (target_tx, target_rx) = watch::channel(None);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run_live(
        Arc::new(ScriptedDns { clock }),
        Arc::new(ScriptedProbe::new(clock, Duration::from_millis(5))),
        target_rx,
        INTERVAL,
        false,
        tx,
        cancel.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(5300)).await;
    assert!(rx.try_recv().is_err(), "nothing sampled without a target");
    target_tx.send(Some(target())).unwrap();
    let Some(Fetched::Dns(first)) = rx.recv().await else {
        panic!("expected a DNS sample")
    };
    assert_eq!(first.at, start() + chrono::Duration::milliseconds(5300));
    // DNS only: no probe follows.
    let next = rx.recv().await;
    assert!(matches!(next, Some(Fetched::Dns(_))), "{next:?}");
    drop(target_tx);
    assert!(
        matches!(rx.recv().await, Some(Fetched::Dns(_))),
        "keeps the last target"
    );
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test]
async fn real_servers_on_loopback_through_the_poller() {
    use support::dns::TestDns;
    use support::tls::{Behaviour, TestCa, TlsServer};

    let ca = TestCa::new("kubernetes");
    let api = TlsServer::start("127.0.0.1", ca.leaf(&[HOST]), Behaviour::Answer(401)).await;
    let dns = TestDns::start("eks.amazonaws.com").await;
    dns.set(HOST, &["127.0.0.1"], 5).await;

    let clock = Clock::system();
    let resolver = DnsResolver::servers(&[dns.addr], Duration::from_millis(500), clock).unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let target = LiveTarget {
        host: HOST.into(),
        port: api.addr.port(),
        ca_data: Some(ca.ca_data()),
        mode: eksnet_tui::model::ProbeMode::Tls,
    };
    let (_t, target_rx) = watch::channel(Some(target));
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run_live(
        Arc::new(resolver),
        Arc::new(TlsProber::new(clock)),
        target_rx,
        Duration::from_millis(100),
        true,
        tx,
        cancel.clone(),
    ));
    let mut m = model();
    let mut flipped = false;
    while let Some(f) = rx.recv().await {
        m.apply(f, clock.now());
        if !flipped && m.live.dns.len() >= 3 {
            // An address where nothing listens: the probe of the new answer is refused.
            dns.set(HOST, &["127.0.0.9"], 5).await;
            flipped = true;
        }
        if m.live.dns.len() >= 6 {
            cancel.cancel();
        }
    }
    task.await.unwrap();
    let ok = &m.live.probes[&"127.0.0.1".parse::<IpAddr>().unwrap()];
    assert!(ok.iter().all(|p| p.ok() && p.http_status == Some(401)));
    let refused = &m.live.probes[&"127.0.0.9".parse::<IpAddr>().unwrap()];
    assert!(
        refused
            .iter()
            .all(|p| p.outcome == ProbeOutcome::TcpFailed("connection refused".into()))
    );
    assert_eq!(count_events(&m, "DNS answers changed"), 1);
    let s = all_probe_stats(&m.live);
    eprintln!("poller on loopback: {s:?}");
}
