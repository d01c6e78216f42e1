//! `eksnet-tui serve --listen ADDR`: a headless exporter for Prometheus. Each cluster (from
//! the flags, a fleet file, or the demo's fleet) is collected and judged as `check` does,
//! every `--every` seconds, one poller per cluster; `/metrics` serves the result as
//! OpenMetrics text and `/healthz` says the exporter is alive. Each refresh starts from an
//! empty model, so memory does not grow with time.

pub mod metrics;

use crate::cli::{Cli, Command, Opts, ServeOpts};
use crate::diagnose::diagnose;
use crate::env::{Env, build_env};
use crate::exit::ExitCode;
use crate::sources::collect::CollectError;
use crate::startup::{self, Startup, StartupError, fleet};
use metrics::Metrics;
use std::sync::Arc;

/// One cluster to watch: the name its metrics carry, and how to read it.
pub struct Target {
    pub name: String,
    pub startup: Startup,
}

/// The clusters the flags name, each resolved as `check` resolves its flags.
pub fn targets(opts: &Opts, serve: &ServeOpts) -> Result<Vec<Target>, StartupError> {
    let named: Vec<(String, Opts)> = match fleet::members(opts)? {
        Some(members) => members.into_iter().map(|m| (m.name, m.opts)).collect(),
        None => {
            let name = opts
                .cluster
                .clone()
                .or_else(|| opts.context.clone())
                .or_else(|| opts.server.clone())
                .or_else(|| opts.lattice_service.clone())
                .or_else(|| opts.demo.clone())
                .unwrap_or_else(|| "default".into());
            vec![(name, opts.clone())]
        }
    };
    named
        .into_iter()
        .map(|(name, opts)| {
            let cli = Cli {
                command: Some(Command::Check(serve.check.clone().into())),
                opts,
            };
            startup::resolve(cli)
                .map(|startup| Target {
                    name: name.clone(),
                    startup,
                })
                .map_err(|e| StartupError::InCluster {
                    name,
                    source: Box::new(e),
                })
        })
        .collect()
}

/// Binds `--listen`, reads every cluster once (an unknown one stops here, as in `check`),
/// then serves until Ctrl-C or SIGTERM.
pub async fn run(targets: Vec<Target>, serve: &ServeOpts) -> Result<ExitCode, StartupError> {
    let listener = tokio::net::TcpListener::bind(serve.listen)
        .await
        .map_err(|source| StartupError::Listen {
            addr: serve.listen,
            source,
        })?;
    let addr = listener.local_addr().unwrap_or(serve.listen);
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    let metrics = Arc::new(Metrics::new(&names));
    // One recording for every cluster, each line naming its cluster.
    let recorder = targets
        .first()
        .map(|t| startup::recorder(&t.startup.opts))
        .transpose()?
        .flatten();
    let mut envs = Vec::new();
    for t in &targets {
        let mut env = build_env(&t.startup)
            .await
            .map_err(|e| in_cluster(&t.name, e))?;
        env.tap = recorder.clone().map(|recorder| crate::record::Tap {
            recorder,
            cluster: Some(t.name.clone()),
        });
        envs.push(env);
    }
    // The first refresh of each, all at once: a cluster that does not exist stops the run.
    let first = futures::future::join_all(
        targets
            .iter()
            .zip(&envs)
            .map(|(t, env)| refresh(&t.name, &t.startup, env, &metrics)),
    )
    .await;
    for (t, r) in targets.iter().zip(first) {
        if let Err(e) = r {
            return Err(in_cluster(&t.name, StartupError::Cluster(e)));
        }
    }
    println!(
        "serving http://{addr}/metrics for {} cluster(s)",
        names.len()
    );
    for (t, env) in targets.into_iter().zip(envs) {
        tokio::spawn(watch(t, env, metrics.clone(), serve.every));
    }
    let server = axum::serve(listener, router(metrics));
    tokio::select! {
        r = server => r.map(|()| ExitCode::Ok).map_err(|source| StartupError::Listen {
            addr: serve.listen,
            source,
        }),
        Ok(code) = crate::exit::signalled() => Ok(code),
    }
}

fn in_cluster(name: &str, e: StartupError) -> StartupError {
    StartupError::InCluster {
        name: name.to_string(),
        source: Box::new(e),
    }
}

/// Refresh `t` every `every`, after the first refresh, which the caller made.
pub async fn watch(t: Target, env: Env, metrics: Arc<Metrics>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let _ = refresh(&t.name, &t.startup, &env, &metrics).await;
    }
}

/// One collection and judgement of `name`, recorded in `metrics`. A cluster that cannot be
/// chosen is an error for the caller; one that cannot be reached is a failed refresh.
pub async fn refresh(
    name: &str,
    startup: &Startup,
    env: &Env,
    metrics: &Metrics,
) -> Result<(), CollectError> {
    let collected = env.collect(&startup.settings).await;
    metrics.calls(name, &env.api.calls());
    match collected {
        Ok(model) => {
            env.judged(&model, env.clock.now());
            metrics.judged(name, &model, &diagnose(&model));
            Ok(())
        }
        Err(e @ (CollectError::UnknownCluster { .. } | CollectError::ChooseCluster { .. })) => {
            metrics.failed(name, &e.to_string());
            Err(e)
        }
        Err(e) => {
            tracing::warn!(cluster = name, "refresh failed: {e}");
            metrics.failed(name, &e.to_string());
            Ok(())
        }
    }
}

/// `/metrics` and `/healthz`.
pub fn router(metrics: Arc<Metrics>) -> axum::Router {
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/metrics",
            get(
                |axum::extract::State(m): axum::extract::State<Arc<Metrics>>| async move {
                    (
                        [(
                            CONTENT_TYPE,
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        m.encode(chrono::Utc::now()),
                    )
                },
            ),
        )
        .route("/healthz", get(|| async { "ok\n" }))
        .with_state(metrics)
}
