//! Hops whose standing no resource decides: this host not located, live sampling switched
//! off, no peering needed, a public endpoint that refuses, nothing to probe. Findings and
//! unknowns judge every other case; these rules judge the hop itself.

use crate::diagnose::ctx::Ctx;
use crate::diagnose::finding::HopName;
use crate::diagnose::path::HopStatus;
use crate::model::Loadable;

/// A hop's own status, and the words that explain it (the hop's summary line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub status: HopStatus,
    pub why: String,
}

fn standing(status: HopStatus, why: impl Into<String>) -> Option<Standing> {
    Some(Standing {
        status,
        why: why.into(),
    })
}

pub struct HopRule {
    pub hop: HopName,
    pub check: fn(&Ctx) -> Option<Standing>,
}

pub const HOP_RULES: &[HopRule] = &[
    HopRule {
        hop: HopName::Origin,
        check: origin_located,
    },
    HopRule {
        hop: HopName::Dns,
        check: dns_sampled,
    },
    HopRule {
        hop: HopName::Peering,
        check: peering_needed,
    },
    HopRule {
        hop: HopName::PublicEndpoint,
        check: public_endpoint_open,
    },
    HopRule {
        hop: HopName::ApiServer,
        check: api_server_probed,
    },
];

/// The standing of `hop`, if a rule decides it.
pub fn standing_of(ctx: &Ctx, hop: HopName) -> Option<Standing> {
    HOP_RULES
        .iter()
        .filter(|r| r.hop == hop)
        .find_map(|r| (r.check)(ctx))
}

/// Every rule below depends on where this host is; without it nothing is OK.
pub fn origin_located(ctx: &Ctx) -> Option<Standing> {
    match &ctx.m.origin {
        Loadable::Loaded { value: Some(_), .. } | Loadable::Stale { value: Some(_), .. } => ctx
            .origin()
            .err()
            .and_then(|m| standing(HopStatus::Unknown, m.why)),
        Loadable::Loaded { value: None, .. } | Loadable::Stale { value: None, .. } => standing(
            HopStatus::Unknown,
            "this host's VPC is unknown: not on EC2 (no instance metadata) and no --from-vpc",
        ),
        Loadable::Loading => standing(HopStatus::Unknown, "locating this host..."),
        Loadable::Failed { error, .. } => standing(
            HopStatus::Unknown,
            format!("could not locate this host: {error}"),
        ),
    }
}

pub fn dns_sampled(ctx: &Ctx) -> Option<Standing> {
    if !ctx.m.context.live.dns {
        return standing(HopStatus::Skipped, "live DNS off (--no-live)");
    }
    if ctx.m.live.dns.latest().is_none() {
        return standing(HopStatus::Unknown, "no DNS sample yet");
    }
    None
}

pub fn peering_needed(ctx: &Ctx) -> Option<Standing> {
    let in_cluster_vpc = ctx.origin_in_cluster_vpc().unwrap_or(false);
    in_cluster_vpc
        .then(|| {
            standing(
                HopStatus::Skipped,
                "this host is in the cluster VPC: no peering needed",
            )
        })
        .flatten()
}

pub fn public_endpoint_open(ctx: &Ctx) -> Option<Standing> {
    match ctx.m.cluster.value() {
        Some(c) if c.public_access => None,
        Some(_) => standing(
            HopStatus::Fail,
            "public access is off: the public endpoint refuses this host",
        ),
        None => standing(HopStatus::Unknown, "cluster not loaded"),
    }
}

/// The words name the probes only: the hop's summary puts the cluster in front of them.
pub fn api_server_probed(ctx: &Ctx) -> Option<Standing> {
    let live = ctx.m.context.live;
    if !(live.probe && live.dns) {
        return standing(HopStatus::Skipped, "probes off");
    }
    // Without an address nothing reached the API server: not OK, not known.
    let no_address = ctx.judged_dns().is_some_and(|d| d.ips().is_empty());
    if ctx.current_probes().is_empty() && no_address {
        return standing(HopStatus::Unknown, "nothing to probe: DNS gave no address");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{DnsOutcome, LiveMode};

    fn status(m: &crate::model::Model, hop: HopName) -> Option<HopStatus> {
        standing_of(&Ctx::new(m), hop).map(|s| s.status)
    }

    #[test]
    fn healthy_model_leaves_every_hop_on_its_route_to_the_findings() {
        let m = healthy();
        for &hop in crate::diagnose::path::route_hops(
            crate::diagnose::Route::Privatelink,
            &crate::diagnose::ctx::Crossing::Peering,
        ) {
            assert_eq!(status(&m, hop), None, "{hop}");
        }
    }

    #[test]
    fn origin_unknown_when_not_located_or_failed() {
        let mut m = healthy();
        m.origin = Loadable::loaded(None, t0());
        assert_eq!(status(&m, HopName::Origin), Some(HopStatus::Unknown));
        let m = without(healthy(), Part::Origin);
        let s = standing_of(&Ctx::new(&m), HopName::Origin).unwrap();
        assert!(s.why.contains("test:Denied"), "{}", s.why);
        let mut m = healthy();
        m.origin = Loadable::Loading;
        assert_eq!(status(&m, HopName::Origin), Some(HopStatus::Unknown));
    }

    #[test]
    fn origin_unknown_in_a_vpc_the_account_does_not_have() {
        let mut m = healthy();
        edit_origin(&mut m, |o| o.vpc_id = "vpc-nope".into());
        let s = standing_of(&Ctx::new(&m), HopName::Origin).unwrap();
        assert_eq!(s.status, HopStatus::Unknown);
        assert!(
            s.why.contains("vpc-nope") && s.why.contains("ec2:DescribeVpcs"),
            "{}",
            s.why
        );
        // Nothing is aimed at it.
        let d = crate::diagnose::diagnose(&m);
        assert!(
            d.findings.iter().all(|f| !f.fix.contains("vpc-nope")),
            "{:?}",
            d.findings
        );
        // Without DescribeVpcs the VPC cannot be checked, and the origin stands as given.
        let mut m = without(healthy(), Part::Vpcs);
        edit_origin(&mut m, |o| o.vpc_id = "vpc-nope".into());
        assert_eq!(status(&m, HopName::Origin), None);
    }

    #[test]
    fn dns_skipped_when_off_and_unknown_without_a_sample() {
        let mut m = healthy();
        m.context.live = LiveMode::OFF;
        assert_eq!(status(&m, HopName::Dns), Some(HopStatus::Skipped));
        let mut m = healthy();
        m.live = Default::default();
        assert_eq!(status(&m, HopName::Dns), Some(HopStatus::Unknown));
    }

    #[test]
    fn peering_skipped_from_inside_the_cluster_vpc() {
        let mut m = healthy();
        edit_origin(&mut m, |o| o.vpc_id = EKS_VPC.into());
        assert_eq!(status(&m, HopName::Peering), Some(HopStatus::Skipped));
        let m = without(healthy(), Part::Cluster);
        assert_eq!(status(&m, HopName::Peering), None);
    }

    #[test]
    fn public_endpoint_fails_when_off_ok_when_on_unknown_without_cluster() {
        let m = healthy();
        assert_eq!(status(&m, HopName::PublicEndpoint), Some(HopStatus::Fail));
        let mut m = healthy();
        edit_cluster(&mut m, |c| c.public_access = true);
        assert_eq!(status(&m, HopName::PublicEndpoint), None);
        let m = without(healthy(), Part::Cluster);
        assert_eq!(
            status(&m, HopName::PublicEndpoint),
            Some(HopStatus::Unknown)
        );
    }

    #[test]
    fn api_server_skipped_without_probes_unknown_without_an_address() {
        let mut m = healthy();
        m.context.live.probe = false;
        assert_eq!(status(&m, HopName::ApiServer), Some(HopStatus::Skipped));
        let mut m = healthy();
        m.live = Default::default();
        push_dns_outcome(&mut m, DnsOutcome::NxDomain, 5);
        assert_eq!(status(&m, HopName::ApiServer), Some(HopStatus::Unknown));
    }
}
