//! Drilled-in views: a hop with its evidence and findings, or every field of one row.

use super::{role_style, status_style};
use crate::diagnose::HopName;
use crate::ui::Scene;
use crate::ui::rows::Role;
use crate::ui::state::Kind;
use crate::ui::text::{truncate, with_unit, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn frame<'a>(s: &Scene, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.border(true))
        .title(Span::styled(format!(" {title} "), s.theme.title()))
}

fn kv<'a>(s: &Scene, k: &str, label_w: usize, v: String, role: Role) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!("{:>label_w$}  ", truncate(k, label_w)),
            s.theme.muted(),
        ),
        Span::styled(v, role_style(s.theme, role)),
    ])
}

/// Fields in reading order: state and status first, then names, then the rest as given.
fn ordered(detail: &[(String, String)]) -> Vec<(String, String)> {
    let rank = |k: &str| {
        let last = k.rsplit('.').next().unwrap_or(k);
        match last {
            "state" | "status" | "health" | "outcome" | "severity" => 0,
            "id" | "name" | "host" | "resource" => 1,
            _ => 2,
        }
    };
    let mut out: Vec<(String, String)> = detail
        .iter()
        .map(|(k, v)| (k.clone(), with_unit(k, v)))
        .collect();
    out.sort_by_key(|(k, _)| rank(k));
    out
}

/// Lines wrapped to `width` with a hanging indent, identifiers kept whole; the style of
/// each line's spans is kept on its first part, the rest take the last span's style.
pub fn wrap_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in lines {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        if text.chars().count() <= width {
            out.push(line);
            continue;
        }
        let lead = text.len() - text.trim_start().len();
        // Hang under the value of `key  value` lines and under the text of indented ones.
        let indent = match line.spans.first() {
            Some(first) if line.spans.len() > 1 && first.content.ends_with("  ") => {
                first.content.chars().count()
            }
            _ => lead + 2,
        }
        .min(width / 2);
        let last_style = line.spans.last().map(|s| s.style).unwrap_or_default();
        let parts = wrap(&text, width, indent);
        let first_len = parts.first().map_or(0, |p| p.len());
        // The first part keeps the spans' styles up to its length.
        let mut spans = Vec::new();
        let mut taken = 0;
        for sp in &line.spans {
            if taken >= first_len {
                break;
            }
            let c = sp.content.as_ref();
            let end = (first_len - taken).min(c.len());
            let end = (0..=end)
                .rev()
                .find(|i| c.is_char_boundary(*i))
                .unwrap_or(0);
            spans.push(Span::styled(c[..end].to_string(), sp.style));
            taken += c.len();
        }
        out.push(Line::from(spans));
        for p in parts.into_iter().skip(1) {
            out.push(Line::styled(truncate(&p, width), last_style));
        }
    }
    out
}

/// The detail as plain text, for copying.
pub fn plain(lines: &[Line]) -> String {
    let mut out = String::new();
    for l in lines {
        let t: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        out.push_str(t.trim_end());
        out.push('\n');
    }
    out
}

pub fn render_hop(f: &mut Frame, area: Rect, s: &Scene, name: HopName) {
    let lines = wrap_lines(hop_lines(s, name), area.width.saturating_sub(2) as usize);
    let p = Paragraph::new(lines)
        .scroll((s.ui.scroll, 0))
        .block(frame(s, format!("hop {name}")));
    f.render_widget(p, area);
}

pub fn hop_lines(s: &Scene, name: HopName) -> Vec<Line<'static>> {
    let t = s.theme;
    let mut lines = Vec::new();
    match s.diagnosis.hops.iter().find(|h| h.name == name) {
        Some(h) => {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{} {}", h.status.symbol(), h.status.label().to_uppercase()),
                    status_style(t, h.status),
                ),
                Span::styled(
                    format!(
                        "  on the {} route ({})",
                        s.diagnosis.route.label(),
                        s.diagnosis.route_basis
                    ),
                    t.muted(),
                ),
            ]));
            lines.push(Line::default());
            lines.push(Line::styled("evidence", t.accent()));
            // The rest of the evidence is the findings and unknowns, shown in full below.
            if let Some(summary) = h.evidence.first() {
                lines.push(Line::styled(format!("  {summary}"), t.text()));
            }
        }
        None => lines.push(Line::styled(
            format!(
                "{name} is not on the current route ({})",
                s.diagnosis.route.label()
            ),
            t.muted(),
        )),
    }
    // Its own findings, and those attached elsewhere that explain it.
    let explains: &[&str] = s
        .diagnosis
        .hops
        .iter()
        .find(|h| h.name == name)
        .map_or(&[], |h| h.findings.as_slice());
    let related: Vec<_> = s
        .diagnosis
        .findings
        .iter()
        .filter(|f| f.hop == Some(name) || (explains.contains(&f.id) && f.explains.contains(&name)))
        .collect();
    if !related.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("findings", t.accent()));
        for fd in related {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {} ", fd.severity.label().to_uppercase()),
                    role_style(t, Role::of_severity(fd.severity)),
                ),
                Span::styled(format!("{} ", fd.id), t.accent()),
                Span::styled(fd.resource.clone(), t.text()),
            ]));
            lines.push(Line::styled(format!("      {}", fd.evidence), t.text()));
            for (i, cmd) in fd.fix.lines().enumerate() {
                let lead = if i == 0 { "      fix: " } else { "           " };
                lines.push(Line::from(vec![
                    Span::styled(lead, t.muted()),
                    Span::styled(cmd.to_string(), t.fix()),
                ]));
            }
        }
    }
    let unknown: Vec<_> = s
        .diagnosis
        .unknowns
        .iter()
        .filter(|u| u.hop == Some(name))
        .collect();
    if !unknown.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("could not check", t.unknown()));
        for u in unknown {
            lines.push(Line::styled(
                format!("  ? {}: {} ({})", u.rule, u.missing, u.reason),
                t.unknown(),
            ));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "Enter opens :{} · Esc goes back",
            Kind::for_hop(name).name()
        ),
        t.muted(),
    ));
    lines
}

pub fn render_row(f: &mut Frame, area: Rect, s: &Scene, kind: Kind, id: &str) {
    let lines = wrap_lines(
        row_lines(s, kind, id),
        area.width.saturating_sub(2) as usize,
    );
    let p = Paragraph::new(lines)
        .scroll((s.ui.scroll, 0))
        .block(frame(s, format!("{} › {id}", kind.name())));
    f.render_widget(p, area);
}

pub fn row_lines(s: &Scene, kind: Kind, id: &str) -> Vec<Line<'static>> {
    let t = s.theme;
    let table = s.rows.table(kind, s.model, s.diagnosis);
    let mut lines = Vec::new();
    match table.rows.iter().find(|r| r.id == id) {
        Some(row) => {
            // Labels get the room they need, up to a third of a typical pane.
            let label_w = row
                .detail
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0)
                .min(28);
            for (k, v) in ordered(&row.detail) {
                lines.push(kv(s, &k, label_w, v, Role::Text));
            }
            let related: Vec<_> = s
                .diagnosis
                .findings
                .iter()
                // A finding's own detail does not list it again.
                .filter(|f| !(kind == Kind::Findings && format!("{} {}", f.id, f.resource) == id))
                .filter(|f| {
                    f.resource.contains(id) || f.evidence.contains(id) || id.contains(&f.resource)
                })
                .collect();
            if !related.is_empty() {
                lines.push(Line::default());
                lines.push(Line::styled("related findings", t.accent()));
                for fd in related {
                    lines.push(Line::from(vec![
                        Span::styled(
                            format!("  {} ", fd.severity.label().to_uppercase()),
                            role_style(t, Role::of_severity(fd.severity)),
                        ),
                        Span::styled(format!("{}: ", fd.id), t.accent()),
                        Span::styled(fd.evidence.clone(), t.text()),
                    ]));
                    if fd.severity > crate::diagnose::Severity::Info {
                        lines.push(Line::from(vec![
                            Span::styled("      fix: ", t.muted()),
                            Span::styled(fd.fix.clone(), t.fix()),
                        ]));
                    }
                }
            }
        }
        None => lines.push(Line::styled(
            format!(
                "{id} is no longer in {} (it changed since you opened it)",
                kind.name()
            ),
            t.warn(),
        )),
    }
    lines
}
