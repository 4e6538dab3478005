//! When to try again and how long to wait: capped exponential backoff with jitter on connection
//! errors, 408, 429, 500/502/503/504 and 529, honouring `Retry-After` (seconds or an HTTP date)
//! and OpenAI's `retry-after-ms`; never on other statuses (400, 401, 403, …), a 429 that says the
//! quota is spent, a timeout, a refusal or bad output. Pure: the clock and the dice are parameters.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Failure;

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// The first wait; doubled per retry.
    pub backoff: Duration,
    /// The longest single wait; a `Retry-After` longer than this ends the retries.
    pub max_wait: Duration,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Retry(Duration),
    /// Give up; the note (if any) explains why a retryable failure was not retried.
    Stop(Option<String>),
}

/// A 429 that will not clear by waiting: the account's quota or credit is spent (OpenAI's
/// `insufficient_quota`, Anthropic's `enforced_spend_limit_reached`).
pub fn quota_exhausted(f: &Failure) -> bool {
    let Failure::Http { status: 429, message, code, kind } = f else { return false };
    let says = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("insufficient_quota")
            || s.contains("exceeded your current quota")
            || s.contains("billing")
            || s.contains("spend_limit")
            || s.contains("spend limit")
    };
    code.as_deref().is_some_and(says) || kind.as_deref().is_some_and(says) || says(message)
}

/// Worth another attempt at all.
pub fn retryable(f: &Failure) -> bool {
    match f {
        Failure::Connect(_) => true,
        Failure::Http { status, .. } => {
            matches!(status, 408 | 429 | 500 | 502 | 503 | 504 | 529) && !quota_exhausted(f)
        }
        Failure::Timeout(_)
        | Failure::Refused(_)
        | Failure::Protocol(_)
        | Failure::Invalid(_)
        | Failure::Redirect { .. }
        | Failure::TooLarge(_) => false,
    }
}

/// The wait before retry number `retry` (0-based): `backoff × 2^retry`, capped at `max_wait`,
/// scaled by `0.5 + jitter / 2` (`jitter` in 0..1) so concurrent clients spread out.
pub fn backoff(policy: &Policy, retry: u32, jitter: f64) -> Duration {
    let base = policy.backoff.as_secs_f64() * 2f64.powi(retry.min(30) as i32);
    let capped = base.min(policy.max_wait.as_secs_f64());
    Duration::from_secs_f64(capped * (0.5 + jitter.clamp(0.0, 1.0) / 2.0))
}

/// After `retries_done` retries, what to do about `f`. `retry_after` is the server's request.
pub fn decide(
    f: &Failure,
    retries_done: u32,
    retry_after: Option<Duration>,
    policy: &Policy,
    jitter: f64,
) -> Decision {
    if !retryable(f) {
        return Decision::Stop(None);
    }
    if retries_done >= policy.max_retries {
        return Decision::Stop(Some(format!("gave up after {} attempts", retries_done + 1)));
    }
    match retry_after {
        Some(wait) if wait > policy.max_wait => Decision::Stop(Some(format!(
            "the server asked to wait {:.0} s, longer than max_wait_secs ({:.0} s)",
            wait.as_secs_f64(),
            policy.max_wait.as_secs_f64()
        ))),
        Some(wait) => Decision::Retry(wait),
        None => Decision::Retry(backoff(policy, retries_done, jitter)),
    }
}

/// A `Retry-After` value: delay seconds (`120`, `1.5`) or an HTTP date, relative to `now`.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

/// `retry-after-ms` (OpenAI) if present, else `retry-after`.
pub fn retry_after(ms: Option<&str>, header: Option<&str>, now: DateTime<Utc>) -> Option<Duration> {
    ms.and_then(|m| m.trim().parse::<f64>().ok())
        .filter(|m| m.is_finite() && *m >= 0.0)
        .map(|m| Duration::from_secs_f64(m / 1000.0))
        .or_else(|| header.and_then(|h| parse_retry_after(h, now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, code: Option<&str>, message: &str) -> Failure {
        Failure::Http { status, message: message.into(), code: code.map(str::to_string), kind: None }
    }

    const POLICY: Policy =
        Policy { max_retries: 3, backoff: Duration::from_millis(500), max_wait: Duration::from_secs(30) };

    #[test]
    fn which_failures_are_retried() {
        for s in [429, 500, 502, 503, 504, 529] {
            assert!(retryable(&http(s, None, "")), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(!retryable(&http(s, None, "")), "{s}");
        }
        assert!(retryable(&Failure::Connect("refused".into())));
        assert!(!retryable(&Failure::Timeout(Duration::from_secs(1))));
        assert!(!retryable(&http(429, Some("insufficient_quota"), "You exceeded your current quota")));
        assert!(!retryable(&http(429, None, "You exceeded your current quota, please check your plan")));
        assert!(retryable(&http(429, Some("rate_limit_exceeded"), "Rate limit reached for requests")));
        assert!(!retryable(&http(429, Some("enforced_spend_limit_reached"), "Spend limit reached")));
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        assert_eq!(backoff(&POLICY, 0, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(&POLICY, 2, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(&POLICY, 2, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(&POLICY, 20, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn decisions_honour_retry_after_and_the_attempt_bound() {
        let e = http(503, None, "busy");
        assert_eq!(
            decide(&e, 0, Some(Duration::from_secs(2)), &POLICY, 0.5),
            Decision::Retry(Duration::from_secs(2))
        );
        assert!(matches!(decide(&e, 3, None, &POLICY, 0.5), Decision::Stop(Some(_))));
        assert!(matches!(
            decide(&e, 0, Some(Duration::from_secs(600)), &POLICY, 0.5),
            Decision::Stop(Some(_))
        ));
        assert_eq!(decide(&http(401, None, ""), 0, None, &POLICY, 0.5), Decision::Stop(None));
    }

    #[test]
    fn retry_after_in_seconds_dates_and_milliseconds() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(retry_after(Some("1500"), Some("9"), now), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(None, Some("9"), now), Some(Duration::from_secs(9)));
    }
}
