//! The main screen: the path on top, findings and events below.

use super::{list, path};
use crate::ui::Scene;
use crate::ui::state::{Kind, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let evidence = s
        .diagnosis
        .hops
        .get(s.ui.hop)
        .map_or(1, |h| h.evidence.len() as u16);
    // Chain (up to two lines when narrow), a gap, the evidence, borders.
    let chain = if area.width >= 130 { 1 } else { 2 };
    let path_h = (chain + 1 + evidence + 2).clamp(5, area.height / 2);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(path_h), Constraint::Min(3)]).areas(area);
    path::render(f, top, s, s.ui.focus == Pane::Path);
    if bottom.width >= 110 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(bottom);
        list::render_kind(f, left, s, Kind::Findings, s.ui.focus == Pane::Findings);
        list::render_kind(f, right, s, Kind::Events, s.ui.focus == Pane::Events);
    } else {
        let [upper, lower] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(bottom);
        list::render_kind(f, upper, s, Kind::Findings, s.ui.focus == Pane::Findings);
        list::render_kind(f, lower, s, Kind::Events, s.ui.focus == Pane::Events);
    }
}
