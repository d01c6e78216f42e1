//! What changes with time: control-plane updates rotate the EKS-owned ENIs, and the
//! (possibly broken) automation chases them in the target group.
//!
//! A rotation makes before it breaks, as EKS does: the new ENIs come up beside the old
//! ones, which stay in use until the new control plane serves. Working automation has
//! the new IPs registered and healthy by then, so the path never goes dark.
//!
//! Times are milliseconds of simulated elapsed time, signed so that events from before
//! the demo started (a rotation nobody handled) sit on the same axis.

use super::ids::{AZ_A, AZ_B, ENI_DESCRIPTION, SG_CLUSTER, SUBNET_EKS_A, SUBNET_EKS_B};
use super::noise::mix;
use super::scenario::Scenario;
use crate::model::{Eni, Target};
use std::net::Ipv4Addr;
use std::time::Duration;

pub const FIRST_ROTATION_MS: i64 = 45_000;
pub const ROTATION_EVERY_MS: i64 = 180_000;
const UPDATING_BEFORE_MS: i64 = 30_000;
const UPDATING_AFTER_MS: i64 = 15_000;
pub const REGISTRATION_DELAY_MS: i64 = 15_000;
const INITIAL_FOR_MS: i64 = 10_000;
/// How long the previous generation's ENIs stay in use after a rotation: as long as new
/// targets take to be registered and pass their health checks.
pub const OVERLAP_MS: i64 = REGISTRATION_DELAY_MS + INITIAL_FOR_MS;
/// How long after its ENI is gone a dead target stays registered with working cleanup.
pub const CLEANUP_AFTER_MS: i64 = 20_000;

pub fn millis(elapsed: Duration) -> i64 {
    i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
}

/// The two ENIs EKS keeps per generation, one per AZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    A,
    B,
}

impl Slot {
    pub const BOTH: [Slot; 2] = [Slot::A, Slot::B];

    pub fn subnet(self) -> &'static str {
        match self {
            Slot::A => SUBNET_EKS_A,
            Slot::B => SUBNET_EKS_B,
        }
    }

    pub fn az(self) -> &'static str {
        match self {
            Slot::A => AZ_A,
            Slot::B => AZ_B,
        }
    }
}

/// Host part 21..=190 of the subnet: clear of the NLB (.200) and the pods (.231+), and
/// different for consecutive generations because neither step divides 170.
pub fn eni_ip(generation: i64, slot: Slot) -> Ipv4Addr {
    let (third, step, start) = match slot {
        Slot::A => (10, 37, 42),
        Slot::B => (20, 53, 97),
    };
    let host = 21 + (generation * step + start).rem_euclid(170);
    Ipv4Addr::new(192, 168, third, host as u8)
}

pub fn eni_id(generation: i64, slot: Slot) -> String {
    let h = mix(&[generation as u64, slot as u64, 0xe4a1]);
    format!("eni-0{:016x}", h)
}

/// The automation around the target group in a scenario.
struct Automation {
    /// Generations that had rotated before the demo started.
    shift: i64,
    /// The EventBridge rule and Lambda register new ENI IPs.
    registers: bool,
    /// The periodic Lambda deregisters dead ENI IPs.
    cleans: bool,
    /// Targets registered before the start, as (generation relative to the current one, slot).
    registered_before: &'static [(i64, Slot)],
}

fn automation(s: Scenario) -> Automation {
    const CURRENT: &[(i64, Slot)] = &[(0, Slot::A), (0, Slot::B)];
    match s {
        Scenario::RotationMissed
        | Scenario::RotationMissedNoTrail
        | Scenario::RotationMissedLambdaErrors => Automation {
            shift: 1,
            registers: false,
            cleans: false,
            registered_before: &[(-1, Slot::A), (-1, Slot::B)],
        },
        Scenario::StaleTarget | Scenario::StaleCleanupMissing => Automation {
            shift: 0,
            registers: true,
            cleans: false,
            registered_before: &[(-1, Slot::A), (0, Slot::A), (0, Slot::B)],
        },
        _ => Automation {
            shift: 0,
            registers: true,
            cleans: true,
            registered_before: CURRENT,
        },
    }
}

/// Control-plane updates since the start: 0 before the first, then one every period.
fn rotations_since_start(t: i64) -> i64 {
    if t < FIRST_ROTATION_MS {
        0
    } else {
        1 + (t - FIRST_ROTATION_MS) / ROTATION_EVERY_MS
    }
}

/// When the `n`-th rotation since the start happens; `n <= 0` lies before the start.
fn rotation_at(n: i64) -> i64 {
    FIRST_ROTATION_MS + (n - 1) * ROTATION_EVERY_MS
}

/// When the generation live at the start was created, for one that was not rotated in.
const EARLIER_MS: i64 = -6 * 3600 * 1000;

/// When ENIs were created up to `t`: the rotations since the start, the one before it
/// that a shifted scenario missed, and the current generation's creation hours earlier.
pub fn rotation_times(s: Scenario, t: i64) -> Vec<i64> {
    let first = 1 - automation(s).shift;
    std::iter::once(EARLIER_MS)
        .chain((first..=rotations_since_start(t)).map(rotation_at))
        .collect()
}

/// The ENI generation live at `t`.
pub fn generation(s: Scenario, t: i64) -> i64 {
    automation(s).shift + rotations_since_start(t)
}

/// `UPDATING` around each rotation; the start is always outside such a window.
pub fn cluster_status(t: i64) -> &'static str {
    let n = rotations_since_start(t);
    let after_last = n >= 1 && t < rotation_at(n) + UPDATING_AFTER_MS;
    let before_next = t >= rotation_at(n + 1) - UPDATING_BEFORE_MS;
    if after_last || before_next {
        "UPDATING"
    } else {
        "ACTIVE"
    }
}

/// When generation `h`'s ENIs are deleted: an overlap after the next rotation.
fn retired_at(s: Scenario, h: i64) -> i64 {
    rotation_at(h + 1 - automation(s).shift) + OVERLAP_MS
}

/// The generations with ENIs in use at `t`, oldest first.
fn live_generations(s: Scenario, t: i64) -> Vec<i64> {
    let g = generation(s, t);
    if t < retired_at(s, g - 1) {
        vec![g - 1, g]
    } else {
        vec![g]
    }
}

pub fn eks_enis(s: Scenario, t: i64) -> Vec<Eni> {
    live_generations(s, t)
        .into_iter()
        .flat_map(|g| Slot::BOTH.map(|slot| (g, slot)))
        .map(|(g, slot)| Eni {
            id: eni_id(g, slot),
            ip: eni_ip(g, slot),
            ipv6: vec![],
            subnet_id: slot.subnet().into(),
            az: slot.az().into(),
            status: "in-use".into(),
            sg_ids: vec![SG_CLUSTER.into()],
            description: ENI_DESCRIPTION.into(),
            // On the demo's own axis, the epoch standing for its start; the demo account
            // puts it on the clock.
            attached_at: Some(
                chrono::DateTime::UNIX_EPOCH + chrono::Duration::milliseconds(created_ms(s, g)),
            ),
        })
        .collect()
}

/// When generation `g`'s ENIs were created: by the rotation that brought it, or hours
/// before the start for the generation that was there already.
fn created_ms(s: Scenario, g: i64) -> i64 {
    let n = g - automation(s).shift;
    if n < 1 - automation(s).shift {
        EARLIER_MS
    } else {
        rotation_at(n)
    }
}

/// The registered targets of the API target group at `t`. `checks_pass`: whether the
/// health checks from the NLB reach a live ENI (the cluster SG admits the NLB).
pub fn api_targets(s: Scenario, t: i64, tg_arn: &str, checks_pass: bool) -> Vec<Target> {
    let a = automation(s);
    let start_gen = a.shift;
    let live_gen = generation(s, t);
    // A generation's rotation time, on the scenario's own axis.
    let rotated_in = |h: i64| rotation_at(h - a.shift);
    let mut out = Vec::new();
    for h in (start_gen - 1)..=live_gen {
        for slot in Slot::BOTH {
            let registered_at = if h <= start_gen {
                let before = a.registered_before.contains(&(h - start_gen, slot));
                before.then_some(i64::MIN)
            } else {
                a.registers.then(|| rotated_in(h) + REGISTRATION_DELAY_MS)
            };
            let Some(registered_at) = registered_at.filter(|r| t >= *r) else {
                continue;
            };
            let ip = eni_ip(h, slot).to_string();
            let target = |state: &str, reason: Option<&str>, description: Option<&str>| Target {
                tg_arn: tg_arn.into(),
                id: ip.clone(),
                port: 443,
                az: Some(slot.az().into()),
                state: state.into(),
                reason: reason.map(Into::into),
                description: description.map(Into::into),
            };
            if h < live_gen && t >= retired_at(s, h) {
                if a.cleans && t >= retired_at(s, h) + CLEANUP_AFTER_MS {
                    continue;
                }
                out.push(target(
                    "unhealthy",
                    Some("Target.FailedHealthChecks"),
                    Some("Health checks failed"),
                ));
            } else if t < registered_at.saturating_add(INITIAL_FOR_MS) {
                out.push(target(
                    "initial",
                    Some("Elb.RegistrationInProgress"),
                    Some("Target registration is in progress"),
                ));
            } else if checks_pass {
                out.push(target("healthy", None, None));
            } else {
                out.push(target(
                    "unhealthy",
                    Some("Target.Timeout"),
                    Some("Request timed out"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    #[test]
    fn consecutive_generations_get_new_ips_in_range() {
        for g in -3..400 {
            for slot in Slot::BOTH {
                let ip = eni_ip(g, slot);
                assert_ne!(ip, eni_ip(g + 1, slot), "generation {g}");
                assert_ne!(eni_id(g, slot), eni_id(g + 1, slot));
                assert!((21..=190).contains(&ip.octets()[3]), "{ip}");
            }
        }
    }

    #[test]
    fn generation_steps_at_45s_and_then_every_180s() {
        let g = |t| generation(Scenario::Healthy, t);
        assert_eq!((g(0), g(44_999), g(45 * S)), (0, 0, 1));
        assert_eq!((g(224_999), g(225 * S), g(405 * S)), (1, 2, 3));
        assert_eq!(generation(Scenario::RotationMissed, 0), 1);
    }

    #[test]
    fn cluster_is_updating_around_each_rotation_only() {
        let st = |secs: i64| cluster_status(secs * S);
        assert_eq!(st(0), "ACTIVE");
        assert_eq!(st(14), "ACTIVE");
        assert_eq!(st(15), "UPDATING");
        assert_eq!(st(59), "UPDATING");
        assert_eq!(st(60), "ACTIVE");
        assert_eq!(st(194), "ACTIVE");
        assert_eq!(st(195), "UPDATING");
        assert_eq!(st(239), "UPDATING");
        assert_eq!(st(240), "ACTIVE");
    }

    fn states(s: Scenario, secs: i64) -> Vec<(Ipv4Addr, String)> {
        api_targets(s, secs * S, "tg", true)
            .into_iter()
            .map(|t| (t.ip().unwrap(), t.state))
            .collect()
    }

    #[test]
    fn healthy_automation_registers_then_cleans_on_schedule() {
        let h = Scenario::Healthy;
        let (old_a, new_a) = (eni_ip(0, Slot::A), eni_ip(1, Slot::A));
        let has = |secs, ip, state: &str| states(h, secs).contains(&(ip, state.to_string()));
        assert!(has(0, old_a, "healthy"));
        assert_eq!(states(h, 0).len(), 2);
        // Rotated at 45 s: the old ENIs still serve, the new ones are not registered yet.
        assert!(has(50, old_a, "healthy") && states(h, 50).len() == 2);
        // Registered at 60 s, initial for 10 s.
        assert!(has(60, new_a, "initial") && has(69, new_a, "initial"));
        assert!(has(69, old_a, "healthy"));
        // At 70 s the new targets pass and the old ENIs are gone.
        assert!(has(70, new_a, "healthy") && has(70, old_a, "unhealthy"));
        // Cleaned at 90 s.
        assert!(has(89, old_a, "unhealthy"));
        assert_eq!(
            states(h, 90),
            vec![
                (new_a, "healthy".into()),
                (eni_ip(1, Slot::B), "healthy".into())
            ]
        );
        // The second rotation at 225 s plays the same way.
        assert!(has(230, new_a, "healthy"));
        assert!(has(250, eni_ip(2, Slot::A), "healthy") && has(250, new_a, "unhealthy"));
        assert_eq!(states(h, 285).len(), 2);
    }

    #[test]
    fn a_rotation_makes_before_it_breaks() {
        let ips = |secs: i64| -> Vec<Ipv4Addr> {
            eks_enis(Scenario::Healthy, secs * S)
                .iter()
                .map(|e| e.ip)
                .collect()
        };
        let (old, new) = (eni_ip(0, Slot::A), eni_ip(1, Slot::A));
        assert_eq!(ips(44), vec![old, eni_ip(0, Slot::B)]);
        assert_eq!(ips(45).len(), 4);
        assert!(ips(69).contains(&old) && ips(69).contains(&new));
        assert_eq!(ips(70), vec![new, eni_ip(1, Slot::B)]);
        // A rotation missed before the start left no old ENI behind.
        assert_eq!(eks_enis(Scenario::RotationMissed, 0).len(), 2);
    }

    #[test]
    fn broken_automation_never_catches_up() {
        let missed = states(Scenario::RotationMissed, 1000);
        let dead = [eni_ip(0, Slot::A), eni_ip(0, Slot::B)];
        assert_eq!(missed.len(), 2);
        assert!(
            missed
                .iter()
                .all(|(ip, st)| dead.contains(ip) && st == "unhealthy")
        );

        // Cleanup broken: every old IP stays, registration still follows.
        let stale = states(Scenario::StaleTarget, 300);
        let live = generation(Scenario::StaleTarget, 300 * S);
        assert_eq!(live, 2);
        assert_eq!(stale.len(), 1 + 2 + 2 + 2);
        for slot in Slot::BOTH {
            assert!(stale.contains(&(eni_ip(live, slot), "healthy".into())));
        }
    }

    #[test]
    fn failing_checks_make_current_targets_unhealthy_after_initial() {
        let t = api_targets(Scenario::TargetsUnhealthy, 0, "tg", false);
        assert!(
            t.iter()
                .all(|t| t.state == "unhealthy" && t.reason.as_deref() == Some("Target.Timeout"))
        );
        let later = api_targets(Scenario::TargetsUnhealthy, 62 * S, "tg", false);
        assert!(later.iter().any(|t| t.state == "initial"));
    }
}
