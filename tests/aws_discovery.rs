//! Discovery against the emulator: this host from instance metadata (a fake IMDSv2 server
//! on loopback, tests/aws_support/imds.rs), the cluster from the kubeconfig's current context,
//! and the list of clusters when nothing names one.

mod aws_support;

use aws_support::Emulator;
use aws_support::emulator::parse;
use serde_json::Value;

fn kubeconfig(dir: &std::path::Path, context: &str, cluster: &str, server: &str) -> String {
    let path = dir.join(format!("kubeconfig-{}", std::process::id()));
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: {context}\ncontexts:\n- name: {context}\n  context:\n    cluster: {cluster}\n    user: me\nclusters:\n- name: {cluster}\n  cluster:\n    server: {server}\n"
        ),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

#[test]
fn origin_comes_from_instance_metadata_and_describe_instances() {
    let emu = Emulator::start();
    let ids = emu.seed(&[]);
    let imds = aws_support::imds::serve(ids["bastion"].as_str().unwrap());
    let (code, doc) = emu.check_via_imds("imds", &imds);
    let o = &doc["origin"];
    assert_eq!(o["found_by"], "instance metadata", "{doc:#}");
    assert_eq!(o["instance_id"], ids["bastion"]);
    assert_eq!(o["vpc_id"], ids["ops_vpc"]);
    assert_eq!(o["ip"], "172.20.1.10");
    assert_eq!(o["sg_ids"], Value::from(vec![ids["bastion_sg"].clone()]));
    assert!(o["subnet_id"].as_str().unwrap().starts_with("subnet-"));
    assert_eq!(code, 0, "{doc:#}");

    // Metadata answers but the instance cannot be described: the origin is UNKNOWN, and why.
    emu.fault("imds-denied", "ec2:DescribeInstances", "deny");
    let (code, doc) = emu.check_via_imds("imds-denied", &imds);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["hops"][0]["status"], "unknown");
    let evidence = doc["hops"][0]["evidence"].as_str().unwrap();
    assert!(evidence.contains("ec2:DescribeInstances"), "{evidence}");
}

#[test]
fn without_metadata_the_origin_is_unknown_and_said_so() {
    let emu = Emulator::start();
    emu.seed(&[]);
    // A loopback port nobody listens on: what a laptop sees at the metadata address.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let started = std::time::Instant::now();
    let out = emu
        .command(
            "no-imds",
            &[
                "check",
                "--no-live",
                "--output",
                "json",
                "--cluster",
                "prod",
            ],
        )
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)
        .output()
        .unwrap();
    let (code, doc) = parse(&out);
    assert!(started.elapsed().as_secs() < 10, "gave up too slowly");
    assert_eq!(code, 1);
    assert!(doc["origin"].is_null());
    assert_eq!(doc["hops"][0]["name"], "origin");
    assert_eq!(doc["hops"][0]["status"], "unknown");
}

#[test]
fn the_kubeconfig_context_picks_the_cluster_else_the_list_is_shown() {
    let emu = Emulator::start();
    let ids = emu.seed(&["--extra-cluster", "staging"]);
    let ops = ids["ops_vpc"].as_str().unwrap();
    let dir = tmp();
    let check = |kube: Option<&str>| {
        let mut cmd = emu.command(
            "kube",
            &["check", "--no-live", "--output", "json", "--from-vpc", ops],
        );
        if let Some(k) = kube {
            cmd.env("KUBECONFIG", k);
        }
        cmd.output().unwrap()
    };

    let out = check(None);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("prod") && err.contains("staging") && err.contains("--cluster"),
        "{err}"
    );

    let arn = format!(
        "arn:aws:eks:{}:123456789012:cluster/prod",
        aws_support::REGION
    );
    let by_arn = kubeconfig(dir.path(), &arn, &arn, "https://elsewhere.example");
    let (code, doc) = parse(&check(Some(&by_arn)));
    assert_eq!(doc["cluster"]["name"], "prod");
    assert_eq!(code, 0, "{doc:#}");

    let by_server = kubeconfig(dir.path(), "work", "c1", ids["endpoint"].as_str().unwrap());
    let (_, doc) = parse(&check(Some(&by_server)));
    assert_eq!(doc["cluster"]["name"], "prod");
    // Named with --context, an EKS context still takes the EKS path.
    let out = emu
        .command(
            "kube",
            &[
                "check",
                "--no-live",
                "--output",
                "json",
                "--from-vpc",
                ops,
                "--context",
                "work",
            ],
        )
        .env("KUBECONFIG", &by_server)
        .output()
        .unwrap();
    let (code, doc) = parse(&out);
    assert_eq!(
        (doc["cluster"]["name"].as_str(), code),
        (Some("prod"), 0),
        "{doc:#}"
    );
    assert_eq!(doc["api"]["kind"], "eks");
    assert_eq!(doc["route"], "privatelink");

    let nowhere = kubeconfig(dir.path(), "work", "c1", "https://nowhere.example:6443");
    assert_eq!(check(Some(&nowhere)).status.code(), Some(3));
}

#[test]
fn profile_and_aws_endpoint_url_configure_like_the_cli() {
    let emu = Emulator::start();
    let ids = emu.seed(&[]);
    let ops = ids["ops_vpc"].as_str().unwrap();
    let args = [
        "check",
        "--no-live",
        "--output",
        "json",
        "--cluster",
        "prod",
        "--from-vpc",
        ops,
    ];

    let (code, doc) = parse(
        &emu.base_command("env-endpoint")
            .args(args)
            .env("AWS_ENDPOINT_URL", &emu.url)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{doc:#}");

    let dir = tmp();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile emu]\nregion = {}\naws_access_key_id = profile-key\naws_secret_access_key = testing\nendpoint_url = {}\n",
            aws_support::REGION,
            emu.url
        ),
    )
    .unwrap();
    let (code, doc) = parse(
        &emu.base_command("unused")
            .args(args)
            .args(["--profile", "emu"])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_REGION")
            .env("AWS_CONFIG_FILE", &config)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["cluster"]["region"], aws_support::REGION);

    // A region from the flag wins; a missing profile fails naming it.
    let out = emu
        .base_command("unused")
        .args(args)
        .args(["--profile", "nope", "--region", aws_support::REGION])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("profile 'nope'"));
}
