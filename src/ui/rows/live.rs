//! What this host sampled: DNS answers and probes.

use super::*;
use crate::model::stats::probe_stats;
use crate::model::{DnsOutcome, Model, ProbeOutcome};

pub(super) fn dns_notes(m: &Model) -> Vec<Note> {
    if !m.context.live.dns {
        vec![("live DNS is off (--no-live)".to_string(), Role::Skipped)]
    } else if m.live.dns.is_empty() {
        vec![("no DNS sample yet".to_string(), Role::Muted)]
    } else {
        vec![]
    }
}

pub(super) fn dns(m: &Model, d: &Diagnosis) -> Table {
    let rows = m
        .live
        .dns
        .iter()
        .zip(&d.states.dns)
        .rev()
        .map(|(s, status)| {
            let answers: Vec<String> = s
                .ips()
                .into_iter()
                .map(|ip| match d.answers.get(&ip) {
                    Some(class) => format!("{ip} {}", class.label()),
                    None => ip.to_string(),
                })
                .collect();
            let word = match &s.outcome {
                DnsOutcome::Answers(_) => "NOERROR".to_string(),
                _ => s.outcome_label(),
            };
            let outcome = st(*status, word);
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

pub(super) fn probe_notes(m: &Model) -> Vec<Note> {
    if !(m.context.live.probe && m.context.live.dns) {
        vec![(
            "probes are off (--no-probe or --no-live)".to_string(),
            Role::Skipped,
        )]
    } else if m.live.probes.is_empty() {
        vec![("no probe yet".to_string(), Role::Muted)]
    } else {
        vec![]
    }
}

pub(super) fn probes(m: &Model, d: &Diagnosis) -> Table {
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
            let key = ip.to_string();
            let word = match &last.outcome {
                ProbeOutcome::Ok => format!(
                    "HTTP {}",
                    last.http_status.map(|s| s.to_string()).unwrap_or_default()
                ),
                ProbeOutcome::TcpFailed(r) => format!("TCP: {r}"),
                ProbeOutcome::TlsFailed(r) => format!("TLS: {r}"),
                ProbeOutcome::HttpFailed(r) => format!("HTTP: {r}"),
            };
            let outcome = judged(d, Aspect::ProbeLast, &key, word);
            let ratio = stats.as_ref().map_or(0.0, |s| s.success_ratio);
            let success = d
                .states
                .get(Aspect::ProbeSuccess, &key)
                .map_or(Role::Unknown, Role::of_status);
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
                    cr(format!("{:.0}% of {}", ratio * 100.0, all.len()), success),
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
