//! The bottom line: the input being typed, a status message, or the main keys.

use crate::keymap::BINDINGS;
use crate::ui::Scene;
use crate::ui::state::Mode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let line = match s.ui.mode {
        Mode::Filter => Line::from(vec![
            Span::styled("/", t.accent()),
            Span::styled(format!("{}▏", s.ui.input), t.text()),
            Span::styled("  Enter keeps · Esc clears", t.muted()),
        ]),
        Mode::Command => Line::from(vec![
            Span::styled(":", t.accent()),
            Span::styled(format!("{}▏", s.ui.input), t.text()),
            Span::styled(
                "  vpcs peering cluster enis targets endpoints zones dns probes events findings sources",
                t.muted(),
            ),
        ]),
        _ => match &s.ui.status {
            Some(msg) => Line::styled(msg.clone(), t.warn()),
            None => {
                let mut spans = Vec::new();
                for b in BINDINGS {
                    if let Some(label) = b.footer {
                        spans.push(Span::styled(format!(" {} ", b.keys), t.selection()));
                        spans.push(Span::styled(format!(" {label} "), t.muted()));
                    }
                }
                Line::from(spans)
            }
        },
    };
    f.render_widget(Paragraph::new(line), area);
}
