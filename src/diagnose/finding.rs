//! What the rules produce: findings, and what they could not check.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Fail,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

/// The hops of a path from this host to the API server, in chain order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HopName {
    Origin,
    Dns,
    ServiceNetwork,
    LatticeService,
    TargetGroup,
    LatticeEndpoint,
    ResourceGateway,
    InterfaceEndpoint,
    EndpointService,
    Nlb,
    Targets,
    Peering,
    TransitGateway,
    PublicEndpoint,
    EksEnis,
    ApiServer,
}

impl HopName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Origin => "origin",
            Self::Dns => "dns",
            Self::ServiceNetwork => "service-network",
            Self::LatticeService => "lattice-service",
            Self::TargetGroup => "target-group",
            Self::LatticeEndpoint => "lattice-endpoint",
            Self::ResourceGateway => "resource-gateway",
            Self::InterfaceEndpoint => "interface-endpoint",
            Self::EndpointService => "endpoint-service",
            Self::Nlb => "nlb",
            Self::Targets => "targets",
            Self::Peering => "peering",
            Self::TransitGateway => "transit-gateway",
            Self::PublicEndpoint => "public-endpoint",
            Self::EksEnis => "eks-enis",
            Self::ApiServer => "api-server",
        }
    }
}

impl fmt::Display for HopName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id, e.g. `target-stale`.
    pub id: &'static str,
    pub severity: Severity,
    /// The resource at fault, e.g. a target group ARN or a VPC id.
    pub resource: String,
    pub evidence: String,
    pub fix: String,
    /// The hop this finding bears on, if any.
    pub hop: Option<HopName>,
    /// Other hops this finding explains when they are not OK, e.g. a security group on
    /// the ENIs that fails the NLB's health checks explains unhealthy targets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explains: Vec<HopName>,
}

impl Finding {
    pub fn new(
        id: &'static str,
        severity: Severity,
        hop: Option<HopName>,
        resource: impl Into<String>,
        evidence: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            id,
            severity,
            resource: resource.into(),
            evidence: evidence.into(),
            fix: fix.into(),
            hop,
            explains: Vec::new(),
        }
    }

    /// Name further hops that this finding explains.
    pub fn explaining(mut self, hops: &[HopName]) -> Self {
        self.explains.extend_from_slice(hops);
        self
    }
}

/// Input a rule needed but did not have; the hop it bears on becomes UNKNOWN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub what: String,
    pub why: String,
}

impl Missing {
    pub fn new(what: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            why: why.into(),
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.why)
    }
}

/// A rule that could not run, with the hop it would have judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    pub rule: &'static str,
    pub hop: Option<HopName>,
    pub missing: String,
    pub reason: String,
}

/// Join a list for evidence text: `a, b, c`.
/// Items shown in evidence before the rest is counted.
const LISTED: usize = 12;

/// `a, b, c` for evidence; past [`LISTED`] items, `… and N more` (fixes name them all).
pub fn list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let all: Vec<String> = items.into_iter().map(|x| x.to_string()).collect();
    if all.len() <= LISTED {
        return all.join(", ");
    }
    format!(
        "{} and {} more",
        all[..LISTED - 1].join(", "),
        all.len() - (LISTED - 1)
    )
}
