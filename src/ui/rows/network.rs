//! VPCs, subnets, route tables, peering and the cluster endpoint.

use super::path::headroom_role;
use super::*;
use crate::diagnose::states::pair;
use crate::model::Model;

pub(super) fn vpcs(m: &Model, d: &Diagnosis) -> Table {
    let cluster_vpc = m.cluster.value().and_then(|c| c.vpc_id.clone());
    let origin_vpc = m.origin().map(|o| o.vpc_id.clone());
    let mut rows = Vec::new();
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
        // Name each attribute unless both are on: "on" says it all then.
        let dns = match d.states.get(Aspect::VpcDns, &v.id) {
            Some(HopStatus::Ok) => st(HopStatus::Ok, "on"),
            judged => {
                let attrs = format!(
                    "(support {}, hostnames {})",
                    yn(v.dns_support),
                    yn(v.dns_hostnames)
                );
                match judged {
                    Some(s) => st(s, format!("off {attrs}")),
                    None => cr(format!("? unknown {attrs}"), Role::Unknown),
                }
            }
        };
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
            let free = cr(format!("{} free", s.free_ips), headroom_role(d, &s.id));
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
                    let key = pair(&t.id, &r.destination.to_string());
                    let dead = d.states.get(Aspect::Route, &key) != Some(HopStatus::Ok);
                    format!(
                        "{}→{}{}",
                        r.destination,
                        r.target,
                        if dead { " (blackhole)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let table = d.states.get(Aspect::RouteTable, &t.id);
            rows.push(Row {
                id: t.id.clone(),
                cells: vec![
                    cr("└ routes", Role::Muted),
                    c(format!("{}{}", t.id, if t.main { " (main)" } else { "" })),
                    match table {
                        Some(HopStatus::Ok) | None => c(""),
                        Some(s) => st(s, "blackhole"),
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
    }
}

fn yn(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "on",
        Some(false) => "off",
        None => "?",
    }
}

pub(super) fn peering(m: &Model, d: &Diagnosis) -> Table {
    let mut rows = Vec::new();
    for p in m.peerings.value().into_iter().flatten() {
        let status = judged(d, Aspect::Peering, &p.id, &p.status);
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
                let key = pair(&t.id, &r.destination.to_string());
                let state = judged(d, Aspect::Route, &key, &r.state);
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
    tgw_rows(m, d, &mut rows);
    Table {
        columns: vec![
            ("KIND", 9),
            ("ID", 24),
            ("STATUS", 14),
            ("REQUESTER / ROUTE", 44),
            ("ACCEPTER / VIA", 0),
        ],
        rows,
    }
}

/// Each transit gateway attachment of the path VPCs, then the routes of its route table.
fn tgw_rows(m: &Model, d: &Diagnosis, rows: &mut Vec<Row>) {
    let tables = m.tgw_route_tables.value().map(Vec::as_slice).unwrap_or(&[]);
    let mut shown = std::collections::BTreeSet::new();
    for a in m.tgw_attachments.value().into_iter().flatten() {
        rows.push(Row {
            id: a.id.clone(),
            cells: vec![
                cr("tgw-attach", Role::Accent),
                c(&a.id),
                judged(d, Aspect::TgwAttachment, &a.id, &a.state),
                c(format!("{} {}", a.vpc_id, a.subnet_ids.join(","))),
                c(format!(
                    "{} rtb {}",
                    a.tgw_id,
                    a.route_table_id.as_deref().unwrap_or("none")
                )),
            ],
            detail: fields(a),
        });
        let Some(t) = a
            .route_table_id
            .as_ref()
            .and_then(|id| tables.iter().find(|t| &t.id == id))
        else {
            continue;
        };
        if !shown.insert(t.id.clone()) {
            continue;
        }
        for r in &t.routes {
            let key = pair(&t.id, &format!("{} {}", r.destination, r.kind));
            let to: Vec<String> = r
                .attachments
                .iter()
                .map(|x| format!("{} ({})", x.attachment_id, x.resource_id))
                .collect();
            rows.push(Row {
                id: format!("{} {}", t.id, r.destination),
                cells: vec![
                    cr("└ route", Role::Muted),
                    c(&t.id),
                    judged(d, Aspect::TgwRoute, &key, &r.state),
                    c(format!(
                        "{} → {} ({})",
                        r.destination,
                        if to.is_empty() {
                            "blackhole".to_string()
                        } else {
                            to.join(", ")
                        },
                        r.kind
                    )),
                    c(&a.tgw_id),
                ],
                detail: fields(r),
            });
        }
    }
}

pub(super) fn cluster(m: &Model, d: &Diagnosis) -> Table {
    let mut rows = Vec::new();
    if let Some(cl) = m.cluster.value() {
        let mode = cl.mode().label();
        let open = d.states.get(Aspect::PublicAccess, &cl.name) == Some(HopStatus::Warn);
        let kv: Vec<(&str, Cell)> = vec![
            ("name", c(&cl.name)),
            (
                "status",
                judged(d, Aspect::ClusterStatus, &cl.name, &cl.status),
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
    }
}
