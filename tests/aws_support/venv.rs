//! A private Python environment with moto, created on first use so that `cargo test` works on
//! a fresh machine that can reach PyPI. `EKSNET_MOTO_PYTHON` names an interpreter that already
//! has `moto[server]` and `boto3`, for machines without PyPI.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Pinned: the extension server patches moto internals of this release.
pub const MOTO: &str = "moto[server]==5.2.5";
/// Decodes and encodes CloudWatch's CBOR protocol, which moto does not speak.
pub const CBOR: &str = "cbor2==5.6.5";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("emulator setup: cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "emulator setup: {what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The interpreter to run the emulator scripts with; panics with the reason when the
/// environment cannot be made (tests must fail, not skip).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("EKSNET_MOTO_PYTHON") {
        return PathBuf::from(p);
    }
    let dir = root().join("moto-venv");
    let py = dir.join("bin").join("python");
    let marker = dir.join(".installed");
    fs::create_dir_all(root()).expect("create the target tmp dir");
    // Test binaries run in parallel; one creates the venv while the others wait.
    let lock = File::create(root().join("moto-venv.lock")).expect("create the venv lock");
    lock.lock().expect("lock the venv");
    let wanted = format!("{MOTO} {CBOR}");
    if fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        let _ = fs::remove_dir_all(&dir);
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&dir),
            "python3 -m venv (install python3 and python3-venv)",
        );
        run(
            Command::new(&py).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                MOTO,
                CBOR,
            ]),
            &format!("pip install {MOTO} {CBOR} (needs PyPI)"),
        );
        fs::write(&marker, &wanted).expect("mark the venv ready");
    }
    lock.unlock().ok();
    py
}

/// A script shipped next to this file.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/aws_support/emulator")
        .join(name)
}
