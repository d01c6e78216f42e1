use eksnet_tui::check;
use eksnet_tui::cli::{self, Command, Parsed};
use eksnet_tui::exit::ExitCode;
use eksnet_tui::sources::demo::Scenario;
use std::path::Path;

fn main() -> std::process::ExitCode {
    real_main().into()
}

fn real_main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(Parsed::Run(cli)) => *cli,
        Ok(Parsed::Print(help)) => {
            print!("{help}");
            return ExitCode::Ok;
        }
        Err(msg) => {
            eprintln!("eksnet-tui: {msg}");
            return ExitCode::CannotRun;
        }
    };
    if cli.opts.demo.as_deref() == Some("list") {
        for s in Scenario::ALL {
            println!("{:<20} {}", s.name(), s.description());
        }
        return ExitCode::Ok;
    }
    if let Err(msg) = init_logging(cli.opts.log_file.as_deref()) {
        eprintln!("eksnet-tui: {msg}");
        return ExitCode::CannotRun;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("eksnet-tui: cannot start the async runtime: {e}");
            return ExitCode::CannotRun;
        }
    };
    match &cli.command {
        Some(Command::Check(c)) => runtime.block_on(check::run(&cli.opts, c)),
        None => runtime.block_on(eksnet_tui::tui::run(&cli.opts)),
    }
}

/// Logs go to a file, never to the screen (the terminal belongs to the UI or the report).
fn init_logging(path: Option<&Path>) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open log file {}: {e}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("EKSNET_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))
}
