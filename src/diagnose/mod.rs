//! Diagnosis: pure functions from the model to findings and a path verdict.

pub mod automation;
pub mod classify;
pub mod ctx;
pub mod finding;
pub mod history;
pub mod lattice;
pub mod path;
pub mod rests_on;
pub mod rules;
pub mod server;
pub mod sg;
pub mod states;
#[cfg(test)]
pub mod testkit;
pub mod zones;

pub use classify::AnswerClass;
pub use ctx::{Ctx, PathIds, Route};
pub use finding::{Finding, HopName, Missing, Severity, Unknown};
pub use path::{Elsewhere, Hop, HopStatus};
pub use states::{Aspect, States};

use crate::model::Model;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Everything `check` prints and the TUI shows about the state of the path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    pub verdict: HopStatus,
    pub route: Route,
    pub route_basis: String,
    pub hops: Vec<Hop>,
    /// The first hop of the chain that fails: where to look first.
    pub first_failure: Option<HopName>,
    /// What counts in the verdict but bears on no hop of this host's path, worst first.
    pub elsewhere: Vec<Elsewhere>,
    /// The verdict in words: where the path breaks, and what counts from elsewhere.
    pub summary: String,
    /// Worst first.
    pub findings: Vec<Finding>,
    pub unknowns: Vec<Unknown>,
    /// What each address in the kept DNS samples points at.
    pub answers: BTreeMap<IpAddr, AnswerClass>,
    /// The resources that carry this host's traffic on the PrivateLink route.
    pub path: PathIds,
    /// How each resource's own state reads, for lists that colour states.
    pub states: States,
    /// The zones the PrivateLink path covers, by zone ID.
    pub zones: zones::Coverage,
    /// The automation that keeps the API's target group in step with the ENIs.
    pub automation: automation::Automation,
}

pub fn diagnose(model: &Model) -> Diagnosis {
    let ctx = Ctx::new(model);
    let mut findings = Vec::new();
    let mut unknowns = Vec::new();
    let table = match ctx.route {
        Route::Nlb => server::RULES,
        Route::Lattice => lattice::RULES,
        Route::LatticeApi => lattice::api::RULES,
        _ => rules::RULES,
    };
    for rule in table {
        match (rule.check)(&ctx) {
            Ok(f) => findings.extend(f),
            Err(missing) => unknowns.push(Unknown {
                rule: rule.name,
                hop: rule.hop,
                missing: missing.what,
                reason: missing.why,
            }),
        }
    }
    let (automation, why) = automation::judge(&ctx, &findings);
    findings.extend(why);
    // A cause that bears on no hop sorts after the findings of the hop it explains.
    let place = |f: &Finding| (f.hop.or(f.explains.first().copied()), f.hop.is_none());
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(place(a).cmp(&place(b))));
    let hops = path::hops(&ctx, &findings, &unknowns);
    let first_failure = hops
        .iter()
        .find(|h| h.status == HopStatus::Fail)
        .map(|h| h.name);
    let elsewhere = path::elsewhere(&hops, &findings, &unknowns);
    let verdict = path::verdict(&hops, &elsewhere);
    let summary = path::verdict_summary(&hops, &elsewhere);
    Diagnosis {
        verdict,
        route: ctx.route,
        route_basis: ctx.route_basis.clone(),
        hops,
        first_failure,
        elsewhere,
        summary,
        findings,
        unknowns,
        answers: ctx.all_answers(),
        path: ctx.path.ids(),
        states: states::judge(&ctx),
        zones: zones::coverage(&ctx),
        automation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::*;

    #[test]
    fn healthy_model_is_ok_on_the_privatelink_route() {
        let d = diagnose(&healthy());
        assert_eq!(d.route, Route::Privatelink);
        assert_eq!(d.verdict, HopStatus::Ok, "{:#?}", d);
        assert!(d.unknowns.is_empty(), "{:?}", d.unknowns);
        let names: Vec<_> = d.hops.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "origin",
                "dns",
                "interface-endpoint",
                "endpoint-service",
                "nlb",
                "targets",
                "eks-enis",
                "api-server"
            ]
        );
        assert!(problems(&d.findings).is_empty());
    }

    #[test]
    fn the_diagnosis_carries_answer_classes_path_ids_and_states() {
        let d = diagnose(&healthy());
        let ie = |ip: &str| d.answers.get(&ip.parse().unwrap()).cloned();
        assert_eq!(
            ie("172.20.1.50"),
            Some(AnswerClass::InterfaceEndpoint("vpce-1".into()))
        );
        assert_eq!(d.path.nlbs, [NLB]);
        assert_eq!(d.path.target_groups, [TG]);
        assert_eq!(d.path.endpoints, ["vpce-1"]);
        assert_eq!(
            d.states.get(Aspect::EniStatus, "eni-a"),
            Some(HopStatus::Ok)
        );
    }

    #[test]
    fn denied_target_health_makes_targets_unknown_and_keeps_the_rest() {
        let d = diagnose(&without(healthy(), Part::Targets));
        let status = |n: HopName| d.hops.iter().find(|h| h.name == n).unwrap().status;
        assert_eq!(status(HopName::Targets), HopStatus::Unknown);
        assert_eq!(status(HopName::Nlb), HopStatus::Ok);
        assert_eq!(status(HopName::Dns), HopStatus::Ok);
        assert_eq!(d.verdict, HopStatus::Unknown);
        let hop = d.hops.iter().find(|h| h.name == HopName::Targets).unwrap();
        assert!(
            hop.evidence.iter().any(|e| e.contains("test:Denied")),
            "{:?}",
            hop.evidence
        );
    }

    #[test]
    fn direct_route_from_eni_answers() {
        let mut m = healthy();
        push_dns(&mut m, &["192.168.10.21", "192.168.20.21"], 1);
        let d = diagnose(&m);
        assert_eq!(d.route, Route::Direct);
        let names: Vec<_> = d.hops.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            ["origin", "dns", "peering", "eks-enis", "api-server"]
        );
    }

    #[test]
    fn no_live_skips_dns_and_api_server_and_takes_route_from_topology() {
        let mut m = healthy();
        m.context.live = crate::model::LiveMode::OFF;
        m.live = Default::default();
        let d = diagnose(&m);
        assert_eq!(d.route, Route::Privatelink);
        assert!(d.route_basis.contains("live DNS off"), "{}", d.route_basis);
        let status = |n: HopName| d.hops.iter().find(|h| h.name == n).unwrap().status;
        assert_eq!(status(HopName::Dns), HopStatus::Skipped);
        assert_eq!(status(HopName::ApiServer), HopStatus::Skipped);
        assert_eq!(d.verdict, HopStatus::Ok);

        // The zone is still checked: a broken zone shows on the skipped hop.
        if let crate::model::Loadable::Loaded { value, .. } = &mut m.hosted_zones {
            value[0].vpcs.clear();
        }
        let d = diagnose(&m);
        let dns = d.hops.iter().find(|h| h.name == HopName::Dns).unwrap();
        assert_eq!(dns.status, HopStatus::Fail);
        assert!(
            dns.evidence
                .iter()
                .any(|e| e.starts_with("phz-not-associated"))
        );
    }

    #[test]
    fn first_failure_is_the_earliest_failing_hop() {
        let mut m = healthy();
        m.targets = crate::model::Loadable::loaded(
            vec![target("192.168.10.5", "eu-west-1a", "unhealthy")],
            t0(),
        );
        push_probe(
            &mut m,
            "172.20.1.50",
            crate::model::ProbeOutcome::TcpFailed("timed out".into()),
            1,
        );
        push_probe(
            &mut m,
            "172.20.2.50",
            crate::model::ProbeOutcome::TcpFailed("timed out".into()),
            1,
        );
        let d = diagnose(&m);
        assert_eq!(d.first_failure, Some(HopName::Targets));
        assert_eq!(d.verdict, HopStatus::Fail);
        assert_eq!(d.findings[0].severity, Severity::Fail, "worst first");
    }

    #[test]
    fn no_address_leaves_the_api_server_unknown() {
        let mut m = healthy();
        for s in 5..8 {
            push_dns_outcome(&mut m, crate::model::DnsOutcome::NxDomain, s);
        }
        let d = diagnose(&m);
        let api = d
            .hops
            .iter()
            .find(|h| h.name == HopName::ApiServer)
            .unwrap();
        assert_eq!(api.status, HopStatus::Unknown, "{api:?}");
        assert_eq!(d.first_failure, Some(HopName::Dns));
    }

    /// The verdict, the hops, `first_failure` and `elsewhere` never contradict each other.
    pub fn assert_consistent(d: &Diagnosis) {
        let rank = |s: HopStatus| match s {
            HopStatus::Skipped | HopStatus::Ok => 0,
            HopStatus::Warn => 1,
            HopStatus::Unknown => 2,
            HopStatus::Fail => 3,
        };
        let worst = d
            .hops
            .iter()
            .map(|h| h.status)
            .chain(d.elsewhere.iter().map(|e| e.status))
            .max_by_key(|s| rank(*s))
            .map_or(0, rank);
        assert_eq!(
            rank(d.verdict),
            worst,
            "verdict vs hops and elsewhere: {d:#?}"
        );
        let first = d.hops.iter().find(|h| h.status == HopStatus::Fail);
        assert_eq!(d.first_failure, first.map(|h| h.name), "{d:#?}");
        if d.verdict == HopStatus::Fail && first.is_none() {
            let named = d
                .elsewhere
                .iter()
                .filter(|e| e.status == HopStatus::Fail)
                .all(|e| d.summary.contains(e.id));
            assert!(named && !d.elsewhere.is_empty(), "FAIL unexplained: {d:#?}");
        }
        // Every warning and failure shows on a hop or in `elsewhere`.
        for f in d.findings.iter().filter(|f| f.severity >= Severity::Warn) {
            let on_hop = d.hops.iter().any(|h| h.findings.contains(&f.id));
            let off = d.elsewhere.iter().any(|e| e.id == f.id);
            assert!(on_hop || off, "{} shows nowhere: {d:#?}", f.id);
        }
    }

    #[test]
    fn verdict_hops_and_elsewhere_agree_over_testkit_models() {
        use crate::model::ProbeOutcome;
        let mut models = vec![healthy()];
        for part in Part::ALL {
            models.push(without(healthy(), part));
        }
        let mut m = healthy();
        edit_vpcs(&mut m, |v| {
            if v.id == EKS_VPC {
                v.dns_hostnames = Some(false);
            }
        });
        models.push(m);
        let mut m = healthy();
        edit_vpcs(&mut m, |v| v.dns_support = None);
        models.push(m);
        let mut m = healthy();
        push_dns(&mut m, &["198.51.100.23"], 2);
        models.push(m);
        let mut m = healthy();
        push_dns(&mut m, &["192.168.10.21", "192.168.20.21"], 1);
        models.push(m);
        let mut m = healthy();
        push_probe(
            &mut m,
            "172.20.1.50",
            ProbeOutcome::TcpFailed("timed out".into()),
            1,
        );
        models.push(m);
        let mut m = healthy();
        m.targets = crate::model::Loadable::loaded(
            vec![target("192.168.10.5", "eu-west-1a", "unhealthy")],
            t0(),
        );
        models.push(m);
        for m in &models {
            assert_consistent(&diagnose(m));
        }
    }

    #[test]
    fn a_failure_on_no_hop_is_named_by_the_verdict() {
        let mut m = healthy();
        edit_vpcs(&mut m, |v| {
            if v.id == EKS_VPC {
                v.dns_hostnames = Some(false);
            }
        });
        let d = diagnose(&m);
        assert!(
            d.hops.iter().all(|h| h.status == HopStatus::Ok),
            "{:?}",
            d.hops
        );
        assert_eq!(d.verdict, HopStatus::Fail);
        assert_eq!(d.first_failure, None);
        assert_eq!(d.elsewhere.len(), 1);
        assert_eq!(d.elsewhere[0].id, "vpc-dns-disabled");
        assert!(
            d.summary
                .starts_with("path OK from this host; 1 failure elsewhere: vpc-dns-disabled"),
            "{}",
            d.summary
        );
        // A check that could not run and judges no hop is named too.
        let mut m = healthy();
        edit_vpcs(&mut m, |v| v.dns_support = None);
        let d = diagnose(&m);
        assert_eq!(d.verdict, HopStatus::Unknown);
        assert!(
            d.summary.contains("1 check not run elsewhere: vpc-dns"),
            "{}",
            d.summary
        );
    }

    #[test]
    fn a_cause_attached_elsewhere_explains_the_hop_it_breaks() {
        let mut m = healthy();
        if let crate::model::Loadable::Loaded { value, .. } = &mut m.security_groups {
            let g = value.iter_mut().find(|g| g.id == CLUSTER_SG).unwrap();
            g.ingress.clear();
        }
        m.targets = crate::model::Loadable::loaded(
            vec![target("192.168.10.21", "eu-west-1a", "unhealthy")],
            t0(),
        );
        let d = diagnose(&m);
        let hop = |n: HopName| d.hops.iter().find(|h| h.name == n).unwrap();
        assert_eq!(d.first_failure, Some(HopName::Targets));
        assert!(
            hop(HopName::Targets).findings.contains(&"sg-blocks-443"),
            "{:?}",
            hop(HopName::Targets)
        );
        assert!(
            hop(HopName::Targets)
                .evidence
                .iter()
                .any(|e| e.starts_with("sg-blocks-443 (on eks-enis)")),
            "{:?}",
            hop(HopName::Targets).evidence
        );
        // Healthy targets are not explained by it.
        let mut m = m.clone();
        m.targets = healthy().targets;
        let d = diagnose(&m);
        let t = d.hops.iter().find(|h| h.name == HopName::Targets).unwrap();
        assert!(t.findings.is_empty(), "{t:?}");
    }

    #[test]
    fn unknown_origin_is_unknown_not_ok() {
        let mut m = healthy();
        m.origin = crate::model::Loadable::loaded(None, t0());
        let d = diagnose(&m);
        assert_eq!(d.hops[0].status, HopStatus::Unknown);
        assert_eq!(d.verdict, HopStatus::Unknown);
    }
}
