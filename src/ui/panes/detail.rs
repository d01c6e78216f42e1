//! Drilled-in views: a hop with its evidence and findings, or every field of one row.

use super::{role_style, status_style};
use crate::diagnose::HopName;
use crate::ui::Scene;
use crate::ui::rows::Role;
use crate::ui::state::Kind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn frame<'a>(s: &Scene, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.border(true))
        .title(Span::styled(format!(" {title} "), s.theme.title()))
}

fn kv<'a>(s: &Scene, k: &str, v: String, role: Role) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{k:>16}  "), s.theme.muted()),
        Span::styled(v, role_style(s.theme, role)),
    ])
}

pub fn render_hop(f: &mut Frame, area: Rect, s: &Scene, name: HopName) {
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
                let lead = if i == 0 { "fix: " } else { "     " };
                lines.push(Line::styled(format!("      {lead}{cmd}"), t.muted()));
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
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((s.ui.scroll, 0))
        .block(frame(s, format!("hop {name}")));
    f.render_widget(p, area);
}

pub fn render_row(f: &mut Frame, area: Rect, s: &Scene, kind: Kind, id: &str) {
    let t = s.theme;
    let table = s.rows.table(kind, s.model, s.diagnosis);
    let mut lines = Vec::new();
    match table.rows.iter().find(|r| r.id == id) {
        Some(row) => {
            for (k, v) in &row.detail {
                lines.push(kv(s, k, v.clone(), Role::Text));
            }
            let related: Vec<_> = s
                .diagnosis
                .findings
                .iter()
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
                        lines.push(Line::styled(format!("      fix: {}", fd.fix), t.muted()));
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
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((s.ui.scroll, 0))
        .block(frame(s, format!("{} › {id}", kind.name())));
    f.render_widget(p, area);
}
