//! The bottom line: the input being typed, a status message, or the keys that work here.

use crate::keymap::{Action, Context};
use crate::ui::Scene;
use crate::ui::state::{Mode, jump_targets};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The keys of a replay, which its loop handles before the view's own: the key, its name
/// in the footer, and its help.
pub const REPLAY_KEYS: &[(&str, &str, &str)] = &[
    (
        "space",
        "play/pause",
        "play or pause (at the end: from the start)",
    ),
    (
        ".",
        "step",
        "pause and apply the next line of the recording",
    ),
    ("[ ]", "∓1 min", "seek a minute back or forth"),
    ("< >", "speed", "halve or double the speed (1× to 256×)"),
    (
        "@",
        "seek",
        "seek to a time: 09:41, 09:41:30, +5m, or an RFC 3339 time",
    ),
];

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let keys = s.keymap;
    let input = |a| keys.label(a, Context::Input);
    let line = match s.ui.mode {
        Mode::Filter => Line::from(vec![
            Span::styled("/", t.accent()),
            Span::styled(format!("{}▏", s.ui.input), t.text()),
            Span::styled(
                format!(
                    "  {} keeps · {} clears",
                    input(Action::Accept),
                    input(Action::Cancel)
                ),
                t.muted(),
            ),
        ]),
        Mode::Command => {
            let typed = s.ui.input.trim().to_ascii_lowercase();
            let matching: Vec<&str> = jump_targets()
                .into_iter()
                .filter(|n| n.starts_with(&typed))
                .collect();
            Line::from(vec![
                Span::styled(":", t.accent()),
                Span::styled(format!("{}▏", s.ui.input), t.text()),
                Span::styled(
                    format!(
                        "  {} · {} completes",
                        matching.join(" "),
                        input(Action::Complete)
                    ),
                    t.muted(),
                ),
            ])
        }
        _ => match &s.ui.status {
            Some(msg) => Line::styled(msg.clone(), t.warn()),
            None => {
                // The first key of each; help lists them all. When they do not fit, the
                // ones before help and quit give way, so those two always show.
                let replay = if s.ui.replay.is_some() {
                    REPLAY_KEYS
                } else {
                    &[]
                };
                let mut entries: Vec<(String, &str)> = replay
                    .iter()
                    .map(|(k, n, _)| (k.to_string(), *n))
                    // A replay reads nothing: there is nothing to refresh.
                    .chain(
                        keys.footer(s.ui.context())
                            .into_iter()
                            .filter(|(_, n)| replay.is_empty() || *n != "refresh"),
                    )
                    .map(|(label, name)| {
                        let first = label.split('/').next().unwrap_or(&label);
                        let first = if first.is_empty() { "/" } else { first };
                        (first.to_string(), name)
                    })
                    .collect();
                let width = |e: &[(String, &str)]| {
                    e.iter()
                        .map(|(k, n)| k.chars().count() + n.chars().count() + 4)
                        .sum::<usize>()
                };
                while width(&entries) > area.width as usize && entries.len() > 2 {
                    entries.remove(entries.len() - 3);
                }
                let mut spans = Vec::new();
                for (label, name) in entries {
                    spans.push(Span::styled(format!(" {label} "), t.selection()));
                    spans.push(Span::styled(format!(" {name} "), t.muted()));
                }
                Line::from(spans)
            }
        },
    };
    f.render_widget(Paragraph::new(line), area);
}
