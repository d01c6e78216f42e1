//! A VPC Lattice service with the real resolver and prober: the demo's Gateway API account
//! with its listener moved to a loopback port, a DNS server on loopback that answers the
//! custom domain, and the service itself a plain HTTP or a TLS listener on loopback.
//! Loopback is not Lattice's link-local range, so the DNS hop names that, while the probes
//! judge the listener as it answers. Probes go only to the address the DNS server gives.

mod support;

use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::{Diagnosis, HopName, HopStatus, Route, diagnose};
use eksnet_tui::model::lattice::LatticeApi;
use eksnet_tui::model::{Api, LiveMode, Model, ProbeOutcome};
use eksnet_tui::sources::collect::{Settings, collect_once};
use eksnet_tui::sources::demo::{DemoEnv, Rewire, Scenario};
use eksnet_tui::sources::dns::DnsResolver;
use eksnet_tui::sources::probe::TlsProber;
use std::time::Duration;
use support::dns::TestDns;
use support::tls::{Behaviour, HttpServer, TestCa, TlsServer};

const DOMAIN: &str = "checkout.apps.internal";
const ADDR: &str = "127.0.0.5";

async fn collect(protocol: &str, port: u16, ca: Option<&TestCa>) -> Model {
    let dns = TestDns::start("apps.internal").await;
    dns.set(DOMAIN, &[ADDR], 60).await;
    let api = DemoEnv::new(Scenario::LatticeHealthy, Clock::system()).rewired(Rewire {
        lattice_listener: Some((protocol.into(), port)),
        ..Rewire::default()
    });
    let resolver =
        DnsResolver::servers(&[dns.addr], Duration::from_millis(500), Clock::system()).unwrap();
    let mut lattice = LatticeApi::new("checkout-default");
    lattice.ca_data = ca.map(TestCa::ca_data);
    let settings = Settings {
        api: Api::Lattice(lattice),
        live: LiveMode::ALL,
        samples: 2,
        gap: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
        ..Settings::default()
    };
    let clock = Clock::system();
    let prober = TlsProber::new(clock).with_path("/");
    collect_once(&api, &resolver, &prober, &settings, &clock, "test", None)
        .await
        .expect("collect")
}

fn hop(d: &Diagnosis, name: HopName) -> HopStatus {
    d.hops.iter().find(|h| h.name == name).unwrap().status
}

#[tokio::test]
async fn a_plain_http_listener_is_probed_without_tls() {
    let server = HttpServer::start(ADDR, 200).await;
    let m = collect("HTTP", server.addr.port(), None).await;
    let d = diagnose(&m);
    assert_eq!(d.route, Route::Lattice);
    let probes = m.live.current_probes();
    assert_eq!(probes.len(), 1);
    let p = probes[0];
    assert_eq!(p.outcome, ProbeOutcome::Ok, "{p:?}");
    assert_eq!((p.http_status, p.tls), (Some(200), None));
    assert_eq!(hop(&d, HopName::Targets), HopStatus::Ok, "{:#?}", d.hops);
    // The answer is loopback, not Lattice's: the name does not lead through Lattice.
    let f = d
        .findings
        .iter()
        .find(|f| f.id == "lattice-dns-not-link-local")
        .expect("named");
    assert!(f.evidence.contains(ADDR), "{}", f.evidence);
    assert_eq!(hop(&d, HopName::Dns), HopStatus::Fail);
}

#[tokio::test]
async fn an_https_listener_is_verified_against_the_given_ca() {
    let ca = TestCa::new("checkout CA");
    let server = TlsServer::start(ADDR, ca.leaf(&[DOMAIN]), Behaviour::Answer(200)).await;
    let m = collect("HTTPS", server.addr.port(), Some(&ca)).await;
    let p = m.live.current_probes()[0].clone();
    assert_eq!(p.outcome, ProbeOutcome::Ok, "{p:?}");
    assert!(p.tls.is_some());
    assert_eq!(
        hop(&diagnose(&m), HopName::Targets),
        HopStatus::Ok,
        "{:#?}",
        diagnose(&m).findings
    );
}

#[tokio::test]
async fn without_a_ca_the_system_roots_refuse_a_private_certificate() {
    let ca = TestCa::new("private CA");
    let server = TlsServer::start(ADDR, ca.leaf(&[DOMAIN]), Behaviour::Answer(200)).await;
    let m = collect("HTTPS", server.addr.port(), None).await;
    let p = m.live.current_probes()[0].clone();
    assert!(matches!(p.outcome, ProbeOutcome::TlsFailed(_)), "{p:?}");
    let d = diagnose(&m);
    assert_eq!(hop(&d, HopName::Targets), HopStatus::Fail);
    // Whose certificate it was, or, on a host without any trusted root, that there is none.
    let named = d.findings.iter().any(|f| {
        (f.id == "tls-intercepted" && f.evidence.contains("private CA"))
            || f.evidence.contains("no trusted root certificates")
    });
    assert!(named, "{:#?}", d.findings);
}
