//! The endpoint name as this host resolves it, through hickory: the system's name servers
//! (on a bastion, the VPC resolver) or the one given with `--resolver`.

use super::Resolver;
use crate::clock::Clock;
use crate::model::live::HostsPin;
use crate::model::{DnsAnswer, DnsOutcome, DnsSample};
use async_trait::async_trait;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use tokio::time::Instant;

/// Long enough for a VPC resolver that forwards; short enough that a dead one shows within
/// one refresh of the UI.
pub const DNS_TIMEOUT: Duration = Duration::from_secs(2);

const SYSTEM_HOSTS: &str = "/etc/hosts";

/// Why no resolver could be set up; the system ones say how to name a server instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolverSetupError {
    #[error(
        "cannot read the system resolver configuration (/etc/resolv.conf): {reason}; pass --resolver ADDR[:PORT]"
    )]
    SystemConfig { reason: String },
    #[error("/etc/resolv.conf lists no name server; pass --resolver ADDR[:PORT]")]
    NoNameServer,
    #[error("cannot set up a resolver for {addr}: {reason}")]
    Build { addr: SocketAddr, reason: String },
}

struct Server {
    addr: SocketAddr,
    resolver: TokioResolver,
}

/// Asks each name server in turn, like the C library: the next one only when the previous
/// did not answer. Every sample really reaches a server: hickory's cache is off.
pub struct DnsResolver {
    servers: Vec<Server>,
    /// Consulted first, as the system resolver does, so a hosts-file entry shows as what it is.
    hosts_file: Option<PathBuf>,
    clock: Clock,
}

impl DnsResolver {
    /// The name servers of `/etc/resolv.conf`, after `/etc/hosts`.
    pub fn system(clock: Clock) -> Result<Self, ResolverSetupError> {
        let (config, _) = hickory_resolver::system_conf::read_system_conf().map_err(|e| {
            ResolverSetupError::SystemConfig {
                reason: e.to_string(),
            }
        })?;
        let mut addrs: Vec<SocketAddr> = Vec::new();
        for ns in config.name_servers() {
            let a = SocketAddr::new(ns.ip, ns.connections.first().map_or(53, |c| c.port));
            // A server listed twice would only double the wait when it is down.
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
        if addrs.is_empty() {
            return Err(ResolverSetupError::NoNameServer);
        }
        let mut r = Self::servers(&addrs, DNS_TIMEOUT, clock)?;
        r.hosts_file = Some(PathBuf::from(SYSTEM_HOSTS));
        Ok(r)
    }

    /// Only this server; no hosts file, since the user asked for this server's view.
    pub fn at(addr: SocketAddr, clock: Clock) -> Result<Self, ResolverSetupError> {
        Self::servers(&[addr], DNS_TIMEOUT, clock)
    }

    /// These servers in order, each given `timeout` for one attempt.
    pub fn servers(
        addrs: &[SocketAddr],
        timeout: Duration,
        clock: Clock,
    ) -> Result<Self, ResolverSetupError> {
        let servers = addrs
            .iter()
            .map(|&addr| {
                Ok(Server {
                    addr,
                    resolver: build(addr, timeout)?,
                })
            })
            .collect::<Result<Vec<_>, ResolverSetupError>>()?;
        Ok(Self {
            servers,
            hosts_file: None,
            clock,
        })
    }

    /// Read this hosts file before asking the servers.
    pub fn with_hosts_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.hosts_file = Some(path.into());
        self
    }

    /// Where the answers come from, for headers and logs.
    pub fn describe(&self) -> String {
        self.servers
            .iter()
            .map(|s| s.addr.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The hosts file's answers for `host`, and where it pins them.
    async fn hosts_file_answers(&self, host: &str) -> Option<(Vec<DnsAnswer>, HostsPin)> {
        let path = self.hosts_file.as_ref()?;
        // Read on every sample: an edit to the file shows at the next refresh.
        let text = tokio::fs::read_to_string(path).await.ok()?;
        let (line, ips) = super::hosts::pinned(&text, host)?;
        let answers = ips.into_iter().map(|ip| DnsAnswer { ip, ttl: 0 }).collect();
        let pin = HostsPin {
            file: path.display().to_string(),
            line,
        };
        Some((answers, pin))
    }
}

fn build(addr: SocketAddr, timeout: Duration) -> Result<TokioResolver, ResolverSetupError> {
    let mut udp = ConnectionConfig::udp();
    udp.port = addr.port();
    // TCP only serves truncated answers, on the same port.
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = addr.port();
    let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
    let mut opts = ResolverOpts::default();
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.cache_size = 0;
    opts.num_concurrent_reqs = 1;
    opts.use_hosts_file = ResolveHosts::Never;
    opts.ndots = 0;
    TokioResolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![ns]),
        TokioRuntimeProvider::default(),
    )
    .with_options(opts)
    .build()
    .map_err(|e| ResolverSetupError::Build {
        addr,
        reason: e.to_string(),
    })
}

fn addresses<'a>(records: impl Iterator<Item = (&'a RData, u32)>) -> Vec<DnsAnswer> {
    records
        .filter_map(|(data, ttl)| match data {
            RData::A(a) => Some(DnsAnswer {
                ip: a.0.into(),
                ttl,
            }),
            RData::AAAA(a) => Some(DnsAnswer {
                ip: a.0.into(),
                ttl,
            }),
            _ => None,
        })
        .collect()
}

/// What one query type gave.
enum Part {
    Records(Vec<DnsAnswer>),
    NxDomain,
    NoRecords,
    ServFail,
    Timeout,
    Error(String),
}

fn part(r: Result<hickory_resolver::lookup::Lookup, NetError>) -> Part {
    match r {
        Ok(l) => {
            let found = addresses(l.answers().iter().map(|r| (&r.data, r.ttl)));
            if found.is_empty() {
                Part::NoRecords
            } else {
                Part::Records(found)
            }
        }
        Err(e) if e.is_nx_domain() => Part::NxDomain,
        Err(e) if e.is_no_records_found() => Part::NoRecords,
        Err(NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail))) => Part::ServFail,
        Err(NetError::Timeout) => Part::Timeout,
        Err(NetError::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => Part::Timeout,
        Err(NetError::Dns(DnsError::ResponseCode(code))) => {
            Part::Error(format!("server answered {code}"))
        }
        Err(e) => Part::Error(e.to_string()),
    }
}

/// A and AAAA together: any address is an answer; otherwise the most telling failure.
fn combine(a: Part, aaaa: Part) -> DnsOutcome {
    let parts = [a, aaaa];
    let records: Vec<DnsAnswer> = parts
        .iter()
        .flat_map(|p| match p {
            Part::Records(r) => r.clone(),
            _ => Vec::new(),
        })
        .collect();
    if !records.is_empty() {
        return DnsOutcome::Answers(records);
    }
    let any = |f: fn(&Part) -> bool| parts.iter().any(f);
    if any(|p| matches!(p, Part::NxDomain)) {
        DnsOutcome::NxDomain
    } else if any(|p| matches!(p, Part::ServFail)) {
        DnsOutcome::ServFail
    } else if any(|p| matches!(p, Part::Timeout)) {
        DnsOutcome::Timeout
    } else if let Some(Part::Error(e)) = parts.iter().find(|p| matches!(p, Part::Error(_))) {
        DnsOutcome::Error(e.clone())
    } else {
        DnsOutcome::NoAnswer
    }
}

/// Worth asking the next server: this one did not give a DNS answer at all.
fn try_next(o: &DnsOutcome) -> bool {
    matches!(o, DnsOutcome::Timeout | DnsOutcome::Error(_))
}

/// `host.` so that no search domain is appended.
pub fn fqdn(host: &str) -> Result<Name, String> {
    let host = host.trim().trim_end_matches('.');
    Name::from_str(&format!("{host}."))
        .map_err(|e| format!("'{host}' is not a valid DNS name: {e}"))
}

#[async_trait]
impl Resolver for DnsResolver {
    async fn lookup(&self, host: &str) -> DnsSample {
        let at = self.clock.now();
        let start = Instant::now();
        let sample = |server: Option<String>, outcome: DnsOutcome| DnsSample {
            pinned: None,
            at,
            host: host.to_string(),
            server,
            latency: start.elapsed(),
            outcome,
        };
        let name = match fqdn(host) {
            Ok(n) => n,
            Err(e) => return sample(None, DnsOutcome::Error(e)),
        };
        if let Some((answers, pin)) = self.hosts_file_answers(host).await {
            let mut s = sample(Some(pin.file.clone()), DnsOutcome::Answers(answers));
            s.pinned = Some(pin);
            return s;
        }
        let mut last = None;
        for server in &self.servers {
            let started = Instant::now();
            let (a, aaaa) = tokio::join!(
                server.resolver.lookup(name.clone(), RecordType::A),
                server.resolver.lookup(name.clone(), RecordType::AAAA),
            );
            let outcome = combine(part(a), part(aaaa));
            let done = !try_next(&outcome);
            last = Some(DnsSample {
                pinned: None,
                at,
                host: host.to_string(),
                server: Some(server.addr.to_string()),
                latency: started.elapsed(),
                outcome,
            });
            if done {
                break;
            }
        }
        last.unwrap_or_else(|| sample(None, DnsOutcome::Error("no name server configured".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(ip: &str) -> Part {
        Part::Records(vec![DnsAnswer {
            ip: ip.parse().unwrap(),
            ttl: 60,
        }])
    }

    #[test]
    fn any_address_wins_then_the_most_telling_failure() {
        assert!(matches!(
            combine(rec("10.0.0.1"), Part::Timeout),
            DnsOutcome::Answers(a) if a.len() == 1
        ));
        assert_eq!(
            combine(Part::NxDomain, Part::NxDomain),
            DnsOutcome::NxDomain
        );
        assert_eq!(
            combine(Part::NoRecords, Part::ServFail),
            DnsOutcome::ServFail
        );
        assert_eq!(combine(Part::Timeout, Part::NoRecords), DnsOutcome::Timeout);
        assert_eq!(
            combine(Part::NoRecords, Part::NoRecords),
            DnsOutcome::NoAnswer
        );
        assert!(matches!(
            combine(Part::Error("refused".into()), Part::NoRecords),
            DnsOutcome::Error(_)
        ));
    }

    #[test]
    fn names_are_made_fully_qualified() {
        assert_eq!(fqdn("a.example.com").unwrap().to_string(), "a.example.com.");
        assert_eq!(
            fqdn("a.example.com.").unwrap().to_string(),
            "a.example.com."
        );
        assert!(fqdn("bad..name").is_err());
    }
}
