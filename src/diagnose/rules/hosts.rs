//! A hosts-file line for the endpoint name: kubectl's resolver reads it before DNS.

use crate::diagnose::classify::AnswerClass;
use crate::diagnose::ctx::{Ctx, need};
use crate::diagnose::finding::{Finding, HopName, Missing, Severity, list};
use crate::model::Source;

const DNS: Option<HopName> = Some(HopName::Dns);

/// A hosts-file line for the endpoint name answers instead of DNS; it must still name an
/// EKS ENI or interface endpoint IP.
pub fn hosts_pin(ctx: &Ctx) -> Result<Vec<Finding>, Missing> {
    if !ctx.m.context.live.dns {
        return Ok(vec![]);
    }
    let Some(sample) = ctx.judged_dns() else {
        return Ok(vec![]);
    };
    let Some(pin) = &sample.pinned else {
        return Ok(vec![]);
    };
    need(&ctx.m.enis, Source::Enis)?;
    need(&ctx.m.interface_endpoints, Source::InterfaceEndpoints)?;
    let answers = ctx.latest_answers().unwrap_or_default();
    let (current, stale): (Vec<_>, Vec<_>) = answers.iter().partition(|(_, c)| {
        matches!(
            c,
            AnswerClass::InterfaceEndpoint(_) | AnswerClass::EksEni(_)
        )
    });
    let host = &sample.host;
    let now = {
        let mut ips: Vec<String> = ctx
            .path
            .endpoints
            .iter()
            .flat_map(|e| e.ips.iter().map(ToString::to_string))
            .collect();
        if ips.is_empty() {
            ips = ctx
                .eni_ips()
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect();
        }
        ips
    };
    let sed = format!(
        "sudo sed -i '{}{{/{}/d}}' {}",
        pin.line,
        host.replace('.', "\\."),
        pin.file
    );
    if stale.is_empty() {
        let eni = current
            .iter()
            .any(|(_, c)| matches!(c, AnswerClass::EksEni(_)));
        return Ok(vec![Finding::new(
            "hosts-pin",
            Severity::Info,
            DNS,
            pin.to_string(),
            format!(
                "{pin} pins {host} to {}, so DNS is never asked{}",
                list(
                    current
                        .iter()
                        .map(|(ip, c)| format!("{ip} ({})", c.label()))
                ),
                if eni {
                    "; EKS replaces its ENIs at every control-plane update, and the pin then goes stale"
                } else {
                    ""
                }
            ),
            format!("to let DNS answer instead: {sed}"),
        )]);
    }
    Ok(vec![Finding::new(
        "hosts-pin-stale",
        Severity::Fail,
        DNS,
        pin.to_string(),
        format!(
            "{pin} pins {host} to {}, no longer an EKS ENI or interface endpoint IP (now {}): kubectl connects there and DNS is never asked",
            list(stale.iter().map(|(ip, _)| ip)),
            if now.is_empty() { "none known".to_string() } else { list(&now) }
        ),
        format!("remove the line so that DNS answers: {sed}"),
    )
    .explaining(&[ctx.last_hop()])])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::testkit::*;
    use crate::model::live::HostsPin;
    use crate::model::{DnsOutcome, Fetched, Model};

    #[test]
    fn no_pin_needs_no_word() {
        assert!(run(&healthy(), hosts_pin).unwrap().is_empty());
    }

    fn pin(m: &mut Model, ips: &[&str]) {
        let at = t0() + chrono::Duration::seconds(7);
        let answers = ips
            .iter()
            .map(|ip| crate::model::DnsAnswer {
                ip: ip.parse().unwrap(),
                ttl: 0,
            })
            .collect();
        m.apply(
            Fetched::Dns(crate::model::DnsSample {
                at,
                host: HOST.into(),
                server: Some("/etc/hosts".into()),
                latency: std::time::Duration::from_micros(50),
                outcome: DnsOutcome::Answers(answers),
                pinned: Some(HostsPin {
                    file: "/etc/hosts".into(),
                    line: 4,
                }),
            }),
            at,
        );
    }

    #[test]
    fn a_pin_to_a_rotated_ip_fails_with_the_line_and_a_fix() {
        let mut m = healthy();
        pin(&mut m, &["192.168.10.99"]);
        let f = run(&m, hosts_pin).unwrap();
        assert!(has(&f, "hosts-pin-stale", Severity::Fail), "{f:?}");
        assert!(
            f[0].evidence.contains("/etc/hosts line 4"),
            "{}",
            f[0].evidence
        );
        assert!(f[0].evidence.contains("192.168.10.99"));
        assert!(f[0].fix.contains("sed -i '4{"), "{}", f[0].fix);
        // A pin to a current ENI IP works: said, not failed.
        let mut m = healthy();
        pin(&mut m, &["192.168.10.21"]);
        let f = run(&m, hosts_pin).unwrap();
        assert!(has(&f, "hosts-pin", Severity::Info), "{f:?}");
        assert!(f[0].evidence.contains("EKS replaces its ENIs"));
        // Unknown while the ENIs are not known.
        let mut m = without(healthy(), Part::Enis);
        pin(&mut m, &["192.168.10.99"]);
        assert!(run(&m, hosts_pin).is_err());
    }
}
