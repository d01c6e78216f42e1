//! VPC Lattice as a tree: each service network (this VPC's association with it), its
//! services, their listeners, the target groups those lead to, and each target with its
//! health; then this VPC's resource and service network endpoints, the resource
//! configurations they lead to and those configurations' resource gateways. Enter on any
//! row shows all its fields.

use super::*;
use crate::model::lattice::{
    LatticeListener, LatticeService, LatticeTargetGroup, ResourceDefinition,
};

fn state(word: &str, good: &[&str]) -> Cell {
    let ok = good.iter().any(|g| word.eq_ignore_ascii_case(g));
    st(if ok { HopStatus::Ok } else { HopStatus::Fail }, word)
}

fn row(id: String, cells: Vec<Cell>, detail: Vec<(String, String)>) -> Row {
    Row { id, cells, detail }
}

/// The services to show: those the networks list, and the one checked.
fn services(m: &Model) -> Vec<&LatticeService> {
    let mut out: Vec<&LatticeService> = m.checked_service().into_iter().collect();
    for s in m.lattice_services.value().into_iter().flatten() {
        if !out.iter().any(|o| o.id == s.id) {
            out.push(s);
        }
    }
    out
}

fn listener_rows(
    out: &mut Vec<Row>,
    s: &LatticeService,
    l: &LatticeListener,
    groups: &[LatticeTargetGroup],
) {
    let to: Vec<&str> = l.target_groups();
    out.push(row(
        format!("{} {}", s.id, l.id),
        vec![
            if to.is_empty() {
                st(HopStatus::Fail, "no targets")
            } else {
                st(HopStatus::Ok, "forwards")
            },
            c(" └listener"),
            cr(format!("{}:{}", l.protocol, l.port), Role::Accent),
            c(format!("{} · {} rule(s)", l.name, l.rules.len())),
        ],
        fields(l),
    ));
    for id in to {
        let Some(g) = groups.iter().find(|g| g.is(id)) else {
            out.push(row(
                format!("{} {} {id}", s.id, l.id),
                vec![
                    cr("? not read", Role::Unknown),
                    c("  └group"),
                    cr(id, Role::Accent),
                    c(""),
                ],
                vec![("id".into(), id.to_string())],
            ));
            continue;
        };
        let healthy = g.targets.iter().filter(|t| t.healthy()).count();
        out.push(row(
            format!("{} {} {}", s.id, l.id, g.id),
            vec![
                st(
                    if healthy > 0 {
                        HopStatus::Ok
                    } else {
                        HopStatus::Fail
                    },
                    format!("{healthy}/{} healthy", g.targets.len()),
                ),
                c("  └group"),
                cr(&g.name, Role::Accent),
                c(format!(
                    "{} {}{}",
                    g.kind,
                    g.protocol.as_deref().unwrap_or(""),
                    g.port.map(|p| format!(":{p}")).unwrap_or_default()
                )),
            ],
            fields(g),
        ));
        for t in &g.targets {
            out.push(row(
                format!("{} {} {} {}", s.id, l.id, g.id, t.id),
                vec![
                    state(&t.status, &["HEALTHY"]),
                    c("   └target"),
                    cr(
                        format!(
                            "{}{}",
                            t.id,
                            t.port.map(|p| format!(":{p}")).unwrap_or_default()
                        ),
                        Role::Accent,
                    ),
                    c(t.reason.as_deref().unwrap_or("")),
                ],
                fields(t),
            ));
        }
    }
}

fn service_rows(out: &mut Vec<Row>, m: &Model, s: &LatticeService, network: Option<&str>) {
    let groups = m
        .lattice_target_groups
        .value()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let status = network
        .and_then(|n| s.membership(n))
        .map_or(s.status.as_str(), |x| x.status.as_str());
    let checked = m.checked_service().is_some_and(|c| c.id == s.id);
    out.push(row(
        format!("{} {}", network.unwrap_or("-"), s.id),
        vec![
            state(status, &["ACTIVE"]),
            c("└service"),
            cr(
                format!("{}{}", s.name, if checked { " (checked)" } else { "" }),
                Role::Accent,
            ),
            c(format!(
                "{} auth {}",
                s.host().unwrap_or_else(|| "no DNS name".into()),
                s.auth.auth_type
            )),
        ],
        fields(s),
    ));
    for l in &s.listeners {
        listener_rows(out, s, l, groups);
    }
}

/// Each endpoint, the configurations behind it and their gateways.
fn endpoint_rows(out: &mut Vec<Row>, m: &Model) {
    let configs = m.resource_configs.value().map(Vec::as_slice).unwrap_or(&[]);
    let gateways = m
        .resource_gateways
        .value()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for e in m.lattice_endpoints.value().into_iter().flatten() {
        out.push(row(
            e.id.clone(),
            vec![
                state(&e.state, &["available"]),
                c("endpoint"),
                cr(&e.id, Role::Accent),
                c(format!(
                    "{} · {} · sg {}",
                    e.kind,
                    crate::diagnose::finding::list(&e.ips),
                    e.sg_ids.join(", ")
                )),
            ],
            fields(e),
        ));
        for cfg in configs.iter().filter(|c| e.leads_to(c)) {
            let to = match &cfg.definition {
                ResourceDefinition::Dns(d) => d.clone(),
                ResourceDefinition::Ip(ip) => ip.clone(),
                ResourceDefinition::Arn(a) => a.clone(),
                ResourceDefinition::Other => "?".into(),
            };
            out.push(row(
                format!("{} {}", e.id, cfg.id),
                vec![
                    state(&cfg.status, &["ACTIVE"]),
                    c("└config"),
                    cr(&cfg.name, Role::Accent),
                    c(format!("ports {} · {to}", cfg.port_ranges.join(", "))),
                ],
                fields(cfg),
            ));
            let Some(gid) = &cfg.gateway_id else {
                continue;
            };
            let id = format!("{} {} {gid}", e.id, cfg.id);
            out.push(match gateways.iter().find(|g| &g.id == gid) {
                Some(g) => row(
                    id,
                    vec![
                        state(&g.status, &["ACTIVE"]),
                        c(" └gateway"),
                        cr(&g.name, Role::Accent),
                        c(format!(
                            "sg {} · {} subnet(s) in {}",
                            g.sg_ids.join(", "),
                            g.subnet_ids.len(),
                            g.vpc_id
                        )),
                    ],
                    fields(g),
                ),
                None => row(
                    id,
                    vec![
                        cr("? not read", Role::Unknown),
                        c(" └gateway"),
                        cr(gid, Role::Accent),
                        c(""),
                    ],
                    vec![("id".into(), gid.clone())],
                ),
            });
        }
    }
}

pub(super) fn lattice(m: &Model) -> Table {
    let mut rows = Vec::new();
    let networks = m.lattice_networks.value().map(Vec::as_slice).unwrap_or(&[]);
    let own = m
        .lattice_associations
        .value()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let origin = m.origin().map(|o| o.vpc_id.as_str());
    let services = services(m);
    let mut ids: Vec<&str> = own.iter().map(|a| a.network_id.as_str()).collect();
    for s in &services {
        ids.extend(s.networks.iter().map(|n| n.network_id.as_str()));
    }
    ids.sort();
    ids.dedup();
    for id in ids {
        let n = networks.iter().find(|n| n.id == id);
        let a = own
            .iter()
            .find(|a| a.network_id == id && Some(a.vpc_id.as_str()) == origin);
        let name = n
            .map(|n| n.name.clone())
            .or_else(|| a.map(|a| a.network_name.clone()))
            .unwrap_or_else(|| id.to_string());
        let auth = n.map_or_else(
            || "auth not read".to_string(),
            |n| match n.auth.denies_all() {
                Some(true) => format!("auth {} without a policy: denies all", n.auth.auth_type),
                _ => format!("auth {}", n.auth.auth_type),
            },
        );
        rows.push(row(
            id.to_string(),
            vec![
                match (a, n.and_then(|n| n.auth.denies_all())) {
                    (None, _) => st(HopStatus::Fail, "not associated"),
                    (Some(_), Some(true)) => st(HopStatus::Fail, "denies all"),
                    (Some(a), _) => state(&a.status, &["ACTIVE"]),
                },
                c("network"),
                cr(name, Role::Accent),
                c(match a {
                    Some(a) if !a.sg_ids.is_empty() => {
                        format!("{auth}; this VPC through {}", a.sg_ids.join(", "))
                    }
                    Some(_) => format!("{auth}; this VPC without security groups"),
                    None => format!("{auth}; this VPC is not associated"),
                }),
            ],
            match (n, a) {
                (Some(n), Some(a)) => [fields(n), fields(a)].concat(),
                (Some(n), None) => fields(n),
                (None, Some(a)) => fields(a),
                (None, None) => vec![("id".into(), id.to_string())],
            },
        ));
        for s in services.iter().filter(|s| s.membership(id).is_some()) {
            service_rows(&mut rows, m, s, Some(id));
        }
    }
    for s in services.iter().filter(|s| s.networks.is_empty()) {
        service_rows(&mut rows, m, s, None);
    }
    endpoint_rows(&mut rows, m);
    Table {
        columns: vec![("STATUS", 14), ("KIND", 10), ("NAME", 36), ("DETAIL", 0)],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::demo::{DemoEnv, Scenario};

    fn names(t: &Table) -> Vec<String> {
        t.rows
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.cells[1].text.trim_start_matches([' ', '└']),
                    r.cells[2].text
                )
            })
            .collect()
    }

    #[test]
    fn networks_hold_services_listeners_groups_and_targets() {
        let m = DemoEnv::model_at_start(Scenario::LatticeHealthy);
        let t = lattice(&m);
        assert_eq!(
            names(&t),
            [
                "network gateway-api",
                "service checkout-default (checked)",
                "listener HTTP:80",
                "group k8s-checkout-default-http",
                "target 10.80.1.15:8080",
                "target 10.80.2.15:8080",
            ]
        );
        assert!(t.rows.iter().all(|r| r.cells[0].role == Role::Ok));
        // A target's detail holds its fields.
        let target = t.rows.last().unwrap();
        assert!(
            target
                .detail
                .iter()
                .any(|(k, v)| k == "status" && v == "HEALTHY")
        );
    }

    #[test]
    fn what_is_wrong_shows_in_the_status_column() {
        let m = DemoEnv::model_at_start(Scenario::LatticeNotAssociated);
        let t = lattice(&m);
        assert_eq!(t.rows[0].cells[0].text, "✖ not associated");
        let m = DemoEnv::model_at_start(Scenario::LatticeTargetsUnhealthy);
        let t = lattice(&m);
        let roles: Vec<Role> = t.rows.iter().map(|r| r.cells[0].role).collect();
        assert_eq!(
            roles.iter().filter(|r| **r == Role::Fail).count(),
            3,
            "{roles:?}"
        );
        let m = DemoEnv::model_at_start(Scenario::LatticeAuthNoPolicy);
        let network = &lattice(&m).rows[0];
        assert_eq!(network.cells[0].text, "✖ denies all");
        assert!(network.cells[3].text.contains("without a policy"));
    }

    #[test]
    fn the_shared_api_shows_its_endpoint_configuration_and_gateway() {
        let m = DemoEnv::model_at_start(Scenario::LatticeApi);
        let t = lattice(&m);
        assert_eq!(
            names(&t),
            [
                "endpoint vpce-0a77ce0000000e0a1",
                "config eks-api-demo-private",
                "gateway eks-api",
            ]
        );
        assert!(t.rows.iter().all(|r| r.cells[0].role == Role::Ok));
        assert!(t.rows[1].cells[3].text.contains("ports 443"));
        let gateway = &t.rows[2];
        assert!(
            gateway
                .detail
                .iter()
                .any(|(k, v)| k == "status" && v == "ACTIVE")
        );
    }
}
