//! The resources on the PrivateLink path: ENIs, NLB and targets, endpoints, zones.

use super::*;
use crate::diagnose::states::{pair, record_key};
use crate::model::Model;

pub(super) fn enis(m: &Model, d: &Diagnosis) -> Table {
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
                cr(s.free_ips.to_string(), headroom_role(d, &s.id))
            });
            let reg = match d.states.get(Aspect::EniRegistered, &e.id) {
                None => cr("?", Role::Unknown),
                Some(HopStatus::Ok) => st(HopStatus::Ok, "registered"),
                Some(s) => st(s, "missing"),
            };
            Row {
                id: e.id.clone(),
                cells: vec![
                    c(&e.id),
                    cr(e.ip.to_string(), Role::Accent),
                    c(&e.az),
                    c(&e.subnet_id),
                    judged(d, Aspect::EniStatus, &e.id, &e.status),
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
    }
}

/// What stands behind a target of an API's own NLB: the instance and its state, or the
/// ENI that holds the IP.
fn behind(m: &Model, tg: &crate::model::TargetGroup, t: &crate::model::Target) -> Cell {
    if tg.is_ip() {
        let eni = t.ip().and_then(|ip| {
            m.target_enis
                .value()
                .and_then(|es| es.iter().find(|e| e.ip == ip))
        });
        return match eni {
            Some(e) => c(format!("{} {}", e.id, e.status)),
            None => cr("? ENI unknown", Role::Unknown),
        };
    }
    match m
        .instances
        .value()
        .and_then(|is| is.iter().find(|i| i.id == t.id))
    {
        Some(i) => {
            let name = i.name.as_deref().unwrap_or(&i.id);
            if i.running() {
                c(format!("{name} running"))
            } else {
                st(HopStatus::Warn, format!("{name} {}", i.state))
            }
        }
        None if m.instances.value().is_some() => st(HopStatus::Fail, "instance not found"),
        None => cr("? instance unknown", Role::Unknown),
    }
}

/// Path resources in the diagnosis's order, found by id.
fn on_path<'a, T>(all: Option<&'a Vec<T>>, ids: &[String], id: impl Fn(&T) -> &str) -> Vec<&'a T> {
    let all = all.map(Vec::as_slice).unwrap_or_default();
    ids.iter()
        .filter_map(|want| all.iter().find(|x| id(x) == want))
        .collect()
}

pub(super) fn targets(m: &Model, d: &Diagnosis) -> Table {
    let mut rows = Vec::new();
    for lb in on_path(m.load_balancers.value(), &d.path.nlbs, |lb| &lb.arn) {
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
    for tg in on_path(m.target_groups.value(), &d.path.target_groups, |tg| &tg.arn) {
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
            let key = pair(&t.tg_arn, &t.id);
            let health = judged(d, Aspect::TargetHealth, &key, &t.state);
            let mark = match (
                m.context.api.server(),
                d.states.get(Aspect::TargetIsEni, &key),
            ) {
                (Some(_), _) => behind(m, tg, t),
                (None, None) => cr("? ENIs unknown", Role::Unknown),
                (None, Some(HopStatus::Ok)) => st(HopStatus::Ok, "current ENI"),
                (None, Some(s)) => st(s, "STALE"),
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
        for ip in d.states.unregistered.get(&tg.arn).into_iter().flatten() {
            let ip = ip.to_string();
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
                detail: vec![("ip".into(), ip), ("target group".into(), tg.arn.clone())],
            });
        }
    }
    // Groups behind other listeners of the same NLBs: shown, never judged as the API's.
    let others = m.target_groups.value().into_iter().flatten().filter(|tg| {
        !d.path.target_groups.contains(&tg.arn)
            && tg.lb_arns.iter().any(|a| d.path.nlbs.contains(a))
    });
    for tg in others {
        let ports: Vec<String> = m
            .listeners
            .value()
            .into_iter()
            .flatten()
            .filter(|l| l.forwards_to.contains(&tg.arn))
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect();
        let via = if ports.is_empty() {
            "no listener".to_string()
        } else {
            format!("listener {}", ports.join(", "))
        };
        rows.push(Row {
            id: tg.arn.clone(),
            cells: vec![
                cr("group", Role::Muted),
                cr(&tg.name, Role::Muted),
                cr(
                    format!("{} {}:{}", tg.target_type, tg.protocol, tg.port),
                    Role::Muted,
                ),
                cr(format!("not the API's: {via}"), Role::Muted),
                c(""),
                c(""),
            ],
            detail: fields(tg),
        });
    }
    // The zone coverage, by zone ID: ENIs, NLB nodes, healthy targets, service, endpoint.
    let cross = match d.zones.cross_zone {
        Some(true) => "cross-zone on",
        Some(false) => "cross-zone off",
        None => "cross-zone ?",
    };
    for z in &d.zones.zones {
        let n = |v: Option<usize>| v.map_or("?".to_string(), |n| n.to_string());
        let offered = match z.service_offered {
            Some(true) => "offered",
            Some(false) => "NOT offered",
            None => "?",
        };
        let node = if z.nlb_subnet.is_some() {
            st(HopStatus::Ok, format!("NLB node · {cross}"))
        } else if z.enis.is_some_and(|e| e > 0) || !z.endpoint_subnets.is_empty() {
            st(HopStatus::Warn, "no NLB node")
        } else {
            c("no NLB node")
        };
        rows.push(Row {
            id: format!("zone {}", z.zone),
            cells: vec![
                cr("zone", Role::Accent),
                c(&z.zone),
                node,
                c(format!(
                    "ENIs {} · healthy targets {} · service {offered} · endpoint subnets {}",
                    n(z.enis),
                    n(z.healthy_targets),
                    z.endpoint_subnets.len()
                )),
                c(&z.name),
                c(""),
            ],
            detail: vec![
                ("zone id".into(), z.zone.clone()),
                ("zone name".into(), z.name.clone()),
                ("EKS ENIs".into(), n(z.enis)),
                (
                    "NLB subnet".into(),
                    z.nlb_subnet.clone().unwrap_or_else(|| "none".into()),
                ),
                ("healthy targets".into(), n(z.healthy_targets)),
                ("endpoint service".into(), offered.into()),
                (
                    "endpoint subnets".into(),
                    if z.endpoint_subnets.is_empty() {
                        "none".into()
                    } else {
                        z.endpoint_subnets.join(", ")
                    },
                ),
                ("cross-zone".into(), cross.into()),
            ],
        });
    }
    Table {
        columns: vec![
            ("KIND", 9),
            ("NAME / TARGET", 24),
            ("STATE", 18),
            ("DETAIL", 40),
            ("AZ", 11),
            (
                if m.context.api.server().is_some() {
                    "BEHIND"
                } else {
                    "ENI"
                },
                0,
            ),
        ],
        rows,
    }
}

pub(super) fn endpoints(m: &Model, d: &Diagnosis) -> Table {
    let mut rows = Vec::new();
    for s in m.endpoint_services.value().into_iter().flatten() {
        let on_path = d.path.services.contains(&s.id);
        rows.push(Row {
            id: s.id.clone(),
            cells: vec![
                cr("service", Role::Accent),
                c(&s.id),
                judged(d, Aspect::ServiceState, &s.id, &s.state),
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
                    judged(
                        d,
                        Aspect::ConnectionState,
                        &pair(&cn.service_id, &cn.endpoint_id),
                        &cn.state,
                    ),
                    c(cn.owner.clone().unwrap_or_default()),
                    c(""),
                ],
                detail: fields(cn),
            });
        }
    }
    for e in m.interface_endpoints.value().into_iter().flatten() {
        let on_path = d.path.endpoints.contains(&e.id);
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
                judged(d, Aspect::EndpointState, &e.id, &e.state),
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
    }
}

pub(super) fn zones(m: &Model, d: &Diagnosis) -> Table {
    let mut rows = Vec::new();
    for z in m.hosted_zones.value().into_iter().flatten() {
        let assoc = match d.states.get(Aspect::ZoneAssociation, &z.id) {
            Some(HopStatus::Ok) => st(HopStatus::Ok, "this VPC"),
            Some(s) => st(s, "not this VPC"),
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
            let target = match &r.alias {
                Some(a) => format!("alias → {}", a.dns_name.trim_end_matches('.')),
                None => r.values.join(", "),
            };
            let mark = match d.states.get(Aspect::RecordAlias, &record_key(r)) {
                Some(HopStatus::Ok) => st(HopStatus::Ok, "matches endpoint"),
                Some(s) => st(s, "DANGLING"),
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
    resolution_rows(m, d, &mut rows);
    Table {
        columns: vec![("KIND", 9), ("NAME", 56), ("STATE", 20), ("DETAIL", 0)],
        rows,
    }
}

/// The state a finding about `resource` gives it, else `plain`.
fn judged_by(d: &Diagnosis, id: &str, resource: &str, word: &str, plain: &str) -> Cell {
    let f = d
        .findings
        .iter()
        .find(|f| f.id == id && f.resource == resource);
    match f.map(|f| f.severity) {
        Some(crate::diagnose::Severity::Fail) => st(HopStatus::Fail, word),
        Some(crate::diagnose::Severity::Warn) => st(HopStatus::Warn, word),
        Some(_) => st(HopStatus::Ok, word),
        None => c(plain),
    }
}

/// Who answers this host's lookups before the zones do: its VPC's DHCP options and the
/// Resolver rules associated with it, the one that applies to the endpoint marked.
fn resolution_rows(m: &Model, d: &Diagnosis, rows: &mut Vec<Row>) {
    let origin_vpc = m.origin().map(|o| o.vpc_id.clone());
    let set = origin_vpc.as_ref().and_then(|vpc| {
        let id = m
            .vpcs
            .value()?
            .iter()
            .find(|v| &v.id == vpc)?
            .dhcp_options_id
            .clone()?;
        Some((
            id.clone(),
            m.dhcp_options
                .value()
                .and_then(|all| all.iter().find(|o| o.id == id)),
        ))
    });
    if let Some((id, opts)) = set {
        let servers = match opts {
            Some(o) if o.name_servers.is_empty() => "AmazonProvidedDNS".to_string(),
            Some(o) => o.name_servers.join(", "),
            None if id == "default" => "AmazonProvidedDNS".to_string(),
            None => "?".to_string(),
        };
        rows.push(Row {
            id: id.clone(),
            cells: vec![
                cr("dhcp", Role::Accent),
                c(&id),
                judged_by(d, "dhcp-custom-dns", &id, "other servers", "VPC resolver"),
                c(format!("name servers {servers}")),
            ],
            detail: opts.map(fields).unwrap_or_default(),
        });
    }
    let host = m.endpoint_host();
    let rules = m.resolver_rules.value().map(Vec::as_slice).unwrap_or(&[]);
    let applied = host
        .as_deref()
        .and_then(|h| crate::model::resolver::rule_for(rules, h))
        .map(|r| r.id.clone());
    let endpoints = m
        .resolver_endpoints
        .value()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for r in rules {
        let plain = if applied.as_ref() == Some(&r.id) {
            "applies to the endpoint"
        } else {
            "other names"
        };
        let via = r
            .endpoint_id
            .as_ref()
            .map(|id| {
                let name = endpoints
                    .iter()
                    .find(|e| &e.id == id)
                    .and_then(|e| e.name.clone())
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                format!(" via {id}{name}")
            })
            .unwrap_or_default();
        let to = if r.targets.is_empty() {
            String::new()
        } else {
            format!(" → {}", r.targets.join(", "))
        };
        rows.push(Row {
            id: r.id.clone(),
            cells: vec![
                cr("rule", Role::Accent),
                c(format!("{} {}", r.rule_type, r.domain)),
                judged_by(
                    d,
                    "resolver-rule-shadows-zone",
                    &r.id,
                    "forwards the endpoint",
                    plain,
                ),
                c(format!(
                    "{}{}{to}{via}",
                    r.id,
                    r.name
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                )),
            ],
            detail: fields(r),
        });
    }
}

/// Free IPs are a number, not a status word: plain text unless short of room.
pub(super) fn headroom_role(d: &Diagnosis, subnet: &str) -> Role {
    match d.states.get(Aspect::SubnetHeadroom, subnet) {
        Some(HopStatus::Ok) => Role::Text,
        Some(s) => Role::of_status(s),
        None => Role::Unknown,
    }
}
