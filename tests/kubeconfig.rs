//! Kubeconfig contexts and `--server` as the binary reads them: which API a context names,
//! where its CA comes from, and the one-line refusals of what cannot be used. No AWS call
//! is made: every case stops before, or runs the demo.

mod support;

use eksnet_tui::cli::{Parsed, parse};
use eksnet_tui::sources::aws::kubeconfig::Kubeconfig;
use eksnet_tui::startup::api::{ApiChoice, choose};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::tls::TestCa;

fn cmd(kubeconfig: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eksnet-tui"));
    c.args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "eu-west-1")
        // Nothing listens here: a call that got this far would fail fast, never leave the host.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env_remove("AWS_PROFILE")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("eksnet-no-config"),
        );
    c
}

fn refused(out: &Output, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for n in needles {
        assert!(err.contains(n), "{err} lacks {n}");
    }
    err
}

/// A kubeconfig with an EKS context, a self-managed one with inline CA data, one whose CA
/// is a file beside it, and one whose CA data is not a certificate.
fn write_kubeconfig(dir: &Path, ca: &TestCa) -> PathBuf {
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    let text = format!(
        r#"apiVersion: v1
kind: Config
current-context: arn:aws:eks:eu-west-1:111122223333:cluster/prod
clusters:
- name: arn:aws:eks:eu-west-1:111122223333:cluster/prod
  cluster:
    server: https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com
    certificate-authority-data: {data}
- name: onprem
  cluster:
    server: https://api.k8s.internal:6443
    certificate-authority-data: {data}
- name: onprem-file
  cluster:
    server: https://api2.k8s.internal:6443
    certificate-authority: ca.pem
- name: broken
  cluster:
    server: https://api3.k8s.internal:6443
    certificate-authority-data: bm90IGEgY2VydGlmaWNhdGU=
- name: noserver
  cluster: {{}}
contexts:
- name: arn:aws:eks:eu-west-1:111122223333:cluster/prod
  context: {{cluster: "arn:aws:eks:eu-west-1:111122223333:cluster/prod", user: eks}}
- name: k8s-prod
  context: {{cluster: onprem, user: admin}}
- name: k8s-file
  context: {{cluster: onprem-file, user: admin}}
- name: k8s-broken
  context: {{cluster: broken, user: admin}}
- name: k8s-noserver
  context: {{cluster: noserver, user: admin}}
"#,
        data = ca.ca_data()
    );
    let path = dir.join("config");
    std::fs::write(&path, text).unwrap();
    path
}

fn chosen(kube: &Path, args: &[&str]) -> ApiChoice {
    let argv = std::iter::once("eksnet-tui").chain(args.iter().copied());
    let Ok(Parsed::Run(cli)) = parse(argv) else {
        panic!("{args:?} parses");
    };
    choose(&cli.opts, &Kubeconfig::from_files(&[kube.to_path_buf()])).expect("a choice")
}

#[test]
fn contexts_name_the_api_and_its_ca_inline_or_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("onprem CA");
    let kube = write_kubeconfig(dir.path(), &ca);

    let ApiChoice::Server(s) = chosen(&kube, &["check", "--context", "k8s-prod"]) else {
        panic!("a self-managed context takes the server path");
    };
    assert_eq!((s.host.as_str(), s.port), ("api.k8s.internal", 6443));
    assert_eq!(s.ca_data.as_deref(), Some(ca.ca_data().as_str()));
    assert_eq!(s.context.as_deref(), Some("k8s-prod"));

    // A CA file is read relative to the kubeconfig that names it.
    let ApiChoice::Server(f) = chosen(&kube, &["check", "--context", "k8s-file"]) else {
        panic!("server path");
    };
    assert!(f.ca_data.is_some());
    assert_eq!(f.ca_from.as_deref(), Some("kubeconfig context k8s-file"));

    // An EKS context stays on the EKS path, named by its ARN.
    let eks = chosen(
        &kube,
        &[
            "check",
            "--context",
            "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
        ],
    );
    assert!(
        matches!(&eks, ApiChoice::Eks { cluster: Some(c), .. } if c == "prod"),
        "{eks:?}"
    );
    // So does an EKS endpoint given as --server; any other URL is a server of its own.
    assert!(matches!(
        chosen(
            &kube,
            &["--server", "https://ABC.yl4.eu-west-1.eks.amazonaws.com"]
        ),
        ApiChoice::Eks {
            cluster: None,
            server: Some(_)
        }
    ));
    let pem = dir.path().join("ca.pem");
    let ApiChoice::Server(s) = chosen(
        &kube,
        &[
            "--server",
            "https://10.0.1.5:6443",
            "--ca-file",
            pem.to_str().unwrap(),
        ],
    ) else {
        panic!("server path");
    };
    assert_eq!(s.host, "10.0.1.5");
    assert_eq!(s.ca_data.as_deref(), Some(ca.ca_data().as_str()));
}

#[test]
fn bad_contexts_servers_and_cas_exit_3_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("onprem CA");
    let kube = write_kubeconfig(dir.path(), &ca);
    let run = |args: &[&str]| cmd(&kube, args).output().unwrap();

    let err = refused(
        &run(&["check", "--context", "nope"]),
        &["unknown kubeconfig context 'nope'", "k8s-prod", "k8s-file"],
    );
    assert!(
        err.contains("arn:aws:eks:eu-west-1:111122223333:cluster/prod"),
        "{err}"
    );
    refused(
        &run(&["check", "--server", "api.k8s.internal:6443"]),
        &["--server", "is not a URL", "accepted: an https:// URL"],
    );
    refused(
        &run(&["check", "--server", "http://api.k8s.internal"]),
        &["accepted: an https:// URL"],
    );
    let missing = dir.path().join("missing.pem");
    refused(
        &run(&[
            "check",
            "--server",
            "https://api.k8s.internal:6443",
            "--ca-file",
            missing.to_str().unwrap(),
        ]),
        &[
            "--ca-file",
            "missing.pem",
            "no such file",
            "accepted: a PEM file",
        ],
    );
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "hello\n").unwrap();
    refused(
        &run(&[
            "check",
            "--server",
            "https://api.k8s.internal:6443",
            "--ca-file",
            junk.to_str().unwrap(),
        ]),
        &[
            "junk.pem",
            "holds no PEM certificate",
            "accepted: a PEM file",
        ],
    );
    refused(
        &run(&["check", "--context", "k8s-broken"]),
        &["k8s-broken", "certificate-authority-data", "accepted:"],
    );
    refused(
        &run(&["check", "--context", "k8s-noserver"]),
        &["k8s-noserver", "has no server", "accepted:"],
    );
    refused(
        &run(&["check", "--probe-path", "healthz"]),
        &["--probe-path", "accepted: a path starting with /"],
    );
    refused(
        &run(&["check", "--server", "https://a:6443", "--cluster", "x"]),
        &["--cluster"],
    );
}
