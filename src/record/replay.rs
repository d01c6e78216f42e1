//! Reading a recording back: the lines that parse, the first one that does not, and a
//! player that rebuilds one cluster's model at any time of the recording.

use super::{Event, Line, VERSION};
use crate::model::{Fetched, Model};
use chrono::{DateTime, Utc};
use std::io::BufRead;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read the recording {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line} is not a recording line ({message}), and nothing before it is")]
    Corrupt {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path} holds no recording: it is empty")]
    Empty { path: PathBuf },
    #[error(
        "{path} line {line} is in recording format {found}; this eksnet-tui reads format {VERSION}"
    )]
    Version {
        path: PathBuf,
        line: usize,
        found: u32,
    },
    #[error("{path} records several clusters ({names}): choose one with --cluster")]
    ChooseCluster { path: PathBuf, names: String },
    #[error("{path} records no cluster named {name}; it records: {names}")]
    UnknownCluster {
        path: PathBuf,
        name: String,
        names: String,
    },
    #[error("--at {at}: the recording of {cluster} runs from {start} to {end}")]
    OutOfRange {
        at: String,
        cluster: String,
        start: String,
        end: String,
    },
    #[error(
        "--at {0}: give a time as 2026-11-02T09:41:00Z, 09:41 or 09:41:30 (UTC, on the recording's first day), or +90s / +5m / +1h2m from its start"
    )]
    BadTime(String),
}

/// The first line that could not be read; the lines before it are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

pub struct Recording {
    pub path: PathBuf,
    pub lines: Vec<Line>,
    pub problem: Option<Problem>,
}

impl Recording {
    /// Every line up to the first that does not parse (a truncated last line, a corrupt
    /// one): those are kept and the problem says where reading stopped.
    pub fn read(path: &Path) -> Result<Self, ReplayError> {
        let file = std::fs::File::open(path).map_err(|source| ReplayError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut lines = Vec::new();
        let mut problem = None;
        for (i, text) in std::io::BufReader::new(file).lines().enumerate() {
            let n = i + 1;
            let parsed = text
                .map_err(|e| e.to_string())
                .and_then(|t| parse(&t).map_err(|e| e.to_string()));
            match parsed {
                Ok(None) => {}
                Ok(Some(line)) => {
                    if let Event::Begin(b) = &line.event
                        && b.version != VERSION
                    {
                        return Err(ReplayError::Version {
                            path: path.to_path_buf(),
                            line: n,
                            found: b.version,
                        });
                    }
                    lines.push(line)
                }
                Err(message) => {
                    problem = Some(Problem { line: n, message });
                    break;
                }
            }
        }
        match (lines.is_empty(), problem) {
            (true, Some(p)) => Err(ReplayError::Corrupt {
                path: path.to_path_buf(),
                line: p.line,
                message: p.message,
            }),
            (true, None) => Err(ReplayError::Empty {
                path: path.to_path_buf(),
            }),
            (false, problem) => Ok(Self {
                path: path.to_path_buf(),
                lines,
                problem,
            }),
        }
    }

    /// The clusters recorded, in order of first appearance.
    pub fn clusters(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for l in &self.lines {
            if !names.contains(&l.cluster) {
                names.push(l.cluster.clone());
            }
        }
        names
    }

    /// `name`, or the only cluster when `None`.
    pub fn cluster(&self, name: Option<&str>) -> Result<String, ReplayError> {
        let names = self.clusters();
        let list = names.join(", ");
        match name {
            Some(n) if names.iter().any(|c| c == n) => Ok(n.to_string()),
            Some(n) => Err(ReplayError::UnknownCluster {
                path: self.path.clone(),
                name: n.to_string(),
                names: list,
            }),
            None if names.len() == 1 => Ok(names[0].clone()),
            None => Err(ReplayError::ChooseCluster {
                path: self.path.clone(),
                names: list,
            }),
        }
    }

    /// When `cluster`'s first and last lines were written.
    pub fn span(&self, cluster: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let first = self.lines.iter().find(|l| l.cluster == cluster)?.at;
        let last = self.lines.iter().rev().find(|l| l.cluster == cluster)?.at;
        Some((first, last))
    }

    /// `cluster`'s model as it stood at `at`, from the start of the recording.
    pub fn state_at(&self, cluster: &str, at: DateTime<Utc>) -> Option<Model> {
        let mut p = Player::new(self, cluster);
        p.advance_to(at);
        p.model().cloned()
    }

    /// `--at`: an RFC 3339 time, a time of day on the first day of the recording, or an
    /// offset from its start; the end of the recording without one.
    pub fn time(&self, cluster: &str, at: Option<&str>) -> Result<DateTime<Utc>, ReplayError> {
        let (start, end) = self.span(cluster).ok_or_else(|| ReplayError::Empty {
            path: self.path.clone(),
        })?;
        let Some(text) = at else {
            return Ok(end);
        };
        let t = parse_time(text, start).ok_or_else(|| ReplayError::BadTime(text.to_string()))?;
        if t < start {
            return Err(ReplayError::OutOfRange {
                at: text.to_string(),
                cluster: cluster.to_string(),
                start: start.to_rfc3339(),
                end: end.to_rfc3339(),
            });
        }
        Ok(t)
    }
}

fn parse(text: &str) -> Result<Option<Line>, serde_json::Error> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text).map(Some)
}

/// `2026-11-02T09:41:00Z`, `09:41`, `09:41:30` (UTC, on `start`'s day), `+90s`, `+1h2m`.
pub fn parse_time(text: &str, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(offset) = text.strip_prefix('+') {
        return parse_offset(offset).map(|d| start + d);
    }
    let fmt = if text.len() > 5 { "%H:%M:%S" } else { "%H:%M" };
    let time = chrono::NaiveTime::parse_from_str(text, fmt).ok()?;
    Some(start.date_naive().and_time(time).and_utc())
}

/// `90s`, `5m`, `1h2m3s`.
fn parse_offset(text: &str) -> Option<chrono::Duration> {
    let mut total = chrono::Duration::zero();
    let mut digits = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        total += match ch {
            'h' => chrono::Duration::hours(n),
            'm' => chrono::Duration::minutes(n),
            's' => chrono::Duration::seconds(n),
            _ => return None,
        };
    }
    if !digits.is_empty() || text.is_empty() {
        return None;
    }
    Some(total)
}

/// What one step did to the model shown.
#[derive(Debug)]
pub enum Change {
    /// This update was merged into the model shown.
    Applied(Box<Fetched>),
    /// The model shown was replaced: a new start, or a collection completed.
    Replaced,
    /// Nothing visible: a line of a collection still in progress.
    Pending,
}

/// One cluster's model, line by line through a recording. A cluster whose collections end
/// in `judged` lines (check, serve) shows the last complete one; an interactive view's
/// recording shows every update as it came.
pub struct Player<'a> {
    rec: &'a Recording,
    cluster: String,
    next: usize,
    shown: Option<Model>,
    building: Option<Model>,
    judged: bool,
    /// The time of the last line applied.
    pub at: Option<DateTime<Utc>>,
}

impl<'a> Player<'a> {
    pub fn new(rec: &'a Recording, cluster: &str) -> Self {
        let judged = rec
            .lines
            .iter()
            .any(|l| l.cluster == cluster && matches!(l.event, Event::Judged));
        Self {
            rec,
            cluster: cluster.to_string(),
            next: 0,
            shown: None,
            building: None,
            judged,
            at: None,
        }
    }

    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The model at the current position; a collection in progress when none is complete.
    pub fn model(&self) -> Option<&Model> {
        self.shown.as_ref().or(self.building.as_ref())
    }

    /// The time of the next line of this cluster.
    pub fn next_at(&self) -> Option<DateTime<Utc>> {
        self.rec.lines[self.next..]
            .iter()
            .find(|l| l.cluster == self.cluster)
            .map(|l| l.at)
    }

    /// Lines of this cluster applied so far, and in all.
    pub fn position(&self) -> (usize, usize) {
        let mine = |l: &&Line| l.cluster == self.cluster;
        let done = self.rec.lines[..self.next].iter().filter(mine).count();
        (
            done,
            done + self.rec.lines[self.next..].iter().filter(mine).count(),
        )
    }

    /// Lines of this cluster still to apply up to `at`.
    pub fn lines_until(&self, at: DateTime<Utc>) -> usize {
        self.rec.lines[self.next..]
            .iter()
            .filter(|l| l.cluster == self.cluster)
            .take_while(|l| l.at <= at)
            .count()
    }

    /// Apply this cluster's next line; `None` at the end.
    pub fn step(&mut self) -> Option<Change> {
        let i = self.rec.lines[self.next..]
            .iter()
            .position(|l| l.cluster == self.cluster)?
            + self.next;
        self.next = i + 1;
        let line = &self.rec.lines[i];
        self.at = Some(line.at);
        Some(match &line.event {
            Event::Begin(b) if self.judged => {
                self.building = Some(b.model());
                Change::Pending
            }
            Event::Begin(b) => {
                self.shown = Some(b.model());
                Change::Replaced
            }
            Event::Update(f) => {
                let target = if self.judged {
                    self.building.as_mut()
                } else {
                    self.shown.as_mut()
                };
                match target {
                    Some(m) => {
                        m.apply((**f).clone(), line.at);
                        if self.judged {
                            Change::Pending
                        } else {
                            Change::Applied(f.clone())
                        }
                    }
                    None => Change::Pending,
                }
            }
            Event::Judged => match self.building.take() {
                Some(m) => {
                    self.shown = Some(m);
                    Change::Replaced
                }
                None => Change::Pending,
            },
        })
    }

    /// Apply every line up to and including `at`.
    pub fn advance_to(&mut self, at: DateTime<Utc>) {
        while self.next_at().is_some_and(|t| t <= at) {
            self.step();
        }
    }

    /// Go to `at`, from the start when it lies behind.
    pub fn seek(&mut self, at: DateTime<Utc>) {
        if self.at.is_some_and(|now| at < now) {
            *self = Player::new(self.rec, &self.cluster.clone());
        }
        self.advance_to(at);
    }
}
