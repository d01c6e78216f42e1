//! One key as the keymap holds it: a key code and its modifiers. The same value matches an
//! event, names itself in the config file and labels itself in help and the footer.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    /// Only CONTROL, ALT and SHIFT; a character's case already says whether Shift was held.
    pub mods: KeyModifiers,
}

/// Modifiers a key can be bound with; others (keypad, meta, ...) are ignored when matching.
const MODS: KeyModifiers = KeyModifiers::CONTROL
    .union(KeyModifiers::ALT)
    .union(KeyModifiers::SHIFT);

/// Named keys: config name, label, code. The label is what help and the footer show.
const NAMED: &[(&str, &str, KeyCode)] = &[
    ("up", "↑", KeyCode::Up),
    ("down", "↓", KeyCode::Down),
    ("left", "←", KeyCode::Left),
    ("right", "→", KeyCode::Right),
    ("pgup", "PgUp", KeyCode::PageUp),
    ("pgdn", "PgDn", KeyCode::PageDown),
    ("home", "Home", KeyCode::Home),
    ("end", "End", KeyCode::End),
    ("enter", "Enter", KeyCode::Enter),
    ("esc", "Esc", KeyCode::Esc),
    ("backspace", "Bksp", KeyCode::Backspace),
    ("tab", "Tab", KeyCode::Tab),
    ("shift-tab", "S-Tab", KeyCode::BackTab),
    ("delete", "Del", KeyCode::Delete),
    ("insert", "Ins", KeyCode::Insert),
    ("space", "Space", KeyCode::Char(' ')),
];

/// Other spellings the config file accepts for named keys.
const ALIASES: &[(&str, &str)] = &[
    ("pageup", "pgup"),
    ("pagedown", "pgdn"),
    ("page-up", "pgup"),
    ("page-down", "pgdn"),
    ("return", "enter"),
    ("escape", "esc"),
    ("backtab", "shift-tab"),
    ("del", "delete"),
];

impl Key {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        Self { code, mods }
    }

    pub const fn plain(code: KeyCode) -> Self {
        Self::new(code, KeyModifiers::NONE)
    }

    pub const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Self::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    /// The key an event stands for, in the form the table holds: Shift is dropped where the
    /// code already carries it (`G`, Shift-Tab), control letters are lower case.
    pub fn of(ev: &KeyEvent) -> Self {
        let mut mods = ev.modifiers & MODS;
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            c => c,
        };
        Self { code, mods }
    }

    /// A plain character: in the filter and command line it is typed, never an action.
    pub fn is_typed(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// How help and the footer show it: `↑`, `k`, `C-c`, `S-Tab`.
    pub fn label(&self) -> String {
        self.render(|_, label| label)
    }

    /// How the config file spells it: `up`, `k`, `ctrl-c`, `shift-tab`.
    pub fn name(&self) -> String {
        self.render(|name, _| name)
    }

    fn render(&self, pick: impl Fn(&'static str, &'static str) -> &'static str) -> String {
        let mut out = String::new();
        for (m, name, label) in [
            (KeyModifiers::CONTROL, "ctrl-", "C-"),
            (KeyModifiers::ALT, "alt-", "M-"),
            (KeyModifiers::SHIFT, "shift-", "S-"),
        ] {
            if self.mods.contains(m) {
                out.push_str(pick(name, label));
            }
        }
        match (NAMED.iter().find(|(_, _, c)| *c == self.code), self.code) {
            (Some((name, label, _)), _) => out.push_str(pick(name, label)),
            (None, KeyCode::Char(c)) => out.push(c),
            (None, KeyCode::F(n)) => out.push_str(&format!("{}{n}", pick("f", "F"))),
            (None, other) => out.push_str(&format!("{other:?}")),
        }
        out
    }

    /// Parse the config file's spelling: a single character, a key name or `f1`..`f12`,
    /// after any of `ctrl-`, `alt-`, `shift-`.
    pub fn parse(text: &str) -> Result<Key, InvalidKey> {
        let bad = || InvalidKey(text.to_string());
        let mut rest = text.trim();
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let Some((m, len)) = [
                ("ctrl-", KeyModifiers::CONTROL),
                ("alt-", KeyModifiers::ALT),
                ("shift-", KeyModifiers::SHIFT),
            ]
            .iter()
            .find(|(p, _)| lower.starts_with(p) && rest.len() > p.len())
            .map(|(p, m)| (*m, p.len())) else {
                break;
            };
            // `shift-tab` is a key of its own.
            if m == KeyModifiers::SHIFT && lower == "shift-tab" {
                break;
            }
            mods |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                let canonical = ALIASES
                    .iter()
                    .find(|(a, _)| *a == lower)
                    .map_or(lower.as_str(), |(_, n)| n);
                if let Some((_, _, c)) = NAMED.iter().find(|(n, _, _)| *n == canonical) {
                    *c
                } else if let Some(n) = canonical.strip_prefix('f')
                    && let Ok(n) = n.parse::<u8>()
                    && (1..=12).contains(&n)
                {
                    KeyCode::F(n)
                } else {
                    return Err(bad());
                }
            }
        };
        let mut key = Key { code, mods };
        if let KeyCode::Char(c) = key.code
            && mods.contains(KeyModifiers::SHIFT)
        {
            if !c.is_alphabetic() || mods.contains(KeyModifiers::CONTROL) {
                return Err(bad());
            }
            key.mods.remove(KeyModifiers::SHIFT);
            key.code = KeyCode::Char(c.to_ascii_uppercase());
        }
        if let KeyCode::Char(c) = key.code
            && key.mods.contains(KeyModifiers::CONTROL)
        {
            key.code = KeyCode::Char(c.to_ascii_lowercase());
        }
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A key the config file names in none of the accepted forms; its text is what the file says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid key \"{0}\"; accepted: a single character, {names}, or f1-f12, each after any of ctrl-, alt-, shift-", names = key_names())]
pub struct InvalidKey(pub String);

fn key_names() -> String {
    NAMED
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Key::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn events_normalise_to_table_keys() {
        assert_eq!(
            Key::of(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Key::ch('G')
        );
        assert_eq!(
            Key::of(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Key::plain(KeyCode::BackTab)
        );
        assert_eq!(
            Key::of(&ev(KeyCode::Char('C'), KeyModifiers::CONTROL)),
            Key::ctrl('c')
        );
        assert_eq!(
            Key::of(&ev(KeyCode::Up, KeyModifiers::SHIFT)),
            Key::new(KeyCode::Up, KeyModifiers::SHIFT)
        );
    }

    #[test]
    fn names_parse_back_to_the_same_key() {
        for k in [
            Key::ch('q'),
            Key::ch('G'),
            Key::ch('/'),
            Key::ctrl('c'),
            Key::plain(KeyCode::BackTab),
            Key::plain(KeyCode::PageDown),
            Key::plain(KeyCode::Char(' ')),
            Key::plain(KeyCode::F(5)),
            Key::new(KeyCode::Up, KeyModifiers::ALT),
        ] {
            assert_eq!(Key::parse(&k.name()), Ok(k), "{}", k.name());
        }
        assert_eq!(Key::parse("Ctrl-C"), Ok(Key::ctrl('c')));
        assert_eq!(Key::parse("shift-g"), Ok(Key::ch('G')));
        assert_eq!(Key::parse("PageUp"), Ok(Key::plain(KeyCode::PageUp)));
        assert_eq!(Key::parse("-"), Ok(Key::ch('-')));
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(Key::plain(KeyCode::Up).label(), "↑");
        assert_eq!(Key::ctrl('c').label(), "C-c");
        assert_eq!(Key::plain(KeyCode::BackTab).label(), "S-Tab");
        assert_eq!(Key::plain(KeyCode::F(2)).label(), "F2");
    }

    #[test]
    fn bad_keys_say_what_is_accepted() {
        for bad in ["", "ctrl-", "upp", "f13", "shift-1", "ctrl-shift-x"] {
            let e = Key::parse(bad).unwrap_err();
            assert_eq!(e, InvalidKey(bad.into()));
            let msg = e.to_string();
            assert!(
                msg.contains("accepted: a single character") && msg.contains("pgdn"),
                "{msg}"
            );
        }
    }
}
