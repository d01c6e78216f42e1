//! The demo as its users see it: through the source traits and the pure world.

use super::ids::*;
use super::timeline::{Slot, eni_ip};
use super::*;
use crate::model::{DnsOutcome, ErrorKind, ProbeOutcome};
use crate::sources::AwsApi;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

const ZERO: Duration = Duration::ZERO;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn env(s: Scenario) -> DemoEnv {
    DemoEnv::new(s, Clock::fixed())
}

fn ips(list: &[&str]) -> Vec<IpAddr> {
    list.iter().map(|s| s.parse().unwrap()).collect()
}

fn api_targets(w: &World) -> Vec<(Ipv4Addr, String, Option<String>)> {
    w.targets_of(TG_API_ARN)
        .into_iter()
        .map(|t| (t.ip().unwrap(), t.state, t.reason))
        .collect()
}

fn eks_ips(w: &World) -> BTreeSet<Ipv4Addr> {
    w.enis_of(CLUSTER).iter().map(|e| e.ip).collect()
}

/// Names of the world's parts that differ between two worlds.
fn differing(a: &World, b: &World) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    macro_rules! cmp {
        ($($f:ident),*) => {$( if a.$f != b.$f { out.insert(stringify!($f)); } )*};
    }
    cmp!(
        clusters,
        origin,
        enis,
        vpcs,
        subnets,
        route_tables,
        network_acls,
        security_groups,
        peerings,
        tgw_attachments,
        tgw_route_tables,
        dhcp_options,
        resolver_rules,
        resolver_endpoints,
        load_balancers,
        listeners,
        target_groups,
        targets,
        endpoint_services,
        endpoint_connections,
        interface_endpoints,
        hosted_zones,
        records,
        event_rules,
        rule_targets,
        functions,
        trails,
        instances,
        api_port,
        answer_status,
        lattice,
        dns,
        reach
    );
    out
}

fn req(ip: &str) -> ProbeRequest {
    req_for(ENDPOINT_HOST, ip)
}

fn req_for(host: &str, ip: &str) -> ProbeRequest {
    ProbeRequest {
        host: host.into(),
        ip: ip.parse().unwrap(),
        port: 443,
        ca_data: Some(CA_DATA.into()),
        mode: crate::model::ProbeMode::Tls,
    }
}

mod env;
mod faults;
