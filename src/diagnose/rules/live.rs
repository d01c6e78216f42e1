//! What this host sees right now: DNS answers and probes of the endpoint.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::ctx::{Ctx, Route};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::stats::{
    CONFIRM_FAILURES, JUDGE_WINDOW, Trend, answer_changes, dns_trend, probe_trend,
};
use crate::model::{DnsOutcome, ProbeOutcome, ProbeSample, Source};

const DNS: Option<HopName> = Some(HopName::Dns);
const API: Option<HopName> = Some(HopName::ApiServer);

fn host(ctx: &Ctx) -> String {
    ctx.m
        .endpoint_host()
        .unwrap_or_else(|| "the endpoint".into())
}

pub fn dns_answers(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if !ctx.m.context.live.dns {
        return Ok(vec![]);
    }
    let Some(sample) = ctx.m.live.dns.latest() else {
        return Err(Missing::new("DNS answers", "no DNS sample yet"));
    };
    let host = host(ctx);
    let server = sample
        .server
        .clone()
        .unwrap_or_else(|| "the resolver".into());
    // A failed lookup amid answers is a WARN until it repeats: one lost UDP packet is not
    // an outage.
    let (sev, note) = match dns_trend(&ctx.m.live.dns) {
        Some(Trend::Flapping { failed, samples }) => (
            Severity::Warn,
            format!(
                " ({failed} of {samples} lookups failed in the last {} s; FAIL after {CONFIRM_FAILURES} in a row)",
                JUDGE_WINDOW.as_secs()
            ),
        ),
        _ => (Severity::Fail, String::new()),
    };
    let fail = |id: &'static str, what: String, fix: &str| {
        Ok(vec![Finding::new(
            id,
            sev,
            DNS,
            &host,
            format!("{what}{note}"),
            fix,
        )])
    };
    match &sample.outcome {
        DnsOutcome::NxDomain => fail(
            "dns-nxdomain",
            format!("{server} answered NXDOMAIN for {host}"),
            "the name does not exist from here: check that a private hosted zone for it is associated with this VPC and has an A record",
        ),
        DnsOutcome::ServFail => fail(
            "dns-servfail",
            format!("{server} answered SERVFAIL for {host}"),
            "the resolver failed: check the VPC resolver, Route53 Resolver rules and any forwarding DNS server",
        ),
        DnsOutcome::NoAnswer => fail(
            "dns-no-answer",
            format!("{server} answered NOERROR with no A/AAAA record for {host}"),
            "the name exists but has no address: check the record and its alias target",
        ),
        DnsOutcome::Timeout => fail(
            "dns-timeout",
            format!("no answer from {server} within the timeout"),
            "check that the resolver is reachable (VPC DNS enabled, security groups and NACLs allow UDP/TCP 53)",
        ),
        DnsOutcome::Error(e) => fail(
            "dns-error",
            format!("lookup of {host} failed: {e}"),
            "check this host's resolver configuration",
        ),
        DnsOutcome::Answers(_) => classify_answers(ctx, &host),
    }
}

fn classify_answers(ctx: &Ctx, host: &str) -> Result<Vec<Finding>, Missing> {
    let answers = ctx.latest_answers().unwrap_or_default();
    let public: Vec<_> = answers
        .iter()
        .filter(|(_, c)| *c == AnswerClass::Public)
        .map(|(ip, _)| ip)
        .collect();
    let other: Vec<_> = answers
        .iter()
        .filter(|(_, c)| *c == AnswerClass::OtherPrivate)
        .map(|(ip, _)| ip)
        .collect();
    let mut out = Vec::new();
    if !public.is_empty() && ctx.route == Route::Nlb {
        let lb = ctx.path.nlbs.first();
        let internal = lb.map(|lb| lb.is_internal());
        out.push(Finding::new(
            "dns-public-answer",
            if internal == Some(true) { Severity::Fail } else { Severity::Warn },
            DNS,
            host,
            format!(
                "{host} resolves to public IP(s) {} from here{}",
                list(&public),
                match lb {
                    Some(lb) if lb.is_internal() => format!(", but NLB {} is internal: the answer is not its address", lb.name),
                    Some(lb) => format!(": NLB {} is {}, so traffic leaves the private network", lb.name, lb.scheme),
                    None => String::new(),
                }
            ),
            "check which resolver answers (a public zone may shadow the private one) and that the private zone is associated with this host's VPC",
        ));
    } else if !public.is_empty() {
        let public_on = ctx.m.cluster.value().map(|c| c.public_access);
        // Fatal only when we know public access is off; unknown is not a guess of the worst.
        let sev = if public_on == Some(false) {
            Severity::Fail
        } else {
            Severity::Warn
        };
        out.push(Finding::new(
            "dns-public-answer",
            sev,
            DNS,
            host,
            format!("{host} resolves to public IP(s) {} from here: traffic leaves the private network{}", list(&public),
                match public_on {
                    Some(true) => " (public access is on, so it works, over the internet)",
                    Some(false) => " and public access is off, so it cannot work",
                    None => " (whether public access is on is unknown: eks:DescribeCluster missing)",
                }),
            "associate the private hosted zone for the name with this host's VPC (or check which resolver this host uses)",
        ));
    }
    // A hosts-file pin is judged by the hosts rule, which names the line.
    let pinned = ctx.judged_dns().is_some_and(|s| s.pinned.is_some());
    if !other.is_empty() && !pinned && ctx.route == Route::Nlb {
        // Without the NLB its addresses cannot be told apart: the NLB hop says why.
        if let Some(lb) = ctx.path.nlbs.first() {
            out.push(Finding::new(
                "dns-unknown-answer",
                Severity::Warn,
                DNS,
                host,
                format!("{host} resolves to {}, which is no address of NLB {}", list(&other), lb.name),
                "check the record: it may point at an old load balancer, a hosts-file entry or another cluster",
            ));
        }
    } else if !other.is_empty() && !pinned {
        let placeable = ctx.m.interface_endpoints.value().is_some() && ctx.m.enis.value().is_some();
        if placeable {
            out.push(Finding::new(
                "dns-unknown-answer",
                Severity::Warn,
                DNS,
                host,
                format!("{host} resolves to {} which is neither an interface endpoint nor an EKS ENI", list(&other)),
                "check the record: it may point at an old endpoint, a hosts-file entry or another cluster",
            ));
        } else if out.is_empty() {
            // A private answer we cannot place may only mean the endpoint or ENI data is
            // missing; a public answer beside it already decides the hop, so it is kept.
            return Err(Missing::new(
                "what the DNS answers point at",
                "interface endpoints or EKS ENIs not collected",
            ));
        }
    }
    Ok(out)
}

/// Answer sets (or failure kinds) that change between samples in the history window.
pub fn dns_flapping(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if !ctx.m.context.live.dns {
        return Ok(vec![]);
    }
    let samples = ctx.m.live.dns.len();
    if samples == 0 {
        return Err(Missing::new("DNS answers", "no DNS sample yet"));
    }
    let changes: Vec<String> = answer_changes(&ctx.m.live.dns)
        .into_iter()
        .map(|c| format!("{} {} -> {}", c.at.format("%H:%M:%S"), c.from, c.to))
        .collect();
    Ok(if changes.is_empty() {
        vec![]
    } else {
        let shown: Vec<_> = changes.iter().rev().take(3).rev().cloned().collect();
        vec![Finding::new(
            "dns-flapping",
            Severity::Warn,
            DNS,
            host(ctx),
            format!(
                "answers changed {} time(s) in {} samples: {}",
                changes.len(),
                samples,
                shown.join("; ")
            ),
            "competing zones, resolvers or records answer differently; make one source of truth for the name",
        )]
    })
}

/// The newest probe of each current answer.
pub fn probes(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let live = ctx.m.context.live;
    if !live.probe || !live.dns {
        return Ok(vec![]);
    }
    let Some(sample) = ctx.judged_dns() else {
        return Err(Missing::new("probes", "no DNS answer to probe yet"));
    };
    let answers = sample.ips();
    if answers.is_empty() {
        return Ok(vec![]);
    }
    let current = ctx.current_probes();
    if current.len() < answers.len() {
        return Err(Missing::new(
            "probes",
            format!(
                "{} of {} answers probed so far",
                current.len(),
                answers.len()
            ),
        ));
    }
    // Without the cluster CA a handshake cannot be verified: that is missing data, not a
    // broken endpoint.
    let ca_known = ctx.m.ca_data().is_some();
    let unverified = |p: &&&ProbeSample| {
        !ca_known && matches!(p.outcome, ProbeOutcome::TlsFailed(_)) && p.connect.is_some()
    };
    // Judged over the window: one failed probe amid successes is flapping, not down.
    let trend = |p: &ProbeSample| ctx.m.live.probes.get(&p.ip).and_then(probe_trend);
    let failing: Vec<_> = current
        .iter()
        .filter(|p| !p.ok() && !unverified(p))
        .filter(|p| matches!(trend(p), Some(Trend::Failing { .. })))
        .collect();
    if failing.is_empty() && current.iter().any(|p| unverified(&p)) {
        return Err(Missing::new(
            "cluster CA",
            match ctx.m.context.api.server() {
                Some(_) => "the kubeconfig gave no certificate authority and no --ca-file was passed, so the server's certificate cannot be verified".to_string(),
                None => format!(
                    "{} gave no certificate authority, so the endpoint's certificate cannot be verified",
                    Source::Cluster.spec().action()
                ),
            },
        ));
    }
    let sev = if failing.len() == current.len() {
        Severity::Fail
    } else {
        Severity::Warn
    };
    let mut out = Vec::new();
    for p in &failing {
        let (id, what, mut fix) = failure(p);
        if id == "probe-tcp-failed" {
            fix = tcp_fix(ctx).into();
        }
        let streak = match trend(p) {
            Some(Trend::Failing { streak, .. }) if streak > 1 => {
                format!(" ({streak} probes in a row)")
            }
            _ => String::new(),
        };
        out.push(Finding::new(
            id,
            sev,
            API,
            p.ip.to_string(),
            format!("{what}{streak}"),
            fix,
        ));
    }
    for p in current.iter().filter(|p| !unverified(p)) {
        let Some(Trend::Flapping { failed, samples }) = trend(p) else {
            continue;
        };
        let ratio = 100.0 * (samples - failed) as f64 / samples as f64;
        let last = ctx.m.live.probes[&p.ip]
            .iter()
            .rev()
            .find(|s| !s.ok())
            .map(|s| failure(s).1)
            .unwrap_or_default();
        out.push(Finding::new(
            "probe-flapping",
            Severity::Warn,
            API,
            p.ip.to_string(),
            format!(
                "{failed} of {samples} probes to {}:{} failed in the last {} s ({ratio:.0}% success); last failure: {last}",
                p.ip,
                p.port,
                JUDGE_WINDOW.as_secs()
            ),
            format!(
                "intermittent: a target group mid-rotation, one unhealthy target or one AZ without a healthy target usually explains it; it turns FAIL after {CONFIRM_FAILURES} failures in a row"
            ),
        ));
    }
    Ok(out)
}

/// Where to look when a connection is not answered, for the route it took.
fn tcp_fix(ctx: &Ctx) -> &'static str {
    match ctx.route {
        Route::Direct => {
            "follow the hops: a route over the peering or transit gateway, the cluster security group or a network ACL usually explains it"
        }
        Route::Public => {
            "follow the hops: the endpoint's public access CIDRs or this host's egress usually explain it"
        }
        Route::Nlb => {
            "follow the hops: the control plane's security group (instance targets see this host's own address), no healthy target in the answered NLB node's zone, or a route usually explains it"
        }
        _ => {
            "follow the hops: an unavailable endpoint, unhealthy targets or a security group usually explains it"
        }
    }
}

/// The finding id, the evidence and the fix for one failed probe.
fn failure(p: &ProbeSample) -> (&'static str, String, String) {
    if let (ProbeOutcome::TlsFailed(_), Some(cert)) = (&p.outcome, &p.peer) {
        return (
            "tls-intercepted",
            format!(
                "TLS handshake with {}:{} met a certificate the cluster CA did not sign: issued by {} to {}; an intercepting proxy or another server answers there",
                p.ip, p.port, cert.issuer, cert.subject
            ),
            format!(
                "see who answers: openssl s_client -connect {}:{} -showcerts </dev/null; send the endpoint around the proxy (NO_PROXY, or a bypass rule on the proxy)",
                match p.ip {
                    std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                    v4 => v4.to_string(),
                },
                p.port
            ),
        );
    }
    let (id, what, fix) = match &p.outcome {
        ProbeOutcome::TcpFailed(r) => (
            "probe-tcp-failed",
            format!("TCP connect to {}:{} failed: {r}", p.ip, p.port),
            "follow the hops: an unavailable endpoint, unhealthy targets or a security group usually explains it",
        ),
        ProbeOutcome::TlsFailed(r) => (
            "probe-tls-failed",
            format!("TLS handshake with {}:{} failed: {r}", p.ip, p.port),
            "the address does not serve the cluster's certificate: the name may point at the wrong endpoint or cluster",
        ),
        ProbeOutcome::HttpFailed(r) => (
            "probe-http-failed",
            format!("HTTPS request to {}:{} failed: {r}", p.ip, p.port),
            "TLS works but the API server does not answer: check the control plane's health",
        ),
        ProbeOutcome::Ok => ("probe-ok", String::new(), ""),
    };
    (id, what, fix.to_string())
}

#[cfg(test)]
mod tests {
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
}
