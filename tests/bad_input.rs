//! Bad input and unreachable AWS as a user meets them: the exit code, and one line saying
//! what was wrong and what is accepted.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eksnet-tui"));
    c.args(args)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "eu-west-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("eksnet-no-config"),
        );
    c
}

fn run(args: &[&str]) -> Output {
    cmd(args).output().expect("run eksnet-tui")
}

/// Exit 3, nothing on stdout, one line on stderr holding every needle and none of `never`.
fn one_line(out: &Output, needles: &[&str], never: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for n in needles {
        assert!(err.contains(n), "{err} lacks {n}");
    }
    for n in never {
        assert!(!err.contains(n), "{err} has {n}");
    }
    err
}

#[test]
fn flag_values_are_refused_in_words() {
    one_line(
        &run(&["check", "--demo", "--interval", "-1"]),
        &["-1 is out of range", "accepted: 0.1 to 3600 seconds"],
        &["unknown flag"],
    );
    one_line(
        &run(&["check", "--demo", "--samples", "0"]),
        &["'0'", "accepted: a whole number from 1 to 100"],
        &["1..=100"],
    );
    let e = one_line(
        &run(&["check", "--demo", "--from-vpc", ""]),
        &[
            "--from-vpc",
            "accepted: vpc- followed by letters and digits",
        ],
        &[],
    );
    assert!(!e.trim_end().ends_with("accepted:"), "{e}");
}

#[test]
fn config_values_and_themes_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad_interval = dir.path().join("interval.toml");
    std::fs::write(&bad_interval, "interval = \"fast\"\n").unwrap();
    one_line(
        &run(&[
            "check",
            "--demo",
            "--config",
            bad_interval.to_str().unwrap(),
        ]),
        &[
            "interval.toml, line 1",
            "a number of seconds from 0.1 to 3600",
        ],
        &["f64"],
    );
    let bad_theme = dir.path().join("theme.toml");
    std::fs::write(&bad_theme, "theme = \"nosuch\"\n").unwrap();
    one_line(
        &run(&["check", "--demo", "--config", bad_theme.to_str().unwrap()]),
        &["theme.toml", "nosuch"],
        &[],
    );
}

#[test]
fn demo_list_still_checks_the_theme() {
    one_line(
        &run(&["--demo", "list", "--theme", "nosuch"]),
        &["nosuch"],
        &[],
    );
    assert_eq!(run(&["--demo", "list"]).status.code(), Some(0));
}

#[test]
fn a_missing_profile_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(&[
        "check",
        "--cluster",
        "x",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .env_remove("AWS_SESSION_TOKEN")
    .env("AWS_PROFILE", "nosuch")
    .env("AWS_CONFIG_FILE", dir.path().join("config"))
    .env(
        "AWS_SHARED_CREDENTIALS_FILE",
        dir.path().join("credentials"),
    )
    .env("HOME", dir.path())
    .output()
    .unwrap();
    one_line(&out, &["profile 'nosuch'"], &["profile 'default'"]);
}

#[test]
fn a_region_without_clusters_suggests_another_region() {
    use eksnet_tui::sources::collect::CollectError;
    let e = CollectError::ChooseCluster {
        region: "eu-west-1".into(),
        available: vec![],
    }
    .to_string();
    assert!(
        e.contains("eu-west-1 has no EKS cluster") && e.contains("--region"),
        "{e}"
    );
    assert!(!e.contains("pass --cluster"), "{e}");
}

/// A port on loopback that nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_closed_endpoint_is_one_line_and_exit_3() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    for extra in [
        &["--cluster", "x"][..],
        &[],
        &["--cluster", "x", "--output", "json"],
    ] {
        let mut args = vec!["check", "--endpoint-url", url.as_str(), "--no-live"];
        args.extend_from_slice(extra);
        let started = Instant::now();
        let out = run(&args);
        let took = started.elapsed();
        let err = one_line(
            &out,
            &[
                &format!("cannot reach {url}: connection refused"),
                "no AWS call succeeded",
            ],
            &["DispatchFailure", "hyper", "os error"],
        );
        assert!(err.len() < 160, "short: {err}");
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
}

#[test]
fn an_endpoint_that_is_no_url_is_refused_before_any_call() {
    for bad in ["garbage", "ftp://x"] {
        let out = run(&[
            "check",
            "--cluster",
            "x",
            "--endpoint-url",
            bad,
            "--no-live",
        ]);
        one_line(
            &out,
            &[bad, "accepted: http://"],
            &["DispatchFailure", "hyper"],
        );
    }
}

fn signal_exit(sig: &str) -> Option<i32> {
    let mut child = cmd(&["check", "--demo", "--samples", "100", "--interval", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let kill = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let _ = std::io::stdout().flush();
    child.wait().unwrap().code()
}

#[test]
fn interrupt_and_terminate_give_the_shell_codes() {
    assert_eq!(signal_exit("-INT"), Some(130));
    assert_eq!(signal_exit("-TERM"), Some(143));
}
