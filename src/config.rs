//! The optional config file: `--config PATH`, else `$XDG_CONFIG_HOME/eksnet-tui/config.toml`
//! (or `~/.config/...`). Flags win over the file.

use crate::keymap::{Action, Key, Keymap};
use crate::toml_error::TomlProblem;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

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
    /// `[keys]`: an action's keys, replacing its defaults, e.g. `quit = ["q", "ctrl-c"]`.
    #[serde(default)]
    pub keys: BTreeMap<Action, Spanned<Vec<Spanned<Key>>>>,
    /// The keys in force: the defaults with `keys` applied, free of conflicts.
    #[serde(skip)]
    pub keymap: Keymap,
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

const ACCEPTED_KEYS: &str = "theme, interval, refresh, [keys]";

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
    /// A `[keys]` entry that leaves an action without keys, or binds a key twice.
    #[error("config {origin}{problem}")]
    Keys {
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

/// Only an unknown key needs the list; a wrong value has a key that exists.
fn accepted_keys(p: &TomlProblem) -> String {
    match p.line {
        Some(_) if p.message.starts_with("unknown field") => {
            format!("; accepted keys: {ACCEPTED_KEYS}")
        }
        _ => String::new(),
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
    let mut cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
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
    cfg.keymap = keymap(&cfg.keys).map_err(|(span, message)| ConfigError::Keys {
        origin: origin.to_string(),
        problem: TomlProblem::at(text, span, message),
    })?;
    Ok(cfg)
}

type KeysTable = BTreeMap<Action, Spanned<Vec<Spanned<Key>>>>;

/// The defaults with the `[keys]` entries applied; a problem comes with where it is written.
fn keymap(keys: &KeysTable) -> Result<Keymap, (std::ops::Range<usize>, String)> {
    let mut map = Keymap::default();
    for (action, list) in keys {
        if list.get_ref().is_empty() {
            return Err((
                list.span(),
                format!(
                    "{} has no key; accepted: a list of keys, e.g. [\"q\", \"ctrl-c\"]",
                    action.name()
                ),
            ));
        }
        map.rebind(
            *action,
            list.get_ref().iter().map(|k| *k.get_ref()).collect(),
        );
    }
    match map.conflict() {
        None => Ok(map),
        Some(c) => {
            // Point at the entry that brought the key in; a default binds nothing twice.
            let span = c
                .actions
                .iter()
                .rev()
                .filter_map(|a| keys.get(a))
                .flat_map(|list| list.get_ref())
                .find(|k| *k.get_ref() == c.key)
                .map_or(0..0, |k| k.span());
            Err((span, format!("{c}; give one of them other keys")))
        }
    }
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

    #[test]
    fn keys_rebind_actions() {
        let c = parse(
            "theme = \"light\"\n[keys]\nquit = [\"x\", \"ctrl-c\"]\ndown = [\"j\", \"down\", \"ctrl-n\"]\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.keymap.keys(Action::Quit), [Key::ch('x'), Key::ctrl('c')]);
        assert_eq!(c.keymap.keys(Action::Down)[2], Key::ctrl('n'));
        assert_eq!(
            c.keymap.keys(Action::Up),
            Keymap::default().keys(Action::Up)
        );
        assert_eq!(parse("", "c.toml").unwrap().keymap, Keymap::default());
    }

    fn keys_error(text: &str) -> (ConfigError, String) {
        let e = parse(text, "c.toml").unwrap_err();
        let msg = e.to_string();
        (e, msg)
    }

    #[test]
    fn an_unknown_action_names_file_line_and_the_actions() {
        let (e, msg) = keys_error("[keys]\nquit = [\"q\"]\nfrobnicate = [\"f\"]\n");
        assert!(matches!(e, ConfigError::Invalid { .. }), "{e:?}");
        assert!(
            msg.starts_with("config c.toml, line 3 (frobnicate = [\"f\"]): ")
                && msg.contains("frobnicate")
                && msg.contains("`page-down`")
                && msg.contains("`cycle-theme`"),
            "{msg}"
        );
        assert!(!msg.contains("accepted keys"), "{msg}");
    }

    #[test]
    fn a_bad_key_names_file_line_value_and_the_accepted_forms() {
        let (e, msg) = keys_error("[keys]\n\nup = [\"k\", \"ctrl-\"]\n");
        assert!(matches!(e, ConfigError::Invalid { .. }), "{e:?}");
        assert!(
            msg.starts_with("config c.toml, line 3 (up = [\"k\", \"ctrl-\"]): ")
                && msg.contains("invalid key \"ctrl-\"")
                && msg.contains("accepted: a single character"),
            "{msg}"
        );
    }

    #[test]
    fn conflicting_and_empty_bindings_name_file_and_line() {
        let (e, msg) = keys_error("[keys]\nquit = [\"q\"]\nrefresh = [\"r\", \"j\"]\n");
        let ConfigError::Keys { problem, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(problem.line_number(), Some(3));
        assert_eq!(
            msg,
            "config c.toml, line 3 (refresh = [\"r\", \"j\"]): key j is bound to both \
             down and refresh in the main context; give one of them other keys"
        );
        // Two rebound actions that collide: the line of either names the key.
        let (_, msg) = keys_error("[keys]\nsort = [\"f\"]\nfilter = [\"f\"]\n");
        assert!(
            msg.contains("line 2 (sort") || msg.contains("line 3 (filter"),
            "{msg}"
        );
        assert!(
            msg.contains("key f is bound to both filter and sort"),
            "{msg}"
        );
        let (e, msg) = keys_error("[keys]\nquit = []\n");
        assert!(matches!(e, ConfigError::Keys { .. }), "{e:?}");
        assert!(
            msg.starts_with("config c.toml, line 2 (quit = []): quit has no key"),
            "{msg}"
        );
    }
}
