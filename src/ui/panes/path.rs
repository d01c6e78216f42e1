//! The hop chain, left to right, and the evidence of the selected hop.

use super::status_style;
use crate::diagnose::HopName;
use crate::diagnose::rests_on::rests_on_route;
use crate::ui::Scene;
use crate::ui::rows::age;
use crate::ui::text::{truncate, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(f: &mut Frame, area: Rect, s: &Scene, focused: bool) {
    let t = s.theme;
    let d = s.diagnosis;
    let selected = s.ui.hop.min(d.hops.len().saturating_sub(1));
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    // Hops are units: a line breaks after an arrow, never between a symbol and its name.
    let mut lines: Vec<Line> = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut used = 0;
    for (i, h) in d.hops.iter().enumerate() {
        let mut style = status_style(t, h.status);
        if i == selected && focused {
            style = t.selection();
        } else if i == selected {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        let mut unit = vec![Span::styled(
            format!("{} {}", h.status.symbol(), h.name),
            style,
        )];
        if let Some(mark) = stale_mark(s, h.name) {
            unit.push(Span::styled(format!(" {mark}"), t.warn()));
        }
        let arrow = if i + 1 < d.hops.len() { " →" } else { "" };
        let width = unit.iter().map(Span::width).sum::<usize>() + arrow.chars().count();
        let gap = usize::from(used > 0);
        if used > 0 && used + gap + width > inner {
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if used > 0 {
            line.push(Span::raw(" "));
            used += 1;
        }
        line.extend(unit);
        line.push(Span::styled(arrow, t.muted()));
        used += width;
    }
    lines.push(Line::from(line));
    lines.push(Line::default());
    if let Some(h) = d.hops.get(selected) {
        // Evidence wraps with a hanging indent under its first word.
        let rows = usize::from(area.height.saturating_sub(2));
        for (i, e) in h.evidence.iter().enumerate() {
            let (lead, style) = if i == 0 {
                (format!("{}: ", h.name), t.text())
            } else {
                ("  ".to_string(), status_style(t, h.status))
            };
            let indent = if i == 0 { 2 } else { 4 };
            let text = format!("{lead}{e}");
            for (j, row) in wrap(&text, inner, indent).into_iter().enumerate() {
                if lines.len() >= rows {
                    break;
                }
                let row = truncate(&row, inner);
                lines.push(if j == 0 {
                    let cut = row
                        .char_indices()
                        .nth(lead.chars().count())
                        .map_or(row.len(), |(b, _)| b);
                    Line::from(vec![
                        Span::styled(row[..cut].to_string(), t.accent()),
                        Span::styled(row[cut..].to_string(), style),
                    ])
                } else {
                    Line::from(Span::styled(row, style))
                });
            }
        }
    }
    // Whatever counts from off the path is named, so the title never contradicts the hops.
    let verdict = match d.first_failure {
        Some(h) => format!(" ✖ broken at {h} "),
        None if d.elsewhere.iter().any(|e| e.status == d.verdict)
            && d.hops.iter().all(|h| h.status != d.verdict) =>
        {
            let ids: Vec<&str> = d
                .elsewhere
                .iter()
                .filter(|e| e.status == d.verdict)
                .map(|e| e.id)
                .collect();
            format!(
                " {} {} · hops OK here, {} elsewhere: {} ",
                d.verdict.symbol(),
                d.verdict.label(),
                ids.len(),
                ids.join(", ")
            )
        }
        None => format!(" {} {} ", d.verdict.symbol(), d.verdict.label()),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(Span::styled(
            format!(" Path · {} ", d.route.label()),
            t.title(),
        ))
        .title(Line::styled(verdict, status_style(t, d.verdict)).right_aligned());
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// `3m00s old` when data the hop rests on is stale: the status is from that long ago.
pub fn stale_mark(s: &Scene, hop: HopName) -> Option<String> {
    let sum = s
        .model
        .summary(&rests_on_route(hop, s.diagnosis.route), s.now);
    if sum.stale.is_empty() {
        return None;
    }
    sum.oldest.map(|at| format!("{} old", age(s.now, at)))
}
