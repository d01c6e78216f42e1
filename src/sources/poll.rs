//! Background pollers for the interactive view: one task per source group, each with its
//! own interval, no overlapping requests (each waits for its own call), a shared refresh
//! signal and a cancellation token. They send owned updates; the app merges them.

use super::collect::{
    fetch_cluster, fetch_enis, fetch_network, fetch_origin, fetch_privatelink_and_lb,
    fetch_route53, fetch_security_groups,
};
use super::live::{LiveTarget, run_live};
use super::{AwsApi, Prober, Resolver};
use crate::model::{Cluster, Fetched, LiveMode, Origin};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct Intervals {
    /// ENIs and target health: what changes during a rotation.
    pub fast: Duration,
    /// Cluster, network, zones, security groups.
    pub slow: Duration,
    /// DNS samples and probes.
    pub live: Duration,
    /// Limit for one poll of one source.
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

/// What the pollers learned that other pollers need.
#[derive(Debug, Clone, Default)]
struct Scope {
    cluster: Option<Cluster>,
    /// `Some(None)`: located, and nowhere known.
    origin: Option<Option<Origin>>,
    sg_ids: BTreeSet<String>,
}

pub struct Pollers {
    pub tasks: JoinSet<()>,
    pub refresh: Arc<Notify>,
    pub cancel: CancellationToken,
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

/// Start every poller for `cluster`; updates go to `tx`.
pub fn spawn(
    src: Sources,
    cluster: String,
    from_vpc: Option<String>,
    live: LiveMode,
    every: Intervals,
    tx: mpsc::Sender<Fetched>,
) -> Pollers {
    let refresh = Arc::new(Notify::new());
    let cancel = CancellationToken::new();
    let (scope_tx, scope_rx) = watch::channel(Scope::default());
    let scope_tx = Arc::new(scope_tx);
    let mut tasks = JoinSet::new();
    let ctx = Poll {
        api: src.api,
        tx,
        refresh: refresh.clone(),
        cancel: cancel.clone(),
        timeout: every.timeout,
    };

    {
        let (p, scope, name) = (ctx.clone(), scope_tx.clone(), cluster.clone());
        tasks.spawn(p.clone().every(every.slow, move || {
            let (p, scope, name) = (p.clone(), scope.clone(), name.clone());
            async move {
                let f = fetch_cluster(p.api.as_ref(), &name, p.deadline()).await;
                if let Fetched::Cluster(Ok(c)) = &f {
                    let c = c.clone();
                    scope.send_modify(|s| {
                        s.sg_ids.extend(c.eni_sgs());
                        s.cluster = Some(c);
                    });
                }
                vec![f]
            }
        }));
    }
    {
        let (p, scope) = (ctx.clone(), scope_tx.clone());
        tasks.spawn(p.clone().every(every.slow, move || {
            let (p, scope, vpc) = (p.clone(), scope.clone(), from_vpc.clone());
            async move {
                let f = fetch_origin(p.api.as_ref(), vpc.as_deref(), p.deadline()).await;
                if let Fetched::Origin(Ok(o)) = &f {
                    let o = o.clone();
                    scope.send_modify(|s| {
                        if let Some(o) = &o {
                            s.sg_ids.extend(o.sg_ids.iter().cloned());
                        }
                        s.origin = Some(o);
                    });
                }
                vec![f]
            }
        }));
    }
    {
        let (p, scope, name) = (ctx.clone(), scope_tx.clone(), cluster.clone());
        tasks.spawn(p.clone().every(every.fast, move || {
            let (p, scope, name) = (p.clone(), scope.clone(), name.clone());
            async move {
                let out = fetch_enis(p.api.as_ref(), &name, p.deadline()).await;
                if let Some(Fetched::Enis(Ok(enis))) = out.first() {
                    let ids: Vec<String> = enis.iter().flat_map(|e| e.sg_ids.clone()).collect();
                    scope.send_if_modified(|s| extend_changed(&mut s.sg_ids, ids));
                }
                out
            }
        }));
    }
    {
        let (p, rx) = (ctx.clone(), scope_rx.clone());
        tasks.spawn(p.clone().after_scope(
            rx,
            every.slow,
            |s| s.cluster.is_some() && s.origin.is_some(),
            |p, s| async move {
                let mut vpcs: BTreeSet<String> =
                    s.cluster.iter().filter_map(|c| c.vpc_id.clone()).collect();
                vpcs.extend(s.origin.flatten().map(|o| o.vpc_id));
                fetch_network(
                    p.api.as_ref(),
                    &vpcs.into_iter().collect::<Vec<_>>(),
                    p.deadline(),
                )
                .await
            },
        ));
    }
    {
        let (p, rx, scope) = (ctx.clone(), scope_rx.clone(), scope_tx.clone());
        tasks.spawn(p.clone().after_scope(
            rx,
            every.fast,
            |s| s.cluster.is_some() && s.origin.is_some(),
            move |p, s| {
                let scope = scope.clone();
                async move {
                    let origin_vpc = s.origin.flatten().map(|o| o.vpc_id);
                    let cluster_vpc = s.cluster.and_then(|c| c.vpc_id);
                    let out = fetch_privatelink_and_lb(
                        p.api.as_ref(),
                        origin_vpc.as_deref(),
                        cluster_vpc.as_deref(),
                        p.deadline(),
                    )
                    .await;
                    let mut ids = Vec::new();
                    for f in &out {
                        match f {
                            Fetched::InterfaceEndpoints(Ok(v)) => {
                                ids.extend(v.iter().flat_map(|e| e.sg_ids.clone()))
                            }
                            Fetched::LoadBalancers(Ok(v)) => {
                                ids.extend(v.iter().flat_map(|l| l.sg_ids.clone()))
                            }
                            _ => {}
                        }
                    }
                    scope.send_if_modified(|s| extend_changed(&mut s.sg_ids, ids));
                    out
                }
            },
        ));
    }
    {
        let (p, rx) = (ctx.clone(), scope_rx.clone());
        tasks.spawn(p.clone().after_scope(
            rx,
            every.slow,
            |s| s.cluster.is_some(),
            |p, s| async move {
                let host = s.cluster.map(|c| c.host()).unwrap_or_default();
                fetch_route53(p.api.as_ref(), &host, p.deadline()).await
            },
        ));
    }
    {
        // Groups found later (endpoints, NLBs) wake this poller through the scope.
        let (p, mut rx) = (ctx.clone(), scope_rx.clone());
        tasks.spawn(async move {
            let mut polled: BTreeSet<String> = BTreeSet::new();
            let mut iv = tokio::time::interval(every.slow);
            iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
            loop {
                let ids = rx.borrow_and_update().sg_ids.clone();
                if !ids.is_empty() {
                    let out = fetch_security_groups(
                        p.api.as_ref(),
                        &ids.iter().cloned().collect::<Vec<_>>(),
                        p.deadline(),
                    )
                    .await;
                    polled = ids;
                    if !p.send(out).await {
                        return;
                    }
                }
                tokio::select! {
                    _ = iv.tick() => {}
                    _ = p.refresh.notified() => {}
                    changed = rx.changed() => {
                        if changed.is_err() || rx.borrow().sg_ids == polled { continue; }
                    }
                    _ = p.cancel.cancelled() => return,
                }
            }
        });
    }
    if live.dns {
        // The live poller starts as soon as the cluster (its host and CA) is known.
        let (target_tx, target_rx) = watch::channel(None::<LiveTarget>);
        let mut rx = scope_rx;
        let stop = cancel.clone();
        tasks.spawn(async move {
            loop {
                let target = rx.borrow_and_update().cluster.as_ref().map(|c| LiveTarget {
                    host: c.host(),
                    port: 443,
                    ca_data: c.ca_data.clone(),
                });
                target_tx.send_if_modified(|t| {
                    let changed = target.is_some() && *t != target;
                    if changed {
                        *t = target;
                    }
                    changed
                });
                tokio::select! {
                    r = rx.changed() => if r.is_err() { return },
                    _ = stop.cancelled() => return,
                }
            }
        });
        tasks.spawn(run_live(
            src.resolver,
            src.prober,
            target_rx,
            every.live,
            live.probe,
            ctx.tx.clone(),
            cancel.clone(),
        ));
    }
    Pollers {
        tasks,
        refresh,
        cancel,
    }
}

fn extend_changed(set: &mut BTreeSet<String>, ids: Vec<String>) -> bool {
    let before = set.len();
    set.extend(ids);
    set.len() != before
}

#[derive(Clone)]
struct Poll {
    api: Arc<dyn AwsApi>,
    tx: mpsc::Sender<Fetched>,
    refresh: Arc<Notify>,
    cancel: CancellationToken,
    timeout: Duration,
}

impl Poll {
    fn deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }

    /// False once the app is gone.
    async fn send(&self, out: Vec<Fetched>) -> bool {
        for f in out {
            if self.tx.send(f).await.is_err() {
                return false;
            }
        }
        true
    }

    /// Poll now, then every `period` or on refresh, until cancelled.
    async fn every<F, Fut>(self, period: Duration, mut poll: F)
    where
        F: FnMut() -> Fut + Send,
        Fut: std::future::Future<Output = Vec<Fetched>> + Send,
    {
        let mut iv = tokio::time::interval(period);
        iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = iv.tick() => {}
                _ = self.refresh.notified() => {}
                _ = self.cancel.cancelled() => return,
            }
            let out = tokio::select! {
                out = poll() => out,
                _ = self.cancel.cancelled() => return,
            };
            if !self.send(out).await {
                return;
            }
        }
    }

    /// Like `every`, once the scope satisfies `ready`; each poll sees the latest scope.
    async fn after_scope<R, F, Fut>(
        self,
        mut rx: watch::Receiver<Scope>,
        period: Duration,
        ready: R,
        poll: F,
    ) where
        R: Fn(&Scope) -> bool + Send,
        F: Fn(Poll, Scope) -> Fut + Send,
        Fut: std::future::Future<Output = Vec<Fetched>> + Send,
    {
        tokio::select! {
            r = rx.wait_for(|s| ready(s)) => if r.is_err() { return },
            _ = self.cancel.cancelled() => return,
        }
        let me = self.clone();
        self.every(period, move || poll(me.clone(), rx.borrow().clone()))
            .await
    }
}
