//! The help overlay, generated from the key table: grouped by where the keys work, each
//! label derived from the keys in force.

use crate::keymap::{BINDINGS, Context};
use crate::ui::Scene;
use crate::ui::state::jump_targets;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

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
    let mut lines: Vec<Line> = Vec::new();
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
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:>9}  ", s.keymap.label(b.action, ctx)),
                    t.accent(),
                ),
                Span::styled(b.help, t.text()),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "Jump targets: {}",
            jump_targets()
                .iter()
                .map(|n| format!(":{n}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        t.muted(),
    ));
    lines.push(Line::styled(
        "Symbols: ✔ ok  ! warn  ✖ fail  ? unknown  – skipped. Any key closes this help.",
        t.muted(),
    ));
    let w = area.width.saturating_sub(4).min(100);
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
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((s.ui.scroll, 0))
            .block(block),
        rect,
    );
}
