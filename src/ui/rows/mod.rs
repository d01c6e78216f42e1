//! Every list the UI shows, as plain rows built from the model and its diagnosis: one
//! function per kind. Render and key handling use the same rows, so what is selected is
//! what is shown. Rows do not depend on the clock, so they are built once per model change
//! ([`Cache`]); the notes above them (source ages) are built per frame.

pub mod order;

use super::state::Kind;
use crate::diagnose::{Aspect, Diagnosis, HopStatus, Severity};
use crate::model::{EventLevel, LoadState, Model, Source};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How a cell is coloured; the theme maps roles to styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Text,
    Muted,
    Accent,
    Ok,
    Warn,
    Fail,
    Unknown,
    Skipped,
    Info,
    /// A fix command.
    Fix,
}

impl Role {
    pub fn of_status(s: HopStatus) -> Role {
        match s {
            HopStatus::Ok => Role::Ok,
            HopStatus::Warn => Role::Warn,
            HopStatus::Fail => Role::Fail,
            HopStatus::Unknown => Role::Unknown,
            HopStatus::Skipped => Role::Skipped,
        }
    }

    pub fn of_severity(s: Severity) -> Role {
        match s {
            Severity::Info => Role::Info,
            Severity::Warn => Role::Warn,
            Severity::Fail => Role::Fail,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub role: Role,
}

fn c(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        role: Role::Text,
    }
}

fn cr(text: impl Into<String>, role: Role) -> Cell {
    Cell {
        text: text.into(),
        role,
    }
}

/// Status as symbol and word, so it reads without colour.
fn st(s: HopStatus, word: impl Into<String>) -> Cell {
    cr(
        format!("{} {}", s.symbol(), word.into()),
        Role::of_status(s),
    )
}

/// A resource's state word, marked as the diagnosis reads it; `?` when it cannot tell.
fn judged(d: &Diagnosis, aspect: Aspect, id: &str, word: impl Into<String>) -> Cell {
    match d.states.get(aspect, id) {
        Some(s) => st(s, word),
        None => cr(format!("? {}", word.into()), Role::Unknown),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What `c` copies and what a detail view finds the row by.
    pub id: String,
    pub cells: Vec<Cell>,
    /// Every field, for the detail view.
    pub detail: Vec<(String, String)>,
}

impl Row {
    pub fn matches(&self, filter: &str) -> bool {
        if filter.is_empty() {
            return true;
        }
        let f = filter.to_lowercase();
        self.id.to_lowercase().contains(&f)
            || self
                .cells
                .iter()
                .any(|c| c.text.to_lowercase().contains(&f))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<(&'static str, u16)>,
    pub rows: Vec<Row>,
}

/// A line above the rows: source problems (loading, errors, stale data) or why it is empty.
pub type Note = (String, Role);

/// Fields of any serializable value as `path: value` lines.
pub fn fields<T: Serialize>(v: &T) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten("", &serde_json::to_value(v).unwrap_or_default(), &mut out);
    out
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, out);
            }
        }
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let items: Vec<String> = a.iter().map(scalar).collect();
            out.push((
                prefix.into(),
                if items.is_empty() {
                    "—".into()
                } else {
                    items.join(", ")
                },
            ));
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), x, out);
            }
        }
        other => out.push((prefix.into(), scalar(other))),
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// The loading / error / stale note of one source a list draws on.
fn source_note(m: &Model, source: Source, now: DateTime<Utc>) -> Option<Note> {
    let name = source.spec().what;
    let st = m.state_of(source);
    let error = || st.error.map(|e| e.to_string()).unwrap_or_default();
    match st.state {
        LoadState::Loaded => None,
        LoadState::Loading => Some((format!("{name}: loading…"), Role::Muted)),
        LoadState::Error => Some((format!("{name}: {}", error()), Role::Fail)),
        LoadState::Stale => Some((
            format!(
                "{name}: showing data from {} ago; refresh failed: {}",
                age(now, st.fetched_at.unwrap_or(now)),
                error()
            ),
            Role::Warn,
        )),
    }
}

pub fn age(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let s = (now - at).num_seconds().max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

mod automation;
mod cache;
mod fleet;
mod lattice;
mod live;
mod network;
mod path;
mod sources;

pub use cache::Cache;
pub use live::sparkline;
use live::{dns, probes};
use network::{cluster, peering, vpcs};
use path::{endpoints, enis, targets, zones};

pub fn build(kind: Kind, m: &Model, d: &Diagnosis) -> Table {
    match kind {
        Kind::Findings => findings(d),
        Kind::Vpcs => vpcs(m, d),
        Kind::Peering => peering(m, d),
        Kind::Cluster => cluster(m, d),
        Kind::Enis => enis(m, d),
        Kind::Targets => targets(m, d),
        Kind::Endpoints => endpoints(m, d),
        Kind::Zones => zones(m, d),
        Kind::Automation => automation::automation(d),
        Kind::Lattice => lattice::lattice(m),
        Kind::Dns => dns(m, d),
        Kind::Probes => probes(m, d),
        Kind::Events => events(m),
        Kind::Sources => sources::sources(m),
        Kind::Clusters => fleet::clusters(m, d),
    }
}

/// What to say above a list's rows: its sources' problems, or why it has none.
pub fn notes(kind: Kind, m: &Model, d: &Diagnosis, now: DateTime<Utc>) -> Vec<Note> {
    use Source as S;
    let sources = |list: &[Source]| {
        list.iter()
            .filter(|s| s.used_for(&m.context.api))
            .filter_map(|s| source_note(m, *s, now))
            .collect()
    };
    let not_eks = || {
        vec![(
            format!(
                "{} is not an EKS cluster: nothing of EKS's to list",
                m.context.cluster_name
            ),
            Role::Muted,
        )]
    };
    match kind {
        Kind::Cluster | Kind::Enis | Kind::Endpoints if m.context.api.server().is_some() => {
            not_eks()
        }
        Kind::Findings => d
            .unknowns
            .iter()
            .map(|u| {
                (
                    format!("? {}: {} ({})", u.rule, u.missing, u.reason),
                    Role::Unknown,
                )
            })
            .collect(),
        Kind::Vpcs => sources(&[S::Vpcs, S::Subnets, S::RouteTables]),
        Kind::Peering => sources(&[S::Peerings, S::RouteTables, S::TgwAttachments, S::TgwRoutes]),
        Kind::Cluster => sources(&[S::Cluster, S::SecurityGroups]),
        Kind::Enis => sources(&[S::Enis, S::Subnets, S::Targets]),
        Kind::Targets => sources(&[
            S::LoadBalancers,
            S::LbAttributes,
            S::NlbAddresses,
            S::Listeners,
            S::TargetGroups,
            S::Targets,
            S::Enis,
            S::Instances,
            S::TargetEnis,
        ]),
        Kind::Endpoints => sources(&[
            S::EndpointServices,
            S::EndpointConnections,
            S::InterfaceEndpoints,
            S::EndpointAddresses,
        ]),
        Kind::Zones => sources(&[
            S::HostedZones,
            S::ZoneAssociations,
            S::Records,
            S::DhcpOptions,
            S::ResolverRules,
            S::ResolverEndpoints,
        ]),
        Kind::Automation => automation::automation_notes(m, d, now),
        Kind::Lattice => {
            let mut n: Vec<Note> = sources(&[
                S::LatticeService,
                S::LatticeAssociations,
                S::LatticeNetworks,
                S::LatticeServices,
                S::LatticeTargetGroups,
            ]);
            if n.is_empty() && lattice::lattice(m).rows.is_empty() {
                n.push((
                    "this host's VPC is associated with no VPC Lattice service network".to_string(),
                    Role::Muted,
                ));
            }
            n
        }
        Kind::Dns => live::dns_notes(m),
        Kind::Probes => live::probe_notes(m),
        Kind::Events if m.events.is_empty() => vec![(
            "no events yet: transitions appear here as they happen".to_string(),
            Role::Muted,
        )],
        Kind::Events => vec![],
        Kind::Sources => sources::notes(m, now),
        Kind::Clusters => fleet::notes(m),
    }
}

fn findings(d: &Diagnosis) -> Table {
    let rows = d
        .findings
        .iter()
        .map(|f| Row {
            id: format!("{} {}", f.id, f.resource),
            cells: vec![
                cr(
                    f.severity.label().to_uppercase(),
                    Role::of_severity(f.severity),
                ),
                cr(f.id, Role::Accent),
                c(&f.resource),
                c(&f.evidence),
            ],
            detail: fields(f),
        })
        .collect();
    Table {
        columns: vec![("SEV", 4), ("ID", 27), ("RESOURCE", 22), ("EVIDENCE", 0)],
        rows,
    }
}

fn events(m: &Model) -> Table {
    let rows = m
        .events
        .iter()
        .rev()
        .map(|e| {
            let role = match e.level {
                EventLevel::Info => Role::Info,
                EventLevel::Ok => Role::Ok,
                EventLevel::Warn => Role::Warn,
                EventLevel::Fail => Role::Fail,
            };
            Row {
                // Stable as newer events arrive above it.
                id: format!("{} {}", e.at.format("%H:%M:%S%.3f"), e.text),
                cells: vec![
                    c(e.at.format("%H:%M:%S").to_string()),
                    cr(format!("{:?}", e.level).to_lowercase(), role),
                    c(&e.text),
                ],
                detail: fields(e),
            }
        })
        .collect();
    Table {
        columns: vec![("TIME", 9), ("LEVEL", 6), ("EVENT", 0)],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_flatten_nested_values() {
        #[derive(Serialize)]
        struct X {
            a: u8,
            b: Vec<&'static str>,
            c: Option<u8>,
        }
        let f = fields(&X {
            a: 1,
            b: vec!["x", "y"],
            c: None,
        });
        assert_eq!(
            f,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x, y".into()),
                ("c".into(), "—".into())
            ]
        );
    }
}
