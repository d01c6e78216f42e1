//! How each resource's own state reads: good, bad or in between. The lists colour states
//! from this, so a list and the findings never disagree on what "available" means.

use super::ctx::Ctx;
use super::path::HopStatus;
use super::rules::eni::MIN_FREE_IPS;
use super::rules::targets::REGISTRATION_GRACE_SECS;
use crate::model::stats::probe_stats;
use crate::model::{DnsOutcome, Model, Record};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// What is judged; each names the id its entries are found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    /// An EKS ENI's status (in-use or not), by ENI id.
    EniStatus,
    /// Whether an EKS ENI's IP is a registered target, by ENI id.
    EniRegistered,
    /// Free IPs against what EKS needs for replacement ENIs, by subnet id.
    SubnetHeadroom,
    /// Health as the NLB sees it, by [`pair`] of target group ARN and target id.
    TargetHealth,
    /// Whether a target is an EKS ENI IP (else stale), by [`pair`] as for health.
    TargetIsEni,
    /// By endpoint service id.
    ServiceState,
    /// By [`pair`] of endpoint service id and interface endpoint id.
    ConnectionState,
    /// By interface endpoint id.
    EndpointState,
    /// Whether a zone answers for this host's VPC, by zone id.
    ZoneAssociation,
    /// Whether an alias record points at an interface endpoint, by [`record_key`].
    RecordAlias,
    /// enableDnsSupport and enableDnsHostnames together, by VPC id.
    VpcDns,
    /// A table with a blackhole route, by route table id.
    RouteTable,
    /// One route, by [`pair`] of route table id and destination.
    Route,
    /// By peering connection id.
    Peering,
    /// A transit gateway attachment's state, by attachment id.
    TgwAttachment,
    /// One transit gateway route, by [`pair`] of its route table id and `DESTINATION KIND`
    /// (a static route and a propagated one may share a destination).
    TgwRoute,
    /// By cluster name.
    ClusterStatus,
    /// Public access open to the whole internet, by cluster name.
    PublicAccess,
    /// The newest probe of an address, by IP.
    ProbeLast,
    /// The success ratio of an address's probes, by IP.
    ProbeSuccess,
}

/// Two ids as one key, for aspects judged per pair (a target in a group, a route in a table).
pub fn pair(a: &str, b: &str) -> String {
    format!("{a} {b}")
}

/// A record is one name and type in one zone.
pub fn record_key(r: &Record) -> String {
    pair(&r.zone_id, &pair(&r.name, &r.rtype))
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct States {
    by: BTreeMap<Aspect, BTreeMap<String, HopStatus>>,
    /// One per kept DNS sample, oldest first: an answer or a failure.
    pub dns: Vec<HopStatus>,
    /// The EKS ENI IPs each path target group lacks, by target group ARN; empty when the
    /// ENIs or the targets are unknown.
    pub unregistered: BTreeMap<String, Vec<Ipv4Addr>>,
}

impl States {
    /// `None` when the diagnosis cannot tell (its input is missing).
    pub fn get(&self, aspect: Aspect, id: &str) -> Option<HopStatus> {
        self.by.get(&aspect)?.get(id).copied()
    }

    fn set(&mut self, aspect: Aspect, id: impl Into<String>, s: HopStatus) {
        self.by.entry(aspect).or_default().insert(id.into(), s);
    }
}

fn ok_or(good: bool, bad: HopStatus) -> HopStatus {
    if good { HopStatus::Ok } else { bad }
}

pub fn judge(ctx: &Ctx) -> States {
    let m = ctx.m;
    let mut s = States::default();
    enis(m, &mut s);
    targets(ctx, &mut s);
    privatelink(m, &mut s);
    route53(m, &mut s);
    network(m, &mut s);
    live(m, &mut s);
    s
}

fn enis(m: &Model, s: &mut States) {
    let registered: Option<BTreeSet<&str>> = m
        .targets
        .value()
        .map(|ts| ts.iter().map(|t| t.id.as_str()).collect());
    let now = m.enis.fetched_at();
    for e in m.enis.value().into_iter().flatten() {
        s.set(Aspect::EniStatus, &e.id, ok_or(e.in_use(), HopStatus::Warn));
        if let Some(r) = &registered {
            let reg = r.contains(e.ip.to_string().as_str());
            // A new ENI waits for the automation a while: not yet a failure.
            let new = m
                .eni_sightings
                .appeared(e.ip)
                .zip(now)
                .is_some_and(|(at, now)| (now - at).num_seconds() < REGISTRATION_GRACE_SECS);
            let lacking = if new {
                HopStatus::Warn
            } else {
                HopStatus::Fail
            };
            s.set(Aspect::EniRegistered, &e.id, ok_or(reg, lacking));
        }
    }
    for sn in m.subnets.value().into_iter().flatten() {
        let room = sn.free_ips >= MIN_FREE_IPS;
        s.set(Aspect::SubnetHeadroom, &sn.id, ok_or(room, HopStatus::Warn));
    }
}

fn targets(ctx: &Ctx, s: &mut States) {
    let m = ctx.m;
    let eni_ips: Option<BTreeSet<String>> = m
        .enis
        .value()
        .map(|v| v.iter().map(|e| e.ip.to_string()).collect());
    let all = m.targets.value();
    for t in all.into_iter().flatten() {
        let key = pair(&t.tg_arn, &t.id);
        let health = if t.healthy() {
            HopStatus::Ok
        } else if t.unhealthy() {
            HopStatus::Fail
        } else {
            HopStatus::Warn
        };
        s.set(Aspect::TargetHealth, &key, health);
        if let Some(ips) = &eni_ips {
            s.set(
                Aspect::TargetIsEni,
                key,
                ok_or(ips.contains(&t.id), HopStatus::Warn),
            );
        }
    }
    let (Some(enis), Some(all)) = (m.enis.value(), all) else {
        return;
    };
    for tg in &ctx.path.target_groups {
        let lacking: Vec<Ipv4Addr> = enis
            .iter()
            .map(|e| e.ip)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|ip| {
                let id = ip.to_string();
                !all.iter().any(|t| t.tg_arn == tg.arn && t.id == id)
            })
            .collect();
        s.unregistered.insert(tg.arn.clone(), lacking);
    }
}

fn privatelink(m: &Model, s: &mut States) {
    for sv in m.endpoint_services.value().into_iter().flatten() {
        s.set(
            Aspect::ServiceState,
            &sv.id,
            ok_or(sv.is_available(), HopStatus::Fail),
        );
    }
    for c in m.endpoint_connections.value().into_iter().flatten() {
        let available = c.state.eq_ignore_ascii_case("available");
        s.set(
            Aspect::ConnectionState,
            pair(&c.service_id, &c.endpoint_id),
            ok_or(available, HopStatus::Fail),
        );
    }
    for e in m.interface_endpoints.value().into_iter().flatten() {
        s.set(
            Aspect::EndpointState,
            &e.id,
            ok_or(e.is_available(), HopStatus::Fail),
        );
    }
}

fn route53(m: &Model, s: &mut States) {
    let origin = m.origin().map(|o| o.vpc_id.as_str());
    let ies = m.interface_endpoints.value();
    for z in m.hosted_zones.value().into_iter().flatten() {
        if let Some(o) = origin {
            s.set(
                Aspect::ZoneAssociation,
                &z.id,
                ok_or(z.associated_with(o), HopStatus::Fail),
            );
        }
    }
    for r in m.records.value().into_iter().flatten() {
        if let (Some(a), Some(ies)) = (&r.alias, ies) {
            let hit = ies.iter().any(|e| e.answers_to(&a.dns_name));
            s.set(
                Aspect::RecordAlias,
                record_key(r),
                ok_or(hit, HopStatus::Fail),
            );
        }
    }
}

fn network(m: &Model, s: &mut States) {
    for v in m.vpcs.value().into_iter().flatten() {
        if let Some((support, hostnames)) = v.dns_support.zip(v.dns_hostnames) {
            s.set(
                Aspect::VpcDns,
                &v.id,
                ok_or(support && hostnames, HopStatus::Fail),
            );
        }
    }
    for t in m.route_tables.value().into_iter().flatten() {
        let clean = t.routes.iter().all(|r| r.is_active());
        s.set(Aspect::RouteTable, &t.id, ok_or(clean, HopStatus::Warn));
        for r in &t.routes {
            s.set(
                Aspect::Route,
                pair(&t.id, &r.destination.to_string()),
                ok_or(r.is_active(), HopStatus::Fail),
            );
        }
    }
    for p in m.peerings.value().into_iter().flatten() {
        s.set(
            Aspect::Peering,
            &p.id,
            ok_or(p.is_active(), HopStatus::Warn),
        );
    }
    for a in m.tgw_attachments.value().into_iter().flatten() {
        s.set(
            Aspect::TgwAttachment,
            &a.id,
            ok_or(a.is_available(), HopStatus::Warn),
        );
    }
    for t in m.tgw_route_tables.value().into_iter().flatten() {
        for r in &t.routes {
            s.set(
                Aspect::TgwRoute,
                pair(&t.id, &format!("{} {}", r.destination, r.kind)),
                ok_or(r.is_active(), HopStatus::Warn),
            );
        }
    }
    if let Some(c) = m.cluster.value() {
        let active = c.status.eq_ignore_ascii_case("active");
        s.set(
            Aspect::ClusterStatus,
            &c.name,
            ok_or(active, HopStatus::Warn),
        );
        let open = c.public_access
            && (c.public_cidrs.is_empty() || c.public_cidrs.iter().any(|x| x == "0.0.0.0/0"));
        s.set(Aspect::PublicAccess, &c.name, ok_or(!open, HopStatus::Warn));
    }
}

fn live(m: &Model, s: &mut States) {
    s.dns = m
        .live
        .dns
        .iter()
        .map(|d| ok_or(matches!(d.outcome, DnsOutcome::Answers(_)), HopStatus::Fail))
        .collect();
    for (ip, ring) in &m.live.probes {
        let ip = ip.to_string();
        if let Some(last) = ring.latest() {
            s.set(Aspect::ProbeLast, &ip, ok_or(last.ok(), HopStatus::Fail));
        }
        let ratio = probe_stats(ring).map_or(0.0, |st| st.success_ratio);
        let success = if ratio >= 0.999 {
            HopStatus::Ok
        } else if ratio > 0.0 {
            HopStatus::Warn
        } else {
            HopStatus::Fail
        };
        s.set(Aspect::ProbeSuccess, ip, success);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{Loadable, ProbeOutcome};

    fn states(m: &Model) -> States {
        judge(&Ctx::new(m))
    }

    #[test]
    fn healthy_model_reads_ok_everywhere() {
        let s = states(&healthy());
        for (aspect, by_id) in &s.by {
            for (id, st) in by_id {
                // The healthy cluster has public access off: nothing is open.
                assert_eq!(*st, HopStatus::Ok, "{aspect:?} {id}");
            }
        }
        assert!(s.dns.iter().all(|d| *d == HopStatus::Ok));
        assert!(s.unregistered.values().all(Vec::is_empty), "{s:?}");
        assert_eq!(s.get(Aspect::EniRegistered, "eni-a"), Some(HopStatus::Ok));
    }

    #[test]
    fn missing_and_stale_targets_and_idle_enis() {
        let mut m = healthy();
        m.targets = Loadable::loaded(
            vec![target("192.168.10.21", "eu-west-1a", "unhealthy")]
                .into_iter()
                .chain([target("192.168.99.9", "eu-west-1a", "initial")])
                .collect(),
            t0(),
        );
        if let Loadable::Loaded { value, .. } = &mut m.enis {
            value[1].status = "available".into();
        }
        let s = states(&m);
        assert_eq!(s.get(Aspect::EniRegistered, "eni-b"), Some(HopStatus::Fail));
        assert_eq!(s.get(Aspect::EniStatus, "eni-b"), Some(HopStatus::Warn));
        let key = |ip: &str| pair(TG, ip);
        assert_eq!(
            s.get(Aspect::TargetHealth, &key("192.168.10.21")),
            Some(HopStatus::Fail)
        );
        assert_eq!(
            s.get(Aspect::TargetHealth, &key("192.168.99.9")),
            Some(HopStatus::Warn)
        );
        assert_eq!(
            s.get(Aspect::TargetIsEni, &key("192.168.99.9")),
            Some(HopStatus::Warn)
        );
        assert_eq!(s.unregistered[TG], vec![ip("192.168.20.21")]);
    }

    #[test]
    fn unknown_inputs_leave_states_unknown() {
        let m = without(healthy(), Part::Targets);
        let s = states(&m);
        assert_eq!(s.get(Aspect::EniRegistered, "eni-a"), None);
        assert!(s.unregistered.is_empty());
        let m = without(healthy(), Part::Origin);
        assert!(!states(&m).by.contains_key(&Aspect::ZoneAssociation));
    }

    #[test]
    fn failures_of_live_samples() {
        let mut m = healthy();
        push_dns_outcome(&mut m, DnsOutcome::ServFail, 1);
        push_probe(
            &mut m,
            "172.20.1.50",
            ProbeOutcome::TcpFailed("t".into()),
            1,
        );
        let s = states(&m);
        assert_eq!(s.dns.last(), Some(&HopStatus::Fail));
        assert_eq!(
            s.get(Aspect::ProbeLast, "172.20.1.50"),
            Some(HopStatus::Fail)
        );
        assert_eq!(
            s.get(Aspect::ProbeSuccess, "172.20.1.50"),
            Some(HopStatus::Warn)
        );
        assert_eq!(
            s.get(Aspect::ProbeSuccess, "172.20.2.50"),
            Some(HopStatus::Ok)
        );
    }

    #[test]
    fn low_headroom_and_open_public_access_warn() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.subnets {
            value[1].free_ips = MIN_FREE_IPS - 1;
        }
        edit_cluster(&mut m, |c| c.public_access = true);
        let s = states(&m);
        let warned = s.by[&Aspect::SubnetHeadroom]
            .values()
            .filter(|v| **v == HopStatus::Warn)
            .count();
        assert_eq!(warned, 1);
        assert_eq!(s.get(Aspect::PublicAccess, "demo"), Some(HopStatus::Warn));
    }
}
