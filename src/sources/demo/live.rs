//! What the bastion sees when it resolves and connects, derived from the world's
//! resources, so a scenario only states its fault and the symptoms follow.

use super::ids::{
    DNS_SERVER, DNS_TTL, INSPECTION_CA, NAT_EGRESS_IP, ONPREM_DOMAIN, PROXY_URL, PUBLIC_API_IPS,
};
use super::network::{acls_pass, admits};
use super::noise::{ip_bits, millis_between, mix};
use super::scenario::Scenario;
use super::world::World;
use crate::model::ResolverRule;
use crate::model::network::table_for_subnet;
use crate::model::privatelink::normalize_dns_name;
use crate::model::proxy::{EnvVar, ProxyEnv};
use crate::model::resolver::rule_for;
use crate::model::{
    DnsAnswer, DnsOutcome, DnsSample, InterfaceEndpoint, ProbeOutcome, ProbeSample, RouteTarget,
    SecurityGroup, Target,
};
use crate::sources::ProbeRequest;
use chrono::{DateTime, Utc};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

pub const TIMED_OUT: &str = "connection timed out";

/// The name server the bastion asks: the first its VPC's DHCP options name.
pub fn server(w: &World) -> String {
    let options = w
        .vpcs
        .iter()
        .find(|v| v.id == w.origin.vpc_id)
        .and_then(|v| v.dhcp_options_id.as_ref())
        .and_then(|id| w.dhcp_options.iter().find(|d| &d.id == id));
    match options.and_then(|o| o.custom_servers().first().map(|s| s.to_string())) {
        Some(custom) if !options.is_some_and(|o| o.uses_vpc_resolver()) => format!("{custom}:53"),
        _ => DNS_SERVER.into(),
    }
}

/// The endpoint name as the bastion's resolver answers it.
pub fn resolve(w: &World) -> DnsOutcome {
    let cluster = w.cluster();
    let host = cluster.host();
    // The on-premises servers know nothing of AWS names: asked directly (DHCP options) or
    // through a forwarding rule, which the VPC resolver applies before its private zones.
    if w.dns.server != DNS_SERVER {
        return DnsOutcome::NxDomain;
    }
    let rules: Vec<ResolverRule> = w
        .resolver_rules
        .iter()
        .filter(|(_, vpcs)| vpcs.contains(&w.origin.vpc_id))
        .map(|(r, _)| r.clone())
        .collect();
    if rule_for(&rules, &host).is_some_and(|r| r.forwards()) {
        return DnsOutcome::NxDomain;
    }
    let zone = w
        .hosted_zones
        .iter()
        .filter(|z| z.private && z.covers(&host) && z.associated_with(&w.origin.vpc_id))
        .max_by_key(|z| z.depth());
    let Some(zone) = zone else {
        // Public DNS: the records EKS manages itself. A private-only cluster publishes its
        // ENI IPs there, which only help from inside the cluster VPC.
        let ips: Vec<Ipv4Addr> = if cluster.public_access {
            PUBLIC_API_IPS.to_vec()
        } else {
            w.enis_of(&cluster.name).iter().map(|e| e.ip).collect()
        };
        return answers(&ips);
    };
    let named: Vec<_> = w
        .records
        .iter()
        .filter(|r| r.zone_id == zone.id && r.is_for(&host))
        .collect();
    let Some(a) = named.iter().find(|r| r.rtype == "A") else {
        return if named.is_empty() {
            DnsOutcome::NxDomain
        } else {
            DnsOutcome::NoAnswer
        };
    };
    match &a.alias {
        Some(alias) => match w
            .interface_endpoints
            .iter()
            .find(|ie| ie.answers_to(&alias.dns_name))
        {
            Some(ie) => {
                // A dual-stack endpoint answers AAAA too.
                let mut out = answers(&ie.ips);
                if let DnsOutcome::Answers(list) = &mut out {
                    list.extend(ie.ipv6.iter().map(|ip| DnsAnswer {
                        ip: IpAddr::V6(*ip),
                        ttl: DNS_TTL,
                    }));
                }
                out
            }
            None => DnsOutcome::NoAnswer,
        },
        None => answers(
            &a.values
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect::<Vec<_>>(),
        ),
    }
}

pub fn answers(ips: &[Ipv4Addr]) -> DnsOutcome {
    if ips.is_empty() {
        return DnsOutcome::NoAnswer;
    }
    DnsOutcome::Answers(
        ips.iter()
            .map(|ip| DnsAnswer {
                ip: IpAddr::V4(*ip),
                ttl: DNS_TTL,
            })
            .collect(),
    )
}

/// How a TCP connection to port 443 of each resolved address ends.
pub fn reach(w: &World, admitted: bool) -> BTreeMap<IpAddr, ProbeOutcome> {
    let DnsOutcome::Answers(list) = &w.dns.outcome else {
        return BTreeMap::new();
    };
    list.iter()
        .map(|a| {
            let ok = match a.ip {
                IpAddr::V4(ip) => reaches_api(w, ip, admitted),
                // The same ENI as its IPv4 address: the same way there.
                IpAddr::V6(v6) => ipv4_twin(w, v6).is_some_and(|v4| reaches_api(w, v4, admitted)),
            };
            let outcome = if ok {
                ProbeOutcome::Ok
            } else {
                ProbeOutcome::TcpFailed(TIMED_OUT.into())
            };
            (a.ip, outcome)
        })
        .collect()
}

/// The IPv4 address of the interface endpoint ENI or EKS ENI that holds `v6`.
fn ipv4_twin(w: &World, v6: std::net::Ipv6Addr) -> Option<Ipv4Addr> {
    let ie = w.interface_endpoints.iter().find_map(|ie| {
        let i = ie.ipv6.iter().position(|x| *x == v6)?;
        ie.ips.get(i).copied()
    });
    ie.or_else(|| w.enis.iter().find(|e| e.ipv6.contains(&v6)).map(|e| e.ip))
}

fn reaches_api(w: &World, ip: Ipv4Addr, admitted: bool) -> bool {
    if let Some(ie) = w.interface_endpoints.iter().find(|ie| ie.ips.contains(&ip)) {
        return through_privatelink(w, ie, ip, admitted);
    }
    if w.enis_of(&w.cluster().name).iter().any(|e| e.ip == ip) {
        return over_peering(w, ip);
    }
    if PUBLIC_API_IPS.contains(&ip) {
        let c = w.cluster();
        return c.public_access
            && c.public_cidrs
                .iter()
                .filter_map(|n| n.parse::<Ipv4Net>().ok())
                .any(|n| n.contains(&NAT_EGRESS_IP));
    }
    false
}

fn groups<'a>(w: &'a World, ids: &[String]) -> Vec<&'a SecurityGroup> {
    w.security_groups
        .iter()
        .filter(|g| ids.contains(&g.id))
        .collect()
}

/// Interface endpoint -> endpoint service -> NLB listener -> target group -> a live ENI.
fn through_privatelink(w: &World, ie: &InterfaceEndpoint, ip: Ipv4Addr, admitted: bool) -> bool {
    let Some(src) = w.origin.ip else { return false };
    if !ie.is_available() || !admits(&groups(w, &ie.sg_ids), 443, src) {
        return false;
    }
    if !acls_pass(&w.subnets, &w.network_acls, src, ip, 443) {
        return false;
    }
    // An endpoint ENI in a zone the service is not offered in reaches nothing.
    let zone = w
        .subnets
        .iter()
        .find(|s| s.cidr.contains(&ip))
        .map(|s| s.az.as_str());
    let offered =
        |svc: &crate::model::EndpointService| zone.is_none_or(|z| svc.zones.iter().any(|x| x == z));
    let Some(svc) = w
        .endpoint_services
        .iter()
        .find(|s| s.name == ie.service_name && s.is_available() && offered(s))
    else {
        return false;
    };
    let accepted = w.endpoint_connections.iter().any(|c| {
        c.service_id == svc.id
            && c.endpoint_id == ie.id
            && c.state.eq_ignore_ascii_case("available")
    });
    if !accepted {
        return false;
    }
    let live: Vec<Ipv4Addr> = w.enis_of(&w.cluster().name).iter().map(|e| e.ip).collect();
    // With its groups applied to PrivateLink traffic, the NLB must admit the client itself.
    let nlb_admits = |arn: &String| {
        w.load_balancers
            .iter()
            .filter(|lb| &lb.arn == arn)
            .all(|lb| {
                lb.sg_ids.is_empty()
                    || lb.sg_on_privatelink == Some(false)
                    || admits(&groups(w, &lb.sg_ids), 443, src)
            })
    };
    if !svc.nlb_arns.iter().all(nlb_admits) {
        return false;
    }
    let pick = mix(&[w.elapsed.as_secs(), u64::from(u32::from(ip))]);
    // The endpoint ENI hands to the NLB node in its own zone; with cross-zone off that node
    // sends only to targets in its zone.
    let cross = |arn: &String| {
        w.load_balancers
            .iter()
            .any(|lb| &lb.arn == arn && lb.cross_zone == Some(true))
    };
    w.listeners
        .iter()
        .filter(|l| svc.nlb_arns.contains(&l.lb_arn) && l.port == 443)
        .flat_map(|l| l.forwards_to.iter().map(move |tg| (tg, cross(&l.lb_arn))))
        .any(|(tg, cross_zone)| {
            let targets: Vec<&Target> = w
                .targets
                .iter()
                .filter(|t| &t.tg_arn == tg)
                .filter(|t| cross_zone || zone.is_none() || t.az.as_deref() == zone)
                .collect();
            forwards_to_live(&targets, &live, admitted, pick)
        })
}

/// An NLB sends to healthy targets; with none healthy it fails open to all of them, so a
/// connection lands on whichever target it picks, dead or alive. `admitted`: the ENIs'
/// security group lets the NLB's traffic in.
fn forwards_to_live(targets: &[&Target], live: &[Ipv4Addr], admitted: bool, pick: u64) -> bool {
    let healthy: Vec<&&Target> = targets.iter().filter(|t| t.healthy()).collect();
    let pool: Vec<&&Target> = if healthy.is_empty() {
        targets.iter().collect()
    } else {
        healthy
    };
    if pool.is_empty() {
        return false;
    }
    let chosen = pool[(pick % pool.len() as u64) as usize];
    admitted && chosen.ip().is_some_and(|ip| live.contains(&ip))
}

/// Straight to an ENI IP: an active route out over the peering or the transit gateway, one
/// back, and the cluster SG lets us in.
fn over_peering(w: &World, ip: Ipv4Addr) -> bool {
    let (Some(subnet), Some(src)) = (&w.origin.subnet_id, w.origin.ip) else {
        return false;
    };
    let Some(eni) = w.enis.iter().find(|e| e.ip == ip) else {
        return false;
    };
    let cluster_vpc = w.cluster().vpc_id.clone().unwrap_or_default();
    let crosses = |vpc: &str, from_subnet: &str, to: Ipv4Addr| {
        table_for_subnet(&w.route_tables, vpc, from_subnet)
            .and_then(|t| t.lookup(to))
            .is_some_and(|r| {
                r.is_active()
                    && match &r.target {
                        RouteTarget::Peering(id) => {
                            w.peerings.iter().any(|p| &p.id == id && p.is_active())
                        }
                        RouteTarget::TransitGateway(tgw) => over_tgw(w, tgw, vpc, from_subnet, to),
                        RouteTarget::Local => true,
                        _ => false,
                    }
            })
    };
    let routed =
        crosses(&w.origin.vpc_id, subnet, ip) && crosses(&cluster_vpc, &eni.subnet_id, src);
    routed
        && admits(&groups(w, &w.cluster().eni_sgs()), 443, src)
        && acls_pass(&w.subnets, &w.network_acls, src, ip, 443)
}

/// The transit gateway carries a packet from `subnet` of `vpc` to `to`: the sending
/// attachment has a subnet in that zone and is available, and its route table sends `to`
/// to an available attachment of the VPC that holds it.
fn over_tgw(w: &World, tgw: &str, vpc: &str, subnet: &str, to: Ipv4Addr) -> bool {
    let zone = |id: &str| w.subnets.iter().find(|s| s.id == id).map(|s| s.az.clone());
    let Some(from) = w
        .tgw_attachments
        .iter()
        .find(|a| a.tgw_id == tgw && a.vpc_id == vpc && a.is_available())
    else {
        return false;
    };
    let in_zone = from
        .subnet_ids
        .iter()
        .any(|s| zone(s).is_some() && zone(s) == zone(subnet));
    let Some(table) = from
        .route_table_id
        .as_ref()
        .and_then(|id| w.tgw_route_tables.iter().find(|t| &t.id == id))
    else {
        return false;
    };
    let to_vpc = w
        .vpcs
        .iter()
        .find(|v| v.contains(to))
        .map(|v| v.id.as_str());
    in_zone
        && table.lookup(to).is_some_and(|r| {
            r.is_active()
                && r.attachments.iter().any(|a| {
                    w.tgw_attachments.iter().any(|x| {
                        x.id == a.attachment_id
                            && x.is_available()
                            && Some(x.vpc_id.as_str()) == to_vpc
                    })
                })
        })
}

/// The bastion's proxy settings: none, except in `proxy-no-bypass`, where a proxy is set
/// and `NO_PROXY` covers only the corporate domain and instance metadata.
pub fn proxy_env(s: Scenario) -> ProxyEnv {
    if s != Scenario::ProxyNoBypass {
        return ProxyEnv::default();
    }
    let var = |name: &str, value: &str| {
        Some(EnvVar {
            name: name.into(),
            value: value.into(),
        })
    };
    ProxyEnv {
        https_proxy: var("HTTPS_PROXY", PROXY_URL),
        no_proxy: var("NO_PROXY", &format!("169.254.169.254,.{ONPREM_DOMAIN}")),
    }
}

/// One lookup from the bastion at `at`.
pub fn lookup(w: &World, host: &str, at: DateTime<Utc>) -> DnsSample {
    let name = normalize_dns_name(host);
    let outcome = if name == w.dns.host {
        w.dns.outcome.clone()
    } else {
        DnsOutcome::NxDomain
    };
    let name_bits = name.bytes().fold(0u64, |h, b| mix(&[h, u64::from(b)]));
    let pinned = w.dns.pinned.clone().filter(|_| name == w.dns.host);
    DnsSample {
        at,
        host: host.to_string(),
        server: Some(
            pinned
                .as_ref()
                .map_or_else(|| w.dns.server.clone(), |p| p.file.clone()),
        ),
        pinned,
        latency: millis_between(0.4, 2.0, &[w.elapsed.as_secs(), name_bits, 1]),
        outcome,
    }
}

/// One probe from the bastion at `at`.
pub fn probe(w: &World, req: &ProbeRequest, at: DateTime<Utc>) -> ProbeSample {
    let seed = |phase: u64| [w.elapsed.as_secs(), ip_bits(req.ip), phase];
    let mut sample = ProbeSample {
        peer: None,
        at,
        ip: req.ip,
        port: req.port,
        connect: None,
        tls: None,
        first_byte: None,
        http_status: None,
        outcome: ProbeOutcome::TcpFailed(TIMED_OUT.into()),
    };
    let reached = req.port == w.api_port && w.reach.get(&req.ip) == Some(&ProbeOutcome::Ok);
    if !reached {
        return sample;
    }
    // The phases are cumulative from the start of the attempt, hence increasing.
    let connect = millis_between(0.8, 3.0, &seed(2));
    sample.connect = Some(connect);
    // A listener without TLS answers straight away.
    if req.mode == crate::model::ProbeMode::Http {
        sample.first_byte = Some(millis_between(2.0, 8.0, &seed(4)));
        sample.http_status = Some(w.answer_status);
        sample.outcome = ProbeOutcome::Ok;
        return sample;
    }
    // The API server's certificate names the endpoint host (and in-cluster names), nothing else.
    if normalize_dns_name(&req.host) != w.dns.host {
        sample.outcome =
            ProbeOutcome::TlsFailed(format!("certificate is not valid for {}", req.host));
        return sample;
    }
    // A TLS-inspecting middlebox on the way answers the handshake with its own CA.
    if w.scenario == Scenario::TlsIntercepted {
        sample.outcome = ProbeOutcome::TlsFailed(
            "unknown CA: the certificate is not signed by the cluster CA".into(),
        );
        sample.peer = Some(crate::model::live::PeerCert {
            issuer: INSPECTION_CA.into(),
            subject: format!("CN={}", w.dns.host),
        });
        return sample;
    }
    let tls = millis_between(5.0, 12.0, &seed(3));
    let tls_ms = tls.as_secs_f64() * 1000.0;
    sample.tls = Some(tls);
    sample.first_byte = Some(millis_between(tls_ms + 3.0, 20.0, &seed(4)));
    // An anonymous client is refused, which proves the API server answered.
    sample.http_status = Some(w.answer_status);
    sample.outcome = ProbeOutcome::Ok;
    sample
}
