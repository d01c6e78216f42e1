//! Wall-clock time derived from tokio's monotonic clock, so that paused-time tests,
//! the demo and screenshots all see the same, controllable `now`.

use chrono::{DateTime, TimeZone, Utc};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    wall: DateTime<Utc>,
    mono: Instant,
}

impl Clock {
    /// Real time.
    pub fn system() -> Self {
        Self::starting_at(Utc::now())
    }

    /// A clock that reads `wall` now and advances with tokio time.
    pub fn starting_at(wall: DateTime<Utc>) -> Self {
        Self {
            wall,
            mono: Instant::now(),
        }
    }

    /// A fixed, recognisable start for reproducible output (screenshots, snapshots).
    pub fn fixed() -> Self {
        Self::starting_at(fixed_epoch())
    }

    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = Instant::now().saturating_duration_since(self.mono);
        self.wall + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }

    /// Time since the clock started.
    pub fn elapsed(&self) -> std::time::Duration {
        Instant::now().saturating_duration_since(self.mono)
    }
}

pub fn fixed_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid fixed epoch")
}
