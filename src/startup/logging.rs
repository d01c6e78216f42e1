//! Logs go to a file, never to the screen: the terminal belongs to the UI or the report.

use super::StartupError;
use std::path::Path;

/// Without `--log-file` nothing is logged. The level comes from `EKSNET_LOG` (default info).
pub fn init(path: Option<&Path>) -> Result<(), StartupError> {
    let Some(path) = path else { return Ok(()) };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| StartupError::LogFile {
            path: path.to_path_buf(),
            source,
        })?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("EKSNET_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .map_err(StartupError::Logging)
}
