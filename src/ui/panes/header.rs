//! Two lines: who and where, then the verdict, freshness and the breadcrumbs.

use super::status_style;
use crate::ui::Scene;
use crate::ui::rows::age;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(f: &mut Frame, area: Rect, s: &Scene) {
    let t = s.theme;
    let m = s.model;
    let d = s.diagnosis;
    let sep = || Span::styled(" │ ", t.muted());
    let cluster = m.cluster.value();
    let region = cluster
        .and_then(|c| c.region().map(str::to_string))
        .or_else(|| m.context.region.clone())
        .unwrap_or_else(|| "?".into());
    let account = cluster.and_then(|c| c.account()).unwrap_or("?").to_string();
    let origin = match m.origin() {
        Some(o) => format!("from {}", o.vpc_id),
        None if m.origin.is_loading() => "locating this host…".into(),
        None => "from ? (origin unknown)".into(),
    };
    let mode = cluster.map_or("mode ?".to_string(), |c| c.mode().label().to_string());
    // The verdict first: narrow terminals cut the end of the line.
    let line1 = Line::from(vec![
        Span::styled("eksnet-tui", t.title()),
        sep(),
        Span::styled(
            format!(
                "{} {}",
                d.verdict.symbol(),
                d.verdict.label().to_uppercase()
            ),
            status_style(t, d.verdict),
        ),
        sep(),
        Span::styled(m.context.cluster_name.clone(), t.accent()),
        sep(),
        Span::styled(format!("{region} · {account}"), t.text()),
        sep(),
        Span::styled(mode, t.text()),
        sep(),
        Span::styled(origin, t.text()),
    ]);
    let sources = m.sources();
    let latest = sources.iter().filter_map(|s| s.fetched_at).max();
    let errors = sources.iter().filter(|s| s.error.is_some()).count();
    let fresh = match (latest, m.unreachable()) {
        (_, Some(e)) => e.to_string(),
        (Some(at), None) => format!("refreshed {} ago", age(s.now, at)),
        (None, None) if errors > 0 => "no source answered".into(),
        (None, None) => "loading…".into(),
    };
    let mut spans = vec![
        Span::styled(format!("route {}", d.route.label()), t.text()),
        sep(),
        Span::styled(fresh, t.muted()),
        sep(),
        Span::styled(
            format!(
                "{errors} source error{}",
                if errors == 1 { "" } else { "s" }
            ),
            if errors > 0 { t.warn() } else { t.muted() },
        ),
        sep(),
        Span::styled(s.ui.breadcrumbs(), t.accent()),
    ];
    if m.context.source.starts_with("demo") {
        spans.push(sep());
        spans.push(Span::styled(m.context.source.clone(), t.muted()));
    }
    f.render_widget(Paragraph::new(vec![line1, Line::from(spans)]), area);
}
