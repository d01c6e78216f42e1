//! The resources on the PrivateLink path: ENIs, NLB and targets, endpoints, zones.

use super::*;
use crate::diagnose::HopStatus;
use crate::diagnose::ctx::Ctx;
use crate::model::Model;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

pub(super) fn enis(m: &Model, now: DateTime<Utc>) -> Table {
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

pub(super) fn targets(m: &Model, now: DateTime<Utc>) -> Table {
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

pub(super) fn endpoints(m: &Model, now: DateTime<Utc>) -> Table {
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

pub(super) fn zones(m: &Model, now: DateTime<Utc>) -> Table {
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
