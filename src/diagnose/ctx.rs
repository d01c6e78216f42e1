//! What every rule reads: the model plus facts derived from it once (route, path resources).

use super::classify::{AnswerClass, classify};
use super::finding::{Missing, list};
use crate::model::lb::api_groups;
use crate::model::network::table_for_subnet;
use crate::model::stats::{Trend, dns_trend};
use crate::model::{
    Cluster, DnsOutcome, DnsSample, EndpointService, ErrorKind, InterfaceEndpoint, LoadBalancer,
    Loadable, Model, Origin, ProbeSample, RouteTable, RouteTarget, Source, TargetGroup,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

/// How traffic from this host reaches the API server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// Interface endpoint -> endpoint service -> NLB -> EKS ENIs.
    Privatelink,
    /// Straight to the EKS ENIs, over peering when the origin is in another VPC.
    Direct,
    /// The public endpoint.
    Public,
    /// An API server behind an NLB of its own: NLB -> instances or IPs.
    Nlb,
    /// Nothing tells how the name reaches the cluster.
    Unresolved,
}

impl Route {
    pub fn label(self) -> &'static str {
        match self {
            Self::Privatelink => "privatelink",
            Self::Direct => "direct",
            Self::Public => "public",
            Self::Nlb => "nlb",
            Self::Unresolved => "unresolved",
        }
    }
}

/// What carries traffic between this host's VPC and the cluster VPC on the direct route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "kebab-case")]
pub enum Crossing {
    /// This host is in the cluster VPC: nothing to cross.
    SameVpc,
    /// A VPC peering (also when nothing carries the traffic: the classic way to join).
    Peering,
    /// This transit gateway.
    TransitGateway(String),
}

/// The resources that carry this host's traffic on the PrivateLink route.
#[derive(Debug, Default)]
pub struct PathResources<'a> {
    pub endpoints: Vec<&'a InterfaceEndpoint>,
    pub services: Vec<&'a EndpointService>,
    pub nlbs: Vec<&'a LoadBalancer>,
    pub target_groups: Vec<&'a TargetGroup>,
    /// Why the API's target group is not known, when it is not.
    pub target_groups_unknown: Option<String>,
}

/// The ids of [`PathResources`], for whoever shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PathIds {
    /// Interface endpoint ids.
    pub endpoints: Vec<String>,
    /// Endpoint service ids.
    pub services: Vec<String>,
    /// Load balancer ARNs.
    pub nlbs: Vec<String>,
    /// Target group ARNs.
    pub target_groups: Vec<String>,
}

impl PathResources<'_> {
    pub fn ids(&self) -> PathIds {
        PathIds {
            endpoints: self.endpoints.iter().map(|e| e.id.clone()).collect(),
            services: self.services.iter().map(|s| s.id.clone()).collect(),
            nlbs: self.nlbs.iter().map(|lb| lb.arn.clone()).collect(),
            target_groups: self.target_groups.iter().map(|tg| tg.arn.clone()).collect(),
        }
    }
}

pub struct Ctx<'a> {
    pub m: &'a Model,
    pub route: Route,
    /// Why this route was chosen.
    pub route_basis: String,
    pub path: PathResources<'a>,
    /// How the direct route crosses between the VPCs.
    pub crossing: Crossing,
}

/// Data a rule needs from `source`, or why it is missing, naming the source as the
/// catalogue does.
pub fn need<T>(l: &Loadable<T>, source: Source) -> Result<&T, Missing> {
    need_as(l, source, source.spec().what)
}

/// Like [`need`], for a part of the source the rule names itself (`this host's VPC CIDR`).
pub fn need_as<'a, T>(l: &'a Loadable<T>, source: Source, what: &str) -> Result<&'a T, Missing> {
    let what = || format!("{what} ({})", source.spec().actions.join(", "));
    match l {
        Loadable::Loaded { value, .. } | Loadable::Stale { value, .. } => Ok(value),
        Loadable::Loading => Err(Missing::new(what(), "not loaded yet")),
        Loadable::Failed { error, .. } => Err(Missing::new(what(), error.to_string())),
    }
}

impl<'a> Ctx<'a> {
    pub fn new(m: &'a Model) -> Self {
        if m.context.api.server().is_some() {
            let (path, basis) = server_path(m);
            return Ctx {
                m,
                route: Route::Nlb,
                route_basis: basis,
                path,
                crossing: crossing(m),
            };
        }
        let path = path_resources(m);
        let mut ctx = Ctx {
            m,
            route: Route::Unresolved,
            route_basis: String::new(),
            path,
            crossing: crossing(m),
        };
        let (route, basis) = choose_route(&ctx);
        ctx.route = route;
        ctx.route_basis = basis;
        ctx
    }

    pub fn cluster(&self) -> Result<&'a Cluster, Missing> {
        need(&self.m.cluster, Source::Cluster)
    }

    /// The API's host name: the server's, or the EKS cluster's once it is read.
    pub fn host(&self) -> Result<String, Missing> {
        match self.m.context.api.server() {
            Some(s) => Ok(s.host.clone()),
            None => Ok(self.cluster()?.host()),
        }
    }

    /// The origin, or why it is unknown: not located, or in a VPC the account does not have.
    pub fn origin(&self) -> Result<&'a Origin, Missing> {
        let o = match need(&self.m.origin, Source::Origin)? {
            Some(o) => o,
            None => {
                return Err(Missing::new(
                    "origin",
                    "this host's VPC is unknown: run on the bastion (instance metadata) or pass --from-vpc",
                ));
            }
        };
        match self.origin_vpc_exists(o) {
            Some(false) => Err(Missing::new(
                "origin",
                format!(
                    "VPC {} ({}) does not exist in {}: {} does not return it",
                    o.vpc_id,
                    o.found_by,
                    self.m.context.region.as_deref().unwrap_or("this region"),
                    Source::Vpcs.spec().action()
                ),
            )),
            _ => Ok(o),
        }
    }

    /// Whether DescribeVpcs knows this host's VPC; `None` when it could not be asked.
    fn origin_vpc_exists(&self, o: &Origin) -> Option<bool> {
        match &self.m.vpcs {
            Loadable::Loaded { value, .. } | Loadable::Stale { value, .. } => {
                Some(value.iter().any(|v| v.id == o.vpc_id))
            }
            Loadable::Failed { error, .. } if error.kind == ErrorKind::NotFound => Some(false),
            _ => None,
        }
    }

    pub fn cluster_vpc_id(&self) -> Result<&'a str, Missing> {
        self.cluster()?
            .vpc_id
            .as_deref()
            .ok_or_else(|| Missing::new("cluster VPC", "DescribeCluster returned no vpcId"))
    }

    /// Whether this host sits in the cluster's own VPC (the AWS-managed zone answers there).
    pub fn origin_in_cluster_vpc(&self) -> Result<bool, Missing> {
        Ok(self.origin()?.vpc_id == self.cluster_vpc_id()?)
    }

    /// IPs of the EKS-owned ENIs, if known.
    pub fn eni_ips(&self) -> Option<BTreeSet<Ipv4Addr>> {
        self.m
            .enis
            .value()
            .map(|enis| enis.iter().map(|e| e.ip).collect())
    }

    pub fn endpoint_ips(&self) -> Option<BTreeSet<Ipv4Addr>> {
        self.m
            .interface_endpoints
            .value()
            .map(|ies| ies.iter().flat_map(|ie| ie.ips.iter().copied()).collect())
    }

    /// Every address a kept DNS sample answered, classified once.
    pub fn all_answers(&self) -> BTreeMap<IpAddr, AnswerClass> {
        self.m
            .live
            .dns
            .iter()
            .flat_map(|s| s.ips())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|ip| (ip, classify(ip, self)))
            .collect()
    }

    /// The DNS answers of the latest sample, classified; `None` without a sample.
    /// The lookup the judgement rests on: the newest, unless it failed amid answers in
    /// the judgement window, when the addresses last returned still stand.
    pub fn judged_dns(&self) -> Option<&'a DnsSample> {
        let live = &self.m.live;
        let latest = live.dns.latest()?;
        match dns_trend(&live.dns) {
            Some(Trend::Flapping { .. }) if latest.ips().is_empty() => live.last_answered(),
            _ => Some(latest),
        }
    }

    /// The newest probe of each address of [`Ctx::judged_dns`].
    pub fn current_probes(&self) -> Vec<&'a ProbeSample> {
        self.judged_dns()
            .map(|d| self.m.live.probes_of(d))
            .unwrap_or_default()
    }

    pub fn latest_answers(&self) -> Option<Vec<(IpAddr, AnswerClass)>> {
        let sample = self.judged_dns()?;
        Some(
            sample
                .ips()
                .into_iter()
                .map(|ip| (ip, classify(ip, self)))
                .collect(),
        )
    }

    /// The route tables this host's traffic leaves by (see [`tables_leaving`]); none is
    /// missing data.
    pub fn origin_tables(&self, tables: &'a [RouteTable]) -> Result<Vec<&'a RouteTable>, Missing> {
        let origin = self.origin()?;
        let own = tables_leaving(tables, origin);
        if own.is_empty() {
            return Err(Missing::new(
                format!("route tables of {}", origin.vpc_id),
                "none returned",
            ));
        }
        Ok(own)
    }

    /// Where answers go back to: this host's IP, else the network address of each of its
    /// VPC's CIDRs.
    pub fn return_addresses(&self) -> Result<Vec<Ipv4Addr>, Missing> {
        let origin = self.origin()?;
        if let Some(ip) = origin.ip {
            return Ok(vec![ip]);
        }
        self.m
            .vpcs
            .value()
            .and_then(|v| v.iter().find(|v| v.id == origin.vpc_id))
            .map(|v| v.cidrs.iter().map(|c| c.network()).collect())
            .ok_or_else(|| Missing::new("this host's IP or VPC CIDR", "not known"))
    }

    pub fn vpc_name(&self, id: &str) -> String {
        self.m
            .vpcs
            .value()
            .and_then(|v| v.iter().find(|v| v.id == id))
            .map_or_else(|| id.to_string(), |v| v.label())
    }
}

/// The tables this host's traffic leaves by: its subnet's, else (the subnet unknown, as
/// with --from-vpc) every table of its VPC.
pub fn tables_leaving<'t>(tables: &'t [RouteTable], origin: &Origin) -> Vec<&'t RouteTable> {
    match &origin.subnet_id {
        Some(sub) => table_for_subnet(tables, &origin.vpc_id, sub)
            .into_iter()
            .collect(),
        None => tables
            .iter()
            .filter(|t| t.vpc_id == origin.vpc_id)
            .collect(),
    }
}

/// The way between the VPCs: what this host's route table sends the cluster's addresses
/// to; without such a route, a peering between the VPCs, else a transit gateway both
/// are attached to, else a peering (whose absence the peering rules then name).
fn crossing(m: &Model) -> Crossing {
    let origin = m.origin.value().and_then(|o| o.as_ref());
    // The far side: the cluster's VPC and its ENIs, or the API's own NLB and its IPs.
    let (far_vpc, mut towards): (Option<&str>, Vec<Ipv4Addr>) = match m.api_nlb() {
        Ok(n) => (Some(n.lb.vpc_id.as_str()), n.lb.private_ips().collect()),
        Err(_) if m.context.api.server().is_some() => (None, Vec::new()),
        Err(_) => (
            m.cluster.value().and_then(|c| c.vpc_id.as_deref()),
            m.enis
                .value()
                .map(|e| e.iter().map(|e| e.ip).collect())
                .unwrap_or_default(),
        ),
    };
    let (Some(origin), Some(cluster_vpc)) = (origin, far_vpc) else {
        return Crossing::Peering;
    };
    if origin.vpc_id == cluster_vpc {
        return Crossing::SameVpc;
    }
    if towards.is_empty()
        && let Some(v) = m
            .vpcs
            .value()
            .and_then(|v| v.iter().find(|v| v.id == cluster_vpc))
    {
        towards.extend(v.cidrs.iter().map(|c| c.network()));
    }
    if let Some(tables) = m.route_tables.value() {
        let own = tables_leaving(tables, origin);
        for ip in &towards {
            for t in &own {
                match t.lookup(*ip).map(|r| &r.target) {
                    Some(RouteTarget::TransitGateway(id)) => {
                        return Crossing::TransitGateway(id.clone());
                    }
                    Some(RouteTarget::Peering(_)) => return Crossing::Peering,
                    _ => {}
                }
            }
        }
    }
    let peered = m
        .peerings
        .value()
        .is_some_and(|ps| ps.iter().any(|p| p.joins(&origin.vpc_id, cluster_vpc)));
    if peered {
        return Crossing::Peering;
    }
    let attached = |vpc: &str| -> BTreeSet<&str> {
        m.tgw_attachments
            .value()
            .into_iter()
            .flatten()
            .filter(|a| a.vpc_id == vpc)
            .map(|a| a.tgw_id.as_str())
            .collect()
    };
    match attached(&origin.vpc_id)
        .intersection(&attached(cluster_vpc))
        .next()
    {
        Some(tgw) => Crossing::TransitGateway(tgw.to_string()),
        None => Crossing::Peering,
    }
}

/// The path of an API behind an NLB of its own: that NLB and the groups its listener on
/// the server's port forwards to; the basis says how the NLB was found, or what was tried.
fn server_path(m: &Model) -> (PathResources<'_>, String) {
    let nlb = match m.api_nlb() {
        Ok(n) => n,
        Err(tried) => {
            return (
                PathResources::default(),
                format!("no NLB found for the server: {}", tried.join("; ")),
            );
        }
    };
    let host = m.endpoint_host().unwrap_or_default();
    let basis = nlb.found_by.label(&host, nlb.lb);
    let own: Vec<&TargetGroup> = m
        .target_groups
        .value()
        .map(|v| {
            v.iter()
                .filter(|g| g.lb_arns.contains(&nlb.lb.arn))
                .collect()
        })
        .unwrap_or_default();
    let (target_groups, target_groups_unknown) = match api_groups(
        own,
        m.listeners.value().map(Vec::as_slice),
        &[nlb.lb.arn.as_str()],
        m.endpoint_port(),
    ) {
        Ok(g) => (g, None),
        Err(why) => (Vec::new(), Some(why)),
    };
    (
        PathResources {
            nlbs: vec![nlb.lb],
            target_groups,
            target_groups_unknown,
            ..PathResources::default()
        },
        basis,
    )
}

fn path_resources(m: &Model) -> PathResources<'_> {
    let cluster_vpc = m.cluster.value().and_then(|c| c.vpc_id.clone());
    let in_cluster_vpc = |lb: &&LoadBalancer| cluster_vpc.as_deref().is_none_or(|v| lb.vpc_id == v);
    let lbs: Vec<&LoadBalancer> = m
        .load_balancers
        .value()
        .map(|v| {
            v.iter()
                .filter(|lb| lb.kind.eq_ignore_ascii_case("network"))
                .filter(in_cluster_vpc)
                .collect()
        })
        .unwrap_or_default();
    // A deleted endpoint stays listed for a while; it carries nothing.
    let endpoints_all: Vec<&InterfaceEndpoint> = m
        .interface_endpoints
        .value()
        .map(|v| {
            v.iter()
                .filter(|e| !e.state.eq_ignore_ascii_case("deleted"))
                .collect()
        })
        .unwrap_or_default();
    let services_all: Vec<&EndpointService> = m
        .endpoint_services
        .value()
        .map(|v| v.iter().collect())
        .unwrap_or_default();

    // A service is on the path when it fronts a cluster-VPC NLB (or we cannot tell yet).
    let lbs_known = m.load_balancers.value().is_some();
    let fronting: Vec<&EndpointService> = services_all
        .into_iter()
        .filter(|s| !lbs_known || s.nlb_arns.iter().any(|a| lbs.iter().any(|lb| &lb.arn == a)))
        .collect();
    // Endpoints to such a service; without service data, any endpoint to a customer
    // service (AWS's own services are named `com.amazonaws.REGION.NAME`).
    let endpoints: Vec<&InterfaceEndpoint> = endpoints_all
        .into_iter()
        .filter(|e| {
            if m.endpoint_services.value().is_some() {
                fronting.iter().any(|s| s.name == e.service_name)
            } else {
                e.service_name.contains(".vpce-svc-")
            }
        })
        .collect();
    let services: Vec<&EndpointService> = if endpoints.is_empty() {
        fronting
    } else {
        fronting
            .into_iter()
            .filter(|s| endpoints.iter().any(|e| e.service_name == s.name))
            .collect()
    };
    let nlbs: Vec<&LoadBalancer> = if services.is_empty() {
        lbs
    } else {
        lbs.into_iter()
            .filter(|lb| services.iter().any(|s| s.nlb_arns.contains(&lb.arn)))
            .collect()
    };
    let attached: Vec<&TargetGroup> = m
        .target_groups
        .value()
        .map(|v| {
            v.iter()
                .filter(|tg| {
                    nlbs.is_empty()
                        || tg
                            .lb_arns
                            .iter()
                            .any(|a| nlbs.iter().any(|lb| &lb.arn == a))
                })
                .collect()
        })
        .unwrap_or_default();
    // Other listeners on the same NLB serve other things; the API's group is the one the
    // listener on the endpoint's port forwards to.
    let lb_arns: Vec<&str> = nlbs.iter().map(|lb| lb.arn.as_str()).collect();
    let (target_groups, target_groups_unknown) = if nlbs.is_empty() {
        (attached, None)
    } else {
        match api_groups(
            attached,
            m.listeners.value().map(Vec::as_slice),
            &lb_arns,
            m.endpoint_port(),
        ) {
            Ok(g) => (g, None),
            Err(why) => (Vec::new(), Some(why)),
        }
    };
    PathResources {
        endpoints,
        services,
        nlbs,
        target_groups,
        target_groups_unknown,
    }
}

/// The route, from the live DNS answers when there are any, else from the topology.
fn choose_route(ctx: &Ctx) -> (Route, String) {
    if let Some(answers) = ctx.latest_answers().filter(|a| !a.is_empty()) {
        let count =
            |pred: fn(&AnswerClass) -> bool| answers.iter().filter(|(_, c)| pred(c)).count();
        let pl = count(|c| matches!(c, AnswerClass::InterfaceEndpoint(_)));
        let direct = count(|c| matches!(c, AnswerClass::EksEni(_)));
        let public = count(|c| matches!(c, AnswerClass::Public));
        let ips = list(answers.iter().map(|(ip, _)| ip));
        let best = pl.max(direct).max(public);
        if best == 0 {
            return (
                Route::Unresolved,
                format!(
                    "DNS answers {ips} are neither an interface endpoint, an EKS ENI nor public"
                ),
            );
        }
        return if pl == best {
            (
                Route::Privatelink,
                format!("DNS answers {ips} are interface endpoint IPs"),
            )
        } else if direct == best {
            (
                Route::Direct,
                format!("DNS answers {ips} are EKS-owned ENI IPs"),
            )
        } else {
            (Route::Public, format!("DNS answers {ips} are public IPs"))
        };
    }
    let why_no_dns = match ctx.m.live.dns.latest() {
        None if !ctx.m.context.live.dns => "live DNS off".to_string(),
        None => "no DNS answer yet".to_string(),
        Some(s) => match &s.outcome {
            DnsOutcome::Answers(_) => "no DNS answer".to_string(),
            _ => format!("DNS gave {}", s.outcome_label()),
        },
    };
    topology_route(ctx)
        .map(|(r, why)| (r, format!("{why_no_dns}; {why}")))
        .unwrap_or((
            Route::Unresolved,
            format!("{why_no_dns}; the topology does not tell"),
        ))
}

fn topology_route(ctx: &Ctx) -> Option<(Route, String)> {
    let cluster = ctx.m.cluster.value()?;
    if ctx.origin_in_cluster_vpc().unwrap_or(false) && cluster.private_access {
        return Some((Route::Direct, "this host is in the cluster VPC".into()));
    }
    if let Ok(origin) = ctx.origin() {
        let host = cluster.host();
        let zones = ctx.m.hosted_zones.value().map(Vec::as_slice).unwrap_or(&[]);
        let records = ctx.m.records.value().map(Vec::as_slice).unwrap_or(&[]);
        let serving = zones
            .iter()
            .filter(|z| z.private && z.covers(&host) && z.associated_with(&origin.vpc_id))
            .max_by_key(|z| z.depth());
        if let Some(zone) = serving {
            let rec = records
                .iter()
                .find(|r| r.zone_id == zone.id && r.is_for(&host));
            if let Some(r) = rec {
                let eni_ips = ctx.eni_ips().unwrap_or_default();
                let points_at_eni = r
                    .values
                    .iter()
                    .filter_map(|v| v.parse::<Ipv4Addr>().ok())
                    .any(|ip| eni_ips.contains(&ip));
                if points_at_eni {
                    return Some((
                        Route::Direct,
                        format!("zone {} points at EKS ENI IPs", zone.name),
                    ));
                }
                return Some((
                    Route::Privatelink,
                    format!(
                        "zone {} steers the name to an interface endpoint",
                        zone.name
                    ),
                ));
            }
        }
    }
    if !ctx.path.endpoints.is_empty() {
        return Some((
            Route::Privatelink,
            format!(
                "interface endpoint {} leads to the cluster",
                list(ctx.path.endpoints.iter().map(|e| &e.id))
            ),
        ));
    }
    if cluster.public_access {
        return Some((Route::Public, "public access is on".into()));
    }
    let origin = ctx.origin().ok()?;
    if let Crossing::TransitGateway(tgw) = &ctx.crossing {
        return Some((
            Route::Direct,
            format!("transit gateway {tgw} joins this VPC to the cluster VPC"),
        ));
    }
    let peered = ctx.m.peerings.value()?.iter().any(|p| {
        cluster
            .vpc_id
            .as_deref()
            .is_some_and(|cv| p.joins(&origin.vpc_id, cv))
    });
    peered.then(|| {
        (
            Route::Direct,
            "a peering joins this VPC to the cluster VPC".into(),
        )
    })
}
