//! Recordings: every fetched update and live sample as JSON Lines, with the time it was
//! merged, so that a short outage can be judged again later (`replay`, `check --replay`).
//!
//! A recording is a sequence of [`Line`]s, each naming its cluster:
//! - `begin` starts a cluster's model afresh, with its context and refresh intervals;
//! - `update` is one [`Fetched`] as [`crate::model::Model::apply`] merged it;
//! - `judged` marks the end of one complete collection (`check`, each `serve` refresh);
//!   the interactive view never writes it, its model being continuous.
//!
//! The file is bounded: past its size limit it is rotated (`FILE` becomes `FILE.1`, and so
//! on up to the number kept) and the new file starts with each cluster's `begin` and the
//! last update of every source, so that every file replays on its own.

pub mod replay;

use crate::model::proxy::ProxyEnv;
use crate::model::{Context, Fetched, Model, Refresh};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The format this build writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    pub at: DateTime<Utc>,
    pub cluster: String,
    pub event: Event,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Begin(Box<Begin>),
    Update(Box<Fetched>),
    Judged,
}

/// What a model starts from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Begin {
    pub version: u32,
    pub context: Context,
    /// The CA of an API named by URL or of a Lattice service, which reports leave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_data: Option<String>,
    pub refresh_ms: RefreshMs,
    #[serde(default)]
    pub proxy: ProxyEnv,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RefreshMs {
    pub fast: u64,
    pub slow: u64,
    pub live: u64,
}

impl Begin {
    pub fn of(model: &Model) -> Self {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let ca_data = match &model.context.api {
            crate::model::Api::Server(s) => s.ca_data.clone(),
            crate::model::Api::Lattice(l) => l.ca_data.clone(),
            crate::model::Api::Eks => None,
        };
        Self {
            version: VERSION,
            context: model.context.clone(),
            ca_data,
            refresh_ms: RefreshMs {
                fast: ms(model.refresh.fast),
                slow: ms(model.refresh.slow),
                live: ms(model.refresh.live),
            },
            proxy: model.proxy.clone(),
        }
    }

    /// The empty model this line starts.
    pub fn model(&self) -> Model {
        let mut context = self.context.clone();
        match &mut context.api {
            crate::model::Api::Server(s) => s.ca_data.clone_from(&self.ca_data),
            crate::model::Api::Lattice(l) => l.ca_data.clone_from(&self.ca_data),
            crate::model::Api::Eks => {}
        }
        let mut m = Model::new(context);
        m.refresh = Refresh {
            fast: Duration::from_millis(self.refresh_ms.fast),
            slow: Duration::from_millis(self.refresh_ms.slow),
            live: Duration::from_millis(self.refresh_ms.live),
        };
        m.proxy = self.proxy.clone();
        m
    }
}

/// How large a recording may grow.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Rotate once the file holds this many bytes.
    pub max_bytes: u64,
    /// Rotated files kept beside the current one (`FILE.1` is the newest).
    pub keep: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            keep: 2,
        }
    }
}

/// Writes one recording; shared by every poller that records into it.
pub struct Recorder {
    inner: Mutex<Writer>,
}

struct Writer {
    path: PathBuf,
    file: Option<std::fs::File>,
    written: u64,
    limits: Limits,
    /// Each cluster's `begin` and the last update of each of its sources, for the start
    /// of the next file.
    begins: BTreeMap<String, Line>,
    last: BTreeMap<(String, String), Line>,
}

impl Recorder {
    /// Start recording into `path`; a file already there is rotated away first.
    pub fn create(path: &Path, limits: Limits) -> std::io::Result<Arc<Self>> {
        let mut w = Writer {
            path: path.to_path_buf(),
            file: None,
            written: 0,
            limits,
            begins: BTreeMap::new(),
            last: BTreeMap::new(),
        };
        if path.exists() {
            w.shift()?;
        }
        w.file = Some(open(path)?);
        Ok(Arc::new(Self {
            inner: Mutex::new(w),
        }))
    }

    /// `cluster`'s model starts afresh from `model` (empty but for its context).
    pub fn begin(&self, cluster: &str, model: &Model, at: DateTime<Utc>) {
        self.write(Line {
            at,
            cluster: cluster.to_string(),
            event: Event::Begin(Box::new(Begin::of(model))),
        });
    }

    pub fn update(&self, cluster: &str, update: &Fetched, at: DateTime<Utc>) {
        self.write(Line {
            at,
            cluster: cluster.to_string(),
            event: Event::Update(Box::new(update.clone())),
        });
    }

    /// One complete collection of `cluster` ends here.
    pub fn judged(&self, cluster: &str, at: DateTime<Utc>) {
        self.write(Line {
            at,
            cluster: cluster.to_string(),
            event: Event::Judged,
        });
    }

    fn write(&self, line: Line) {
        let Ok(mut w) = self.inner.lock() else {
            return;
        };
        if w.file.is_none() {
            return;
        }
        if let Err(e) = w.write(line) {
            // A full disk stops the recording, never the view or the exporter.
            tracing::warn!("recording into {} stopped: {e}", w.path.display());
            w.file = None;
        }
    }
}

impl Writer {
    fn write(&mut self, line: Line) -> std::io::Result<()> {
        let text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
        if self.written > 0 && self.written + text.len() as u64 + 1 > self.limits.max_bytes {
            self.rotate()?;
        }
        self.remember(&line);
        self.append(&text)
    }

    fn append(&mut self, text: &str) -> std::io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        // One write per line: a crash loses at most the line being written.
        let mut buf = Vec::with_capacity(text.len() + 1);
        buf.extend_from_slice(text.as_bytes());
        buf.push(b'\n');
        file.write_all(&buf)?;
        self.written += buf.len() as u64;
        Ok(())
    }

    fn remember(&mut self, line: &Line) {
        let cluster = line.cluster.clone();
        match &line.event {
            Event::Begin(_) => {
                self.last.retain(|(c, _), _| *c != cluster);
                self.begins.insert(cluster, line.clone());
            }
            Event::Update(f) => {
                let key = match &**f {
                    Fetched::Dns(_) => "dns".to_string(),
                    Fetched::Probe(p) => format!("probe {}", p.ip),
                    other => other.source().map_or("", |s| s.spec().name).to_string(),
                };
                self.last.insert((cluster, key), line.clone());
            }
            Event::Judged => {}
        }
    }

    /// Move the full file aside and start the next one with what each cluster holds.
    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        self.shift()?;
        self.file = Some(open(&self.path)?);
        self.written = 0;
        let mut carried: Vec<Line> = Vec::new();
        for (cluster, begin) in &self.begins {
            carried.push(begin.clone());
            let start = carried.len();
            carried.extend(
                self.last
                    .iter()
                    .filter(|((c, _), _)| c == cluster)
                    .map(|(_, l)| l.clone()),
            );
            carried[start..].sort_by_key(|l| l.at);
        }
        for line in carried {
            let text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
            self.append(&text)?;
        }
        Ok(())
    }

    /// `FILE.N-1` → `FILE.N`, …, `FILE` → `FILE.1`; the oldest beyond `keep` goes.
    fn shift(&self) -> std::io::Result<()> {
        let keep = self.limits.keep;
        if keep == 0 {
            return std::fs::remove_file(&self.path).or_else(ignore_missing);
        }
        std::fs::remove_file(rotated(&self.path, keep)).or_else(ignore_missing)?;
        for n in (1..keep).rev() {
            std::fs::rename(rotated(&self.path, n), rotated(&self.path, n + 1))
                .or_else(ignore_missing)?;
        }
        std::fs::rename(&self.path, rotated(&self.path, 1)).or_else(ignore_missing)
    }
}

fn ignore_missing(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

/// `FILE.n`.
pub fn rotated(path: &Path, n: u32) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)
}

/// A recorder and the name its lines carry.
#[derive(Clone)]
pub struct Tap {
    pub recorder: Arc<Recorder>,
    /// The cluster's name in the fleet; the cluster's own name when `None`.
    pub cluster: Option<String>,
}

impl Tap {
    pub fn name<'a>(&'a self, model: &'a Model) -> &'a str {
        self.cluster
            .as_deref()
            .unwrap_or(&model.context.cluster_name)
    }
}

#[cfg(test)]
mod tests;
