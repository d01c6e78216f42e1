//! The collection graph: every catalogue source starts the moment the inputs it declares
//! are known, and a failed source blocks only the sources that read from it. `check` runs
//! one cycle over every source; the interactive pollers run a cycle per refresh tier, and
//! re-read a source outside that tier only when the keys its inputs derive have changed.

use super::AwsApi;
use super::fetch::{Keys, fetch};
use crate::clock::Clock;
use crate::model::{Derived, Fetched, Model, Origin, Source, SourceError, Tier};
use chrono::{DateTime, Utc};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};

/// Calls in flight at once per API service, across all fetches: well under each
/// service's rate limit. Route 53 allows five requests a second per account; its five
/// parent-domain lookups are the most the endpoint name can need at once.
fn service_limit(service: &str) -> usize {
    match service {
        "route53" => 5,
        _ => 10,
    }
}

/// What a cycle asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every source.
    All,
    /// The sources of one tier, and whatever depends on what changed.
    Tier(Tier),
}

impl Scope {
    fn wants(self, s: Source) -> bool {
        match self {
            Scope::All => true,
            Scope::Tier(t) => s.spec().tier == t,
        }
    }
}

/// Collection state that outlives one cycle: the keys each source was last read with.
pub struct Graph {
    from_vpc: Option<String>,
    timeout: Duration,
    /// `None`: the source was blocked by a failed input last time.
    last: BTreeMap<Source, Option<Keys>>,
    limits: BTreeMap<&'static str, Arc<Semaphore>>,
    fetches: BTreeMap<Source, u64>,
}

/// The sources that read, directly or not, from one in `from`.
fn dependents_closure(from: &BTreeSet<Source>) -> BTreeSet<Source> {
    let mut out = from.clone();
    loop {
        let more: Vec<Source> = Source::ALL
            .iter()
            .filter(|s| !out.contains(s))
            .filter(|s| {
                s.spec()
                    .inputs
                    .iter()
                    .any(|i| i.read_from().iter().any(|r| out.contains(r)))
            })
            .copied()
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

/// The keys of `source`'s inputs, or why they are not there yet.
fn keys_of(source: Source, m: &Model, pending: &dyn Fn(Source) -> bool) -> Result<Keys, Derived> {
    let mut keys = Keys::default();
    for &input in source.spec().inputs {
        match input.derive(m, pending) {
            Derived::Ready(v) => {
                keys.0.insert(input, v);
            }
            other => return Err(other),
        }
    }
    Ok(keys)
}

enum Step {
    Start(Source, Keys),
    Settle(Source, Option<Box<Fetched>>, Option<Keys>),
}

impl Graph {
    /// `from_vpc` places this host without instance metadata; `timeout` bounds each fetch.
    pub fn new(from_vpc: Option<String>, timeout: Duration) -> Self {
        let limits = Source::ALL
            .iter()
            .map(|s| s.spec().service())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|svc| (svc, Arc::new(Semaphore::new(service_limit(svc)))))
            .collect();
        Self {
            from_vpc,
            timeout,
            last: BTreeMap::new(),
            limits,
            fetches: BTreeMap::new(),
        }
    }

    /// Fetches made so far, per source.
    pub fn fetches(&self) -> &BTreeMap<Source, u64> {
        &self.fetches
    }

    /// Run one cycle: apply every update to `model` as it arrives, and send it on `tx` when
    /// given (false once the receiver is gone). `seen` hears of each update first, with the time it is merged at.
    pub async fn cycle(
        &mut self,
        api: &dyn AwsApi,
        model: &mut Model,
        scope: Scope,
        clock: &Clock,
        tx: Option<&mpsc::Sender<Fetched>>,
        seen: &mut (dyn FnMut(&Fetched, DateTime<Utc>) + Send),
    ) -> bool {
        let wanted: BTreeSet<Source> = Source::ALL
            .iter()
            .copied()
            .filter(|s| scope.wants(*s) && s.used_for(&model.context.api))
            .collect();
        let mut maybe = dependents_closure(&wanted);
        maybe.retain(|s| s.used_for(&model.context.api));
        let mut settled: BTreeSet<Source> = BTreeSet::new();
        let mut flying: BTreeSet<Source> = BTreeSet::new();
        let mut running = FuturesUnordered::new();
        loop {
            let steps = self.plan(model, &wanted, &maybe, &settled, &flying);
            let progressed = !steps.is_empty();
            for step in steps {
                match step {
                    Step::Start(source, keys) => {
                        flying.insert(source);
                        *self.fetches.entry(source).or_default() += 1;
                        running.push(self.start(api, source, keys));
                    }
                    Step::Settle(source, update, keys) => {
                        settled.insert(source);
                        self.last.insert(source, keys);
                        if let Some(f) = update
                            && !deliver(model, *f, clock, tx, seen).await
                        {
                            return false;
                        }
                    }
                }
            }
            if progressed {
                continue;
            }
            let Some((source, keys, update)) = running.next().await else {
                break;
            };
            flying.remove(&source);
            settled.insert(source);
            self.last.insert(source, Some(keys));
            if !deliver(model, update, clock, tx, seen).await {
                return false;
            }
        }
        true
    }

    /// What can start or settle now, without waiting.
    fn plan(
        &self,
        model: &Model,
        wanted: &BTreeSet<Source>,
        maybe: &BTreeSet<Source>,
        settled: &BTreeSet<Source>,
        flying: &BTreeSet<Source>,
    ) -> Vec<Step> {
        let pending = |s: Source| maybe.contains(&s) && !settled.contains(&s);
        let mut steps = Vec::new();
        for &s in maybe {
            if settled.contains(&s) || flying.contains(&s) {
                continue;
            }
            let again = |keys: Option<&Keys>| {
                wanted.contains(&s) || self.last.get(&s) != Some(&keys.cloned())
            };
            match keys_of(s, model, &pending) {
                Err(Derived::Wait) => {}
                Err(Derived::Blocked(e)) => {
                    let update = again(None).then(|| Box::new(Fetched::failed(s, e)));
                    steps.push(Step::Settle(s, update, None));
                }
                Err(Derived::Ready(_)) => unreachable!("keys_of returns ready keys as Ok"),
                Ok(keys) if again(Some(&keys)) => steps.push(Step::Start(s, keys)),
                Ok(keys) => steps.push(Step::Settle(s, None, Some(keys))),
            }
        }
        steps
    }

    fn start<'a>(
        &self,
        api: &'a dyn AwsApi,
        source: Source,
        keys: Keys,
    ) -> impl Future<Output = (Source, Keys, Fetched)> + Send + 'a {
        let limit = self.limits[source.spec().service()].clone();
        let timeout = self.timeout;
        let from_vpc = self.from_vpc.clone();
        async move {
            let update = match (source, from_vpc) {
                (Source::Origin, Some(vpc)) => Fetched::Origin(Ok(Some(Origin::from_vpc(&vpc)))),
                _ => tokio::time::timeout(timeout, fetch(api, source, &keys, &limit))
                    .await
                    .unwrap_or_else(|_| {
                        Fetched::failed(source, SourceError::timeout(source.spec().action()))
                    }),
            };
            (source, keys, update)
        }
    }
}

async fn deliver(
    model: &mut Model,
    update: Fetched,
    clock: &Clock,
    tx: Option<&mpsc::Sender<Fetched>>,
    seen: &mut (dyn FnMut(&Fetched, DateTime<Utc>) + Send),
) -> bool {
    let now = clock.now();
    seen(&update, now);
    if let Some(tx) = tx {
        model.apply(update.clone(), now);
        tx.send(update).await.is_ok()
    } else {
        model.apply(update, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Context, LiveMode};
    use crate::sources::demo::{CLUSTER, DemoEnv, Scenario};
    use tokio::time::Instant;

    const RTT: Duration = Duration::from_millis(100);

    /// The healthy demo answering every call `RTT` late, seen from its bastion's VPC.
    fn setup() -> (Clock, DemoEnv, Model, Graph) {
        let clock = Clock::fixed();
        let env = DemoEnv::new(Scenario::Healthy, clock).with_latency(RTT);
        let origin = env.world().origin.vpc_id;
        let model = Model::new(Context {
            cluster_name: CLUSTER.into(),
            region: None,
            source: "demo".into(),
            live: LiveMode::OFF,
            api: Default::default(),
        });
        (
            clock,
            env,
            model,
            Graph::new(Some(origin), Duration::from_secs(20)),
        )
    }

    /// In paused time, so the answer is exact: the PrivateLink path's sources all load after
    /// three round trips, however many calls they make.
    #[tokio::test(start_paused = true)]
    async fn a_full_cycle_waits_on_three_round_trips() {
        let (clock, env, mut m, mut graph) = setup();
        let started = Instant::now();
        assert!(
            graph
                .cycle(&env, &mut m, Scope::All, &clock, None, &mut |_, _| {})
                .await
        );
        assert_eq!(started.elapsed(), 3 * RTT);
        let used: Vec<Source> = Source::ALL
            .iter()
            .copied()
            .filter(|s| s.used_for(&m.context.api))
            .collect();
        for s in &used {
            assert_eq!(
                m.state_of(*s).state,
                crate::model::LoadState::Loaded,
                "{s:?}"
            );
        }
        assert_eq!(graph.fetches().values().sum::<u64>(), used.len() as u64);
    }

    /// The API shared through Lattice: the endpoints in this VPC, the configurations they
    /// lead to, then those configurations' gateways, alongside the PrivateLink path's three.
    #[tokio::test(start_paused = true)]
    async fn the_api_shared_through_lattice_still_waits_on_three_round_trips() {
        let clock = Clock::fixed();
        let env = DemoEnv::new(Scenario::LatticeApi, clock).with_latency(RTT);
        let origin = env.world().origin.vpc_id;
        let (_, _, mut m, _) = setup();
        let mut graph = Graph::new(Some(origin), Duration::from_secs(20));
        let started = Instant::now();
        graph
            .cycle(&env, &mut m, Scope::All, &clock, None, &mut |_, _| {})
            .await;
        assert_eq!(started.elapsed(), 3 * RTT);
        for s in [
            Source::LatticeEndpoints,
            Source::ResourceConfigs,
            Source::ResourceGateways,
        ] {
            assert_eq!(
                m.state_of(s).state,
                crate::model::LoadState::Loaded,
                "{s:?}"
            );
            assert_eq!(graph.fetches().get(&s), Some(&1), "{s:?}");
        }
        assert_eq!(m.resource_gateways.value().map(Vec::len), Some(1));
    }

    /// An API behind an NLB of its own, found through its Route 53 record: the load
    /// balancers and zones, the records, then the NLB's listeners, groups and network,
    /// its targets, the instances behind them, and their security groups.
    #[tokio::test(start_paused = true)]
    async fn a_server_behind_an_nlb_waits_on_six_round_trips() {
        let clock = Clock::fixed();
        let scenario = Scenario::SelfManaged;
        let env = DemoEnv::new(scenario, clock).with_latency(RTT);
        let origin = env.world().origin.vpc_id;
        let api = crate::model::Api::Server(scenario.server().unwrap());
        let mut m = Model::new(Context {
            cluster_name: "k8s-prod".into(),
            region: None,
            source: "demo".into(),
            live: LiveMode::OFF,
            api: api.clone(),
        });
        let mut graph = Graph::new(Some(origin), Duration::from_secs(20));
        let started = Instant::now();
        graph
            .cycle(&env, &mut m, Scope::All, &clock, None, &mut |_, _| {})
            .await;
        assert_eq!(started.elapsed(), 6 * RTT);
        for s in Source::ALL {
            let want = if s.used_for(&api) {
                crate::model::LoadState::Loaded
            } else {
                crate::model::LoadState::Loading
            };
            assert_eq!(m.state_of(*s).state, want, "{s:?}");
        }
        assert!(!graph.fetches().contains_key(&Source::Cluster));
    }

    /// Found through instance metadata, this host costs one round of its own before the
    /// endpoints in its VPC can be listed.
    #[tokio::test(start_paused = true)]
    async fn locating_this_host_adds_one_round() {
        let (clock, env, mut m, _) = setup();
        let mut graph = Graph::new(None, Duration::from_secs(20));
        let started = Instant::now();
        graph
            .cycle(&env, &mut m, Scope::All, &clock, None, &mut |_, _| {})
            .await;
        assert_eq!(started.elapsed(), 4 * RTT);
        assert!(m.origin().is_some());
    }

    /// A fast cycle re-reads the fast tier, and nothing whose keys stayed the same.
    #[tokio::test(start_paused = true)]
    async fn a_fast_cycle_reads_only_the_fast_tier_when_keys_hold() {
        let (clock, env, mut m, mut graph) = setup();
        graph
            .cycle(&env, &mut m, Scope::All, &clock, None, &mut |_, _| {})
            .await;
        let before = graph.fetches().clone();
        let started = Instant::now();
        let mut seen = Vec::new();
        graph
            .cycle(
                &env,
                &mut m,
                Scope::Tier(Tier::Fast),
                &clock,
                None,
                &mut |f, _| seen.extend(f.source()),
            )
            .await;
        seen.sort();
        assert_eq!(seen, [Source::Enis, Source::Targets]);
        assert_eq!(started.elapsed(), RTT, "both read side by side");
        for (s, n) in graph.fetches() {
            let extra = u64::from(s.spec().tier == Tier::Fast);
            assert_eq!(*n, before[s] + extra, "{s:?}");
        }
    }
}
