//! `eksnet-tui check`: collect once, judge, print, exit with the verdict's code.

use crate::cli::Output;
use crate::diagnose::diagnose;
use crate::env::build_env;
use crate::exit::ExitCode;
use crate::report;
use crate::startup::{Startup, StartupError};
use std::io::IsTerminal;

/// Ctrl-C or SIGTERM stops the check at once, with 130 or 143 and nothing printed.
pub async fn run(startup: &Startup) -> Result<ExitCode, StartupError> {
    tokio::select! {
        r = run_to_end(startup) => r,
        Ok(code) = crate::exit::signalled() => Ok(code),
    }
}

async fn run_to_end(startup: &Startup) -> Result<ExitCode, StartupError> {
    let env = build_env(startup).await?;
    let model = env.collect(&startup.settings).await?;
    let d = diagnose(&model);
    match startup.opts.output {
        Output::Json => {
            let doc = report::json(&model, &d, env.clock.now());
            println!(
                "{}",
                serde_json::to_string_pretty(&doc)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            );
        }
        Output::Markdown => print!("{}", report::markdown(&model, &d, env.clock.now())),
        Output::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", report::text(&model, &d, color, env.clock.now()));
        }
    }
    Ok(report::exit_code(&d))
}
