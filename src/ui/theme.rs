//! Colour themes: TOML files of named roles, compiled in or loaded by path.

use crate::toml_error::TomlProblem;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::path::Path;

/// The built-in themes, in the order `t` cycles them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("solarized", include_str!("../../themes/solarized.toml")),
];

const NAMED: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark-gray", Color::DarkGray),
    ("light-red", Color::LightRed),
    ("light-green", Color::LightGreen),
    ("light-yellow", Color::LightYellow),
    ("light-blue", Color::LightBlue),
    ("light-magenta", Color::LightMagenta),
    ("light-cyan", Color::LightCyan),
    ("white", Color::White),
];

/// A colour as written in a theme file: a name, `#rrggbb`, or a 256-colour index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeColor(pub Color);

impl<'de> Deserialize<'de> for ThemeColor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_color(&s)
            .map(ThemeColor)
            .map_err(serde::de::Error::custom)
    }
}

/// A colour value that is none of the accepted forms; its text is what the file says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid colour \"{0}\"; accepted: {names}, #rrggbb, or 0-255", names = color_names())]
pub struct InvalidColor(pub String);

fn color_names() -> String {
    NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

pub fn parse_color(s: &str) -> Result<Color, InvalidColor> {
    let lower = s.trim().to_ascii_lowercase();
    if let Some((_, c)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Ok(*c);
    }
    if let Some(hex) = lower.strip_prefix('#')
        && hex.len() == 6
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return Ok(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    if let Ok(i) = lower.parse::<u8>() {
        return Ok(Color::Indexed(i));
    }
    Err(InvalidColor(s.to_string()))
}

/// Why a theme cannot be used: the file, the line with its key and value, and what is accepted.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// Not TOML, an unknown or missing role, or a colour in none of the accepted forms.
    #[error("theme {origin}{problem}")]
    Invalid {
        origin: String,
        problem: TomlProblem,
    },
    #[error("cannot read theme file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("unknown theme '{name}'; accepted: {}, or a path to a .toml theme file", builtin_names().join(", "))]
    Unknown { name: String },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    pub text: ThemeColor,
    pub muted: ThemeColor,
    pub title: ThemeColor,
    pub accent: ThemeColor,
    pub border: ThemeColor,
    pub focus: ThemeColor,
    pub selection_fg: ThemeColor,
    pub selection_bg: ThemeColor,
    pub ok: ThemeColor,
    pub warn: ThemeColor,
    pub fail: ThemeColor,
    pub unknown: ThemeColor,
    pub skipped: ThemeColor,
    pub info: ThemeColor,
    /// A fix command: readable, set apart from evidence text.
    pub fix: ThemeColor,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub name: String,
    pub colors: Colors,
    /// `NO_COLOR`: every style drops its colours and keeps bold, reverse and underline, so
    /// the selection (reverse) and the focused pane (bold border) still show.
    #[serde(skip)]
    pub mono: bool,
}

/// Styles by role, derived from a theme once.
impl Theme {
    /// The same theme without colours.
    pub fn monochrome(self) -> Self {
        Self { mono: true, ..self }
    }

    fn fg(&self, c: ThemeColor) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c.0)
        }
    }
    pub fn text(&self) -> Style {
        self.fg(self.colors.text)
    }
    pub fn muted(&self) -> Style {
        self.fg(self.colors.muted)
    }
    pub fn title(&self) -> Style {
        self.fg(self.colors.title).add_modifier(Modifier::BOLD)
    }
    pub fn accent(&self) -> Style {
        self.fg(self.colors.accent)
    }
    pub fn border(&self, focused: bool) -> Style {
        let style = self.fg(if focused {
            self.colors.focus
        } else {
            self.colors.border
        });
        if self.mono && focused {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }
    pub fn selection(&self) -> Style {
        if self.mono {
            return Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        Style::default()
            .fg(self.colors.selection_fg.0)
            .bg(self.colors.selection_bg.0)
            .add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(self.colors.ok)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.colors.warn)
    }
    pub fn fail(&self) -> Style {
        self.fg(self.colors.fail).add_modifier(Modifier::BOLD)
    }
    pub fn unknown(&self) -> Style {
        self.fg(self.colors.unknown)
    }
    pub fn skipped(&self) -> Style {
        self.fg(self.colors.skipped)
    }
    pub fn fix(&self) -> Style {
        self.fg(self.colors.fix)
    }
    pub fn info(&self) -> Style {
        self.fg(self.colors.info)
    }
}

pub fn parse(text: &str, origin: &str) -> Result<Theme, ThemeError> {
    toml::from_str::<Theme>(text).map_err(|e| ThemeError::Invalid {
        origin: origin.to_string(),
        problem: TomlProblem::new(text, &e),
    })
}

pub fn builtin(name: &str) -> Option<Theme> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| parse(text, n).expect("built-in themes are valid"))
}

pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// `--theme NAME|PATH`: a built-in name, else a TOML file.
pub fn load(spec: &str) -> Result<Theme, ThemeError> {
    if let Some(t) = builtin(spec) {
        return Ok(t);
    }
    let path = Path::new(spec);
    if path.exists() || spec.ends_with(".toml") || spec.contains('/') {
        let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
            path: spec.to_string(),
            source,
        })?;
        return parse(&text, spec);
    }
    Err(ThemeError::Unknown {
        name: spec.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_in_every_form() {
        assert_eq!(parse_color("Light-Red").unwrap(), Color::LightRed);
        assert_eq!(parse_color("#00ff80").unwrap(), Color::Rgb(0, 255, 128));
        assert_eq!(parse_color("208").unwrap(), Color::Indexed(208));
        let e = parse_color("gren").unwrap_err();
        assert_eq!(e, InvalidColor("gren".into()));
        let e = e.to_string();
        assert!(e.contains("\"gren\"") && e.contains("#rrggbb"), "{e}");
    }

    #[test]
    fn unknown_names_list_the_builtins() {
        let e = load("neon").unwrap_err();
        assert!(
            matches!(&e, ThemeError::Unknown { name } if name == "neon"),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .contains("default, light, high-contrast, solarized"),
            "{e}"
        );
        let e = load("/nonexistent/x.toml").unwrap_err();
        assert!(matches!(e, ThemeError::Read { .. }), "{e:?}");
        assert!(e.to_string().contains("cannot read"), "{e}");
    }
}
