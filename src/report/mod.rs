//! `check` output: a human report (coloured on a terminal), a stable JSON document and a
//! Markdown report for tickets.

mod markdown;
pub use markdown::markdown;

use crate::diagnose::{Diagnosis, HopStatus, Severity};
use crate::exit::ExitCode;
use crate::model::{Model, Source};
use crossterm::style::{Color, Stylize};
use serde_json::{Value, json};

/// Version of the JSON document; bumped only on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Skipped hops were not asked for, so they count as OK; UNKNOWN counts as a warning.
pub fn exit_code(d: &Diagnosis) -> ExitCode {
    match d.verdict {
        HopStatus::Ok | HopStatus::Skipped => ExitCode::Ok,
        HopStatus::Warn | HopStatus::Unknown => ExitCode::Warn,
        HopStatus::Fail => ExitCode::Fail,
    }
}

pub fn json(m: &Model, d: &Diagnosis, generated_at: chrono::DateTime<chrono::Utc>) -> Value {
    let cluster = m.cluster.value().map_or_else(
        || unknown_cluster(m),
        |c| {
            json!({
                "name": c.name,
                "arn": c.arn,
                "region": c.region().map(str::to_string).or_else(|| m.context.region.clone()),
                "account": c.account(),
                "status": c.status,
                "version": c.version,
                "endpoint": c.endpoint,
                "host": c.host(),
                "mode": c.mode(),
                "public_cidrs": c.public_cidrs,
                "vpc_id": c.vpc_id,
            })
        },
    );
    let hops: Vec<Value> = d
        .hops
        .iter()
        .map(|h| json!({"name": h.name, "status": h.status, "evidence": h.evidence.join("; "), "details": h.evidence, "findings": h.findings}))
        .collect();
    let sources: Vec<Value> = m
        .sources()
        .into_iter()
        .map(|s| {
            let mut v = json!({"name": s.name, "api": s.api, "state": s.state, "error": s.error.map(|e| e.to_string())});
            if s.source == Source::Origin {
                v["found_by"] = json!(origin_basis(m));
            }
            v
        })
        .collect();
    let dns: Vec<&crate::model::DnsSample> = m.live.dns.iter().collect();
    let probes: Vec<&crate::model::ProbeSample> =
        m.live.probes.values().flat_map(|r| r.iter()).collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "verdict": d.verdict,
        "exit_code": exit_code(d).code(),
        "cluster": cluster,
        "api": m.context.api,
        "origin": m.origin(),
        "route": d.route,
        "route_basis": d.route_basis,
        "first_failure": d.first_failure,
        "elsewhere": d.elsewhere,
        "zones": d.zones,
        "automation": d.automation,
        "lattice": lattice_json(m),
        "summary": d.summary,
        "hops": hops,
        "findings": d.findings,
        "unknowns": d.unknowns,
        "sources": sources,
        "live": {"dns": dns, "probes": probes},
        "source": m.context.source,
        "generated_at": generated_at,
    })
}

/// The VPC Lattice inventory as read: the service checked, this VPC's associations, the
/// networks, their services and the target groups (with targets); this VPC's resource and
/// service network endpoints, their resource configurations and gateways. Null keys were
/// not read.
fn lattice_json(m: &Model) -> Value {
    json!({
        "service": m.checked_service(),
        "associations": m.lattice_associations.value(),
        "networks": m.lattice_networks.value(),
        "services": m.lattice_services.value(),
        "target_groups": m.lattice_target_groups.value(),
        "endpoints": m.lattice_endpoints.value(),
        "resource_configs": m.resource_configs.value(),
        "resource_gateways": m.resource_gateways.value(),
    })
}

/// Every documented key, null where the cluster could not be read.
fn unknown_cluster(m: &Model) -> Value {
    let server = m.context.api.server();
    let host = server
        .map(|s| s.host.clone())
        .or_else(|| m.context.api.lattice().and_then(|_| m.endpoint_host()));
    json!({
        "name": m.context.cluster_name,
        "arn": null,
        "region": m.context.region,
        "account": null,
        "status": null,
        "version": null,
        "endpoint": server.map(|s| s.url.clone()),
        "host": host,
        "mode": null,
        "public_cidrs": null,
        "vpc_id": null,
    })
}

/// A Lattice service's line: its name, DNS name and custom domain, or that it is not known.
fn lattice_title(m: &Model) -> String {
    let asked = m.context.api.lattice().map_or("", |l| l.service.as_str());
    match m.checked_service() {
        Some(s) => format!(
            "VPC Lattice service {} ({}) · {}{}",
            s.name,
            s.id,
            s.dns_name.as_deref().unwrap_or("no DNS name"),
            s.custom_domain
                .as_ref()
                .map(|d| format!(" · custom domain {d}"))
                .unwrap_or_default()
        ),
        None => format!(
            "VPC Lattice service {asked} (not loaded: {})",
            m.lattice_service
                .error()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "not found".into())
        ),
    }
}

/// How this host was placed: `--from-vpc`, `metadata`, `demo`, or `none` (not located).
fn origin_basis(m: &Model) -> &str {
    match m.origin() {
        Some(o) if o.found_by == "instance metadata" => "metadata",
        Some(o) => o.found_by.as_str(),
        None => "none",
    }
}

/// What `--no-live` or `--no-probe` left out, for the verdict line.
fn not_checked(m: &Model) -> &'static str {
    match (m.context.live.dns, m.context.live.probe) {
        (false, _) => " (DNS and the API server not checked: --no-live)",
        (true, false) => " (the API server not probed: --no-probe)",
        _ => "",
    }
}

fn status_color(s: HopStatus) -> Color {
    match s {
        HopStatus::Ok => Color::Green,
        HopStatus::Warn => Color::Yellow,
        HopStatus::Fail => Color::Red,
        HopStatus::Unknown => Color::Magenta,
        HopStatus::Skipped => Color::DarkGrey,
    }
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Info => Color::Blue,
        Severity::Warn => Color::Yellow,
        Severity::Fail => Color::Red,
    }
}

/// The human report. `color` adds ANSI colours (a terminal without NO_COLOR); `now` heads
/// it with the tool's version and the source, for a ticket.
/// What was checked, in one line: the cluster (region, account, endpoint mode, name), the
/// server or the Lattice service.
fn title(m: &Model) -> String {
    match (m.context.api.server(), m.cluster.value()) {
        (_, _) if m.context.api.lattice().is_some() => lattice_title(m),
        (Some(srv), _) => srv.title(),
        (None, Some(c)) => format!(
            "{} ({}, account {}) · endpoint {} · {}",
            c.name,
            c.region().unwrap_or("?"),
            c.account().unwrap_or("?"),
            c.mode().label(),
            c.host()
        ),
        (None, None) => format!(
            "{} (cluster not loaded: {})",
            m.context.cluster_name,
            m.cluster
                .error()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "loading".into())
        ),
    }
}

pub fn text(m: &Model, d: &Diagnosis, color: bool, now: chrono::DateTime<chrono::Utc>) -> String {
    let paint = |s: String, c: Color, bold: bool| -> String {
        if !color {
            return s;
        }
        let styled = s.with(c);
        if bold {
            styled.bold().to_string()
        } else {
            styled.to_string()
        }
    };
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let title = title(m);
    line(format!(
        "eksnet-tui {} · {} · source {}",
        env!("CARGO_PKG_VERSION"),
        now.format("%Y-%m-%d %H:%M:%S UTC"),
        m.context.source
    ));
    line(paint(title, Color::Cyan, true));
    let origin = match m.origin() {
        Some(o) => format!("this host: {} (found by {})", o.label(), o.found_by),
        None => "this host: unknown (found by none: no instance metadata, no --from-vpc)".into(),
    };
    line(origin);
    line(format!("route: {} ({})", d.route.label(), d.route_basis));
    line(String::new());
    let width = d
        .hops
        .iter()
        .map(|h| h.name.as_str().len())
        .max()
        .unwrap_or(0);
    for h in &d.hops {
        let sym = paint(
            format!(
                "{} {:<7}",
                h.status.symbol(),
                h.status.label().to_uppercase()
            ),
            status_color(h.status),
            true,
        );
        let mut ev = h.evidence.iter();
        line(format!(
            "  {sym} {:<width$}  {}",
            h.name.as_str(),
            ev.next().map(String::as_str).unwrap_or("")
        ));
        for more in ev {
            line(format!("  {:9} {:<width$}  {more}", "", ""));
        }
    }
    line(String::new());
    let verdict = format!("verdict: {}", d.verdict.label().to_uppercase());
    let elsewhere = crate::diagnose::path::elsewhere_text(&d.elsewhere);
    let first = match (d.first_failure, elsewhere) {
        (Some(h), None) => format!(" (first failing hop: {h})"),
        (Some(h), Some(e)) => format!(" (first failing hop: {h}; {e})"),
        (None, Some(_)) => format!(" ({})", d.summary),
        (None, None) => String::new(),
    };
    line(format!(
        "{}{first}{}",
        paint(verdict, status_color(d.verdict), true),
        not_checked(m)
    ));
    let count = |s: Severity| d.findings.iter().filter(|f| f.severity == s).count();
    line(String::new());
    line(format!(
        "findings: {} fail, {} warn, {} info",
        count(Severity::Fail),
        count(Severity::Warn),
        count(Severity::Info)
    ));
    let mut fixes: Vec<(&str, String)> = Vec::new();
    for f in &d.findings {
        let tag = paint(
            format!("{:<4}", f.severity.label().to_uppercase()),
            severity_color(f.severity),
            true,
        );
        line(format!(
            "  {tag} {}  {}",
            paint(f.id.to_string(), Color::White, true),
            f.resource
        ));
        line(format!("       {}", f.evidence));
        if f.severity > Severity::Info {
            match fixes.iter().find(|(fix, _)| *fix == f.fix.as_str()) {
                Some((_, first)) => line(format!("       fix: the same as for {first} above")),
                None => {
                    let mut fix = f.fix.lines();
                    line(format!("       fix: {}", fix.next().unwrap_or("")));
                    for more in fix {
                        line(format!("            {more}"));
                    }
                    fixes.push((f.fix.as_str(), f.id.to_string()));
                }
            }
        }
    }
    // Only EKS's ENIs are kept in step by automation.
    if m.context.api == crate::model::Api::Eks {
        let a = &d.automation;
        line(String::new());
        line(format!(
            "automation: {} {}",
            paint(
                a.status.label().to_uppercase(),
                status_color(a.status),
                true
            ),
            a.summary
        ));
        for p in &a.pieces {
            let sym = paint(
                format!(
                    "{} {:<7}",
                    p.status.symbol(),
                    p.status.label().to_uppercase()
                ),
                status_color(p.status),
                true,
            );
            line(format!("  {sym} {:<17} {}  {}", p.kind, p.name, p.detail));
            line(format!("  {:9} {:<17} found: {}", "", "", p.found_by));
        }
        for u in &a.unknown {
            line(format!("  ? {u}"));
        }
    }
    if !d.unknowns.is_empty() {
        line(String::new());
        line(format!("could not check ({}):", d.unknowns.len()));
        for u in &d.unknowns {
            let hop = u.hop.map(|h| format!(" [{h}]")).unwrap_or_default();
            line(format!("  ? {}{hop}: {} ({})", u.rule, u.missing, u.reason));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnose;
    use crate::diagnose::testkit::{healthy, t0};
    use crate::model::{Fetched, LiveMode, SourceError};

    #[test]
    fn json_cluster_keeps_every_key_when_the_cluster_is_unknown() {
        let mut m = healthy();
        m.cluster = crate::model::Loadable::Loading;
        m.apply(
            Fetched::Cluster(Err(SourceError::unreachable("connection refused"))),
            t0(),
        );
        let doc = json(&m, &diagnose(&m), t0());
        let want = [
            "name",
            "arn",
            "region",
            "account",
            "status",
            "version",
            "endpoint",
            "host",
            "mode",
            "public_cidrs",
            "vpc_id",
        ];
        let keys: Vec<&str> = doc["cluster"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for k in want {
            assert!(keys.contains(&k), "cluster key {k} in {keys:?}");
        }
        assert!(doc["cluster"]["arn"].is_null());
        let err = doc["sources"][0]["error"].as_str().unwrap();
        assert_eq!(err, "cannot reach AWS: connection refused");
    }

    #[test]
    fn origin_source_says_how_the_origin_was_found() {
        let m = healthy();
        let doc = json(&m, &diagnose(&m), t0());
        let origin = doc["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "origin")
            .unwrap();
        assert_eq!(origin["found_by"], "test");
        let mut m = healthy();
        m.apply(Fetched::Origin(Ok(None)), t0());
        let doc = json(&m, &diagnose(&m), t0());
        assert_eq!(doc["sources"][1]["found_by"], "none");
    }

    #[test]
    fn text_heads_with_version_time_and_source_and_says_what_no_live_skipped() {
        let mut m = healthy();
        m.context.live = LiveMode::OFF;
        let out = text(&m, &diagnose(&m), false, t0());
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "eksnet-tui {} · {} · source {}",
                env!("CARGO_PKG_VERSION"),
                t0().format("%Y-%m-%d %H:%M:%S UTC"),
                m.context.source
            )
        );
        assert!(!out.contains("from in "), "{out}");
        assert!(out.contains("this host: "), "{out}");
        let verdict = out.lines().find(|l| l.starts_with("verdict:")).unwrap();
        assert!(
            verdict.ends_with("(DNS and the API server not checked: --no-live)"),
            "{verdict}"
        );
    }
}
