//! The hickory resolver against a real DNS server on loopback: each outcome it must tell
//! apart, the fallback to the next server, the hosts file, and that every sample really asks.

mod support;

use eksnet_tui::clock::Clock;
use eksnet_tui::model::{DnsOutcome, DnsSample};
use eksnet_tui::sources::Resolver;
use eksnet_tui::sources::dns::DnsResolver;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use support::dns::{Misbehave, TestDns};

const ZONE: &str = "eu-west-1.eks.amazonaws.com";

fn host(label: &str) -> String {
    format!("{label}.gr7.{ZONE}")
}

fn resolver(addr: SocketAddr) -> DnsResolver {
    DnsResolver::servers(&[addr], Duration::from_millis(400), Clock::system()).unwrap()
}

fn ips(s: &DnsSample) -> Vec<String> {
    s.ips().iter().map(IpAddr::to_string).collect()
}

#[tokio::test]
async fn private_answers_with_ttls_server_and_latency() {
    let dns = TestDns::start(ZONE).await;
    let h = host("private");
    dns.set(&h, &["172.20.1.50", "172.20.2.50", "fd00::50"], 60)
        .await;
    let s = resolver(dns.addr).lookup(&h.to_uppercase()).await;
    let DnsOutcome::Answers(answers) = &s.outcome else {
        panic!("{:?}", s.outcome)
    };
    assert_eq!(ips(&s), ["172.20.1.50", "172.20.2.50", "fd00::50"]);
    assert!(answers.iter().all(|a| a.ttl == 60), "{answers:?}");
    assert_eq!(s.server.as_deref(), Some(dns.addr.to_string().as_str()));
    assert!(s.latency > Duration::ZERO && s.latency < Duration::from_millis(400));
    eprintln!("loopback DNS latency: {:?}", s.latency);
}

#[tokio::test]
async fn public_answer_is_an_answer() {
    let dns = TestDns::start(ZONE).await;
    let h = host("public");
    dns.set(&h, &["198.51.100.23"], 30).await;
    let s = resolver(dns.addr).lookup(&h).await;
    assert_eq!(ips(&s), ["198.51.100.23"]);
}

#[tokio::test]
async fn failures_are_told_apart() {
    let dns = TestDns::start(ZONE).await;
    let r = resolver(dns.addr);

    assert_eq!(
        r.lookup(&host("missing")).await.outcome,
        DnsOutcome::NxDomain
    );

    dns.set_txt_only(&host("txt")).await;
    assert_eq!(r.lookup(&host("txt")).await.outcome, DnsOutcome::NoAnswer);

    dns.misbehave(&host("broken"), Misbehave::ServFail);
    assert_eq!(
        r.lookup(&host("broken")).await.outcome,
        DnsOutcome::ServFail
    );

    dns.misbehave(&host("slow"), Misbehave::Silent);
    let s = r.lookup(&host("slow")).await;
    assert_eq!(s.outcome, DnsOutcome::Timeout);
    assert!(s.latency >= Duration::from_millis(350), "{:?}", s.latency);
    assert!(s.latency < Duration::from_secs(2), "{:?}", s.latency);

    // The server still answers after a timeout.
    dns.set(&host("after"), &["10.0.0.1"], 5).await;
    assert_eq!(ips(&r.lookup(&host("after")).await), ["10.0.0.1"]);
}

#[tokio::test]
async fn every_sample_asks_the_server() {
    let dns = TestDns::start(ZONE).await;
    let h = host("flap");
    let r = resolver(dns.addr);
    dns.set(&h, &["172.20.1.50"], 3600).await;
    assert_eq!(ips(&r.lookup(&h).await), ["172.20.1.50"]);
    dns.set(&h, &["172.20.9.9"], 3600).await;
    assert_eq!(
        ips(&r.lookup(&h).await),
        ["172.20.9.9"],
        "a cached answer was served"
    );
}

#[tokio::test]
async fn next_server_only_when_the_first_does_not_answer() {
    let dns = TestDns::start(ZONE).await;
    let silent = TestDns::start(ZONE).await;
    let h = host("fallback");
    dns.set(&h, &["172.20.1.50"], 60).await;
    silent.misbehave(&h, Misbehave::Silent);
    let r = DnsResolver::servers(
        &[silent.addr, dns.addr],
        Duration::from_millis(300),
        Clock::system(),
    )
    .unwrap();
    let s = r.lookup(&h).await;
    assert_eq!(ips(&s), ["172.20.1.50"]);
    assert_eq!(s.server, Some(dns.addr.to_string()));

    // An NXDOMAIN is an answer: the next server is not asked.
    let r = DnsResolver::servers(
        &[dns.addr, silent.addr],
        Duration::from_millis(300),
        Clock::system(),
    )
    .unwrap();
    let s = r.lookup(&host("nothing")).await;
    assert_eq!(s.outcome, DnsOutcome::NxDomain);
    assert_eq!(s.server, Some(dns.addr.to_string()));
}

#[tokio::test]
async fn hosts_file_entry_wins_and_says_so() {
    let dns = TestDns::start(ZONE).await;
    let h = host("pinned");
    dns.set(&h, &["172.20.1.50"], 60).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("# bastion pin\n192.168.10.21 {h}\n")).unwrap();
    let r = resolver(dns.addr).with_hosts_file(file.path());
    let s = r.lookup(&h).await;
    assert_eq!(ips(&s), ["192.168.10.21"]);
    assert_eq!(s.server, Some(file.path().display().to_string()));
    // Other names still go to the server.
    dns.set(&host("other"), &["172.20.2.50"], 60).await;
    assert_eq!(ips(&r.lookup(&host("other")).await), ["172.20.2.50"]);
}
