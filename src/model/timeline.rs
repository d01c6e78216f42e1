//! A bounded history of statuses in fixed time windows: one cell per window and key, the
//! worst status seen in it. "Has this been healthy for the last minutes?" reads off it.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// Statuses that can be ordered by how bad they are.
pub trait Worst: Copy {
    /// Higher is worse; the window keeps the highest.
    fn badness(self) -> u8;
}

/// One window of 30 seconds, twenty of them: the last ten minutes.
pub const WINDOW: Duration = Duration::from_secs(30);
pub const WINDOWS: usize = 20;

/// Per key, the worst status of each window in which one was noted. Windows are aligned to
/// the epoch, so every key's cells line up under one time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline<K, S> {
    window: Duration,
    windows: usize,
    cells: BTreeMap<K, VecDeque<(i64, S)>>,
}

impl<K: Ord + Copy, S: Worst> Default for Timeline<K, S> {
    fn default() -> Self {
        Self::new(WINDOW, WINDOWS)
    }
}

impl<K: Ord + Copy, S: Worst> Timeline<K, S> {
    pub fn new(window: Duration, windows: usize) -> Self {
        Self {
            window: window.max(Duration::from_secs(1)),
            windows: windows.max(1),
            cells: BTreeMap::new(),
        }
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    pub fn windows(&self) -> usize {
        self.windows
    }

    /// The index of the window `at` falls in.
    fn index(&self, at: DateTime<Utc>) -> i64 {
        at.timestamp_millis()
            .div_euclid(self.window.as_millis() as i64)
    }

    /// Record `status` for `key` at `at`; a window keeps the worst status noted in it.
    pub fn note(&mut self, key: K, status: S, at: DateTime<Utc>) {
        let i = self.index(at);
        let oldest = i - self.windows as i64 + 1;
        let ring = self.cells.entry(key).or_default();
        match ring.back_mut() {
            Some((last, s)) if *last == i => {
                if status.badness() > s.badness() {
                    *s = status;
                }
            }
            // A clock that stepped back starts the window again rather than reorder cells.
            Some((last, _)) if *last > i => {
                ring.clear();
                ring.push_back((i, status));
            }
            _ => ring.push_back((i, status)),
        }
        while ring.front().is_some_and(|(w, _)| *w < oldest) {
            ring.pop_front();
        }
    }

    /// The cells of `key` for the windows ending with the one `now` is in, oldest first;
    /// `None` where nothing was noted.
    pub fn cells(&self, key: K, now: DateTime<Utc>) -> Vec<Option<S>> {
        let last = self.index(now);
        let first = last - self.windows as i64 + 1;
        let mut out = vec![None; self.windows];
        if let Some(ring) = self.cells.get(&key) {
            for (w, s) in ring {
                if (first..=last).contains(w) {
                    out[(w - first) as usize] = Some(*s);
                }
            }
        }
        out
    }

    /// Cells held across every key: bounded by keys times windows however long it runs.
    pub fn retained(&self) -> usize {
        self.cells.values().map(VecDeque::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum S {
        Ok,
        Warn,
        Fail,
    }

    impl Worst for S {
        fn badness(self) -> u8 {
            self as u8
        }
    }

    fn t(secs: i64) -> DateTime<Utc> {
        // On a window boundary, so second 0 starts a window.
        Utc.timestamp_opt(1_790_000_010, 0).unwrap() + chrono::Duration::seconds(secs)
    }

    #[test]
    fn a_window_keeps_the_worst_status_noted_in_it() {
        let mut tl: Timeline<u8, S> = Timeline::new(Duration::from_secs(30), 4);
        tl.note(1, S::Ok, t(0));
        tl.note(1, S::Fail, t(10));
        tl.note(1, S::Ok, t(29));
        tl.note(1, S::Warn, t(31));
        assert_eq!(
            tl.cells(1, t(31)),
            [None, None, Some(S::Fail), Some(S::Warn)]
        );
    }

    #[test]
    fn windows_without_a_note_are_empty_and_old_ones_fall_off() {
        let mut tl: Timeline<u8, S> = Timeline::new(Duration::from_secs(30), 3);
        tl.note(1, S::Fail, t(0));
        tl.note(1, S::Ok, t(65));
        assert_eq!(tl.cells(1, t(65)), [Some(S::Fail), None, Some(S::Ok)]);
        // Time passes with nothing noted: the cells shift left and the fail leaves.
        assert_eq!(tl.cells(1, t(95)), [None, Some(S::Ok), None]);
        assert_eq!(tl.cells(2, t(95)), [None, None, None], "an unknown key");
        tl.note(1, S::Ok, t(120));
        assert_eq!(tl.retained(), 2, "only windows still shown are kept");
    }

    #[test]
    fn memory_stays_bounded_over_a_long_run() {
        let mut tl: Timeline<u8, S> = Timeline::default();
        for i in 0..100_000 {
            tl.note((i % 8) as u8, S::Ok, t(i * 2));
        }
        assert!(tl.retained() <= 8 * WINDOWS, "{}", tl.retained());
    }

    #[test]
    fn a_clock_stepping_back_restarts_the_key() {
        let mut tl: Timeline<u8, S> = Timeline::new(Duration::from_secs(30), 3);
        tl.note(1, S::Fail, t(90));
        tl.note(1, S::Ok, t(0));
        assert_eq!(tl.cells(1, t(0)), [None, None, Some(S::Ok)]);
    }
}
