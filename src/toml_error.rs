//! Where a TOML file went wrong, in the words a user can act on: the line number, the line
//! as written (so the key and the value show), and the parser's complaint on one line.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlProblem {
    /// 1-based line number and that line, trimmed; `None` when the parser gave no position.
    pub line: Option<(usize, String)>,
    /// The parser's message, folded onto one line.
    pub message: String,
}

impl TomlProblem {
    pub fn new(text: &str, e: &toml::de::Error) -> Self {
        let line = e.span().map(|span| line_at(text, span.start));
        Self {
            line,
            message: e.message().trim().replace('\n', " "),
        }
    }

    /// A problem found after parsing, at a place the parser reported (`span` in `text`).
    pub fn at(text: &str, span: std::ops::Range<usize>, message: impl Into<String>) -> Self {
        Self {
            line: Some(line_at(text, span.start)),
            message: message.into(),
        }
    }

    pub fn line_number(&self) -> Option<usize> {
        self.line.as_ref().map(|(n, _)| *n)
    }
}

/// The 1-based line holding byte `at`, and that line trimmed.
fn line_at(text: &str, at: usize) -> (usize, String) {
    let n = text[..at.min(text.len())].matches('\n').count() + 1;
    (n, text.lines().nth(n - 1).unwrap_or("").trim().to_string())
}

/// Written to follow a file name: `, line N (text): message`, or `: message`.
impl fmt::Display for TomlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.line {
            Some((n, text)) => write!(f, ", line {n} ({text}): {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}
