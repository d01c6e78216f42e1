//! The pure world: each scenario's fault and the timeline.

use super::*;

/// What moves from PrivateLink and the peering to a transit gateway (plus its fault).
const TGW: &[&str] = &[
    "dns",
    "hosted_zones",
    "interface_endpoints",
    "peerings",
    "reach",
    "route_tables",
    "tgw_attachments",
    "tgw_route_tables",
];

#[test]
fn each_scenario_differs_from_healthy_only_by_its_fault() {
    let healthy = world(Scenario::Healthy, ZERO);
    let expected: &[(Scenario, &[&str])] = &[
        (Scenario::Healthy, &[]),
        (
            Scenario::RotationMissed,
            &["enis", "event_rules", "reach", "targets"],
        ),
        (
            Scenario::RotationMissedNoTrail,
            &["enis", "reach", "targets", "trails"],
        ),
        // The function's errors are in its runs, which the world does not hold.
        (
            Scenario::RotationMissedLambdaErrors,
            &["enis", "reach", "targets"],
        ),
        (Scenario::StaleTarget, &["functions", "targets"]),
        (
            Scenario::StaleCleanupMissing,
            &["event_rules", "rule_targets", "targets"],
        ),
        (
            Scenario::PhzNotAssociated,
            &["clusters", "dns", "hosted_zones", "reach"],
        ),
        (Scenario::PeeringInactive, &["peerings", "route_tables"]),
        (Scenario::VpcDnsOff, &["vpcs"]),
        (Scenario::SubnetExhausted, &["subnets"]),
        (Scenario::UpgradeNoRoom, &["subnets"]),
        (Scenario::HealthCheckPath, &["target_groups", "targets"]),
        (Scenario::NaclBlocks443, &["network_acls", "reach"]),
        (Scenario::NaclBlocksReturn, &["network_acls", "reach"]),
        (Scenario::NlbSgBlocks443, &["reach", "security_groups"]),
        (Scenario::ZoneWithoutTarget, &["reach", "targets"]),
        (
            Scenario::NlbOneZone,
            &["endpoint_services", "load_balancers", "reach", "targets"],
        ),
        (
            Scenario::TargetsUnhealthy,
            &["reach", "security_groups", "targets"],
        ),
        (
            Scenario::EndpointPending,
            &[
                "dns",
                "endpoint_connections",
                "interface_endpoints",
                "reach",
            ],
        ),
        (
            Scenario::AliasDangling,
            &[
                "dns",
                "endpoint_connections",
                "interface_endpoints",
                "reach",
            ],
        ),
        (Scenario::Tgw, TGW),
        (Scenario::TgwRouteMissing, TGW),
        (Scenario::TgwBlackhole, TGW),
        (Scenario::TgwAttachmentPending, TGW),
        (Scenario::TgwZoneMissing, TGW),
        (
            Scenario::Ipv6,
            &[
                "clusters",
                "dns",
                "enis",
                "hosted_zones",
                "interface_endpoints",
                "reach",
                "records",
            ],
        ),
        (Scenario::DhcpCustomDns, &["dhcp_options", "dns", "reach"]),
        (
            Scenario::ResolverRuleShadowsZone,
            &["dns", "reach", "resolver_rules"],
        ),
        (Scenario::HostsPinStale, &["dns", "reach"]),
        // Only the bastion's environment differs, which the world does not hold.
        (Scenario::ProxyNoBypass, &[]),
        // The middlebox is on the wire, not in the account.
        (Scenario::TlsIntercepted, &[]),
        (Scenario::ZoneShadowsSiblings, &["clusters", "hosted_zones"]),
        // The self-managed ones differ from their own healthy account.
        (Scenario::SelfManaged, &[]),
        (Scenario::SelfManagedSg, &["reach", "security_groups"]),
        (Scenario::SelfManagedOneDown, &["instances", "targets"]),
        (
            Scenario::SelfManagedNoCrossZone,
            &["load_balancers", "reach", "targets"],
        ),
        // So do the Lattice ones.
        (Scenario::LatticeHealthy, &[]),
        (Scenario::LatticeNotAssociated, &["lattice", "reach"]),
        (
            Scenario::LatticeTargetsUnhealthy,
            &["answer_status", "lattice"],
        ),
        (
            Scenario::LatticePrefixListBlocked,
            &["answer_status", "lattice", "security_groups"],
        ),
        (Scenario::LatticeAuthNoPolicy, &["answer_status", "lattice"]),
        // The API shared through Lattice: PrivateLink gives way to a resource endpoint.
        (
            Scenario::LatticeApi,
            &[
                "dns",
                "endpoint_connections",
                "hosted_zones",
                "interface_endpoints",
                "lattice",
                "reach",
                "records",
                "security_groups",
            ],
        ),
    ];
    assert_eq!(expected.len(), Scenario::ALL.len());
    let self_managed = world(Scenario::SelfManaged, ZERO);
    let lattice = world(Scenario::LatticeHealthy, ZERO);
    for (s, fields) in expected {
        let w = world(*s, ZERO);
        let want: BTreeSet<&str> = fields.iter().copied().collect();
        let base = if s.self_managed() {
            &self_managed
        } else if s.lattice() {
            &lattice
        } else {
            &healthy
        };
        assert_eq!(differing(base, &w), want, "{s}");
    }
}

#[test]
fn healthy_at_start_is_consistent_end_to_end() {
    let w = world(Scenario::Healthy, ZERO);
    let c = w.cluster();
    assert_eq!(c.status, "ACTIVE");
    assert_eq!(c.host(), ENDPOINT_HOST);
    assert!(c.private_access && !c.public_access && c.public_cidrs.is_empty());
    let enis = w.enis_of(CLUSTER);
    assert_eq!(enis.len(), 2);
    let azs: BTreeSet<&str> = enis.iter().map(|e| e.az.as_str()).collect();
    assert_eq!(azs.len(), 2);
    let registered: BTreeSet<Ipv4Addr> = api_targets(&w).iter().map(|t| t.0).collect();
    assert_eq!(registered, eks_ips(&w));
    assert!(api_targets(&w).iter().all(|t| t.1 == "healthy"));
    let ie = w.interface_endpoint(VPCE_API).unwrap();
    assert!(ie.is_available());
    let zone = w.hosted_zones.iter().find(|z| z.id == ZONE_API).unwrap();
    assert!(zone.private && zone.associated_with(VPC_OPS) && zone.name == ENDPOINT_HOST);
    let alias = w.records[0].alias.as_ref().unwrap();
    assert!(ie.answers_to(&alias.dns_name));
    assert!(w.peerings[0].is_active());
    assert!(
        w.subnets
            .iter()
            .filter(|s| s.vpc_id == VPC_EKS)
            .all(|s| s.free_ips >= 200)
    );
    assert!(w.reach.values().all(|o| *o == ProbeOutcome::Ok) && w.reach.len() == 2);
}

#[test]
fn every_scenario_starts_active_and_settled() {
    for s in Scenario::ALL.into_iter().filter(|s| s.eks()) {
        let w = world(s, ZERO);
        assert_eq!(w.cluster().status, "ACTIVE", "{s}");
        assert!(api_targets(&w).iter().all(|t| t.1 != "initial"), "{s}");
    }
}

#[test]
fn rotations_change_the_eni_ips_at_45_and_225_seconds() {
    let at = |t| eks_ips(&world(Scenario::Healthy, secs(t)));
    assert_eq!(at(0), at(44));
    // New ENIs come up beside the old ones, which go 25 s later.
    assert!(at(45).is_superset(&at(44)) && at(45).len() == 4);
    assert!(at(45).is_superset(&at(70)) && at(70).is_disjoint(&at(44)));
    assert_eq!(at(70), at(224));
    assert_ne!(at(224), at(225));
    assert_ne!(at(0), at(250));
    assert_eq!(
        world(Scenario::Healthy, secs(30)).cluster().status,
        "UPDATING"
    );
}

#[test]
fn healthy_shows_missing_then_stale_then_clean_after_a_rotation() {
    let w = |t| world(Scenario::Healthy, secs(t));
    let old: BTreeSet<Ipv4Addr> = eks_ips(&w(0));
    let registered = |t| -> BTreeSet<Ipv4Addr> { api_targets(&w(t)).iter().map(|x| x.0).collect() };
    let reached = |t| {
        w(t).reach
            .values()
            .filter(|o| o.eq(&&ProbeOutcome::Ok))
            .count()
    };
    // Just rotated: the new ENIs are missing, the old ones still serve.
    assert_eq!(registered(50), old);
    assert!(api_targets(&w(50)).iter().all(|t| t.1 == "healthy"));
    // Registered at 60 s, healthy at 70 s as the old ENIs go; the old targets are cleaned
    // up at 90 s.
    let new = eks_ips(&w(70));
    assert!(registered(60).is_superset(&new) && registered(60).is_superset(&old));
    assert!(
        api_targets(&w(70))
            .iter()
            .all(|t| new.contains(&t.0) == (t.1 == "healthy"))
    );
    assert_eq!(registered(89).len(), 4);
    assert_eq!(registered(90), new);
    // The path answers throughout.
    for t in (0..120).step_by(5) {
        assert_eq!(reached(t), 2, "at {t}s");
    }
    // The next rotation at 225 s is handled the same way.
    assert_eq!(registered(285), eks_ips(&w(285)));
    assert_ne!(eks_ips(&w(285)), new);
}

#[test]
fn rotation_missed_holds_only_dead_unhealthy_targets() {
    for t in [0, 100, 400] {
        let w = world(Scenario::RotationMissed, secs(t));
        let targets = api_targets(&w);
        let live = eks_ips(&w);
        assert_eq!(targets.len(), 2, "at {t}s");
        for (ip, state, reason) in targets {
            assert!(!live.contains(&ip));
            assert!([eni_ip(0, Slot::A), eni_ip(0, Slot::B)].contains(&ip));
            assert_eq!(state, "unhealthy");
            assert_eq!(reason.as_deref(), Some("Target.FailedHealthChecks"));
        }
    }
    let w = world(Scenario::RotationMissed, ZERO);
    assert_eq!(eks_ips(&w), [eni_ip(1, Slot::A), eni_ip(1, Slot::B)].into());
}

#[test]
fn stale_target_keeps_one_old_ip_next_to_the_current_ones() {
    let w = world(Scenario::StaleTarget, ZERO);
    let live = eks_ips(&w);
    let t = api_targets(&w);
    let stale: Vec<_> = t.iter().filter(|x| !live.contains(&x.0)).collect();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].1, "unhealthy");
    assert!(
        w.subnets
            .iter()
            .any(|s| s.vpc_id == VPC_EKS && s.cidr.contains(&stale[0].0))
    );
    assert!(t.iter().filter(|x| live.contains(&x.0)).count() == 2);
    assert!(
        t.iter()
            .filter(|x| live.contains(&x.0))
            .all(|x| x.1 == "healthy")
    );
}

#[test]
fn fault_fields_per_scenario() {
    let w = |s| world(s, ZERO);
    let c = w(Scenario::PhzNotAssociated).clusters[0].clone();
    assert!(c.public_access && c.private_access);
    assert_eq!(c.public_cidrs, vec!["203.0.113.10/32".to_string()]);
    let zone = &w(Scenario::PhzNotAssociated).hosted_zones[0];
    assert!(zone.associated_with(VPC_SHARED) && !zone.associated_with(VPC_OPS));

    let pi = w(Scenario::PeeringInactive);
    assert_eq!(pi.peerings[0].status, "deleted");
    let to_peer: Vec<_> = pi
        .route_tables
        .iter()
        .flat_map(|t| t.routes.iter())
        .filter(|r| r.target.to_string() == PCX)
        .collect();
    assert_eq!(to_peer.len(), 2);
    assert!(to_peer.iter().all(|r| r.state == "blackhole"));

    let eks = |w: World| w.vpcs.into_iter().find(|v| v.id == VPC_EKS).unwrap();
    let off = eks(w(Scenario::VpcDnsOff));
    assert_eq!(
        (off.dns_support, off.dns_hostnames),
        (Some(true), Some(false))
    );

    let sub = w(Scenario::SubnetExhausted);
    let free: Vec<(String, u32)> = sub
        .subnets
        .iter()
        .filter(|s| s.vpc_id == VPC_EKS)
        .map(|s| (s.name.clone().unwrap(), s.free_ips))
        .collect();
    assert!(free.contains(&("eks-private-c".into(), 3)));
    assert!(free.iter().filter(|f| f.1 >= 200).count() == 2);

    let tu = w(Scenario::TargetsUnhealthy);
    let sg = tu
        .security_groups
        .iter()
        .find(|g| g.id == SG_CLUSTER)
        .unwrap();
    assert_eq!(sg.ingress.len(), 2, "ops rule and self rule stay");
    assert!(
        api_targets(&tu)
            .iter()
            .all(|t| t.1 == "unhealthy" && t.2.as_deref() == Some("Target.Timeout"))
    );

    let ep = w(Scenario::EndpointPending);
    let ie = ep.interface_endpoint(VPCE_API).unwrap();
    assert_eq!(ie.state, "pendingAcceptance");
    assert!(ie.ips.is_empty());
    assert_eq!(ep.endpoint_connections[0].state, "pendingAcceptance");

    let ad = w(Scenario::AliasDangling);
    assert!(ad.interface_endpoint(VPCE_API).is_none());
    let ie = ad.interface_endpoint(VPCE_API_RECREATED).unwrap();
    assert_eq!(ie.ips, VPCE_API_IPS.to_vec());
    let alias = ad.records[0].alias.as_ref().unwrap();
    assert!(
        !ad.interface_endpoints
            .iter()
            .any(|e| e.answers_to(&alias.dns_name))
    );
    assert_eq!(ad.endpoint_connections[0].endpoint_id, VPCE_API_RECREATED);
}

#[test]
fn latencies_vary_over_time_but_replay_exactly() {
    let sample = |t| {
        let w = world(Scenario::Healthy, secs(t));
        live::probe(&w, &req("172.20.1.50"), crate::clock::fixed_epoch())
            .connect
            .unwrap()
    };
    assert_eq!(sample(3), sample(3));
    let distinct: BTreeSet<Duration> = (0..10).map(sample).collect();
    assert!(distinct.len() > 5);
}
