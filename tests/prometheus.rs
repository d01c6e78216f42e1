//! A real Prometheus (the Debian package) on 127.0.0.1 scrapes `serve --demo fleet` with
//! the rules of docs/prometheus/alerts.yml: the failing hop's series and the drift alert
//! must be visible through its HTTP query API.

mod serving;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// GET a Prometheus API path; the JSON body, or `None` while it is not answering.
fn api(addr: &str, path: &str) -> Option<serde_json::Value> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let body = text.split_once("\r\n\r\n")?.1;
    serde_json::from_str(body).ok()
}

fn query(addr: &str, q: &str) -> Vec<serde_json::Value> {
    api(addr, &format!("/api/v1/query?query={}", encode(q)))
        .and_then(|v| v["data"]["result"].as_array().cloned())
        .unwrap_or_default()
}

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn prometheus_scrapes_the_demo_fleet_and_the_drift_alert_fires() {
    let prometheus = which("prometheus")
        .expect("prometheus is not installed: apt-get install prometheus (.ci/run installs it)");
    let serving = serving::serve(&["--demo", "fleet", "--every", "1"]);
    let target = serving.addr.clone();
    let dir = std::env::temp_dir().join(format!("eksnet-prom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // The shipped rules, with their `for:` waits dropped so that they fire within a test;
    // promtool tests the waits (docs/prometheus/alerts_test.yml).
    let rules = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/prometheus/alerts.yml"),
    )
    .unwrap();
    let rules: String = rules
        .lines()
        .filter(|l| !l.trim_start().starts_with("for:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("alerts.yml"), rules).unwrap();
    std::fs::write(
        dir.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - alerts.yml\n\
             scrape_configs:\n  - job_name: eksnet\n    static_configs:\n      - targets: [\"{target}\"]\n"
        ),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let _prom = Killed(
        Command::new(prometheus)
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus"),
    );

    // The scrape is up, and the failing hop of rotation-missed is the one series at 1.
    wait_for("the eksnet target to be scraped", || {
        query(&web, "up{job=\"eksnet\"} == 1").first().cloned()
    });
    let failing = wait_for("rotation-missed's failing hop", || {
        let r = query(
            &web,
            "eksnet_hop_status{cluster=\"rotation-missed\",status=\"fail\"} == 1",
        );
        (!r.is_empty()).then_some(r)
    });
    let mut hops: Vec<&str> = failing
        .iter()
        .filter_map(|s| s["metric"]["hop"].as_str())
        .collect();
    hops.sort();
    // The same hops `check` reports failing for that scenario.
    let report = serving::bin()
        .args(["check", "--demo", "rotation-missed", "--output", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let mut expected: Vec<&str> = report["hops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["status"] == "fail")
        .filter_map(|h| h["name"].as_str())
        .collect();
    expected.sort();
    assert!(expected.contains(&"targets"), "{expected:?}");
    assert_eq!(hops, expected, "{failing:?}");
    // A healthy cluster has no failing hop.
    assert!(
        query(
            &web,
            "eksnet_hop_status{cluster=\"healthy\",status=\"fail\"} == 1"
        )
        .is_empty()
    );

    // The drift alert fires for the clusters whose targets drifted, and not for healthy.
    let drifted = wait_for("EksnetTargetDrift to fire", || {
        let alerts = api(&web, "/api/v1/alerts")?;
        let firing: Vec<String> = alerts["data"]["alerts"]
            .as_array()?
            .iter()
            .filter(|a| a["labels"]["alertname"] == "EksnetTargetDrift" && a["state"] == "firing")
            .filter_map(|a| a["labels"]["cluster"].as_str().map(String::from))
            .collect();
        firing
            .iter()
            .any(|c| c == "rotation-missed")
            .then_some(firing)
    });
    assert!(drifted.iter().any(|c| c == "stale-target"), "{drifted:?}");
    assert!(!drifted.iter().any(|c| c == "healthy"), "{drifted:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
