//! Which sources the flags ask for: the demo environment, or the real account plus live
//! DNS and probes from this host.

use crate::cli::Opts;
use crate::clock::Clock;
use crate::model::{DnsOutcome, DnsSample, ProbeOutcome, ProbeSample};
use crate::sources::aws::{AwsClient, AwsOptions};
use crate::sources::demo::{DemoEnv, Scenario};
use crate::sources::{AwsApi, ProbeRequest, Prober, Resolver};
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
    let (resolver, prober) = if opts.no_live {
        offline_sources()
    } else {
        live_sources(opts)?
    };
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
    .await?;
    Ok(Arc::new(client))
}

/// With `--no-live` nothing samples from this host; these answer that they are off.
struct LiveOff;

#[async_trait::async_trait]
impl Resolver for LiveOff {
    async fn lookup(&self, host: &str) -> DnsSample {
        DnsSample {
            at: chrono::Utc::now(),
            host: host.to_string(),
            server: None,
            latency: std::time::Duration::ZERO,
            outcome: DnsOutcome::Error("live DNS off (--no-live)".into()),
        }
    }
}

#[async_trait::async_trait]
impl Prober for LiveOff {
    async fn probe(&self, req: &ProbeRequest) -> ProbeSample {
        ProbeSample {
            at: chrono::Utc::now(),
            ip: req.ip,
            port: req.port,
            connect: None,
            tls: None,
            first_byte: None,
            http_status: None,
            outcome: ProbeOutcome::TcpFailed("probes off (--no-live)".into()),
        }
    }
}

fn offline_sources() -> LiveSources {
    (Arc::new(LiveOff), Arc::new(LiveOff))
}

/// The resolver and the prober.
pub type LiveSources = (Arc<dyn Resolver>, Arc<dyn Prober>);

/// DNS and probes from this host.
fn live_sources(_opts: &Opts) -> Result<LiveSources, String> {
    Err("live DNS and probes are not available in this build yet; use --demo".into())
}
