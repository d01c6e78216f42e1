//! Every theme in themes/ loads; every way a theme file can be wrong fails with the file,
//! the key, the bad value and what is accepted.

use eksnet_tui::ui::theme::{self, ThemeError};
use std::process::Command;

#[test]
fn every_file_in_themes_loads_and_is_built_in() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let t = theme::load(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                Some(t.name.as_str()),
                path.file_stem().and_then(|s| s.to_str())
            );
            names.push(t.name);
        }
    }
    names.sort();
    let mut builtin: Vec<String> = theme::builtin_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    builtin.sort();
    assert_eq!(names, builtin, "themes/ and the compiled-in list agree");
    assert!(builtin.len() >= 4);
}

fn fixture_error(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/themes/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    theme::load(&path).expect_err(name).to_string()
}

/// The line the parser placed the problem on, and its complaint.
fn fixture_problem(name: &str) -> (Option<usize>, String) {
    let path = format!(
        "{}/tests/fixtures/themes/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    match theme::load(&path).expect_err(name) {
        ThemeError::Invalid { problem, .. } => (problem.line_number(), problem.message),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn bad_colour_names_file_key_value_and_accepted() {
    let e = fixture_error("bad-colour.toml");
    assert!(e.contains("bad-colour.toml"), "{e}");
    assert!(e.contains("ok = \"gren\""), "key and value: {e}");
    assert!(
        e.contains("invalid colour \"gren\"") && e.contains("#rrggbb") && e.contains("light-red"),
        "{e}"
    );
    let e = fixture_error("bad-hex.toml");
    assert!(e.contains("selection_bg") && e.contains("#12345"), "{e}");
    let (line, message) = fixture_problem("bad-colour.toml");
    assert!(line.is_some(), "located");
    assert!(message.starts_with("invalid colour"), "{message}");
}

#[test]
fn unknown_and_missing_keys_and_broken_toml() {
    let e = fixture_error("unknown-key.toml");
    assert!(
        e.contains("unknown field `glow`") && e.contains("expected one of"),
        "{e}"
    );
    assert!(e.contains("line 20 (glow = \"red\")"), "{e}");
    assert_eq!(fixture_problem("unknown-key.toml").0, Some(20));
    let e = fixture_error("missing-role.toml");
    assert!(e.contains("missing field `warn`"), "{e}");
    let e = fixture_error("not-toml.toml");
    assert!(e.contains("not-toml.toml, line"), "{e}");
    let unreadable = theme::load("/nonexistent/theme.toml").unwrap_err();
    assert!(
        matches!(unreadable, ThemeError::Read { .. }),
        "{unreadable:?}"
    );
    for e in [
        fixture_error("unknown-key.toml"),
        fixture_error("not-toml.toml"),
    ] {
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn bad_theme_exits_3_from_the_command_line() {
    let path = format!(
        "{}/tests/fixtures/themes/bad-colour.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    for args in [
        vec!["check", "--demo", "--theme", path.as_str()],
        vec!["--demo", "--theme", "neon"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_eksnet-tui"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("theme"), "{err}");
    }
}

#[test]
fn every_builtin_theme_gives_fixes_a_readable_role() {
    for name in eksnet_tui::ui::theme::builtin_names() {
        let t = eksnet_tui::ui::theme::builtin(name).expect("builtin");
        assert_ne!(t.colors.fix, t.colors.muted, "{name}: fixes are not dim");
        assert_ne!(t.colors.fix, t.colors.skipped, "{name}");
    }
}
