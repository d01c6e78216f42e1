//! `eksnet-tui check`: collect once, judge, print, exit with the verdict's code.

use crate::cli::{Opts, Output};
use crate::diagnose::diagnose;
use crate::env::build_env;
use crate::exit::ExitCode;
use crate::model::Model;
use crate::record::Tap;
use crate::record::replay::{Recording, ReplayError};
use crate::report;
use crate::startup::{Startup, StartupError};
use std::io::IsTerminal;
use std::path::Path;

/// Ctrl-C or SIGTERM stops the check at once, with 130 or 143 and nothing printed.
pub async fn run(startup: &Startup) -> Result<ExitCode, StartupError> {
    tokio::select! {
        r = run_to_end(startup) => r,
        Ok(code) = crate::exit::signalled() => Ok(code),
    }
}

async fn run_to_end(startup: &Startup) -> Result<ExitCode, StartupError> {
    let mut env = build_env(startup).await?;
    env.tap = crate::startup::recorder(&startup.opts)?.map(|recorder| Tap {
        recorder,
        cluster: startup.member.clone(),
    });
    let model = env.collect(&startup.settings).await?;
    let now = env.clock.now();
    env.judged(&model, now);
    Ok(print(&model, &startup.opts.output, now))
}

/// `check --replay FILE [--at TIME]`: the recorded state of one cluster, judged as it
/// stood then. A line that cannot be read ends the recording there, with a warning.
pub fn replayed(opts: &Opts, file: &Path, at: Option<&str>) -> Result<ExitCode, StartupError> {
    crate::startup::config_and_themes(opts)?;
    let rec = Recording::read(file)?;
    if let Some(p) = &rec.problem {
        eprintln!("{}", problem_warning(&rec, p));
    }
    let cluster = rec.cluster(opts.cluster.as_deref())?;
    let now = rec.time(&cluster, at)?;
    let Some(mut model) = rec.state_at(&cluster, now) else {
        return Err(ReplayError::Empty {
            path: file.to_path_buf(),
        }
        .into());
    };
    // A report pasted from a recording says so.
    model.context.source = format!(
        "{} · replayed from {}",
        model.context.source,
        file.display()
    );
    Ok(print(&model, &opts.output, now))
}

/// `FILE line N is not a recording line (…); replaying the lines before it`.
pub fn problem_warning(rec: &Recording, p: &crate::record::replay::Problem) -> String {
    format!(
        "eksnet-tui: {} line {} is not a recording line ({}); replaying the {} line(s) before it",
        rec.path.display(),
        p.line,
        p.message,
        rec.lines.len()
    )
}

fn print(model: &Model, output: &Output, now: chrono::DateTime<chrono::Utc>) -> ExitCode {
    let d = diagnose(model);
    match output {
        Output::Json => {
            let doc = report::json(model, &d, now);
            println!(
                "{}",
                serde_json::to_string_pretty(&doc)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            );
        }
        Output::Markdown => print!("{}", report::markdown(model, &d, now)),
        Output::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", report::text(model, &d, color, now));
        }
    }
    report::exit_code(&d)
}
