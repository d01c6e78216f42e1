//! Where kubectl's connection goes: through an https proxy unless NO_PROXY covers the
//! endpoint.

use crate::diagnose::ctx::Ctx;
use crate::diagnose::finding::{Finding, HopName, Missing, Severity};

/// With an https proxy set and no `NO_PROXY` entry for the endpoint, kubectl talks to the
/// proxy, not along the path shown.
pub fn proxy(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let p = &ctx.m.proxy;
    let Some(set) = &p.https_proxy else {
        return Ok(vec![]);
    };
    let host = ctx.host()?;
    let port = ctx.m.endpoint_port();
    let no_proxy = p
        .no_proxy
        .as_ref()
        .map_or_else(|| "NO_PROXY is not set".to_string(), |v| format!("{v}"));
    let direct = match p.bypass(&host, port) {
        Some(entry) => format!(
            "{} entry {entry} covers {host}",
            p.no_proxy.as_ref().map_or("NO_PROXY", |v| v.name.as_str())
        ),
        None => format!("{host} is a loopback address"),
    };
    Ok(vec![match p.proxy_for(&host, port) {
        None => Finding::new(
            "proxy-intercepts",
            Severity::Info,
            Some(HopName::Origin),
            &set.name,
            format!("{set} is set, and {direct}: kubectl connects directly"),
            "none needed",
        ),
        Some(_) => Finding::new(
            "proxy-intercepts",
            Severity::Warn,
            Some(HopName::Origin),
            &set.name,
            format!(
                "{set} is set and {no_proxy} has no entry covering {host}: kubectl sends the API traffic to {}, not along the path shown here",
                set.value
            ),
            format!(
                "export {name}=\"${name},{domain}\" (kubectl then connects directly)",
                name = p.no_proxy.as_ref().map_or("NO_PROXY", |v| v.name.as_str()),
                // Every EKS endpoint at once where the name is one.
                domain = if host.ends_with(".eks.amazonaws.com") {
                    ".eks.amazonaws.com".to_string()
                } else {
                    host.clone()
                }
            ),
        ),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::proxy::{EnvVar, ProxyEnv};

    #[test]
    fn no_proxy_set_needs_no_word() {
        assert!(run(&healthy(), proxy).unwrap().is_empty());
    }

    #[test]
    fn a_proxy_without_no_proxy_for_the_host_is_named() {
        let var = |n: &str, v: &str| {
            Some(EnvVar {
                name: n.into(),
                value: v.into(),
            })
        };
        let mut m = healthy();
        m.proxy = ProxyEnv {
            https_proxy: var("https_proxy", "http://proxy:3128"),
            no_proxy: var("no_proxy", "169.254.169.254,.corp.example.com"),
        };
        let f = run(&m, proxy).unwrap();
        assert!(has(&f, "proxy-intercepts", Severity::Warn), "{f:?}");
        assert!(f[0].evidence.contains("https_proxy=http://proxy:3128"));
        assert!(f[0].evidence.contains("no_proxy=169.254.169.254"));
        assert!(
            f[0].fix
                .starts_with("export no_proxy=\"$no_proxy,.eks.amazonaws.com\""),
            "{}",
            f[0].fix
        );
        m.proxy.no_proxy = var("NO_PROXY", ".eks.amazonaws.com");
        let f = run(&m, proxy).unwrap();
        assert!(has(&f, "proxy-intercepts", Severity::Info), "{f:?}");
        m.proxy.no_proxy = None;
        let f = run(&m, proxy).unwrap();
        assert!(
            f[0].evidence.contains("NO_PROXY is not set"),
            "{}",
            f[0].evidence
        );
    }
}
