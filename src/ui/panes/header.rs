//! Two lines: who and where, then the verdict, freshness and the breadcrumbs.

use super::status_style;
use crate::diagnose::rests_on::verdict_rests_on;
use crate::ui::Scene;
use crate::ui::rows::age;
use crate::ui::text::{keep_parts, truncate};
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
    // Without an EKS cluster, the account is the one of the API's NLB.
    let nlb_account = d
        .path
        .nlbs
        .first()
        .and_then(|arn| arn.split(':').nth(4))
        .filter(|a| !a.is_empty());
    // Or the Lattice service's.
    let service = m.checked_service();
    let lattice_account = service
        .and_then(|s| s.arn.split(':').nth(4))
        .filter(|a| !a.is_empty());
    let account = cluster
        .and_then(|c| c.account())
        .or(nlb_account)
        .or(lattice_account)
        .unwrap_or("?")
        .to_string();
    let origin = match m.origin() {
        Some(o) => format!("from {}", o.vpc_id),
        None if m.origin.is_loading() => "locating this host…".into(),
        None => "from ? (origin unknown)".into(),
    };
    let mode = match &m.context.api {
        crate::model::Api::Server(srv) => srv.url.clone(),
        crate::model::Api::Lattice(l) => match service.and_then(|s| s.host()) {
            Some(host) => format!("lattice {host}"),
            None => format!("lattice service {}", l.service),
        },
        crate::model::Api::Eks => {
            cluster.map_or("mode ?".to_string(), |c| c.mode().label().to_string())
        }
    };
    // The verdict first; parts that do not fit are left out whole, least needed first.
    let replay =
        s.ui.replay
            .iter()
            .map(|r| (0, Span::styled(r.clone(), t.warn())));
    let line1 = fitted(
        [
            (0, Span::styled("eksnet-tui", t.title())),
            (
                0,
                Span::styled(
                    format!(
                        "{} {}",
                        d.verdict.symbol(),
                        d.verdict.label().to_uppercase()
                    ),
                    status_style(t, d.verdict),
                ),
            ),
        ]
        .into_iter()
        .chain(replay)
        .chain([
            (1, Span::styled(cluster_label(m), t.accent())),
            (4, Span::styled(format!("{region} · {account}"), t.text())),
            (3, Span::styled(mode, t.text())),
            (2, Span::styled(origin, t.text())),
        ])
        .collect(),
        sep(),
        area.width,
    );
    let sources = m.sources();
    let errors = sources.iter().filter(|s| s.error.is_some()).count();
    let (fresh, stale) = match m.unreachable() {
        Some(e) => (e.to_string(), true),
        None => freshness(s),
    };
    let mut parts = vec![
        (
            3,
            Span::styled(format!("route {}", d.route.label()), t.text()),
        ),
        (
            0,
            Span::styled(fresh, if stale { t.warn() } else { t.muted() }),
        ),
        (
            1,
            Span::styled(
                format!(
                    "{errors} source error{}",
                    if errors == 1 { "" } else { "s" }
                ),
                if errors > 0 { t.warn() } else { t.muted() },
            ),
        ),
        (2, Span::styled(s.ui.breadcrumbs(), t.accent())),
    ];
    if m.context.source.starts_with("demo") {
        parts.push((4, Span::styled(m.context.source.clone(), t.muted())));
    }
    let line2 = fitted(parts, sep(), area.width);
    f.render_widget(Paragraph::new(vec![line1, line2]), area);
}

/// The cluster's name, after its name in the fleet when that differs (`--demo fleet` holds
/// one cluster name in every member).
fn cluster_label(m: &crate::model::Model) -> String {
    match m.fleet.current.as_deref() {
        Some(member) if member != m.context.cluster_name => {
            format!("{member} · {}", m.context.cluster_name)
        }
        _ => m.context.cluster_name.clone(),
    }
}

/// The parts that fit in `width`, joined by `sep`; what must stay is cut with `…` if it
/// alone overflows.
fn fitted<'a>(parts: Vec<(u8, Span<'a>)>, sep: Span<'a>, width: u16) -> Line<'a> {
    let sizes: Vec<(u8, usize)> = parts.iter().map(|(r, s)| (*r, s.width())).collect();
    let keep = keep_parts(&sizes, sep.width(), usize::from(width));
    let mut spans = Vec::new();
    for ((_, span), k) in parts.into_iter().zip(keep) {
        if k {
            if !spans.is_empty() {
                spans.push(sep.clone());
            }
            spans.push(span);
        }
    }
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let room = usize::from(width).saturating_sub(used);
        if room == 0 {
            break;
        }
        let w = span.width();
        if w > room {
            out.push(Span::styled(truncate(&span.content, room), span.style));
            break;
        }
        used += w;
        out.push(span);
    }
    Line::from(out)
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
