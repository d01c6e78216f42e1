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
        ]
        .map(i32::from);
        assert_eq!(codes, [0, 1, 2, 3]);
    }
}
