//! Probes go only to DNS answers of the endpoint name, on the endpoint's port. These tests
//! keep it that way: `answer_requests` is the one place requests are built, and it refuses
//! anything else.

use chrono::Utc;
use eksnet_tui::model::{DnsAnswer, DnsOutcome, DnsSample, ProbeMode};
use eksnet_tui::sources::collect::answer_requests;
use std::path::Path;
use std::time::Duration;

const HOST: &str = "abc.gr7.eu-west-1.eks.amazonaws.com";

fn sample(host: &str, ips: &[&str]) -> DnsSample {
    DnsSample {
        pinned: None,
        at: Utc::now(),
        host: host.into(),
        server: None,
        latency: Duration::ZERO,
        outcome: DnsOutcome::Answers(
            ips.iter()
                .map(|i| DnsAnswer {
                    ip: i.parse().unwrap(),
                    ttl: 60,
                })
                .collect(),
        ),
    }
}

#[test]
fn requests_come_only_from_answers_of_the_endpoint_name() {
    let s = sample(
        &HOST.to_uppercase(),
        &["172.20.1.50", "172.20.2.50", "0.0.0.0", "224.0.0.1"],
    );
    let reqs = answer_requests(&s, &format!("{HOST}."), 443, Some("Q0E="), ProbeMode::Tls);
    let ips: Vec<String> = reqs.iter().map(|r| r.ip.to_string()).collect();
    assert_eq!(
        ips,
        ["172.20.1.50", "172.20.2.50"],
        "no unspecified or multicast"
    );
    assert!(
        reqs.iter()
            .all(|r| r.port == 443 && r.ca_data.as_deref() == Some("Q0E="))
    );

    let other = sample("attacker.example.com", &["172.20.1.50"]);
    assert!(answer_requests(&other, HOST, 443, None, ProbeMode::Tls).is_empty());

    let mut failed = sample(HOST, &[]);
    failed.outcome = DnsOutcome::NxDomain;
    assert!(answer_requests(&failed, HOST, 443, None, ProbeMode::Tls).is_empty());
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn probe_requests_are_built_in_one_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let allowed = [
        "src/sources/mod.rs",            // the definition
        "src/sources/collect.rs",        // answer_requests
        "src/sources/demo/tests/mod.rs", // the simulated prober's own tests: no network
    ];
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        let built = text.matches("ProbeRequest {").count();
        if allowed.contains(&rel.as_str()) {
            continue;
        }
        assert_eq!(
            built, 0,
            "{rel} builds a ProbeRequest; build probes with collect::answer_requests so only the endpoint's DNS answers are probed"
        );
    }
}
