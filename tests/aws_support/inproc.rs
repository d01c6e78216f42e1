//! The real collectors in this process, pointed at an emulator, with live sampling off.

use async_trait::async_trait;
use aws_config::{BehaviorVersion, Region};
use eksnet_tui::clock::Clock;
use eksnet_tui::model::{DnsSample, LiveMode, Model, ProbeSample};
use eksnet_tui::sources::aws::AwsClient;
use eksnet_tui::sources::collect::{Settings, collect_once};
use eksnet_tui::sources::{ProbeRequest, Prober, Resolver};

pub struct NoLive;

#[async_trait]
impl Resolver for NoLive {
    async fn lookup(&self, _: &str) -> DnsSample {
        unreachable!("live sampling is off")
    }
}

#[async_trait]
impl Prober for NoLive {
    async fn probe(&self, _: &ProbeRequest) -> ProbeSample {
        unreachable!("live sampling is off")
    }
}

pub async fn client(url: &str) -> AwsClient {
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(super::REGION))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "collect", "testing", None, None, "test",
        ))
        .load()
        .await;
    AwsClient::from_conf(&conf)
}

/// One `check` collection of cluster `prod` seen from `from_vpc`.
pub async fn collect(client: &AwsClient, from_vpc: &str) -> Model {
    let settings = Settings {
        cluster: Some("prod".into()),
        from_vpc: Some(from_vpc.into()),
        live: LiveMode::OFF,
        ..Settings::default()
    };
    collect_once(
        client,
        &NoLive,
        &NoLive,
        &settings,
        &Clock::system(),
        "aws",
        None,
    )
    .await
    .expect("collection runs")
}
