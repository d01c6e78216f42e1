//! `eksnet-tui replay FILE`: the interactive view over a recording. Time runs from the
//! recording's start at the chosen speed; space pauses, `.` steps one line, `[` and `]`
//! seek a minute, `<` and `>` halve and double the speed, `@` seeks to a typed time.

use crate::app::{App, Effect, Msg};
use crate::cli::Opts;
use crate::exit::ExitCode;
use crate::record::replay::{Change, Player, Recording, ReplayError, parse_time};
use crate::startup::StartupError;
use crate::terminal;
use crate::ui::theme::Theme;
use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

/// More lines than this at once are merged without judging each.
const BATCH: usize = 64;
const MAX_SPEED: u32 = 256;

pub async fn run(opts: &Opts, file: &Path) -> Result<ExitCode, StartupError> {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if !std::io::stdout().is_terminal() || dumb {
        return Err(StartupError::NotATerminal);
    }
    let (config, mut themes) = crate::startup::config_and_themes(opts)?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        themes = themes.into_iter().map(Theme::monochrome).collect();
    }
    let rec = Recording::read(file)?;
    let cluster = rec.cluster(opts.cluster.as_deref())?;
    let mut replay = Replay::new(&rec, &cluster).ok_or_else(|| ReplayError::Empty {
        path: file.to_path_buf(),
    })?;
    let model = replay.player.model().cloned().ok_or(ReplayError::Empty {
        path: file.to_path_buf(),
    })?;
    let mut app = App::new(model, themes);
    app.keymap = config.keymap.clone();
    if let Some(p) = &rec.problem {
        app.ui.status = Some(format!(
            "line {} cannot be read ({}); replaying the {} line(s) before it",
            p.line,
            p.message,
            rec.lines.len()
        ));
    }
    replay.show(&mut app);
    event_loop(&mut app, &mut replay)
        .await
        .map_err(StartupError::Terminal)
}

/// Where the replay stands.
pub struct Replay<'a> {
    pub player: Player<'a>,
    pub playing: bool,
    pub speed: u32,
    /// The recording's time shown.
    pub now: DateTime<Utc>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    /// The time being typed after `@`.
    seeking: Option<String>,
}

impl<'a> Replay<'a> {
    /// Positioned on the cluster's first model.
    pub fn new(rec: &'a Recording, cluster: &str) -> Option<Self> {
        let (start, end) = rec.span(cluster)?;
        let mut player = Player::new(rec, cluster);
        while player.model().is_none() {
            player.step()?;
        }
        let now = player.at.unwrap_or(start);
        Some(Self {
            player,
            playing: true,
            speed: 1,
            now,
            start,
            end,
            seeking: None,
        })
    }

    /// Merge every line up to `to` into the view.
    pub fn advance(&mut self, app: &mut App, to: DateTime<Utc>) {
        let to = to.min(self.end);
        if self.player.lines_until(to) > BATCH {
            // A long jump: merge directly and judge once.
            self.player.advance_to(to);
            self.replace(app, to);
        } else {
            while self.player.next_at().is_some_and(|t| t <= to) {
                self.step(app);
            }
        }
        self.now = to.max(self.now);
        if self.now >= self.end {
            self.playing = false;
        }
    }

    /// One line of the recording.
    pub fn step(&mut self, app: &mut App) {
        match self.player.step() {
            Some(Change::Applied(f)) => {
                let at = self.player.at.unwrap_or(self.now);
                app.update(Msg::Fetched(f), at);
                self.now = at;
            }
            Some(Change::Replaced) => {
                let at = self.player.at.unwrap_or(self.now);
                self.replace(app, at);
                self.now = at;
            }
            Some(Change::Pending) => self.now = self.player.at.unwrap_or(self.now),
            None => self.playing = false,
        }
    }

    /// Go to `to`, back or forth.
    pub fn seek(&mut self, app: &mut App, to: DateTime<Utc>) {
        let to = to.clamp(self.start, self.end);
        if to < self.now {
            self.player.seek(to);
            self.now = to;
            self.replace(app, to);
        } else {
            self.advance(app, to);
        }
    }

    fn replace(&self, app: &mut App, at: DateTime<Utc>) {
        if let Some(m) = self.player.model() {
            app.replace_model(m.clone(), at);
        }
    }

    /// The header's banner, the `@` prompt in the footer.
    pub fn show(&self, app: &mut App) {
        let (done, total) = self.player.position();
        let banner = Some(format!(
            "REPLAY {} {} {}× · line {done}/{total}",
            self.now.format("%Y-%m-%d %H:%M:%S"),
            if self.playing { "▶" } else { "⏸" },
            self.speed
        ));
        let status = self
            .seeking
            .as_ref()
            .map(|typed| format!("seek to (09:41, 09:41:30, +5m, or an RFC 3339 time): {typed}▏"));
        // Redraw only for a change: a paused replay stays idle.
        if app.ui.replay != banner {
            app.ui.replay = banner;
            app.dirty = true;
        }
        if status.is_some() && app.ui.status != status {
            app.ui.status = status;
            app.dirty = true;
        }
    }

    /// The replay's own keys; `false` leaves the key to the view.
    pub fn key(&mut self, app: &mut App, k: &KeyEvent) -> bool {
        if let Some(typed) = &mut self.seeking {
            match k.code {
                KeyCode::Esc => {
                    self.seeking = None;
                    app.ui.status = None;
                }
                KeyCode::Enter => {
                    let text = std::mem::take(typed);
                    self.seeking = None;
                    app.ui.status = match parse_time(&text, self.start) {
                        Some(t) => {
                            self.seek(app, t);
                            None
                        }
                        None => Some(format!(
                            "cannot seek to '{text}': give 09:41, 09:41:30, +5m or 2026-11-02T09:41:00Z"
                        )),
                    };
                }
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) if typed.chars().count() < 40 => typed.push(c),
                _ => {}
            }
            return true;
        }
        // Typing a filter or a command, or reading help: the keys are the view's.
        if app.ui.context() != crate::keymap::Context::Main
            && app.ui.context() != crate::keymap::Context::List
            && app.ui.context() != crate::keymap::Context::Detail
        {
            return false;
        }
        if !k.modifiers.difference(KeyModifiers::SHIFT).is_empty() {
            return false;
        }
        let minute = chrono::Duration::minutes(1);
        match k.code {
            KeyCode::Char(' ') => {
                if self.now >= self.end {
                    self.seek(app, self.start);
                }
                self.playing = !self.playing;
            }
            KeyCode::Char('.') => {
                self.playing = false;
                self.step(app);
            }
            KeyCode::Char(']') => self.seek(app, self.now + minute),
            KeyCode::Char('[') => self.seek(app, self.now - minute),
            KeyCode::Char('>') => self.speed = (self.speed * 2).min(MAX_SPEED),
            KeyCode::Char('<') => self.speed = (self.speed / 2).max(1),
            KeyCode::Char('@') => self.seeking = Some(String::new()),
            KeyCode::Char('r') => {
                app.ui.status = Some("a replay reads nothing: r does not refresh".into())
            }
            _ => return false,
        }
        true
    }
}

async fn event_loop(app: &mut App, replay: &mut Replay<'_>) -> std::io::Result<ExitCode> {
    let (mut term, _guard) = terminal::init()?;
    let size = term.size()?;
    app.update(
        Msg::Input(Event::Resize(size.width, size.height)),
        replay.now,
    );
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last = tokio::time::Instant::now();
    let mut term_sig = signal(SignalKind::terminate())?;
    let mut hup_sig = signal(SignalKind::hangup())?;
    loop {
        replay.show(app);
        if app.dirty {
            term.draw(|f| app.render(f, replay.now))?;
            app.dirty = false;
        }
        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    if crate::keymap::is_ctrl_c(&k) {
                        return Ok(ExitCode::Interrupted);
                    }
                    if !replay.key(app, &k) {
                        for effect in app.update(Msg::Input(Event::Key(k)), replay.now) {
                            match effect {
                                Effect::Quit => return Ok(ExitCode::Ok),
                                Effect::Copy(text) => terminal::copy_osc52(&text)?,
                                Effect::Refresh | Effect::Switch(_) => {}
                            }
                        }
                    }
                }
                Some(Ok(e)) => {
                    app.update(Msg::Input(e), replay.now);
                }
                Some(Err(e)) => return Err(e),
                None => return Ok(ExitCode::Ok),
            },
            _ = term_sig.recv() => return Ok(ExitCode::Terminated),
            _ = hup_sig.recv() => return Ok(ExitCode::Hangup),
            _ = tick.tick() => {
                let elapsed = last.elapsed();
                last = tokio::time::Instant::now();
                if replay.playing {
                    let ahead = chrono::Duration::from_std(elapsed * replay.speed).unwrap_or_default();
                    replay.advance(app, replay.now + ahead);
                }
            }
        }
    }
}
