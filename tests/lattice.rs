//! VPC Lattice through the real SDK against the emulator (`seed.py --lattice`: a service
//! network associated with the client VPC, a service with a listener and a rule, an IP
//! target group of pods, a private zone for its custom domain). What moto lacks of
//! Lattice, the emulator extension answers. The readers are called in process; `check
//! --lattice-service` runs as an operator runs it, once per seeded fault.

mod aws_support;
mod report;

use aws_support::Emulator;
use aws_support::inproc::client;
use eksnet_tui::model::ErrorKind;
use eksnet_tui::model::lattice::LatticeAction;
use eksnet_tui::sources::AwsApi;
use report::{hop_status, problems};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lattice_inventory_of_this_vpc_reads_through_the_sdk() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--lattice"]);
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let c = client(&emu.url).await;

    let found = c.lattice_service("checkout").await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, id("service"));
    assert!(
        found[0].dns_name.as_deref().unwrap().ends_with(".on.aws"),
        "Lattice's own name beside the custom domain: {:?}",
        found[0]
    );
    assert_eq!(found[0].networks[0].network_id, id("network"));
    for other in [
        found[0].arn.as_str(),
        "checkout.example.internal",
        &id("service"),
    ] {
        assert_eq!(c.lattice_service(other).await.unwrap(), found, "{other}");
    }
    assert!(c.lattice_service("payments").await.unwrap().is_empty());
    let lists = c
        .prefix_lists(&["com.amazonaws.eu-west-1.vpc-lattice".into()])
        .await
        .unwrap();
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert_eq!(lists[0].id, id("prefix_list"));

    let assoc = c.lattice_associations(&id("client_vpc")).await.unwrap();
    assert_eq!(assoc.len(), 1, "{assoc:?}");
    assert!(assoc[0].active());
    assert_eq!(assoc[0].network_id, id("network"));
    assert_eq!(assoc[0].sg_ids, [id("lattice_sg")]);
    assert_eq!(
        c.lattice_associations(&id("server_vpc"))
            .await
            .unwrap()
            .len(),
        1
    );

    let net = c.lattice_network(&id("network")).await.unwrap();
    assert_eq!(net.auth.auth_type, "AWS_IAM");
    assert_eq!(net.auth.denies_all(), Some(false), "a policy is attached");

    let services = c.lattice_services(&id("network")).await.unwrap();
    assert_eq!(services.len(), 1, "{services:?}");
    let s = &services[0];
    assert!(
        s.is("checkout") && s.is("checkout.example.internal"),
        "{s:?}"
    );
    assert_eq!(s.networks[0].network_id, id("network"));
    let l = &s.listeners[0];
    assert_eq!((l.protocol.as_str(), l.port), ("HTTP", 80));
    let forward = LatticeAction::Forward {
        target_groups: vec![id("lattice_tg")],
    };
    assert_eq!(l.default_action, forward);
    assert_eq!(l.rules.len(), 1);
    assert_eq!(l.rules[0].action, forward);

    let g = c.lattice_target_group(&id("lattice_tg")).await.unwrap();
    assert_eq!((g.kind.as_str(), g.port), ("IP", Some(8080)));
    assert_eq!(g.vpc_id.as_deref(), Some(id("server_vpc").as_str()));
    let pods: Vec<&str> = g.targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(pods, ["10.80.1.15", "10.80.2.15"]);
    assert!(g.targets.iter().all(|t| t.healthy()));
    emu.ext(
        "/_ext/lattice-target-status",
        &format!(
            r#"{{"target_group":"{}","id":"10.80.2.15","status":"UNHEALTHY","reason":"HealthCheckFailed"}}"#,
            id("lattice_tg")
        ),
    );
    let g = c.lattice_target_group(&id("lattice_tg")).await.unwrap();
    assert_eq!(g.targets[1].status, "UNHEALTHY");
    assert_eq!(g.targets[1].reason.as_deref(), Some("HealthCheckFailed"));

    // A denied read names its action.
    emu.fault(
        "collect",
        "vpc-lattice:GetServiceNetworkVpcAssociation",
        "deny",
    );
    let e = c.lattice_associations(&id("client_vpc")).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::AccessDenied { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("vpc-lattice:GetServiceNetworkVpcAssociation"),
        "{e}"
    );
}

/// `check --lattice-service checkout --no-live --output json` from the client VPC, or
/// of the service `extra` names.
fn check(emu: &Emulator, ids: &Value, key: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = Vec::from(extra);
    if !extra.contains(&"--lattice-service") {
        args.extend(["--lattice-service", "checkout"]);
    }
    emu.check(key, ids["client_vpc"].as_str().unwrap(), &args)
}

#[test]
fn a_healthy_lattice_service_checks_ok_on_the_lattice_route() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--lattice"]);
    let (code, doc) = check(&emu, &ids, "lattice-ok", &[]);
    assert_eq!(doc["route"], "lattice", "{doc:#}");
    assert!(problems(&doc).is_empty(), "{:#}", doc["findings"]);
    assert_eq!(code, 0, "{:#} {:#}", doc["hops"], doc["unknowns"]);
    for hop in [
        "service-network",
        "lattice-service",
        "target-group",
        "targets",
    ] {
        assert_eq!(hop_status(&doc, hop), "ok", "{hop}");
    }
    assert_eq!(doc["lattice"]["service"]["name"], "checkout");
    // Named by its custom domain, the same service.
    let (code, doc) = check(
        &emu,
        &ids,
        "lattice-ok",
        &["--lattice-service", "checkout.example.internal"],
    );
    assert_eq!(
        (code, doc["lattice"]["service"]["name"].as_str()),
        (0, Some("checkout"))
    );
    // A name no service has.
    let (code, doc) = check(&emu, &ids, "lattice-ok", &["--lattice-service", "payments"]);
    assert_eq!(code, 2);
    assert!(problems(&doc).contains("lattice-service-not-found"));
    assert_eq!(hop_status(&doc, "service-network"), "unknown");
}

#[test]
fn each_seeded_lattice_fault_is_named_on_its_hop() {
    for (fault, id, hop) in [
        (
            "not-associated",
            "lattice-not-associated",
            "service-network",
        ),
        ("sg", "lattice-sg-blocks", "service-network"),
        ("no-policy", "lattice-auth-no-policy", "lattice-service"),
        ("no-rules", "lattice-listener-no-targets", "target-group"),
        ("prefix-list", "lattice-prefix-list-blocked", "targets"),
        ("domain", "lattice-domain-mismatch", "dns"),
    ] {
        let emu = Emulator::start();
        let ids = emu.seed(&["--lattice-fault", fault]);
        let (code, doc) = check(&emu, &ids, "lattice-fault", &[]);
        assert_eq!(code, 2, "{fault}: {:#}", doc["findings"]);
        assert!(problems(&doc).contains(id), "{fault}: {:?}", problems(&doc));
        assert_eq!(hop_status(&doc, hop), "fail", "{fault}: {:#}", doc["hops"]);
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap();
        assert!(!f["fix"].as_str().unwrap().is_empty());
    }
}

#[test]
fn unhealthy_pods_and_a_denied_read_through_check() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--lattice"]);
    for pod in ["10.80.1.15", "10.80.2.15"] {
        emu.ext(
            "/_ext/lattice-target-status",
            &format!(
                r#"{{"target_group":"{}","id":"{pod}","status":"UNHEALTHY","reason":"HealthCheckFailed"}}"#,
                ids["lattice_tg"].as_str().unwrap()
            ),
        );
    }
    let (code, doc) = check(&emu, &ids, "lattice-sick", &[]);
    assert_eq!(code, 2);
    assert!(problems(&doc).contains("lattice-target-unhealthy"));
    assert_eq!(hop_status(&doc, "targets"), "fail");
    // Without the prefix lists the targets' admission is unknown, the rest still judged.
    emu.fault("lattice-denied", "ec2:DescribeManagedPrefixLists", "deny");
    let (code, doc) = check(&emu, &ids, "lattice-denied", &[]);
    assert_eq!(code, 2, "the unhealthy targets still fail");
    assert!(
        doc["unknowns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["rule"] == "lattice-prefix-list"),
        "{:#}",
        doc["unknowns"]
    );
    assert_eq!(hop_status(&doc, "service-network"), "ok");
}
