//! The hop chain, left to right, and the evidence of the selected hop.

use super::{clip, status_style};
use crate::diagnose::HopName;
use crate::diagnose::rests_on::rests_on;
use crate::ui::Scene;
use crate::ui::rows::age;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn render(f: &mut Frame, area: Rect, s: &Scene, focused: bool) {
    let t = s.theme;
    let d = s.diagnosis;
    let selected = s.ui.hop.min(d.hops.len().saturating_sub(1));
    let mut chain = Vec::new();
    for (i, h) in d.hops.iter().enumerate() {
        if i > 0 {
            chain.push(Span::styled(" → ", t.muted()));
        }
        let mut style = status_style(t, h.status);
        if i == selected && focused {
            style = t.selection();
        } else if i == selected {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        chain.push(Span::styled(
            format!("{} {}", h.status.symbol(), h.name),
            style,
        ));
        if let Some(mark) = stale_mark(s, h.name) {
            chain.push(Span::styled(format!(" {mark}"), t.warn()));
        }
    }
    let mut lines = vec![Line::from(chain), Line::default()];
    // One more row than fits, so the clipped text wraps like the whole would on screen.
    let cells = area.width.saturating_sub(2) as usize * (area.height as usize + 1);
    if let Some(h) = d.hops.get(selected) {
        for (i, e) in h.evidence.iter().enumerate() {
            let style = if i == 0 {
                t.text()
            } else {
                status_style(t, h.status)
            };
            lines.push(Line::from(vec![
                Span::styled(
                    if i == 0 {
                        format!("{}: ", h.name)
                    } else {
                        "  ".into()
                    },
                    t.accent(),
                ),
                Span::styled(clip(e, cells), style),
            ]));
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
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// `3m00s old` when data the hop rests on is stale: the status is from that long ago.
pub fn stale_mark(s: &Scene, hop: HopName) -> Option<String> {
    let sum = s.model.summary(&rests_on(hop), s.now);
    if sum.stale.is_empty() {
        return None;
    }
    sum.oldest.map(|at| format!("{} old", age(s.now, at)))
}
