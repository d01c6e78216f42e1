//! The healthy model with a transit gateway in place of the peering.

use super::*;

/// The same two VPCs joined by transit gateway `TGW` instead of the peering, with no
/// interface endpoint: the name answers the ENI IPs, which the probes reach.
pub fn over_tgw(mut m: Model) -> Model {
    let at = t0();
    m.apply(Fetched::Peerings(Ok(vec![])), at);
    m.apply(Fetched::InterfaceEndpoints(Ok(vec![])), at);
    edit(&mut m.route_tables, |tables| {
        for t in tables.iter_mut() {
            for r in t.routes.iter_mut() {
                if matches!(r.target, RouteTarget::Peering(_)) {
                    r.target = RouteTarget::TransitGateway(TGW.into());
                }
            }
        }
    });
    let att = |id: &str, vpc: &str, subnets: &[&str]| TgwAttachment {
        id: id.into(),
        tgw_id: TGW.into(),
        vpc_id: vpc.into(),
        state: "available".into(),
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        route_table_id: Some("tgw-rtb-1".into()),
    };
    m.apply(
        Fetched::TgwAttachments(Ok(vec![
            att("tgw-attach-ops", OPS_VPC, &["subnet-ops", "subnet-ops-b"]),
            att("tgw-attach-eks", EKS_VPC, &["subnet-a", "subnet-b"]),
        ])),
        at,
    );
    let propagated = |cidr: &str, to: &str, vpc: &str| TgwRoute {
        destination: cidr.parse().unwrap(),
        state: "active".into(),
        kind: "propagated".into(),
        attachments: vec![TgwRouteAttachment {
            attachment_id: to.into(),
            resource_id: vpc.into(),
        }],
    };
    m.apply(
        Fetched::TgwRoutes(Ok(vec![TgwRouteTable {
            id: "tgw-rtb-1".into(),
            routes: vec![
                propagated("172.20.0.0/16", "tgw-attach-ops", OPS_VPC),
                propagated("192.168.0.0/16", "tgw-attach-eks", EKS_VPC),
            ],
        }])),
        at,
    );
    let enis: Vec<String> = m
        .enis
        .value()
        .map(|e| e.iter().map(|e| e.ip.to_string()).collect())
        .unwrap_or_default();
    let refs: Vec<&str> = enis.iter().map(String::as_str).collect();
    push_dns(&mut m, &refs, 1);
    for ip in &refs {
        push_probe(&mut m, ip, ProbeOutcome::Ok, 1);
    }
    m
}
