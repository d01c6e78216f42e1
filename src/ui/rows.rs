//! Every list the UI shows, as plain rows built from the model: one function per kind.
//! Render and key handling use the same rows, so what is selected is what is shown.

use super::state::Kind;
use crate::diagnose::classify::classify;
use crate::diagnose::ctx::Ctx;
use crate::diagnose::{Diagnosis, HopStatus, Severity};
use crate::model::{EventLevel, Loadable, Model, ProbeOutcome};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeSet;

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
    /// Source problems to show above the rows (loading, errors, stale data).
    pub notes: Vec<(String, Role)>,
}

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

/// A source's state, error and fetch time.
type SourceNote = Option<(&'static str, Option<String>, Option<DateTime<Utc>>)>;

/// Loading / error / stale notes for the sources a list draws on.
fn notes(sources: &[(&str, SourceNote)], now: DateTime<Utc>) -> Vec<(String, Role)> {
    let mut out = Vec::new();
    for (name, s) in sources {
        let Some((state, err, at)) = s else { continue };
        match *state {
            "loading" => out.push((format!("{name}: loading…"), Role::Muted)),
            "error" => out.push((
                format!("{name}: {}", err.clone().unwrap_or_default()),
                Role::Fail,
            )),
            "stale" => out.push((
                format!(
                    "{name}: showing data from {} ago; refresh failed: {}",
                    age(now, at.unwrap_or(now)),
                    err.clone().unwrap_or_default()
                ),
                Role::Warn,
            )),
            _ => {}
        }
    }
    out
}

fn src<T>(l: &Loadable<T>) -> SourceNote {
    Some((
        l.state_name(),
        l.error().map(|e| e.to_string()),
        l.fetched_at(),
    ))
}

pub fn age(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let s = (now - at).num_seconds().max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

pub fn build(kind: Kind, m: &Model, d: &Diagnosis, now: DateTime<Utc>) -> Table {
    match kind {
        Kind::Findings => findings(d),
        Kind::Vpcs => vpcs(m, now),
        Kind::Peering => peering(m, now),
        Kind::Cluster => cluster(m, now),
        Kind::Enis => enis(m, now),
        Kind::Targets => targets(m, now),
        Kind::Endpoints => endpoints(m, now),
        Kind::Zones => zones(m, now),
        Kind::Dns => dns(m),
        Kind::Probes => probes(m),
        Kind::Events => events(m),
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
    let notes = d
        .unknowns
        .iter()
        .map(|u| {
            (
                format!("? {}: {} ({})", u.rule, u.missing, u.reason),
                Role::Unknown,
            )
        })
        .collect();
    Table {
        columns: vec![("SEV", 4), ("ID", 27), ("RESOURCE", 22), ("EVIDENCE", 0)],
        rows,
        notes,
    }
}

fn vpcs(m: &Model, now: DateTime<Utc>) -> Table {
    let cluster_vpc = m.cluster.value().and_then(|c| c.vpc_id.clone());
    let origin_vpc = m.origin().map(|o| o.vpc_id.clone());
    let mut rows = Vec::new();
    let onoff = |b: Option<bool>| match b {
        Some(true) => cr("✔ on", Role::Ok),
        Some(false) => cr("✖ off", Role::Fail),
        None => cr("? unknown", Role::Unknown),
    };
    for v in m.vpcs.value().into_iter().flatten() {
        let role = match (
            Some(&v.id) == cluster_vpc.as_ref(),
            Some(&v.id) == origin_vpc.as_ref(),
        ) {
            (true, true) => "cluster + this host",
            (true, false) => "cluster",
            (false, true) => "this host",
            _ => "",
        };
        let cidrs = v
            .cidrs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mut dns = onoff(v.dns_support.zip(v.dns_hostnames).map(|(a, b)| a && b));
        dns.text = format!(
            "{} (support {}, hostnames {})",
            dns.text,
            yn(v.dns_support),
            yn(v.dns_hostnames)
        );
        rows.push(Row {
            id: v.id.clone(),
            cells: vec![
                cr("vpc", Role::Accent),
                c(v.label()),
                c(cidrs),
                dns,
                c(role),
            ],
            detail: fields(v),
        });
        for s in m
            .subnets
            .value()
            .into_iter()
            .flatten()
            .filter(|s| s.vpc_id == v.id)
        {
            let free = cr(
                format!("{} free", s.free_ips),
                if s.free_ips < 6 {
                    Role::Warn
                } else {
                    Role::Text
                },
            );
            let name = s
                .name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            rows.push(Row {
                id: s.id.clone(),
                cells: vec![
                    cr("└ subnet", Role::Muted),
                    c(format!("{}{name}", s.id)),
                    c(format!("{} {}", s.cidr, s.az)),
                    free,
                    c(""),
                ],
                detail: fields(s),
            });
        }
        for t in m
            .route_tables
            .value()
            .into_iter()
            .flatten()
            .filter(|t| t.vpc_id == v.id)
        {
            let routes = t
                .routes
                .iter()
                .map(|r| {
                    format!(
                        "{}→{}{}",
                        r.destination,
                        r.target,
                        if r.is_active() { "" } else { " (blackhole)" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let bad = t.routes.iter().any(|r| !r.is_active());
            rows.push(Row {
                id: t.id.clone(),
                cells: vec![
                    cr("└ routes", Role::Muted),
                    c(format!("{}{}", t.id, if t.main { " (main)" } else { "" })),
                    c(routes),
                    if bad {
                        cr("! blackhole", Role::Warn)
                    } else {
                        c("")
                    },
                    c(""),
                ],
                detail: fields(t),
            });
        }
    }
    Table {
        columns: vec![
            ("KIND", 9),
            ("ID", 34),
            ("CIDR / ROUTES", 40),
            ("DNS / FREE", 22),
            ("ROLE", 0),
        ],
        rows,
        notes: notes(
            &[
                ("VPCs", src(&m.vpcs)),
                ("subnets", src(&m.subnets)),
                ("route tables", src(&m.route_tables)),
            ],
            now,
        ),
    }
}

fn yn(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "on",
        Some(false) => "off",
        None => "?",
    }
}

fn peering(m: &Model, now: DateTime<Utc>) -> Table {
    let mut rows = Vec::new();
    for p in m.peerings.value().into_iter().flatten() {
        let status = if p.is_active() {
            st(HopStatus::Ok, &p.status)
        } else {
            st(HopStatus::Warn, &p.status)
        };
        let side = |s: &crate::model::PeerSide| {
            format!(
                "{} {} dns:{}",
                s.vpc_id,
                s.cidrs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
                yn(s.allow_remote_dns)
            )
        };
        rows.push(Row {
            id: p.id.clone(),
            cells: vec![
                cr("peering", Role::Accent),
                c(&p.id),
                status,
                c(side(&p.requester)),
                c(side(&p.accepter)),
            ],
            detail: fields(p),
        });
        for t in m.route_tables.value().into_iter().flatten() {
            for r in t
                .routes
                .iter()
                .filter(|r| r.target == crate::model::RouteTarget::Peering(p.id.clone()))
            {
                let state = if r.is_active() {
                    st(HopStatus::Ok, &r.state)
                } else {
                    st(HopStatus::Fail, &r.state)
                };
                rows.push(Row {
                    id: format!("{} {}", t.id, r.destination),
                    cells: vec![
                        cr("└ route", Role::Muted),
                        c(&t.id),
                        state,
                        c(format!("{} → {}", r.destination, r.target)),
                        c(&t.vpc_id),
                    ],
                    detail: fields(t),
                });
            }
        }
    }
    Table {
        columns: vec![
            ("KIND", 9),
            ("ID", 24),
            ("STATUS", 14),
            ("REQUESTER / ROUTE", 44),
            ("ACCEPTER", 0),
        ],
        rows,
        notes: notes(
            &[
                ("peerings", src(&m.peerings)),
                ("route tables", src(&m.route_tables)),
            ],
            now,
        ),
    }
}

fn cluster(m: &Model, now: DateTime<Utc>) -> Table {
    let mut rows = Vec::new();
    if let Some(cl) = m.cluster.value() {
        let mode = cl.mode().label();
        let open = cl.public_access
            && (cl.public_cidrs.is_empty() || cl.public_cidrs.iter().any(|x| x == "0.0.0.0/0"));
        let kv: Vec<(&str, Cell)> = vec![
            ("name", c(&cl.name)),
            (
                "status",
                if cl.status.eq_ignore_ascii_case("active") {
                    st(HopStatus::Ok, &cl.status)
                } else {
                    st(HopStatus::Warn, &cl.status)
                },
            ),
            ("version", c(&cl.version)),
            ("endpoint", c(&cl.endpoint)),
            ("access mode", cr(mode, Role::Accent)),
            (
                "public CIDRs",
                if open {
                    cr(
                        format!(
                            "! {}",
                            if cl.public_cidrs.is_empty() {
                                "0.0.0.0/0".into()
                            } else {
                                cl.public_cidrs.join(", ")
                            }
                        ),
                        Role::Warn,
                    )
                } else {
                    c(cl.public_cidrs.join(", "))
                },
            ),
            ("cluster SG", c(cl.cluster_sg.clone().unwrap_or_default())),
            ("other SGs", c(cl.extra_sgs.join(", "))),
            ("VPC", c(cl.vpc_id.clone().unwrap_or_default())),
            ("subnets", c(cl.subnet_ids.join(", "))),
            ("account", c(cl.account().unwrap_or("?"))),
        ];
        for (k, v) in kv {
            rows.push(Row {
                id: k.into(),
                cells: vec![cr(k, Role::Muted), v],
                detail: fields(cl),
            });
        }
        for g in m
            .security_groups
            .value()
            .into_iter()
            .flatten()
            .filter(|g| cl.eni_sgs().contains(&g.id))
        {
            for r in &g.ingress {
                let ports = match (r.from_port, r.to_port) {
                    (Some(a), Some(b)) if a == b => format!("{} {a}", r.protocol),
                    (Some(a), Some(b)) => format!("{} {a}-{b}", r.protocol),
                    _ => "all".into(),
                };
                let srcs = r
                    .sources
                    .iter()
                    .map(|s| match s {
                        crate::model::SgSource::Cidr(n) => n.to_string(),
                        crate::model::SgSource::Group(g)
                        | crate::model::SgSource::PrefixList(g) => g.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                rows.push(Row {
                    id: g.id.clone(),
                    cells: vec![
                        cr("SG rule", Role::Muted),
                        c(format!("{}: {ports} from {srcs}", g.id)),
                    ],
                    detail: fields(g),
                });
            }
        }
    }
    Table {
        columns: vec![("FIELD", 14), ("VALUE", 0)],
        rows,
        notes: notes(
            &[
                ("cluster", src(&m.cluster)),
                ("security groups", src(&m.security_groups)),
            ],
            now,
        ),
    }
}

fn enis(m: &Model, now: DateTime<Utc>) -> Table {
    let registered: BTreeSet<String> = m
        .targets
        .value()
        .into_iter()
        .flatten()
        .map(|t| t.id.clone())
        .collect();
    let rows = m
        .enis
        .value()
        .into_iter()
        .flatten()
        .map(|e| {
            let subnet = m
                .subnets
                .value()
                .and_then(|s| s.iter().find(|s| s.id == e.subnet_id));
            let free = subnet.map_or(cr("?", Role::Unknown), |s| {
                cr(
                    s.free_ips.to_string(),
                    if s.free_ips < 6 {
                        Role::Warn
                    } else {
                        Role::Text
                    },
                )
            });
            let reg = if m.targets.value().is_none() {
                cr("?", Role::Unknown)
            } else if registered.contains(&e.ip.to_string()) {
                st(HopStatus::Ok, "registered")
            } else {
                st(HopStatus::Fail, "missing")
            };
            Row {
                id: e.id.clone(),
                cells: vec![
                    c(&e.id),
                    cr(e.ip.to_string(), Role::Accent),
                    c(&e.az),
                    c(&e.subnet_id),
                    if e.in_use() {
                        st(HopStatus::Ok, &e.status)
                    } else {
                        st(HopStatus::Warn, &e.status)
                    },
                    free,
                    reg,
                ],
                detail: fields(e),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("ENI", 23),
            ("IP", 16),
            ("AZ", 11),
            ("SUBNET", 26),
            ("STATUS", 11),
            ("FREE", 5),
            ("TARGET", 0),
        ],
        rows,
        notes: notes(
            &[
                ("ENIs", src(&m.enis)),
                ("subnets", src(&m.subnets)),
                ("targets", src(&m.targets)),
            ],
            now,
        ),
    }
}

fn targets(m: &Model, now: DateTime<Utc>) -> Table {
    let ctx = Ctx::new(m);
    let eni_ips: Option<BTreeSet<String>> = m
        .enis
        .value()
        .map(|v| v.iter().map(|e| e.ip.to_string()).collect());
    let mut rows = Vec::new();
    for lb in &ctx.path.nlbs {
        let listeners = m
            .listeners
            .value()
            .into_iter()
            .flatten()
            .filter(|l| l.lb_arn == lb.arn)
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(Row {
            id: lb.arn.clone(),
            cells: vec![
                cr("nlb", Role::Accent),
                c(&lb.name),
                c(format!("{} {}", lb.scheme, lb.state)),
                c(format!(
                    "listeners {listeners} · IPs {}",
                    lb.private_ips()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                c(""),
                c(""),
            ],
            detail: fields(lb),
        });
    }
    for tg in &ctx.path.target_groups {
        rows.push(Row {
            id: tg.arn.clone(),
            cells: vec![
                cr("group", Role::Accent),
                c(&tg.name),
                c(format!("{} {}:{}", tg.target_type, tg.protocol, tg.port)),
                c(""),
                c(""),
                c(""),
            ],
            detail: fields(tg),
        });
        let ts: Vec<_> = m
            .targets
            .value()
            .into_iter()
            .flatten()
            .filter(|t| t.tg_arn == tg.arn)
            .collect();
        for t in &ts {
            let health = if t.healthy() {
                st(HopStatus::Ok, &t.state)
            } else if t.unhealthy() {
                st(HopStatus::Fail, &t.state)
            } else {
                st(HopStatus::Warn, &t.state)
            };
            let mark = match &eni_ips {
                None => cr("? ENIs unknown", Role::Unknown),
                Some(s) if s.contains(&t.id) => st(HopStatus::Ok, "current ENI"),
                Some(_) => st(HopStatus::Warn, "STALE"),
            };
            rows.push(Row {
                id: t.id.clone(),
                cells: vec![
                    cr("└ target", Role::Muted),
                    cr(format!("{}:{}", t.id, t.port), Role::Text),
                    health,
                    c(t.reason_text()),
                    c(t.az.clone().unwrap_or_default()),
                    mark,
                ],
                detail: fields(*t),
            });
        }
        if let Some(s) = &eni_ips {
            for ip in s.iter().filter(|ip| !ts.iter().any(|t| &&t.id == ip)) {
                rows.push(Row {
                    id: ip.clone(),
                    cells: vec![
                        cr("└ target", Role::Muted),
                        c(format!("{ip}:{}", tg.port)),
                        st(HopStatus::Fail, "not registered"),
                        c("EKS-owned ENI IP missing from the group"),
                        c(""),
                        st(HopStatus::Fail, "MISSING"),
                    ],
                    detail: vec![
                        ("ip".into(), ip.clone()),
                        ("target group".into(), tg.arn.clone()),
                    ],
                });
            }
        }
    }
    Table {
        columns: vec![
            ("KIND", 9),
            ("NAME / TARGET", 24),
            ("STATE", 18),
            ("DETAIL", 40),
            ("AZ", 11),
            ("ENI", 0),
        ],
        rows,
        notes: notes(
            &[
                ("load balancers", src(&m.load_balancers)),
                ("listeners", src(&m.listeners)),
                ("target groups", src(&m.target_groups)),
                ("target health", src(&m.targets)),
                ("ENIs", src(&m.enis)),
            ],
            now,
        ),
    }
}

fn endpoints(m: &Model, now: DateTime<Utc>) -> Table {
    let ctx = Ctx::new(m);
    let mut rows = Vec::new();
    let ok_state = |s: &str, good: &str| {
        if s.eq_ignore_ascii_case(good) {
            st(HopStatus::Ok, s)
        } else {
            st(HopStatus::Fail, s)
        }
    };
    for s in m.endpoint_services.value().into_iter().flatten() {
        let on_path = ctx.path.services.iter().any(|p| p.id == s.id);
        rows.push(Row {
            id: s.id.clone(),
            cells: vec![
                cr("service", Role::Accent),
                c(&s.id),
                ok_state(&s.state, "available"),
                c(&s.name),
                c(if on_path { "on path" } else { "" }),
            ],
            detail: fields(s),
        });
        for cn in m
            .endpoint_connections
            .value()
            .into_iter()
            .flatten()
            .filter(|c| c.service_id == s.id)
        {
            rows.push(Row {
                id: cn.endpoint_id.clone(),
                cells: vec![
                    cr("└ conn", Role::Muted),
                    c(&cn.endpoint_id),
                    ok_state(&cn.state, "available"),
                    c(cn.owner.clone().unwrap_or_default()),
                    c(""),
                ],
                detail: fields(cn),
            });
        }
    }
    for e in m.interface_endpoints.value().into_iter().flatten() {
        let on_path = ctx.path.endpoints.iter().any(|p| p.id == e.id);
        let ips = if e.ips.is_empty() {
            "no IPs".into()
        } else {
            e.ips
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        rows.push(Row {
            id: e.id.clone(),
            cells: vec![
                cr("endpoint", Role::Accent),
                c(&e.id),
                ok_state(&e.state, "available"),
                c(format!("{ips} · {}", e.service_name)),
                c(if on_path { "on path" } else { "" }),
            ],
            detail: fields(e),
        });
        for n in &e.dns_names {
            rows.push(Row {
                id: n.clone(),
                cells: vec![cr("└ dns", Role::Muted), c(n), c(""), c(""), c("")],
                detail: fields(e),
            });
        }
    }
    Table {
        columns: vec![
            ("KIND", 9),
            ("ID", 26),
            ("STATE", 22),
            ("DETAIL", 52),
            ("PATH", 0),
        ],
        rows,
        notes: notes(
            &[
                ("endpoint services", src(&m.endpoint_services)),
                ("connections", src(&m.endpoint_connections)),
                ("interface endpoints", src(&m.interface_endpoints)),
            ],
            now,
        ),
    }
}

fn zones(m: &Model, now: DateTime<Utc>) -> Table {
    let origin = m.origin().map(|o| o.vpc_id.clone());
    let ies = m.interface_endpoints.value();
    let mut rows = Vec::new();
    for z in m.hosted_zones.value().into_iter().flatten() {
        let assoc = match &origin {
            Some(o) if z.associated_with(o) => st(HopStatus::Ok, "this VPC"),
            Some(_) => st(HopStatus::Fail, "not this VPC"),
            None => cr("? origin unknown", Role::Unknown),
        };
        let vpcs = z
            .vpcs
            .iter()
            .map(|v| v.vpc_id.clone())
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(Row {
            id: z.id.clone(),
            cells: vec![
                cr(if z.private { "private" } else { "public" }, Role::Accent),
                c(&z.name),
                assoc,
                c(format!("VPCs {vpcs}")),
            ],
            detail: fields(z),
        });
        for r in m
            .records
            .value()
            .into_iter()
            .flatten()
            .filter(|r| r.zone_id == z.id)
        {
            let (target, matched) = match &r.alias {
                Some(a) => {
                    let hit = ies.map(|v| v.iter().any(|e| e.answers_to(&a.dns_name)));
                    (format!("alias → {}", a.dns_name.trim_end_matches('.')), hit)
                }
                None => (r.values.join(", "), None),
            };
            let mark = match matched {
                Some(true) => st(HopStatus::Ok, "matches endpoint"),
                Some(false) => st(HopStatus::Fail, "DANGLING"),
                None => c(""),
            };
            rows.push(Row {
                id: r.name.trim_end_matches('.').to_string(),
                cells: vec![
                    cr(format!("└ {}", r.rtype), Role::Muted),
                    c(r.name.trim_end_matches('.')),
                    mark,
                    c(target),
                ],
                detail: fields(r),
            });
        }
    }
    Table {
        columns: vec![("KIND", 9), ("NAME", 56), ("STATE", 20), ("DETAIL", 0)],
        rows,
        notes: notes(
            &[
                ("hosted zones", src(&m.hosted_zones)),
                ("records", src(&m.records)),
            ],
            now,
        ),
    }
}

fn dns(m: &Model) -> Table {
    let ctx = Ctx::new(m);
    let mut notes = Vec::new();
    if !m.context.live.dns {
        notes.push(("live DNS is off (--no-live)".to_string(), Role::Skipped));
    } else if m.live.dns.is_empty() {
        notes.push(("no DNS sample yet".to_string(), Role::Muted));
    }
    let rows = m
        .live
        .dns
        .iter()
        .rev()
        .map(|s| {
            let answers: Vec<String> = s
                .ips()
                .into_iter()
                .map(|ip| format!("{ip} {}", classify(ip, &ctx).label()))
                .collect();
            let outcome = match &s.outcome {
                crate::model::DnsOutcome::Answers(_) => st(HopStatus::Ok, "NOERROR"),
                _ => st(HopStatus::Fail, s.outcome_label()),
            };
            Row {
                id: s.at.format("%H:%M:%S%.3f").to_string(),
                cells: vec![
                    c(s.at.format("%H:%M:%S").to_string()),
                    outcome,
                    c(answers.join(", ")),
                    c(format!("{:.1} ms", s.latency.as_secs_f64() * 1000.0)),
                    cr(s.server.clone().unwrap_or_default(), Role::Muted),
                ],
                detail: fields(s),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("TIME", 9),
            ("OUTCOME", 16),
            ("ANSWERS", 70),
            ("LATENCY", 9),
            ("SERVER", 0),
        ],
        rows,
        notes,
    }
}

const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Latency history as block characters; failures as `✖`.
pub fn sparkline(samples: &[Option<f64>], width: usize) -> String {
    let tail = &samples[samples.len().saturating_sub(width)..];
    let max = tail.iter().flatten().cloned().fold(0.0_f64, f64::max);
    tail.iter()
        .map(|s| match s {
            None => '✖',
            Some(v) if max <= 0.0 => SPARK[0],
            Some(v) => SPARK[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// The value at quantile `q` (0..=1) of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted.get(i).copied()
}

fn probes(m: &Model) -> Table {
    let mut notes = Vec::new();
    if !(m.context.live.probe && m.context.live.dns) {
        notes.push((
            "probes are off (--no-probe or --no-live)".to_string(),
            Role::Skipped,
        ));
    } else if m.live.probes.is_empty() {
        notes.push(("no probe yet".to_string(), Role::Muted));
    }
    let rows = m
        .live
        .probes
        .iter()
        .map(|(ip, ring)| {
            let all: Vec<_> = ring.iter().collect();
            let ok = all.iter().filter(|p| p.ok()).count();
            let mut lat: Vec<f64> = all
                .iter()
                .filter(|p| p.ok())
                .filter_map(|p| p.total())
                .map(|d| d.as_secs_f64() * 1000.0)
                .collect();
            lat.sort_by(f64::total_cmp);
            let spark: Vec<Option<f64>> = all
                .iter()
                .map(|p| {
                    if p.ok() {
                        p.total().map(|d| d.as_secs_f64() * 1000.0)
                    } else {
                        None
                    }
                })
                .collect();
            let last = all.last().expect("rings are never empty");
            let outcome = match &last.outcome {
                ProbeOutcome::Ok => st(
                    HopStatus::Ok,
                    format!(
                        "HTTP {}",
                        last.http_status.map(|s| s.to_string()).unwrap_or_default()
                    ),
                ),
                ProbeOutcome::TcpFailed(r) => st(HopStatus::Fail, format!("TCP: {r}")),
                ProbeOutcome::TlsFailed(r) => st(HopStatus::Fail, format!("TLS: {r}")),
                ProbeOutcome::HttpFailed(r) => st(HopStatus::Fail, format!("HTTP: {r}")),
            };
            let ratio = ok as f64 / all.len() as f64;
            let ms = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.1}"));
            Row {
                id: ip.to_string(),
                cells: vec![
                    cr(ip.to_string(), Role::Accent),
                    outcome,
                    cr(
                        format!("{:.0}% of {}", ratio * 100.0, all.len()),
                        if ratio >= 0.999 {
                            Role::Ok
                        } else if ratio > 0.0 {
                            Role::Warn
                        } else {
                            Role::Fail
                        },
                    ),
                    c(format!(
                        "{} / {}",
                        ms(quantile(&lat, 0.5)),
                        ms(quantile(&lat, 0.95))
                    )),
                    cr(sparkline(&spark, 40), Role::Accent),
                ],
                detail: fields(last),
            }
        })
        .collect();
    Table {
        columns: vec![
            ("ANSWER", 16),
            ("LAST", 34),
            ("SUCCESS", 12),
            ("P50/P95 ms", 13),
            ("LATENCY", 0),
        ],
        rows,
        notes,
    }
}

fn events(m: &Model) -> Table {
    let rows = m
        .events
        .iter()
        .rev()
        .enumerate()
        .map(|(i, e)| {
            let role = match e.level {
                EventLevel::Info => Role::Info,
                EventLevel::Ok => Role::Ok,
                EventLevel::Warn => Role::Warn,
                EventLevel::Fail => Role::Fail,
            };
            Row {
                id: format!("{}#{i}", e.at.format("%H:%M:%S")),
                cells: vec![
                    c(e.at.format("%H:%M:%S").to_string()),
                    cr(format!("{:?}", e.level).to_lowercase(), role),
                    c(&e.text),
                ],
                detail: fields(e),
            }
        })
        .collect();
    let notes = if m.events.is_empty() {
        vec![(
            "no events yet: transitions appear here as they happen".to_string(),
            Role::Muted,
        )]
    } else {
        vec![]
    };
    Table {
        columns: vec![("TIME", 9), ("LEVEL", 6), ("EVENT", 0)],
        rows,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_and_marks_failures() {
        assert_eq!(
            sparkline(&[Some(1.0), Some(8.0), None, Some(4.0)], 10),
            "▂█✖▄"
        );
        assert_eq!(sparkline(&[Some(1.0); 50], 5).chars().count(), 5);
    }

    #[test]
    fn quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 100.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.95), Some(100.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

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
