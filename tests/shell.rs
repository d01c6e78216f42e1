//! `eksnet-tui completions SHELL` and `eksnet-tui man`, generated from the flags.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eksnet-tui"))
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run eksnet-tui")
}

#[test]
fn completion_scripts_name_the_subcommands_and_flags() {
    for (shell, flags) in [
        ("bash", ["--lattice-service", "--output"]),
        ("zsh", ["--lattice-service", "--output"]),
        // fish names long flags without their dashes.
        ("fish", ["-l lattice-service", "-l output"]),
    ] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["eksnet-tui", "check", "markdown", flags[0], flags[1]] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    // The bash script is one bash accepts.
    let out = run(&["completions", "bash"]);
    let path = std::env::temp_dir().join(format!("eksnet-tui-{}.bash", std::process::id()));
    std::fs::write(&path, &out.stdout).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
}

#[test]
fn an_unknown_shell_is_refused_in_one_line() {
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
}

#[test]
fn the_manual_page_is_roff_with_every_flag() {
    let out = run(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{}",
        &page[..80]
    );
    assert!(page.contains(".TH eksnet-tui"), "{}", &page[..200]);
    // roff writes a flag's hyphens as \-.
    for flag in ["lattice\\-service", "from\\-vpc", "output"] {
        assert!(page.contains(flag), "{flag}");
    }
    assert!(page.contains("check"));
}
