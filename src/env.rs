//! Which sources the flags ask for: the demo environment, or the real account plus live
//! DNS and probes from this host.

use crate::cli::Opts;
use crate::clock::Clock;
use crate::sources::aws::{AwsClient, AwsOptions};
use crate::sources::demo::{DemoEnv, Scenario};
use crate::sources::dns::{DNS_TIMEOUT, DnsResolver};
use crate::sources::probe::TlsProber;
use crate::sources::{AwsApi, Prober, Resolver};
use std::sync::Arc;

/// The three source traits and how to describe where they point.
pub struct Env {
    pub api: Arc<dyn AwsApi>,
    pub resolver: Arc<dyn Resolver>,
    pub prober: Arc<dyn Prober>,
    pub clock: Clock,
    /// `demo:<scenario>` or `aws`.
    pub source: String,
}

pub fn scenario(name: &str) -> Result<Scenario, String> {
    Scenario::from_name(name).ok_or_else(|| {
        format!(
            "unknown demo scenario '{name}'; accepted: {} (or 'list')",
            Scenario::ALL
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// `Err` is a one-line reason to exit 3.
pub async fn build_env(opts: &Opts) -> Result<Env, String> {
    if let Some(name) = &opts.demo {
        let scenario = scenario(name)?;
        let clock = Clock::system();
        let demo = Arc::new(DemoEnv::new(scenario, clock));
        return Ok(Env {
            api: demo.clone(),
            resolver: demo.clone(),
            prober: demo,
            clock,
            source: format!("demo:{}", scenario.name()),
        });
    }
    let api = aws_api(opts).await?;
    let (resolver, prober) = live_sources(opts)?;
    Ok(Env {
        api,
        resolver,
        prober,
        clock: Clock::system(),
        source: "aws".into(),
    })
}

/// The real account through the AWS SDK, configured like the AWS CLI.
async fn aws_api(opts: &Opts) -> Result<Arc<dyn AwsApi>, String> {
    let client = AwsClient::connect(&AwsOptions {
        profile: opts.profile.clone(),
        region: opts.region.clone(),
        endpoint_url: opts.endpoint_url.clone(),
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok(Arc::new(client))
}

/// The resolver and the prober.
pub type LiveSources = (Arc<dyn Resolver>, Arc<dyn Prober>);

/// DNS and probes from this host: the system resolver (or `--resolver`) and the TLS prober.
pub fn live_sources(opts: &Opts) -> Result<LiveSources, String> {
    let clock = Clock::system();
    let resolver = match opts.resolver {
        Some(addr) => DnsResolver::at(addr, clock).map_err(|e| e.to_string())?,
        // A host without a resolver configuration can still run the rest with --no-live.
        None if opts.no_live => DnsResolver::system(clock)
            .or_else(|_| DnsResolver::servers(&[], DNS_TIMEOUT, clock))
            .map_err(|e| e.to_string())?,
        None => DnsResolver::system(clock).map_err(|e| e.to_string())?,
    };
    Ok((Arc::new(resolver), Arc::new(TlsProber::new(clock))))
}
