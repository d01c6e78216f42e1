//! Taking one source away from a model, as a denied read leaves it.

use super::*;

/// Sources a test can take away.
pub enum Part {
    Cluster,
    Origin,
    Enis,
    Vpcs,
    Subnets,
    RouteTables,
    NetworkAcls,
    SecurityGroups,
    Peerings,
    LoadBalancers,
    Listeners,
    TargetGroups,
    Targets,
    EndpointServices,
    EndpointConnections,
    InterfaceEndpoints,
    HostedZones,
    Records,
    TgwAttachments,
    TgwRoutes,
    DhcpOptions,
    ResolverRules,
}

impl Part {
    pub const ALL: [Part; 22] = [
        Part::Cluster,
        Part::Origin,
        Part::Enis,
        Part::Vpcs,
        Part::Subnets,
        Part::RouteTables,
        Part::NetworkAcls,
        Part::SecurityGroups,
        Part::Peerings,
        Part::LoadBalancers,
        Part::Listeners,
        Part::TargetGroups,
        Part::Targets,
        Part::EndpointServices,
        Part::EndpointConnections,
        Part::InterfaceEndpoints,
        Part::HostedZones,
        Part::Records,
        Part::TgwAttachments,
        Part::TgwRoutes,
        Part::DhcpOptions,
        Part::ResolverRules,
    ];
}

/// The model with one source failed as if access were denied.
pub fn without(mut m: Model, part: Part) -> Model {
    fn e<T>() -> Loadable<T> {
        Loadable::Failed {
            error: SourceError::denied("test:Denied"),
            at: t0(),
        }
    }
    match part {
        Part::Cluster => m.cluster = e(),
        Part::Origin => m.origin = e(),
        Part::Enis => m.enis = e(),
        Part::Vpcs => m.vpcs = e(),
        Part::Subnets => m.subnets = e(),
        Part::RouteTables => m.route_tables = e(),
        Part::NetworkAcls => m.network_acls = e(),
        Part::SecurityGroups => m.security_groups = e(),
        Part::Peerings => m.peerings = e(),
        Part::LoadBalancers => m.load_balancers = e(),
        Part::Listeners => m.listeners = e(),
        Part::TargetGroups => m.target_groups = e(),
        Part::Targets => m.targets = e(),
        Part::EndpointServices => m.endpoint_services = e(),
        Part::EndpointConnections => m.endpoint_connections = e(),
        Part::InterfaceEndpoints => m.interface_endpoints = e(),
        Part::HostedZones => m.hosted_zones = e(),
        Part::Records => m.records = e(),
        Part::TgwAttachments => m.tgw_attachments = e(),
        Part::TgwRoutes => m.tgw_route_tables = e(),
        Part::DhcpOptions => m.dhcp_options = e(),
        Part::ResolverRules => m.resolver_rules = e(),
    }
    m
}
