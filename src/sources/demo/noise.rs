//! Deterministic jitter: the same (time, address) always gives the same value, so a
//! screenshot or a test replays exactly while the TUI still looks alive.

use std::net::IpAddr;
use std::time::Duration;

/// splitmix64 over each part in turn.
pub fn mix(parts: &[u64]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for p in parts {
        h ^= *p;
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
    }
    h
}

pub fn ip_bits(ip: IpAddr) -> u64 {
    match ip {
        IpAddr::V4(v4) => u64::from(u32::from(v4)),
        IpAddr::V6(v6) => {
            let b = u128::from(v6);
            (b as u64) ^ ((b >> 64) as u64)
        }
    }
}

/// A value in [0, 1).
pub fn unit(parts: &[u64]) -> f64 {
    (mix(parts) >> 11) as f64 / (1u64 << 53) as f64
}

/// A duration between `lo_ms` and `hi_ms`.
pub fn millis_between(lo_ms: f64, hi_ms: f64, parts: &[u64]) -> Duration {
    Duration::from_secs_f64((lo_ms + unit(parts) * (hi_ms - lo_ms)) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_repeatable_and_in_range() {
        for s in 0..200u64 {
            let d = millis_between(0.4, 2.0, &[s, 7]);
            assert_eq!(d, millis_between(0.4, 2.0, &[s, 7]));
            assert!(d >= Duration::from_micros(400) && d < Duration::from_millis(2));
        }
        assert_ne!(mix(&[1, 2]), mix(&[2, 1]));
    }
}
