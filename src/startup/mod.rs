//! Flags, config file, theme and run settings, resolved once for `check` and the
//! interactive view alike, before anything touches the network or the terminal: a bad
//! config or theme stops either mode the same way.

pub mod api;
mod error;
pub mod fleet;
pub mod logging;

use crate::model::Api;
use crate::sources::aws::kubeconfig::Kubeconfig;
use api::ApiChoice;

pub use error::StartupError;

use crate::cli::{CheckOpts, Cli, Command, Opts};
use crate::config::{self, Config};
use crate::model::LiveMode;
use crate::sources::aws::AwsOptions;
use crate::sources::collect::Settings;
use crate::sources::demo::Scenario;
use crate::sources::poll::Intervals;
use crate::ui::theme::{self, Theme};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Collect once, report, exit with the verdict's code.
    Check,
    Interactive,
}

/// Where the cluster's data comes from.
#[derive(Debug, Clone)]
pub enum Backend {
    Demo(Scenario),
    Aws(AwsOptions),
}

/// What both modes run on; nothing after this reads the flags' raw form to decide policy.
#[derive(Debug, Clone)]
pub struct Startup {
    pub mode: Mode,
    /// The flags as given, for what is only passed through (resolver, output format).
    pub opts: Opts,
    pub config: Config,
    /// The chosen theme first, then the other built-ins for `t` to cycle through.
    pub themes: Vec<Theme>,
    pub backend: Backend,
    /// Collection for `check` and the cluster, origin and live mode of the interactive view.
    pub settings: Settings,
    /// Poll intervals of the interactive view.
    pub intervals: Intervals,
    /// The fleet this cluster is one of (`--demo fleet`, `--fleet FILE`), for `:clusters`;
    /// empty for one cluster.
    pub fleet: Vec<fleet::Member>,
    /// This cluster's name in the fleet.
    pub member: Option<String>,
}

impl Startup {
    pub fn live(&self) -> LiveMode {
        self.settings.live
    }

    pub fn theme(&self) -> &Theme {
        &self.themes[0]
    }
}

pub fn resolve(cli: Cli) -> Result<Startup, StartupError> {
    let Cli { command, opts } = cli;
    if let Some(members) = fleet::members(&opts)? {
        // One member at a time: the one `--cluster` names; the view starts on the first.
        let member = match (&opts.cluster, &command) {
            (Some(name), _) => fleet::pick(&members, name)?.clone(),
            (None, Some(Command::Check(_))) => {
                return Err(fleet::FleetError::ChooseMember {
                    known: members.into_iter().map(|m| m.name).collect(),
                }
                .into());
            }
            (None, _) => members[0].clone(),
        };
        let mut startup = resolve(Cli {
            command,
            opts: member.opts,
        })?;
        startup.fleet = members;
        startup.member = Some(member.name);
        return Ok(startup);
    }
    let (config, mut themes) = config_and_themes(&opts)?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if no_color {
        themes = themes.into_iter().map(Theme::monochrome).collect();
    }
    let backend = backend(&opts)?;
    let check = match &command {
        Some(Command::Check(c)) => Some(&c.check),
        _ => None,
    };
    let mut settings = settings(&opts, check, matches!(backend, Backend::Demo(_)));
    match &backend {
        Backend::Demo(scenario) => {
            if let Some(s) = scenario.server() {
                settings.api = Api::Server(s);
            }
            // A Lattice scenario checks its own service unless told another.
            if let Some(l) = opts
                .lattice_service
                .as_deref()
                .or(scenario.lattice_service())
            {
                settings.api = Api::Lattice(crate::model::lattice::LatticeApi::new(l));
            }
        }
        Backend::Aws(_) => match api::choose(&opts, &Kubeconfig::load())? {
            ApiChoice::Eks { cluster, server } => {
                settings.cluster = cluster;
                settings.eks_server = server;
            }
            ApiChoice::Server(s) => settings.api = Api::Server(s),
            ApiChoice::Lattice(l) => settings.api = Api::Lattice(l),
        },
    }
    let intervals = intervals(&opts, &config);
    Ok(Startup {
        mode: match command {
            Some(Command::Check(_)) => Mode::Check,
            // Completions and the manual page are printed by `cli::parse`.
            _ => Mode::Interactive,
        },
        opts,
        config,
        themes,
        backend,
        settings,
        intervals,
        fleet: Vec::new(),
        member: None,
    })
}

/// The config file and the themes, checked the same way whatever runs next (also before
/// `--demo list`). A bad theme named by the config file names the file.
pub fn config_and_themes(opts: &Opts) -> Result<(Config, Vec<Theme>), StartupError> {
    let config = config::load(opts.config.as_deref())?;
    let themes = match (&opts.theme, &config.theme) {
        (Some(flag), _) => themes(flag)?,
        (None, Some(spec)) => themes(spec).map_err(|e| match e {
            StartupError::Theme(source) => StartupError::ConfigTheme {
                path: config.path.clone().unwrap_or_default(),
                source,
            },
            other => other,
        })?,
        (None, None) => themes("default")?,
    };
    Ok((config, themes))
}

/// The chosen theme first, then the other built-ins for `t` to cycle through.
pub fn themes(spec: &str) -> Result<Vec<Theme>, StartupError> {
    let first = theme::load(spec)?;
    let mut all = vec![first.clone()];
    for name in theme::builtin_names() {
        if name != first.name {
            all.extend(theme::builtin(name));
        }
    }
    Ok(all)
}

fn backend(opts: &Opts) -> Result<Backend, StartupError> {
    match &opts.demo {
        Some(name) => Scenario::from_name(name)
            .map(Backend::Demo)
            .ok_or_else(|| StartupError::UnknownScenario { name: name.clone() }),
        None => Ok(Backend::Aws(AwsOptions {
            profile: opts.profile.clone(),
            region: opts.region.clone(),
            endpoint_url: opts.endpoint_url.clone(),
        })),
    }
}

fn settings(opts: &Opts, check: Option<&CheckOpts>, demo: bool) -> Settings {
    let mut s = Settings {
        // The demo's account may hold other clusters too; it is about its own.
        cluster: opts
            .cluster
            .clone()
            .or_else(|| demo.then(|| crate::sources::demo::CLUSTER.to_string())),
        from_vpc: opts.from_vpc.clone(),
        live: LiveMode {
            dns: !opts.no_live,
            probe: !opts.no_live && !opts.no_probe,
        },
        ..Settings::default()
    };
    if let Some(c) = check {
        s.samples = c.samples;
        s.timeout = c.timeout;
    }
    // The simulated resolver answers instantly; spacing its samples only adds wall time.
    // The config file's interval is for the view's sampling, not `check`'s.
    s.gap = match (opts.interval, demo) {
        (Some(i), _) => i,
        (None, true) => Duration::ZERO,
        (None, false) => s.gap,
    };
    s
}

fn intervals(opts: &Opts, cfg: &Config) -> Intervals {
    let mut every = Intervals::default();
    if let Some(i) = opts.interval.or(cfg.interval.map(Duration::from_secs_f64)) {
        every.live = i;
    }
    if let Some(r) = cfg.refresh {
        every.fast = Duration::from_secs_f64(r);
    }
    every
}

/// The recorder `--record` asks for, rotating at `--record-max-mb`.
pub fn recorder(
    opts: &Opts,
) -> Result<Option<std::sync::Arc<crate::record::Recorder>>, StartupError> {
    let Some(path) = &opts.record else {
        return Ok(None);
    };
    let limits = crate::record::Limits {
        max_bytes: opts.record_max_mb.saturating_mul(1024 * 1024),
        keep: opts.record_keep,
    };
    crate::record::Recorder::create(path, limits)
        .map(Some)
        .map_err(|source| StartupError::Record {
            path: path.clone(),
            source,
        })
}

#[cfg(test)]
mod tests;
