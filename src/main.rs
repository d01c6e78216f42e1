use eksnet_tui::cli::{self, Parsed};
use eksnet_tui::exit::ExitCode;
use eksnet_tui::sources::demo::Scenario;
use eksnet_tui::startup::{self, Mode, StartupError};
use eksnet_tui::{check, tui};

fn main() -> std::process::ExitCode {
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("eksnet-tui: {e}");
            e.exit_code().into()
        }
    }
}

fn run() -> Result<ExitCode, StartupError> {
    let cli = match cli::parse(std::env::args_os())? {
        Parsed::Run(cli) => *cli,
        Parsed::Print(text) => {
            print!("{text}");
            return Ok(ExitCode::Ok);
        }
    };
    if cli.opts.demo.as_deref() == Some("list") {
        // The other flags are still checked: a bad theme must not pass silently.
        startup::config_and_themes(&cli.opts)?;
        for s in Scenario::ALL {
            println!("{:<20} {}", s.name(), s.description());
        }
        return Ok(ExitCode::Ok);
    }
    startup::logging::init(cli.opts.log_file.as_deref())?;
    if let Some(cli::Command::Check(c)) = &cli.command
        && let Some(file) = &c.replay
    {
        return check::replayed(&cli.opts, file, c.at.as_deref());
    }
    if let Some(cli::Command::Replay { file }) = &cli.command {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(StartupError::Runtime)?;
        return runtime.block_on(tui::replay::run(&cli.opts, file));
    }
    if let Some(cli::Command::Serve(serve)) = &cli.command {
        let targets = eksnet_tui::serve::targets(&cli.opts, serve)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(StartupError::Runtime)?;
        return runtime.block_on(eksnet_tui::serve::run(targets, serve));
    }
    let startup = startup::resolve(cli)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(StartupError::Runtime)?;
    match startup.mode {
        Mode::Check => runtime.block_on(check::run(&startup)),
        Mode::Interactive => runtime.block_on(tui::run(&startup)),
    }
}
