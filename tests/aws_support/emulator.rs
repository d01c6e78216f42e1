//! One moto server per test on a free loopback port, killed on drop.

use super::venv;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const REGION: &str = "eu-west-1";
pub const ACCOUNT: &str = "123456789012";

pub struct Emulator {
    child: Child,
    log: PathBuf,
    pub port: u16,
    pub url: String,
}

impl Emulator {
    /// Start the server; panics with the reason when it cannot start.
    pub fn start() -> Emulator {
        let python = venv::python();
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "moto-{}-{:?}.log",
            std::process::id(),
            std::thread::current().id()
        ));
        let mut child = Command::new(&python)
            .arg(venv::script("ext_server.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("create the emulator log"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the emulator with {}: {e}", python.display()));
        let stdout = child.stdout.take().expect("emulator stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let port: u16 = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.trim().parse::<u16>().is_ok() => line.trim().parse().unwrap(),
            other => {
                let _ = child.kill();
                panic!(
                    "the emulator did not start ({other:?}); its log: {}\n{}",
                    log.display(),
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        let emu = Emulator {
            child,
            log,
            port,
            url: format!("http://127.0.0.1:{port}"),
        };
        emu.ext("/_ext/ready", "{}");
        emu
    }

    /// POST a control document to the extension; panics unless it is accepted.
    pub fn ext(&self, path: &str, body: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the emulator");
        s.set_read_timeout(Some(Duration::from_secs(30))).ok();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("write to the emulator");
        let mut reply = String::new();
        s.read_to_string(&mut reply)
            .expect("read the emulator's reply");
        assert!(
            reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"),
            "{path}: {reply}"
        );
        reply
    }

    /// Seed the healthy topology, then `args` (e.g. `--fault stale-target`); returns the ids.
    pub fn seed(&self, args: &[&str]) -> Value {
        let out = Command::new(venv::python())
            .arg(venv::script("seed.py"))
            .args([self.url.as_str(), REGION])
            .args(args)
            .output()
            .expect("run seed.py");
        assert!(
            out.status.success(),
            "seeding {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
    }

    /// Make the caller with access key `key` get `kind` (deny, throttle, slow) for `action`.
    pub fn fault(&self, key: &str, action: &str, kind: &str) {
        self.ext(
            "/_ext/fault",
            &format!(r#"{{"key":"{key}","action":"{action}","kind":"{kind}"}}"#),
        );
    }

    /// Delay every answer to the caller with access key `key` by `ms` milliseconds.
    pub fn latency(&self, key: &str, ms: u64) {
        self.ext("/_ext/latency", &format!(r#"{{"key":"{key}","ms":{ms}}}"#));
    }

    /// `eksnet-tui ARGS --endpoint-url URL`, see [`Emulator::base_command`].
    pub fn command(&self, key: &str, args: &[&str]) -> Command {
        let mut cmd = self.base_command(key);
        cmd.args(args).args(["--endpoint-url", &self.url]);
        cmd
    }

    /// `eksnet-tui` with static credentials whose access key id is `key`, the region, no
    /// metadata service, and nothing from this machine's AWS or kube configuration.
    pub fn base_command(&self, key: &str) -> Command {
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-home");
        std::fs::create_dir_all(&home).ok();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksnet-tui"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
            .env("KUBECONFIG", home.join("no-kubeconfig"))
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", REGION)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1");
        cmd
    }

    /// `check --no-live --output json` of cluster `prod`, with this host located through
    /// the instance metadata service at `imds`; exit code and document.
    pub fn check_via_imds(&self, key: &str, imds: &str) -> (i32, Value) {
        let args = [
            "check",
            "--no-live",
            "--output",
            "json",
            "--cluster",
            "prod",
        ];
        let out = self
            .command(key, &args)
            .env_remove("AWS_EC2_METADATA_DISABLED")
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds)
            .output()
            .expect("run eksnet-tui");
        parse(&out)
    }

    /// `check --no-live --output json` from `vpc`; exit code and document.
    pub fn check(&self, key: &str, vpc: &str, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["check", "--no-live", "--output", "json", "--from-vpc", vpc];
        args.extend_from_slice(extra);
        let out = self.command(key, &args).output().expect("run eksnet-tui");
        parse(&out)
    }
}

pub fn parse(out: &Output) -> (i32, Value) {
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), doc)
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Keep the server's log only when a test failed, for the reason.
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}
