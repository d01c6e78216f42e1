//! The built-in simulated environment: an AWS account, this host's DNS and its probes,
//! with no network at all. Everything above the source traits runs unchanged on it.

mod api;
mod automation;
mod ids;
mod lattice;
mod live;
mod network;
mod noise;
mod scenario;
mod self_managed;
mod services;
mod timeline;
pub mod world;

#[cfg(test)]
mod tests;

pub use ids::{CLUSTER, ENDPOINT, REGION, SELF_MANAGED_CONTEXT, SELF_MANAGED_SERVER};
pub use scenario::Scenario;
pub use world::{SimDns, World};

use crate::clock::Clock;
use crate::model::{DnsSample, ProbeSample};
use crate::sources::{ProbeRequest, Prober, Resolver};
use async_trait::async_trait;
use std::time::Duration;

/// The simulated account of `scenario` at `elapsed` into its timeline.
pub fn world(scenario: Scenario, elapsed: Duration) -> World {
    if scenario.self_managed() {
        self_managed::world(scenario, elapsed)
    } else if scenario.lattice() {
        lattice::world(scenario, elapsed)
    } else {
        world::eks_world(scenario, elapsed)
    }
}

/// Implements [`AwsApi`](crate::sources::AwsApi), [`Resolver`] and [`Prober`] over
/// [`world`] at the current simulated time.
#[derive(Debug, Clone)]
pub struct DemoEnv {
    scenario: Scenario,
    clock: Clock,
    offset: Duration,
    /// How long each AWS call takes, as from a far-away region.
    latency: Duration,
    rewire: Rewire,
    /// Calls answered so far, by the IAM action the real call would need.
    calls: std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<&'static str, u64>>>,
}

/// Changes to the simulated account that point it at servers a test runs on loopback.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rewire {
    /// The API's interface endpoint has these IPs.
    pub endpoint_ips: Option<Vec<std::net::Ipv4Addr>>,
    /// And these IPv6 addresses (a dual-stack endpoint).
    pub endpoint_ipv6: Option<Vec<std::net::Ipv6Addr>>,
    /// The cluster's endpoint URL; its zone and record follow the name.
    pub endpoint: Option<String>,
    /// The cluster's CA, base64 PEM (`certificateAuthority.data`).
    pub ca_data: Option<String>,
    pub public_access: Option<bool>,
    /// The self-managed API's NLB has these node IPs, one per zone.
    pub nlb_ips: Option<Vec<std::net::Ipv4Addr>>,
    /// The Lattice service's listener speaks this protocol (`HTTP`, `HTTPS`) on this port.
    pub lattice_listener: Option<(String, u16)>,
}

impl DemoEnv {
    pub fn new(scenario: Scenario, clock: Clock) -> Self {
        Self::with_offset(scenario, clock, Duration::ZERO)
    }

    /// Starts the simulation `offset` into its timeline, e.g. to show a rotation at once.
    pub fn with_offset(scenario: Scenario, clock: Clock, offset: Duration) -> Self {
        Self {
            scenario,
            clock,
            offset,
            latency: Duration::ZERO,
            rewire: Rewire::default(),
            calls: Default::default(),
        }
    }

    /// The same account with `rewire` applied to every answer.
    pub fn rewired(mut self, rewire: Rewire) -> Self {
        self.rewire = rewire;
        self
    }

    /// Every AWS call answers `latency` late (in tokio time, so paused tests can count the
    /// round trips collection waits on).
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Calls answered so far, by action.
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        self.calls
            .lock()
            .map(|c| c.iter().map(|(a, n)| (a.to_string(), *n)).collect())
            .unwrap_or_default()
    }

    /// One call, of the `nth` action the catalogue names for `source`: counted, and
    /// answered after the simulated latency.
    async fn answer_delay(&self, source: crate::model::Source, nth: usize) {
        let actions = source.spec().actions;
        let action = actions.get(nth).unwrap_or(&actions[0]);
        if let Ok(mut c) = self.calls.lock() {
            *c.entry(action).or_default() += 1;
        }
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }

    pub fn scenario(&self) -> Scenario {
        self.scenario
    }

    /// Simulated time since the start of the scenario.
    pub fn elapsed(&self) -> Duration {
        self.offset + self.clock.elapsed()
    }

    /// The simulated account as it is now.
    pub fn world(&self) -> World {
        let mut w = world(self.scenario, self.elapsed());
        let r = &self.rewire;
        for c in &mut w.clusters {
            if let Some(ca) = &r.ca_data {
                c.ca_data = Some(ca.clone());
            }
            if let Some(p) = r.public_access {
                c.public_access = p;
            }
        }
        for e in w.interface_endpoints.iter_mut() {
            if e.service_name == ids::SVC_NAME {
                if let Some(ips) = &r.endpoint_ips {
                    e.ips = ips.clone();
                }
                if let Some(ips) = &r.endpoint_ipv6 {
                    e.ipv6 = ips.clone();
                }
            }
        }
        if let Some(url) = &r.endpoint {
            w.rename_endpoint(url);
        }
        if let Some(ips) = &r.nlb_ips {
            for lb in w
                .load_balancers
                .iter_mut()
                .filter(|lb| lb.arn == self_managed::NLB_ARN)
            {
                for (z, ip) in lb.zones.iter_mut().zip(ips) {
                    z.private_ips = vec![*ip];
                }
            }
            // The control plane admits its NLB's nodes wherever they are.
            let nodes = ips
                .iter()
                .map(|ip| crate::model::SgSource::Cidr(ipnet::Ipv4Net::from(*ip)));
            for g in w
                .security_groups
                .iter_mut()
                .filter(|g| g.id == self_managed::SG_CONTROL_PLANE)
            {
                g.ingress[0].sources.extend(nodes.clone());
            }
        }
        if let Some((protocol, port)) = &r.lattice_listener {
            for l in w
                .lattice
                .services
                .iter_mut()
                .flat_map(|s| s.listeners.iter_mut())
            {
                l.protocol = protocol.clone();
                l.port = *port;
            }
            w.api_port = *port;
        }
        w
    }

    /// What `check` collects from `scenario` at its start, on a fixed clock: a complete model
    /// for benchmarks and examples.
    pub fn model_at_start(scenario: Scenario) -> crate::model::Model {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the demo");
        rt.block_on(async {
            let clock = Clock::fixed();
            let env = DemoEnv::new(scenario, clock);
            let settings = crate::sources::collect::Settings {
                gap: Duration::ZERO,
                api: scenario.api(),
                ..Default::default()
            };
            let source = format!("demo:{}", scenario.name());
            crate::sources::collect::collect_once(
                &env, &env, &env, &settings, &clock, &source, None,
            )
            .await
            .expect("the demo names its cluster")
        })
    }
}

#[async_trait]
impl Resolver for DemoEnv {
    async fn lookup(&self, host: &str) -> DnsSample {
        live::lookup(&self.world(), host, self.clock.now())
    }
}

#[async_trait]
impl Prober for DemoEnv {
    async fn probe(&self, req: &ProbeRequest) -> ProbeSample {
        live::probe(&self.world(), req, self.clock.now())
    }

    fn proxy(&self) -> crate::model::proxy::ProxyEnv {
        live::proxy_env(self.scenario)
    }
}
