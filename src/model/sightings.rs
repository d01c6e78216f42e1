//! When this run saw each EKS-owned ENI IP appear and go: a rotation that the automation is
//! still catching up with reads differently from automation that never caught up.

use super::cluster::Eni;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// How long an IP that left is remembered: longer than any grace a rule gives.
const FORGET_AFTER_MINUTES: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    /// When it first showed up; `None` when it was there at the first look.
    pub appeared: Option<DateTime<Utc>>,
    /// When it stopped showing up, if it did.
    pub gone: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EniSightings {
    looked: bool,
    by_ip: BTreeMap<Ipv4Addr, Sighting>,
}

impl EniSightings {
    /// Note one successful read of the ENIs at `now`.
    pub fn observe(&mut self, enis: &[Eni], now: DateTime<Utc>) {
        let first = !self.looked;
        self.looked = true;
        for e in enis {
            let s = self.by_ip.entry(e.ip).or_insert(Sighting {
                appeared: (!first).then_some(now),
                gone: None,
            });
            if s.gone.is_some() {
                // Back again (an IP reused): a new arrival.
                *s = Sighting {
                    appeared: Some(now),
                    gone: None,
                };
            }
        }
        for (ip, s) in self.by_ip.iter_mut() {
            if s.gone.is_none() && !enis.iter().any(|e| e.ip == *ip) {
                s.gone = Some(now);
            }
        }
        let horizon = now - Duration::minutes(FORGET_AFTER_MINUTES);
        self.by_ip.retain(|_, s| s.gone.is_none_or(|g| g > horizon));
    }

    pub fn get(&self, ip: Ipv4Addr) -> Option<Sighting> {
        self.by_ip.get(&ip).copied()
    }

    /// When `ip` appeared, if this run saw it arrive.
    pub fn appeared(&self, ip: Ipv4Addr) -> Option<DateTime<Utc>> {
        self.get(ip).and_then(|s| s.appeared)
    }

    /// When `ip` stopped being an EKS-owned ENI IP, if this run saw it go.
    pub fn gone(&self, ip: Ipv4Addr) -> Option<DateTime<Utc>> {
        self.get(ip).and_then(|s| s.gone)
    }

    /// IPs held: bounded by the ENIs of the last hour.
    pub fn len(&self) -> usize {
        self.by_ip.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ip.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + s, 0).unwrap()
    }

    fn eni(ip: &str) -> Eni {
        Eni {
            id: format!("eni-{ip}"),
            ip: ip.parse().unwrap(),
            ipv6: vec![],
            subnet_id: "subnet-a".into(),
            az: "eu-west-1a".into(),
            status: "in-use".into(),
            sg_ids: vec![],
            description: "Amazon EKS c".into(),
            attached_at: None,
        }
    }

    #[test]
    fn arrivals_and_departures_are_dated_from_the_second_look_on() {
        let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
        let mut s = EniSightings::default();
        s.observe(&[eni("10.0.0.1")], t(0));
        assert_eq!(s.appeared(ip("10.0.0.1")), None, "there before we looked");
        s.observe(&[eni("10.0.0.1"), eni("10.0.0.2")], t(10));
        assert_eq!(s.appeared(ip("10.0.0.2")), Some(t(10)));
        s.observe(&[eni("10.0.0.2")], t(20));
        assert_eq!(s.gone(ip("10.0.0.1")), Some(t(20)));
        assert_eq!(s.gone(ip("10.0.0.2")), None);
        s.observe(&[eni("10.0.0.2")], t(30));
        assert_eq!(s.gone(ip("10.0.0.1")), Some(t(20)), "dated once");
        // Forgotten an hour after it left.
        s.observe(&[eni("10.0.0.2")], t(20 + 3601));
        assert_eq!(s.len(), 1);
        assert_eq!(s.get(ip("10.0.0.1")), None);
    }
}
