use super::replay::{Replay, client};
use crate::sources::AwsApi;

fn eni(id: &str, ip: &str) -> String {
    format!(
        "<item><networkInterfaceId>{id}</networkInterfaceId><subnetId>subnet-a</subnetId><availabilityZone>eu-west-1a</availabilityZone><description>Amazon EKS prod</description><status>in-use</status><privateIpAddress>{ip}</privateIpAddress><groupSet><item><groupId>sg-1</groupId><groupName>eks</groupName></item></groupSet></item>"
    )
}

fn enis_page(items: &[String], next: Option<&str>) -> String {
    format!(
        r#"<DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><networkInterfaceSet>{}</networkInterfaceSet>{}</DescribeNetworkInterfacesResponse>"#,
        items.concat(),
        next.map(|t| format!("<nextToken>{t}</nextToken>"))
            .unwrap_or_default()
    )
}

#[tokio::test]
async fn enis_follow_next_token_with_the_filter_kept() {
    let replay = Replay::new(&[
        &enis_page(&[eni("eni-1", "192.168.10.21")], Some("page-2")),
        &enis_page(&[eni("eni-2", "192.168.20.21")], None),
    ]);
    let c = client(&replay).await;
    let enis = c.cluster_enis("prod").await.unwrap();
    let ids: Vec<&str> = enis.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["eni-1", "eni-2"]);
    let reqs = replay.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].contains("NextToken=page-2"), "{}", reqs[1]);
    for r in &reqs {
        assert!(r.contains("Action=DescribeNetworkInterfaces"), "{r}");
        assert!(r.contains("Filter.1.Name=description"), "{r}");
        assert!(
            r.contains("Amazon%20EKS%20prod") || r.contains("Amazon+EKS+prod"),
            "{r}"
        );
    }
    assert_eq!(c.calls(), 2, "each page is a call");
}

fn tg(arn: &str) -> String {
    format!(
        "<member><TargetGroupArn>{arn}</TargetGroupArn><TargetGroupName>{arn}</TargetGroupName><TargetType>ip</TargetType><Protocol>TCP</Protocol><Port>443</Port><VpcId>vpc-eks</VpcId><LoadBalancerArns><member>arn:lb</member></LoadBalancerArns></member>"
    )
}

fn tg_page(items: &[String], marker: Option<&str>) -> String {
    format!(
        r#"<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups>{}</TargetGroups>{}</DescribeTargetGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeTargetGroupsResponse>"#,
        items.concat(),
        marker
            .map(|m| format!("<NextMarker>{m}</NextMarker>"))
            .unwrap_or_default()
    )
}

#[tokio::test]
async fn target_groups_follow_the_marker() {
    let replay = Replay::new(&[
        &tg_page(&[tg("tg-1")], Some("m1")),
        &tg_page(&[tg("tg-2")], None),
    ]);
    let c = client(&replay).await;
    let groups = c.target_groups("arn:lb").await.unwrap();
    assert_eq!(groups.len(), 2);
    assert!(groups.iter().all(|g| g.is_ip() && g.lb_arns == ["arn:lb"]));
    assert!(replay.requests()[1].contains("Marker=m1"));
}

#[tokio::test]
async fn clusters_follow_next_token() {
    let replay = Replay::new(&[
        r#"{"clusters":["a","b"],"nextToken":"t1"}"#,
        r#"{"clusters":["c"]}"#,
    ]);
    let c = client(&replay).await;
    assert_eq!(c.list_clusters().await.unwrap(), ["a", "b", "c"]);
    assert!(replay.requests()[1].contains("nextToken=t1"));
}

const R53: &str = "https://route53.amazonaws.com/doc/2013-04-01/";

fn zone(id: &str, name: &str, private: bool) -> String {
    format!(
        "<HostedZone><Id>/hostedzone/{id}</Id><Name>{name}</Name><CallerReference>{id}</CallerReference><Config><PrivateZone>{private}</PrivateZone></Config></HostedZone>"
    )
}

fn zones_page(zones: &[String], next: Option<(&str, &str)>) -> String {
    let more = match next {
        Some((name, id)) => format!(
            "<IsTruncated>true</IsTruncated><NextDNSName>{name}</NextDNSName><NextHostedZoneId>{id}</NextHostedZoneId>"
        ),
        None => "<IsTruncated>false</IsTruncated>".into(),
    };
    format!(
        r#"<ListHostedZonesByNameResponse xmlns="{R53}"><HostedZones>{}</HostedZones>{more}<MaxItems>100</MaxItems></ListHostedZonesByNameResponse>"#,
        zones.concat()
    )
}

fn get_zone(id: &str, name: &str, vpc: &str) -> String {
    format!(
        r#"<GetHostedZoneResponse xmlns="{R53}">{}<VPCs><VPC><VPCRegion>eu-west-1</VPCRegion><VPCId>{vpc}</VPCId></VPC></VPCs></GetHostedZoneResponse>"#,
        zone(id, name, true)
    )
}

#[tokio::test]
async fn zones_page_by_name_and_stop_past_it() {
    let host = "api.example.com";
    let replay = Replay::new(&[
        // Two private zones share the host's name across a page boundary; the listing then
        // moves on to other names, which must not be read.
        &zones_page(
            &[zone("Z1", "api.example.com.", true)],
            Some(("api.example.com.", "Z2")),
        ),
        &zones_page(
            &[
                zone("Z2", "api.example.com.", true),
                zone("Z3", "x.api.example.com.", true),
            ],
            Some(("y.api.example.com.", "Z4")),
        ),
        // The parent: a public zone, then the listing ends.
        &zones_page(&[zone("Z5", "example.com.", false)], None),
        &get_zone("Z1", "api.example.com.", "vpc-ops"),
        &get_zone("Z2", "api.example.com.", "vpc-other"),
    ]);
    let c = client(&replay).await;
    let zones = c.hosted_zones(host).await.unwrap();
    let ids: Vec<&str> = zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["Z1", "Z2"]);
    assert_eq!(zones[0].name, "api.example.com");
    assert!(
        c.hosted_zones("example.com").await.unwrap().is_empty(),
        "public"
    );
    let vpc_of = |v: Vec<crate::model::ZoneVpc>| v[0].vpc_id.clone();
    assert_eq!(vpc_of(c.zone_vpcs("Z1").await.unwrap()), "vpc-ops");
    assert_eq!(vpc_of(c.zone_vpcs("Z2").await.unwrap()), "vpc-other");
    let reqs = replay.requests();
    assert!(reqs[1].contains("hostedzoneid=Z2"), "{}", reqs[1]);
    assert!(reqs[2].contains("dnsname=example.com"), "{}", reqs[2]);
    assert!(replay.exhausted());
}

fn rrset(name: &str, rtype: &str) -> String {
    format!(
        "<ResourceRecordSet><Name>{name}</Name><Type>{rtype}</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>10.0.0.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
    )
}

fn records_page(sets: &[String], next: Option<(&str, &str)>) -> String {
    let more = match next {
        Some((name, t)) => format!(
            "<IsTruncated>true</IsTruncated><NextRecordName>{name}</NextRecordName><NextRecordType>{t}</NextRecordType>"
        ),
        None => "<IsTruncated>false</IsTruncated>".into(),
    };
    format!(
        r#"<ListResourceRecordSetsResponse xmlns="{R53}"><ResourceRecordSets>{}</ResourceRecordSets>{more}<MaxItems>100</MaxItems></ListResourceRecordSetsResponse>"#,
        sets.concat()
    )
}

#[tokio::test]
async fn records_page_from_the_name_and_keep_only_it() {
    let replay = Replay::new(&[
        &records_page(
            &[rrset("api.example.com.", "A")],
            Some(("api.example.com.", "TXT")),
        ),
        &records_page(
            &[
                rrset("api.example.com.", "TXT"),
                rrset("www.example.com.", "A"),
            ],
            Some(("zzz.example.com.", "A")),
        ),
    ]);
    let c = client(&replay).await;
    let recs = c
        .records("/hostedzone/Z1", "API.example.com")
        .await
        .unwrap();
    let types: Vec<&str> = recs.iter().map(|r| r.rtype.as_str()).collect();
    assert_eq!(types, ["A", "TXT"]);
    assert!(
        recs.iter()
            .all(|r| r.zone_id == "Z1" && r.name == "api.example.com")
    );
    let reqs = replay.requests();
    assert!(reqs[1].contains("type=TXT"), "{}", reqs[1]);
    assert!(replay.exhausted());
}
