//! The live rules' OK, WARN, FAIL and UNKNOWN cases.

use super::*;
use crate::diagnose::path::HopStatus;
use crate::diagnose::testkit::*;
use crate::model::{LiveMode, Model};

#[test]
fn a_certificate_from_another_ca_is_named_as_interception() {
    let mut m = healthy();
    let each = [3, 6, 9]
        .into_iter()
        .flat_map(|s| [(s, "172.20.1.50"), (s, "172.20.2.50")]);
    for (secs, ip) in each {
        let at = t0() + chrono::Duration::seconds(secs);
        m.apply(
            crate::model::Fetched::Probe(ProbeSample {
                at,
                ip: ip.parse().unwrap(),
                port: 443,
                connect: Some(std::time::Duration::from_millis(2)),
                tls: None,
                first_byte: None,
                http_status: None,
                outcome: ProbeOutcome::TlsFailed("unknown CA".into()),
                peer: Some(crate::model::live::PeerCert {
                    issuer: "CN=Proxy CA".into(),
                    subject: format!("CN={HOST}"),
                }),
            }),
            at,
        );
    }
    let f = run(&m, probes).unwrap();
    assert!(has(&f, "tls-intercepted", Severity::Fail), "{f:?}");
    assert!(f[0].evidence.contains("issued by CN=Proxy CA"));
    assert!(!has(&f, "probe-tls-failed", Severity::Fail));
}

#[test]
fn private_answers_pass() {
    assert!(run(&healthy(), dns_answers).unwrap().is_empty());
    assert!(run(&healthy(), dns_flapping).unwrap().is_empty());
    assert!(run(&healthy(), probes).unwrap().is_empty());
}

#[test]
fn public_answer_fails_when_public_access_off_warns_when_on() {
    let mut m = healthy();
    push_dns(&mut m, &["198.51.100.23"], 2);
    let f = run(&m, dns_answers).unwrap();
    assert!(has(&f, "dns-public-answer", Severity::Fail));
    edit_cluster(&mut m, |c| c.public_access = true);
    assert!(has(
        &run(&m, dns_answers).unwrap(),
        "dns-public-answer",
        Severity::Warn
    ));
}

#[test]
fn failures_map_to_their_ids() {
    for (outcome, id) in [
        (DnsOutcome::NxDomain, "dns-nxdomain"),
        (DnsOutcome::ServFail, "dns-servfail"),
        (DnsOutcome::Timeout, "dns-timeout"),
        (DnsOutcome::NoAnswer, "dns-no-answer"),
    ] {
        let mut m = healthy();
        push_dns_outcome(&mut m, outcome.clone(), 2);
        // Once amid answers is a WARN; three in a row a FAIL.
        assert!(
            has(&run(&m, dns_answers).unwrap(), id, Severity::Warn),
            "{id}"
        );
        push_dns_outcome(&mut m, outcome.clone(), 3);
        push_dns_outcome(&mut m, outcome, 4);
        assert!(
            has(&run(&m, dns_answers).unwrap(), id, Severity::Fail),
            "{id}"
        );
    }
}

#[test]
fn unknown_private_answer_warns_but_needs_data() {
    let mut m = healthy();
    push_dns(&mut m, &["10.1.2.3"], 2);
    assert!(has(
        &run(&m, dns_answers).unwrap(),
        "dns-unknown-answer",
        Severity::Warn
    ));
    let m = without(m, Part::InterfaceEndpoints);
    assert!(run(&m, dns_answers).is_err());
}

#[test]
fn public_answer_is_kept_when_other_answers_cannot_be_placed() {
    let mut m = without(healthy(), Part::InterfaceEndpoints);
    push_dns(&mut m, &["198.51.100.23", "10.1.2.3"], 2);
    assert!(has(
        &run(&m, dns_answers).unwrap(),
        "dns-public-answer",
        Severity::Fail
    ));
}

#[test]
fn public_answer_warns_when_public_access_is_unknown() {
    let mut m = without(healthy(), Part::Cluster);
    push_dns(&mut m, &["198.51.100.23"], 2);
    let f = run(&m, dns_answers).unwrap();
    assert!(has(&f, "dns-public-answer", Severity::Warn));
    assert!(f[0].evidence.contains("unknown"), "{}", f[0].evidence);
}

#[test]
fn ipv4_mapped_answers_are_placed_like_ipv4() {
    let mut m = healthy();
    push_dns(&mut m, &["::ffff:172.20.1.50", "::ffff:172.20.2.50"], 2);
    assert!(run(&m, dns_answers).unwrap().is_empty());
}

#[test]
fn unverifiable_handshake_without_the_ca_is_unknown_not_a_failure() {
    let mut m = healthy();
    edit_cluster(&mut m, |c| c.ca_data = None);
    for a in ["172.20.1.50", "172.20.2.50"] {
        push_probe(
            &mut m,
            a,
            ProbeOutcome::TlsFailed("not verified: no cluster CA".into()),
            1,
        );
    }
    let missing = run(&m, probes).unwrap_err();
    assert!(missing.what.contains("CA"), "{}", missing.what);
    for s in 2..5 {
        push_probe(
            &mut m,
            "172.20.2.50",
            ProbeOutcome::TcpFailed("connection refused".into()),
            s,
        );
    }
    assert!(has(
        &run(&m, probes).unwrap(),
        "probe-tcp-failed",
        Severity::Warn
    ));
}

#[test]
fn flapping_counts_changes_not_samples() {
    let mut m = healthy();
    for s in 1..=5 {
        push_dns(&mut m, &["172.20.1.50", "172.20.2.50"], s);
    }
    assert!(run(&m, dns_flapping).unwrap().is_empty());
    push_dns(&mut m, &["172.20.1.50"], 6);
    push_dns(&mut m, &["172.20.1.50"], 7);
    push_dns(&mut m, &["172.20.1.50", "172.20.2.50"], 8);
    let f = run(&m, dns_flapping).unwrap();
    assert!(has(&f, "dns-flapping", Severity::Warn));
    assert!(
        f[0].evidence.contains("changed 2 time(s) in 9 samples"),
        "{}",
        f[0].evidence
    );
}

#[test]
fn probe_failures_fail_when_all_fail() {
    let mut m = healthy();
    let fail = |m: &mut Model, a: &str, outcome: ProbeOutcome| {
        for s in 1..=CONFIRM_FAILURES as i64 {
            push_probe(m, a, outcome.clone(), s);
        }
    };
    fail(
        &mut m,
        "172.20.1.50",
        ProbeOutcome::TcpFailed("connection timed out".into()),
    );
    let f = run(&m, probes).unwrap();
    assert!(has(&f, "probe-tcp-failed", Severity::Warn));
    assert!(
        f[0].evidence.contains("3 probes in a row"),
        "{}",
        f[0].evidence
    );
    fail(
        &mut m,
        "172.20.2.50",
        ProbeOutcome::TlsFailed("unknown issuer".into()),
    );
    let f = run(&m, probes).unwrap();
    assert!(has(&f, "probe-tcp-failed", Severity::Fail));
    assert!(has(&f, "probe-tls-failed", Severity::Fail));
}

#[test]
fn one_failed_probe_amid_successes_is_flapping_not_down() {
    let mut m = healthy();
    for s in 1..10 {
        for a in ["172.20.1.50", "172.20.2.50"] {
            let ok = !(a == "172.20.1.50" && s == 9);
            let outcome = if ok {
                ProbeOutcome::Ok
            } else {
                ProbeOutcome::TcpFailed("connection timed out".into())
            };
            push_probe(&mut m, a, outcome, s);
        }
    }
    let f = run(&m, probes).unwrap();
    assert_eq!(ids(&f), ["probe-flapping"], "{f:?}");
    assert_eq!(f[0].severity, Severity::Warn);
    assert_eq!(f[0].resource, "172.20.1.50");
    assert!(
        f[0].evidence.contains("1 of 10 probes") && f[0].evidence.contains("90% success"),
        "{}",
        f[0].evidence
    );
    let d = crate::diagnose::diagnose(&m);
    assert_eq!(d.verdict, HopStatus::Warn, "{:?}", d.findings);
    // Recovered: the failure keeps the WARN while it is in the judgement window.
    push_probe(&mut m, "172.20.1.50", ProbeOutcome::Ok, 10);
    assert_eq!(ids(&run(&m, probes).unwrap()), ["probe-flapping"]);
    let later = JUDGE_WINDOW.as_secs() as i64 + 20;
    for a in ["172.20.1.50", "172.20.2.50"] {
        push_probe(&mut m, a, ProbeOutcome::Ok, later);
    }
    assert!(run(&m, probes).unwrap().is_empty());
}

#[test]
fn one_lost_lookup_keeps_judging_the_last_answers() {
    let mut m = healthy();
    push_dns_outcome(&mut m, DnsOutcome::Timeout, 2);
    let d = crate::diagnose::diagnose(&m);
    let hop = |n: HopName| d.hops.iter().find(|h| h.name == n).unwrap().status;
    assert_eq!(hop(HopName::Dns), HopStatus::Warn);
    // The probes of the addresses last returned still stand.
    assert_eq!(hop(HopName::ApiServer), HopStatus::Ok, "{:?}", d.hops);
    assert_eq!(d.verdict, HopStatus::Warn);
}

#[test]
fn live_off_is_quiet_and_missing_samples_unknown() {
    let mut m = healthy();
    m.context.live = LiveMode::OFF;
    push_dns_outcome(&mut m, DnsOutcome::NxDomain, 3);
    assert!(run(&m, dns_answers).unwrap().is_empty());
    assert!(run(&m, probes).unwrap().is_empty());

    let mut m = healthy();
    m.live = Default::default();
    assert!(run(&m, dns_answers).is_err());
    assert!(run(&m, probes).is_err());
    push_dns(&mut m, &["172.20.1.50"], 1);
    assert!(run(&m, probes).unwrap_err().why.contains("0 of 1"));
}
