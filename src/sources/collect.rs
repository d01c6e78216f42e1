//! Discovery and one-shot collection over the source traits: which cluster to look at, the
//! collection graph run once for `check`, and the only place probe requests are built.

use super::graph::{Graph, Scope};
use super::{AwsApi, ProbeRequest, Prober, Resolver};
use crate::clock::Clock;
use crate::model::privatelink::normalize_dns_name;
use crate::model::{Api, Context, DnsSample, ErrorKind, Fetched, LiveMode, Model, SourceError};
use crate::record::Tap;
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use std::net::IpAddr;
use std::time::Duration;

/// Calls in flight at once when choosing a cluster by its endpoint, and probes at once.
const FAN_OUT: usize = 4;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `--cluster`; `None` picks the only cluster in the region.
    pub cluster: Option<String>,
    /// An EKS endpoint URL that names the cluster (a kubeconfig context's server).
    pub eks_server: Option<String>,
    /// EKS, or an API server named by URL (then `cluster` is unused).
    pub api: Api,
    pub from_vpc: Option<String>,
    pub live: LiveMode,
    /// DNS samples `check` takes, `gap` apart.
    pub samples: u32,
    pub gap: Duration,
    /// Per fetch.
    pub timeout: Duration,
    /// Where probes connect instead of the endpoint's own port (tests on loopback).
    pub port: Option<u16>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            cluster: None,
            eks_server: None,
            api: Api::Eks,
            from_vpc: None,
            live: LiveMode::ALL,
            samples: 3,
            gap: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
            port: None,
        }
    }
}

/// Why collection could not start at all (`check` exits 3).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CollectError {
    #[error("cluster '{name}' not found in {region}; clusters there: {}", list_or_none(.available))]
    UnknownCluster {
        name: String,
        region: String,
        available: Vec<String>,
    },
    #[error("no --cluster given and {region} has {}", count_clusters(.available))]
    ChooseCluster {
        region: String,
        available: Vec<String>,
    },
    #[error("cannot list clusters: {0}")]
    ListClusters(SourceError),
    /// No AWS call got an answer: nothing can be judged.
    #[error("cannot reach {endpoint}: {reason}; no AWS call succeeded")]
    Unreachable { endpoint: String, reason: String },
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn count_clusters(v: &[String]) -> String {
    match v.len() {
        0 => "no EKS cluster; pass --region (or --profile) for where the cluster is".into(),
        _ => format!("several clusters ({}); pass --cluster NAME", v.join(", ")),
    }
}

/// Pick the cluster: the one asked for, else the kubeconfig's current one (by ARN, or by
/// its server URL matched against the clusters' endpoints), else the only one in the region.
pub async fn choose_cluster(
    api: &dyn AwsApi,
    requested: Option<&str>,
    server: Option<&str>,
) -> Result<String, CollectError> {
    if let Some(name) = requested {
        return Ok(name.to_string());
    }
    let kube = match server {
        Some(url) => Some(super::aws::KubeContext {
            context: String::new(),
            cluster: String::new(),
            server: Some(url.to_string()),
            ca: None,
        }),
        None => api.kube_context(),
    };
    if let Some(name) = kube.as_ref().and_then(|k| k.arn_cluster_name()) {
        return Ok(name);
    }
    let names = api.list_clusters().await.map_err(|e| match e.kind {
        ErrorKind::Unreachable => CollectError::Unreachable {
            endpoint: api.endpoint(),
            reason: e.reason().to_string(),
        },
        _ => CollectError::ListClusters(e),
    })?;
    if let Some(server) = kube.as_ref().and_then(|k| k.server.as_deref())
        && let Some(name) = cluster_serving(api, &names, server).await
    {
        return Ok(name);
    }
    match names.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(CollectError::ChooseCluster {
            region: api.region().unwrap_or_else(|| "this region".into()),
            available: names,
        }),
    }
}

/// The cluster whose endpoint is `server`, if any of `names` has it.
async fn cluster_serving(api: &dyn AwsApi, names: &[String], server: &str) -> Option<String> {
    let want = crate::model::cluster::endpoint_host(server);
    let found: Vec<Option<String>> = stream::iter(names.iter().cloned())
        .map(|name| {
            let want = want.clone();
            async move {
                let c = api.describe_cluster(&name).await.ok()?;
                (c.host() == want).then_some(name)
            }
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    found.into_iter().flatten().next()
}

/// The only way probe requests are made: one per address the endpoint name resolved to, on
/// the endpoint's port. A sample for any other name yields nothing, so the prober can never
/// be pointed at an address that did not come from the endpoint's own DNS answer.
pub fn answer_requests(
    sample: &DnsSample,
    endpoint_host: &str,
    port: u16,
    ca_data: Option<&str>,
    mode: crate::model::ProbeMode,
) -> Vec<ProbeRequest> {
    if normalize_dns_name(&sample.host) != normalize_dns_name(endpoint_host) {
        return vec![];
    }
    sample
        .ips()
        .into_iter()
        .filter(|ip| !(ip.is_unspecified() || ip.is_multicast()))
        .map(|ip: IpAddr| ProbeRequest {
            host: sample.host.clone(),
            ip,
            port,
            ca_data: ca_data.map(str::to_string),
            mode,
        })
        .collect()
}

/// Probe these answers, a few at a time, in the order they finish.
pub fn probe_requests(
    prober: &dyn Prober,
    requests: Vec<ProbeRequest>,
) -> impl futures::Stream<Item = Fetched> + '_ {
    stream::iter(requests)
        .map(move |req| async move { Fetched::Probe(prober.probe(&req).await) })
        .buffer_unordered(FAN_OUT)
}

/// Probe every address of the latest DNS answer of the cluster's endpoint.
pub async fn probe_answers(prober: &dyn Prober, m: &Model, port: u16) -> Vec<Fetched> {
    let (Some(sample), Some(host)) = (m.live.dns.latest(), m.endpoint_host()) else {
        return vec![];
    };
    let ca_data = m.ca_data();
    let requests = answer_requests(sample, &host, port, ca_data, m.probe_mode());
    probe_requests(prober, requests).collect().await
}

/// Everything once, for `check`: one cycle of the collection graph over every source, then
/// the live samples.
pub async fn collect_once(
    api: &dyn AwsApi,
    resolver: &dyn Resolver,
    prober: &dyn Prober,
    settings: &Settings,
    clock: &Clock,
    source: &str,
    tap: Option<&Tap>,
) -> Result<Model, CollectError> {
    let name = match &settings.api {
        Api::Server(s) => s.label(),
        Api::Lattice(l) => l.service.clone(),
        Api::Eks => {
            choose_cluster(
                api,
                settings.cluster.as_deref(),
                settings.eks_server.as_deref(),
            )
            .await?
        }
    };
    let mut model = Model::new(Context {
        cluster_name: name.clone(),
        region: api.region(),
        source: source.to_string(),
        live: settings.live,
        api: settings.api.clone(),
    });
    model.proxy = prober.proxy();
    let label = tap.map(|t| t.name(&model).to_string()).unwrap_or_default();
    let note = |f: &Fetched, at: DateTime<Utc>| {
        if let Some(t) = tap {
            t.recorder.update(&label, f, at);
        }
    };
    if let Some(t) = tap {
        t.recorder.begin(&label, &model, clock.now());
    }
    // A server named by URL may be found only through its live answers: sample first.
    let server = settings.api.server().is_some();
    if server {
        sample_dns(resolver, &mut model, settings, clock, &note).await;
    }
    let mut graph = Graph::new(settings.from_vpc.clone(), settings.timeout);
    graph
        .cycle(api, &mut model, Scope::All, clock, None, &mut |f, at| {
            note(f, at)
        })
        .await;
    if let Some(e) = model.unreachable() {
        return Err(CollectError::Unreachable {
            endpoint: api.endpoint(),
            reason: e.reason().to_string(),
        });
    }
    if let Some(e) = model.cluster.error()
        && e.kind == ErrorKind::NotFound
    {
        return Err(CollectError::UnknownCluster {
            name,
            region: api.region().unwrap_or_else(|| "this region".into()),
            available: api.list_clusters().await.unwrap_or_default(),
        });
    }

    if !server {
        sample_dns(resolver, &mut model, settings, clock, &note).await;
    }
    if settings.live.dns && settings.live.probe {
        let port = settings.port.unwrap_or_else(|| model.endpoint_port());
        for f in probe_answers(prober, &model, port).await {
            let now = clock.now();
            note(&f, now);
            model.apply(f, now);
        }
    }
    Ok(model)
}

/// The DNS samples `check` takes of the endpoint name, `gap` apart.
async fn sample_dns(
    resolver: &dyn Resolver,
    model: &mut Model,
    settings: &Settings,
    clock: &Clock,
    note: &(dyn Fn(&Fetched, DateTime<Utc>) + Sync),
) {
    let Some(host) = model.endpoint_host().filter(|_| settings.live.dns) else {
        return;
    };
    for i in 0..settings.samples.max(1) {
        if i > 0 {
            tokio::time::sleep(settings.gap).await;
        }
        let sample = Fetched::Dns(resolver.lookup(&host).await);
        let now = clock.now();
        note(&sample, now);
        model.apply(sample, now);
    }
}
