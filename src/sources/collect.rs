//! Discovery and collection over the source traits: which resources make up this cluster's
//! endpoint path, fetched with bounded time and concurrency. Each stage returns owned
//! [`Fetched`] updates; only the model merges them.

use super::{AwsApi, ProbeRequest, Prober, Resolver};
use crate::clock::Clock;
use crate::model::privatelink::normalize_dns_name;
use crate::model::{
    Context, DnsSample, ErrorKind, Fetched, LiveMode, Model, Origin, SourceError, TargetGroup,
};
use futures::stream::{self, StreamExt};
use std::collections::BTreeSet;
use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;
use tokio::time::Instant;

/// Calls in flight at once for per-resource fan-out (listeners, target health, records).
const FAN_OUT: usize = 4;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `--cluster`; `None` picks the only cluster in the region.
    pub cluster: Option<String>,
    pub from_vpc: Option<String>,
    pub live: LiveMode,
    /// DNS samples `check` takes, `gap` apart.
    pub samples: u32,
    pub gap: Duration,
    /// Per collection stage.
    pub timeout: Duration,
    /// Where probes connect (443 for EKS).
    pub port: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            cluster: None,
            from_vpc: None,
            live: LiveMode::ALL,
            samples: 3,
            gap: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
            port: 443,
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
    #[error("no --cluster given and {region} has {}; pass --cluster NAME", count_clusters(.available))]
    ChooseCluster {
        region: String,
        available: Vec<String>,
    },
    #[error("cannot list clusters: {0}")]
    ListClusters(SourceError),
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
        0 => "no EKS cluster".into(),
        _ => format!("several clusters ({})", v.join(", ")),
    }
}

/// Await `fut` until `deadline`; past it, the call counts as timed out.
pub async fn bounded<T>(
    deadline: Instant,
    what: &str,
    fut: impl Future<Output = Result<T, SourceError>>,
) -> Result<T, SourceError> {
    tokio::time::timeout_at(deadline, fut)
        .await
        .unwrap_or_else(|_| Err(SourceError::timeout(what)))
}

/// Pick the cluster: the one asked for, else the kubeconfig's current one (by ARN, or by
/// its server URL matched against the clusters' endpoints), else the only one in the region.
pub async fn choose_cluster(
    api: &dyn AwsApi,
    requested: Option<&str>,
) -> Result<String, CollectError> {
    if let Some(name) = requested {
        return Ok(name.to_string());
    }
    let kube = api.kube_context();
    if let Some(name) = kube.as_ref().and_then(|k| k.arn_cluster_name()) {
        return Ok(name);
    }
    let names = api
        .list_clusters()
        .await
        .map_err(CollectError::ListClusters)?;
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

pub async fn fetch_cluster(api: &dyn AwsApi, name: &str, deadline: Instant) -> Fetched {
    Fetched::Cluster(bounded(deadline, "eks:DescribeCluster", api.describe_cluster(name)).await)
}

pub async fn fetch_origin(api: &dyn AwsApi, from_vpc: Option<&str>, deadline: Instant) -> Fetched {
    Fetched::Origin(match from_vpc {
        Some(vpc) => Ok(Some(Origin::from_vpc(vpc))),
        None => bounded(deadline, "instance metadata", api.locate_origin()).await,
    })
}

pub async fn fetch_enis(api: &dyn AwsApi, cluster: &str, deadline: Instant) -> Vec<Fetched> {
    vec![Fetched::Enis(
        bounded(
            deadline,
            "ec2:DescribeNetworkInterfaces",
            api.cluster_enis(cluster),
        )
        .await,
    )]
}

/// VPCs, subnets, route tables and peerings of the cluster and origin VPCs.
pub async fn fetch_network(
    api: &dyn AwsApi,
    vpc_ids: &[String],
    deadline: Instant,
) -> Vec<Fetched> {
    let (vpcs, subnets, tables, peerings) = tokio::join!(
        bounded(deadline, "ec2:DescribeVpcs", api.vpcs(vpc_ids)),
        bounded(deadline, "ec2:DescribeSubnets", api.subnets(vpc_ids)),
        bounded(
            deadline,
            "ec2:DescribeRouteTables",
            api.route_tables(vpc_ids)
        ),
        bounded(
            deadline,
            "ec2:DescribeVpcPeeringConnections",
            api.peerings(vpc_ids)
        ),
    );
    vec![
        Fetched::Vpcs(vpcs),
        Fetched::Subnets(subnets),
        Fetched::RouteTables(tables),
        Fetched::Peerings(peerings),
    ]
}

/// Interface endpoints in the origin VPC, this account's endpoint services, then the
/// connections of the services those endpoints use, and the NLBs behind them: the
/// PrivateLink half of the path, found from this host's side so cost follows the path.
pub async fn fetch_privatelink_and_lb(
    api: &dyn AwsApi,
    origin_vpc: Option<&str>,
    cluster_vpc: Option<&str>,
    deadline: Instant,
) -> Vec<Fetched> {
    let mut out = Vec::new();
    let endpoints = match origin_vpc {
        Some(vpc) => {
            bounded(
                deadline,
                "ec2:DescribeVpcEndpoints",
                api.interface_endpoints(vpc),
            )
            .await
        }
        None => Err(SourceError::blocked("origin")),
    };
    let services = bounded(
        deadline,
        "ec2:DescribeVpcEndpointServiceConfigurations",
        api.endpoint_services(),
    )
    .await;
    let used: BTreeSet<String> = endpoints
        .as_ref()
        .map(|v| v.iter().map(|e| e.service_name.clone()).collect())
        .unwrap_or_default();
    let ours: Vec<_> = match &services {
        Ok(all) => {
            let picked: Vec<_> = all
                .iter()
                .filter(|s| used.contains(&s.name))
                .cloned()
                .collect();
            if picked.is_empty() {
                all.clone()
            } else {
                picked
            }
        }
        Err(_) => Vec::new(),
    };
    let connections = match &services {
        Ok(_) => {
            let ids: Vec<String> = ours.iter().map(|s| s.id.clone()).collect();
            fan_out(ids, |id| async move {
                bounded(
                    deadline,
                    "ec2:DescribeVpcEndpointConnections",
                    api.endpoint_connections(&id),
                )
                .await
            })
            .await
        }
        Err(_) => Err(SourceError::blocked(
            "ec2:DescribeVpcEndpointServiceConfigurations",
        )),
    };
    let nlb_arns: Vec<String> = ours
        .iter()
        .flat_map(|s| s.nlb_arns.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    out.push(Fetched::InterfaceEndpoints(endpoints));
    out.push(Fetched::EndpointServices(services));
    out.push(Fetched::EndpointConnections(connections));
    out.extend(fetch_load_balancing(api, &nlb_arns, cluster_vpc, deadline).await);
    out
}

/// The NLBs (these ARNs, else the cluster VPC's network load balancers), their listeners,
/// target groups and target health.
pub async fn fetch_load_balancing(
    api: &dyn AwsApi,
    nlb_arns: &[String],
    cluster_vpc: Option<&str>,
    deadline: Instant,
) -> Vec<Fetched> {
    let lbs = bounded(
        deadline,
        "elasticloadbalancing:DescribeLoadBalancers",
        api.load_balancers(nlb_arns),
    )
    .await
    .map(|all| {
        all.into_iter()
            .filter(|lb| lb.kind.eq_ignore_ascii_case("network"))
            .filter(|lb| !nlb_arns.is_empty() || cluster_vpc.is_none_or(|v| lb.vpc_id == v))
            .collect::<Vec<_>>()
    });
    let Ok(found) = &lbs else {
        let by = "elasticloadbalancing:DescribeLoadBalancers";
        return vec![
            Fetched::LoadBalancers(lbs),
            Fetched::Listeners(Err(SourceError::blocked(by))),
            Fetched::TargetGroups(Err(SourceError::blocked(by))),
            Fetched::Targets(Err(SourceError::blocked(by))),
        ];
    };
    let arns: Vec<String> = found.iter().map(|lb| lb.arn.clone()).collect();
    let listeners = fan_out(arns.clone(), |arn| async move {
        bounded(
            deadline,
            "elasticloadbalancing:DescribeListeners",
            api.listeners(&arn),
        )
        .await
    });
    let groups = fan_out(arns, |arn| async move {
        bounded(
            deadline,
            "elasticloadbalancing:DescribeTargetGroups",
            api.target_groups(&arn),
        )
        .await
    });
    let (listeners, groups) = tokio::join!(listeners, groups);
    let groups = groups.map(dedup_groups);
    let targets = match &groups {
        Ok(gs) => {
            let arns: Vec<String> = gs
                .iter()
                .filter(|g| g.is_ip())
                .map(|g| g.arn.clone())
                .collect();
            fan_out(arns, |arn| async move {
                bounded(
                    deadline,
                    "elasticloadbalancing:DescribeTargetHealth",
                    api.target_health(&arn),
                )
                .await
            })
            .await
        }
        Err(_) => Err(SourceError::blocked(
            "elasticloadbalancing:DescribeTargetGroups",
        )),
    };
    vec![
        Fetched::LoadBalancers(lbs),
        Fetched::Listeners(listeners),
        Fetched::TargetGroups(groups),
        Fetched::Targets(targets),
    ]
}

fn dedup_groups(mut gs: Vec<TargetGroup>) -> Vec<TargetGroup> {
    let mut seen = BTreeSet::new();
    gs.retain(|g| seen.insert(g.arn.clone()));
    gs
}

/// Run one call per key, a few at a time; the first error fails the whole source.
async fn fan_out<K, T, F, Fut>(keys: Vec<K>, call: F) -> Result<Vec<T>, SourceError>
where
    F: Fn(K) -> Fut,
    Fut: Future<Output = Result<Vec<T>, SourceError>>,
{
    let results: Vec<Result<Vec<T>, SourceError>> = stream::iter(keys.into_iter().map(call))
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    Ok(all)
}

/// Private zones for the endpoint name and their records for it.
pub async fn fetch_route53(api: &dyn AwsApi, host: &str, deadline: Instant) -> Vec<Fetched> {
    let zones = bounded(
        deadline,
        "route53:ListHostedZonesByName",
        api.hosted_zones(host),
    )
    .await;
    let records = match &zones {
        Ok(zs) => {
            let ids: Vec<String> = zs
                .iter()
                .filter(|z| z.private)
                .map(|z| z.id.clone())
                .collect();
            fan_out(ids, |id| async move {
                bounded(
                    deadline,
                    "route53:ListResourceRecordSets",
                    api.records(&id, host),
                )
                .await
            })
            .await
        }
        Err(_) => Err(SourceError::blocked("route53:ListHostedZonesByName")),
    };
    vec![Fetched::HostedZones(zones), Fetched::Records(records)]
}

/// Every security group the path uses, as far as the model knows it.
pub fn security_group_ids(m: &Model) -> Vec<String> {
    let mut ids = BTreeSet::new();
    if let Some(c) = m.cluster.value() {
        ids.extend(c.eni_sgs());
    }
    if let Some(enis) = m.enis.value() {
        ids.extend(enis.iter().flat_map(|e| e.sg_ids.iter().cloned()));
    }
    if let Some(ies) = m.interface_endpoints.value() {
        ids.extend(ies.iter().flat_map(|e| e.sg_ids.iter().cloned()));
    }
    if let Some(lbs) = m.load_balancers.value() {
        ids.extend(lbs.iter().flat_map(|l| l.sg_ids.iter().cloned()));
    }
    if let Some(o) = m.origin() {
        ids.extend(o.sg_ids.iter().cloned());
    }
    ids.into_iter().collect()
}

pub async fn fetch_security_groups(
    api: &dyn AwsApi,
    ids: &[String],
    deadline: Instant,
) -> Vec<Fetched> {
    let r = if ids.is_empty() {
        Ok(Vec::new())
    } else {
        bounded(
            deadline,
            "ec2:DescribeSecurityGroups",
            api.security_groups(ids),
        )
        .await
    };
    vec![Fetched::SecurityGroups(r)]
}

/// VPCs whose network data matters: the cluster's and this host's.
pub fn vpc_ids(m: &Model) -> Vec<String> {
    let mut ids = BTreeSet::new();
    if let Some(v) = m.cluster.value().and_then(|c| c.vpc_id.clone()) {
        ids.insert(v);
    }
    if let Some(o) = m.origin() {
        ids.insert(o.vpc_id.clone());
    }
    ids.into_iter().collect()
}

/// The only way probe requests are made: one per address the endpoint name resolved to, on
/// the endpoint's port. A sample for any other name yields nothing, so the prober can never
/// be pointed at an address that did not come from the endpoint's own DNS answer.
pub fn answer_requests(
    sample: &DnsSample,
    endpoint_host: &str,
    port: u16,
    ca_data: Option<&str>,
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
    let ca_data = m.cluster.value().and_then(|c| c.ca_data.as_deref());
    let requests = answer_requests(sample, &host, port, ca_data);
    probe_requests(prober, requests).collect().await
}

/// Everything once, in dependency order, for `check`.
pub async fn collect_once(
    api: &dyn AwsApi,
    resolver: &dyn Resolver,
    prober: &dyn Prober,
    settings: &Settings,
    clock: &Clock,
    source: &str,
) -> Result<Model, CollectError> {
    let name = choose_cluster(api, settings.cluster.as_deref()).await?;
    let mut model = Model::new(Context {
        cluster_name: name.clone(),
        region: api.region(),
        source: source.to_string(),
        live: settings.live,
    });
    let deadline = Instant::now() + settings.timeout;
    let (cluster, origin) = tokio::join!(
        fetch_cluster(api, &name, deadline),
        fetch_origin(api, settings.from_vpc.as_deref(), deadline)
    );
    if let Fetched::Cluster(Err(e)) = &cluster
        && e.kind == ErrorKind::NotFound
    {
        return Err(CollectError::UnknownCluster {
            name,
            region: api.region().unwrap_or_else(|| "this region".into()),
            available: api.list_clusters().await.unwrap_or_default(),
        });
    }
    model.apply(cluster, clock.now());
    model.apply(origin, clock.now());

    let deadline = Instant::now() + settings.timeout;
    let vpcs = vpc_ids(&model);
    let origin_vpc = model.origin().map(|o| o.vpc_id.clone());
    let cluster_vpc = model.cluster.value().and_then(|c| c.vpc_id.clone());
    let host = model.endpoint_host();
    let (enis, network, path, route53) = tokio::join!(
        fetch_enis(api, &name, deadline),
        fetch_network(api, &vpcs, deadline),
        fetch_privatelink_and_lb(api, origin_vpc.as_deref(), cluster_vpc.as_deref(), deadline),
        async {
            match &host {
                Some(h) => fetch_route53(api, h, deadline).await,
                None => vec![
                    Fetched::HostedZones(Err(SourceError::blocked("eks:DescribeCluster"))),
                    Fetched::Records(Err(SourceError::blocked("eks:DescribeCluster"))),
                ],
            }
        }
    );
    for f in [enis, network, path, route53].into_iter().flatten() {
        model.apply(f, clock.now());
    }
    let deadline = Instant::now() + settings.timeout;
    for f in fetch_security_groups(api, &security_group_ids(&model), deadline).await {
        model.apply(f, clock.now());
    }

    if settings.live.dns
        && let Some(host) = &host
    {
        for i in 0..settings.samples.max(1) {
            if i > 0 {
                tokio::time::sleep(settings.gap).await;
            }
            let sample = resolver.lookup(host).await;
            model.apply(Fetched::Dns(sample), clock.now());
        }
        if settings.live.probe {
            for f in probe_answers(prober, &model, settings.port).await {
                model.apply(f, clock.now());
            }
        }
    }
    Ok(model)
}
