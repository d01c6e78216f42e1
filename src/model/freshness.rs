//! How old the data behind a judgement is: a source whose last read failed, or that has not
//! been read for two of its refresh periods, is stale, and whatever rests on it says so.

use super::{LoadState, Model, Source, Tier};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// How often the interactive view re-reads each kind of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refresh {
    pub fast: Duration,
    pub slow: Duration,
    /// DNS samples and probes.
    pub live: Duration,
}

impl Default for Refresh {
    fn default() -> Self {
        Self {
            fast: Duration::from_secs(10),
            slow: Duration::from_secs(60),
            live: Duration::from_secs(2),
        }
    }
}

/// Data is stale once it has missed this many refreshes' worth of time.
pub const STALE_AFTER_PERIODS: u32 = 2;

impl Refresh {
    pub fn period(&self, b: Basis) -> Duration {
        match b {
            Basis::Source(s) => match s.spec().tier {
                Tier::Fast => self.fast,
                Tier::Slow => self.slow,
            },
            Basis::Dns | Basis::Probes => self.live,
        }
    }

    pub fn stale_after(&self, b: Basis) -> Duration {
        self.period(b) * STALE_AFTER_PERIODS
    }
}

/// What a judgement rests on: a catalogue source, or the live samples of this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Basis {
    Source(Source),
    /// The latest DNS sample.
    Dns,
    /// The latest probe of each current answer.
    Probes,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::Source(s) => s.spec().name,
            Basis::Dns => "live DNS",
            Basis::Probes => "probes",
        }
    }
}

/// Where one basis stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    pub state: LoadState,
    /// When the data held was read; `None` while loading or failed without data.
    pub at: Option<DateTime<Utc>>,
    /// The last read failed with data kept, or the data is older than
    /// [`Refresh::stale_after`].
    pub stale: bool,
}

/// Where a set of bases stands, e.g. everything the verdict rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Bases that apply (live samples do not when sampling is off).
    pub total: usize,
    /// Never read yet.
    pub loading: usize,
    /// When the oldest data held was read.
    pub oldest: Option<DateTime<Utc>>,
    pub stale: Vec<Basis>,
}

impl Model {
    /// Where `b` stands at `now`; `None` when it does not apply (live sampling off, or no
    /// address to probe).
    pub fn freshness(&self, b: Basis, now: DateTime<Utc>) -> Option<Freshness> {
        let (state, at) = match b {
            Basis::Source(s) => {
                let st = self.state_of(s);
                (st.state, st.fetched_at)
            }
            Basis::Dns => {
                if !self.context.live.dns {
                    return None;
                }
                let at = self.live.dns.latest_at();
                (loaded_if(at), at)
            }
            Basis::Probes => {
                let live = self.context.live;
                let addresses = self.live.dns.latest().map(|d| d.ips().len());
                if !(live.dns && live.probe) || addresses == Some(0) {
                    return None;
                }
                let probes = self.live.current_probes();
                let at = if probes.is_empty() {
                    None
                } else {
                    probes.iter().map(|p| p.at).min()
                };
                (loaded_if(at), at)
            }
        };
        let too_old = at.is_some_and(|at| {
            (now - at).to_std().unwrap_or_default() > self.refresh.stale_after(b)
        });
        Some(Freshness {
            state,
            at,
            stale: state == LoadState::Stale || too_old,
        })
    }

    /// Where `bases` stand together at `now`.
    pub fn summary(&self, bases: &[Basis], now: DateTime<Utc>) -> Summary {
        let mut out = Summary::default();
        for &b in bases {
            let Some(f) = self.freshness(b, now) else {
                continue;
            };
            out.total += 1;
            if f.state == LoadState::Loading {
                out.loading += 1;
            }
            if let Some(at) = f.at {
                out.oldest = Some(out.oldest.map_or(at, |o| o.min(at)));
            }
            if f.stale {
                out.stale.push(b);
            }
        }
        out
    }
}

fn loaded_if(at: Option<DateTime<Utc>>) -> LoadState {
    if at.is_some() {
        LoadState::Loaded
    } else {
        LoadState::Loading
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Context, Fetched, LiveMode, SourceError};
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + s, 0).unwrap()
    }

    fn model() -> Model {
        Model::new(Context {
            cluster_name: "c".into(),
            region: None,
            source: "test".into(),
            live: LiveMode::OFF,
            api: Default::default(),
        })
    }

    #[test]
    fn a_failed_refresh_or_two_missed_periods_make_data_stale() {
        let mut m = model();
        let enis = Basis::Source(Source::Enis);
        let vpcs = Basis::Source(Source::Vpcs);
        assert_eq!(m.freshness(enis, t(0)).unwrap().state, LoadState::Loading);
        m.apply(Fetched::Enis(Ok(vec![])), t(0));
        m.apply(Fetched::Vpcs(Ok(vec![])), t(0));
        let f = m.freshness(enis, t(20)).unwrap();
        assert!(!f.stale, "two fast periods is not yet too old");
        assert!(m.freshness(enis, t(21)).unwrap().stale);
        assert!(!m.freshness(vpcs, t(120)).unwrap().stale, "slow tier");
        assert!(m.freshness(vpcs, t(121)).unwrap().stale);
        m.apply(
            Fetched::Vpcs(Err(SourceError::timeout("ec2:DescribeVpcs"))),
            t(5),
        );
        let f = m.freshness(vpcs, t(6)).unwrap();
        assert!(f.stale && f.state == LoadState::Stale);
        assert_eq!(f.at, Some(t(0)), "the age is the data's, not the failure's");
    }

    #[test]
    fn a_summary_counts_loading_and_finds_the_oldest_data() {
        let mut m = model();
        let bases = [
            Basis::Source(Source::Enis),
            Basis::Source(Source::Vpcs),
            Basis::Dns,
        ];
        let s = m.summary(&bases, t(0));
        assert_eq!((s.total, s.loading, s.oldest), (2, 2, None), "live is off");
        m.apply(Fetched::Vpcs(Ok(vec![])), t(0));
        m.apply(Fetched::Enis(Ok(vec![])), t(30));
        let s = m.summary(&bases, t(40));
        assert_eq!((s.loading, s.oldest), (0, Some(t(0))));
        assert!(s.stale.is_empty());
        let s = m.summary(&bases, t(151));
        assert_eq!(
            s.stale,
            [Basis::Source(Source::Enis), Basis::Source(Source::Vpcs)]
        );
    }
}
