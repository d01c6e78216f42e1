//! The optional config file: `--config PATH`, else `$XDG_CONFIG_HOME/eksnet-tui/config.toml`
//! (or `~/.config/...`). Flags win over the file.

use crate::toml_error::TomlProblem;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A built-in theme name or a theme file path.
    pub theme: Option<String>,
    /// Seconds between live DNS samples and probes in the interactive view.
    #[serde(default, deserialize_with = "seconds")]
    pub interval: Option<f64>,
    /// Seconds between polls of ENIs and target health.
    #[serde(default, deserialize_with = "seconds")]
    pub refresh: Option<f64>,
    /// The file this came from, for messages about its values (not a key in the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// A number of seconds, integer or not; anything else is refused in words.
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct Secs;
    impl serde::de::Visitor<'_> for Secs {
        type Value = f64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number of seconds from 0.1 to 3600, e.g. 2 or 0.5")
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
    }
    d.deserialize_any(Secs).map(Some)
}

const ACCEPTED_KEYS: &str = "theme, interval, refresh";

/// Why the config file cannot be used; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config {origin}{problem}{}", accepted_keys(.problem))]
    Invalid {
        origin: String,
        problem: TomlProblem,
    },
    #[error("config {origin}: {key} = {value} is out of range; accepted: 0.1 to 3600 seconds")]
    OutOfRange {
        origin: String,
        key: &'static str,
        value: f64,
    },
}

/// Only a located problem is about a key; a file the parser could not place is not.
fn accepted_keys(p: &TomlProblem) -> String {
    match p.line {
        Some(_) => format!("; accepted keys: {ACCEPTED_KEYS}"),
        None => String::new(),
    }
}

pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("eksnet-tui").join("config.toml"))
}

/// The explicit file must exist; the default one may be absent.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok(Config::default()),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Config::default());
        }
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    let mut cfg = parse(&text, &path.display().to_string())?;
    cfg.path = Some(path);
    Ok(cfg)
}

pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
    let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
        origin: origin.to_string(),
        problem: TomlProblem::new(text, &e),
    })?;
    for (key, v) in [("interval", cfg.interval), ("refresh", cfg.refresh)] {
        if let Some(value) = v
            && !(0.1..=3600.0).contains(&value)
        {
            return Err(ConfigError::OutOfRange {
                origin: origin.to_string(),
                key,
                value,
            });
        }
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_config() {
        let c = parse("theme = \"light\"\ninterval = 5\n", "c.toml").unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.interval, Some(5.0));
    }

    #[test]
    fn unknown_key_names_file_line_and_accepted_keys() {
        let e = parse("colour = 1\n", "c.toml").unwrap_err();
        let ConfigError::Invalid { problem, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(problem.line_number(), Some(1));
        let e = e.to_string();
        assert!(
            e.contains("c.toml, line 1 (colour = 1)") && e.contains("accepted keys"),
            "{e}"
        );
    }

    #[test]
    fn a_word_for_seconds_says_a_number_is_accepted() {
        let e = parse("interval = \"fast\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("f64"), "{e}");
        assert!(
            e.contains("c.toml, line 1") && e.contains("a number of seconds from 0.1 to 3600"),
            "{e}"
        );
        assert_eq!(parse("refresh = 2\n", "c.toml").unwrap().refresh, Some(2.0));
    }

    #[test]
    fn out_of_range_and_unreadable() {
        let e = parse("interval = -1\n", "c.toml").unwrap_err();
        assert!(
            matches!(e, ConfigError::OutOfRange { key: "interval", value, .. } if value == -1.0),
            "{e:?}"
        );
        assert!(e.to_string().contains("out of range"), "{e}");
        let e = load(Some(Path::new("/nonexistent/x.toml"))).unwrap_err();
        assert!(matches!(e, ConfigError::Read { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("cannot read config file /nonexistent/x.toml: ")
        );
    }
}
