//! Network ACLs on every subnet boundary the path crosses. They are stateless: the API's
//! port must pass towards the server, and the ephemeral ports back to the client, on both
//! sides of each crossing.

use crate::diagnose::ctx::{Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity};
use crate::model::network::{AclBlock, acl_for_subnet};
use crate::model::{NetworkAcl, Source, Subnet};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The ports a client's side of a connection may use.
pub const EPHEMERAL: (u16, u16) = (1024, 65535);

/// One end of a crossing: an address, the subnet that holds it, and the hop it stands for.
#[derive(Debug, Clone)]
struct End<'a> {
    ip: Ipv4Addr,
    what: String,
    subnet: &'a Subnet,
    hop: HopName,
}

/// A connection from `from` to `to` on the API's port.
struct Leg<'a> {
    from: End<'a>,
    to: End<'a>,
}

fn end<'a>(subnets: &'a [Subnet], ip: Ipv4Addr, what: String, hop: HopName) -> Option<End<'a>> {
    let subnet = subnets.iter().find(|s| s.cidr.contains(&ip))?;
    Some(End {
        ip,
        what,
        subnet,
        hop,
    })
}

/// The connections the path makes, within a subnet or across subnets.
fn legs<'a>(ctx: &Ctx<'a>, subnets: &'a [Subnet]) -> Result<Vec<Leg<'a>>, Missing> {
    // With only a VPC for this host (--from-vpc), its own crossings cannot be placed; the
    // ones between AWS resources still are.
    let host = ctx
        .origin()?
        .ip
        .and_then(|ip| end(subnets, ip, format!("{ip} (this host)"), HopName::Origin));
    let mut legs = Vec::new();
    let mut add = |from: Option<End<'a>>, to: Option<End<'a>>| {
        // Connections within one subnet cross no ACL, but they count as open ones.
        if let (Some(from), Some(to)) = (from, to) {
            legs.push(Leg { from, to });
        }
    };
    let enis = ctx.m.enis.value().map(Vec::as_slice).unwrap_or_default();
    match ctx.route {
        Route::Privatelink => {
            for ie in &ctx.path.endpoints {
                for ip in &ie.ips {
                    let to = end(
                        subnets,
                        *ip,
                        format!("{ip} (interface endpoint {})", ie.id),
                        HopName::InterfaceEndpoint,
                    );
                    add(host.clone(), to);
                }
            }
            // The NLB forwards to the ENIs in its own zone, or in every zone with cross-zone on.
            for lb in &ctx.path.nlbs {
                for z in &lb.zones {
                    for nlb_ip in &z.private_ips {
                        let from = end(
                            subnets,
                            *nlb_ip,
                            format!("{nlb_ip} (NLB {})", lb.name),
                            HopName::Nlb,
                        );
                        for e in enis
                            .iter()
                            .filter(|e| e.az == z.az || lb.cross_zone == Some(true))
                        {
                            let to = end(
                                subnets,
                                e.ip,
                                format!("{} (EKS ENI {})", e.ip, e.id),
                                HopName::EksEnis,
                            );
                            add(from.clone(), to);
                        }
                    }
                }
            }
        }
        Route::Direct => {
            let answers = ctx.latest_answers().unwrap_or_default();
            for e in enis
                .iter()
                .filter(|e| answers.iter().any(|(ip, _)| *ip == e.ip))
            {
                let to = end(
                    subnets,
                    e.ip,
                    format!("{} (EKS ENI {})", e.ip, e.id),
                    HopName::EksEnis,
                );
                add(host.clone(), to);
            }
        }
        Route::Public | Route::Unresolved | Route::Nlb | Route::Lattice | Route::LatticeApi => {}
    }
    Ok(legs)
}

/// One check of one ACL: which side, which direction, which ports, with whom.
struct Check<'a> {
    side: &'a End<'a>,
    peer: &'a End<'a>,
    egress: bool,
    ports: (u16, u16),
    id: &'static str,
}

/// The highest rule number below `n` that the ACL does not use in that direction.
fn free_number_below(acl: &NetworkAcl, egress: bool, n: i32) -> Option<i32> {
    (1..n).rev().find(|k| {
        !acl.entries
            .iter()
            .any(|e| e.egress == egress && e.number == *k)
    })
}

pub fn nacls(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let acls = need(&ctx.m.network_acls, Source::NetworkAcls)?;
    let subnets = need(&ctx.m.subnets, Source::Subnets)?;
    let port = ctx.m.endpoint_port();
    let legs = legs(ctx, subnets)?;
    // Per (finding, ACL, direction): the crossings it stops, to say each block once.
    let mut found: BTreeMap<(&'static str, String, bool), (Finding, Vec<String>)> = BTreeMap::new();
    let mut judged: BTreeMap<HopName, (usize, usize)> = BTreeMap::new();
    for leg in &legs {
        let checks = [
            Check {
                side: &leg.from,
                peer: &leg.to,
                egress: true,
                ports: (port, port),
                id: "nacl-blocks-443",
            },
            Check {
                side: &leg.to,
                peer: &leg.from,
                egress: false,
                ports: (port, port),
                id: "nacl-blocks-443",
            },
            Check {
                side: &leg.to,
                peer: &leg.from,
                egress: true,
                ports: EPHEMERAL,
                id: "nacl-blocks-return",
            },
            Check {
                side: &leg.from,
                peer: &leg.to,
                egress: false,
                ports: EPHEMERAL,
                id: "nacl-blocks-return",
            },
        ];
        let mut leg_blocked = false;
        let crosses = leg.from.subnet.id != leg.to.subnet.id;
        for c in checks.into_iter().filter(|_| crosses) {
            let subnet = c.side.subnet;
            let Some(acl) = acl_for_subnet(acls, &subnet.vpc_id, &subnet.id) else {
                continue;
            };
            let Some(AclBlock { port: at, rule }) =
                acl.blocks(c.egress, c.peer.ip, c.ports.0, c.ports.1)
            else {
                continue;
            };
            leg_blocked = true;
            let key = (c.id, acl.id.clone(), c.egress);
            let crossing = format!("{} -> {}", leg.from.what, leg.to.what);
            let entry = found.entry(key).or_insert_with(|| {
                let (dir, flag) = if c.egress {
                    ("out to", "--egress")
                } else {
                    ("in from", "--ingress")
                };
                let name = subnet
                    .name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                let by = rule.map_or("no rule allows it (the implicit deny)".to_string(), |r| r.label());
                let what = if c.id == "nacl-blocks-443" {
                    format!("TCP {port}")
                } else {
                    format!("the return ports {}-{} (first: {at})", c.ports.0, c.ports.1)
                };
                let number = free_number_below(acl, c.egress, rule.map_or(32767, |r| r.number));
                let fix = match number {
                    Some(n) => format!(
                        "aws ec2 create-network-acl-entry --network-acl-id {} {flag} --rule-number {n} --protocol tcp --port-range From={},To={} --cidr-block {}/32 --rule-action allow",
                        acl.id, c.ports.0, c.ports.1, c.peer.ip
                    ),
                    None => format!(
                        "renumber the rules of {} so that an allow for TCP {}-{} with {} comes first",
                        acl.id, c.ports.0, c.ports.1, c.peer.ip
                    ),
                };
                let finding = Finding::new(
                    c.id,
                    Severity::Fail,
                    Some(c.side.hop),
                    &acl.id,
                    format!(
                        "network ACL {} on {}{name} stops {what} {dir} {}: {by}",
                        acl.id, subnet.id, c.peer.what
                    ),
                    fix,
                );
                (finding, Vec::new())
            });
            entry.1.push(crossing);
        }
        for hop in [leg.from.hop, leg.to.hop] {
            let e = judged.entry(hop).or_default();
            e.0 += 1;
            e.1 += usize::from(leg_blocked);
        }
    }
    let mut out = Vec::new();
    for (mut f, crossings) in found.into_values() {
        // A block that leaves other crossings of the hop open fails some connections only.
        let all = f
            .hop
            .and_then(|h| judged.get(&h))
            .is_some_and(|(n, b)| n == b);
        if !all {
            f.severity = Severity::Warn;
        }
        f.evidence = format!(
            "{}; crossing(s): {}",
            f.evidence,
            crate::diagnose::finding::list(&crossings)
        );
        out.push(f);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{AclEntry, Fetched, Loadable};

    fn allow_all(number: i32, egress: bool) -> AclEntry {
        AclEntry {
            number,
            egress,
            protocol: "-1".into(),
            allow: true,
            cidr: "0.0.0.0/0".parse().unwrap(),
            ports: None,
        }
    }

    /// An ACL on the subnet that holds `ip`, with `entries` and an allow-all after them.
    fn acl_on(m: &mut Model, ip: &str, entries: Vec<AclEntry>) {
        let ip: Ipv4Addr = ip.parse().unwrap();
        let subnet = m
            .subnets
            .value()
            .unwrap()
            .iter()
            .find(|s| s.cidr.contains(&ip))
            .cloned()
            .unwrap();
        let mut acls = m.network_acls.value().cloned().unwrap_or_default();
        let mut all = entries;
        all.extend([allow_all(100, false), allow_all(100, true)]);
        acls.push(NetworkAcl {
            id: "acl-custom".into(),
            vpc_id: subnet.vpc_id.clone(),
            default: false,
            subnet_ids: vec![subnet.id.clone()],
            entries: all,
        });
        m.apply(Fetched::NetworkAcls(Ok(acls)), t0());
    }

    fn deny(number: i32, egress: bool, cidr: &str, ports: (u16, u16)) -> AclEntry {
        AclEntry {
            number,
            egress,
            protocol: "6".into(),
            allow: false,
            cidr: cidr.parse().unwrap(),
            ports: Some(ports),
        }
    }

    use crate::model::Model;

    #[test]
    fn open_acls_pass_and_missing_acls_are_unknown() {
        assert!(run(&healthy(), nacls).unwrap().is_empty());
        let e = run(&without(healthy(), Part::NetworkAcls), nacls).unwrap_err();
        assert!(e.what.contains("DescribeNetworkAcls"), "{}", e.what);
    }

    #[test]
    fn a_deny_on_one_endpoint_subnet_warns_and_names_rule_and_subnet() {
        let mut m = healthy();
        // The second interface endpoint IP sits in the other ops subnet.
        acl_on(
            &mut m,
            "172.20.2.50",
            vec![deny(90, false, "172.20.1.0/24", (443, 443))],
        );
        let f = run(&m, nacls).unwrap();
        assert_eq!(ids(&f), ["nacl-blocks-443"], "{f:?}");
        assert_eq!(
            f[0].severity,
            Severity::Warn,
            "one of two endpoint IPs still answers"
        );
        assert_eq!(f[0].hop, Some(HopName::InterfaceEndpoint));
        assert!(f[0].evidence.contains("rule 90"), "{}", f[0].evidence);
        assert!(f[0].evidence.contains("172.20.2.50"), "{}", f[0].evidence);
        assert!(
            f[0].fix.contains("--ingress --rule-number 89 --protocol tcp --port-range From=443,To=443 --cidr-block 172.20.1.10/32"),
            "{}",
            f[0].fix
        );
    }

    #[test]
    fn return_ports_are_checked_the_other_way() {
        let mut m = healthy();
        acl_on(
            &mut m,
            "172.20.2.50",
            vec![deny(50, true, "0.0.0.0/0", (1024, 32767))],
        );
        let f = run(&m, nacls).unwrap();
        assert_eq!(ids(&f), ["nacl-blocks-return"], "{f:?}");
        assert!(f[0].evidence.contains("first: 1024"), "{}", f[0].evidence);
        assert!(f[0].fix.contains("--egress"), "{}", f[0].fix);
    }

    #[test]
    fn the_hosts_own_subnet_is_checked_too() {
        let mut m = healthy();
        acl_on(
            &mut m,
            "172.20.1.10",
            vec![deny(10, true, "172.20.0.0/16", (443, 443))],
        );
        let f = run(&m, nacls).unwrap();
        // Only the connection to the other subnet leaves it, and that one is stopped; the
        // endpoint IP in the host's own subnet still answers.
        assert_eq!(ids(&f), ["nacl-blocks-443"], "{f:?}");
        assert_eq!(f[0].hop, Some(HopName::Origin));
        assert_eq!(f[0].severity, Severity::Warn);
        // With that IP gone too, nothing is left: a failure.
        if let Loadable::Loaded { value, .. } = &mut m.interface_endpoints {
            value[0].ips.retain(|ip| ip.to_string() == "172.20.2.50");
        }
        let f = run(&m, nacls).unwrap();
        assert_eq!(f[0].severity, Severity::Fail, "{f:?}");
    }

    #[test]
    fn acls_inside_one_subnet_do_not_apply() {
        let mut m = healthy();
        // Deny everything on the host's subnet except what leaves it: the endpoint IP in
        // the same subnet is reached without crossing an ACL.
        acl_on(
            &mut m,
            "172.20.1.50",
            vec![deny(10, false, "172.20.1.0/24", (443, 443))],
        );
        if let Loadable::Loaded { value, .. } = &mut m.interface_endpoints {
            value[0].ips.retain(|ip| ip.to_string() == "172.20.1.50");
        }
        assert!(run(&m, nacls).unwrap().is_empty());
    }
}
