//! The help overlay, generated from the key table.

use crate::keymap::BINDINGS;
use crate::ui::Scene;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let w = area.width.saturating_sub(4).min(100);
    let h = (BINDINGS.len() as u16 + 6).min(area.height.saturating_sub(2));
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>7}  ", b.keys), t.accent()),
                Span::styled(b.help, t.text()),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        "Symbols: ✔ ok  ! warn  ✖ fail  ? unknown  – skipped. Any key closes this help.",
        t.muted(),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(" Help ", t.title()));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((s.ui.scroll, 0))
            .block(block),
        rect,
    );
}
