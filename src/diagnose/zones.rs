//! Which zones the PrivateLink path covers, by zone ID (names are shuffled per account):
//! where the EKS ENIs are, where the NLB is enabled and has healthy targets, where the
//! endpoint service is offered and where the interface endpoint has subnets.

use super::ctx::{Ctx, Route};
use crate::model::Subnet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// One zone of the coverage. Counts are `None` where their source is not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneRow {
    /// The zone ID when a subnet there says it, else the name.
    pub zone: String,
    /// The zone's name in this account.
    pub name: String,
    pub enis: Option<usize>,
    /// The NLB's subnet in this zone, if it is enabled here.
    pub nlb_subnet: Option<String>,
    pub healthy_targets: Option<usize>,
    /// Whether the endpoint service is offered here; `None` when not known.
    pub service_offered: Option<bool>,
    /// The interface endpoint's subnets here.
    pub endpoint_subnets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Coverage {
    /// Cross-zone load balancing of the NLB; `None` when unknown.
    pub cross_zone: Option<bool>,
    pub zones: Vec<ZoneRow>,
}

impl Coverage {
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }
}

/// The zone ID of a zone name, learnt from the subnets; the name itself when none says.
fn zone_key(subnets: &[Subnet], name: &str) -> String {
    subnets
        .iter()
        .find(|s| s.az == name)
        .and_then(|s| s.az_id.clone())
        .unwrap_or_else(|| name.to_string())
}

fn subnet_zone(subnets: &[Subnet], id: &str) -> Option<(String, String)> {
    let s = subnets.iter().find(|s| s.id == id)?;
    Some((
        s.az_id.clone().unwrap_or_else(|| s.az.clone()),
        s.az.clone(),
    ))
}

fn ip_zone(subnets: &[Subnet], ip: Ipv4Addr) -> Option<String> {
    subnets
        .iter()
        .find(|s| s.cidr.contains(&ip))
        .map(|s| s.az_id.clone().unwrap_or_else(|| s.az.clone()))
}

/// The coverage of the PrivateLink route; empty on other routes or without subnets.
pub fn coverage(ctx: &Ctx) -> Coverage {
    let m = ctx.m;
    let Some(subnets) = m.subnets.value() else {
        return Coverage::default();
    };
    if ctx.route != Route::Privatelink || ctx.path.nlbs.is_empty() {
        return Coverage::default();
    }
    let mut rows: BTreeMap<String, ZoneRow> = BTreeMap::new();
    // Healthy targets count only when the API's groups are known.
    let groups_known =
        ctx.path.target_groups_unknown.is_none() && !ctx.path.target_groups.is_empty();
    let targets_known = m.targets.value().is_some() && groups_known;
    let blank = |zone: &str, name: &str| ZoneRow {
        zone: zone.to_string(),
        name: name.to_string(),
        enis: m.enis.value().map(|_| 0),
        nlb_subnet: None,
        healthy_targets: targets_known.then_some(0),
        service_offered: None,
        endpoint_subnets: Vec::new(),
    };
    fn row<'r>(
        rows: &'r mut BTreeMap<String, ZoneRow>,
        blank: &dyn Fn(&str, &str) -> ZoneRow,
        zone: String,
        name: &str,
    ) -> &'r mut ZoneRow {
        rows.entry(zone.clone())
            .or_insert_with(|| blank(&zone, name))
    }
    for e in m.enis.value().into_iter().flatten().filter(|e| e.in_use()) {
        let r = row(&mut rows, &blank, zone_key(subnets, &e.az), &e.az);
        *r.enis.get_or_insert(0) += 1;
    }
    for lb in &ctx.path.nlbs {
        for z in &lb.zones {
            let (zone, name) = subnet_zone(subnets, &z.subnet_id)
                .unwrap_or((zone_key(subnets, &z.az), z.az.clone()));
            row(&mut rows, &blank, zone, &name).nlb_subnet = Some(z.subnet_id.clone());
        }
    }
    for ie in &ctx.path.endpoints {
        for sid in &ie.subnet_ids {
            if let Some((zone, name)) = subnet_zone(subnets, sid) {
                row(&mut rows, &blank, zone, &name)
                    .endpoint_subnets
                    .push(sid.clone());
            }
        }
    }
    let targets = m
        .targets
        .value()
        .into_iter()
        .flatten()
        .filter(|_| targets_known);
    for t in
        targets.filter(|t| t.healthy() && ctx.path.target_groups.iter().any(|g| g.arn == t.tg_arn))
    {
        let zone = t
            .ip()
            .and_then(|ip| ip_zone(subnets, ip))
            .or_else(|| t.az.as_deref().map(|a| zone_key(subnets, a)));
        if let Some(zone) = zone
            && let Some(r) = rows.get_mut(&zone)
        {
            *r.healthy_targets.get_or_insert(0) += 1;
        }
    }
    // A service that lists no zone says nothing about them.
    let listed = ctx.path.services.iter().any(|s| !s.zones.is_empty());
    let offered: Option<Vec<String>> = listed.then(|| {
        ctx.path
            .services
            .iter()
            .flat_map(|s| s.zones.iter().map(|z| zone_key(subnets, z)))
            .collect()
    });
    for r in rows.values_mut() {
        r.service_offered = offered.as_ref().map(|o| o.contains(&r.zone));
    }
    let cross_zone = ctx.path.nlbs.iter().map(|lb| lb.cross_zone).min().flatten();
    Coverage {
        cross_zone,
        zones: rows.into_values().collect(),
    }
}
