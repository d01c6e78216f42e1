//! What the UI remembers between frames: the view stack, focus, selections, filters, input.

use crate::diagnose::HopName;
use crate::keymap::Context;
use std::collections::BTreeMap;

/// A list of one resource kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Findings,
    Vpcs,
    Peering,
    Cluster,
    Enis,
    Targets,
    Endpoints,
    Zones,
    Automation,
    Lattice,
    Dns,
    Probes,
    Events,
    Sources,
    Clusters,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::Findings,
        Kind::Vpcs,
        Kind::Peering,
        Kind::Cluster,
        Kind::Enis,
        Kind::Targets,
        Kind::Endpoints,
        Kind::Zones,
        Kind::Automation,
        Kind::Lattice,
        Kind::Dns,
        Kind::Probes,
        Kind::Events,
        Kind::Sources,
        Kind::Clusters,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Findings => "findings",
            Kind::Vpcs => "vpcs",
            Kind::Peering => "peering",
            Kind::Cluster => "cluster",
            Kind::Enis => "enis",
            Kind::Targets => "targets",
            Kind::Endpoints => "endpoints",
            Kind::Zones => "zones",
            Kind::Automation => "automation",
            Kind::Lattice => "lattice",
            Kind::Dns => "dns",
            Kind::Probes => "probes",
            Kind::Events => "events",
            Kind::Sources => "sources",
            Kind::Clusters => "clusters",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::Findings => "Findings",
            Kind::Vpcs => "VPCs, subnets & route tables",
            Kind::Peering => "Peering & transit gateways",
            Kind::Cluster => "Cluster endpoint",
            Kind::Enis => "EKS-owned ENIs",
            Kind::Targets => "NLB & targets",
            Kind::Endpoints => "PrivateLink",
            Kind::Zones => "Route 53 zones, DHCP & Resolver rules",
            Kind::Automation => "Target sync automation: rules, functions & trails",
            Kind::Lattice => "VPC Lattice: networks, services & targets",
            Kind::Dns => "DNS from this host",
            Kind::Probes => "Probes",
            Kind::Events => "Event log",
            Kind::Sources => "Sources",
            Kind::Clusters => "Clusters: Enter switches to one",
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        let s = s.trim().trim_start_matches(':').to_ascii_lowercase();
        Kind::ALL.into_iter().find(|k| {
            k.name() == s
                || (s.len() >= 2 && k.name().starts_with(&s))
                || (s == "vpc" && *k == Kind::Vpcs)
                || (s == "tgw" && *k == Kind::Peering)
                || (s == "ctx" && *k == Kind::Clusters)
        })
    }

    /// The list that shows the resources behind a hop.
    pub fn for_hop(hop: HopName) -> Kind {
        match hop {
            HopName::Origin => Kind::Vpcs,
            HopName::Dns => Kind::Dns,
            HopName::InterfaceEndpoint | HopName::EndpointService => Kind::Endpoints,
            HopName::Nlb | HopName::Targets => Kind::Targets,
            HopName::Peering | HopName::TransitGateway => Kind::Peering,
            HopName::PublicEndpoint => Kind::Cluster,
            HopName::EksEnis => Kind::Enis,
            HopName::ApiServer => Kind::Probes,
            HopName::ServiceNetwork
            | HopName::LatticeService
            | HopName::TargetGroup
            | HopName::LatticeEndpoint
            | HopName::ResourceGateway => Kind::Lattice,
        }
    }
}

/// What a `:` command can name, in the order Tab completion offers them.
pub fn jump_targets() -> Vec<&'static str> {
    let mut all = vec!["main"];
    all.extend(Kind::ALL.iter().map(|k| k.name()));
    all.push("quit");
    all
}

/// A list's order: by one column, up or down. Without one, rows keep the order they are built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Main,
    List(Kind),
    Hop(HopName),
    /// One row of a list, found again by id (it may disappear, e.g. a rotated ENI).
    Row {
        kind: Kind,
        id: String,
    },
}

impl View {
    pub fn crumb(&self) -> String {
        match self {
            View::Main => "main".into(),
            View::List(k) => k.name().into(),
            View::Hop(h) => format!("hop {h}"),
            // A finding's row id is `rule resource`: the rule names it.
            View::Row {
                kind: Kind::Findings,
                id,
            } => id.split(' ').next().unwrap_or(id).to_string(),
            View::Row { id, .. } => id.clone(),
        }
    }
}

/// Panes of the main screen, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Path,
    Findings,
    Events,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
}

/// A list's selected row: its id, and where it was (used when that row is gone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub id: Option<String>,
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiState {
    /// Never empty; the bottom is the main screen.
    pub stack: Vec<View>,
    pub focus: Pane,
    pub hop: usize,
    /// Until the user moves along the path, the selection follows the first failing hop.
    pub hop_touched: bool,
    /// Selected row per list, keyed by the list's name: found again by its id, so new
    /// rows above it do not move the cursor to another row.
    pub selected: BTreeMap<&'static str, Selection>,
    /// Filter per list.
    pub filters: BTreeMap<&'static str, String>,
    /// Sort per list; a list without one keeps its built order.
    pub sorts: BTreeMap<&'static str, Sort>,
    /// Scroll of detail views and help.
    pub scroll: u16,
    pub mode: Mode,
    pub input: String,
    /// A one-line message for the footer (copied, unknown command, ...).
    pub status: Option<String>,
    pub theme: usize,
    /// Where a replay stands (`REPLAY 09:41:07 ▶ 4×`); `None` for a live view.
    pub replay: Option<String>,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            stack: vec![View::Main],
            focus: Pane::Path,
            hop: 0,
            hop_touched: false,
            selected: BTreeMap::new(),
            filters: BTreeMap::new(),
            sorts: BTreeMap::new(),
            scroll: 0,
            mode: Mode::Normal,
            input: String::new(),
            status: None,
            theme: 0,
            replay: None,
        }
    }
}

impl UiState {
    pub fn view(&self) -> &View {
        self.stack.last().unwrap_or(&View::Main)
    }

    pub fn push(&mut self, v: View) {
        if self.view() != &v {
            self.stack.push(v);
            self.scroll = 0;
        }
    }

    pub fn pop(&mut self) -> bool {
        if self.stack.len() > 1 {
            self.stack.pop();
            self.scroll = 0;
            true
        } else {
            false
        }
    }

    /// The path of views; a row opened from a main-screen pane names its list too.
    pub fn breadcrumbs(&self) -> String {
        let mut crumbs = Vec::new();
        for (i, v) in self.stack.iter().enumerate() {
            if let View::Row { kind, .. } = v
                && (i == 0 || self.stack[i - 1] != View::List(*kind))
            {
                crumbs.push(kind.name().to_string());
            }
            crumbs.push(v.crumb());
        }
        crumbs.join(" › ")
    }

    /// The list the keys act on: the current list view, or the focused main pane.
    pub fn list_key(&self) -> Option<&'static str> {
        match self.view() {
            View::List(k) => Some(k.name()),
            View::Main => match self.focus {
                Pane::Findings => Some(Kind::Findings.name()),
                Pane::Events => Some(Kind::Events.name()),
                Pane::Path => None,
            },
            _ => None,
        }
    }

    /// Index of the selected row among `ids` (the list's visible rows, in order): the
    /// row with the selected id, else the same position, clamped to the list.
    pub fn selection<'a>(&self, list: &str, ids: impl IntoIterator<Item = &'a str>) -> usize {
        let Some(sel) = self.selected.get(list) else {
            return 0;
        };
        let mut n = 0;
        for (i, id) in ids.into_iter().enumerate() {
            if sel.id.as_deref() == Some(id) {
                return i;
            }
            n = i + 1;
        }
        sel.index.min(n.saturating_sub(1))
    }

    pub fn select(&mut self, list: &'static str, index: usize, id: Option<String>) {
        self.selected.insert(list, Selection { id, index });
    }

    pub fn filter(&self, list: &str) -> &str {
        self.filters.get(list).map(String::as_str).unwrap_or("")
    }

    pub fn sort(&self, list: &str) -> Option<Sort> {
        self.sorts.get(list).copied()
    }

    /// Where keys are pressed now, which decides the bindings that work.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Help => Context::Help,
            Mode::Filter | Mode::Command => Context::Input,
            Mode::Normal => match self.view() {
                View::Main if self.focus == Pane::Path => Context::Main,
                View::Main | View::List(_) => Context::List,
                View::Hop(_) | View::Row { .. } => Context::Detail,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name_and_prefix() {
        assert_eq!(Kind::from_name(":targets"), Some(Kind::Targets));
        assert_eq!(Kind::from_name("tar"), Some(Kind::Targets));
        assert_eq!(Kind::from_name("vpc"), Some(Kind::Vpcs));
        assert_eq!(Kind::from_name("nope"), None);
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
    }

    #[test]
    fn selection_follows_the_row_id_and_falls_back_to_its_place() {
        let mut s = UiState::default();
        assert_eq!(s.selection("dns", ["a", "b"]), 0);
        s.select("dns", 1, Some("b".into()));
        assert_eq!(s.selection("dns", ["new", "a", "b"]), 2, "followed b");
        assert_eq!(s.selection("dns", ["x", "y", "z"]), 1, "b gone: same place");
        assert_eq!(s.selection("dns", ["x"]), 0, "clamped");
    }

    #[test]
    fn stack_never_empties() {
        let mut s = UiState::default();
        assert!(!s.pop());
        s.push(View::List(Kind::Enis));
        s.push(View::List(Kind::Enis));
        assert_eq!(s.stack.len(), 2);
        assert_eq!(s.breadcrumbs(), "main › enis");
        s.stack.truncate(1);
        s.push(View::Row {
            kind: Kind::Findings,
            id: "target-missing tg-1".into(),
        });
        assert_eq!(s.breadcrumbs(), "main › findings › target-missing");
        assert!(s.pop());
        assert_eq!(s.view(), &View::Main);
    }
}
