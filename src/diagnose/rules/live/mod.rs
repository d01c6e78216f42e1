//! What this host sees right now: DNS answers and probes of the endpoint.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::ctx::{Ctx, Route};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::stats::{
    CONFIRM_FAILURES, JUDGE_WINDOW, Trend, answer_changes, dns_trend, probe_trend,
};
use crate::model::{DnsOutcome, ProbeMode, ProbeOutcome, ProbeSample, Source};

const DNS: Option<HopName> = Some(HopName::Dns);

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
    // A Lattice service's answers are judged against Lattice's own ranges.
    if ctx.route == Route::Lattice {
        return Ok(vec![]);
    }
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
    // A Lattice listener's public certificate is checked against this host's roots.
    let ca_known = ctx.m.ca_data().is_some() || ctx.m.probe_mode() != ProbeMode::Tls;
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
        let (id, what, mut fix) = failure(p, trust(ctx));
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
            Some(ctx.last_hop()),
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
            .map(|s| failure(s, trust(ctx)).1)
            .unwrap_or_default();
        out.push(Finding::new(
            "probe-flapping",
            Severity::Warn,
            Some(ctx.last_hop()),
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
        Route::Lattice => {
            "follow the hops: this VPC's association and its security groups, the auth policy, the listener's rules or the targets' health usually explain it"
        }
        Route::Nlb => {
            "follow the hops: the control plane's security group (instance targets see this host's own address), no healthy target in the answered NLB node's zone, or a route usually explains it"
        }
        _ => {
            "follow the hops: an unavailable endpoint, unhealthy targets or a security group usually explains it"
        }
    }
}

/// What the probes' certificates are checked against.
fn trust(ctx: &Ctx) -> &'static str {
    match ctx.m.probe_mode() {
        ProbeMode::TlsPublic => "this host's trusted roots",
        _ if ctx.route == Route::Lattice => "the given CA",
        _ => "the cluster CA",
    }
}

/// The finding id, the evidence and the fix for one failed probe.
fn failure(p: &ProbeSample, trust: &str) -> (&'static str, String, String) {
    if let (ProbeOutcome::TlsFailed(_), Some(cert)) = (&p.outcome, &p.peer) {
        return (
            "tls-intercepted",
            format!(
                "TLS handshake with {}:{} met a certificate {trust} did not sign: issued by {} to {}; an intercepting proxy or another server answers there",
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
mod tests;
