//! DemoEnv through the source traits.

use super::*;

#[tokio::test]
async fn dns_answers_per_scenario() {
    let ie = ips(&["172.20.1.50", "172.20.2.50"]);
    for s in Scenario::ALL.into_iter().filter(|s| s.eks()) {
        let host = env(s).world().cluster().host();
        let sample = env(s).lookup(&host).await;
        let server = match s {
            Scenario::DhcpCustomDns => "10.10.0.2:53",
            Scenario::HostsPinStale => "/etc/hosts",
            _ => "169.254.169.253:53",
        };
        assert_eq!(sample.server.as_deref(), Some(server), "{s}");
        assert_eq!(sample.pinned.is_some(), s == Scenario::HostsPinStale, "{s}");
        assert!(sample.latency >= Duration::from_micros(400) && sample.latency < secs(1) / 500);
        match s {
            Scenario::EndpointPending | Scenario::AliasDangling => {
                assert_eq!(sample.outcome, DnsOutcome::NoAnswer, "{s}")
            }
            Scenario::DhcpCustomDns | Scenario::ResolverRuleShadowsZone => {
                assert_eq!(sample.outcome, DnsOutcome::NxDomain, "{s}")
            }
            // An ENI IP of the generation before, gone since.
            Scenario::Ipv6 => {
                let mut want = ie.clone();
                want.extend(VPCE_API_IPV6.iter().map(|s| s.parse::<IpAddr>().unwrap()));
                want.sort();
                assert_eq!(sample.ips(), want, "{s}");
            }
            Scenario::HostsPinStale => {
                let now = env(s).world().enis_of(CLUSTER);
                assert_eq!(sample.ips().len(), 1);
                assert!(!now.iter().any(|e| IpAddr::V4(e.ip) == sample.ips()[0]));
            }
            Scenario::PhzNotAssociated => {
                assert_eq!(sample.ips(), ips(&["198.51.100.23", "198.51.100.87"]))
            }
            // The resource endpoint's own addresses in the bastion's VPC.
            Scenario::LatticeApi => {
                assert_eq!(sample.ips(), ips(&["172.20.1.60", "172.20.2.60"]), "{s}")
            }
            // As EKS publishes a private-only endpoint: its ENI IPs.
            s if s.over_tgw() => {
                let enis: Vec<IpAddr> = env(s)
                    .world()
                    .enis_of(CLUSTER)
                    .iter()
                    .map(|e| IpAddr::V4(e.ip))
                    .collect();
                assert_eq!(sample.ips(), enis, "{s}")
            }
            _ => {
                assert_eq!(sample.ips(), ie, "{s}");
                let DnsOutcome::Answers(a) = &sample.outcome else {
                    panic!()
                };
                assert!(a.iter().all(|a| a.ttl == 60));
            }
        }
    }
    let other = env(Scenario::Healthy)
        .lookup("kubernetes.default.svc")
        .await;
    assert_eq!(other.outcome, DnsOutcome::NxDomain);
    let upper = env(Scenario::Healthy)
        .lookup(&ENDPOINT_HOST.to_uppercase())
        .await;
    assert_eq!(upper.ips(), ie);
}

#[tokio::test]
async fn probes_follow_the_path_of_each_scenario() {
    let timed_out = ProbeOutcome::TcpFailed("connection timed out".into());
    for s in Scenario::ALL.into_iter().filter(|s| s.eks()) {
        let e = env(s);
        let host = e.world().cluster().host();
        let answers = e.lookup(&host).await.ips();
        for ip in answers {
            let p = e.probe(&req_for(&host, &ip.to_string())).await;
            // The ACL in nacl-blocks-443 stops the endpoint IP outside the bastion's subnet.
            // So does the zone the NLB is not enabled in, in nlb-one-zone.
            let blocked = matches!(
                s,
                Scenario::NaclBlocks443
                    | Scenario::NaclBlocksReturn
                    | Scenario::NlbOneZone
                    | Scenario::ZoneWithoutTarget
            ) && ip.to_string() == "172.20.2.50"
                // The second zone's ENI, where the attachment has no subnet.
                || s == Scenario::TgwZoneMissing && ip.to_string().starts_with("192.168.20.");
            let dead = [
                Scenario::RotationMissed,
                Scenario::RotationMissedNoTrail,
                Scenario::RotationMissedLambdaErrors,
                Scenario::TargetsUnhealthy,
                Scenario::NlbSgBlocks443,
                Scenario::TgwRouteMissing,
                Scenario::TgwBlackhole,
                Scenario::HostsPinStale,
                Scenario::TgwAttachmentPending,
            ];
            let should_work = !dead.contains(&s) && !blocked;
            if s == Scenario::TlsIntercepted {
                assert!(matches!(p.outcome, ProbeOutcome::TlsFailed(_)), "{s}");
                assert!(p.connect.is_some() && p.peer.is_some());
            } else if should_work {
                assert_eq!(p.outcome, ProbeOutcome::Ok, "{s} {ip}");
                assert_eq!(p.http_status, Some(401));
                let (c, t, f) = (p.connect.unwrap(), p.tls.unwrap(), p.first_byte.unwrap());
                let ms = |d: Duration| d.as_secs_f64() * 1000.0;
                assert!((0.8..3.0).contains(&ms(c)), "connect {c:?}");
                assert!((5.0..12.0).contains(&ms(t)), "tls {t:?}");
                assert!((8.0..=20.0).contains(&ms(f)) && f > t, "first byte {f:?}");
            } else {
                assert_eq!(p.outcome, timed_out, "{s} {ip}");
                assert_eq!(p.connect, None);
            }
        }
    }
}

#[tokio::test]
async fn a_probe_to_an_address_not_handed_out_times_out() {
    let e = env(Scenario::Healthy);
    for ip in [
        "172.20.1.99",
        "198.51.100.23",
        "192.168.10.200",
        "10.50.1.20",
    ] {
        let p = e.probe(&req(ip)).await;
        assert_eq!(
            p.outcome,
            ProbeOutcome::TcpFailed("connection timed out".into()),
            "{ip}"
        );
    }
    let mut wrong_port = req("172.20.1.50");
    wrong_port.port = 8443;
    assert!(!e.probe(&wrong_port).await.ok());
    let mut wrong_name = req("172.20.1.50");
    wrong_name.host = "api.example.com".into();
    assert!(matches!(
        e.probe(&wrong_name).await.outcome,
        ProbeOutcome::TlsFailed(_)
    ));
}

#[tokio::test]
async fn describe_cluster_and_origin() {
    let e = env(Scenario::Healthy);
    assert_eq!(e.region().as_deref(), Some("eu-west-1"));
    assert_eq!(e.list_clusters().await.unwrap(), vec![CLUSTER.to_string()]);
    let c = e.describe_cluster(CLUSTER).await.unwrap();
    assert_eq!(c.arn, CLUSTER_ARN);
    assert_eq!(c.account(), Some("111122223333"));
    assert_eq!(c.version, "1.33");
    let err = e.describe_cluster("prod").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(
        err.message,
        "cluster 'prod' not found; clusters: demo-private"
    );
    let o = e.locate_origin().await.unwrap().unwrap();
    assert_eq!(
        (o.vpc_id.as_str(), o.ip, o.found_by.as_str()),
        (VPC_OPS, Some(BASTION_IP), "demo")
    );
    assert_eq!(o.sg_ids, vec![SG_BASTION.to_string()]);
}

#[tokio::test]
async fn cluster_enis_filter_on_the_exact_description() {
    let e = env(Scenario::Healthy);
    let enis = e.cluster_enis(CLUSTER).await.unwrap();
    assert_eq!(enis.len(), 2);
    assert!(
        enis.iter()
            .all(|e| e.description == "Amazon EKS demo-private" && e.in_use())
    );
    assert!(e.world().enis.len() > 2, "unrelated ENIs exist");
    assert!(e.cluster_enis("demo").await.unwrap().is_empty());
    assert!(e.cluster_enis("demo-private-2").await.unwrap().is_empty());
}

#[tokio::test]
async fn network_calls_filter_by_vpc_and_id() {
    let e = env(Scenario::Healthy);
    let v = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let vpcs = e.vpcs(&v(&[VPC_EKS])).await.unwrap();
    assert_eq!(vpcs.len(), 1);
    assert_eq!(vpcs[0].name.as_deref(), Some("eks"));
    // Filtered by id, as the real fetch is: an unknown id is simply not there.
    assert!(e.vpcs(&v(&["vpc-0000"])).await.unwrap().is_empty());
    let subnets = e.subnets(&v(&[VPC_EKS])).await.unwrap();
    assert_eq!(subnets.len(), 3);
    assert_eq!(
        e.subnets(&v(&[VPC_OPS, VPC_SHARED])).await.unwrap().len(),
        4
    );
    let tables = e.route_tables(&v(&[VPC_OPS])).await.unwrap();
    assert!(tables.iter().all(|t| t.vpc_id == VPC_OPS) && tables.len() == 2);
    let sgs = e
        .security_groups(&v(&[SG_CLUSTER, SG_BASTION]))
        .await
        .unwrap();
    assert_eq!(sgs.len(), 2);
    assert_eq!(e.peerings(&v(&[VPC_EKS])).await.unwrap().len(), 1);
    assert_eq!(e.peerings(&v(&[VPC_OPS])).await.unwrap().len(), 1);
    assert!(e.peerings(&v(&[VPC_SHARED])).await.unwrap().is_empty());
}

#[tokio::test]
async fn load_balancer_and_privatelink_calls_filter_like_aws() {
    let e = env(Scenario::Healthy);
    let all = e.load_balancers(&[]).await.unwrap();
    assert_eq!(all.len(), 2);
    let one = e.load_balancers(&[NLB_API_ARN.to_string()]).await.unwrap();
    assert_eq!(one[0].name, "eks-api-private");
    assert!(one[0].is_internal());
    let l = e.listeners(NLB_API_ARN).await.unwrap();
    assert_eq!(
        (l.len(), l[0].port, l[0].forwards_to.clone()),
        (2, 443, vec![TG_API_ARN.to_string()])
    );
    // The second listener serves webhooks, not the API.
    assert_eq!(
        (l[1].port, l[1].forwards_to.clone()),
        (8443, vec![TG_HOOKS_ARN.to_string()])
    );
    let tgs = e.target_groups(NLB_API_ARN).await.unwrap();
    assert_eq!(tgs.len(), 2);
    assert!(tgs[0].is_ip() && tgs[0].port == 443);
    let app = e.target_groups(NLB_APP_ARN).await.unwrap();
    assert_eq!(app[0].port, 8080);
    assert_eq!(e.target_health(TG_APP_ARN).await.unwrap().len(), 3);
    assert_eq!(e.target_health(TG_API_ARN).await.unwrap().len(), 2);
    assert_eq!(
        e.listeners("arn:nope").await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        e.target_health("arn:nope").await.unwrap_err().kind,
        ErrorKind::NotFound
    );

    let svcs = e.endpoint_services().await.unwrap();
    assert_eq!(svcs[0].nlb_arns, vec![NLB_API_ARN.to_string()]);
    assert_eq!(e.endpoint_connections(SVC_ID).await.unwrap().len(), 1);
    assert!(
        e.endpoint_connections("vpce-svc-other")
            .await
            .unwrap()
            .is_empty()
    );
    let ops = e.interface_endpoints(VPC_OPS).await.unwrap();
    assert_eq!(ops.len(), 2);
    assert!(
        ops.iter()
            .any(|i| i.service_name == "com.amazonaws.eu-west-1.ssm")
    );
    assert!(e.interface_endpoints(VPC_EKS).await.unwrap().is_empty());
    let api = ops.iter().find(|i| i.id == VPCE_API).unwrap();
    assert_eq!(api.dns_names.len(), 3);
    assert!(api.dns_names[0].starts_with("vpce-0a1b2c3d4e5f60001-"));
    assert!(api.dns_names[1].contains("-eu-west-1a.vpce-svc-"));
}

#[tokio::test]
async fn route53_calls_return_private_covering_zones_and_exact_records() {
    let e = env(Scenario::Healthy);
    let zones = e.hosted_zones(ENDPOINT_HOST).await.unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].id, ZONE_API);
    assert!(
        e.hosted_zones("www.example.com").await.unwrap().is_empty(),
        "public zone"
    );
    assert_eq!(
        e.hosted_zones(CORP_ZONE_NAME).await.unwrap()[0].id,
        ZONE_CORP
    );
    assert!(zones[0].vpcs.is_empty(), "the listing has no associations");
    assert!(!e.zone_vpcs(ZONE_API).await.unwrap().is_empty());
    assert!(e.zone_vpcs("Znope").await.is_err());
    let recs = e.records(ZONE_API, ENDPOINT_HOST).await.unwrap();
    let types: Vec<&str> = recs.iter().map(|r| r.rtype.as_str()).collect();
    assert_eq!(types, ["A", "NS", "SOA"]);
    assert!(
        e.records(ZONE_API, "other.example.com")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        e.records(ZONE_CORP, ENDPOINT_HOST)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        e.records("Z0000", ENDPOINT_HOST).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn an_offset_starts_the_timeline_later() {
    let e = DemoEnv::with_offset(Scenario::Healthy, Clock::fixed(), secs(50));
    assert!(e.elapsed() >= secs(50));
    let enis = e.cluster_enis(CLUSTER).await.unwrap();
    assert!(enis.iter().any(|x| x.ip == eni_ip(1, Slot::A)), "{enis:?}");
    assert_eq!(
        e.describe_cluster(CLUSTER).await.unwrap().status,
        "UPDATING"
    );
    // Mid-rotation the old ENIs still serve while the new ones wait for registration.
    let targets = e.target_health(TG_API_ARN).await.unwrap();
    assert!(!targets.is_empty() && targets.iter().all(|t| t.healthy()));
    assert!(
        targets
            .iter()
            .all(|t| t.id != eni_ip(1, Slot::A).to_string())
    );
    let p = e.probe(&req("172.20.1.50")).await;
    assert!(p.ok(), "{p:?}");
}
