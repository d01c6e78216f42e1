//! What this host sees right now: DNS answers and probes of the endpoint.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::ctx::Ctx;
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::stats::answer_changes;
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
    let fail = |id: &'static str, what: &str, fix: &str| {
        Ok(vec![Finding::new(
            id,
            Severity::Fail,
            DNS,
            &host,
            format!("{server} answered {what} for {host}"),
            fix,
        )])
    };
    match &sample.outcome {
        DnsOutcome::NxDomain => fail(
            "dns-nxdomain",
            "NXDOMAIN",
            "the name does not exist from here: check that a private hosted zone for it is associated with this VPC and has an A record",
        ),
        DnsOutcome::ServFail => fail(
            "dns-servfail",
            "SERVFAIL",
            "the resolver failed: check the VPC resolver, Route53 Resolver rules and any forwarding DNS server",
        ),
        DnsOutcome::NoAnswer => fail(
            "dns-no-answer",
            "NOERROR with no A/AAAA record",
            "the name exists but has no address: check the record and its alias target",
        ),
        DnsOutcome::Timeout => Ok(vec![Finding::new(
            "dns-timeout",
            Severity::Fail,
            DNS,
            &host,
            format!("no answer from {server} within the timeout"),
            "check that the resolver is reachable (VPC DNS enabled, security groups and NACLs allow UDP/TCP 53)",
        )]),
        DnsOutcome::Error(e) => Ok(vec![Finding::new(
            "dns-error",
            Severity::Fail,
            DNS,
            &host,
            format!("lookup of {host} failed: {e}"),
            "check this host's resolver configuration",
        )]),
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
    if !public.is_empty() {
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
    if !other.is_empty() {
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
    let Some(sample) = ctx.m.live.dns.latest() else {
        return Err(Missing::new("probes", "no DNS answer to probe yet"));
    };
    let answers = sample.ips();
    if answers.is_empty() {
        return Ok(vec![]);
    }
    let current = ctx.m.live.current_probes();
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
    let ca_known = ctx.m.cluster.value().is_some_and(|c| c.ca_data.is_some());
    let unverified = |p: &&&ProbeSample| {
        !ca_known && matches!(p.outcome, ProbeOutcome::TlsFailed(_)) && p.connect.is_some()
    };
    let failed: Vec<_> = current
        .iter()
        .filter(|p| !p.ok())
        .filter(|p| !unverified(p))
        .collect();
    if failed.is_empty() && current.iter().any(|p| unverified(&p)) {
        return Err(Missing::new(
            "cluster CA",
            format!(
                "{} gave no certificate authority, so the endpoint's certificate cannot be verified",
                Source::Cluster.spec().action()
            ),
        ));
    }
    let sev = if failed.len() == current.len() {
        Severity::Fail
    } else {
        Severity::Warn
    };
    let mut out = Vec::new();
    for p in failed {
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
            ProbeOutcome::Ok => continue,
        };
        out.push(Finding::new(id, sev, API, p.ip.to_string(), what, fix));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::LiveMode;

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
            push_dns_outcome(&mut m, outcome, 2);
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
        push_probe(
            &mut m,
            "172.20.2.50",
            ProbeOutcome::TcpFailed("connection refused".into()),
            2,
        );
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
        push_probe(
            &mut m,
            "172.20.1.50",
            ProbeOutcome::TcpFailed("connection timed out".into()),
            1,
        );
        let f = run(&m, probes).unwrap();
        assert!(has(&f, "probe-tcp-failed", Severity::Warn));
        push_probe(
            &mut m,
            "172.20.2.50",
            ProbeOutcome::TlsFailed("unknown issuer".into()),
            1,
        );
        let f = run(&m, probes).unwrap();
        assert!(has(&f, "probe-tcp-failed", Severity::Fail));
        assert!(has(&f, "probe-tls-failed", Severity::Fail));
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
