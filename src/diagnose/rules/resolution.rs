//! How this host's lookups are answered before any record is read: the hosts file, the
//! name servers the VPC's DHCP options hand out, and the Resolver rules that send a domain
//! elsewhere ahead of the private zones. And where kubectl's connection goes: a proxy.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::resolver::rule_for;
use crate::model::{DnsOutcome, HostedZone, Source};

const DNS: Option<HopName> = Some(HopName::Dns);

/// What the live lookups say about the answers this host gets.
enum Answered {
    /// Every address is an interface endpoint or EKS ENI IP.
    Private,
    /// Anything else, in words; `works` when they are public and public access is on.
    Wrong { what: String, works: bool },
    /// No lookup to judge by (live DNS off, or none yet).
    Unsampled,
}

fn answered(ctx: &Ctx) -> Answered {
    if !ctx.m.context.live.dns {
        return Answered::Unsampled;
    }
    let Some(sample) = ctx.judged_dns() else {
        return Answered::Unsampled;
    };
    match &sample.outcome {
        DnsOutcome::Answers(_) => {
            let answers = ctx.latest_answers().unwrap_or_default();
            let placed = |c: &AnswerClass| {
                matches!(
                    c,
                    AnswerClass::InterfaceEndpoint(_) | AnswerClass::EksEni(_)
                )
            };
            if !answers.is_empty() && answers.iter().all(|(_, c)| placed(c)) {
                return Answered::Private;
            }
            let public = answers.iter().all(|(_, c)| *c == AnswerClass::Public);
            let public_on = ctx.m.cluster.value().is_some_and(|c| c.public_access);
            Answered::Wrong {
                what: format!(
                    "the answers were {}",
                    list(
                        answers
                            .iter()
                            .map(|(ip, c)| format!("{ip} ({})", c.label()))
                    )
                ),
                works: public && public_on,
            }
        }
        _ => Answered::Wrong {
            what: format!("the answer was {}", sample.outcome_label()),
            works: false,
        },
    }
}

/// How a finding about who answers the name is judged, and the words that close it: INFO
/// when the answers are the private addresses anyway, FAIL (WARN when public answers work)
/// when they are not, and without live DNS a WARN only when a private zone is relied on.
fn by_answers(
    ctx: &Ctx,
    zone_relied_on: bool,
    private: String,
    unsampled: String,
    unsampled_with_zone: &str,
) -> (Severity, String) {
    match answered(ctx) {
        Answered::Private => (Severity::Info, private),
        Answered::Wrong { what, works } => (
            if works {
                Severity::Warn
            } else {
                Severity::Fail
            },
            format!("{what}: that is why"),
        ),
        Answered::Unsampled if zone_relied_on => (Severity::Warn, unsampled_with_zone.into()),
        Answered::Unsampled => (Severity::Info, unsampled),
    }
}

/// The private zone the VPC resolver would answer `host` from for this host's VPC.
fn serving_zone<'a>(ctx: &Ctx<'a>, host: &str, vpc: &str) -> Option<&'a HostedZone> {
    ctx.m
        .hosted_zones
        .value()?
        .iter()
        .filter(|z| z.private && z.covers(host) && z.associated_with(vpc))
        .max_by_key(|z| z.depth())
}

/// The DHCP options of this host's VPC: with name servers other than the VPC resolver, no
/// private zone and no Resolver rule applies to this host's lookups.
pub fn dhcp_options(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let origin = ctx.origin()?;
    let host = ctx.host()?;
    let vpcs = need(&ctx.m.vpcs, Source::Vpcs)?;
    let Some(vpc) = vpcs.iter().find(|v| v.id == origin.vpc_id) else {
        return Err(Missing::new(
            format!("VPC {}", origin.vpc_id),
            format!("not returned by {}", Source::Vpcs.spec().action()),
        ));
    };
    let id = match vpc.dhcp_options_id.as_deref() {
        // AWS's own set: the VPC resolver.
        Some("default") => return Ok(vec![]),
        Some(id) => id,
        None => {
            return Err(Missing::new(
                format!("DHCP options of {}", vpc.id),
                format!("{} named none", Source::Vpcs.spec().action()),
            ));
        }
    };
    let sets = need(&ctx.m.dhcp_options, Source::DhcpOptions)?;
    let Some(set) = sets.iter().find(|d| d.id == id) else {
        return Err(Missing::new(
            format!("DHCP options {id}"),
            format!("not returned by {}", Source::DhcpOptions.spec().action()),
        ));
    };
    if set.uses_vpc_resolver() {
        return Ok(vec![]);
    }
    let servers = list(set.custom_servers());
    let zone = serving_zone(ctx, &host, &vpc.id);
    let skipped = match zone {
        Some(z) => format!(
            "private hosted zone {} ({}) never answers them",
            z.name, z.id
        ),
        None => "private hosted zones and Resolver rules never apply".to_string(),
    };
    let head = format!(
        "DHCP options {id} of {} hand out name servers {servers}, not the VPC resolver (AmazonProvidedDNS): {skipped}",
        ctx.vpc_name(&vpc.id)
    );
    let fix = format!(
        "aws ec2 associate-dhcp-options --dhcp-options-id default --vpc-id {} (AWS's set, with AmazonProvidedDNS); or have {servers} forward {host} to an inbound Resolver endpoint",
        vpc.id
    );
    let (sev, tail) = by_answers(
        ctx,
        zone.is_some(),
        format!("they answer {host} with the private addresses, so they forward it correctly"),
        format!("whatever they answer for {host} is what kubectl uses"),
        "without live DNS it cannot be told whether they answer with the private addresses",
    );
    Ok(vec![Finding::new(
        "dhcp-custom-dns",
        sev,
        DNS,
        id,
        format!("{head}; {tail}"),
        fix,
    )])
}

/// A forwarding rule associated with this host's VPC that covers the endpoint name wins
/// over every private zone: the query goes to the rule's targets.
pub fn resolver_rules(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    let origin = ctx.origin()?;
    let host = ctx.host()?;
    // Lookups that never reach the VPC resolver meet no rule (the DHCP rule says so).
    let own_servers = ctx
        .m
        .vpcs
        .value()
        .and_then(|v| v.iter().find(|v| v.id == origin.vpc_id))
        .and_then(|v| v.dhcp_options_id.as_ref())
        .and_then(|id| ctx.m.dhcp_options.value()?.iter().find(|d| &d.id == id))
        .is_some_and(|d| !d.uses_vpc_resolver());
    if own_servers {
        return Ok(vec![]);
    }
    let rules = need(&ctx.m.resolver_rules, Source::ResolverRules)?;
    let Some(rule) = rule_for(rules, &host).filter(|r| r.forwards()) else {
        return Ok(vec![]);
    };
    let via = match &rule.endpoint_id {
        Some(id) => {
            let ep = ctx
                .m
                .resolver_endpoints
                .value()
                .and_then(|eps| eps.iter().find(|e| &e.id == id));
            match ep {
                Some(e) => format!(
                    " through outbound endpoint {id}{} ({})",
                    e.name
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default(),
                    e.status
                ),
                None => format!(" through outbound endpoint {id}"),
            }
        }
        None => String::new(),
    };
    let zone = serving_zone(ctx, &host, &origin.vpc_id);
    let shadowed = match zone {
        Some(z) => format!(
            "ahead of private hosted zone {} ({}), which never sees the query",
            z.name, z.id
        ),
        None => "so no private hosted zone of this VPC answers it".into(),
    };
    let head = format!(
        "Resolver rule {} forwards {} (which covers {host}) to {}{via}, {shadowed}",
        rule.label(),
        rule.domain,
        if rule.targets.is_empty() {
            "its targets".to_string()
        } else {
            list(&rule.targets)
        }
    );
    let mut fix = format!(
        "aws route53resolver disassociate-resolver-rule --vpc-id {} --resolver-rule-id {}",
        origin.vpc_id, rule.id
    );
    if let Some(z) = zone {
        fix.push_str(&format!(
            "; or keep it and answer the zone here: aws route53resolver create-resolver-rule --rule-type SYSTEM --domain-name {} --creator-request-id eksnet-{}, then associate it with {}",
            z.name, z.id, origin.vpc_id
        ));
    }
    let (sev, tail) = by_answers(
        ctx,
        zone.is_some(),
        "its targets answer with the private addresses".into(),
        format!("whatever its targets answer for {host} is what kubectl uses"),
        "without live DNS it cannot be told what its targets answer",
    );
    Ok(vec![Finding::new(
        "resolver-rule-shadows-zone",
        sev,
        DNS,
        &rule.id,
        format!("{head}; {tail}"),
        fix,
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::{DhcpOptions, Fetched, Loadable, Model, ResolverEndpoint, ResolverRule};

    fn custom_dns(m: &mut Model) {
        m.apply(
            Fetched::DhcpOptions(Ok(vec![DhcpOptions {
                id: "dopt-1".into(),
                name_servers: vec!["10.10.0.2".into()],
                domain_name: None,
            }])),
            t0(),
        );
    }

    #[test]
    fn the_vpc_resolver_needs_no_word() {
        assert!(run(&healthy(), dhcp_options).unwrap().is_empty());
        assert!(run(&healthy(), resolver_rules).unwrap().is_empty());
    }

    #[test]
    fn custom_name_servers_are_the_cause_of_wrong_answers() {
        let mut m = healthy();
        custom_dns(&mut m);
        // The healthy model's answers are the endpoint's: they forward correctly.
        let f = run(&m, dhcp_options).unwrap();
        assert!(has(&f, "dhcp-custom-dns", Severity::Info), "{f:?}");
        for secs in [5, 10, 15] {
            push_dns_outcome(&mut m, DnsOutcome::NxDomain, secs);
        }
        let f = run(&m, dhcp_options).unwrap();
        assert!(has(&f, "dhcp-custom-dns", Severity::Fail), "{f:?}");
        assert!(f[0].evidence.contains("10.10.0.2"), "{}", f[0].evidence);
        assert!(f[0].evidence.contains("NXDOMAIN"), "{}", f[0].evidence);
        assert!(
            f[0].fix
                .contains("associate-dhcp-options --dhcp-options-id default")
        );
        // The rules no longer apply: the DHCP rule says why.
        add_forward_rule(&mut m);
        assert!(run(&m, resolver_rules).unwrap().is_empty());
    }

    #[test]
    fn unknown_without_dhcp_options_or_rules() {
        assert!(run(&without(healthy(), Part::DhcpOptions), dhcp_options).is_err());
        assert!(run(&without(healthy(), Part::Vpcs), dhcp_options).is_err());
        let mut m = healthy();
        m.resolver_rules = Loadable::Loading;
        assert!(run(&m, resolver_rules).is_err());
    }

    fn add_forward_rule(m: &mut Model) {
        m.apply(
            Fetched::ResolverRules(Ok(vec![
                ResolverRule {
                    id: "rslvr-rr-1".into(),
                    name: Some("to-onprem".into()),
                    domain: "amazonaws.com".into(),
                    rule_type: "FORWARD".into(),
                    status: "COMPLETE".into(),
                    targets: vec!["10.10.0.2:53".into()],
                    endpoint_id: Some("rslvr-out-1".into()),
                },
                ResolverRule {
                    id: "rslvr-rr-2".into(),
                    name: None,
                    domain: "corp.example.com".into(),
                    rule_type: "FORWARD".into(),
                    status: "COMPLETE".into(),
                    targets: vec!["10.10.0.2:53".into()],
                    endpoint_id: None,
                },
            ])),
            t0(),
        );
        m.apply(
            Fetched::ResolverEndpoints(Ok(vec![ResolverEndpoint {
                id: "rslvr-out-1".into(),
                name: Some("outbound".into()),
                direction: "OUTBOUND".into(),
                status: "OPERATIONAL".into(),
                vpc_id: OPS_VPC.into(),
                ip_count: Some(2),
            }])),
            t0(),
        );
    }

    #[test]
    fn a_forwarding_rule_over_the_name_is_named_as_the_reason() {
        let mut m = healthy();
        add_forward_rule(&mut m);
        let f = run(&m, resolver_rules).unwrap();
        assert!(
            has(&f, "resolver-rule-shadows-zone", Severity::Info),
            "{f:?}"
        );
        for secs in [5, 10, 15] {
            push_dns_outcome(&mut m, DnsOutcome::NxDomain, secs);
        }
        let f = run(&m, resolver_rules).unwrap();
        assert!(
            has(&f, "resolver-rule-shadows-zone", Severity::Fail),
            "{f:?}"
        );
        let e = &f[0].evidence;
        for part in [
            "rslvr-rr-1",
            "amazonaws.com",
            "10.10.0.2:53",
            "rslvr-out-1",
            HOST,
            "NXDOMAIN",
        ] {
            assert!(e.contains(part), "{part}: {e}");
        }
        assert!(f[0].fix.contains("disassociate-resolver-rule"));
        // A more specific SYSTEM rule brings the name back to the VPC resolver.
        if let Loadable::Loaded { value, .. } = &mut m.resolver_rules {
            value.push(ResolverRule {
                id: "rslvr-rr-3".into(),
                name: None,
                domain: "eks.amazonaws.com".into(),
                rule_type: "SYSTEM".into(),
                status: "COMPLETE".into(),
                targets: vec![],
                endpoint_id: None,
            });
        }
        assert!(run(&m, resolver_rules).unwrap().is_empty());
    }

    #[test]
    fn without_live_dns_a_shadowed_zone_is_a_warning() {
        let mut m = healthy();
        m.context.live = crate::model::LiveMode {
            dns: false,
            probe: false,
        };
        add_forward_rule(&mut m);
        let f = run(&m, resolver_rules).unwrap();
        assert!(
            has(&f, "resolver-rule-shadows-zone", Severity::Warn),
            "{f:?}"
        );
        custom_dns(&mut m);
        let f = run(&m, dhcp_options).unwrap();
        assert!(has(&f, "dhcp-custom-dns", Severity::Warn), "{f:?}");
    }
}
