//! `eksnet-tui serve` as an operator runs it: the demo fleet on a loopback port, scraped
//! over HTTP; and the bad inputs that stop it with exit 3 and one line.

mod serving;

use serving::{bin, serve};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// GET `path`: the status line, the headers and the body.
fn get(addr: &str, path: &str) -> (String, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.to_string(), headers.to_lowercase(), body.to_string())
}

/// The value of the series named exactly `series`.
fn value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn the_demo_fleet_is_served_as_openmetrics() {
    let s = serve(&["--demo", "fleet"]);
    let (status, _, body) = get(&s.addr, "/healthz");
    assert!(status.ends_with("200 OK"), "{status}");
    assert_eq!(body, "ok\n");
    let (status, headers, body) = get(&s.addr, "/metrics");
    assert!(status.ends_with("200 OK"), "{status}");
    assert!(
        headers.contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{headers}"
    );
    assert!(body.ends_with("# EOF\n"));
    // Each scenario is its own cluster, judged as `check` judges it.
    for (cluster, verdict) in [
        ("healthy", "ok"),
        ("rotation-missed", "fail"),
        ("lattice-api", "ok"),
        ("self-managed-sg", "fail"),
    ] {
        let v = value(
            &body,
            &format!("eksnet_verdict{{cluster=\"{cluster}\",status=\"{verdict}\"}}"),
        );
        assert_eq!(v, Some(1.0), "{cluster}");
        assert_eq!(
            value(&body, &format!("eksnet_up{{cluster=\"{cluster}\"}}")),
            Some(1.0)
        );
    }
    assert_eq!(
        value(
            &body,
            "eksnet_hop_status{cluster=\"rotation-missed\",hop=\"targets\",status=\"fail\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &body,
            "eksnet_hop_status{cluster=\"rotation-missed\",hop=\"targets\",status=\"ok\"}"
        ),
        Some(0.0)
    );
    assert!(
        value(
            &body,
            "eksnet_findings{cluster=\"stale-target\",id=\"target-stale\",severity=\"warn\"}"
        )
        .is_some_and(|n| n >= 1.0),
        "{}",
        body.lines()
            .filter(|l| l.contains("stale-target") && l.contains("findings"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        value(
            &body,
            "eksnet_dns_answers_total{cluster=\"healthy\",class=\"interface-endpoint\"}"
        )
        .is_some_and(|n| n >= 2.0)
    );
    assert!(
        value(
            &body,
            "eksnet_probe_duration_seconds_count{cluster=\"healthy\",phase=\"connect\"}"
        )
        .is_some_and(|n| n >= 1.0)
    );
    assert!(
        value(&body, "eksnet_refresh_age_seconds{cluster=\"healthy\"}")
            .is_some_and(|s| (0.0..60.0).contains(&s))
    );
    assert_eq!(
        value(
            &body,
            "eksnet_route{cluster=\"healthy\",route=\"privatelink\"}"
        ),
        Some(1.0)
    );
    // Every action the demo's calls stand for, per cluster.
    for action in [
        "eks:DescribeCluster",
        "elasticloadbalancing:DescribeTargetHealth",
    ] {
        assert!(
            value(
                &body,
                &format!("eksnet_api_calls_total{{cluster=\"healthy\",action=\"{action}\"}}")
            )
            .is_some_and(|n| n >= 1.0),
            "{action}"
        );
    }
    let (status, _, _) = get(&s.addr, "/nothing");
    assert!(status.contains("404"), "{status}");
}

fn fails_with(args: &[&str]) -> String {
    let out = bin().arg("serve").args(args).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn an_address_in_use_stops_it_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let err = fails_with(&["--demo", "--listen", &addr]);
    assert!(
        err.contains(&addr) && err.contains("already in use"),
        "{err}"
    );
}

#[test]
fn a_bad_fleet_file_or_an_unknown_cluster_stops_it_naming_them() {
    let dir = std::env::temp_dir().join(format!("eksnet-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[clusters]]\nname = \"prod\"\nregoin = \"eu-west-1\"\n",
    )
    .unwrap();
    let err = fails_with(&[
        "--demo",
        "--listen",
        "127.0.0.1:0",
        "--fleet",
        bad.to_str().unwrap(),
    ]);
    assert!(
        err.contains("bad.toml, line 3") && err.contains("regoin"),
        "{err}"
    );
    let unknown = dir.join("unknown.toml");
    std::fs::write(&unknown, "[[clusters]]\nname = \"nope\"\n").unwrap();
    let err = fails_with(&[
        "--demo",
        "--listen",
        "127.0.0.1:0",
        "--fleet",
        unknown.to_str().unwrap(),
    ]);
    assert!(
        err.contains("cluster nope") && err.contains("not found"),
        "{err}"
    );
    let err = fails_with(&[
        "--demo",
        "--listen",
        "127.0.0.1:0",
        "--fleet",
        "/nonexistent",
    ]);
    assert!(err.contains("cannot read fleet file /nonexistent"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
