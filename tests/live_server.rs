//! An API server behind an NLB of its own, with the real resolver and prober: the
//! self-managed demo account rewired so its NLB's nodes are 127.0.0.2-4, a DNS server and
//! the API servers on loopback, and the CA read from a kubeconfig context as `--context`
//! reads it. Probes go only to the loopback addresses the test DNS server hands out.

mod support;

use eksnet_tui::cli::{Parsed, parse};
use eksnet_tui::clock::Clock;
use eksnet_tui::diagnose::{HopName, HopStatus, Route, diagnose};
use eksnet_tui::model::{Api, LiveMode, Model, ProbeOutcome, ServerApi};
use eksnet_tui::sources::aws::kubeconfig::Kubeconfig;
use eksnet_tui::sources::collect::{Settings, collect_once};
use eksnet_tui::sources::demo::{
    DemoEnv, Rewire, SELF_MANAGED_CONTEXT, SELF_MANAGED_SERVER, Scenario,
};
use eksnet_tui::sources::dns::DnsResolver;
use eksnet_tui::sources::probe::TlsProber;
use eksnet_tui::startup::api::{ApiChoice, choose};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;
use support::dns::TestDns;
use support::tls::{Behaviour, TestCa, TlsServer};

const HOST: &str = "api.k8s.internal";
const NODES: [Ipv4Addr; 3] = [
    Ipv4Addr::new(127, 0, 0, 2),
    Ipv4Addr::new(127, 0, 0, 3),
    Ipv4Addr::new(127, 0, 0, 4),
];

/// The same API server on each node address at one port.
async fn api_servers(ca: &TestCa, behaviour: Behaviour) -> Vec<TlsServer> {
    for _ in 0..20 {
        let first = TlsServer::start("127.0.0.2", ca.leaf(&[HOST]), behaviour).await;
        let port = first.addr.port();
        let mut all = vec![first];
        for ip in &NODES[1..] {
            match TlsServer::start_at(
                SocketAddr::new((*ip).into(), port),
                ca.leaf(&[HOST]),
                behaviour,
            )
            .await
            {
                Some(s) => all.push(s),
                None => break,
            }
        }
        if all.len() == NODES.len() {
            return all;
        }
    }
    panic!("no port free on all of 127.0.0.2-4");
}

/// The demo's server, as `--context` reads it from a kubeconfig whose CA is `ca`.
fn server_from_kubeconfig(dir: &Path, ca: &TestCa, extra: &[&str]) -> ServerApi {
    let text = format!(
        "current-context: other\nclusters:\n- name: onprem\n  cluster:\n    server: {SELF_MANAGED_SERVER}\n    certificate-authority-data: {}\ncontexts:\n- name: {SELF_MANAGED_CONTEXT}\n  context: {{cluster: onprem, user: admin}}\n",
        ca.ca_data()
    );
    let path = dir.join("config");
    std::fs::write(&path, text).unwrap();
    let args = ["eksnet-tui", "check", "--context", SELF_MANAGED_CONTEXT]
        .into_iter()
        .chain(extra.iter().copied());
    let Ok(Parsed::Run(cli)) = parse(args) else {
        panic!("flags parse");
    };
    match choose(&cli.opts, &Kubeconfig::from_files(&[path])).unwrap() {
        ApiChoice::Server(s) => s,
        other => panic!("server path expected, got {other:?}"),
    }
}

async fn collect(server: ServerApi, dns: &TestDns, port: u16, prober: TlsProber) -> Model {
    let api = DemoEnv::new(Scenario::SelfManaged, Clock::system()).rewired(Rewire {
        nlb_ips: Some(NODES.to_vec()),
        ..Rewire::default()
    });
    let resolver =
        DnsResolver::servers(&[dns.addr], Duration::from_millis(500), Clock::system()).unwrap();
    let settings = Settings {
        api: Api::Server(server),
        live: LiveMode::ALL,
        samples: 2,
        gap: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
        port: Some(port),
        ..Settings::default()
    };
    let clock = Clock::system();
    collect_once(&api, &resolver, &prober, &settings, &clock, "test", None)
        .await
        .expect("collect")
}

async fn dns() -> TestDns {
    let dns = TestDns::start("k8s.internal").await;
    dns.set(HOST, &["127.0.0.2", "127.0.0.3", "127.0.0.4"], 60)
        .await;
    dns
}

#[tokio::test]
async fn the_kubeconfig_ca_verifies_each_nlb_node_and_livez_answers() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("kubernetes");
    let servers = api_servers(&ca, Behaviour::Answer(401)).await;
    let dns = dns().await;
    let server = server_from_kubeconfig(dir.path(), &ca, &[]);
    let m = collect(
        server,
        &dns,
        servers[0].addr.port(),
        TlsProber::new(Clock::system()),
    )
    .await;
    let d = diagnose(&m);
    assert_eq!(d.route, Route::Nlb, "{}", d.route_basis);
    assert_eq!(
        d.verdict,
        HopStatus::Ok,
        "{:#?} {:#?}",
        d.findings,
        d.unknowns
    );
    let probes = m.live.current_probes();
    assert_eq!(probes.len(), 3);
    for p in probes {
        assert_eq!(p.outcome, ProbeOutcome::Ok, "{p:?}");
        assert_eq!(p.http_status, Some(401));
    }
    // Every answer is placed as a node of the NLB.
    for ip in NODES {
        assert_eq!(d.answers[&ip.into()].label(), "NLB k8s-api");
    }
}

#[tokio::test]
async fn a_certificate_the_kubeconfig_ca_did_not_sign_fails_the_api_server() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("kubernetes");
    let other = TestCa::new("someone else");
    let servers = api_servers(&other, Behaviour::Answer(401)).await;
    let dns = dns().await;
    let server = server_from_kubeconfig(dir.path(), &ca, &[]);
    let m = collect(
        server,
        &dns,
        servers[0].addr.port(),
        TlsProber::new(Clock::system()),
    )
    .await;
    let d = diagnose(&m);
    assert_eq!(
        d.hops
            .iter()
            .find(|h| h.name == HopName::ApiServer)
            .unwrap()
            .status,
        HopStatus::Fail
    );
    let f = d
        .findings
        .iter()
        .find(|f| f.id == "tls-intercepted")
        .expect("named");
    assert!(f.evidence.contains("someone else"), "{}", f.evidence);
}

#[tokio::test]
async fn a_server_that_answers_only_healthz_needs_the_probe_path() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("kubernetes");
    let servers = api_servers(&ca, Behaviour::OnlyPath("/healthz")).await;
    let port = servers[0].addr.port();
    let dns = dns().await;
    let server = server_from_kubeconfig(dir.path(), &ca, &[]);
    let m = collect(server.clone(), &dns, port, TlsProber::new(Clock::system())).await;
    assert!(
        m.live
            .current_probes()
            .iter()
            .all(|p| matches!(p.outcome, ProbeOutcome::HttpFailed(_))),
        "{:?}",
        m.live.current_probes()
    );
    let prober = TlsProber::new(Clock::system()).with_path("/healthz");
    let m = collect(server, &dns, port, prober).await;
    let d = diagnose(&m);
    assert_eq!(d.verdict, HopStatus::Ok, "{:#?}", d.findings);
    assert!(
        m.live
            .current_probes()
            .iter()
            .all(|p| p.http_status == Some(200))
    );
}
