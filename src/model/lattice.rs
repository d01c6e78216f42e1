//! Amazon VPC Lattice as this host's VPC sees it: the service networks it is associated
//! with, their services (listeners, rules, target groups and targets).

use serde::Serialize;

/// This VPC's association with one service network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeAssociation {
    pub id: String,
    pub network_id: String,
    pub network_name: String,
    pub vpc_id: String,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`,
    /// `CREATE_FAILED`, `DELETE_FAILED`, `UPDATE_FAILED`.
    pub status: String,
    /// The security groups that judge this VPC's traffic into the network.
    pub sg_ids: Vec<String>,
}

impl LatticeAssociation {
    pub fn active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }
}

/// Who may call: `NONE`, or `AWS_IAM` with an auth policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatticeAuth {
    /// `NONE` or `AWS_IAM`.
    pub auth_type: String,
    /// Whether an auth policy is attached; `None` when it could not be read.
    pub policy: Option<bool>,
}

impl LatticeAuth {
    /// `AWS_IAM` without a policy denies every request.
    pub fn denies_all(&self) -> Option<bool> {
        if !self.auth_type.eq_ignore_ascii_case("AWS_IAM") {
            return Some(false);
        }
        self.policy.map(|p| !p)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeNetwork {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub auth: LatticeAuth,
}

/// What a listener or rule does with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum LatticeAction {
    /// To these target groups (ids), by weight.
    Forward { target_groups: Vec<String> },
    /// A fixed status, no target.
    Fixed { status: u16 },
    /// An action this tool does not know.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeRule {
    pub id: String,
    pub name: String,
    pub priority: Option<i32>,
    pub action: LatticeAction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeListener {
    pub id: String,
    pub name: String,
    /// `HTTP`, `HTTPS`, `TLS_PASSTHROUGH`.
    pub protocol: String,
    pub port: u16,
    pub default_action: LatticeAction,
    pub rules: Vec<LatticeRule>,
}

impl LatticeListener {
    /// The target groups any of its rules or its default action forward to.
    pub fn target_groups(&self) -> Vec<&str> {
        std::iter::once(&self.default_action)
            .chain(self.rules.iter().map(|r| &r.action))
            .flat_map(|a| match a {
                LatticeAction::Forward { target_groups } => {
                    target_groups.iter().map(String::as_str).collect()
                }
                _ => Vec::new(),
            })
            .collect()
    }
}

/// A service's association with a service network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeMembership {
    pub network_id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeService {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, ...
    pub status: String,
    /// The name Lattice gives it: `NAME-ID.7d67968.vpc-lattice-svcs.REGION.on.aws`.
    pub dns_name: Option<String>,
    pub custom_domain: Option<String>,
    pub auth: LatticeAuth,
    pub networks: Vec<LatticeMembership>,
    pub listeners: Vec<LatticeListener>,
}

impl LatticeService {
    /// Whether `name` (a name, ARN, id, DNS name or custom domain) is this service.
    pub fn is(&self, name: &str) -> bool {
        let n = super::privatelink::normalize_dns_name(name);
        [Some(&self.name), Some(&self.arn), Some(&self.id)]
            .into_iter()
            .flatten()
            .any(|x| x == name)
            || [&self.dns_name, &self.custom_domain]
                .into_iter()
                .flatten()
                .any(|d| super::privatelink::normalize_dns_name(d) == n)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeTarget {
    pub id: String,
    pub port: Option<u16>,
    /// `HEALTHY`, `UNHEALTHY`, `UNAVAILABLE`, `DRAINING`, `UNUSED`.
    pub status: String,
    pub reason: Option<String>,
}

impl LatticeTarget {
    pub fn healthy(&self) -> bool {
        self.status.eq_ignore_ascii_case("HEALTHY")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatticeTargetGroup {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `IP`, `INSTANCE`, `LAMBDA`, `ALB`.
    pub kind: String,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub vpc_id: Option<String>,
    pub status: String,
    pub targets: Vec<LatticeTarget>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_auth_without_a_policy_denies_everything() {
        let auth = |t: &str, p| LatticeAuth {
            auth_type: t.into(),
            policy: p,
        };
        assert_eq!(auth("AWS_IAM", Some(false)).denies_all(), Some(true));
        assert_eq!(auth("AWS_IAM", Some(true)).denies_all(), Some(false));
        assert_eq!(auth("AWS_IAM", None).denies_all(), None);
        assert_eq!(auth("NONE", None).denies_all(), Some(false));
    }

    #[test]
    fn a_listener_leads_to_the_groups_of_its_rules_and_default() {
        let l = LatticeListener {
            id: "listener-1".into(),
            name: "http".into(),
            protocol: "HTTP".into(),
            port: 80,
            default_action: LatticeAction::Fixed { status: 404 },
            rules: vec![LatticeRule {
                id: "rule-1".into(),
                name: "api".into(),
                priority: Some(10),
                action: LatticeAction::Forward {
                    target_groups: vec!["tg-1".into()],
                },
            }],
        };
        assert_eq!(l.target_groups(), ["tg-1"]);
    }
}
