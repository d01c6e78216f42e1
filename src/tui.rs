//! The interactive view: input, ticks and source updates in one loop; redraw only when
//! something visible changed.

use crate::app::{App, Effect, Msg};
use crate::cli::Opts;
use crate::config::{self, Config};
use crate::env::build_env;
use crate::exit::ExitCode;
use crate::model::{Context, Model};
use crate::sources::collect::{CollectError, choose_cluster};
use crate::sources::poll::{self, Intervals, Sources};
use crate::terminal;
use crate::ui::theme;
use crossterm::event::EventStream;
use futures::StreamExt;
use std::io::IsTerminal;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// The chosen theme first, then the other built-ins for `t` to cycle through.
pub fn themes(spec: &str) -> Result<Vec<theme::Theme>, String> {
    let first = theme::load(spec).map_err(|e| e.to_string())?;
    let mut all = vec![first.clone()];
    for name in theme::builtin_names() {
        if name != first.name {
            all.extend(theme::builtin(name));
        }
    }
    Ok(all)
}

pub fn intervals(opts: &Opts, cfg: &Config) -> Intervals {
    let mut every = Intervals::default();
    if let Some(i) = opts.interval.or(cfg.interval.map(Duration::from_secs_f64)) {
        every.live = i;
    }
    if let Some(r) = cfg.refresh {
        every.fast = Duration::from_secs_f64(r);
    }
    every
}

pub async fn run(opts: &Opts) -> ExitCode {
    match prepare(opts).await {
        Ok((app, sources, every)) => match event_loop(opts, app, sources, every).await {
            Ok(()) => ExitCode::Ok,
            Err(e) => {
                terminal::restore();
                eprintln!("eksnet-tui: terminal error: {e}");
                ExitCode::CannotRun
            }
        },
        Err(msg) => {
            eprintln!("eksnet-tui: {msg}");
            ExitCode::CannotRun
        }
    }
}

/// Everything that can fail with a message, before the screen is taken over.
async fn prepare(opts: &Opts) -> Result<(App, Sources, Intervals), String> {
    let cfg = config::load(opts.config.as_deref()).map_err(|e| e.to_string())?;
    let spec = opts
        .theme
        .clone()
        .or_else(|| cfg.theme.clone())
        .unwrap_or_else(|| "default".into());
    let themes = themes(&spec)?;
    if !std::io::stdout().is_terminal() {
        return Err(
            "the interactive view needs a terminal; use 'eksnet-tui check' for a report".into(),
        );
    }
    let env = build_env(opts).await?;
    let cluster = match choose_cluster(env.api.as_ref(), opts.cluster.as_deref()).await {
        Ok(c) => c,
        // Several clusters and nothing to tell them apart: the operator picks one.
        Err(CollectError::ChooseCluster { available, .. }) if available.len() > 1 => {
            let (mut term, _guard) = terminal::init().map_err(|e| e.to_string())?;
            match pick_cluster(&mut term, &available, &themes[0])
                .await
                .map_err(|e| e.to_string())?
            {
                Some(c) => c,
                None => return Err("no cluster chosen".into()),
            }
        }
        Err(e) => return Err(e.to_string()),
    };
    let settings = crate::check::settings(opts, None, opts.demo.is_some());
    let model = Model::new(Context {
        cluster_name: cluster,
        region: env.api.region(),
        source: env.source.clone(),
        live: settings.live,
    });
    let sources = Sources {
        api: env.api,
        resolver: env.resolver,
        prober: env.prober,
    };
    Ok((App::new(model, themes), sources, intervals(opts, &cfg)))
}

/// A list of clusters to choose from; `None` when the operator quits.
async fn pick_cluster(
    term: &mut terminal::Term,
    names: &[String],
    theme: &theme::Theme,
) -> std::io::Result<Option<String>> {
    use crate::keymap::{Action, action_for};
    let mut input = EventStream::new();
    let mut selected = 0usize;
    loop {
        term.draw(|f| crate::ui::panes::picker::render(f, names, selected, theme))?;
        let Some(ev) = input.next().await else {
            return Ok(None);
        };
        if let crossterm::event::Event::Key(k) = ev? {
            if k.kind == crossterm::event::KeyEventKind::Release {
                continue;
            }
            match action_for(&k) {
                Some(Action::Up) => selected = selected.saturating_sub(1),
                Some(Action::Down) => selected = (selected + 1).min(names.len() - 1),
                Some(Action::Enter) => return Ok(names.get(selected).cloned()),
                Some(Action::Quit | Action::Back) => return Ok(None),
                _ => {}
            }
        }
    }
}

async fn event_loop(
    opts: &Opts,
    mut app: App,
    sources: Sources,
    every: Intervals,
) -> std::io::Result<()> {
    let clock = crate::clock::Clock::system();
    let (mut term, _guard) = terminal::init()?;
    let (tx, mut rx) = mpsc::channel(256);
    let pollers = poll::spawn(
        sources,
        app.model.context.cluster_name.clone(),
        opts.from_vpc.clone(),
        app.model.context.live,
        every,
        tx,
    );
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term_sig = signal(SignalKind::terminate())?;
    let mut hup_sig = signal(SignalKind::hangup())?;
    loop {
        if app.dirty {
            let now = clock.now();
            term.draw(|f| app.render(f, now))?;
            app.dirty = false;
        }
        let mut msgs = vec![tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(e)) => Msg::Input(e),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(f) = rx.recv() => Msg::Fetched(Box::new(f)),
            _ = tick.tick() => Msg::Tick,
            _ = term_sig.recv() => break,
            _ = hup_sig.recv() => break,
        }];
        // A burst of source updates becomes one frame.
        while let Ok(f) = rx.try_recv() {
            msgs.push(Msg::Fetched(Box::new(f)));
        }
        for msg in msgs {
            for effect in app.update(msg, clock.now()) {
                match effect {
                    Effect::Quit => return Ok(()),
                    Effect::Refresh => pollers.refresh(),
                    Effect::Copy(text) => terminal::copy_osc52(&text)?,
                }
            }
        }
    }
    Ok(())
}
