//! The help overlay, generated from the key table.

use crate::keymap::BINDINGS;
use crate::ui::Scene;
use crate::ui::text::wrap;

/// Width of the keys column.
const KEYS: usize = 9;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

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
    // Wrapped help lines hang under their text, not under the keys.
    let room = w.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for b in BINDINGS {
        for (i, part) in wrap(b.help, room.saturating_sub(KEYS), KEYS)
            .into_iter()
            .enumerate()
        {
            let keys = if i == 0 {
                format!("{:>7}  ", b.keys)
            } else {
                String::new()
            };
            lines.push(Line::from(vec![
                Span::styled(keys, t.accent()),
                Span::styled(part.trim_start().to_string(), t.text()),
            ]));
            if i > 0 {
                let l = lines.last_mut().expect("just pushed");
                l.spans[0] = Span::raw(" ".repeat(KEYS));
            }
        }
    }
    lines.push(Line::default());
    for part in wrap(
        "Symbols: ✔ ok  ! warn  ✖ fail  ? unknown  – skipped. ↑/↓ scroll; any other key closes this help.",
        room,
        9,
    ) {
        lines.push(Line::styled(part, t.muted()));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(" Help ", t.title()));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).scroll((s.ui.scroll, 0)).block(block),
        rect,
    );
}
