//! The live poller: every `interval`, one DNS sample of the endpoint name, then one probe of
//! each address it returned. A round finishes before the next starts, so probes never
//! overlap; a round that overruns skips the ticks it missed instead of bursting.

use super::collect::{answer_requests, probe_requests};
use super::{Prober, Resolver};
use crate::model::Fetched;
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

/// What to sample: known once the cluster is described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveTarget {
    /// The endpoint host, e.g. `ABC.gr7.eu-west-1.eks.amazonaws.com`.
    pub host: String,
    /// 443 for EKS.
    pub port: u16,
    /// Base64 PEM of the cluster CA (`certificateAuthority.data`).
    pub ca_data: Option<String>,
    pub mode: crate::model::ProbeMode,
}

/// The refresh period of live data when the user gives none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);

/// Sample until `cancel` fires or the receiver of `tx` is gone. Waits while `target` is
/// `None`, and starts a round at once when it changes, so the UI can start this before the
/// cluster is loaded. Without `probe`, only DNS is sampled.
pub async fn run_live(
    resolver: Arc<dyn Resolver>,
    prober: Arc<dyn Prober>,
    mut target: watch::Receiver<Option<LiveTarget>>,
    interval: Duration,
    probe: bool,
    tx: mpsc::Sender<Fetched>,
    cancel: CancellationToken,
) {
    let mut ticker = tokio::time::interval(interval.max(Duration::from_millis(100)));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // Once the sender is gone the last target stays in force.
    let mut target_open = true;
    loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return,
            changed = target.changed(), if target_open => {
                match changed {
                    Ok(()) => ticker.reset_immediately(),
                    Err(_) => target_open = false,
                }
                continue;
            }
            _ = ticker.tick() => {}
        }
        let Some(t) = target.borrow_and_update().clone() else {
            continue;
        };
        let round = round(resolver.as_ref(), prober.as_ref(), &t, probe, &tx);
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return,
            sent = round => if sent.is_err() { return },
        }
    }
}

/// The receiver hung up.
struct Closed;

async fn round(
    resolver: &dyn Resolver,
    prober: &dyn Prober,
    t: &LiveTarget,
    probe: bool,
    tx: &mpsc::Sender<Fetched>,
) -> Result<(), Closed> {
    let sample = resolver.lookup(&t.host).await;
    let requests = if probe {
        answer_requests(&sample, &t.host, t.port, t.ca_data.as_deref(), t.mode)
    } else {
        Vec::new()
    };
    tx.send(Fetched::Dns(sample)).await.map_err(|_| Closed)?;
    let mut probes = std::pin::pin!(probe_requests(prober, requests));
    while let Some(f) = probes.next().await {
        tx.send(f).await.map_err(|_| Closed)?;
    }
    Ok(())
}
