//! The one key table: it drives input handling, the help overlay and the footer.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Enter,
    Back,
    Filter,
    Command,
    Help,
    Refresh,
    Copy,
    CopyDetail,
    NextPane,
    PrevPane,
    CycleTheme,
    Quit,
}

pub struct Binding {
    /// How the keys are shown in help and the footer.
    pub keys: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// The footer's short label (the most used keys only).
    pub footer: Option<&'static str>,
    matches: fn(&KeyEvent) -> bool,
}

fn code(k: &KeyEvent, c: KeyCode) -> bool {
    k.code == c && !k.modifiers.contains(KeyModifiers::CONTROL)
}

fn ch(k: &KeyEvent, c: char) -> bool {
    code(k, KeyCode::Char(c))
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "↑/k",
        action: Action::Up,
        help: "move up",
        footer: None,
        matches: |k| code(k, KeyCode::Up) || ch(k, 'k'),
    },
    Binding {
        keys: "↓/j",
        action: Action::Down,
        help: "move down",
        footer: None,
        matches: |k| code(k, KeyCode::Down) || ch(k, 'j'),
    },
    Binding {
        keys: "←/h",
        action: Action::Left,
        help: "previous hop",
        footer: None,
        matches: |k| code(k, KeyCode::Left) || ch(k, 'h'),
    },
    Binding {
        keys: "→/l",
        action: Action::Right,
        help: "next hop",
        footer: None,
        matches: |k| code(k, KeyCode::Right) || ch(k, 'l'),
    },
    Binding {
        keys: "PgUp",
        action: Action::PageUp,
        help: "page up",
        footer: None,
        matches: |k| code(k, KeyCode::PageUp),
    },
    Binding {
        keys: "PgDn",
        action: Action::PageDown,
        help: "page down",
        footer: None,
        matches: |k| code(k, KeyCode::PageDown),
    },
    Binding {
        keys: "g",
        action: Action::Top,
        help: "go to the top",
        footer: None,
        matches: |k| ch(k, 'g') || code(k, KeyCode::Home),
    },
    Binding {
        keys: "G",
        action: Action::Bottom,
        help: "go to the bottom",
        footer: None,
        matches: |k| ch(k, 'G') || code(k, KeyCode::End),
    },
    Binding {
        keys: "Enter",
        action: Action::Enter,
        help: "open the selection's detail",
        footer: Some("detail"),
        matches: |k| code(k, KeyCode::Enter),
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        help: "go back",
        footer: Some("back"),
        matches: |k| code(k, KeyCode::Esc) || code(k, KeyCode::Backspace),
    },
    Binding {
        keys: "/",
        action: Action::Filter,
        help: "filter the current list",
        footer: Some("filter"),
        matches: |k| ch(k, '/'),
    },
    Binding {
        keys: ":",
        action: Action::Command,
        help: "jump to a resource kind (:vpcs :peering :cluster :enis :targets :endpoints :zones :dns :probes :events :findings)",
        footer: Some("jump"),
        matches: |k| ch(k, ':'),
    },
    Binding {
        keys: "Tab",
        action: Action::NextPane,
        help: "next pane",
        footer: Some("pane"),
        matches: |k| code(k, KeyCode::Tab),
    },
    Binding {
        keys: "S-Tab",
        action: Action::PrevPane,
        help: "previous pane",
        footer: None,
        matches: |k| code(k, KeyCode::BackTab),
    },
    Binding {
        keys: "r",
        action: Action::Refresh,
        help: "refresh every source now",
        footer: Some("refresh"),
        matches: |k| ch(k, 'r'),
    },
    Binding {
        keys: "c",
        action: Action::Copy,
        help: "copy the fix of the selected finding or hop, else the selected id (OSC 52, works over SSH)",
        footer: None,
        matches: |k| ch(k, 'c'),
    },
    Binding {
        keys: "y",
        action: Action::CopyDetail,
        help: "copy the whole detail of the selection as text",
        footer: None,
        matches: |k| ch(k, 'y'),
    },
    Binding {
        keys: "t",
        action: Action::CycleTheme,
        help: "next colour theme",
        footer: None,
        matches: |k| ch(k, 't'),
    },
    Binding {
        keys: "?",
        action: Action::Help,
        help: "show or hide this help",
        footer: Some("help"),
        matches: |k| ch(k, '?'),
    },
    Binding {
        keys: "q/C-c",
        action: Action::Quit,
        help: "quit",
        footer: Some("quit"),
        matches: |k| {
            ch(k, 'q')
                || (k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL))
        },
    },
];

pub fn action_for(key: &KeyEvent) -> Option<Action> {
    BINDINGS.iter().find(|b| (b.matches)(key)).map(|b| b.action)
}

pub fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(action_for(&key(KeyCode::Char('j'))), Some(Action::Down));
        assert_eq!(action_for(&key(KeyCode::Esc)), Some(Action::Back));
        assert_eq!(
            action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(action_for(&key(KeyCode::Char('c'))), Some(Action::Copy));
        assert_eq!(action_for(&key(KeyCode::Char('x'))), None);
    }

    #[test]
    fn every_action_has_one_binding() {
        let mut seen = std::collections::BTreeSet::new();
        for b in BINDINGS {
            assert!(
                seen.insert(format!("{:?}", b.action)),
                "{:?} bound twice",
                b.action
            );
        }
    }
}
