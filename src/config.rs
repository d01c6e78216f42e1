//! The optional config file: `--config PATH`, else `$XDG_CONFIG_HOME/eksnet-tui/config.toml`
//! (or `~/.config/...`). Flags win over the file.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A built-in theme name or a theme file path.
    pub theme: Option<String>,
    /// Seconds between live DNS samples and probes in the interactive view.
    pub interval: Option<f64>,
    /// Seconds between polls of ENIs and target health.
    pub refresh: Option<f64>,
}

pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("eksnet-tui").join("config.toml"))
}

/// The explicit file must exist; the default one may be absent.
pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
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
        Err(e) => return Err(format!("cannot read config file {}: {e}", path.display())),
    };
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, origin: &str) -> Result<Config, String> {
    let cfg: Config = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => {
                let n = text[..span.start.min(text.len())].matches('\n').count() + 1;
                let line = text.lines().nth(n - 1).unwrap_or("").trim();
                format!("config {origin}, line {n} ({line}): {msg}; accepted keys: theme, interval, refresh")
            }
            None => format!("config {origin}: {msg}"),
        }
    })?;
    for (key, v) in [("interval", cfg.interval), ("refresh", cfg.refresh)] {
        if let Some(v) = v
            && !(0.1..=3600.0).contains(&v)
        {
            return Err(format!(
                "config {origin}: {key} = {v} is out of range; accepted: 0.1 to 3600 seconds"
            ));
        }
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_configs() {
        let c = parse("theme = \"light\"\ninterval = 5\n", "c.toml").unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.interval, Some(5.0));
        let e = parse("colour = 1\n", "c.toml").unwrap_err();
        assert!(
            e.contains("c.toml, line 1") && e.contains("colour") && e.contains("accepted keys"),
            "{e}"
        );
        let e = parse("interval = -1\n", "c.toml").unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        assert!(
            load(Some(Path::new("/nonexistent/x.toml")))
                .unwrap_err()
                .contains("cannot read")
        );
    }
}
