//! What a mouse click at a cell lands on, from the same layout functions render uses:
//! deterministic given the frame's size, so nothing from the last frame is kept.

use super::panes::{list, main};
use super::state::{Kind, Pane, View};
use super::{MIN_HEIGHT, MIN_WIDTH, Scene, frame};
use ratatui::layout::{Position, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A pane of the main screen, outside its rows.
    Pane(Pane),
    /// A row of a list, by its index among the visible rows; `pane` on the main screen.
    Row {
        pane: Option<Pane>,
        kind: Kind,
        index: usize,
    },
}

pub fn hit(s: &Scene, area: Rect, x: u16, y: u16) -> Option<Hit> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [_, body, _] = frame(area);
    let at = Position { x, y };
    if !body.contains(at) {
        return None;
    }
    match s.ui.view() {
        View::Main => {
            let [path, _history, findings, events] = main::areas(body, s);
            if path.contains(at) {
                return Some(Hit::Pane(Pane::Path));
            }
            for (pane, kind, rect) in [
                (Pane::Findings, Kind::Findings, findings),
                (Pane::Events, Kind::Events, events),
            ] {
                if rect.contains(at) {
                    let focused = s.ui.focus == pane;
                    return Some(match list::row_at(rect, s, kind, focused, y) {
                        Some(index) => Hit::Row {
                            pane: Some(pane),
                            kind,
                            index,
                        },
                        None => Hit::Pane(pane),
                    });
                }
            }
            None
        }
        View::List(kind) => list::row_at(body, s, *kind, true, y).map(|index| Hit::Row {
            pane: None,
            kind: *kind,
            index,
        }),
        _ => None,
    }
}
