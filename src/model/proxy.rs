//! The proxy settings kubectl reads from its environment, as Go's `net/http` does:
//! `HTTPS_PROXY` (else `https_proxy`) for https URLs, unless `NO_PROXY` (else `no_proxy`)
//! has an entry that covers the host.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// One environment variable as found: its name and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

impl std::fmt::Display for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyEnv {
    pub https_proxy: Option<EnvVar>,
    pub no_proxy: Option<EnvVar>,
}

impl ProxyEnv {
    /// The settings in an environment, read through `get`: the upper-case name first, and
    /// an empty value counts as unset.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Self {
        let any = |names: [&str; 2]| {
            names.iter().find_map(|n| {
                get(n).filter(|v| !v.trim().is_empty()).map(|value| EnvVar {
                    name: n.to_string(),
                    value,
                })
            })
        };
        Self {
            https_proxy: any(["HTTPS_PROXY", "https_proxy"]),
            no_proxy: any(["NO_PROXY", "no_proxy"]),
        }
    }

    /// This process's environment.
    pub fn from_process() -> Self {
        Self::from_vars(|n| std::env::var(n).ok())
    }

    /// The `NO_PROXY` entry that sends `host`:`port` direct, if any: `*`; a domain, which
    /// covers itself and its subdomains; `.domain` or `*.domain`, its subdomains only; an
    /// IP or CIDR, when the host is that address. An entry may carry a `:port`.
    pub fn bypass(&self, host: &str, port: u16) -> Option<&str> {
        let list = self.no_proxy.as_ref()?;
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let host_ip: Option<IpAddr> = host.parse().ok();
        list.value
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .find(|entry| {
                if *entry == "*" {
                    return true;
                }
                let e = entry.to_ascii_lowercase();
                if let Ok(net) = e.parse::<ipnet::IpNet>() {
                    return host_ip.is_some_and(|ip| net.contains(&ip));
                }
                if let Ok(ip) = e.parse::<IpAddr>() {
                    return host_ip == Some(ip);
                }
                let (name, want_port) = match e.rsplit_once(':') {
                    Some((n, p)) if p.parse::<u16>().is_ok() => {
                        (n.to_string(), p.parse::<u16>().ok())
                    }
                    _ => (e.clone(), None),
                };
                if want_port.is_some_and(|p| p != port) {
                    return false;
                }
                let name = name.strip_prefix('*').unwrap_or(&name);
                match name.strip_prefix('.') {
                    Some(domain) => host.ends_with(&format!(".{domain}")),
                    None => host == name || host.ends_with(&format!(".{name}")),
                }
            })
    }

    /// The proxy kubectl uses for `https://host:port`, if any.
    pub fn proxy_for(&self, host: &str, port: u16) -> Option<&EnvVar> {
        let p = self.https_proxy.as_ref()?;
        let h = host.trim_end_matches('.').to_ascii_lowercase();
        // Go never proxies loopback.
        let loopback = h == "localhost" || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        (!loopback && self.bypass(host, port).is_none()).then_some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(vars: &[(&str, &str)]) -> ProxyEnv {
        let m: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxyEnv::from_vars(|k| m.get(k).cloned())
    }

    const HOST: &str = "abc.gr7.eu-west-1.eks.amazonaws.com";

    #[test]
    fn upper_case_wins_and_empty_is_unset() {
        let e = env(&[("HTTPS_PROXY", ""), ("https_proxy", "http://p:3128")]);
        assert_eq!(e.https_proxy.unwrap().name, "https_proxy");
        let e = env(&[("HTTPS_PROXY", "http://a:1"), ("https_proxy", "http://b:2")]);
        assert_eq!(e.https_proxy.unwrap().value, "http://a:1");
        assert_eq!(env(&[]), ProxyEnv::default());
    }

    #[test]
    fn no_proxy_entries_match_as_go_matches_them() {
        let proxied = |no: &str| {
            env(&[("HTTPS_PROXY", "http://p:3128"), ("NO_PROXY", no)])
                .proxy_for(HOST, 443)
                .is_some()
        };
        for covers in [
            "*",
            "amazonaws.com",
            ".eks.amazonaws.com",
            "*.eks.amazonaws.com",
            "localhost, eks.amazonaws.com:443",
            HOST,
            "ABC.GR7.EU-WEST-1.EKS.AMAZONAWS.COM",
        ] {
            assert!(!proxied(covers), "{covers}");
        }
        for misses in [
            "",
            "example.com",
            "s.amazonaws.com",
            "eks.amazonaws.com:6443",
            "10.0.0.0/8",
            &format!(".{HOST}"),
        ] {
            assert!(proxied(misses), "{misses}");
        }
        // Addresses match addresses only.
        let e = env(&[("HTTPS_PROXY", "http://p"), ("no_proxy", "192.168.0.0/16")]);
        assert!(e.proxy_for("192.168.10.21", 443).is_none());
        assert!(e.proxy_for(HOST, 443).is_some());
        assert!(e.proxy_for("127.0.0.1", 443).is_none());
        assert!(env(&[("NO_PROXY", "x")]).proxy_for(HOST, 443).is_none());
    }
}
