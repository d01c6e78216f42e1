//! The EKS API shared through VPC Lattice, through the real SDK against the emulator
//! (`seed.py --lattice-api`: the healthy cluster, its interface endpoint and private zone
//! replaced by a resource gateway in the cluster's VPC, a resource configuration for the
//! endpoint's name and an endpoint to it in the bastion's VPC). moto has none of these;
//! the emulator extension keeps them. The readers run in process; `check --cluster prod`
//! runs as an operator runs it, once per seeded fault.

mod aws_support;
mod report;

use aws_support::Emulator;
use aws_support::inproc::client;
use eksnet_tui::model::ErrorKind;
use eksnet_tui::model::lattice::ResourceDefinition;
use eksnet_tui::sources::AwsApi;
use report::{hop_status, problems};
use serde_json::Value;

fn ids_of<'a>(ids: &'a Value, k: &str) -> Vec<&'a str> {
    ids[k]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_configuration_and_gateway_read_through_the_sdk() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--lattice-api"]);
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let c = client(&emu.url).await;

    let endpoints = c.lattice_endpoints(&id("ops_vpc")).await.unwrap();
    assert_eq!(endpoints.len(), 1, "{endpoints:?}");
    let e = &endpoints[0];
    assert_eq!(
        (e.id.as_str(), e.kind.as_str()),
        (id("resource_endpoint").as_str(), "Resource")
    );
    assert!(e.is_available());
    assert_eq!(e.sg_ids, [id("resource_endpoint_sg")]);
    let ips: Vec<String> = e.ips.iter().map(|i| i.to_string()).collect();
    assert_eq!(ips, ids_of(&ids, "resource_endpoint_ips"));
    // Not an interface endpoint, and the interface endpoint is gone.
    assert!(
        c.interface_endpoints(&id("ops_vpc"))
            .await
            .unwrap()
            .is_empty()
    );
    // None in the cluster's VPC.
    assert!(
        c.lattice_endpoints(&id("eks_vpc"))
            .await
            .unwrap()
            .is_empty()
    );

    let target = e.target().unwrap().to_string();
    let configs = c.resource_configs(&target).await.unwrap();
    assert_eq!(configs.len(), 1, "{configs:?}");
    let cfg = &configs[0];
    assert_eq!(cfg.id, id("resource_config"));
    assert!(cfg.active() && cfg.allows_port(443) && !cfg.allows_port(80));
    assert_eq!(cfg.definition, ResourceDefinition::Dns(id("host")));
    assert_eq!(cfg.custom_domain.as_deref(), Some(id("host").as_str()));
    assert_eq!(cfg.gateway_id.as_deref(), Some(id("gateway").as_str()));

    let g = c.resource_gateway(&id("gateway")).await.unwrap();
    assert!(g.active());
    assert_eq!(g.vpc_id, id("eks_vpc"));
    assert_eq!(g.subnet_ids, ids_of(&ids, "eks_subnets"));
    assert_eq!(g.sg_ids, [id("gateway_sg")]);

    // Unknown ids and denied reads come back as errors naming the action.
    let e = c
        .resource_gateway("rgw-0000000000000000")
        .await
        .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NotFound), "{e:?}");
    emu.fault("collect", "vpc-lattice:GetResourceConfiguration", "deny");
    let e = c.resource_configs(&target).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::AccessDenied { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("vpc-lattice:GetResourceConfiguration"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_network_endpoint_finds_the_configuration_through_its_network() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--lattice-api", "--lattice-api-via", "network"]);
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let c = client(&emu.url).await;
    let endpoints = c.lattice_endpoints(&id("ops_vpc")).await.unwrap();
    assert_eq!(endpoints[0].kind, "ServiceNetwork");
    assert_eq!(endpoints[0].target(), Some(id("share_network").as_str()));
    let configs = c.resource_configs(&id("share_network")).await.unwrap();
    assert_eq!(configs.len(), 1, "{configs:?}");
    assert_eq!(configs[0].id, id("resource_config"));
    assert_eq!(
        configs[0].via_network.as_deref(),
        Some(id("share_network").as_str())
    );
}

fn check(emu: &Emulator, ids: &Value, key: &str) -> (i32, Value) {
    emu.check(
        key,
        ids["ops_vpc"].as_str().unwrap(),
        &["--cluster", "prod"],
    )
}

#[test]
fn the_shared_api_checks_ok_on_the_lattice_route_either_way() {
    for via in ["resource", "network"] {
        let emu = Emulator::start();
        let ids = emu.seed(&["--lattice-api", "--lattice-api-via", via]);
        let (code, doc) = check(&emu, &ids, "lattice-api");
        assert_eq!(doc["route"], "lattice", "{via}: {doc:#}");
        assert!(problems(&doc).is_empty(), "{via}: {:#}", doc["findings"]);
        assert_eq!(code, 0, "{via}: {:#} {:#}", doc["hops"], doc["unknowns"]);
        for hop in ["lattice-endpoint", "resource-gateway", "eks-enis"] {
            assert_eq!(hop_status(&doc, hop), "ok", "{via}: {hop}");
        }
    }
}

#[test]
fn each_seeded_fault_of_the_shared_api_is_named_on_its_hop() {
    for (fault, id, hop, status) in [
        (
            "endpoint-pending",
            "lattice-endpoint-not-available",
            "lattice-endpoint",
            "fail",
        ),
        (
            "config-inactive",
            "lattice-resource-inactive",
            "lattice-endpoint",
            "fail",
        ),
        ("port", "lattice-resource-port", "lattice-endpoint", "fail"),
        (
            "wrong-address",
            "lattice-resource-wrong-address",
            "lattice-endpoint",
            "fail",
        ),
        (
            "endpoint-sg",
            "lattice-endpoint-sg-blocks",
            "lattice-endpoint",
            "fail",
        ),
        (
            "gateway-inactive",
            "lattice-gateway-inactive",
            "resource-gateway",
            "fail",
        ),
        (
            "gateway-zone",
            "lattice-gateway-zone-missing",
            "resource-gateway",
            "warn",
        ),
        (
            "gateway-sg",
            "lattice-gateway-sg-blocked",
            "resource-gateway",
            "fail",
        ),
    ] {
        let emu = Emulator::start();
        let ids = emu.seed(&["--lattice-api-fault", fault]);
        let (code, doc) = check(&emu, &ids, "lattice-api-fault");
        assert_eq!(doc["route"], "lattice", "{fault}");
        let want = if status == "warn" { 1 } else { 2 };
        assert_eq!(code, want, "{fault}: {:#}", doc["findings"]);
        assert!(problems(&doc).contains(id), "{fault}: {:?}", problems(&doc));
        assert_eq!(hop_status(&doc, hop), status, "{fault}: {:#}", doc["hops"]);
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap();
        assert!(
            f["fix"].as_str().unwrap().starts_with("aws "),
            "{fault}: {f}"
        );
    }
}
