//! One file per pane.

pub mod detail;
pub mod footer;
pub mod header;
pub mod help;
pub mod history;
pub mod list;
pub mod main;
pub mod path;
pub mod picker;

use super::rows::Role;
use super::theme::Theme;
use crate::diagnose::HopStatus;
use ratatui::style::Style;

pub fn role_style(t: &Theme, r: Role) -> Style {
    match r {
        Role::Text => t.text(),
        Role::Muted => t.muted(),
        Role::Accent => t.accent(),
        Role::Ok => t.ok(),
        Role::Warn => t.warn(),
        Role::Fail => t.fail(),
        Role::Unknown => t.unknown(),
        Role::Skipped => t.skipped(),
        Role::Info => t.info(),
        Role::Fix => t.fix(),
    }
}

pub fn status_style(t: &Theme, s: HopStatus) -> Style {
    role_style(t, Role::of_status(s))
}

/// At most `max` characters of `text`. A pane shows no more characters than it has cells,
/// and wrapping or measuring the rest of a long evidence line costs milliseconds a frame.
pub fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("→ab", 2), "→a");
        assert_eq!(clip("ab", 5), "ab");
        assert_eq!(clip("", 0), "");
    }
}
