//! The sources the startup asks for: the demo environment, or the real account plus live
//! DNS and probes from this host.

use crate::cli::Opts;
use crate::clock::Clock;
use crate::model::proxy::ProxyEnv;
use crate::record::Tap;
use crate::sources::aws::AwsClient;
use crate::sources::demo::DemoEnv;
use crate::sources::dns::{DNS_TIMEOUT, DnsResolver, ResolverSetupError};
use crate::sources::probe::TlsProber;
use crate::sources::{AwsApi, Prober, Resolver};
use crate::startup::{Backend, Startup, StartupError};
use std::sync::Arc;

/// The three source traits and how to describe where they point.
pub struct Env {
    pub api: Arc<dyn AwsApi>,
    pub resolver: Arc<dyn Resolver>,
    pub prober: Arc<dyn Prober>,
    pub clock: Clock,
    /// `demo:<scenario>` or `aws`.
    pub source: String,
    /// Where collections are recorded (`--record`).
    pub tap: Option<Tap>,
}

impl Env {
    /// One collection with these sources, as `check` and each `serve` refresh make it.
    pub async fn collect(
        &self,
        settings: &crate::sources::collect::Settings,
    ) -> Result<crate::model::Model, crate::sources::collect::CollectError> {
        crate::sources::collect::collect_once(
            self.api.as_ref(),
            self.resolver.as_ref(),
            self.prober.as_ref(),
            settings,
            &self.clock,
            &self.source,
            self.tap.as_ref(),
        )
        .await
    }

    /// The collection of `model` is complete and judged at `now`.
    pub fn judged(&self, model: &crate::model::Model, now: chrono::DateTime<chrono::Utc>) {
        if let Some(t) = &self.tap {
            t.recorder.judged(t.name(model), now);
        }
    }
}

/// The account is reached here, so missing credentials fail before any collection.
pub async fn build_env(startup: &Startup) -> Result<Env, StartupError> {
    let aws = match &startup.backend {
        Backend::Demo(scenario) => {
            let clock = Clock::system();
            let demo = Arc::new(DemoEnv::new(*scenario, clock));
            return Ok(Env {
                api: demo.clone(),
                resolver: demo.clone(),
                prober: demo,
                clock,
                source: format!("demo:{}", scenario.name()),
                tap: None,
            });
        }
        Backend::Aws(aws) => aws,
    };
    let api: Arc<dyn AwsApi> = Arc::new(AwsClient::connect(aws).await?);
    let (resolver, prober) = live_sources(&startup.opts)?;
    Ok(Env {
        api,
        resolver,
        prober,
        clock: Clock::system(),
        source: "aws".into(),
        tap: None,
    })
}

/// The resolver and the prober.
pub type LiveSources = (Arc<dyn Resolver>, Arc<dyn Prober>);

/// DNS and probes from this host: the system resolver (or `--resolver`) and the TLS prober.
pub fn live_sources(opts: &Opts) -> Result<LiveSources, ResolverSetupError> {
    let clock = Clock::system();
    let mut resolver = match opts.resolver {
        Some(addr) => DnsResolver::at(addr, clock)?,
        // A host without a resolver configuration can still run the rest with --no-live.
        None if opts.no_live => {
            DnsResolver::system(clock).or_else(|_| DnsResolver::servers(&[], DNS_TIMEOUT, clock))?
        }
        None => DnsResolver::system(clock)?,
    };
    if let Some(path) = &opts.hosts_file {
        resolver = resolver.with_hosts_file(path);
    }
    let prober = TlsProber::new(clock)
        .with_proxy(ProxyEnv::from_process())
        .with_path(
            opts.probe_path
                .as_deref()
                .unwrap_or(if opts.lattice_service.is_some() {
                    "/"
                } else {
                    crate::sources::probe::DEFAULT_PATH
                }),
        );
    Ok((Arc::new(resolver), Arc::new(prober)))
}
