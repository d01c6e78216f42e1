//! The endpoint service and the interface endpoint this host uses.

use crate::diagnose::ctx::{Ctx, Route, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity};
use crate::model::Source;

const SERVICE: Option<HopName> = Some(HopName::EndpointService);
const ENDPOINT: Option<HopName> = Some(HopName::InterfaceEndpoint);

fn is_pending(state: &str) -> bool {
    state.eq_ignore_ascii_case("pendingAcceptance") || state.eq_ignore_ascii_case("pending")
}

pub fn endpoint_service(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let services = need(&ctx.m.endpoint_services, Source::EndpointServices)?;
    if ctx.path.services.is_empty() {
        if ctx.route == Route::Privatelink {
            if let Some(ie) = ctx.path.endpoints.first() {
                return Err(Missing::new(
                    format!("endpoint service {}", ie.service_name),
                    "not among this account's endpoint services (another account may own it)",
                ));
            }
            if services.is_empty() {
                return Ok(vec![Finding::new(
                    "endpoint-service-missing",
                    Severity::Fail,
                    SERVICE,
                    "endpoint service",
                    "this account has no VPC endpoint service in front of the cluster's NLB",
                    "create an endpoint service backed by the internal NLB and an interface endpoint to it in this VPC",
                )]);
            }
        }
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for s in &ctx.path.services {
        if !s.is_available() {
            out.push(Finding::new(
                "endpoint-service-unavailable",
                Severity::Fail,
                SERVICE,
                &s.id,
                format!("endpoint service {} is {}, not Available", s.id, s.state),
                "check the service's NLB and state in the VPC console; a Failed service must be recreated",
            ));
        }
        // Without connection data, the endpoint's own state (checked below) still tells.
        let Some(conns) = ctx.m.endpoint_connections.value() else {
            continue;
        };
        for c in conns.iter().filter(|c| c.service_id == s.id) {
            let ours = ctx.path.endpoints.iter().any(|e| e.id == c.endpoint_id);
            let (id, sev, fix) = if is_pending(&c.state) {
                (
                    "endpoint-connection-pending",
                    if ours { Severity::Fail } else { Severity::Info },
                    format!(
                        "accept it: aws ec2 accept-vpc-endpoint-connections --service-id {} --vpc-endpoint-ids {}",
                        s.id, c.endpoint_id
                    ),
                )
            } else if c.state.eq_ignore_ascii_case("rejected") {
                (
                    "endpoint-connection-rejected",
                    if ours { Severity::Fail } else { Severity::Info },
                    "recreate the interface endpoint and accept its connection on the service"
                        .to_string(),
                )
            } else {
                continue;
            };
            out.push(Finding::new(
                id,
                sev,
                SERVICE,
                &c.endpoint_id,
                format!(
                    "connection from {} to {} is {}{}",
                    c.endpoint_id,
                    s.id,
                    c.state,
                    if ours { " (this host's endpoint)" } else { "" }
                ),
                fix,
            ));
        }
    }
    Ok(out)
}

pub fn interface_endpoint(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let origin = ctx.origin()?;
    need(&ctx.m.interface_endpoints, Source::InterfaceEndpoints)?;
    if ctx.path.endpoints.is_empty() {
        if ctx.route == Route::Privatelink {
            return Ok(vec![Finding::new(
                "interface-endpoint-missing",
                Severity::Fail,
                ENDPOINT,
                &origin.vpc_id,
                format!(
                    "no interface endpoint in {} leads to the cluster's endpoint service",
                    ctx.vpc_name(&origin.vpc_id)
                ),
                "create an interface endpoint to the endpoint service in this VPC",
            )]);
        }
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for ie in &ctx.path.endpoints {
        if !ie.is_available() {
            out.push(Finding::new(
                "interface-endpoint-unavailable",
                Severity::Fail,
                ENDPOINT,
                &ie.id,
                format!("interface endpoint {} is {}, not available{}", ie.id, ie.state,
                    if ie.ips.is_empty() { "; it has no IPs yet" } else { "" }),
                if is_pending(&ie.state) {
                    "the service owner must accept the connection (aws ec2 accept-vpc-endpoint-connections)".to_string()
                } else {
                    format!("recreate {} if it stays {}", ie.id, ie.state)
                },
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::Loadable;

    #[test]
    fn healthy_privatelink_passes() {
        assert!(run(&healthy(), endpoint_service).unwrap().is_empty());
        assert!(run(&healthy(), interface_endpoint).unwrap().is_empty());
    }

    #[test]
    fn pending_connection_and_endpoint_fail() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.endpoint_connections {
            value[0].state = "pendingAcceptance".into();
        }
        if let Loadable::Loaded { value, .. } = &mut m.interface_endpoints {
            value[0].state = "pendingAcceptance".into();
        }
        let f = run(&m, endpoint_service).unwrap();
        assert!(has(&f, "endpoint-connection-pending", Severity::Fail));
        assert!(f[0].fix.contains("accept-vpc-endpoint-connections"));
        assert!(has(
            &run(&m, interface_endpoint).unwrap(),
            "interface-endpoint-unavailable",
            Severity::Fail
        ));
    }

    #[test]
    fn rejected_connection_and_unavailable_service() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.endpoint_connections {
            value[0].state = "rejected".into();
        }
        if let Loadable::Loaded { value, .. } = &mut m.endpoint_services {
            value[0].state = "Failed".into();
        }
        let f = run(&m, endpoint_service).unwrap();
        assert!(has(&f, "endpoint-connection-rejected", Severity::Fail));
        assert!(has(&f, "endpoint-service-unavailable", Severity::Fail));
    }

    #[test]
    fn pending_connection_of_another_consumer_is_info() {
        let mut m = healthy();
        if let Loadable::Loaded { value, .. } = &mut m.endpoint_connections {
            let mut other = value[0].clone();
            other.endpoint_id = "vpce-other".into();
            other.state = "pendingAcceptance".into();
            value.push(other);
        }
        let f = run(&m, endpoint_service).unwrap();
        assert!(has(&f, "endpoint-connection-pending", Severity::Info));
    }

    #[test]
    fn missing_endpoint_on_privatelink_route() {
        let mut m = healthy();
        // The answers still name the endpoint's IPs, but it leads to no service of ours.
        if let Loadable::Loaded { value, .. } = &mut m.interface_endpoints {
            value[0].service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-other".into();
        }
        let f = run(&m, interface_endpoint).unwrap();
        assert!(
            has(&f, "interface-endpoint-missing", Severity::Fail),
            "{f:?}"
        );
    }

    #[test]
    fn unknown_without_data() {
        assert!(
            run(
                &without(healthy(), Part::EndpointServices),
                endpoint_service
            )
            .is_err()
        );
        assert!(
            run(
                &without(healthy(), Part::InterfaceEndpoints),
                interface_endpoint
            )
            .is_err()
        );
        assert!(run(&without(healthy(), Part::Origin), interface_endpoint).is_err());
        // Connections alone missing: the endpoint state still decides.
        assert!(
            run(
                &without(healthy(), Part::EndpointConnections),
                endpoint_service
            )
            .unwrap()
            .is_empty()
        );
    }
}
