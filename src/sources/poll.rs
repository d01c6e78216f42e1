//! Background pollers for the interactive view: one task drives the collection graph, a
//! full cycle every slow interval (or on refresh) and a fast-tier cycle every fast one;
//! cycles never overlap and missed ticks are skipped. The live poller samples DNS and
//! probes on its own interval as soon as the cluster is known. They send owned updates;
//! the app merges them.

use super::graph::{Graph, Scope};
use super::live::{LiveTarget, run_live};
use super::{AwsApi, Prober, Resolver};
use crate::clock::Clock;
use crate::model::{Context, Fetched, Model, Source, Tier};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct Intervals {
    /// The fast tier: ENIs and target health, what changes during a rotation.
    pub fast: Duration,
    /// Every source.
    pub slow: Duration,
    /// DNS samples and probes.
    pub live: Duration,
    /// Limit for one fetch.
    pub timeout: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            fast: Duration::from_secs(10),
            slow: Duration::from_secs(60),
            live: Duration::from_secs(2),
            timeout: Duration::from_secs(20),
        }
    }
}

pub struct Pollers {
    pub tasks: JoinSet<()>,
    pub refresh: Arc<Notify>,
    pub cancel: CancellationToken,
    /// Fetches made so far, per source, updated after each cycle.
    pub fetches: Arc<Mutex<BTreeMap<Source, u64>>>,
}

impl Pollers {
    pub fn refresh(&self) {
        self.refresh.notify_waiters();
    }
}

impl Drop for Pollers {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub struct Sources {
    pub api: Arc<dyn AwsApi>,
    pub resolver: Arc<dyn Resolver>,
    pub prober: Arc<dyn Prober>,
}

/// Start the pollers for `cluster`; updates go to `tx`.
pub fn spawn(
    src: Sources,
    context: &Context,
    from_vpc: Option<String>,
    every: Intervals,
    tx: mpsc::Sender<Fetched>,
) -> Pollers {
    let live = context.live;
    let refresh = Arc::new(Notify::new());
    let cancel = CancellationToken::new();
    let fetches = Arc::new(Mutex::new(BTreeMap::new()));
    let (target_tx, target_rx) = watch::channel(None::<LiveTarget>);
    let mut tasks = JoinSet::new();
    let context = Context {
        region: src.api.region(),
        source: String::new(),
        ..context.clone()
    };
    tasks.spawn(collect(
        src.api,
        Graph::new(from_vpc, every.timeout),
        Model::new(context),
        every.clone(),
        Wake {
            refresh: refresh.clone(),
            cancel: cancel.clone(),
        },
        tx.clone(),
        target_tx,
        fetches.clone(),
    ));
    if live.dns {
        tasks.spawn(run_live(
            src.resolver,
            src.prober,
            target_rx,
            every.live,
            live.probe,
            tx,
            cancel.clone(),
        ));
    }
    Pollers {
        tasks,
        refresh,
        cancel,
        fetches,
    }
}

struct Wake {
    refresh: Arc<Notify>,
    cancel: CancellationToken,
}

/// The graph's task. It keeps its own copy of the model, fed the same updates as the app's,
/// to derive what each source needs.
#[allow(clippy::too_many_arguments)]
async fn collect(
    api: Arc<dyn AwsApi>,
    mut graph: Graph,
    mut model: Model,
    every: Intervals,
    wake: Wake,
    tx: mpsc::Sender<Fetched>,
    target: watch::Sender<Option<LiveTarget>>,
    fetches: Arc<Mutex<BTreeMap<Source, u64>>>,
) {
    let clock = Clock::system();
    let mut slow = tokio::time::interval(every.slow);
    let mut fast = tokio::time::interval(every.fast);
    slow.set_missed_tick_behavior(MissedTickBehavior::Skip);
    fast.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // Both fire at once: the first cycle reads everything.
    fast.tick().await;
    let mut scope = Scope::All;
    // A server named by URL is known before anything is read.
    if let Some(s) = model.context.api.server() {
        target.send_replace(Some(LiveTarget {
            host: s.host.clone(),
            port: s.port,
            ca_data: s.ca_data.clone(),
            mode: crate::model::ProbeMode::Tls,
        }));
    }
    // The live poller starts the moment the cluster (its host, port and CA) is known.
    let lattice = model.context.api.lattice().cloned();
    let mut seen = |f: &Fetched, _| {
        let t = match f {
            Fetched::Cluster(Ok(c)) => Some(LiveTarget {
                host: c.host(),
                port: c.endpoint_port(),
                ca_data: c.ca_data.clone(),
                mode: crate::model::ProbeMode::Tls,
            }),
            // A Lattice service: its name and listener, once it is found.
            Fetched::LatticeService(Ok(found)) => match (found.first(), lattice.as_ref()) {
                (Some(s), Some(api)) => {
                    api.dns_name().or_else(|| s.host()).map(|host| LiveTarget {
                        host,
                        port: s.probed_listener().map_or(443, |l| l.port),
                        ca_data: api.ca_data.clone(),
                        mode: crate::model::probe_mode_for(Some(s), api),
                    })
                }
                _ => None,
            },
            _ => return,
        };
        target.send_if_modified(|old| {
            let changed = *old != t;
            if changed {
                *old = t;
            }
            changed
        });
    };
    loop {
        // A full cycle reads the fast tier too.
        if scope == Scope::All {
            slow.reset();
            fast.reset();
        }
        let cycle = graph.cycle(
            api.as_ref(),
            &mut model,
            scope,
            &clock,
            Some(&tx),
            &mut seen,
        );
        let open = tokio::select! {
            open = cycle => open,
            _ = wake.cancel.cancelled() => return,
        };
        if !open {
            return;
        }
        if let Ok(mut f) = fetches.lock() {
            f.clone_from(graph.fetches());
        }
        scope = tokio::select! {
            // When both are due, the full cycle covers the fast one.
            biased;
            _ = wake.cancel.cancelled() => return,
            _ = slow.tick() => Scope::All,
            _ = fast.tick() => Scope::Tier(Tier::Fast),
            _ = wake.refresh.notified() => Scope::All,
        };
    }
}
