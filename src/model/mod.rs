//! Plain data: everything the tool knows about the account and this host.

pub mod automation;
pub mod catalogue;
pub mod cluster;
pub mod events;
pub mod fleet;
pub mod freshness;
pub mod inputs;
mod join;
pub mod lattice;
pub mod lb;
pub mod live;
pub mod loadable;
pub mod network;
pub mod privatelink;
pub mod proxy;
pub mod resolver;
pub mod route53;
pub mod server;
pub mod sightings;
pub mod stats;
pub mod timeline;

pub use catalogue::{DISCOVERY_ACTIONS, Fetched, Model, READS_NAMED_OTHERWISE, Source, Spec, Tier};
pub use cluster::{Cluster, EndpointMode, Eni, Origin};
pub use events::{Event, EventLevel};
pub use freshness::{Basis, Freshness, Refresh, Summary};
pub use inputs::{Derived, Input};
pub use lb::{
    HealthCheck, LbAttributes, LbZone, Listener, LoadBalancer, NlbAddress, Target, TargetGroup,
    TgAttributes,
};
pub use live::{
    DnsAnswer, DnsOutcome, DnsSample, LiveHistory, ProbeMode, ProbeOutcome, ProbeSample,
};
pub use loadable::{ErrorKind, LoadState, Loadable, SourceError};
pub use network::{
    AclEntry, DhcpOptions, NetworkAcl, PeerSide, Peering, Route, RouteTable, RouteTarget,
    SecurityGroup, SgRule, SgSource, Subnet, TgwAttachment, TgwRoute, TgwRouteAttachment,
    TgwRouteTable, Vpc,
};
pub use privatelink::{EndpointConnection, EndpointService, EniAddress, InterfaceEndpoint};
pub use resolver::{ResolverEndpoint, ResolverRule};
pub use route53::{AliasTarget, HostedZone, Record, ZoneAssociations, ZoneVpc};
pub use server::{Api, Instance, ServerApi};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the user asked to sample live from this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveMode {
    pub dns: bool,
    pub probe: bool,
}

impl LiveMode {
    pub const ALL: LiveMode = LiveMode {
        dns: true,
        probe: true,
    };
    pub const OFF: LiveMode = LiveMode {
        dns: false,
        probe: false,
    };
}

/// Who we are looking at and from where; fixed for a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    pub cluster_name: String,
    pub region: Option<String>,
    /// `demo:<scenario>` or `aws`.
    pub source: String,
    pub live: LiveMode,
    /// EKS, or an API server named by URL.
    pub api: Api,
}

/// One row of the source table, derived from the catalogue.
pub struct SourceStatus<'a> {
    pub source: Source,
    pub name: &'static str,
    /// The main IAM action behind it.
    pub api: &'static str,
    pub state: LoadState,
    pub fetched_at: Option<DateTime<Utc>>,
    pub error: Option<&'a SourceError>,
}

/// The load state of one source, without its value.
pub struct SourceState<'a> {
    pub state: LoadState,
    pub fetched_at: Option<DateTime<Utc>>,
    pub error: Option<&'a SourceError>,
}

impl<'a> SourceState<'a> {
    fn of<T>(l: &'a Loadable<T>) -> Self {
        Self {
            state: l.state(),
            fetched_at: l.fetched_at(),
            error: l.error(),
        }
    }
}

impl Model {
    /// The one place remote data enters the model.
    pub fn apply(&mut self, update: Fetched, now: DateTime<Utc>) {
        let source = update.source();
        let before = source.and_then(|s| self.state_of(s).error.cloned());
        match update {
            Fetched::Enis(Ok(new)) => {
                events::diff_enis(&mut self.events, self.enis.value(), &new, now);
                self.eni_sightings.observe(&new, now);
                self.enis.update(Ok(new), now)
            }
            Fetched::Targets(Ok(new)) => {
                let eni_ips = self.enis.value().map(|v| v.iter().map(|e| e.ip).collect());
                events::diff_targets(&mut self.events, self.targets.value(), &new, eni_ips, now);
                self.targets.update(Ok(new), now)
            }
            Fetched::Dns(s) => {
                events::diff_dns(&mut self.events, self.live.dns.latest(), &s);
                self.live.push_dns(s)
            }
            Fetched::Probe(s) => {
                let previous = self.live.probes.get(&s.ip).and_then(|r| r.latest());
                events::diff_probe(&mut self.events, previous, &s);
                self.live.push_probe(s)
            }
            other => self.store(other, now),
        }
        if let Some(source) = source {
            let after = self.state_of(source);
            let (error, kept) = (after.error.cloned(), after.fetched_at);
            events::diff_source(
                &mut self.events,
                source,
                before.as_ref(),
                error.as_ref(),
                kept,
                now,
            );
            join::rejoin(self, source);
        }
    }

    /// Every remote source with its state, in catalogue order.
    pub fn sources(&self) -> Vec<SourceStatus<'_>> {
        Source::ALL
            .iter()
            .filter(|s| s.used_for(&self.context.api))
            .map(|&source| {
                let st = self.state_of(source);
                SourceStatus {
                    source,
                    name: source.spec().name,
                    api: source.spec().action(),
                    state: st.state,
                    fetched_at: st.fetched_at,
                    error: st.error,
                }
            })
            .collect()
    }

    /// Why AWS could not be reached, when no call got an answer. Some sources settle
    /// without a call (an origin from `--from-vpc`, a read with no ids), so "no answer" is
    /// read from the two reads every cycle makes: `DescribeCluster` and the cluster's ENIs
    /// both failed to get through, and no other read got an answer, not even a refusal.
    pub fn unreachable(&self) -> Option<&SourceError> {
        let transport = |e: &SourceError| {
            matches!(
                e.kind,
                ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::Blocked { .. }
            )
        };
        let cluster = match &self.context.api {
            Api::Eks => {
                let cluster = self.cluster.error().filter(|e| transport(e))?;
                if !self.enis.error().is_some_and(transport) || self.cluster.value().is_some() {
                    return None;
                }
                cluster
            }
            // Without EKS, the one read every cycle makes is the load balancers'.
            Api::Server(_) => self.listed_lbs.error().filter(|e| transport(e))?,
            // For Lattice, the service's own.
            Api::Lattice(_) => self.lattice_service.error().filter(|e| transport(e))?,
        };
        let errors: Vec<&SourceError> = self.sources().iter().filter_map(|s| s.error).collect();
        if !errors.iter().all(|e| transport(e)) {
            return None;
        }
        errors
            .into_iter()
            .find(|e| e.kind == ErrorKind::Unreachable)
            .or(Some(cluster))
    }

    /// The cluster's endpoint host once the cluster is known.
    pub fn endpoint_host(&self) -> Option<String> {
        match &self.context.api {
            Api::Server(s) => Some(s.host.clone()),
            Api::Lattice(l) => l
                .dns_name()
                .or_else(|| self.checked_service().and_then(|s| s.host())),
            Api::Eks => self.cluster.value().map(Cluster::host),
        }
    }

    /// The port the API listens on: the endpoint URL's, else HTTPS's.
    pub fn endpoint_port(&self) -> u16 {
        match &self.context.api {
            Api::Server(s) => s.port,
            Api::Lattice(_) => self
                .checked_service()
                .and_then(|s| s.probed_listener())
                .map_or(443, |l| l.port),
            Api::Eks => self.cluster.value().map_or(443, Cluster::endpoint_port),
        }
    }

    /// Base64 PEM of the CA that signs the API's certificate, when known.
    pub fn ca_data(&self) -> Option<&str> {
        match &self.context.api {
            Api::Server(s) => s.ca_data.as_deref(),
            Api::Lattice(l) => l.ca_data.as_deref(),
            Api::Eks => self.cluster.value().and_then(|c| c.ca_data.as_deref()),
        }
    }

    /// How the probes speak to the answers: TLS against the API's CA; for a Lattice
    /// listener, by its protocol (a public CA unless one was given).
    pub fn probe_mode(&self) -> live::ProbeMode {
        match &self.context.api {
            Api::Lattice(l) => probe_mode_for(self.checked_service(), l),
            _ => live::ProbeMode::Tls,
        }
    }

    /// The VPC Lattice service checked, once read and found.
    pub fn checked_service(&self) -> Option<&lattice::LatticeService> {
        self.lattice_service.value().and_then(|s| s.first())
    }

    pub fn origin(&self) -> Option<&Origin> {
        self.origin.value().and_then(|o| o.as_ref())
    }
}

/// The probe mode for a Lattice service's listener.
pub fn probe_mode_for(
    service: Option<&lattice::LatticeService>,
    api: &lattice::LatticeApi,
) -> live::ProbeMode {
    match service.and_then(|s| s.probed_listener()) {
        Some(l) if !l.tls() => live::ProbeMode::Http,
        _ if api.ca_data.is_some() => live::ProbeMode::Tls,
        _ => live::ProbeMode::TlsPublic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn model() -> Model {
        Model::new(Context {
            cluster_name: "x".into(),
            region: Some("eu-west-1".into()),
            source: "aws".into(),
            live: LiveMode::OFF,
            api: Default::default(),
        })
    }

    #[test]
    fn unreachable_only_when_no_call_got_an_answer() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let refused = SourceError::unreachable("connection refused");
        let mut m = model();
        assert!(m.unreachable().is_none(), "nothing failed yet");
        // An origin from --from-vpc is no answer from AWS.
        m.apply(Fetched::Origin(Ok(Some(Origin::from_vpc("vpc-1")))), now);
        m.apply(Fetched::failed(Source::Cluster, refused.clone()), now);
        m.apply(
            Fetched::failed(
                Source::Enis,
                SourceError::timeout("ec2:DescribeNetworkInterfaces"),
            ),
            now,
        );
        m.apply(
            Fetched::failed(Source::Vpcs, SourceError::blocked("eks:DescribeCluster")),
            now,
        );
        assert_eq!(m.unreachable(), Some(&refused));
        let mut denied = m.clone();
        denied.apply(
            Fetched::failed(Source::Subnets, SourceError::denied("ec2:DescribeSubnets")),
            now,
        );
        assert!(denied.unreachable().is_none(), "a denial is an answer");
        // A read with no ids settles without a call: still no answer.
        m.apply(Fetched::EndpointServices(Ok(vec![])), now);
        assert_eq!(m.unreachable(), Some(&refused));
        m.apply(Fetched::Enis(Ok(vec![])), now);
        assert!(m.unreachable().is_none(), "the ENI read answered");
    }
}
