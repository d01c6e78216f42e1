//! Rendering: a pure function of the model, the diagnosis (and the rows built from both),
//! the UI state, the theme and `now`.

pub mod hit;
pub mod panes;
pub mod rows;
pub mod state;
pub mod svg;
pub mod text;
pub mod theme;

use crate::diagnose::Diagnosis;
use crate::model::Model;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use state::{Mode, UiState, View};
use theme::Theme;

/// Below this the layout cannot show a path and a list.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Everything a frame is drawn from.
pub struct Scene<'a> {
    pub model: &'a Model,
    pub diagnosis: &'a Diagnosis,
    /// Every hop's status over the last minutes.
    pub history: &'a crate::diagnose::history::HopHistory,
    /// The lists' rows for this model and diagnosis.
    pub rows: &'a rows::Cache,
    pub ui: &'a UiState,
    pub theme: &'a Theme,
    /// The keys in force, for the footer and help.
    pub keymap: &'a crate::keymap::Keymap,
    pub now: DateTime<Utc>,
}

pub fn render(f: &mut Frame, s: &Scene) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area, s.theme);
        return;
    }
    let [header, body, footer] = frame(area);
    panes::header::render(f, header, s);
    match s.ui.view() {
        View::Main => panes::main::render(f, body, s),
        View::List(state::Kind::Probes) if !s.model.live.probes.is_empty() => {
            let h = panes::history::probes_height(s).min(body.height / 2);
            let [list, history] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(h)]).areas(body);
            panes::list::render_kind(f, list, s, state::Kind::Probes, true);
            panes::history::render_probes(f, history, s);
        }
        View::List(k) => panes::list::render_kind(f, body, s, *k, true),
        View::Hop(h) => panes::detail::render_hop(f, body, s, *h),
        View::Row { kind, id } => panes::detail::render_row(f, body, s, *kind, id),
    }
    panes::footer::render(f, footer, s);
    if s.ui.mode == Mode::Help {
        panes::help::render(f, area, s);
    }
}

/// Header, body and footer of a frame of `area`.
pub fn frame(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(area)
}

fn too_small(f: &mut Frame, area: Rect, theme: &Theme) {
    let lines = vec![
        Line::styled("terminal too small", theme.warn()),
        Line::styled(
            format!(
                "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
                area.width, area.height
            ),
            theme.text(),
        ),
        Line::styled("q quits", theme.muted()),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let rect = Rect {
        y: area.y + top,
        height: area.height.saturating_sub(top).min(3),
        ..area
    };
    f.render_widget(
        Paragraph::new(lines).style(Style::default()).centered(),
        rect,
    );
}
