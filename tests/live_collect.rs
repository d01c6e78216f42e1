//! `collect_once` and the diagnosis with the real resolver and prober: the demo account
//! rewired so its interface endpoint is on 127.0.0.2 and 127.0.0.3, a DNS server and an API
//! server on loopback. Probes stay off whenever an answer is not a loopback address.

mod support;

use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::{Diagnosis, HopName, HopStatus, Route, Severity, diagnose};
use eksnet_tui::model::{LiveMode, Model, ProbeOutcome};
use eksnet_tui::sources::Resolver;
use eksnet_tui::sources::collect::{Settings, collect_once};
use eksnet_tui::sources::demo::{DemoEnv, Rewire, Scenario};
use eksnet_tui::sources::dns::DnsResolver;
use eksnet_tui::sources::probe::TlsProber;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use support::dns::{Misbehave, TestDns};
use support::tls::{Behaviour, TestCa, TlsServer};

fn endpoint_host() -> String {
    let h = eksnet_tui::sources::demo::ENDPOINT.trim_start_matches("https://");
    h.to_ascii_lowercase()
}

/// The demo account with its interface endpoint on 127.0.0.2 and 127.0.0.3 and the test CA
/// as the cluster's.
fn api(ca: &TestCa, public_access: Option<bool>) -> DemoEnv {
    DemoEnv::new(Scenario::Healthy, Clock::system()).rewired(Rewire {
        endpoint_ips: Some(vec![
            Ipv4Addr::new(127, 0, 0, 2),
            Ipv4Addr::new(127, 0, 0, 3),
        ]),
        ca_data: Some(ca.ca_data()),
        public_access,
        ..Rewire::default()
    })
}

/// The same API server on 127.0.0.2 and 127.0.0.3 at one port.
async fn api_servers(ca: &TestCa) -> (TlsServer, TlsServer) {
    let host = endpoint_host();
    for _ in 0..20 {
        let a = TlsServer::start("127.0.0.2", ca.leaf(&[&host]), Behaviour::Answer(401)).await;
        let second = SocketAddr::new("127.0.0.3".parse().unwrap(), a.addr.port());
        if let Some(b) =
            TlsServer::start_at(second, ca.leaf(&[&host]), Behaviour::Answer(401)).await
        {
            return (a, b);
        }
    }
    panic!("no port free on both 127.0.0.2 and 127.0.0.3");
}

async fn collect(api: &DemoEnv, resolver: &dyn Resolver, port: u16, probe: bool) -> Model {
    let settings = Settings {
        live: LiveMode { dns: true, probe },
        samples: 2,
        gap: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
        port: Some(port),
        ..Settings::default()
    };
    let clock = Clock::system();
    let prober = TlsProber::new(clock);
    collect_once(api, resolver, &prober, &settings, &clock, "test", None)
        .await
        .expect("collect")
}

fn hop(d: &Diagnosis, name: HopName) -> HopStatus {
    d.hops
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.status)
        .unwrap_or_else(|| panic!("no hop {name:?} in {:?}", d.hops))
}

fn has(d: &Diagnosis, id: &str, sev: Severity) -> bool {
    d.findings.iter().any(|f| f.id == id && f.severity == sev)
}

fn resolver(dns: &TestDns) -> DnsResolver {
    DnsResolver::servers(&[dns.addr], Duration::from_millis(500), Clock::system()).unwrap()
}

#[tokio::test]
async fn interface_endpoint_answers_give_dns_ok_the_privatelink_route_and_live_probes() {
    let ca = TestCa::new("kubernetes");
    let (a, _b) = api_servers(&ca).await;
    let dns = TestDns::start("eks.amazonaws.com").await;
    dns.set(&endpoint_host(), &["127.0.0.2", "127.0.0.3"], 60)
        .await;

    let m = collect(&api(&ca, None), &resolver(&dns), a.addr.port(), true).await;
    let d = diagnose(&m);
    assert_eq!(d.route, Route::Privatelink, "{}", d.route_basis);
    assert_eq!(hop(&d, HopName::Dns), HopStatus::Ok, "{:#?}", d.findings);
    assert_eq!(
        hop(&d, HopName::ApiServer),
        HopStatus::Ok,
        "{:#?}",
        d.findings
    );
    assert!(
        !d.findings
            .iter()
            .any(|f| f.id.starts_with("dns-") || f.id.starts_with("probe-")),
        "{:#?}",
        d.findings
    );
    let probes = m.live.current_probes();
    assert_eq!(probes.len(), 2);
    for p in probes {
        assert_eq!(p.outcome, ProbeOutcome::Ok);
        assert_eq!(p.http_status, Some(401));
        assert!(p.first_byte.is_some());
    }
    assert_eq!(m.live.dns.len(), 2, "two samples taken");
}

/// A dual-stack endpoint under the newer name form: the name answers AAAA and A, both
/// are placed as the interface endpoint's, and both are probed (IPv6 on ::1).
#[tokio::test]
async fn an_api_aws_name_answering_aaaa_is_placed_and_probed() {
    let host = "b7e9a2f4c1d3086e5a4f9c2b1d7e3a60.eks-cluster.eu-west-1.api.aws";
    let ca = TestCa::new("kubernetes");
    let v6 = TlsServer::start("::1", ca.leaf(&[host]), Behaviour::Answer(401)).await;
    let Some(_v4) = TlsServer::start_at(
        SocketAddr::new("127.0.0.2".parse().unwrap(), v6.addr.port()),
        ca.leaf(&[host]),
        Behaviour::Answer(401),
    )
    .await
    else {
        panic!("port {} taken on 127.0.0.2", v6.addr.port());
    };
    let dns = TestDns::start("api.aws").await;
    dns.set(host, &["::1", "127.0.0.2"], 60).await;
    let api = DemoEnv::new(Scenario::Healthy, Clock::system()).rewired(Rewire {
        endpoint_ips: Some(vec![Ipv4Addr::new(127, 0, 0, 2)]),
        endpoint_ipv6: Some(vec![std::net::Ipv6Addr::LOCALHOST]),
        ca_data: Some(ca.ca_data()),
        endpoint: Some(format!("https://{}", host.to_uppercase())),
        ..Rewire::default()
    });
    let m = collect(&api, &resolver(&dns), v6.addr.port(), true).await;
    let d = diagnose(&m);
    assert_eq!(d.route, Route::Privatelink, "{}", d.route_basis);
    assert_eq!(hop(&d, HopName::Dns), HopStatus::Ok, "{:#?}", d.findings);
    assert_eq!(
        hop(&d, HopName::ApiServer),
        HopStatus::Ok,
        "{:#?}",
        d.findings
    );
    assert!(
        d.answers
            .values()
            .all(|c| matches!(c, eksnet_tui::diagnose::AnswerClass::InterfaceEndpoint(_))),
        "{:?}",
        d.answers
    );
    let probes = m.live.current_probes();
    assert_eq!(probes.len(), 2);
    assert!(
        probes
            .iter()
            .any(|p| p.ip.is_ipv6() && p.outcome == ProbeOutcome::Ok)
    );
    assert!(probes.iter().all(|p| p.http_status == Some(401)));
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_named_as_interception() {
    let ca = TestCa::new("kubernetes");
    let impostor = TestCa::new("Corp Proxy CA");
    let (a, _b) = api_servers(&impostor).await;
    let dns = TestDns::start("eks.amazonaws.com").await;
    dns.set(&endpoint_host(), &["127.0.0.2", "127.0.0.3"], 60)
        .await;

    let m = collect(&api(&ca, None), &resolver(&dns), a.addr.port(), true).await;
    let d = diagnose(&m);
    assert_eq!(hop(&d, HopName::Dns), HopStatus::Ok);
    assert_eq!(hop(&d, HopName::ApiServer), HopStatus::Fail);
    // Who presented the certificate is named, so an intercepting proxy is recognisable.
    let f = d
        .findings
        .iter()
        .find(|f| f.id == "tls-intercepted")
        .unwrap_or_else(|| panic!("{:#?}", d.findings));
    assert_eq!(f.severity, Severity::Fail);
    assert!(
        f.evidence.contains("issued by CN=Corp Proxy CA"),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence.contains("to CN=kube-apiserver"),
        "{}",
        f.evidence
    );
    assert!(
        f.fix.contains("openssl s_client -connect 127.0.0."),
        "{}",
        f.fix
    );
    assert!(!has(&d, "probe-tls-failed", Severity::Fail));
    let p = m
        .live
        .probes
        .values()
        .flat_map(|s| s.iter())
        .next()
        .unwrap();
    assert_eq!(p.peer.as_ref().unwrap().issuer, "CN=Corp Proxy CA");
}

#[tokio::test]
async fn public_answer_raises_dns_public_answer() {
    let ca = TestCa::new("kubernetes");
    let dns = TestDns::start("eks.amazonaws.com").await;
    dns.set(&endpoint_host(), &["198.51.100.23"], 60).await;

    // Never probe a non-loopback address from a test.
    let m = collect(&api(&ca, Some(false)), &resolver(&dns), 443, false).await;
    let d = diagnose(&m);
    assert!(
        has(&d, "dns-public-answer", Severity::Fail),
        "{:#?}",
        d.findings
    );
    assert_eq!(hop(&d, HopName::Dns), HopStatus::Fail);

    let m = collect(&api(&ca, Some(true)), &resolver(&dns), 443, false).await;
    assert!(has(&diagnose(&m), "dns-public-answer", Severity::Warn));
}

#[tokio::test]
async fn nxdomain_servfail_and_timeout_raise_their_findings() {
    let ca = TestCa::new("kubernetes");
    let dns = TestDns::start("eks.amazonaws.com").await;
    let m = collect(&api(&ca, None), &resolver(&dns), 443, false).await;
    let d = diagnose(&m);
    assert!(has(&d, "dns-nxdomain", Severity::Fail), "{:#?}", d.findings);
    assert_eq!(hop(&d, HopName::Dns), HopStatus::Fail);

    dns.misbehave(&endpoint_host(), Misbehave::ServFail);
    let m = collect(&api(&ca, None), &resolver(&dns), 443, false).await;
    assert!(has(&diagnose(&m), "dns-servfail", Severity::Fail));

    dns.misbehave(&endpoint_host(), Misbehave::Silent);
    let m = collect(&api(&ca, None), &resolver(&dns), 443, false).await;
    assert!(has(&diagnose(&m), "dns-timeout", Severity::Fail));
}

#[tokio::test]
async fn an_unknown_private_answer_is_flagged() {
    let ca = TestCa::new("kubernetes");
    let dns = TestDns::start("eks.amazonaws.com").await;
    dns.set(&endpoint_host(), &["10.99.0.7"], 60).await;
    let m = collect(&api(&ca, None), &resolver(&dns), 443, false).await;
    assert!(has(&diagnose(&m), "dns-unknown-answer", Severity::Warn));
}
