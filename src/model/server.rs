//! A Kubernetes API that is not EKS: a URL, from a kubeconfig context or `--server`, served
//! by a network load balancer in front of the control-plane instances (or IPs). The NLB is
//! found from the name: its own DNS name, a Route 53 record that leads to it, or the live
//! answers for the name landing on its addresses.

use super::cluster::endpoint_host;
use super::lattice::LatticeApi;
use super::lb::LoadBalancer;
use super::privatelink::normalize_dns_name;
use super::route53::Record;
use super::{Model, Source};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// Which API the run is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Api {
    /// An EKS cluster, read through `eks:DescribeCluster`.
    #[default]
    Eks,
    /// Any other API server, named by its URL.
    Server(ServerApi),
    /// A VPC Lattice service (`--lattice-service`).
    Lattice(LatticeApi),
}

impl Api {
    pub fn server(&self) -> Option<&ServerApi> {
        match self {
            Api::Server(s) => Some(s),
            _ => None,
        }
    }

    pub fn lattice(&self) -> Option<&LatticeApi> {
        match self {
            Api::Lattice(l) => Some(l),
            _ => None,
        }
    }
}

/// An API server named by URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerApi {
    /// As given: `https://api.k8s.internal:6443`.
    pub url: String,
    /// Lower case, without a trailing dot.
    pub host: String,
    pub port: u16,
    /// Base64 PEM of the CA that signs the server's certificate, as kubeconfig's
    /// `certificate-authority-data` holds it.
    #[serde(skip)]
    pub ca_data: Option<String>,
    /// Where the CA came from: `kubeconfig context prod`, `--ca-file ca.pem`.
    pub ca_from: Option<String>,
    /// The kubeconfig context that named the server, if one did.
    pub context: Option<String>,
}

impl ServerApi {
    /// A server URL as kubectl takes it: `https://HOST[:PORT][/PATH]`.
    pub fn parse(url: &str) -> Result<ServerApi, String> {
        let accepted = "an https:// URL such as https://api.example.internal:6443";
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| format!("'{url}' is not a URL; accepted: {accepted}"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(format!("'{url}' carries credentials; accepted: {accepted}"));
        }
        let (host, port) = split_authority(authority)
            .ok_or_else(|| format!("'{url}' is not a URL; accepted: {accepted}"))?;
        Ok(ServerApi {
            url: url.to_string(),
            host: endpoint_host(&format!("https://{host}")),
            port,
            ca_data: None,
            ca_from: None,
            context: None,
        })
    }

    /// What the run is called in headers and reports: the context, else the host.
    pub fn label(&self) -> String {
        self.context.clone().unwrap_or_else(|| self.host.clone())
    }

    /// One line: the name, the server and where its CA came from.
    pub fn title(&self) -> String {
        format!(
            "{} · server {} · CA {}",
            self.label(),
            self.url,
            match &self.ca_from {
                Some(from) => format!("from {from}"),
                None => "unknown (pass --ca-file)".into(),
            }
        )
    }
}

/// `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`; 443 by default.
fn split_authority(a: &str) -> Option<(String, u16)> {
    let (host, port) = if let Some(v6) = a.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match a.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (a.to_string(), None),
        }
    };
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !valid {
        return None;
    }
    let port = match port {
        None => 443,
        Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0)?,
    };
    Some((host, port))
}

/// Sources that mean something only for an EKS cluster: the cluster itself, its ENIs, the
/// PrivateLink path to them, the region's other clusters, and the automation that keeps
/// an NLB in step with EKS's ENIs.
pub const EKS_ONLY: &[Source] = &[
    Source::Cluster,
    Source::Enis,
    Source::RegionClusters,
    Source::SiblingRecords,
    Source::InterfaceEndpoints,
    Source::EndpointAddresses,
    Source::EndpointServices,
    Source::EndpointConnections,
    Source::EventRules,
    Source::RuleTargets,
    Source::Functions,
    Source::FunctionRuns,
    Source::Trails,
    Source::LatticeEndpoints,
    Source::ResourceConfigs,
    Source::ResourceGateways,
];

/// Sources read only for an API behind an NLB of its own.
pub const SERVER_ONLY: &[Source] = &[Source::TgAttributes, Source::Instances, Source::TargetEnis];

/// The sources a VPC Lattice service's check reads: this host's VPC and how it resolves,
/// the zones that could hold the service's custom domain, Lattice itself, and the groups
/// and ENIs of the targets.
pub const LATTICE_USES: &[Source] = &[
    Source::Origin,
    Source::Vpcs,
    Source::DhcpOptions,
    Source::ResolverRules,
    Source::ResolverEndpoints,
    Source::SecurityGroups,
    Source::TargetEnis,
    Source::HostedZones,
    Source::ZoneAssociations,
    Source::Records,
    Source::LatticeAssociations,
    Source::LatticeNetworks,
    Source::LatticeServices,
    Source::LatticeTargetGroups,
    Source::LatticeService,
    Source::PrefixLists,
];

/// Sources read only to check a VPC Lattice service.
pub const LATTICE_ONLY: &[Source] = &[Source::LatticeService, Source::PrefixLists];

impl Source {
    /// Whether this source is read for `api`.
    pub fn used_for(self, api: &Api) -> bool {
        match api {
            Api::Eks => !SERVER_ONLY.contains(&self) && !LATTICE_ONLY.contains(&self),
            Api::Server(_) => !EKS_ONLY.contains(&self) && !LATTICE_ONLY.contains(&self),
            Api::Lattice(_) => LATTICE_USES.contains(&self),
        }
    }
}

/// An EC2 instance behind the API's NLB: a control-plane node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// The `Name` tag.
    pub name: Option<String>,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub az: String,
    pub private_ip: Option<Ipv4Addr>,
    pub sg_ids: Vec<String>,
}

impl Instance {
    pub fn running(&self) -> bool {
        self.state.eq_ignore_ascii_case("running")
    }

    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({n})", self.id),
            None => self.id.clone(),
        }
    }
}

/// How the API's NLB was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum FoundBy {
    /// The server host is the NLB's own DNS name.
    DnsName,
    /// A Route 53 record for the host leads to the NLB's DNS name.
    Record {
        zone_id: String,
        rtype: String,
        alias: bool,
    },
    /// Addresses of the host are the NLB's: its live answers, the values of its A record,
    /// or the server URL's own IP.
    Answers { from: String, ips: Vec<IpAddr> },
}

impl FoundBy {
    pub fn label(&self, host: &str, lb: &LoadBalancer) -> String {
        match self {
            FoundBy::DnsName => format!("{host} is the DNS name of NLB {}", lb.name),
            FoundBy::Record {
                zone_id,
                rtype,
                alias,
            } => format!(
                "the {}{rtype} record for {host} in zone {zone_id} leads to NLB {}",
                if *alias { "alias " } else { "" },
                lb.name
            ),
            FoundBy::Answers { from, ips } => format!(
                "{from} ({}) are IPs of NLB {}",
                ips.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                lb.name
            ),
        }
    }
}

/// The NLB that serves the API, and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiNlb<'a> {
    pub lb: &'a LoadBalancer,
    pub found_by: FoundBy,
}

/// `dualstack.NAME.elb...` and `NAME.elb...` name the same load balancer.
fn lb_name_of(dns: &str) -> String {
    let n = normalize_dns_name(dns);
    n.strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(n)
}

fn is_network(lb: &&LoadBalancer) -> bool {
    lb.kind.eq_ignore_ascii_case("network")
}

/// The NLB whose DNS name is `host`.
pub fn nlb_by_name<'a>(lbs: &'a [LoadBalancer], host: &str) -> Option<&'a LoadBalancer> {
    let host = lb_name_of(host);
    lbs.iter()
        .filter(is_network)
        .find(|lb| lb_name_of(&lb.dns_name) == host)
}

/// The NLB a record for `host` leads to (an alias or CNAME to its DNS name), preferring a
/// record in `preferred` zones (those this host's VPC is associated with).
pub fn nlb_by_record<'a>(
    lbs: &'a [LoadBalancer],
    records: &[Record],
    host: &str,
    preferred: &dyn Fn(&str) -> bool,
) -> Option<(&'a LoadBalancer, FoundBy)> {
    let mut candidates: Vec<&Record> = records.iter().filter(|r| r.is_for(host)).collect();
    candidates.sort_by_key(|r| !preferred(&r.zone_id));
    candidates.into_iter().find_map(|r| {
        let targets: Vec<&str> = match &r.alias {
            Some(a) => vec![a.dns_name.as_str()],
            None if r.rtype.eq_ignore_ascii_case("CNAME") => {
                r.values.iter().map(String::as_str).collect()
            }
            None => vec![],
        };
        targets.into_iter().find_map(|t| {
            nlb_by_name(lbs, t).map(|lb| {
                (
                    lb,
                    FoundBy::Record {
                        zone_id: r.zone_id.clone(),
                        rtype: r.rtype.clone(),
                        alias: r.alias.is_some(),
                    },
                )
            })
        })
    })
}

/// The addresses `host` stands for, and what said so: the live answers, else the values of
/// its A records, else the host itself when it is an IP.
pub fn host_addresses(host: &str, live: Vec<IpAddr>, records: &[Record]) -> (String, Vec<IpAddr>) {
    if !live.is_empty() {
        return (format!("the live answers for {host}"), live);
    }
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return (format!("the server address {host}"), vec![ip]);
    }
    let held: Vec<IpAddr> = records
        .iter()
        .filter(|r| r.is_for(host) && r.alias.is_none() && r.rtype.eq_ignore_ascii_case("A"))
        .flat_map(|r| r.values.iter().filter_map(|v| v.parse().ok()))
        .collect();
    (format!("the A record values for {host}"), held)
}

/// The NLB that holds most of `answers` among its addresses.
pub fn nlb_by_answers<'a>(
    lbs: &'a [LoadBalancer],
    answers: &[IpAddr],
    from: &str,
) -> Option<(&'a LoadBalancer, FoundBy)> {
    lbs.iter()
        .filter(is_network)
        .map(|lb| {
            let held: Vec<IpAddr> = answers
                .iter()
                .copied()
                .filter(|ip| match ip.to_canonical() {
                    IpAddr::V4(v4) => lb.private_ips().any(|x| x == v4),
                    IpAddr::V6(_) => false,
                })
                .collect();
            (lb, held)
        })
        .filter(|(_, held)| !held.is_empty())
        .max_by_key(|(_, held)| held.len())
        .map(|(lb, ips)| {
            (
                lb,
                FoundBy::Answers {
                    from: from.to_string(),
                    ips,
                },
            )
        })
}

impl Model {
    /// The API's NLB, or what was tried to find it.
    pub fn api_nlb(&self) -> Result<ApiNlb<'_>, Vec<String>> {
        let Some(server) = self.context.api.server() else {
            return Err(vec!["the API is an EKS cluster".into()]);
        };
        let host = &server.host;
        let mut tried = Vec::new();
        let Some(lbs) = self.load_balancers.value() else {
            return Err(vec![format!(
                "load balancers not known ({})",
                self.listed_lbs
                    .error()
                    .map_or_else(|| "not loaded yet".to_string(), ToString::to_string)
            )]);
        };
        if let Some(lb) = nlb_by_name(lbs, host) {
            return Ok(ApiNlb {
                lb,
                found_by: FoundBy::DnsName,
            });
        }
        tried.push(format!(
            "no network load balancer of the {} listed is named {host}",
            lbs.len()
        ));
        match self.records.value() {
            Some(records) => {
                let origin = self.origin().map(|o| o.vpc_id.clone());
                let zones = self.hosted_zones.value().map(Vec::as_slice).unwrap_or(&[]);
                let preferred = |zone_id: &str| {
                    zones.iter().any(|z| {
                        z.id == zone_id && origin.as_deref().is_some_and(|v| z.associated_with(v))
                    })
                };
                if let Some((lb, found_by)) = nlb_by_record(lbs, records, host, &preferred) {
                    return Ok(ApiNlb { lb, found_by });
                }
                let mine: Vec<&Record> = records.iter().filter(|r| r.is_for(host)).collect();
                tried.push(if mine.is_empty() {
                    format!("no Route 53 record for {host} in the hosted zones that cover it")
                } else {
                    format!(
                        "the Route 53 record(s) for {host} ({}) lead to no NLB",
                        mine.iter()
                            .map(|r| format!("{} {}", r.rtype, record_target(r)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                });
            }
            None => tried.push(format!(
                "Route 53 records not known ({})",
                self.records
                    .error()
                    .map_or_else(|| "not loaded yet".to_string(), ToString::to_string)
            )),
        }
        let live: Vec<IpAddr> = self.live.dns.latest().map(|s| s.ips()).unwrap_or_default();
        let records = self.records.value().map(Vec::as_slice).unwrap_or(&[]);
        let (from, answers) = host_addresses(host, live, records);
        if let Some((lb, found_by)) = nlb_by_answers(lbs, &answers, &from) {
            return Ok(ApiNlb { lb, found_by });
        }
        tried.push(if answers.is_empty() {
            format!("no live answer for {host} to match against NLB addresses")
        } else {
            format!(
                "{from} ({}) are no NLB's addresses",
                answers
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        Err(tried)
    }
}

fn record_target(r: &Record) -> String {
    match &r.alias {
        Some(a) => format!("alias {}", a.dns_name),
        None => r.values.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::route53::AliasTarget;

    fn lb(name: &str, dns: &str, ips: &[&str]) -> LoadBalancer {
        LoadBalancer {
            arn: format!("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/{name}/1"),
            name: name.into(),
            kind: "network".into(),
            scheme: "internal".into(),
            state: "active".into(),
            vpc_id: "vpc-1".into(),
            dns_name: dns.into(),
            cross_zone: Some(true),
            zones: ips
                .iter()
                .map(|ip| crate::model::LbZone {
                    az: "eu-west-1a".into(),
                    subnet_id: "subnet-1".into(),
                    private_ips: vec![ip.parse().unwrap()],
                })
                .collect(),
            sg_ids: vec![],
            sg_on_privatelink: None,
        }
    }

    fn record(name: &str, rtype: &str, values: &[&str], alias: Option<&str>) -> Record {
        Record {
            zone_id: "Z1".into(),
            name: name.into(),
            rtype: rtype.into(),
            ttl: Some(60),
            values: values.iter().map(|s| s.to_string()).collect(),
            alias: alias.map(|a| AliasTarget {
                dns_name: a.into(),
                hosted_zone_id: "ZELB".into(),
            }),
        }
    }

    #[test]
    fn urls_parse_as_kubectl_takes_them() {
        let s = ServerApi::parse("https://API.k8s.internal:6443/").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("api.k8s.internal", 6443));
        let s = ServerApi::parse("https://10.0.1.5").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("10.0.1.5", 443));
        let s = ServerApi::parse("https://[fd00::1]:6443").unwrap();
        assert_eq!(s.port, 6443);
        for bad in [
            "api.k8s.internal:6443",
            "http://api:6443",
            "https://",
            "https://api:0",
            "https://api:http",
            "https://user:pw@api",
            "https://a b",
        ] {
            let e = ServerApi::parse(bad).unwrap_err();
            assert!(e.contains("accepted: an https:// URL"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_nlb_is_found_by_name_record_or_answers() {
        let lbs = vec![
            lb(
                "other",
                "other-1.elb.eu-west-1.amazonaws.com",
                &["10.0.9.9"],
            ),
            lb(
                "api",
                "api-2.elb.eu-west-1.amazonaws.com",
                &["10.0.1.10", "10.0.2.10"],
            ),
        ];
        assert_eq!(
            nlb_by_name(&lbs, "API-2.elb.eu-west-1.amazonaws.com.").map(|l| &l.name),
            Some(&"api".to_string())
        );
        assert!(nlb_by_name(&lbs, "api.k8s.internal").is_none());

        let alias = record(
            "api.k8s.internal.",
            "A",
            &[],
            Some("dualstack.api-2.elb.eu-west-1.amazonaws.com."),
        );
        let (found, by) = nlb_by_record(&lbs, &[alias], "api.k8s.internal", &|_| true).unwrap();
        assert_eq!(found.name, "api");
        assert!(matches!(by, FoundBy::Record { alias: true, .. }));
        let cname = record(
            "api.k8s.internal",
            "CNAME",
            &["other-1.elb.eu-west-1.amazonaws.com"],
            None,
        );
        let (found, _) = nlb_by_record(&lbs, &[cname], "api.k8s.internal", &|_| true).unwrap();
        assert_eq!(found.name, "other");
        let a = record("api.k8s.internal", "A", &["10.0.1.10"], None);
        assert!(nlb_by_record(&lbs, &[a], "api.k8s.internal", &|_| true).is_none());

        let ips: Vec<IpAddr> = vec!["10.0.2.10".parse().unwrap(), "10.0.9.9".parse().unwrap()];
        let (found, _) = nlb_by_answers(&lbs, &ips[..1], "answers").unwrap();
        assert_eq!(found.name, "api");
        assert!(nlb_by_answers(&lbs, &["10.7.7.7".parse().unwrap()], "answers").is_none());
        // Without live answers: the A record's values, or the server's own IP.
        let a = record("api.k8s.internal", "A", &["10.0.2.10"], None);
        let (from, held) = host_addresses("api.k8s.internal", vec![], &[a]);
        assert!(
            from.contains("A record") && held == ips[..1],
            "{from} {held:?}"
        );
        let (_, held) = host_addresses("10.0.1.10", vec![], &[]);
        assert_eq!(held, vec!["10.0.1.10".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn sources_split_by_api() {
        let server = Api::Server(ServerApi::parse("https://api:6443").unwrap());
        assert!(Source::Cluster.used_for(&Api::Eks));
        assert!(!Source::Cluster.used_for(&server));
        assert!(Source::Instances.used_for(&server));
        assert!(!Source::Instances.used_for(&Api::Eks));
        assert!(Source::LoadBalancers.used_for(&server) && Source::Targets.used_for(&server));
    }
}
