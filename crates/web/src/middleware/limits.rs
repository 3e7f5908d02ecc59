//! Rate limits per client address and per e-mail address, counted atomically in memory
//! (governor's GCRA: one compare-and-swap per request, so a parallel burst cannot slip through).
//!
//! These limits are per instance and protect the server's work (argon2, uploads, session rows);
//! the sign-in lockout per user name is counted in the database and holds across instances.

use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many requests of each kind an address (or an e-mail address) may make.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    /// Applications sent from one address per hour (a household or an office shares one).
    pub applications_per_ip_hour: u32,
    /// Applications sent for one e-mail address per hour.
    pub applications_per_email_hour: u32,
    /// Sign-in attempts from one address per minute.
    pub logins_per_ip_minute: u32,
    /// OpenID Connect sign-ins started (each makes a session row) per address per minute.
    pub oidc_starts_per_ip_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            applications_per_ip_hour: 30,
            applications_per_email_hour: 10,
            logins_per_ip_minute: 30,
            oidc_starts_per_ip_minute: 30,
        }
    }
}

/// Keys are bounded: beyond this many tracked keys, idle ones are forgotten (at most once every
/// few seconds), and while the map is still full, new keys are refused.
const MAX_KEYS: usize = 100_000;
const CLEANUP_EVERY_SECS: u64 = 5;

pub struct Limiter(DefaultKeyedRateLimiter<String>, AtomicU64);

/// The key for a client address: an IPv6 client is counted by its /64 network, since one
/// household or host gets a whole /64 and could otherwise pick a new address for every request.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => ip.to_owned(),
    }
}

pub struct RateLimits {
    pub applications_per_ip: Limiter,
    pub applications_per_email: Limiter,
    /// Job-alert sign-ups (each sends an e-mail), at the same rate as applications.
    pub alert_sign_ups_per_ip: Limiter,
    pub login_per_ip: Limiter,
    pub oidc_per_ip: Limiter,
}

fn quota(n: u32, per: Duration) -> Limiter {
    let n = NonZeroU32::new(n.max(1)).expect("non-zero");
    // `n` at once, refilled evenly over the period.
    let q = Quota::with_period(per / n.get())
        .expect("period")
        .allow_burst(n);
    Limiter(RateLimiter::keyed(q), AtomicU64::new(0))
}

impl RateLimits {
    pub fn new(c: &RateLimitConfig) -> RateLimits {
        RateLimits {
            applications_per_ip: quota(c.applications_per_ip_hour, Duration::from_secs(3600)),
            applications_per_email: quota(c.applications_per_email_hour, Duration::from_secs(3600)),
            alert_sign_ups_per_ip: quota(c.applications_per_ip_hour, Duration::from_secs(3600)),
            login_per_ip: quota(c.logins_per_ip_minute, Duration::from_secs(60)),
            oidc_per_ip: quota(c.oidc_starts_per_ip_minute, Duration::from_secs(60)),
        }
    }

    /// Count one request for `key`; over the limit, how long until the next is allowed.
    pub fn check(&self, limiter: &Limiter, key: &str) -> Result<(), AppError> {
        let l = &limiter.0;
        let key = address_key(key);
        if l.len() > MAX_KEYS {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let last = limiter.1.load(Ordering::Relaxed);
            if now >= last + CLEANUP_EVERY_SECS
                && limiter
                    .1
                    .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                l.retain_recent();
                l.shrink_to_fit();
            }
            if l.len() > MAX_KEYS {
                // Still full of active keys: refuse newcomers rather than grow.
                return Err(AppError::TooManyRequests(Duration::from_secs(60)));
            }
        }
        l.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::TooManyRequests(wait.max(Duration::from_secs(1)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parallel_burst_gets_exactly_the_quota() {
        let limits = RateLimits::new(&RateLimitConfig {
            applications_per_ip_hour: 5,
            ..Default::default()
        });
        let allowed = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..10 {
                        if limits
                            .check(&limits.applications_per_ip, "203.0.113.9")
                            .is_ok()
                        {
                            allowed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        assert_eq!(allowed.into_inner(), 5);
        match limits.check(&limits.applications_per_ip, "203.0.113.9") {
            Err(AppError::TooManyRequests(wait)) => assert!(wait.as_secs() >= 60),
            _ => panic!("over the limit"),
        }
        assert!(
            limits
                .check(&limits.applications_per_ip, "198.51.100.1")
                .is_ok(),
            "another address has its own count"
        );
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
    }
}
