//! What a DNS answer for the endpoint name points at.

use super::ctx::Ctx;
use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "class", content = "id", rename_all = "kebab-case")]
pub enum AnswerClass {
    /// An IP of this interface endpoint: the PrivateLink route.
    InterfaceEndpoint(String),
    /// An IP of this EKS-owned ENI: the direct route.
    EksEni(String),
    /// An address of the API's own NLB (an API server behind an NLB of its own).
    Nlb(String),
    /// VPC Lattice's link-local address for a service, inside this VPC.
    Lattice,
    /// An IP of this resource or service network endpoint (the API shared through Lattice).
    LatticeEndpoint(String),
    /// A private address we cannot place.
    OtherPrivate,
    /// Traffic would leave the private network.
    Public,
}

impl AnswerClass {
    pub fn label(&self) -> String {
        match self {
            Self::InterfaceEndpoint(id) => format!("interface endpoint {id}"),
            Self::EksEni(id) => format!("EKS ENI {id}"),
            Self::Nlb(name) => format!("NLB {name}"),
            Self::Lattice => "VPC Lattice".into(),
            Self::LatticeEndpoint(id) => format!("Lattice endpoint {id}"),
            Self::OtherPrivate => "unknown private address".into(),
            Self::Public => "public address".into(),
        }
    }
}

pub fn classify(ip: IpAddr, ctx: &Ctx) -> AnswerClass {
    // An IPv4-mapped AAAA answer reaches the same IPv4 address.
    let ip = ip.to_canonical();
    if ctx.route == super::ctx::Route::Nlb
        && let IpAddr::V4(v4) = ip
        && let Some(lb) = ctx
            .path
            .nlbs
            .iter()
            .find(|lb| lb.private_ips().any(|x| x == v4))
    {
        return AnswerClass::Nlb(lb.name.clone());
    }
    if ctx.route == super::ctx::Route::Lattice && crate::model::lattice::is_link_local(ip) {
        return AnswerClass::Lattice;
    }
    if let IpAddr::V4(v4) = ip
        && let Some(e) = ctx
            .m
            .lattice_endpoints
            .value()
            .into_iter()
            .flatten()
            .find(|e| e.ips.contains(&v4))
    {
        return AnswerClass::LatticeEndpoint(e.id.clone());
    }
    let ies = ctx.m.interface_endpoints.value().into_iter().flatten();
    let holds_ie = |ie: &&crate::model::InterfaceEndpoint| match ip {
        IpAddr::V4(v4) => ie.ips.contains(&v4),
        IpAddr::V6(v6) => ie.ipv6.contains(&v6),
    };
    if let Some(ie) = ies.into_iter().find(holds_ie) {
        return AnswerClass::InterfaceEndpoint(ie.id.clone());
    }
    let enis = ctx.m.enis.value().into_iter().flatten();
    let holds_eni = |e: &&crate::model::Eni| match ip {
        IpAddr::V4(v4) => e.ip == v4,
        IpAddr::V6(v6) => e.ipv6.contains(&v6),
    };
    if let Some(eni) = enis.into_iter().find(holds_eni) {
        return AnswerClass::EksEni(eni.id.clone());
    }
    if is_private(ip) {
        AnswerClass::OtherPrivate
    } else {
        AnswerClass::Public
    }
}

/// Addresses that do not leave a private network: RFC 1918, shared (100.64/10),
/// loopback, link-local, unspecified (what some filtering resolvers answer), and IPv6
/// unique-local / link-local / loopback / unspecified. IPv4-mapped IPv6 follows IPv4.
pub fn is_private(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for ip in [
            "10.1.2.3",
            "172.20.1.5",
            "192.168.0.1",
            "100.64.3.4",
            "127.0.0.1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "0.0.0.0",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "52.1.2.3",
            "172.32.0.1",
            "100.128.0.1",
            "2600:1f18::1",
            "198.51.100.7",
            "::ffff:52.1.2.3",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn ipv6_answers_are_placed_like_ipv4_ones() {
        use crate::diagnose::testkit::*;
        use crate::model::Loadable;
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.enis {
            value[0].ipv6 = vec!["fd00:192:168:10::21".parse().unwrap()];
        }
        let ctx = Ctx::new(&m);
        let v6 = |s: &str| -> IpAddr { s.parse().unwrap() };
        assert_eq!(
            classify(v6("fd00:20:1::50"), &ctx),
            AnswerClass::InterfaceEndpoint("vpce-1".into())
        );
        assert!(matches!(
            classify(v6("fd00:192:168:10::21"), &ctx),
            AnswerClass::EksEni(_)
        ));
        assert_eq!(classify(v6("fd00::99"), &ctx), AnswerClass::OtherPrivate);
        assert_eq!(classify(v6("2600:1f18::1"), &ctx), AnswerClass::Public);
    }
}
