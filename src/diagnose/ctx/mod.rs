//! What every rule reads: the model plus facts derived from it once (route, path resources).

use super::classify::{AnswerClass, classify};
use super::finding::Missing;
use crate::model::network::table_for_subnet;
use crate::model::stats::{Trend, dns_trend};
use crate::model::{
    Cluster, DnsSample, EndpointService, ErrorKind, InterfaceEndpoint, LoadBalancer, Loadable,
    Model, Origin, ProbeSample, RouteTable, Source, TargetGroup,
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
    /// A VPC Lattice service: service network -> service -> target groups -> targets.
    Lattice,
    /// The EKS API shared through VPC Lattice: a resource (or service network) endpoint
    /// -> resource configuration and gateway -> EKS ENIs. Reported as `lattice`.
    #[serde(rename = "lattice")]
    LatticeApi,
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
            Self::Lattice | Self::LatticeApi => "lattice",
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
        if let Some(api) = m.context.api.lattice() {
            return Ctx {
                m,
                route: Route::Lattice,
                route_basis: crate::diagnose::lattice::basis(m, api),
                path: PathResources::default(),
                crossing: Crossing::SameVpc,
            };
        }
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
        match &self.m.context.api {
            crate::model::Api::Server(s) => Ok(s.host.clone()),
            crate::model::Api::Lattice(_) => self.m.endpoint_host().ok_or_else(|| {
                Missing::new(
                    "the Lattice service's name",
                    format!(
                        "the service is not known ({})",
                        Source::LatticeService.spec().action()
                    ),
                )
            }),
            crate::model::Api::Eks => Ok(self.cluster()?.host()),
        }
    }

    /// The hop the probes reach last: the API server, or a Lattice service's targets.
    /// The resource or service network endpoints in this VPC whose configuration shares
    /// the cluster's API, with that configuration.
    pub fn lattice_api(&self) -> Vec<crate::model::lattice::SharedApi<'a>> {
        self.m.shared_api()
    }

    pub fn last_hop(&self) -> super::finding::HopName {
        match self.route {
            Route::Lattice => super::finding::HopName::Targets,
            _ => super::finding::HopName::ApiServer,
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

mod paths;
mod route;

use paths::{path_resources, server_path};
use route::{choose_route, crossing};
