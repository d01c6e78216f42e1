//! `eksnet-tui check`: collect once, judge, print, exit with the verdict's code.

use crate::cli::{CheckOpts, Opts, Output};
use crate::diagnose::diagnose;
use crate::env::build_env;
use crate::exit::ExitCode;
use crate::model::LiveMode;
use crate::report;
use crate::sources::collect::{Settings, collect_once};
use std::io::IsTerminal;

pub fn settings(opts: &Opts, check: Option<&CheckOpts>, demo: bool) -> Settings {
    let mut s = Settings {
        cluster: opts.cluster.clone(),
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
    s.gap = match (opts.interval, demo) {
        (Some(i), _) => i,
        (None, true) => std::time::Duration::ZERO,
        (None, false) => s.gap,
    };
    s
}

pub async fn run(opts: &Opts, check: &CheckOpts) -> ExitCode {
    // The report does not use colours from a theme, but a broken theme or config is
    // still an error the user wants to hear about from any command.
    if let Err(msg) = crate::config::load(opts.config.as_deref())
        .map_err(|e| e.to_string())
        .and_then(|cfg| {
            let spec = opts.theme.clone().or(cfg.theme);
            spec.map_or(Ok(()), |s| {
                crate::ui::theme::load(&s)
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        })
    {
        eprintln!("eksnet-tui: {msg}");
        return ExitCode::CannotRun;
    }
    let env = match build_env(opts).await {
        Ok(env) => env,
        Err(msg) => {
            eprintln!("eksnet-tui: {msg}");
            return ExitCode::CannotRun;
        }
    };
    let settings = settings(opts, Some(check), opts.demo.is_some());
    let model = match collect_once(
        env.api.as_ref(),
        env.resolver.as_ref(),
        env.prober.as_ref(),
        &settings,
        &env.clock,
        &env.source,
    )
    .await
    {
        Ok(m) => m,
        Err(e) => {
            eprintln!("eksnet-tui: {e}");
            return ExitCode::CannotRun;
        }
    };
    let d = diagnose(&model);
    match opts.output {
        Output::Json => {
            let doc = report::json(&model, &d, env.clock.now());
            println!(
                "{}",
                serde_json::to_string_pretty(&doc)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            );
        }
        Output::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", report::text(&model, &d, color));
        }
    }
    report::exit_code(&d)
}
