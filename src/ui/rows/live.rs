//! What this host sampled: DNS answers and probes.

use super::*;
use crate::diagnose::HopStatus;
use crate::diagnose::classify::classify;
use crate::diagnose::ctx::Ctx;
use crate::model::stats::probe_stats;
use crate::model::{Model, ProbeOutcome};

pub(super) fn dns(m: &Model) -> Table {
    let ctx = Ctx::new(m);
    let mut notes = Vec::new();
    if !m.context.live.dns {
        notes.push(("live DNS is off (--no-live)".to_string(), Role::Skipped));
    } else if m.live.dns.is_empty() {
        notes.push(("no DNS sample yet".to_string(), Role::Muted));
    }
    let rows = m
        .live
        .dns
        .iter()
        .rev()
        .map(|s| {
            let answers: Vec<String> = s
                .ips()
                .into_iter()
                .map(|ip| format!("{ip} {}", classify(ip, &ctx).label()))
                .collect();
            let outcome = match &s.outcome {
                crate::model::DnsOutcome::Answers(_) => st(HopStatus::Ok, "NOERROR"),
                _ => st(HopStatus::Fail, s.outcome_label()),
            };
            Row {
                id: s.at.format("%H:%M:%S%.3f").to_string(),
                cells: vec![
                    c(s.at.format("%H:%M:%S").to_string()),
                    outcome,
                    c(answers.join(", ")),
                    c(format!("{:.1} ms", s.latency.as_secs_f64() * 1000.0)),
                    cr(s.server.clone().unwrap_or_default(), Role::Muted),
                ],
                detail: fields(s),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("TIME", 9),
            ("OUTCOME", 16),
            ("ANSWERS", 70),
            ("LATENCY", 9),
            ("SERVER", 0),
        ],
        rows,
        notes,
    }
}

const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Latency history as block characters; failures as `✖`.
pub fn sparkline(samples: &[Option<f64>], width: usize) -> String {
    let tail = &samples[samples.len().saturating_sub(width)..];
    // Scaled between the lowest and highest value shown, so jitter stays visible.
    let min = tail.iter().flatten().cloned().fold(f64::INFINITY, f64::min);
    let max = tail
        .iter()
        .flatten()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max);
    let span = max - min;
    tail.iter()
        .map(|s| match s {
            None => '✖',
            Some(_) if span <= f64::EPSILON => SPARK[3],
            Some(v) => SPARK[(((v - min) / span) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

pub(super) fn probes(m: &Model) -> Table {
    let mut notes = Vec::new();
    if !(m.context.live.probe && m.context.live.dns) {
        notes.push((
            "probes are off (--no-probe or --no-live)".to_string(),
            Role::Skipped,
        ));
    } else if m.live.probes.is_empty() {
        notes.push(("no probe yet".to_string(), Role::Muted));
    }
    let rows = m
        .live
        .probes
        .iter()
        .map(|(ip, ring)| {
            let all: Vec<_> = ring.iter().collect();
            let stats = probe_stats(ring);
            let spark: Vec<Option<f64>> = all
                .iter()
                .map(|p| {
                    if p.ok() {
                        p.total().map(|d| d.as_secs_f64() * 1000.0)
                    } else {
                        None
                    }
                })
                .collect();
            let last = all.last().expect("rings are never empty");
            let outcome = match &last.outcome {
                ProbeOutcome::Ok => st(
                    HopStatus::Ok,
                    format!(
                        "HTTP {}",
                        last.http_status.map(|s| s.to_string()).unwrap_or_default()
                    ),
                ),
                ProbeOutcome::TcpFailed(r) => st(HopStatus::Fail, format!("TCP: {r}")),
                ProbeOutcome::TlsFailed(r) => st(HopStatus::Fail, format!("TLS: {r}")),
                ProbeOutcome::HttpFailed(r) => st(HopStatus::Fail, format!("HTTP: {r}")),
            };
            let ratio = stats.as_ref().map_or(0.0, |s| s.success_ratio);
            let latency =
                stats
                    .as_ref()
                    .and_then(|s| s.latency.as_ref())
                    .map_or("—".into(), |l| {
                        format!(
                            "{:.1} / {:.1}",
                            l.p50.as_secs_f64() * 1000.0,
                            l.p95.as_secs_f64() * 1000.0
                        )
                    });
            Row {
                id: ip.to_string(),
                cells: vec![
                    cr(ip.to_string(), Role::Accent),
                    outcome,
                    cr(
                        format!("{:.0}% of {}", ratio * 100.0, all.len()),
                        if ratio >= 0.999 {
                            Role::Ok
                        } else if ratio > 0.0 {
                            Role::Warn
                        } else {
                            Role::Fail
                        },
                    ),
                    c(latency),
                    cr(sparkline(&spark, 40), Role::Accent),
                ],
                detail: fields(last),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("ANSWER", 16),
            ("LAST", 34),
            ("SUCCESS", 12),
            ("P50/P95 ms", 13),
            ("LATENCY", 0),
        ],
        rows,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_and_marks_failures() {
        assert_eq!(
            sparkline(&[Some(1.0), Some(8.0), None, Some(4.0)], 10),
            "▁█✖▄"
        );
        assert_eq!(sparkline(&[Some(1.0); 50], 5).chars().count(), 5);
    }
}
