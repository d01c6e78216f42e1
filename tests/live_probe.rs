//! The TLS prober against real listeners on loopback: a valid API server, a certificate from
//! another CA, a wrong name, a refused port, a hanging handshake, and no HTTP answer.

mod support;

use eksnet_tui::clock::Clock;
use eksnet_tui::model::{ProbeOutcome, ProbeSample};
use eksnet_tui::sources::probe::{ProbeTimeouts, TlsProber};
use eksnet_tui::sources::{ProbeRequest, Prober};
use std::net::SocketAddr;
use std::time::Duration;
use support::tls::{Behaviour, TestCa, TlsServer, closed_port};

const HOST: &str = "0123456789abcdef0123456789abcdef.gr7.eu-west-1.eks.amazonaws.com";

fn prober() -> TlsProber {
    TlsProber::with_timeouts(
        Clock::system(),
        ProbeTimeouts {
            connect: Duration::from_millis(500),
            tls: Duration::from_millis(400),
            http: Duration::from_millis(400),
        },
    )
}

async fn probe(addr: SocketAddr, ca: Option<&TestCa>) -> ProbeSample {
    let req = ProbeRequest {
        host: HOST.to_uppercase(),
        ip: addr.ip(),
        port: addr.port(),
        ca_data: ca.map(TestCa::ca_data),
        mode: eksnet_tui::model::ProbeMode::Tls,
    };
    prober().probe(&req).await
}

fn reason(s: &ProbeSample) -> &str {
    match &s.outcome {
        ProbeOutcome::Ok => "ok",
        ProbeOutcome::TcpFailed(r) | ProbeOutcome::TlsFailed(r) | ProbeOutcome::HttpFailed(r) => r,
    }
}

#[tokio::test]
async fn valid_endpoint_answers_401_with_increasing_phase_latencies() {
    let ca = TestCa::new("kubernetes");
    let server = TlsServer::start(
        "127.0.0.1",
        ca.leaf(&[HOST, "kubernetes"]),
        Behaviour::Answer(401),
    )
    .await;
    let s = probe(server.addr, Some(&ca)).await;
    assert_eq!(s.outcome, ProbeOutcome::Ok, "{}", reason(&s));
    assert_eq!(s.http_status, Some(401));
    assert_eq!((s.ip, s.port), (server.addr.ip(), server.addr.port()));
    let (c, t, f) = (s.connect.unwrap(), s.tls.unwrap(), s.first_byte.unwrap());
    assert!(c <= t && t <= f, "cumulative phases: {c:?} {t:?} {f:?}");
    assert!(f < Duration::from_millis(400), "{f:?}");
    eprintln!("loopback probe: connect {c:?}, tls {t:?}, first byte {f:?}");
}

#[tokio::test]
async fn certificate_from_another_ca_is_an_unknown_ca() {
    let cluster_ca = TestCa::new("kubernetes");
    let other = TestCa::new("someone-else");
    let server = TlsServer::start("127.0.0.1", other.leaf(&[HOST]), Behaviour::Answer(401)).await;
    let s = probe(server.addr, Some(&cluster_ca)).await;
    assert!(
        matches!(s.outcome, ProbeOutcome::TlsFailed(_)),
        "{:?}",
        s.outcome
    );
    assert!(reason(&s).contains("unknown CA"), "{}", reason(&s));
    assert!(s.connect.is_some() && s.tls.is_none() && s.http_status.is_none());
}

#[tokio::test]
async fn certificate_for_another_name_is_a_name_mismatch() {
    let ca = TestCa::new("kubernetes");
    let server = TlsServer::start(
        "127.0.0.1",
        ca.leaf(&["other.gr7.eu-west-1.eks.amazonaws.com"]),
        Behaviour::Answer(401),
    )
    .await;
    let s = probe(server.addr, Some(&ca)).await;
    assert!(
        matches!(s.outcome, ProbeOutcome::TlsFailed(_)),
        "{:?}",
        s.outcome
    );
    assert!(reason(&s).contains("name mismatch"), "{}", reason(&s));
    assert!(reason(&s).contains(HOST), "names the host: {}", reason(&s));
    // The cluster's own CA signed it: nothing intercepts.
    assert_eq!(s.peer, None);
}

#[tokio::test]
async fn closed_port_is_refused() {
    let ca = TestCa::new("kubernetes");
    let s = probe(closed_port().await, Some(&ca)).await;
    assert_eq!(
        s.outcome,
        ProbeOutcome::TcpFailed("connection refused".into())
    );
    assert!(s.connect.is_none());
}

#[tokio::test]
async fn hanging_handshake_times_out() {
    let ca = TestCa::new("kubernetes");
    let server = TlsServer::start("127.0.0.1", ca.leaf(&[HOST]), Behaviour::Hang).await;
    let started = std::time::Instant::now();
    let s = probe(server.addr, Some(&ca)).await;
    assert!(
        matches!(s.outcome, ProbeOutcome::TlsFailed(_)),
        "{:?}",
        s.outcome
    );
    assert!(reason(&s).contains("handshake timed out"), "{}", reason(&s));
    assert!(s.connect.is_some());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn no_http_answer_after_tls_is_an_http_failure() {
    let ca = TestCa::new("kubernetes");
    let server = TlsServer::start(
        "127.0.0.1",
        ca.leaf(&[HOST]),
        Behaviour::CloseAfterHandshake,
    )
    .await;
    let s = probe(server.addr, Some(&ca)).await;
    assert!(
        matches!(s.outcome, ProbeOutcome::HttpFailed(_)),
        "{:?}",
        s.outcome
    );
    assert!(s.tls.is_some(), "the handshake itself succeeded");
}

#[tokio::test]
async fn without_the_cluster_ca_nothing_is_trusted() {
    let ca = TestCa::new("kubernetes");
    let server = TlsServer::start("127.0.0.1", ca.leaf(&[HOST]), Behaviour::Answer(401)).await;
    let s = probe(server.addr, None).await;
    assert!(
        matches!(s.outcome, ProbeOutcome::TlsFailed(_)),
        "{:?}",
        s.outcome
    );
    assert!(reason(&s).contains("not verified"), "{}", reason(&s));
    assert!(s.tls.is_none() && s.http_status.is_none());
}
