//! Choosing a cluster when the region has several and nothing names one.

use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};

pub fn render(f: &mut Frame, names: &[String], selected: usize, t: &Theme) {
    let [top, list, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    f.render_widget(
        Paragraph::new(vec![
            Line::styled("eksnet-tui", t.title()),
            Line::styled(
                "Several EKS clusters here and no --cluster or kubeconfig context names one: pick one.",
                t.text(),
            ),
        ]),
        top,
    );
    let items: Vec<ListItem> = names
        .iter()
        .map(|n| ListItem::new(Span::styled(n.clone(), t.text())))
        .collect();
    let mut state = ListState::default();
    state.select(Some(selected.min(names.len().saturating_sub(1))));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(Span::styled(
            format!(" Clusters {} ", names.len()),
            t.title(),
        ));
    f.render_stateful_widget(
        List::new(items)
            .block(block)
            .highlight_style(t.selection())
            .highlight_symbol("▶ "),
        list,
        &mut state,
    );
    f.render_widget(
        Line::styled("↑/↓ move · Enter choose · q quit", t.muted()),
        bottom,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn lists_every_cluster_and_marks_the_selection() {
        let theme = crate::ui::theme::builtin("default").unwrap();
        let names = vec!["alpha".to_string(), "beta".to_string()];
        let mut term = Terminal::new(TestBackend::new(100, 10)).unwrap();
        term.draw(|f| render(f, &names, 1, &theme)).unwrap();
        let buf = term.backend().buffer();
        let rows: Vec<String> = (0..10)
            .map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        assert!(rows.iter().any(|r| r.contains("  alpha")), "{rows:#?}");
        assert!(rows.iter().any(|r| r.contains("▶ beta")), "{rows:#?}");
        assert!(rows.iter().any(|r| r.contains("Clusters 2")));
    }
}
