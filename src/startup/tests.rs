use super::*;
use crate::cli::{self, Parsed};
use crate::config::ConfigError;
use crate::ui::theme::ThemeError;
use std::io::Write;

/// Every call names a config file, so the user's own never leaks into a test.
fn resolve_args(config: &std::path::Path, args: &[&str]) -> Result<Startup, StartupError> {
    let config = config.to_str().unwrap();
    let argv = ["eksnet-tui", "--config", config]
        .into_iter()
        .chain(args.iter().copied());
    match cli::parse(argv)? {
        Parsed::Run(cli) => resolve(*cli),
        Parsed::Print(text) => panic!("{text}"),
    }
}

fn config_file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn both_modes_get_the_same_config_theme_and_live_mode() {
    let cfg = config_file("theme = \"light\"\ninterval = 5\nrefresh = 4\n");
    let view = resolve_args(cfg.path(), &["--demo", "--no-probe"]).unwrap();
    let check = resolve_args(cfg.path(), &["check", "--demo", "--no-probe"]).unwrap();
    assert_eq!(view.mode, Mode::Interactive);
    assert_eq!(check.mode, Mode::Check);
    for s in [&view, &check] {
        assert_eq!(s.theme().name, "light");
        assert_eq!(s.themes.len(), theme::builtin_names().len());
        assert_eq!(s.config.interval, Some(5.0));
        assert_eq!(
            s.live(),
            LiveMode {
                dns: true,
                probe: false
            }
        );
        assert_eq!(s.intervals.live, Duration::from_secs(5));
        assert_eq!(s.intervals.fast, Duration::from_secs(4));
        assert!(matches!(s.backend, Backend::Demo(Scenario::Healthy)));
    }
}

#[test]
fn flags_win_over_the_config_file() {
    let cfg = config_file("theme = \"light\"\ninterval = 5\n");
    let s = resolve_args(
        cfg.path(),
        &[
            "check",
            "--demo",
            "--theme",
            "solarized",
            "--interval",
            "0.5",
        ],
    )
    .unwrap();
    assert_eq!(s.theme().name, "solarized");
    assert_eq!(s.intervals.live, Duration::from_millis(500));
    assert_eq!(s.settings.gap, Duration::from_millis(500));
}

#[test]
fn check_flags_shape_collection_and_demo_samples_are_not_spaced() {
    let cfg = config_file("");
    let s = resolve_args(
        cfg.path(),
        &[
            "check",
            "--demo",
            "--samples",
            "7",
            "--timeout",
            "3",
            "--cluster",
            "c",
        ],
    )
    .unwrap();
    assert_eq!(s.settings.samples, 7);
    assert_eq!(s.settings.timeout, Duration::from_secs(3));
    assert_eq!(s.settings.cluster.as_deref(), Some("c"));
    assert_eq!(s.settings.gap, Duration::ZERO);
    assert_eq!(s.theme().name, "default");

    let s = resolve_args(cfg.path(), &["check", "--region", "eu-west-1", "--no-live"]).unwrap();
    assert_eq!(s.settings.gap, Settings::default().gap);
    assert_eq!(
        s.live(),
        LiveMode {
            dns: false,
            probe: false
        }
    );
    assert!(matches!(&s.backend, Backend::Aws(o) if o.region.as_deref() == Some("eu-west-1")));
}

#[test]
fn each_kind_of_bad_input_is_its_own_error() {
    let cfg = config_file("");
    let e = resolve_args(cfg.path(), &["--demo", "nope"]).unwrap_err();
    assert!(
        matches!(&e, StartupError::UnknownScenario { name } if name == "nope"),
        "{e:?}"
    );
    let e = e.to_string();
    assert!(
        e.starts_with("unknown demo scenario 'nope'; accepted: healthy, "),
        "{e}"
    );

    let e = resolve_args(cfg.path(), &["--demo", "--theme", "neon"]).unwrap_err();
    assert!(
        matches!(e, StartupError::Theme(ThemeError::Unknown { .. })),
        "{e:?}"
    );

    let bad = config_file("theme = 3\n");
    let e = resolve_args(bad.path(), &["check", "--demo"]).unwrap_err();
    assert!(
        matches!(e, StartupError::Config(ConfigError::Invalid { .. })),
        "{e:?}"
    );

    let e = resolve_args(std::path::Path::new("/nonexistent/c.toml"), &[]).unwrap_err();
    assert!(
        matches!(e, StartupError::Config(ConfigError::Read { .. })),
        "{e:?}"
    );

    let e = resolve_args(cfg.path(), &["--bogus"]).unwrap_err();
    assert!(matches!(e, StartupError::Flags(_)), "{e:?}");
    assert_eq!(e.exit_code(), crate::exit::ExitCode::CannotRun);
}
