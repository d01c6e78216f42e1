//! The process exit code, one type for every way the program ends.

/// What the exit status tells a script: `check`'s verdict, or that nothing could be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ExitCode {
    /// Every hop OK, no warning; also help, version, `--demo list` and a view quit normally.
    Ok = 0,
    /// Warnings, or hops UNKNOWN for lack of data: a script must not read this as healthy.
    Warn = 1,
    /// At least one failure.
    Fail = 2,
    /// Bad flags, config or theme, no credentials, no cluster: nothing was judged.
    CannotRun = 3,
    /// Stopped by SIGHUP (128 + 1), as shells report it.
    Hangup = 129,
    /// Stopped by Ctrl-C or SIGINT (128 + 2).
    Interrupted = 130,
    /// Stopped by SIGTERM (128 + 15).
    Terminated = 143,
}

impl ExitCode {
    pub const fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitCode> for i32 {
    fn from(c: ExitCode) -> Self {
        c.code().into()
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        c.code().into()
    }
}

/// The first of SIGINT, SIGTERM or SIGHUP, as the exit code a shell expects after it.
pub async fn signalled() -> std::io::Result<ExitCode> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(tokio::select! {
        _ = int.recv() => ExitCode::Interrupted,
        _ = term.recv() => ExitCode::Terminated,
        _ = hup.recv() => ExitCode::Hangup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_numbers() {
        let codes = [
            ExitCode::Ok,
            ExitCode::Warn,
            ExitCode::Fail,
            ExitCode::CannotRun,
            ExitCode::Hangup,
            ExitCode::Interrupted,
            ExitCode::Terminated,
        ]
        .map(i32::from);
        assert_eq!(codes, [0, 1, 2, 3, 129, 130, 143]);
    }
}
