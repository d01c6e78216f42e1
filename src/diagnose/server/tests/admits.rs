//! Who the targets and the NLB must admit.

use super::*;

#[test]
fn instance_groups_must_admit_this_host_and_the_health_checks() {
    let m = model(Scenario::SelfManagedSg);
    let f = run(&m, security::security_groups).unwrap();
    assert!(has(&f, "target-sg-blocks-api", Severity::Fail), "{f:?}");
    let hit = &f[0];
    assert!(hit.evidence.contains("sg-0c0ffee0000000c01") && hit.evidence.contains("10.40.100.10"));
    assert!(
        hit.fix.contains(
            "--group-id sg-0c0ffee0000000c01 --protocol tcp --port 6443 --cidr 10.40.100.10/32"
        ),
        "{}",
        hit.fix
    );
    assert!(!has(&f, "target-sg-blocks-health-checks", Severity::Fail));
    let d = diagnose(&m);
    assert_eq!(d.first_failure, Some(crate::diagnose::HopName::Targets));

    // Only the bastion admitted: the health checks from the NLB's nodes are refused.
    let mut m = healthy();
    let mut sgs = value(&m.security_groups);
    let cp = sgs
        .iter_mut()
        .find(|g| g.name == "k8s-control-plane")
        .unwrap();
    cp.ingress[0].sources = vec![SgSource::Cidr("10.40.100.10/32".parse().unwrap())];
    set(&mut m, Fetched::SecurityGroups(Ok(sgs)));
    let f = run(&m, security::security_groups).unwrap();
    assert!(
        has(&f, "target-sg-blocks-health-checks", Severity::Fail),
        "{f:?}"
    );
    assert!(!has(&f, "target-sg-blocks-api", Severity::Fail));
    assert!(f[0].fix.contains("--cidr 10.40.1.20/32"), "{}", f[0].fix);

    // The groups not read: unknown.
    let mut m = healthy();
    fail(&mut m.security_groups, Source::SecurityGroups);
    assert!(run(&m, security::security_groups).is_err());
}

#[test]
fn without_client_ip_preservation_instances_must_admit_the_nlb_not_this_host() {
    // The control plane admits only the NLB's subnets: right when the group does not keep
    // the client's address.
    let mut m = model(Scenario::SelfManagedSg);
    let mut attrs = value(&m.tg_attributes);
    attrs[0].preserve_client_ip = Some(false);
    set(&mut m, Fetched::TgAttributes(Ok(attrs.clone())));
    assert!(run(&m, security::security_groups).unwrap().is_empty());
    // The same group admitting only this host now refuses the NLB.
    let mut m = healthy();
    set(&mut m, Fetched::TgAttributes(Ok(attrs)));
    let mut sgs = value(&m.security_groups);
    let cp = sgs
        .iter_mut()
        .find(|g| g.name == "k8s-control-plane")
        .unwrap();
    cp.ingress[0].sources = vec![SgSource::Cidr("10.40.100.10/32".parse().unwrap())];
    set(&mut m, Fetched::SecurityGroups(Ok(sgs)));
    let f = run(&m, security::security_groups).unwrap();
    let hit = f
        .iter()
        .find(|f| f.id == "target-sg-blocks-api")
        .expect("{f:?}");
    assert!(
        hit.evidence.contains("does not keep the client's address"),
        "{}",
        hit.evidence
    );
    // Without the attributes, who the targets see is not known.
    let mut m = healthy();
    fail(&mut m.tg_attributes, Source::TgAttributes);
    let e = run(&m, security::security_groups).unwrap_err();
    assert!(
        e.what.contains("DescribeTargetGroupAttributes"),
        "{}",
        e.what
    );
}

#[test]
fn a_group_admitting_by_reference_is_unknown_while_this_hosts_groups_are() {
    let mut m = healthy();
    let mut sgs = value(&m.security_groups);
    let cp = sgs
        .iter_mut()
        .find(|g| g.name == "k8s-control-plane")
        .unwrap();
    // The NLB's subnets for the health checks, the bastion by its group.
    cp.ingress[0].sources = ["10.40.1.0/24", "10.40.2.0/24", "10.40.3.0/24"]
        .iter()
        .map(|c| SgSource::Cidr(c.parse().unwrap()))
        .chain([SgSource::Group("sg-0c0ffee0000000b01".into())])
        .collect();
    set(&mut m, Fetched::SecurityGroups(Ok(sgs)));
    // The bastion's groups are known: admitted by reference.
    assert!(run(&m, security::security_groups).unwrap().is_empty());
    // Placed by --from-vpc: who knows.
    let vpc = value(&m.listed_lbs)[0].vpc_id.clone();
    let placed = crate::model::Origin::from_vpc(&vpc);
    set(&mut m, Fetched::Origin(Ok(Some(placed))));
    let e = run(&m, security::security_groups).unwrap_err();
    assert!(e.why.contains("groups are not known"), "{}", e.why);
}

#[test]
fn an_nlb_with_groups_may_be_admitted_by_reference() {
    let mut m = healthy();
    let mut lbs = value(&m.listed_lbs);
    lbs[0].sg_ids = vec!["sg-0nlb000000000001".into()];
    set(&mut m, Fetched::LoadBalancers(Ok(lbs)));
    let mut sgs = value(&m.security_groups);
    sgs.push(crate::model::SecurityGroup {
        id: "sg-0nlb000000000001".into(),
        name: "k8s-api-nlb".into(),
        vpc_id: value(&m.listed_lbs)[0].vpc_id.clone(),
        ingress: vec![crate::model::SgRule {
            protocol: "tcp".into(),
            from_port: Some(6443),
            to_port: Some(6443),
            sources: vec![SgSource::Cidr("10.40.100.0/24".parse().unwrap())],
        }],
    });
    let cp = sgs
        .iter_mut()
        .find(|g| g.name == "k8s-control-plane")
        .unwrap();
    cp.ingress[0].sources = vec![SgSource::Group("sg-0nlb000000000001".into())];
    set(&mut m, Fetched::SecurityGroups(Ok(sgs.clone())));
    assert!(run(&m, security::security_groups).unwrap().is_empty());
    // The NLB's own group not admitting this host fails at the NLB.
    let g = sgs.iter_mut().find(|g| g.name == "k8s-api-nlb").unwrap();
    g.ingress[0].sources = vec![SgSource::Cidr("10.40.1.0/24".parse().unwrap())];
    set(&mut m, Fetched::SecurityGroups(Ok(sgs)));
    let f = run(&m, security::security_groups).unwrap();
    assert!(has(&f, "nlb-sg-blocks-api", Severity::Fail), "{f:?}");
}

#[test]
fn ip_targets_must_admit_the_nlbs_addresses() {
    let mut m = healthy();
    let mut gs = value(&m.target_groups);
    gs[0].target_type = "ip".into();
    set(&mut m, Fetched::TargetGroups(Ok(gs)));
    // AWS's default for ip targets over TCP: the client's address is not kept.
    let mut attrs = value(&m.tg_attributes);
    attrs[0].preserve_client_ip = None;
    set(&mut m, Fetched::TgAttributes(Ok(attrs)));
    let instances = value(&m.instances);
    let mut ts = value(&m.targets);
    for (t, i) in ts.iter_mut().zip(&instances) {
        t.id = i.private_ip.unwrap().to_string();
    }
    set(&mut m, Fetched::Targets(Ok(ts)));
    let enis: Vec<crate::model::Eni> = instances
        .iter()
        .map(|i| crate::model::Eni {
            id: format!("eni-{}", &i.id[2..]),
            ip: i.private_ip.unwrap(),
            ipv6: vec![],
            subnet_id: i.subnet_id.clone(),
            az: i.az.clone(),
            status: "in-use".into(),
            sg_ids: i.sg_ids.clone(),
            description: String::new(),
            attached_at: None,
        })
        .collect();
    set(&mut m, Fetched::TargetEnis(Ok(enis)));
    assert!(run(&m, security::security_groups).unwrap().is_empty());
    // A group that admits only the bastion refuses the NLB's addresses.
    let mut sgs = value(&m.security_groups);
    let cp = sgs
        .iter_mut()
        .find(|g| g.name == "k8s-control-plane")
        .unwrap();
    cp.ingress[0].sources = vec![SgSource::Cidr("10.40.100.10/32".parse().unwrap())];
    set(&mut m, Fetched::SecurityGroups(Ok(sgs)));
    let f = run(&m, security::security_groups).unwrap();
    assert!(has(&f, "target-sg-blocks-api", Severity::Fail), "{f:?}");
    assert!(
        f[0].evidence.contains("NLB node 10.40.1.20"),
        "{}",
        f[0].evidence
    );
}
