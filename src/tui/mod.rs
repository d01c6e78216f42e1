//! The interactive view: input, ticks and source updates in one loop; redraw only when
//! something visible changed.

pub mod fleet;
pub mod replay;

use crate::app::{App, Effect, Msg};
use crate::env::{Env, build_env};
use crate::exit::ExitCode;
use crate::model::{Context, Model, Refresh};
use crate::sources::collect::{CollectError, choose_cluster};
use crate::sources::poll::{self, Sources};
use crate::startup::{Startup, StartupError};
use crate::terminal;
use crate::ui::theme;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use std::io::IsTerminal;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// Quitting with `q` is 0; Ctrl-C, SIGTERM and SIGHUP give the codes shells expect.
pub async fn run(startup: &Startup) -> Result<ExitCode, StartupError> {
    // A dumb terminal cannot draw the view any more than a pipe can.
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if !std::io::stdout().is_terminal() || dumb {
        return Err(StartupError::NotATerminal);
    }
    let recorder = crate::startup::recorder(&startup.opts)?;
    let env = build_env(startup).await?;
    let members = fleet::members(startup, env.api.as_ref()).await;
    let (mut app, sources) = prepare(startup, env, true).await?;
    let current = startup
        .member
        .clone()
        .unwrap_or_else(|| app.model.context.cluster_name.clone());
    app.model.fleet = fleet::listing(&members, &current);
    event_loop(startup, app, sources, members, recorder)
        .await
        .map_err(StartupError::Terminal)
}

/// Everything that can fail with a message, before the screen is taken over for good.
/// Several clusters and nothing to choose between them open a picker when `pick` is set.
pub async fn prepare(
    startup: &Startup,
    env: Env,
    pick: bool,
) -> Result<(App, Sources), StartupError> {
    let settings = &startup.settings;
    let chosen = match &settings.api {
        crate::model::Api::Server(s) => Ok(s.label()),
        crate::model::Api::Lattice(l) => Ok(l.service.clone()),
        crate::model::Api::Eks => {
            choose_cluster(
                env.api.as_ref(),
                settings.cluster.as_deref(),
                settings.eks_server.as_deref(),
            )
            .await
        }
    };
    let cluster = match chosen {
        Ok(c) => c,
        // Several clusters and nothing to tell them apart: the operator picks one.
        Err(CollectError::ChooseCluster { available, .. }) if pick && available.len() > 1 => {
            let (mut term, _guard) = terminal::init().map_err(StartupError::Terminal)?;
            pick_cluster(
                &mut term,
                &available,
                startup.theme(),
                &startup.config.keymap,
            )
            .await
            .map_err(StartupError::Terminal)?
            .ok_or(StartupError::NoClusterChosen)?
        }
        Err(e) => return Err(e.into()),
    };
    let mut model = Model::new(Context {
        cluster_name: cluster,
        region: env.api.region(),
        source: env.source.clone(),
        live: startup.live(),
        api: settings.api.clone(),
    });
    let every = &startup.intervals;
    model.proxy = env.prober.proxy();
    model.refresh = Refresh {
        fast: every.fast,
        slow: every.slow,
        live: every.live,
    };
    let sources = Sources {
        api: env.api,
        resolver: env.resolver,
        prober: env.prober,
    };
    let mut app = App::new(model, startup.themes.clone());
    app.keymap = startup.config.keymap.clone();
    Ok((app, sources))
}

/// A list of clusters to choose from; `None` when the operator quits.
async fn pick_cluster(
    term: &mut terminal::Term,
    names: &[String],
    theme: &theme::Theme,
    keymap: &crate::keymap::Keymap,
) -> std::io::Result<Option<String>> {
    use crate::keymap::{Action, Context};
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
            match keymap.action_for(&k, Context::List) {
                Some(Action::Up) => selected = selected.saturating_sub(1),
                Some(Action::Down) => selected = (selected + 1).min(names.len() - 1),
                Some(Action::Enter) => return Ok(names.get(selected).cloned()),
                Some(Action::Quit | Action::Back) => return Ok(None),
                _ => {}
            }
        }
    }
}

/// The view of another member of the fleet, keeping the fleet's verdicts and the theme.
pub async fn switch(
    members: &[crate::startup::fleet::Member],
    name: &str,
    old: &App,
) -> Result<(Startup, App, Sources), String> {
    let startup = fleet::startup_of(members, name)?;
    let env = build_env(&startup).await.map_err(|e| e.to_string())?;
    let (mut app, sources) = prepare(&startup, env, false)
        .await
        .map_err(|e| e.to_string())?;
    app.model.fleet = old.model.fleet.clone();
    app.model.fleet.current = Some(name.to_string());
    app.ui.theme = old.ui.theme;
    app.size = old.size;
    app.ui.status = Some(format!("now on {name}"));
    Ok((startup, app, sources))
}

/// Stops the background checks when the view ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn event_loop(
    startup: &Startup,
    mut app: App,
    sources: Sources,
    members: Vec<crate::startup::fleet::Member>,
    recorder: Option<std::sync::Arc<crate::record::Recorder>>,
) -> std::io::Result<ExitCode> {
    let clock = crate::clock::Clock::system();
    // Recorded under its name in the fleet, else the cluster's.
    let label = |app: &App| {
        app.model
            .fleet
            .current
            .clone()
            .unwrap_or_else(|| app.model.context.cluster_name.clone())
    };
    if let Some(r) = &recorder {
        r.begin(&label(&app), &app.model, clock.now());
    }
    let (mut term, _guard) = terminal::init()?;
    let size = term.size()?;
    app.update(
        Msg::Input(Event::Resize(size.width, size.height)),
        clock.now(),
    );
    let (tx, mut rx) = mpsc::channel(256);
    let (member_tx, mut member_rx) = mpsc::channel(16);
    let (current_tx, current_rx) =
        tokio::sync::watch::channel(app.model.fleet.current.clone().unwrap_or_default());
    let _checks = AbortOnDrop(fleet::spawn_checks(members.clone(), current_rx, member_tx));
    let mut pollers = poll::spawn(
        sources,
        &app.model.context,
        startup.settings.from_vpc.clone(),
        startup.intervals.clone(),
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
                // Raw mode turns Ctrl-C into a key; it still ends the view as an interrupt.
                Some(Ok(crossterm::event::Event::Key(k)))
                    if k.kind != crossterm::event::KeyEventKind::Release
                        && crate::keymap::is_ctrl_c(&k) =>
                {
                    return Ok(ExitCode::Interrupted)
                }
                Some(Ok(e)) => Msg::Input(e),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(f) = rx.recv() => Msg::Fetched(Box::new(f)),
            Some(m) = member_rx.recv() => m,
            _ = tick.tick() => Msg::Tick,
            _ = term_sig.recv() => return Ok(ExitCode::Terminated),
            _ = hup_sig.recv() => return Ok(ExitCode::Hangup),
        }];
        // A burst of source updates becomes one frame.
        while let Ok(f) = rx.try_recv() {
            msgs.push(Msg::Fetched(Box::new(f)));
        }
        for msg in msgs {
            let now = clock.now();
            if let (Some(r), Msg::Fetched(f)) = (&recorder, &msg) {
                r.update(&label(&app), f, now);
            }
            for effect in app.update(msg, now) {
                match effect {
                    Effect::Quit => return Ok(ExitCode::Ok),
                    Effect::Refresh => pollers.refresh(),
                    Effect::Copy(text) => terminal::copy_osc52(&text)?,
                    Effect::Switch(name) => match switch(&members, &name, &app).await {
                        Ok((s, a, sources)) => {
                            // The new cluster polls at its own flags' intervals.
                            // The old cluster's pollers stop, and what they had sent is dropped.
                            let (t, r) = mpsc::channel(256);
                            pollers = poll::spawn(
                                sources,
                                &a.model.context,
                                s.settings.from_vpc.clone(),
                                s.intervals.clone(),
                                t,
                            );
                            rx = r;
                            app = a;
                            if let Some(r) = &recorder {
                                r.begin(&name, &app.model, clock.now());
                            }
                            let _ = current_tx.send(name);
                            app.dirty = true;
                        }
                        Err(e) => {
                            app.ui.status = Some(format!("cannot switch to {name}: {e}"));
                            app.dirty = true;
                        }
                    },
                }
            }
        }
    }
    Ok(ExitCode::Ok)
}
