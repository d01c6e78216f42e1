//! Network load balancers, listeners, target groups and target health.

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `network`, `application`, `gateway`.
    pub kind: String,
    /// `internal` or `internet-facing`.
    pub scheme: String,
    /// `active`, `provisioning`, `failed`, ...
    pub state: String,
    pub vpc_id: String,
    pub dns_name: String,
    /// `load_balancing.cross_zone.enabled`; `None` when unknown.
    pub cross_zone: Option<bool>,
    pub zones: Vec<LbZone>,
    pub sg_ids: Vec<String>,
    /// Whether the security groups judge traffic that arrives through PrivateLink (the
    /// client's own address is then the source); `None` when the answer did not say,
    /// which AWS treats as on.
    pub sg_on_privatelink: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LbZone {
    pub az: String,
    pub subnet_id: String,
    pub private_ips: Vec<Ipv4Addr>,
}

impl LoadBalancer {
    pub fn is_internal(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("internal")
    }

    pub fn private_ips(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.zones
            .iter()
            .flat_map(|z| z.private_ips.iter().copied())
    }

    /// Record one more private IP, in the zone of its subnet.
    pub fn add_address(&mut self, subnet_id: &str, az: &str, ip: Ipv4Addr) {
        if self.private_ips().any(|x| x == ip) {
            return;
        }
        match self.zones.iter_mut().find(|z| z.subnet_id == subnet_id) {
            Some(z) => z.private_ips.push(ip),
            None => self.zones.push(LbZone {
                az: az.to_string(),
                subnet_id: subnet_id.to_string(),
                private_ips: vec![ip],
            }),
        }
    }

    pub fn serves_az(&self, az: &str) -> bool {
        self.zones.iter().any(|z| z.az == az)
    }
}

/// The attributes of one load balancer that the path depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LbAttributes {
    pub lb_arn: String,
    /// `load_balancing.cross_zone.enabled`; `None` when the load balancer does not say.
    pub cross_zone: Option<bool>,
}

/// The attributes of one target group that the path depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgAttributes {
    pub tg_arn: String,
    /// `preserve_client_ip.enabled`; `None` when the group does not say (AWS's default
    /// then applies: on for `instance` targets, off for `ip` targets over TCP or TLS).
    pub preserve_client_ip: Option<bool>,
}

impl TgAttributes {
    /// Whether targets of `g` see the client's own address.
    pub fn preserves(attrs: Option<&TgAttributes>, g: &TargetGroup) -> bool {
        attrs
            .and_then(|a| a.preserve_client_ip)
            .unwrap_or(!g.is_ip() || g.protocol.to_ascii_uppercase().starts_with("UDP"))
    }
}

/// One private IP of a load balancer's own ENI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NlbAddress {
    pub lb_arn: String,
    pub subnet_id: String,
    pub az: String,
    pub ip: Ipv4Addr,
}

/// The description AWS gives an NLB's own ENIs: `ELB net/NAME/ID`.
pub fn nlb_eni_description(lb_arn: &str) -> Option<String> {
    lb_arn
        .split_once(":loadbalancer/")
        .map(|(_, rest)| format!("ELB {rest}"))
}

/// Of `groups` (on the load balancers `lb_arns`), the API's: those the listeners on `port`
/// forward to, plainly or weighted. Other listeners serve other things and never count.
/// Without the listeners only a sole group is known to be the API's; with no listener on
/// the port forwarding anywhere, none is. The error says why none is known.
pub fn api_groups<'a>(
    groups: Vec<&'a TargetGroup>,
    listeners: Option<&[Listener]>,
    lb_arns: &[&str],
    port: u16,
) -> Result<Vec<&'a TargetGroup>, String> {
    let Some(listeners) = listeners else {
        return if groups.len() <= 1 {
            Ok(groups)
        } else {
            Err(format!(
                "the load balancer has {} target groups, and which one serves port {port} needs its listeners",
                groups.len()
            ))
        };
    };
    let forwarded: Vec<&str> = listeners
        .iter()
        .filter(|l| l.port == port && lb_arns.contains(&l.lb_arn.as_str()))
        .flat_map(|l| l.forwards_to.iter().map(String::as_str))
        .collect();
    if forwarded.is_empty() {
        return Err(format!(
            "no listener on port {port} forwards to a target group"
        ));
    }
    Ok(groups
        .into_iter()
        .filter(|g| forwarded.contains(&g.arn.as_str()))
        .collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    pub lb_arn: String,
    pub port: u16,
    pub protocol: String,
    /// Target groups the default action forwards to.
    pub forwards_to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    /// `ip`, `instance`, `lambda`, `alb`.
    pub target_type: String,
    pub protocol: String,
    pub port: u16,
    pub vpc_id: String,
    pub lb_arns: Vec<String>,
    /// How the NLB checks each target; `None` when the answer did not say.
    pub health_check: Option<HealthCheck>,
}

/// A target group's health check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// `TCP`, `HTTP` or `HTTPS`.
    pub protocol: String,
    /// `traffic-port` or a port number.
    pub port: String,
    /// The path of HTTP(S) checks.
    pub path: Option<String>,
    /// The HTTP codes that pass, e.g. `200-399` or `200,401`.
    pub matcher: Option<String>,
}

impl HealthCheck {
    /// A plain TCP check on the traffic port, as AWS creates for TCP groups.
    pub fn tcp() -> Self {
        Self {
            protocol: "TCP".into(),
            port: "traffic-port".into(),
            path: None,
            matcher: None,
        }
    }

    /// Whether the matcher passes `code`: codes and ranges, comma-separated. Without a
    /// matcher AWS passes 200-399.
    pub fn passes(&self, code: u16) -> bool {
        let m = self.matcher.as_deref().unwrap_or("200-399");
        m.split(',')
            .map(str::trim)
            .any(|part| match part.split_once('-') {
                Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                    (Ok(a), Ok(b)) => (a..=b).contains(&code),
                    _ => false,
                },
                None => part.parse::<u16>() == Ok(code),
            })
    }
}

/// Paths of the API server that anonymous clients may read by default.
pub const ANONYMOUS_PATHS: [&str; 3] = ["/livez", "/readyz", "/healthz"];

impl HealthCheck {
    /// Why this check can never pass against a Kubernetes API server (TLS only; anonymous
    /// clients get 401/403 outside [`ANONYMOUS_PATHS`]), or `None` when it can.
    pub fn fails_on_api(&self) -> Option<String> {
        let path = self.path.as_deref().unwrap_or("/");
        let bare = path.split('?').next().unwrap_or(path).trim_end_matches('/');
        let anonymous = ANONYMOUS_PATHS
            .iter()
            .any(|p| bare == *p || bare.starts_with(&format!("{p}/")));
        match self.protocol.to_ascii_uppercase().as_str() {
            "HTTP" => Some(format!(
                "plain HTTP checks on {path}: the API server speaks only TLS, so every check fails"
            )),
            "HTTPS" if !anonymous && !self.passes(401) && !self.passes(403) => Some(format!(
                "HTTPS checks on {path} get 401/403 from the API server (anonymous clients may read only {}), and the matcher expects {}",
                ANONYMOUS_PATHS.join(", "),
                self.matcher.as_deref().unwrap_or("200-399")
            )),
            _ => None,
        }
    }
}

impl TargetGroup {
    pub fn is_ip(&self) -> bool {
        self.target_type.eq_ignore_ascii_case("ip")
    }
}

/// One registered target and its health as the load balancer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub tg_arn: String,
    /// The target id: an IP for `ip` target groups.
    pub id: String,
    pub port: u16,
    pub az: Option<String>,
    /// `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`.
    pub state: String,
    /// Reason code such as `Target.FailedHealthChecks` or `Target.NotInUse`.
    pub reason: Option<String>,
    pub description: Option<String>,
}

impl Target {
    pub fn ip(&self) -> Option<Ipv4Addr> {
        self.id.parse().ok()
    }

    pub fn is(&self, state: &str) -> bool {
        self.state.eq_ignore_ascii_case(state)
    }

    pub fn healthy(&self) -> bool {
        self.is("healthy")
    }

    /// Health states that carry no traffic because the target fails its checks.
    pub fn unhealthy(&self) -> bool {
        self.is("unhealthy") || self.is("unhealthy.draining")
    }

    pub fn reason_text(&self) -> String {
        match (&self.reason, &self.description) {
            (Some(r), Some(d)) => format!("{r}: {d}"),
            (Some(r), None) => r.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_checks_that_cannot_pass_on_an_api_server() {
        let hc = |protocol: &str, path: Option<&str>, matcher: Option<&str>| HealthCheck {
            protocol: protocol.into(),
            port: "traffic-port".into(),
            path: path.map(Into::into),
            matcher: matcher.map(Into::into),
        };
        assert_eq!(HealthCheck::tcp().fails_on_api(), None);
        assert!(hc("HTTP", Some("/healthz"), None).fails_on_api().is_some());
        assert!(hc("HTTPS", Some("/"), Some("200")).fails_on_api().is_some());
        assert!(hc("HTTPS", None, None).fails_on_api().is_some());
        for ok in [
            "/livez",
            "/readyz",
            "/healthz",
            "/readyz?verbose",
            "/livez/ping",
        ] {
            assert_eq!(
                hc("HTTPS", Some(ok), Some("200")).fails_on_api(),
                None,
                "{ok}"
            );
        }
        assert!(
            hc("HTTPS", Some("/livezz"), Some("200"))
                .fails_on_api()
                .is_some()
        );
        // A matcher that accepts the refusal passes.
        assert_eq!(hc("HTTPS", Some("/"), Some("200,401")).fails_on_api(), None);
        assert_eq!(hc("HTTPS", Some("/"), Some("200-499")).fails_on_api(), None);
        assert!(
            hc("HTTPS", Some("/"), Some("200-399"))
                .fails_on_api()
                .is_some()
        );
    }
}
