//! How this host's lookups are answered and where kubectl connects, against a seeded AWS
//! emulator and a real DNS server on loopback: DHCP options with other name servers, a
//! Resolver rule that forwards the endpoint's domain, a hosts-file pin, a proxy. Probes are
//! off: the answers are the account's private addresses, not loopback ones.

mod aws_support;
mod report;
mod support;

use aws_support::Emulator;
use report::{hop_status, problems};
use serde_json::Value;
use support::dns::TestDns;

const ZONE: &str = "eu-west-1.eks.amazonaws.com";

/// `check --no-probe` from the ops VPC, asking `dns`, with `extra` flags and environment.
async fn check(
    emu: &Emulator,
    key: &str,
    ids: &Value,
    dns: &TestDns,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (i32, Value) {
    let resolver = dns.addr.to_string();
    let mut args = vec![
        "check",
        "--no-probe",
        "--samples",
        "1",
        "--output",
        "json",
        "--from-vpc",
        ids["ops_vpc"].as_str().unwrap(),
        "--resolver",
        &resolver,
    ];
    args.extend_from_slice(extra);
    let mut cmd = emu.command(key, &args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::process::Command::from(cmd)
        .output()
        .await
        .expect("run eksnet-tui");
    aws_support::emulator::parse(&out)
}

fn finding<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id}: {}", doc["findings"]))
}

/// The host answers the interface endpoint's IPs, as the private zone would.
async fn answering(dns: &TestDns, ids: &Value) {
    let host = ids["host"].as_str().unwrap();
    dns.set(host, &["172.20.1.50", "172.20.2.50"], 60).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarding_rule_over_the_endpoint_is_named_as_the_reason_for_nxdomain() {
    let emu = tokio::task::spawn_blocking(Emulator::start).await.unwrap();
    let ids = emu.seed(&["--fault", "resolver-rule-shadows-zone"]);
    let dns = TestDns::start(ZONE).await;
    // Its targets know nothing of the name.
    let (code, doc) = check(&emu, "rule-nx", &ids, &dns, &[], &[]).await;
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(hop_status(&doc, "dns"), "fail");
    let f = finding(&doc, "resolver-rule-shadows-zone");
    assert_eq!(f["severity"], "fail");
    let evidence = f["evidence"].as_str().unwrap();
    for part in [
        ids["resolver_rule"].as_str().unwrap(),
        "eks.amazonaws.com",
        "10.10.0.2:53",
        ids["resolver_endpoint"].as_str().unwrap(),
        ids["zone"].as_str().unwrap(),
        "NXDOMAIN",
    ] {
        assert!(evidence.contains(part), "{part}: {evidence}");
    }
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("disassociate-resolver-rule")
    );
    // Targets that answer with the endpoint's addresses: said, not failed.
    answering(&dns, &ids).await;
    let (code, doc) = check(&emu, "rule-ok", &ids, &dns, &[], &[]).await;
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        finding(&doc, "resolver-rule-shadows-zone")["severity"],
        "info"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_name_servers_are_named_as_the_reason_for_nxdomain() {
    let emu = tokio::task::spawn_blocking(Emulator::start).await.unwrap();
    let ids = emu.seed(&["--fault", "dhcp-custom-dns"]);
    let dns = TestDns::start(ZONE).await;
    let (code, doc) = check(&emu, "dhcp-nx", &ids, &dns, &[], &[]).await;
    assert_eq!(code, 2, "{doc:#}");
    let f = finding(&doc, "dhcp-custom-dns");
    assert_eq!(f["severity"], "fail");
    let evidence = f["evidence"].as_str().unwrap();
    assert!(evidence.contains(ids["dhcp_options"].as_str().unwrap()));
    assert!(evidence.contains("10.10.0.2, 10.10.0.3") && evidence.contains("NXDOMAIN"));
    assert!(problems(&doc).contains("dns-nxdomain"));
    // Without live DNS the same setup is a warning: it cannot be told what they answer.
    let (code, doc) = emu.check("dhcp-nolive", ids["ops_vpc"].as_str().unwrap(), &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(finding(&doc, "dhcp-custom-dns")["severity"], "warn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_hosts_pin_fails_and_a_current_one_is_said() {
    let emu = tokio::task::spawn_blocking(Emulator::start).await.unwrap();
    let ids = emu.seed(&[]);
    let dns = TestDns::start(ZONE).await;
    answering(&dns, &ids).await;
    let host = ids["host"].as_str().unwrap();
    let hosts = tempfile::NamedTempFile::new().unwrap();
    let path = hosts.path().display().to_string();
    std::fs::write(
        &path,
        format!("127.0.0.1 localhost\n\n192.168.10.99 {host}\n"),
    )
    .unwrap();
    let (code, doc) = check(&emu, "pin-stale", &ids, &dns, &["--hosts-file", &path], &[]).await;
    assert_eq!(code, 2, "{doc:#}");
    let f = finding(&doc, "hosts-pin-stale");
    let evidence = f["evidence"].as_str().unwrap();
    assert!(evidence.contains(&format!("{path} line 3")), "{evidence}");
    assert!(evidence.contains("192.168.10.99"), "{evidence}");
    assert!(f["fix"].as_str().unwrap().contains(&path));
    assert_eq!(hop_status(&doc, "dns"), "fail");
    // The DNS server is never asked: the answers are the pin.
    assert_eq!(doc["live"]["dns"][0]["server"], path.as_str());

    // Pinned to an ENI IP that is current: works, and is said.
    let eni = ids["eni_ips"][0].as_str().unwrap();
    std::fs::write(&path, format!("{eni} {host}\n")).unwrap();
    let (code, doc) = check(&emu, "pin-ok", &ids, &dns, &["--hosts-file", &path], &[]).await;
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["route"], "direct");
    assert_eq!(finding(&doc, "hosts-pin")["severity"], "info");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_without_no_proxy_for_the_endpoint_is_named() {
    let emu = tokio::task::spawn_blocking(Emulator::start).await.unwrap();
    let ids = emu.seed(&[]);
    let dns = TestDns::start(ZONE).await;
    answering(&dns, &ids).await;
    let proxy = [
        ("https_proxy", "http://127.0.0.1:3128"),
        ("NO_PROXY", "169.254.169.254,.corp.example.com"),
    ];
    let (code, doc) = check(&emu, "proxy", &ids, &dns, &[], &proxy).await;
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(hop_status(&doc, "origin"), "warn");
    let f = finding(&doc, "proxy-intercepts");
    let evidence = f["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("https_proxy=http://127.0.0.1:3128")
            && evidence.contains("NO_PROXY=169.254.169.254"),
        "{evidence}"
    );
    assert!(f["fix"].as_str().unwrap().starts_with("export NO_PROXY="));
    let covered = [
        ("HTTPS_PROXY", "http://127.0.0.1:3128"),
        ("no_proxy", ".eks.amazonaws.com"),
    ];
    let (code, doc) = check(&emu, "proxy-ok", &ids, &dns, &[], &covered).await;
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(finding(&doc, "proxy-intercepts")["severity"], "info");
}
