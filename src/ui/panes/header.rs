//! Two lines: who and where, then the verdict, freshness and the breadcrumbs.

use super::status_style;
use crate::diagnose::rests_on::verdict_rests_on;
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
    let errors = sources.iter().filter(|s| s.error.is_some()).count();
    let (fresh, stale) = match m.unreachable() {
        Some(e) => (e.to_string(), true),
        None => freshness(s),
    };
    let mut spans = vec![
        Span::styled(format!("route {}", d.route.label()), t.text()),
        sep(),
        Span::styled(fresh, if stale { t.warn() } else { t.muted() }),
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

/// How old the data the verdict rests on is: its oldest part, marked stale when a source it
/// rests on failed its last read or missed two refreshes; `loading` until every part is in.
pub fn freshness(s: &Scene) -> (String, bool) {
    let bases = verdict_rests_on(s.diagnosis);
    let sum = s.model.summary(&bases, s.now);
    if sum.loading > 0 {
        return (
            format!("loading {}/{}", sum.total - sum.loading, sum.total),
            false,
        );
    }
    let stale = !sum.stale.is_empty();
    match sum.oldest {
        Some(at) if stale => (format!("data {} old (stale)", age(s.now, at)), true),
        Some(at) => (format!("data {} old", age(s.now, at)), false),
        None => ("no source answered".into(), false),
    }
}
