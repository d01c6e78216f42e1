//! Any list of rows: resource kinds, findings, events.

use super::role_style;
use crate::ui::Scene;
use crate::ui::rows::{self, Note, Table};
use crate::ui::state::Kind;
use crate::ui::text::{Col, allocate, truncate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table as TableWidget, TableState};

pub fn render_kind(f: &mut Frame, area: Rect, s: &Scene, kind: Kind, focused: bool) {
    let table = s.rows.table(kind, s.model, s.diagnosis);
    let notes = rows::notes(kind, s.model, s.diagnosis, s.now);
    render_table(f, area, s, kind, table, &notes, focused);
}

/// Where a list pane of `area` puts its notes and rows. Render and mouse clicks share it.
pub struct Geometry {
    pub notes: Rect,
    /// The header line, then the rows.
    pub table: Rect,
    /// The index of the first row shown, how many fit, and the selection.
    pub first: usize,
    pub fits: usize,
    pub selected: usize,
}

pub fn geometry(area: Rect, notes: usize, rows: usize, selected: usize, focused: bool) -> Geometry {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let notes_h = (notes as u16).min(inner.height.saturating_sub(2) / 2);
    let [notes, table] =
        Layout::vertical([Constraint::Length(notes_h), Constraint::Min(0)]).areas(inner);
    let selected = selected.min(rows.saturating_sub(1));
    // Only the rows that fit become widgets: scrolled as the table would scroll a fresh
    // state, the selection on the last line once it passes the bottom.
    let fits = (table.height.saturating_sub(1) as usize).max(1);
    let first = if focused {
        (selected + 1).saturating_sub(fits)
    } else {
        0
    };
    Geometry {
        notes,
        table,
        first,
        fits,
        selected,
    }
}

/// The index (in the visible rows) of the row drawn on line `y` of a list pane at `area`.
pub fn row_at(area: Rect, s: &Scene, kind: Kind, focused: bool, y: u16) -> Option<usize> {
    let table = s.rows.table(kind, s.model, s.diagnosis);
    let visible = rows::order::visible(table, s.ui.filter(kind.name()), s.ui.sort(kind.name()));
    let n = visible.len();
    let notes = rows::notes(kind, s.model, s.diagnosis, s.now).len();
    let selected =
        s.ui.selection(kind.name(), visible.iter().map(|r| r.id.as_str()));
    let g = geometry(area, notes, n, selected, focused);
    let top = g.table.y + 1;
    if n == 0 || y < top || y >= g.table.y + g.table.height {
        return None;
    }
    let i = g.first + (y - top) as usize;
    (i < n).then_some(i)
}

fn render_table(
    f: &mut Frame,
    area: Rect,
    s: &Scene,
    kind: Kind,
    table: &Table,
    notes: &[Note],
    focused: bool,
) {
    let t = s.theme;
    let filter = s.ui.filter(kind.name());
    let sort = s.ui.sort(kind.name());
    let rows = rows::order::visible(table, filter, sort);
    let mut title = vec![Span::styled(format!(" {} ", kind.title()), t.title())];
    let mut count = if filter.is_empty() {
        format!("{} ", table.rows.len())
    } else {
        format!("{} of {} · /{filter} ", rows.len(), table.rows.len())
    };
    if let Some(so) = sort
        && let Some((name, _)) = table.columns.get(so.column)
    {
        let arrow = if so.descending { "↓" } else { "↑" };
        count.push_str(&format!("· by {name} {arrow} "));
    }
    title.push(Span::styled(count, t.muted()));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(focused))
        .title(Line::from(title));
    f.render_widget(block, area);
    let selected =
        s.ui.selection(kind.name(), rows.iter().map(|r| r.id.as_str()));
    let g = geometry(area, notes.len(), rows.len(), selected, focused);
    let (notes_area, table_area) = (g.notes, g.table);
    let note_lines: Vec<Line> = notes
        .iter()
        .map(|(text, role)| Line::styled(text.clone(), role_style(t, *role)))
        .collect();
    f.render_widget(Paragraph::new(note_lines), notes_area);

    if rows.is_empty() {
        let msg = if !filter.is_empty() {
            format!("no row matches /{filter}")
        } else if notes.is_empty() {
            "nothing here".into()
        } else {
            String::new()
        };
        f.render_widget(Paragraph::new(Line::styled(msg, t.muted())), table_area);
        return;
    }
    // Widths by content, for the rows shown; the selection marker takes two cells.
    let cols: Vec<Col> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (h, w))| {
            let natural = rows
                .iter()
                .map(|r| r.cells.get(i).map_or(0, |c| c.text.chars().count()))
                .max()
                .unwrap_or(0)
                .max(h.chars().count())
                .min(u16::MAX as usize) as u16;
            // Wide or open-ended columns give way first; short ones keep their content.
            let flexible = *w == 0 || *w >= 16;
            let min = if flexible { natural.min(12) } else { natural };
            Col {
                natural,
                min,
                flexible,
            }
        })
        .collect();
    let alloc = allocate(&cols, table_area.width.saturating_sub(2), 1);
    let widths: Vec<Constraint> = alloc.iter().map(|w| Constraint::Length(*w)).collect();
    let header = Row::new(table.columns.iter().map(|(h, _)| Cell::from(*h))).style(t.muted());
    let (selected, fits, first) = (g.selected, g.fits, g.first);
    let body = rows.iter().skip(first).take(fits).map(|r| {
        Row::new(r.cells.iter().zip(&alloc).map(|(c, w)| {
            Cell::from(Span::styled(
                truncate(&c.text, *w as usize),
                role_style(t, c.role),
            ))
        }))
    });
    let mut state = TableState::default();
    if focused {
        state.select(Some(selected - first));
    }
    let widget = TableWidget::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(t.selection())
        .highlight_symbol("▶ ");
    f.render_stateful_widget(widget, table_area, &mut state);
}
