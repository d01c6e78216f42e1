//! The one key table. Each binding holds its key codes, the contexts it works in and its
//! help text; input matching, the help overlay and the footer all read the same codes, so
//! a label never shows a key that matches differently. The config file's `[keys]` table
//! replaces an action's keys ([`Keymap::rebind`]).

mod key;

pub use key::{InvalidKey, Key};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
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
    Sort,
    Command,
    NextPane,
    PrevPane,
    Refresh,
    Copy,
    CopyDetail,
    CycleTheme,
    Help,
    Quit,
    /// In the filter or command line: keep the filter, run the command.
    Accept,
    /// In the filter or command line: leave it (a filter is cleared).
    Cancel,
    /// In the command line: complete the kind being typed.
    Complete,
    /// In the filter or command line: delete the last character.
    Erase,
}

/// Where a key is pressed. A binding works only in the contexts it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// The main screen with the path focused.
    Main,
    /// A list: a `:` list, or the findings or events pane of the main screen.
    List,
    /// A hop's or a row's detail.
    Detail,
    /// The help overlay; any key that is not bound here closes it.
    Help,
    /// Typing a filter (`/`) or a command (`:`); plain characters are always typed.
    Input,
}

impl Context {
    pub const ALL: [Context; 5] = [
        Context::Main,
        Context::List,
        Context::Detail,
        Context::Help,
        Context::Input,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Main => "main",
            Context::List => "list",
            Context::Detail => "detail",
            Context::Help => "help",
            Context::Input => "input",
        }
    }
}

pub struct Binding {
    pub action: Action,
    /// The default keys; the config file may replace them.
    pub keys: &'static [Key],
    pub contexts: &'static [Context],
    pub help: &'static str,
    /// The footer's short label; `None` keeps it out of the footer.
    pub footer: Option<&'static str>,
}

use Context::{Detail, Help, Input, List, Main};

const VIEWS: &[Context] = &[Main, List, Detail];

const fn b(
    action: Action,
    keys: &'static [Key],
    contexts: &'static [Context],
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        action,
        keys,
        contexts,
        help,
        footer,
    }
}

const fn k(c: KeyCode) -> Key {
    Key::plain(c)
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    b(Action::Up, &[k(KeyCode::Up), Key::ch('k')], &[Main, List, Detail, Help], "move up", None),
    b(Action::Down, &[k(KeyCode::Down), Key::ch('j')], &[Main, List, Detail, Help], "move down", None),
    b(Action::Left, &[k(KeyCode::Left), Key::ch('h')], &[Main], "previous hop", None),
    b(Action::Right, &[k(KeyCode::Right), Key::ch('l')], &[Main], "next hop", None),
    b(Action::PageUp, &[k(KeyCode::PageUp)], &[Main, List, Detail, Help], "page up", None),
    b(Action::PageDown, &[k(KeyCode::PageDown)], &[Main, List, Detail, Help], "page down", None),
    b(Action::Top, &[Key::ch('g'), k(KeyCode::Home)], VIEWS, "go to the top", None),
    b(Action::Bottom, &[Key::ch('G'), k(KeyCode::End)], VIEWS, "go to the bottom", None),
    b(Action::Enter, &[k(KeyCode::Enter)], VIEWS, "open the selection's detail (or double-click it)", Some("open")),
    b(Action::Back, &[k(KeyCode::Esc), k(KeyCode::Backspace)], &[List, Detail], "go back (leaving a list clears its filter)", Some("back")),
    b(Action::Filter, &[Key::ch('/')], &[List], "filter the current list", Some("filter")),
    b(Action::Sort, &[Key::ch('s')], &[List], "sort by the next column, again to reverse; Shift + a column's first letter sorts by that column", Some("sort")),
    b(Action::Command, &[Key::ch(':')], VIEWS, "jump: :main, a resource kind (Tab completes), or :q to quit", Some("jump")),
    b(Action::NextPane, &[k(KeyCode::Tab)], &[Main, List], "next pane (on a list: next kind); a click focuses a pane", Some("pane")),
    b(Action::PrevPane, &[k(KeyCode::BackTab)], &[Main, List], "previous pane (on a list: previous kind)", None),
    b(Action::Refresh, &[Key::ch('r')], VIEWS, "refresh every source now", Some("refresh")),
    b(Action::Copy, &[Key::ch('c')], VIEWS, "copy the fix of the selected finding or hop, else the selected id (OSC 52, works over SSH)", None),
    b(Action::CopyDetail, &[Key::ch('y')], VIEWS, "copy the whole detail of the selection as text", None),
    b(Action::CycleTheme, &[Key::ch('t')], VIEWS, "next colour theme", None),
    b(Action::Help, &[Key::ch('?')], &[Main, List, Detail, Help], "show or hide this help", Some("help")),
    b(Action::Quit, &[Key::ch('q'), Key::ctrl('c')], &[Main, List, Detail, Help, Input], "quit", Some("quit")),
    b(Action::Accept, &[k(KeyCode::Enter)], &[Input], "keep the filter, or run the command", Some("keep")),
    b(Action::Cancel, &[k(KeyCode::Esc)], &[Input], "leave the line (a filter is cleared)", Some("clear")),
    b(Action::Complete, &[k(KeyCode::Tab)], &[Input], "complete the command; again for the next match", Some("complete")),
    b(Action::Erase, &[k(KeyCode::Backspace)], &[Input], "delete the last character", None),
];

impl Action {
    /// The binding of this action in [`BINDINGS`].
    pub fn binding(self) -> &'static Binding {
        BINDINGS
            .iter()
            .find(|b| b.action == self)
            .expect("every action is in BINDINGS")
    }

    fn slot(self) -> usize {
        BINDINGS
            .iter()
            .position(|b| b.action == self)
            .expect("every action is in BINDINGS")
    }

    /// The name the config file's `[keys]` table uses.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    pub fn works_in(self, ctx: Context) -> bool {
        self.binding().contexts.contains(&ctx)
    }
}

/// Two actions that the same key would trigger in the same context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: Key,
    pub context: Context,
    pub actions: [Action; 2],
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "key {} is bound to both {} and {} in the {} context",
            self.key,
            self.actions[0].name(),
            self.actions[1].name(),
            self.context.name()
        )
    }
}

/// The keys in force: [`BINDINGS`]' defaults, with the config file's replacements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// One list per binding, in [`BINDINGS`] order.
    keys: Vec<Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            keys: BINDINGS.iter().map(|b| b.keys.to_vec()).collect(),
        }
    }
}

impl Keymap {
    /// Replace the keys of `action`.
    pub fn rebind(&mut self, action: Action, keys: Vec<Key>) {
        self.keys[action.slot()] = keys;
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        &self.keys[action.slot()]
    }

    /// The keys of `action` that act in `ctx`: in the input line a plain character is typed.
    fn live(&self, action: Action, ctx: Context) -> impl Iterator<Item = &Key> {
        self.keys(action)
            .iter()
            .filter(move |k| ctx != Context::Input || !k.is_typed())
    }

    /// The action `ev` triggers in `ctx`, if any.
    pub fn action_for(&self, ev: &KeyEvent, ctx: Context) -> Option<Action> {
        let key = Key::of(ev);
        BINDINGS
            .iter()
            .filter(|b| b.contexts.contains(&ctx))
            .find(|b| self.live(b.action, ctx).any(|k| *k == key))
            .map(|b| b.action)
    }

    /// The keys of `action` as help shows them, e.g. `↑/k`. In the input line only the
    /// keys that act there.
    pub fn label(&self, action: Action, ctx: Context) -> String {
        self.live(action, ctx)
            .map(Key::label)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Key labels and short names of the footer bindings that work in `ctx`.
    pub fn footer(&self, ctx: Context) -> Vec<(String, &'static str)> {
        BINDINGS
            .iter()
            .filter(|b| b.contexts.contains(&ctx))
            .filter_map(|b| {
                let label = self.label(b.action, ctx);
                Some((label, b.footer?)).filter(|(l, _)| !l.is_empty())
            })
            .collect()
    }

    /// The first key that two actions share in one context.
    pub fn conflict(&self) -> Option<Conflict> {
        for ctx in Context::ALL {
            let here: Vec<&Binding> = BINDINGS
                .iter()
                .filter(|b| b.contexts.contains(&ctx))
                .collect();
            for (i, a) in here.iter().enumerate() {
                for key in self.live(a.action, ctx) {
                    if let Some(other) = here[i + 1..]
                        .iter()
                        .find(|o| self.live(o.action, ctx).any(|k| k == key))
                    {
                        return Some(Conflict {
                            key: *key,
                            context: ctx,
                            actions: [a.action, other.action],
                        });
                    }
                }
            }
        }
        None
    }
}

/// Ctrl-C ends the view as an interrupt (exit 130) whatever the bindings say.
pub fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn ev(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn keys_map_to_actions_in_their_contexts() {
        let m = Keymap::default();
        assert_eq!(
            m.action_for(&ev(KeyCode::Char('j')), List),
            Some(Action::Down)
        );
        assert_eq!(m.action_for(&ev(KeyCode::Esc), Detail), Some(Action::Back));
        assert_eq!(m.action_for(&ev(KeyCode::Esc), Input), Some(Action::Cancel));
        assert_eq!(
            m.action_for(&ev(KeyCode::Tab), Main),
            Some(Action::NextPane)
        );
        assert_eq!(
            m.action_for(&ev(KeyCode::Tab), Input),
            Some(Action::Complete)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in Context::ALL {
            assert_eq!(m.action_for(&ctrl_c, ctx), Some(Action::Quit), "{ctx:?}");
        }
        assert_eq!(
            m.action_for(&ev(KeyCode::Char('c')), List),
            Some(Action::Copy)
        );
        assert_eq!(m.action_for(&ev(KeyCode::Char('q')), Input), None, "typed");
        assert_eq!(m.action_for(&ev(KeyCode::Char('x')), List), None);
        assert_eq!(m.action_for(&ev(KeyCode::Left), List), None, "path only");
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(m.action_for(&shift_g, List), Some(Action::Bottom));
    }

    #[test]
    fn labels_are_derived_from_the_codes() {
        let mut m = Keymap::default();
        assert_eq!(m.label(Action::Up, List), "↑/k");
        assert_eq!(m.label(Action::Back, List), "Esc/Bksp");
        assert_eq!(m.label(Action::Quit, List), "q/C-c");
        assert_eq!(m.label(Action::Quit, Input), "C-c", "q is typed there");
        m.rebind(Action::Quit, vec![Key::ch('x'), Key::ctrl('d')]);
        assert_eq!(m.label(Action::Quit, List), "x/C-d");
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(m.action_for(&ctrl_d, List), Some(Action::Quit));
        assert_eq!(m.action_for(&ev(KeyCode::Char('q')), List), None);
        // Every label's keys are exactly the ones that match.
        let m = Keymap::default();
        for b in BINDINGS {
            for ctx in b.contexts {
                for key in m.keys(b.action) {
                    let matched = m.action_for(&KeyEvent::new(key.code, key.mods), *ctx);
                    let label = m.label(b.action, *ctx);
                    let shown = label == key.label() || label.split('/').any(|l| l == key.label());
                    assert_eq!(matched == Some(b.action), shown, "{key:?} in {ctx:?}");
                }
            }
        }
    }

    #[test]
    fn every_action_is_bound_once_and_reachable() {
        let m = Keymap::default();
        let mut seen = std::collections::BTreeSet::new();
        for b in BINDINGS {
            assert!(seen.insert(b.action), "{:?} bound twice", b.action);
            assert!(!b.contexts.is_empty(), "{:?} works nowhere", b.action);
            for ctx in b.contexts {
                assert!(
                    !m.label(b.action, *ctx).is_empty(),
                    "{:?} has no key that acts in {ctx:?}",
                    b.action
                );
            }
        }
        assert_eq!(seen.len(), BINDINGS.len());
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        assert_eq!(Keymap::default().conflict(), None);
        let mut m = Keymap::default();
        m.rebind(Action::Refresh, vec![Key::ch('j')]);
        let c = m.conflict().unwrap();
        assert_eq!(c.key, Key::ch('j'));
        assert_eq!(c.actions, [Action::Down, Action::Refresh]);
        assert_eq!(
            c.to_string(),
            "key j is bound to both down and refresh in the main context"
        );
        // The same key in two contexts is fine: Tab moves panes and completes commands.
        m.rebind(Action::Refresh, vec![Key::ch('r')]);
        m.rebind(Action::Complete, vec![Key::plain(KeyCode::Tab)]);
        assert_eq!(m.conflict(), None);
    }

    #[test]
    fn config_names_are_kebab_case() {
        assert_eq!(Action::PageUp.name(), "page-up");
        assert_eq!(Action::CycleTheme.name(), "cycle-theme");
        for b in BINDINGS {
            let parsed: Action =
                serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<
                    serde::de::value::Error,
                >::new(&b.action.name()))
                .unwrap();
            assert_eq!(parsed, b.action);
        }
    }

    #[test]
    fn the_footer_shows_only_what_works_here() {
        let m = Keymap::default();
        let names = |ctx| {
            m.footer(ctx)
                .into_iter()
                .map(|(_, n)| n)
                .collect::<Vec<_>>()
        };
        assert!(names(List).contains(&"filter") && names(List).contains(&"sort"));
        assert!(!names(Main).contains(&"filter") && !names(Main).contains(&"back"));
        assert!(!names(Detail).contains(&"sort"));
        assert_eq!(names(Input), vec!["quit", "keep", "clear", "complete"]);
    }
}
