//! Views made of several sources. Some AWS objects come from two or three calls that can
//! run side by side (an NLB, its attributes and its ENIs); the model keeps each call's
//! answer as its own source and joins them here, so rules and panes see one object.

use super::{Loadable, Model, Source};

/// Recompute the views that `changed` is part of.
pub(super) fn rejoin(m: &mut Model, changed: Source) {
    use Source as S;
    match changed {
        S::InterfaceEndpoints | S::EndpointAddresses => {
            m.interface_endpoints = required(&m.listed_endpoints, &m.endpoint_addresses, |v, a| {
                for e in v.iter_mut() {
                    let own: Vec<_> = e
                        .eni_ids
                        .iter()
                        .filter_map(|id| a.iter().find(|x| &x.eni_id == id))
                        .collect();
                    e.ips = own.iter().map(|x| x.ip).collect();
                    e.ipv6 = own.iter().flat_map(|x| x.ipv6.iter().copied()).collect();
                }
            })
        }
        S::LoadBalancers | S::LbAttributes | S::NlbAddresses => {
            let attrs = m.lb_attributes.value().cloned().unwrap_or_default();
            let addrs = m.nlb_addresses.value().cloned().unwrap_or_default();
            m.load_balancers = optional(&m.listed_lbs, |lbs| {
                for lb in lbs.iter_mut() {
                    if let Some(a) = attrs.iter().find(|a| a.lb_arn == lb.arn) {
                        lb.cross_zone = a.cross_zone;
                    }
                    let arn = lb.arn.clone();
                    for a in addrs.iter().filter(|a| a.lb_arn == arn) {
                        lb.add_address(&a.subnet_id, &a.az, a.ip);
                    }
                }
            })
        }
        S::HostedZones | S::ZoneAssociations => {
            m.hosted_zones = required(&m.listed_zones, &m.zone_associations, |zones, assoc| {
                for z in zones.iter_mut() {
                    if let Some(a) = assoc.iter().find(|a| a.zone_id == z.id) {
                        z.vpcs = a.vpcs.clone();
                    }
                }
            })
        }
        _ => {}
    }
}

/// `primary` completed by `extra`, which it cannot be judged without: the view waits for
/// both, and fails when either has nothing.
fn required<T: Clone, U>(
    primary: &Loadable<T>,
    extra: &Loadable<U>,
    fill: impl FnOnce(&mut T, &U),
) -> Loadable<T> {
    if let Loadable::Failed { .. } = primary {
        return primary.clone();
    }
    let Some(more) = extra.value() else {
        return match extra {
            Loadable::Failed { error, at } if !primary.is_loading() => Loadable::Failed {
                error: error.clone(),
                at: *at,
            },
            _ => Loadable::Loading,
        };
    };
    let view = optional(primary, |v| fill(v, more));
    match (view, extra.error()) {
        (Loadable::Loaded { value, at }, Some(e)) => Loadable::Stale {
            value,
            at,
            error: e.clone(),
        },
        (view, _) => view,
    }
}

/// `primary` completed by whatever the optional sources hold.
fn optional<T: Clone>(primary: &Loadable<T>, fill: impl FnOnce(&mut T)) -> Loadable<T> {
    let mut view = primary.clone();
    if let Loadable::Loaded { value, .. } | Loadable::Stale { value, .. } = &mut view {
        fill(value);
    }
    view
}
