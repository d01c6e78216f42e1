//! A self-managed Kubernetes API behind an internal NLB, seeded in the AWS emulator
//! (`seed.py --self-managed`: instances, an NLB with instance targets, a Route 53 record)
//! and checked through the real SDK with `check --context`, as an operator runs it. Live
//! DNS, where a case needs it, comes from a DNS server on loopback; the answers are the
//! NLB's private addresses, so those runs never probe (`--no-probe`).

mod aws_support;
mod report;
mod support;

use aws_support::Emulator;
use report::{hop_status, problems};
use serde_json::Value;
use std::path::{Path, PathBuf};
use support::dns::TestDns;
use support::tls::TestCa;

const CONTEXT: &str = "k8s-prod";

fn kubeconfig(dir: &Path, server: &str) -> PathBuf {
    let ca = TestCa::new("kubernetes");
    let text = format!(
        "current-context: {CONTEXT}\nclusters:\n- name: onprem\n  cluster:\n    server: {server}\n    certificate-authority-data: {}\ncontexts:\n- name: {CONTEXT}\n  context: {{cluster: onprem, user: admin}}\n",
        ca.ca_data()
    );
    let path = dir.join("config");
    std::fs::write(&path, text).unwrap();
    path
}

struct Setup {
    emu: Emulator,
    ids: Value,
    _dir: tempfile::TempDir,
    kube: PathBuf,
}

fn seed(faults: &[&str]) -> Setup {
    let emu = Emulator::start();
    let mut args = vec!["--self-managed"];
    for f in faults {
        args.extend(["--sm-fault", f]);
    }
    let ids = emu.seed(&args);
    let dir = tempfile::tempdir().unwrap();
    let kube = kubeconfig(dir.path(), ids["server"].as_str().unwrap());
    Setup {
        emu,
        ids,
        _dir: dir,
        kube,
    }
}

impl Setup {
    /// `check --context k8s-prod --output json` from the bastion's VPC, with `live` flags.
    fn check(&self, key: &str, live: &[&str]) -> (i32, Value) {
        let vpc = self.ids["origin_vpc"].as_str().unwrap();
        let mut args = vec![
            "check",
            "--output",
            "json",
            "--context",
            CONTEXT,
            "--from-vpc",
            vpc,
        ];
        args.extend_from_slice(live);
        let out = self
            .emu
            .command(key, &args)
            .env("KUBECONFIG", &self.kube)
            .output()
            .expect("run eksnet-tui");
        aws_support::emulator::parse(&out)
    }

    /// The same with live DNS from a loopback server that answers the NLB's addresses.
    async fn check_with_dns(&self, key: &str) -> (i32, Value) {
        let dns = TestDns::start("k8s.internal").await;
        let nodes: Vec<&str> = self.ids["nlb_ips"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        dns.set("api.k8s.internal", &nodes, 60).await;
        let resolver = dns.addr.to_string();
        // The DNS server answers on the runtime's other worker while this one waits.
        tokio::task::block_in_place(|| {
            self.check(
                key,
                &["--resolver", &resolver, "--no-probe", "--samples", "2"],
            )
        })
    }
}

fn hops(doc: &Value) -> Vec<String> {
    doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

fn evidence_of(doc: &Value, id: &str) -> (String, String) {
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {doc:#}"));
    (
        f["evidence"].as_str().unwrap().to_string(),
        f["fix"].as_str().unwrap().to_string(),
    )
}

#[test]
fn the_healthy_control_plane_is_ok_on_the_nlb_route() {
    let s = seed(&[]);
    let (code, doc) = s.check("healthy", &["--no-live"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["route"], "nlb");
    assert_eq!(
        hops(&doc),
        ["origin", "dns", "nlb", "targets", "api-server"]
    );
    assert_eq!(hop_status(&doc, "nlb"), "ok");
    assert_eq!(hop_status(&doc, "targets"), "ok");
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
    assert!(
        doc["unknowns"].as_array().unwrap().is_empty(),
        "{}",
        doc["unknowns"]
    );
    assert!(
        doc["route_basis"]
            .as_str()
            .unwrap()
            .contains("alias A record"),
        "{}",
        doc["route_basis"]
    );
    assert_eq!(doc["api"]["kind"], "server");
    assert_eq!(doc["api"]["context"], CONTEXT);
    let sources: Vec<&str> = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"instances") && !sources.contains(&"cluster"),
        "{sources:?}"
    );
    let api = doc["hops"][4]["evidence"].as_str().unwrap();
    for i in s.ids["instances"].as_array().unwrap() {
        assert!(api.contains(i.as_str().unwrap()), "{api}");
    }
    assert!(api.contains("k8s-cp-2"), "{api}");
}

#[test]
fn a_group_that_does_not_admit_this_host_fails_the_targets_with_its_missing_rule() {
    let s = seed(&["sm-sg"]);
    let (code, doc) = s.check("sg", &["--no-live"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["first_failure"], "targets");
    let (evidence, fix) = evidence_of(&doc, "target-sg-blocks-api");
    let sg = s.ids["cp_sg"].as_str().unwrap();
    assert!(
        evidence.contains(sg) && evidence.contains("6443"),
        "{evidence}"
    );
    assert!(
        fix.contains(&format!(
            "--group-id {sg} --protocol tcp --port 6443 --cidr 10.40.0.0/16"
        )),
        "{fix}"
    );
    assert_eq!(problems(&doc).len(), 1, "{:?}", problems(&doc));
}

#[test]
fn a_stopped_control_plane_instance_is_a_warning() {
    let s = seed(&["sm-one-down"]);
    let (code, doc) = s.check("down", &["--no-live"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(hop_status(&doc, "targets"), "warn");
    let (evidence, fix) = evidence_of(&doc, "instance-not-running");
    let stopped = s.ids["instances"][1].as_str().unwrap();
    assert!(
        evidence.contains(stopped) && evidence.contains("stopped"),
        "{evidence}"
    );
    assert!(
        fix.contains(&format!("start-instances --instance-ids {stopped}")),
        "{fix}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_cross_zone_the_answered_node_of_an_empty_zone_fails() {
    let s = seed(&["sm-no-cross-zone"]);
    let (code, doc) = s.check_with_dns("nocz").await;
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["first_failure"], "nlb");
    let (evidence, _) = evidence_of(&doc, "nlb-zone-no-healthy-target");
    assert!(evidence.contains("10.40.3.20"), "{evidence}");
    assert!(problems(&doc).contains("target-unhealthy"));
    // Without live answers it cannot be told who resolves to that node: a warning.
    let (code, doc) = s.check("nocz", &["--no-live"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(hop_status(&doc, "nlb"), "warn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nlb_is_found_by_cname_or_by_answers_and_unknown_when_nothing_leads_to_it() {
    let s = seed(&["sm-cname"]);
    let (code, doc) = s.check("cname", &["--no-live"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(doc["route_basis"].as_str().unwrap().contains("CNAME"));

    // The zone is there without the record: NXDOMAIN, and nothing leads to the NLB.
    let s = seed(&["sm-no-record"]);
    let (code, doc) = s.check("norecord", &["--no-live"]);
    assert_eq!(code, 2, "{doc:#}");
    assert!(
        problems(&doc).contains("record-missing"),
        "{:?}",
        problems(&doc)
    );
    assert_eq!(hop_status(&doc, "nlb"), "unknown");
    let unknowns = doc["unknowns"].to_string();
    assert!(
        unknowns.contains("no Route 53 record") && unknowns.contains("no live answer"),
        "{unknowns}"
    );
    let (code, doc) = s.check_with_dns("norecord").await;
    assert_eq!(code, 0, "{doc:#}");
    assert!(
        doc["route_basis"]
            .as_str()
            .unwrap()
            .contains("live answers")
    );
}

#[test]
fn a_listener_on_another_port_and_ip_targets() {
    let s = seed(&["sm-listener-port"]);
    let (code, doc) = s.check("port", &["--no-live"]);
    assert_eq!(code, 2, "{doc:#}");
    let (evidence, _) = evidence_of(&doc, "nlb-listener-missing");
    assert!(
        evidence.contains("TCP:443") && evidence.contains("6443"),
        "{evidence}"
    );

    let s = seed(&["sm-ip-targets"]);
    let (code, doc) = s.check("ip", &["--no-live"]);
    assert_eq!(code, 0, "{doc:#}");
    let target_enis = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "target-enis")
        .unwrap();
    assert_eq!(target_enis["state"], "loaded", "{target_enis}");
}

#[test]
fn from_a_peered_vpc_without_a_way_back_the_route_is_named() {
    let s = seed(&["sm-other-vpc"]);
    let (code, doc) = s.check("other", &["--no-live"]);
    assert_eq!(code, 2, "{doc:#}");
    let (evidence, fix) = evidence_of(&doc, "route-back-missing");
    let table = s.ids["k8s_main_table"].as_str().unwrap();
    assert!(evidence.contains(table), "{evidence}");
    let pcx = s.ids["peering"].as_str().unwrap();
    assert!(
        fix.contains(&format!("--route-table-id {table} --destination-cidr-block 10.50.0.0/16 --vpc-peering-connection-id {pcx}")),
        "{fix}"
    );
    assert!(!problems(&doc).contains("route-to-nlb-missing"));
}

#[test]
fn a_denied_describe_instances_leaves_the_targets_unknown_and_nothing_else() {
    let s = seed(&[]);
    s.emu.fault("deny", "ec2:DescribeInstances", "deny");
    let (code, doc) = s.check("deny", &["--no-live"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(hop_status(&doc, "targets"), "unknown");
    assert_eq!(hop_status(&doc, "nlb"), "ok");
    assert!(
        doc["unknowns"]
            .to_string()
            .contains("ec2:DescribeInstances")
    );
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
}

#[test]
fn without_client_ip_preservation_the_nlb_is_what_the_instances_admit() {
    let s = seed(&["sm-no-preserve"]);
    let (code, doc) = s.check("nopreserve", &["--no-live"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
}

#[test]
fn an_a_record_of_the_nlbs_addresses_leads_to_it_without_live_dns() {
    let s = seed(&["sm-a-record"]);
    let (code, doc) = s.check("arecord", &["--no-live"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(
        doc["route_basis"]
            .as_str()
            .unwrap()
            .contains("A record values"),
        "{}",
        doc["route_basis"]
    );
}

#[test]
fn an_nlb_whose_own_group_refuses_this_host_fails_at_the_nlb() {
    let s = seed(&["sm-nlb-sg"]);
    let (code, doc) = s.check("nlbsg", &["--no-live"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["first_failure"], "nlb");
    let (evidence, fix) = evidence_of(&doc, "nlb-sg-blocks-api");
    let sg = s.ids["nlb_sg"].as_str().unwrap();
    assert!(evidence.contains(sg), "{evidence}");
    assert!(
        fix.contains(&format!("--group-id {sg} --protocol tcp --port 6443")),
        "{fix}"
    );
}

#[test]
fn a_zone_that_names_the_api_for_another_vpc_only_fails_dns() {
    let s = seed(&["sm-zone-elsewhere"]);
    let (code, doc) = s.check("elsewhere", &["--no-live"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["first_failure"], "dns");
    let (evidence, fix) = evidence_of(&doc, "phz-not-associated");
    let vpc = s.ids["origin_vpc"].as_str().unwrap();
    assert!(evidence.contains(vpc), "{evidence}");
    assert!(fix.contains(&format!("VPCId={vpc}")), "{fix}");
}
