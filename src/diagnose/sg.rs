//! Does a set of security groups let TCP 443 in from a given source?

use crate::model::{SecurityGroup, SgSource};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Where traffic comes from, as far as we know it.
#[derive(Debug, Default)]
pub struct Source<'a> {
    pub ip: Option<Ipv4Addr>,
    pub sg_ids: &'a [String],
    /// Used when the IP is unknown: a rule must admit this whole range.
    pub range: Option<Ipv4Net>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Admitted by this group and rule text.
    Yes(String),
    No,
    /// Only a prefix list (contents not collected) could admit it.
    Maybe(String),
}

pub fn tcp_allowed(groups: &[&SecurityGroup], port: u16, src: &Source) -> Allowed {
    let mut maybe = None;
    for sg in groups {
        for rule in sg.ingress.iter().filter(|r| r.covers_tcp_port(port)) {
            for s in &rule.sources {
                match s {
                    SgSource::Cidr(net) => {
                        let hit = match (src.ip, src.range) {
                            (Some(ip), _) => net.contains(&ip),
                            (None, Some(range)) => net.contains(&range),
                            (None, None) => false,
                        };
                        if hit {
                            return Allowed::Yes(format!("{} allows {net}", sg.id));
                        }
                    }
                    SgSource::Group(g) => {
                        if src.sg_ids.contains(g) {
                            return Allowed::Yes(format!("{} allows group {g}", sg.id));
                        }
                    }
                    SgSource::PrefixList(pl) => {
                        maybe = Some(format!("{} allows prefix list {pl}", sg.id));
                    }
                }
            }
        }
    }
    maybe.map_or(Allowed::No, Allowed::Maybe)
}

/// Whether a rule on `port` could admit some host of `range`: a CIDR overlapping it, or
/// a group or prefix list (whose members are not known).
pub fn admits_some(groups: &[&SecurityGroup], port: u16, range: Option<Ipv4Net>) -> bool {
    groups
        .iter()
        .flat_map(|g| g.ingress.iter())
        .filter(|r| r.covers_tcp_port(port))
        .flat_map(|r| r.sources.iter())
        .any(|s| match (s, range) {
            (SgSource::Cidr(c), Some(r)) => c.contains(&r.network()) || r.contains(&c.network()),
            (SgSource::Cidr(_), None) => true,
            _ => true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SgRule;

    fn sg(rules: Vec<SgRule>) -> SecurityGroup {
        SecurityGroup {
            id: "sg-1".into(),
            name: "x".into(),
            vpc_id: "vpc-1".into(),
            ingress: rules,
        }
    }

    fn tcp(from: u16, to: u16, src: SgSource) -> SgRule {
        SgRule {
            protocol: "tcp".into(),
            from_port: Some(from),
            to_port: Some(to),
            sources: vec![src],
        }
    }

    #[test]
    fn cidr_port_and_group_matching() {
        let g = sg(vec![
            tcp(443, 443, SgSource::Cidr("10.0.0.0/16".parse().unwrap())),
            tcp(22, 22, SgSource::Cidr("0.0.0.0/0".parse().unwrap())),
            tcp(0, 65535, SgSource::Group("sg-bastion".into())),
        ]);
        let ip = |s: &str| Source {
            ip: Some(s.parse().unwrap()),
            ..Default::default()
        };
        assert!(matches!(
            tcp_allowed(&[&g], 443, &ip("10.0.3.4")),
            Allowed::Yes(_)
        ));
        assert_eq!(tcp_allowed(&[&g], 443, &ip("10.1.3.4")), Allowed::No);
        let ids = vec!["sg-bastion".to_string()];
        let by_group = Source {
            ip: Some("10.9.9.9".parse().unwrap()),
            sg_ids: &ids,
            range: None,
        };
        assert!(matches!(
            tcp_allowed(&[&g], 443, &by_group),
            Allowed::Yes(_)
        ));
        let range = Source {
            range: Some("10.0.8.0/24".parse().unwrap()),
            ..Default::default()
        };
        assert!(matches!(tcp_allowed(&[&g], 443, &range), Allowed::Yes(_)));
    }

    #[test]
    fn all_traffic_rule_and_prefix_lists() {
        let all = sg(vec![SgRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            sources: vec![SgSource::PrefixList("pl-1".into())],
        }]);
        let src = Source {
            ip: Some("10.0.0.1".parse().unwrap()),
            ..Default::default()
        };
        assert!(matches!(tcp_allowed(&[&all], 443, &src), Allowed::Maybe(_)));
        assert_eq!(tcp_allowed(&[], 443, &src), Allowed::No);
    }
}
