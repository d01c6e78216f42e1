//! The last ten minutes at a glance, on screens with room for it: each hop's status per
//! window under a time axis, each answer's probe latency with its scale and success ratio,
//! and what DNS answered over the window.

use super::{role_style, status_style};
use crate::diagnose::history::cells;
use crate::model::stats::{dns_stats, probe_stats};
use crate::model::timeline::{WINDOW, WINDOWS};
use crate::ui::Scene;
use crate::ui::rows::Role;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::collections::BTreeMap;

/// The terminal size from which the main screen shows this pane.
pub const MIN_WIDTH: u16 = 120;
pub const MIN_HEIGHT: u16 = 40;
const NAME: usize = 20;
/// Characters per window.
const CELL: usize = 2;
const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Rows the pane needs: one per hop and answer, the axis, the DNS line and borders.
pub fn height(s: &Scene) -> u16 {
    let answers = s.model.live.probes.len();
    (s.diagnosis.hops.len() + 1 + answers + 1 + 2) as u16
}

fn window_of(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis().div_euclid(WINDOW.as_millis() as i64)
}

/// `-10m … -5m … now` under the cells.
fn axis() -> String {
    let width = WINDOWS * CELL;
    let mut axis: Vec<char> = vec![' '; width];
    let minutes = (WINDOWS as u64 * WINDOW.as_secs()) / 60;
    let mut put = |at: usize, text: &str| {
        for (i, ch) in text.chars().enumerate() {
            if let Some(c) = axis.get_mut(at + i) {
                *c = ch;
            }
        }
    };
    put(0, &format!("-{minutes}m"));
    put(width / 2 - 2, &format!("-{}m", minutes / 2));
    put(width - 3, "now");
    axis.into_iter().collect()
}

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let mut lines = Vec::new();
    for hop in &s.diagnosis.hops {
        let mut spans = vec![Span::styled(
            format!("{:<NAME$}", hop.name.as_str()),
            t.accent(),
        )];
        // Windows before the first judgement are before this run: dots, not unknowns.
        let noted = s.history.cells(hop.name, s.now);
        let started = noted
            .iter()
            .position(Option::is_some)
            .unwrap_or(noted.len().saturating_sub(1));
        for (i, st) in cells(s.history, hop.name, s.now).into_iter().enumerate() {
            spans.push(if i < started {
                Span::styled(format!("{:<CELL$}", "·"), t.muted())
            } else {
                Span::styled(format!("{:<CELL$}", st.symbol()), status_style(t, st))
            });
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(vec![
        Span::raw(" ".repeat(NAME)),
        Span::styled(axis(), t.muted()),
    ]));
    lines.extend(probe_lines(s));
    lines.push(dns_line(s));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(false))
        .title(Span::styled(" Last 10 minutes ", t.title()));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// Per answer, the slowest successful probe of each window, scaled from 0 to the highest
/// shown; `✖` where a probe failed, blank where none ran.
fn probe_lines<'a>(s: &Scene<'a>) -> Vec<Line<'a>> {
    let t = s.theme;
    let last = window_of(s.now);
    let first = last - WINDOWS as i64 + 1;
    let mut out = Vec::new();
    for (ip, ring) in &s.model.live.probes {
        let mut worst: BTreeMap<i64, Option<f64>> = BTreeMap::new();
        for p in ring.iter() {
            let w = window_of(p.at);
            if w < first || w > last {
                continue;
            }
            let ms = p.ok().then(|| p.total()).flatten();
            let ms = ms.map(|d| d.as_secs_f64() * 1000.0);
            let cell = worst.entry(w).or_insert(Some(0.0));
            *cell = match (*cell, ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        let max = worst.values().flatten().cloned().fold(0.0, f64::max);
        let mut spans = vec![Span::styled(
            format!("{:<NAME$}", ip.to_string()),
            t.accent(),
        )];
        for w in first..=last {
            let (ch, role) = match worst.get(&w) {
                None => (' ', Role::Muted),
                Some(None) => ('✖', Role::Fail),
                Some(Some(_)) if max <= f64::EPSILON => (SPARK[0], Role::Ok),
                Some(Some(v)) => (
                    SPARK[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
                    Role::Ok,
                ),
            };
            spans.push(Span::styled(format!("{ch:<CELL$}"), role_style(t, role)));
        }
        let ratio = probe_stats(ring).map_or(0.0, |p| p.success_ratio);
        let scale = if max > 0.0 {
            format!(" █ = {max:.1} ms")
        } else {
            " no success".to_string()
        };
        spans.push(Span::styled(
            format!("{scale} · {:.0}% of {} ok", ratio * 100.0, ring.len()),
            t.muted(),
        ));
        out.push(Line::from(spans));
    }
    out
}

/// How many times the answers changed over the window, and what they pointed at.
fn dns_line<'a>(s: &Scene<'a>) -> Line<'a> {
    let t = s.theme;
    let ring = &s.model.live.dns;
    if ring.is_empty() {
        return Line::styled(format!("{:<NAME$}no DNS sample yet", "DNS"), t.muted());
    }
    let st = dns_stats(ring);
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    for sample in ring.iter() {
        let ips = sample.ips();
        if ips.is_empty() {
            *classes.entry(sample.outcome_label()).or_default() += 1;
        }
        for ip in ips {
            let class = s.diagnosis.answers.get(&ip);
            let label = class.map_or_else(|| "unclassified".to_string(), |c| c.label());
            *classes.entry(label).or_default() += 1;
        }
    }
    let classes: Vec<String> = classes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
    let role = if st.changes > 0 {
        Role::Warn
    } else {
        Role::Text
    };
    Line::from(vec![
        Span::styled(format!("{:<NAME$}", "DNS"), t.accent()),
        Span::styled(
            format!(
                "{} sample(s), {} change(s) · {}",
                st.samples,
                st.changes,
                classes.join(", ")
            ),
            role_style(t, role),
        ),
    ])
}

/// Below the `:probes` list: each address's latency per window over the time axis.
pub fn render_probes(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let mut lines = probe_lines(s);
    lines.push(Line::from(vec![
        Span::raw(" ".repeat(NAME)),
        Span::styled(axis(), t.muted()),
    ]));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(false))
        .title(Span::styled(" Probe history, last 10 minutes ", t.title()));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// Rows the probe history needs.
pub fn probes_height(s: &Scene) -> u16 {
    (s.model.live.probes.len() + 1 + 2) as u16
}
