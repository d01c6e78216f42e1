//! The app state and `update`, the one place it changes.

use crate::diagnose::history::{self, HopHistory};
use crate::diagnose::{Diagnosis, HopName, HopStatus, diagnose};
use crate::keymap::{Action, Context, Key, Keymap};
use crate::model::{Fetched, LoadState, Model};
use crate::ui::hit::Hit;
use crate::ui::rows;
use crate::ui::state::{Kind, Mode, Pane, UiState, View, jump_targets};
use crate::ui::theme::Theme;
use chrono::{DateTime, Utc};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

pub enum Msg {
    Input(Event),
    Fetched(Box<Fetched>),
    /// A second passed: ages in the header change.
    Tick,
    /// A background check of another cluster of the fleet is done.
    Member {
        name: String,
        check: crate::model::fleet::MemberCheck,
    },
}

/// What the event loop must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Refresh,
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Show this cluster of the fleet instead (`:clusters`, Enter).
    Switch(String),
    Quit,
}

pub struct App {
    /// Change it through [`App::update`]: the diagnosis and the rows follow it there.
    pub model: Model,
    /// Judged once per model change, never per frame or key.
    pub diagnosis: Diagnosis,
    /// Every hop's status over the last minutes, noted each time it is judged.
    pub history: HopHistory,
    rows: rows::Cache,
    pub ui: UiState,
    pub themes: Vec<Theme>,
    /// Set when the next frame differs from the last.
    pub dirty: bool,
    /// The keys in force (the defaults, or the config file's).
    pub keymap: Keymap,
    /// The terminal's size, from resize events: clicks map through the layout of this size.
    pub size: Rect,
    /// The last click on a row, for double-clicks.
    last_click: Option<(DateTime<Utc>, Kind, usize)>,
    /// Tab completion of a `:` command: what was typed, and the match shown.
    completing: Option<(String, usize)>,
    verdicts: verdict::VerdictEvents,
}

mod input;
mod verdict;

const PAGE: usize = 10;

/// Two clicks on one row within this open it.
const DOUBLE_CLICK_MS: i64 = 400;

impl App {
    pub fn new(model: Model, themes: Vec<Theme>) -> Self {
        assert!(!themes.is_empty(), "at least one theme");
        let diagnosis = diagnose(&model);
        let mut app = Self {
            model,
            diagnosis,
            history: HopHistory::default(),
            rows: rows::Cache::default(),
            ui: UiState::default(),
            themes,
            dirty: true,
            keymap: Keymap::default(),
            size: Rect::new(0, 0, 120, 40),
            last_click: None,
            completing: None,
            verdicts: Default::default(),
        };
        app.follow_failure();
        app
    }

    /// Draw the current state; the same call serves the terminal, tests and screenshots.
    pub fn render(&self, f: &mut ratatui::Frame, now: DateTime<Utc>) {
        crate::ui::render(f, &self.scene(now))
    }

    fn scene(&self, now: DateTime<Utc>) -> crate::ui::Scene<'_> {
        crate::ui::Scene {
            model: &self.model,
            diagnosis: &self.diagnosis,
            history: &self.history,
            rows: &self.rows,
            ui: &self.ui,
            theme: self.theme(),
            keymap: &self.keymap,
            now,
        }
    }

    pub fn theme(&self) -> &Theme {
        &self.themes[self.ui.theme % self.themes.len()]
    }

    pub fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
        match msg {
            Msg::Fetched(f) => {
                self.model.apply(*f, now);
                self.rediagnose(now);
                self.dirty = true;
                vec![]
            }
            Msg::Tick => {
                // The judgement stands until the next one: the current window shows it.
                history::record(&mut self.history, &self.diagnosis, now);
                self.dirty = true;
                vec![]
            }
            Msg::Input(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                self.dirty = true;
                self.on_key(k)
            }
            Msg::Input(Event::Mouse(m)) => self.on_mouse(m, now),
            Msg::Input(Event::Resize(w, h)) => {
                self.size = Rect::new(0, 0, w, h);
                self.dirty = true;
                vec![]
            }
            Msg::Input(_) => vec![],
            Msg::Member { name, check } => {
                self.model.fleet.record(&name, check);
                self.rows.clear();
                self.dirty = true;
                vec![]
            }
        }
    }

    /// Show `model` instead (a replay's seek): the fleet and the view state stay.
    pub fn replace_model(&mut self, mut model: Model, now: DateTime<Utc>) {
        model.fleet = std::mem::take(&mut self.model.fleet);
        self.model = model;
        self.rediagnose(now);
        self.dirty = true;
    }

    /// Re-judge and log verdict changes once the first full collection is in.
    fn rediagnose(&mut self, now: DateTime<Utc>) {
        let before = self.diagnosis.verdict;
        self.diagnosis = diagnose(&self.model);
        history::record(&mut self.history, &self.diagnosis, now);
        // The event below is a model change too; the rows are built after it.
        self.rows.clear();
        let after = self.diagnosis.verdict;
        self.follow_failure();
        let settled = self
            .model
            .sources()
            .iter()
            .all(|s| s.state != LoadState::Loading);
        if settled && before != HopStatus::Unknown {
            let first = self.diagnosis.first_failure;
            self.verdicts
                .note(&mut self.model.events, before, after, first, now);
        }
    }

    /// Select the worst hop (the first failing one, else the first not OK) until the user
    /// picks one.
    fn follow_failure(&mut self) {
        if self.ui.hop_touched {
            return;
        }
        let hops = &self.diagnosis.hops;
        let first = |want: &[HopStatus]| hops.iter().position(|h| want.contains(&h.status));
        self.ui.hop = first(&[HopStatus::Fail])
            .or_else(|| first(&[HopStatus::Unknown, HopStatus::Warn]))
            .unwrap_or(0);
    }

    fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let ctx = self.ui.context();
        let action = self.keymap.action_for(&k, ctx);
        match (ctx, action) {
            (Context::Input, Some(a)) => self.on_input(a),
            (Context::Input, None) => {
                if let KeyCode::Char(ch) = k.code
                    && Key::of(&k).is_typed()
                {
                    self.type_char(ch);
                }
                vec![]
            }
            (Context::Help, a) => self.on_help(a),
            (_, Some(a)) => self.act(a),
            // An unbound capital letter sorts a list by the column it starts.
            (Context::List, None) => {
                let key = Key::of(&k);
                if let KeyCode::Char(ch) = key.code
                    && ch.is_ascii_uppercase()
                    && key.mods.is_empty()
                {
                    self.sort(Some(ch));
                }
                vec![]
            }
            _ => vec![],
        }
    }

    /// Rows of the list the keys act on, after its filter.
    pub fn visible_rows(&self, kind: Kind) -> impl Iterator<Item = &rows::Row> {
        let table = self.rows.table(kind, &self.model, &self.diagnosis);
        rows::order::visible(
            table,
            self.ui.filter(kind.name()),
            self.ui.sort(kind.name()),
        )
        .into_iter()
    }

    fn current_list(&self) -> Option<Kind> {
        self.ui.list_key().and_then(Kind::from_name)
    }

    fn move_selection(&mut self, delta: isize) {
        if let Some(kind) = self.current_list() {
            let n = self.visible_rows(kind).count();
            let cur = self.selected_index(kind) as isize;
            let next = (cur + delta).clamp(0, n.saturating_sub(1) as isize) as usize;
            let id = self.visible_rows(kind).nth(next).map(|r| r.id.clone());
            self.ui.select(kind.name(), next, id);
        } else if matches!(self.ui.view(), View::Main) && self.ui.focus == Pane::Path {
            let n = self.diagnosis.hops.len().max(1);
            self.ui.hop_touched = true;
            self.ui.hop = (self.ui.hop as isize + delta).clamp(0, n as isize - 1) as usize;
        } else {
            self.ui.scroll = (self.ui.scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
        }
    }

    fn selected_index(&self, kind: Kind) -> usize {
        self.ui
            .selection(kind.name(), self.visible_rows(kind).map(|r| r.id.as_str()))
    }

    fn selected_row(&self) -> Option<(Kind, rows::Row)> {
        let kind = self.current_list()?;
        let i = self.selected_index(kind);
        self.visible_rows(kind).nth(i).map(|r| (kind, r.clone()))
    }

    fn act(&mut self, a: Action) -> Vec<Effect> {
        self.ui.status = None;
        let on_path = matches!(self.ui.view(), View::Main) && self.ui.focus == Pane::Path;
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::Left if on_path => self.move_selection(-1),
            Action::Right if on_path => self.move_selection(1),
            Action::Left | Action::Right => {}
            Action::PageUp => self.move_selection(-(PAGE as isize)),
            Action::PageDown => self.move_selection(PAGE as isize),
            Action::Top => self.move_selection(-(isize::MAX / 2)),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::Enter => return self.enter(),
            Action::Back => {
                if let View::List(k) = self.ui.view() {
                    self.ui.filters.remove(k.name());
                }
                if !self.ui.pop() {
                    if let Some(list) = self.ui.list_key() {
                        self.ui.filters.remove(list);
                    }
                    self.ui.focus = Pane::Path;
                }
            }
            Action::Sort => self.sort(None),
            Action::Filter => {
                if let Some(list) = self.ui.list_key() {
                    self.ui.mode = Mode::Filter;
                    self.ui.input = self.ui.filter(list).to_string();
                } else {
                    self.ui.status =
                        Some("nothing to filter here: focus a list (Tab) or open one (:)".into());
                }
            }
            Action::Command => {
                self.ui.mode = Mode::Command;
                self.ui.input.clear();
            }
            Action::Help => {
                self.ui.mode = Mode::Help;
                self.ui.scroll = 0;
            }
            Action::Refresh => {
                self.ui.status = Some("refreshing every source…".into());
                return vec![Effect::Refresh];
            }
            Action::Copy => return self.copy(),
            Action::CopyDetail => return self.copy_detail(),
            Action::NextPane | Action::PrevPane => self.cycle(a == Action::NextPane),
            Action::Accept | Action::Cancel | Action::Complete | Action::Erase => {}
            Action::CycleTheme => {
                self.ui.theme = (self.ui.theme + 1) % self.themes.len();
                self.ui.status = Some(format!("theme {}", self.theme().name));
            }
        }
        vec![]
    }

    fn cycle(&mut self, forward: bool) {
        match self.ui.view().clone() {
            View::Main => {
                let panes = [Pane::Path, Pane::Findings, Pane::Events];
                let i = panes.iter().position(|p| *p == self.ui.focus).unwrap_or(0);
                let n = panes.len();
                self.ui.focus = panes[if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
            }
            View::List(k) => {
                let all = Kind::ALL;
                let i = all.iter().position(|x| *x == k).unwrap_or(0);
                let n = all.len();
                let next = all[if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                self.ui.filters.remove(k.name());
                if let Some(top) = self.ui.stack.last_mut() {
                    *top = View::List(next);
                }
            }
            _ => {}
        }
    }

    fn enter(&mut self) -> Vec<Effect> {
        match self.ui.view().clone() {
            View::List(Kind::Clusters) => {
                if let Some((_, row)) = self.selected_row() {
                    if self.model.fleet.current.as_deref() == Some(row.id.as_str()) {
                        self.ui.status = Some(format!("{} is on screen", row.id));
                    } else {
                        self.ui.status = Some(format!("switching to {}…", row.id));
                        return vec![Effect::Switch(row.id)];
                    }
                }
            }
            View::Main if self.ui.focus == Pane::Path => {
                if let Some(h) = self.diagnosis.hops.get(self.ui.hop) {
                    self.ui.push(View::Hop(h.name));
                }
            }
            View::Hop(h) => self.ui.push(View::List(Kind::for_hop(h))),
            View::Row { .. } => {}
            _ => {
                if let Some((kind, row)) = self.selected_row() {
                    self.ui.push(View::Row { kind, id: row.id });
                }
            }
        }
        vec![]
    }

    /// The fix of the finding a row stands for (its command, when it has one).
    fn fix_of_row(&self, kind: Kind, id: &str) -> Option<String> {
        if kind != Kind::Findings {
            return None;
        }
        self.diagnosis
            .findings
            .iter()
            .find(|f| format!("{} {}", f.id, f.resource) == id)
            .map(|f| command_of(&f.fix))
            .filter(|fix| !fix.is_empty())
    }

    /// The fix of a hop's worst finding.
    fn fix_of_hop(&self, hop: HopName) -> Option<String> {
        self.diagnosis
            .findings
            .iter()
            .filter(|f| f.hop == Some(hop) && !f.fix.is_empty())
            .max_by_key(|f| (f.severity, f.fix.contains("aws ")))
            .map(|f| command_of(&f.fix))
    }

    /// `c`: the most useful text of what is selected: a fix on a finding or a hop, else
    /// the row's id.
    fn copy(&mut self) -> Vec<Effect> {
        let hop = match self.ui.view() {
            View::Hop(h) => Some(*h),
            View::Main if self.ui.focus == Pane::Path => {
                self.diagnosis.hops.get(self.ui.hop).map(|h| h.name)
            }
            _ => None,
        };
        let text = match (self.ui.view(), hop) {
            (_, Some(h)) => Some(self.fix_of_hop(h).unwrap_or_else(|| h.to_string())),
            (View::Row { kind, id }, _) => {
                Some(self.fix_of_row(*kind, id).unwrap_or_else(|| id.clone()))
            }
            _ => self
                .selected_row()
                .map(|(k, r)| self.fix_of_row(k, &r.id).unwrap_or(r.id)),
        };
        self.copied(text)
    }

    /// `y`: the whole detail of what is selected, as text.
    fn copy_detail(&mut self) -> Vec<Effect> {
        use crate::ui::panes::detail;
        let view = match self.ui.view().clone() {
            View::Main if self.ui.focus == Pane::Path => self
                .diagnosis
                .hops
                .get(self.ui.hop)
                .map(|h| View::Hop(h.name)),
            v @ (View::Hop(_) | View::Row { .. }) => Some(v),
            _ => self
                .selected_row()
                .map(|(kind, r)| View::Row { kind, id: r.id }),
        };
        let scene = crate::ui::Scene {
            model: &self.model,
            diagnosis: &self.diagnosis,
            rows: &self.rows,
            ui: &self.ui,
            theme: self.theme(),
            history: &self.history,
            keymap: &self.keymap,
            // Detail lines do not read the clock.
            now: DateTime::<Utc>::UNIX_EPOCH,
        };
        let text = match view {
            Some(View::Hop(h)) => Some(format!(
                "hop {h}\n{}",
                detail::plain(&detail::hop_lines(&scene, h))
            )),
            Some(View::Row { kind, id }) => Some(format!(
                "{} › {id}\n{}",
                kind.name(),
                detail::plain(&detail::row_lines(&scene, kind, &id))
            )),
            _ => None,
        };
        let mut effects = self.copied(text);
        if let Some(Effect::Copy(t)) = effects.first() {
            let n = t.lines().count();
            self.ui.status = Some(format!("copied the detail ({n} lines)"));
        }
        std::mem::take(&mut effects)
    }

    fn copied(&mut self, text: Option<String>) -> Vec<Effect> {
        match text {
            Some(text) => {
                let first = text.lines().next().unwrap_or("");
                self.ui.status = Some(format!("copied {}", crate::ui::text::truncate(first, 60)));
                vec![Effect::Copy(text)]
            }
            None => {
                self.ui.status = Some("nothing selected to copy".into());
                vec![]
            }
        }
    }
}

/// The runnable part of a fix: from its `aws …` command on, else the whole text.
fn command_of(fix: &str) -> String {
    let at = fix
        .match_indices("aws ")
        .find(|(i, _)| *i == 0 || fix[..*i].ends_with(' '))
        .map(|(i, _)| i);
    match at {
        Some(i) => fix[i..].trim_end_matches('.').to_string(),
        None => fix.to_string(),
    }
}
