//! The main screen: the path on top, findings and events below.

use super::{clip, history, list, path};
use crate::ui::Scene;
use crate::ui::state::{Kind, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let [top, middle, findings, events] = areas(area, s);
    path::render(f, top, s, s.ui.focus == Pane::Path);
    if middle.height > 0 {
        history::render(f, middle, s);
    }
    list::render_kind(f, findings, s, Kind::Findings, s.ui.focus == Pane::Findings);
    list::render_kind(f, events, s, Kind::Events, s.ui.focus == Pane::Events);
}

/// The path, history, findings and events panes of a main screen of `area`; clicks map through it.
pub fn areas(area: Rect, s: &Scene) -> [Rect; 4] {
    // Rows the path pane needs once wrapped: the chain, a gap, the evidence, borders.
    let inner = area.width.saturating_sub(2).max(1) as usize;
    let rows = |chars: usize| chars.div_ceil(inner).max(1) as u16;
    let hops = &s.diagnosis.hops;
    let chain: usize = hops
        .iter()
        .map(|h| {
            h.name.as_str().chars().count()
                + 2
                + path::stale_mark(s, h.name).map_or(0, |m| m.chars().count() + 1)
        })
        .sum::<usize>()
        + 3 * hops.len().saturating_sub(1);
    let evidence: u16 = hops.get(s.ui.hop).map_or(1, |h| {
        h.evidence
            .iter()
            .enumerate()
            .map(|(i, e)| {
                // The pane is at most half the area high: longer text cannot change its size.
                let shown = clip(e, inner * area.height as usize).chars().count();
                rows(shown + if i == 0 { h.name.as_str().len() + 2 } else { 2 })
            })
            .sum()
    });
    let path_h = (rows(chain) + 1 + evidence + 2).clamp(5, area.height / 2);
    // The header and footer take three rows of the terminal.
    let roomy = area.width >= history::MIN_WIDTH && area.height + 3 >= history::MIN_HEIGHT;
    let history_h = if roomy {
        history::height(s).min(area.height.saturating_sub(path_h + 8))
    } else {
        0
    };
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(path_h),
        Constraint::Length(history_h),
        Constraint::Min(3),
    ])
    .areas(area);
    let [a, b] = if bottom.width >= 110 {
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(bottom)
    } else {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom)
    };
    [top, middle, a, b]
}
