//! The help overlay, generated from the key table: grouped by where the keys work, each
//! label derived from the keys in force.

use crate::keymap::{BINDINGS, Context};
use crate::ui::Scene;
use crate::ui::state::jump_targets;
use crate::ui::text::wrap;

/// Width of the keys column, with its gap.
const KEYS: usize = 11;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const VIEWS: [Context; 3] = [Context::Main, Context::List, Context::Detail];

/// Groups in order: keys that work in every view, then by the first context a key works in.
fn groups() -> Vec<(&'static str, Context, Vec<usize>)> {
    let mut out = vec![("anywhere", Context::List, vec![])];
    for (name, ctx) in [
        ("on the path (main screen)", Context::Main),
        ("in a list", Context::List),
        ("in a detail", Context::Detail),
        ("in the filter or command line", Context::Input),
    ] {
        out.push((name, ctx, vec![]));
    }
    for (i, b) in BINDINGS.iter().enumerate() {
        if VIEWS.iter().all(|c| b.contexts.contains(c)) {
            out[0].2.push(i);
        } else if let Some(g) = out[1..].iter_mut().find(|g| b.contexts.contains(&g.1)) {
            g.2.push(i);
        }
    }
    out
}

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let w = area.width.saturating_sub(4).min(100);
    // Wrapped help lines hang under their text, not under the keys.
    let room = w.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if s.ui.replay.is_some() {
        lines.push(Line::styled("in a replay", t.title()));
        for (keys, _, help) in super::footer::REPLAY_KEYS {
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>9}  "), t.accent()),
                Span::styled(help.to_string(), t.text()),
            ]));
        }
    }
    for (name, ctx, members) in groups() {
        if members.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(name, t.title()));
        for i in members {
            let b = &BINDINGS[i];
            let parts = wrap(b.help, room.saturating_sub(KEYS), 0);
            for (j, part) in parts.into_iter().enumerate() {
                let keys = if j == 0 {
                    format!("{:>9}  ", s.keymap.label(b.action, ctx))
                } else {
                    " ".repeat(KEYS)
                };
                lines.push(Line::from(vec![
                    Span::styled(keys, t.accent()),
                    Span::styled(part.trim_start().to_string(), t.text()),
                ]));
            }
        }
    }
    lines.push(Line::default());
    let jumps = jump_targets()
        .iter()
        .map(|n| format!(":{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let notes = [
        format!("Jump targets: {jumps}"),
        "Symbols: ✔ ok  ! warn  ✖ fail  ? unknown  – skipped. ↑/↓ scroll; any other key closes this help.".to_string(),
    ];
    for note in notes {
        for part in wrap(&note, room, 2) {
            lines.push(Line::styled(part, t.muted()));
        }
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
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
