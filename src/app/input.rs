//! Keys in help and in the filter or command line, `:` jumps, mouse clicks and sorting.

use super::*;

impl App {
    pub(super) fn on_help(&mut self, a: Option<Action>) -> Vec<Effect> {
        match a {
            Some(Action::Down) => self.ui.scroll = self.ui.scroll.saturating_add(1),
            Some(Action::Up) => self.ui.scroll = self.ui.scroll.saturating_sub(1),
            Some(Action::PageDown) => self.ui.scroll = self.ui.scroll.saturating_add(PAGE as u16),
            Some(Action::PageUp) => self.ui.scroll = self.ui.scroll.saturating_sub(PAGE as u16),
            // Any other key closes help, `q` included: it says so.
            _ => {
                self.ui.mode = Mode::Normal;
                self.ui.scroll = 0;
            }
        }
        vec![]
    }

    pub(super) fn on_input(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Cancel => {
                if self.ui.mode == Mode::Filter
                    && let Some(list) = self.ui.list_key()
                {
                    self.ui.filters.remove(list);
                }
                self.ui.mode = Mode::Normal;
                self.ui.input.clear();
            }
            Action::Accept => {
                let input = std::mem::take(&mut self.ui.input);
                let mode = self.ui.mode;
                self.ui.mode = Mode::Normal;
                if mode == Mode::Command {
                    return self.jump(&input);
                }
            }
            Action::Erase => {
                self.ui.input.pop();
                self.completing = None;
                self.live_filter();
            }
            Action::Complete if self.ui.mode == Mode::Command => self.complete(),
            _ => {}
        }
        vec![]
    }

    pub(super) fn type_char(&mut self, ch: char) {
        if self.ui.input.chars().count() < 64 {
            self.ui.input.push(ch);
        }
        self.completing = None;
        self.live_filter();
    }

    /// Tab: extend to the longest prefix the matches share; once there, show each match
    /// in turn.
    pub(super) fn complete(&mut self) {
        let stem = match &self.completing {
            Some((stem, _)) => stem.clone(),
            None => self.ui.input.trim().to_ascii_lowercase(),
        };
        let matches: Vec<&str> = jump_targets()
            .into_iter()
            .filter(|n| n.starts_with(&stem))
            .collect();
        let Some(first) = matches.first() else {
            return;
        };
        if let Some((_, i)) = &mut self.completing {
            *i = (*i + 1) % matches.len();
            self.ui.input = matches[*i].to_string();
            return;
        }
        let common = matches.iter().fold(first.to_string(), |acc, m| {
            acc.chars()
                .zip(m.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        if matches.len() == 1 || common.len() > stem.len() {
            self.ui.input = common;
        } else {
            self.ui.input = first.to_string();
            self.completing = Some((stem, 0));
        }
    }

    pub(super) fn on_mouse(&mut self, m: MouseEvent, now: DateTime<Utc>) -> Vec<Effect> {
        let ctx = self.ui.context();
        let wheel = match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            _ => None,
        };
        if let Some(a) = wheel {
            self.dirty = true;
            return match ctx {
                Context::Input => vec![],
                Context::Help => self.on_help(Some(a)),
                _ => self.act(a),
            };
        }
        if m.kind != MouseEventKind::Down(MouseButton::Left) {
            return vec![];
        }
        match ctx {
            Context::Help => {
                self.dirty = true;
                return self.on_help(None);
            }
            Context::Input => return vec![],
            _ => {}
        }
        let hit = crate::ui::hit::hit(&self.scene(now), self.size, m.column, m.row);
        let Some(hit) = hit else {
            return vec![];
        };
        self.dirty = true;
        self.ui.status = None;
        match hit {
            Hit::Pane(p) => {
                self.ui.focus = p;
                self.last_click = None;
            }
            Hit::Row { pane, kind, index } => {
                if let Some(p) = pane {
                    self.ui.focus = p;
                }
                let id = self.visible_rows(kind).nth(index).map(|r| r.id.clone());
                self.ui.select(kind.name(), index, id);
                let double = self.last_click.is_some_and(|(at, k, i)| {
                    k == kind
                        && i == index
                        && (now - at).num_milliseconds() <= DOUBLE_CLICK_MS
                        && now >= at
                });
                if double {
                    self.last_click = None;
                    return self.enter();
                } else {
                    self.last_click = Some((now, kind, index));
                }
            }
        }
        vec![]
    }

    /// The filter applies as it is typed.
    pub(super) fn live_filter(&mut self) {
        if self.ui.mode == Mode::Filter
            && let Some(list) = self.ui.list_key()
        {
            self.ui.filters.insert(list, self.ui.input.clone());
            self.ui.select(list, 0, None);
        }
    }

    pub(super) fn jump(&mut self, input: &str) -> Vec<Effect> {
        let word = input.trim();
        if word.is_empty() {
            return vec![];
        }
        if matches!(word, "q" | "q!" | "quit") {
            return vec![Effect::Quit];
        }
        if matches!(word, "main" | "m" | "home") {
            self.leave_lists();
            self.ui.stack.truncate(1);
            return vec![];
        }
        match Kind::from_name(word) {
            Some(k) => {
                self.leave_lists();
                self.ui.stack.truncate(1);
                self.ui.push(View::List(k));
                self.ui.status = None;
            }
            None => {
                self.ui.status = Some(format!(
                    "unknown resource kind '{word}'; try {}",
                    Kind::ALL
                        .iter()
                        .map(|k| format!(":{}", k.name()))
                        .collect::<Vec<_>>()
                        .join(" ")
                ))
            }
        }
        vec![]
    }

    /// Leaving a list clears its filter; its sort stays.
    pub(super) fn leave_lists(&mut self) {
        for v in &self.ui.stack[1..] {
            if let View::List(k) = v {
                self.ui.filters.remove(k.name());
            }
        }
    }

    /// `s` (no letter) steps through every column; a capital letter through the columns
    /// that start with it. The selected row stays selected.
    pub(super) fn sort(&mut self, letter: Option<char>) {
        let Some(kind) = self.current_list() else {
            return;
        };
        let columns: Vec<usize> = self
            .rows
            .table(kind, &self.model, &self.diagnosis)
            .columns
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| letter.is_none_or(|l| name.starts_with(l)))
            .map(|(i, _)| i)
            .collect();
        if columns.is_empty() {
            if let Some(l) = letter {
                self.ui.status = Some(format!("no column of this list starts with {l}"));
            }
            return;
        }
        let keep = self.selected_row().map(|(_, r)| r.id);
        match rows::order::cycle(self.ui.sort(kind.name()), &columns) {
            Some(s) => self.ui.sorts.insert(kind.name(), s),
            None => self.ui.sorts.remove(kind.name()),
        };
        if let Some(id) = keep {
            let at = self.visible_rows(kind).position(|r| r.id == id);
            if let Some(i) = at {
                self.ui.select(kind.name(), i, Some(id));
            }
        }
    }
}
