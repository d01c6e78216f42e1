//! VPCs, subnets, route tables, peering and the cluster endpoint.

use super::*;
use crate::diagnose::HopStatus;
use crate::model::Model;
use chrono::{DateTime, Utc};

pub(super) fn vpcs(m: &Model, now: DateTime<Utc>) -> Table {
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
        // Name the attribute that is off; "on" says it all otherwise.
        if v.dns_support != Some(true) || v.dns_hostnames != Some(true) {
            dns.text = format!(
                "{} (support {}, hostnames {})",
                dns.text,
                yn(v.dns_support),
                yn(v.dns_hostnames)
            );
        }
        rows.push(Row {
            id: v.id.clone(),
            cells: vec![
                cr("vpc", Role::Accent),
                c(v.label()),
                dns,
                c(role),
                c(cidrs),
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
                    free,
                    c(""),
                    c(format!("{} {}", s.cidr, s.az)),
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
                    if bad {
                        cr("! blackhole", Role::Warn)
                    } else {
                        c("")
                    },
                    c(""),
                    c(routes),
                ],
                detail: fields(t),
            });
        }
    }
    Table {
        columns: vec![
            ("KIND", 9),
            ("ID", 42),
            ("DNS / FREE", 22),
            ("ROLE", 19),
            ("CIDR / ROUTES", 0),
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

pub(super) fn peering(m: &Model, now: DateTime<Utc>) -> Table {
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

pub(super) fn cluster(m: &Model, now: DateTime<Utc>) -> Table {
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
