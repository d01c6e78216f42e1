//! Route 53 Resolver rules associated with this host's VPC: a forwarding rule sends the
//! queries it covers to other servers before any private hosted zone is consulted.

use crate::model::privatelink::normalize_dns_name;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolverRule {
    pub id: String,
    pub name: Option<String>,
    /// The domain it applies to, lower case without the trailing dot; `.` for every name.
    pub domain: String,
    /// `FORWARD`, `SYSTEM`, `RECURSIVE` or `DELEGATE`.
    pub rule_type: String,
    pub status: String,
    /// Where it forwards: `IP:PORT` each.
    pub targets: Vec<String>,
    /// The outbound endpoint the forwarded queries leave through.
    pub endpoint_id: Option<String>,
}

impl ResolverRule {
    /// The domain as AWS writes it (`eks.amazonaws.com.`) to a domain as the tool does.
    pub fn normalize(domain: &str) -> String {
        let d = normalize_dns_name(domain);
        if d.is_empty() { ".".into() } else { d }
    }

    pub fn covers(&self, host: &str) -> bool {
        let host = normalize_dns_name(host);
        self.domain == "." || host == self.domain || host.ends_with(&format!(".{}", self.domain))
    }

    /// Labels in the domain: the most specific rule wins.
    pub fn depth(&self) -> usize {
        if self.domain == "." {
            0
        } else {
            self.domain.split('.').count()
        }
    }

    /// Sends the queries it covers away from the VPC resolver's own zones.
    pub fn forwards(&self) -> bool {
        ["FORWARD", "DELEGATE"]
            .iter()
            .any(|t| self.rule_type.eq_ignore_ascii_case(t))
    }

    /// `rslvr-rr-1 (corp-forward) FORWARD eks.amazonaws.com -> 10.10.0.2:53`.
    pub fn label(&self) -> String {
        let name = self
            .name
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let to = if self.targets.is_empty() {
            String::new()
        } else {
            format!(" -> {}", self.targets.join(", "))
        };
        format!("{}{name} {} {}{to}", self.id, self.rule_type, self.domain)
    }
}

/// The rule the VPC resolver applies to `host`: the covering rule with the most specific
/// domain.
pub fn rule_for<'a>(rules: &'a [ResolverRule], host: &str) -> Option<&'a ResolverRule> {
    rules
        .iter()
        .filter(|r| r.covers(host))
        .max_by_key(|r| r.depth())
}

/// An outbound (or inbound) Resolver endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolverEndpoint {
    pub id: String,
    pub name: Option<String>,
    /// `OUTBOUND` or `INBOUND`.
    pub direction: String,
    pub status: String,
    pub vpc_id: String,
    pub ip_count: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, domain: &str, kind: &str) -> ResolverRule {
        ResolverRule {
            id: id.into(),
            name: None,
            domain: ResolverRule::normalize(domain),
            rule_type: kind.into(),
            status: "COMPLETE".into(),
            targets: vec![],
            endpoint_id: None,
        }
    }

    #[test]
    fn the_most_specific_covering_rule_applies() {
        let host = "abc.gr7.eu-west-1.eks.amazonaws.com";
        let rules = [
            rule("root", ".", "RECURSIVE"),
            rule("corp", "amazonaws.com.", "FORWARD"),
            rule("eks", "eu-west-1.eks.amazonaws.com", "SYSTEM"),
            rule("other", "example.com", "FORWARD"),
        ];
        assert_eq!(rule_for(&rules, host).unwrap().id, "eks");
        assert_eq!(rule_for(&rules[..2], host).unwrap().id, "corp");
        assert!(rule_for(&rules[..2], host).unwrap().forwards());
        assert_eq!(rule_for(&rules[..1], "x.example.org").unwrap().id, "root");
        assert!(!rule("other", "example.com", "FORWARD").covers("notexample.com"));
        assert!(rule_for(&rules[3..], host).is_none());
    }
}
