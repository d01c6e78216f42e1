//! VPC Lattice through the real SDK against the emulator (`seed.py --lattice`: a service
//! network associated with the client VPC, a service with a listener and a rule, an IP
//! target group of pods). What moto lacks of Lattice, the emulator extension answers.

mod aws_support;

use aws_support::Emulator;
use aws_support::inproc::client;
use eksnet_tui::model::ErrorKind;
use eksnet_tui::model::lattice::LatticeAction;
use eksnet_tui::sources::AwsApi;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lattice_inventory_of_this_vpc_reads_through_the_sdk() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--lattice"]);
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let c = client(&emu.url).await;

    let assoc = c.lattice_associations(&id("client_vpc")).await.unwrap();
    assert_eq!(assoc.len(), 1, "{assoc:?}");
    assert!(assoc[0].active());
    assert_eq!(assoc[0].network_id, id("network"));
    assert_eq!(assoc[0].sg_ids, [id("lattice_sg")]);
    assert!(
        c.lattice_associations(&id("server_vpc"))
            .await
            .unwrap()
            .is_empty()
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
