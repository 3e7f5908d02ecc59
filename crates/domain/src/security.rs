//! Rules for sign-in and background work.

use std::time::Duration;

/// Login throttling: after this many failed attempts for one user name or from one address within
/// [`LOGIN_WINDOW`], further attempts are refused until the window has passed.
pub const LOGIN_MAX_FAILURES: i64 = 5;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// An address gets more room than one account: many staff share a hospital's NAT.
pub const LOGIN_MAX_FAILURES_PER_ADDRESS: i64 = 4 * LOGIN_MAX_FAILURES;

/// Minimum length of a local password.
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn password_acceptable(pw: &str) -> bool {
    pw.chars().count() >= MIN_PASSWORD_LEN
}

/// Delay before retry number `attempt` (1-based) of a failed job: 30 s doubling, at most 6 hours.
pub fn job_backoff(attempt: i64) -> Duration {
    let exp = attempt.clamp(1, 20) as u32 - 1;
    let secs = 30u64.saturating_mul(2u64.saturating_pow(exp));
    Duration::from_secs(secs.min(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(job_backoff(1).as_secs(), 30);
        assert_eq!(job_backoff(2).as_secs(), 60);
        assert_eq!(job_backoff(5).as_secs(), 480);
        assert_eq!(job_backoff(30).as_secs(), 6 * 3600);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(!password_acceptable("kort"));
        assert!(password_acceptable("et-langt-passord"));
    }
}
