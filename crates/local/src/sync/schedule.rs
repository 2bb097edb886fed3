//! When to sync: retry backoff (exponential, full jitter, capped), what a failure means, and
//! how the loop reacts to its triggers. Pure: time and randomness are passed in.

use std::time::{Duration, Instant};

/// How the sync loop paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The largest first retry delay (the delay is drawn from `0..=base` after one failure).
    pub base: Duration,
    /// The largest delay ever.
    pub cap: Duration,
    /// How often to pull when nothing else happens.
    pub poll_every: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(5 * 60),
            poll_every: Duration::from_secs(60),
        }
    }
}

/// Where the randomness of the jitter comes from (injected so tests are exact).
pub trait JitterSource: Send {
    /// A number in `0..=bound`, uniformly.
    fn up_to(&mut self, bound: u64) -> u64;
}

/// A small seeded generator (SplitMix64): plenty for spreading retries.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// Seeded from the clock and the process id: different devices retry at different times.
    pub fn from_time() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        SplitMix64(nanos ^ (u64::from(std::process::id()) << 32))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl JitterSource for SplitMix64 {
    fn up_to(&mut self, bound: u64) -> u64 {
        match bound.checked_add(1) {
            Some(span) => self.next_u64() % span,
            None => self.next_u64(),
        }
    }
}

/// The delay before retry number `failures` (1 for the first retry): uniformly random in
/// `0..=min(cap, base * 2^(failures-1))` ("full jitter"), so many devices that failed together
/// do not come back together.
pub fn retry_delay(policy: &RetryPolicy, failures: u32, rng: &mut dyn JitterSource) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let factor = 1u32.checked_shl(failures - 1).unwrap_or(u32::MAX);
    let ceiling = policy.base.saturating_mul(factor).min(policy.cap);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rng.up_to(millis))
}

/// What a failed request means for the next try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Network down, server busy or broken for now: retry with backoff, not before
    /// `retry_after` when the server asked for a pause.
    Transient { retry_after: Option<Duration> },
    /// The session is not valid: wait until someone signs in again.
    Unauthorized,
    /// The server refused the request itself: sending the same again will not help.
    Permanent,
}

/// Classifies an HTTP status (of a request that reached the server).
pub fn classify_status(status: u16, retry_after: Option<Duration>) -> Failure {
    match status {
        401 => Failure::Unauthorized,
        // Timeout, too early, rate limited, and every server-side failure.
        408 | 425 | 429 | 500..=599 => Failure::Transient { retry_after },
        // 404: a server without this route (older, or a proxy); 409/423: try again later.
        404 | 409 | 423 => Failure::Transient { retry_after },
        _ => Failure::Permanent,
    }
}

impl crate::Error {
    /// What this error means for the sync loop.
    pub fn failure(&self) -> Failure {
        match self {
            crate::Error::Unauthorized { .. } | crate::Error::NotSignedIn => Failure::Unauthorized,
            crate::Error::Server {
                status,
                retry_after_secs,
                ..
            } => classify_status(*status, retry_after_secs.map(Duration::from_secs)),
            e if e.can_retry() => Failure::Transient { retry_after: None },
            // A local database problem: keep trying (a full disk can be emptied), slowly.
            _ => Failure::Transient { retry_after: None },
        }
    }
}

/// What wakes the sync loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The loop starts (app start).
    Start,
    /// The time the loop asked to be woken at has come.
    Timer,
    /// The person changed something: push it soon.
    LocalWrite,
    /// The system reports the network is back.
    NetworkBack,
    /// Someone signed in or out.
    SessionChanged,
    /// The server announced new changes (its event stream): it is reachable, pull now.
    RemoteChange,
}

/// How the last sync attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Everything was sent and pulled; `more` when local writes arrived meanwhile.
    Done {
        more: bool,
    },
    Failed(Failure),
}

/// The loop's memory between attempts: consecutive failures and when to try next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduler {
    policy: RetryPolicy,
    failures: u32,
    /// When to run next; `None`: only when a trigger says so (waiting for a sign-in).
    next: Option<Instant>,
}

impl Scheduler {
    pub fn new(policy: RetryPolicy, now: Instant) -> Scheduler {
        Scheduler {
            policy,
            failures: 0,
            next: Some(now),
        }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// When the loop wants to be woken by the timer.
    pub fn next_wake(&self) -> Option<Instant> {
        self.next
    }

    /// Whether to sync now because of `trigger`.
    ///
    /// A local write syncs at once when the last attempt worked; while backing off it waits
    /// for the scheduled retry (new writes neither cancel nor hurry the backoff). The network
    /// coming back or a new session cuts the wait short.
    pub fn on_trigger(&mut self, trigger: Trigger, now: Instant) -> bool {
        match trigger {
            Trigger::Start
            | Trigger::NetworkBack
            | Trigger::SessionChanged
            | Trigger::RemoteChange => true,
            Trigger::Timer => self.next.is_some_and(|next| now >= next),
            // While backing off, the write goes with the scheduled retry.
            Trigger::LocalWrite => self.failures == 0 && self.next.is_some(),
        }
    }

    /// Records how an attempt ended and decides when to run next.
    pub fn after(&mut self, attempt: Attempt, now: Instant, rng: &mut dyn JitterSource) {
        match attempt {
            Attempt::Done { more } => {
                self.failures = 0;
                self.next = Some(if more {
                    now
                } else {
                    now + self.policy.poll_every
                });
            }
            Attempt::Failed(Failure::Unauthorized) => {
                // Retrying cannot help until the person signs in (a `SessionChanged`).
                self.failures = 0;
                self.next = None;
            }
            Attempt::Failed(failure) => {
                let retry_after = match failure {
                    Failure::Transient { retry_after } => retry_after,
                    Failure::Permanent | Failure::Unauthorized => None,
                };
                self.failures = self.failures.saturating_add(1);
                let delay = retry_delay(&self.policy, self.failures, rng)
                    .max(retry_after.unwrap_or_default().min(self.policy.cap));
                self.next = Some(now + delay);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A jitter source that always answers the bound times `num / den`.
    struct Fraction(u64, u64);
    impl JitterSource for Fraction {
        fn up_to(&mut self, bound: u64) -> u64 {
            bound / self.1 * self.0
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            poll_every: Duration::from_secs(30),
        }
    }

    #[test]
    fn retry_delay_table() {
        let s = Duration::from_secs;
        #[rustfmt::skip]
        let cases = [
            // failures, jitter = bound * num/den, expected
            (0, (1, 1), s(0)),
            (1, (1, 1), s(1)),
            (2, (1, 1), s(2)),
            (3, (1, 1), s(4)),
            (6, (1, 1), s(32)),
            (7, (1, 1), s(60)),      // capped
            (40, (1, 1), s(60)),     // no overflow, still capped
            (u32::MAX, (1, 1), s(60)),
            (3, (1, 2), s(2)),       // jitter picks inside the window
            (3, (0, 1), s(0)),       // full jitter: may retry at once
        ];
        for (failures, (num, den), expected) in cases {
            let delay = retry_delay(&policy(), failures, &mut Fraction(num, den));
            assert_eq!(delay, expected, "failures {failures}, jitter {num}/{den}");
        }
    }

    #[test]
    fn seeded_jitter_stays_in_the_window_and_spreads() {
        let mut rng = SplitMix64::new(42);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let delay = retry_delay(&policy(), 4, &mut rng);
            assert!(delay <= Duration::from_secs(8));
            seen.insert(delay.as_millis() / 1000);
        }
        // Every whole second of the window is hit (8.000 s itself is one value in 8,001).
        assert!(seen.len() >= 8, "delays spread over 0..=8 s: {seen:?}");
        assert_eq!(
            SplitMix64::new(1).up_to(u64::MAX),
            SplitMix64::new(1).next_u64()
        );
    }

    #[test]
    fn classify_status_table() {
        let t = |s| Failure::Transient {
            retry_after: Some(Duration::from_secs(s)),
        };
        let retry = Some(Duration::from_secs(3));
        #[rustfmt::skip]
        let cases = [
            (500, t(3)), (502, t(3)), (503, t(3)), (504, t(3)), (429, t(3)), (408, t(3)),
            (404, t(3)), (409, t(3)),
            (401, Failure::Unauthorized),
            (400, Failure::Permanent), (403, Failure::Permanent), (413, Failure::Permanent),
            (415, Failure::Permanent), (422, Failure::Permanent), (418, Failure::Permanent),
        ];
        for (status, expected) in cases {
            assert_eq!(classify_status(status, retry), expected, "{status}");
        }
    }

    #[test]
    fn errors_say_whether_retrying_helps() {
        use crate::Error;
        let server = |status, transient| Error::Server {
            status,
            detail: String::new(),
            transient,
            retry_after_secs: None,
        };
        #[rustfmt::skip]
        let cases: Vec<(Error, bool, Failure)> = vec![
            (Error::Offline { detail: "refused".into() }, true, Failure::Transient { retry_after: None }),
            (server(503, true), true, Failure::Transient { retry_after: None }),
            (server(422, false), false, Failure::Permanent),
            (Error::Unauthorized { detail: "expired".into() }, false, Failure::Unauthorized),
            (Error::NotSignedIn, false, Failure::Unauthorized),
            (Error::BadAnswer { detail: "html".into() }, true, Failure::Transient { retry_after: None }),
            (Error::Invalid { field: "name".into(), problem: "empty".into() }, false, Failure::Transient { retry_after: None }),
        ];
        for (error, can_retry, failure) in cases {
            assert_eq!(error.can_retry(), can_retry, "{error}");
            assert_eq!(error.failure(), failure, "{error}");
        }
    }

    /// Steps of a scheduler scenario: a trigger (with whether it should run), or an attempt
    /// result (with the expected next wake, in seconds after the start).
    enum Step {
        On(u64, Trigger, bool),
        After(u64, Attempt, Option<u64>),
    }

    #[test]
    fn scheduler_scenarios() {
        use Step::*;
        let transient = Attempt::Failed(Failure::Transient { retry_after: None });
        let done = Attempt::Done { more: false };
        #[rustfmt::skip]
        let scenarios: Vec<(&str, Vec<Step>)> = vec![
            ("start runs, success polls later", vec![
                On(0, Trigger::Start, true),
                After(0, done, Some(30)),
                On(10, Trigger::Timer, false),
                On(30, Trigger::Timer, true),
            ]),
            ("a write while healthy runs at once", vec![
                On(0, Trigger::Start, true),
                After(0, done, Some(30)),
                On(5, Trigger::LocalWrite, true),
            ]),
            ("more work: run again at once", vec![
                After(0, Attempt::Done { more: true }, Some(0)),
                On(0, Trigger::Timer, true),
            ]),
            ("failures back off exponentially (jitter at its top)", vec![
                After(0, transient, Some(1)),
                After(1, transient, Some(3)),
                After(3, transient, Some(7)),
                After(7, transient, Some(15)),
            ]),
            ("writes neither cancel nor hurry a retry", vec![
                After(0, transient, Some(1)),
                After(1, transient, Some(3)),
                On(2, Trigger::LocalWrite, false),
                On(2, Trigger::Timer, false),
                On(3, Trigger::Timer, true),
            ]),
            ("an old failure does not stop later syncs", vec![
                After(0, transient, Some(1)),
                After(1, done, Some(31)),
                On(2, Trigger::LocalWrite, true),
            ]),
            ("it never gives up: capped, still scheduled", vec![
                After(0, transient, Some(1)), After(0, transient, Some(2)), After(0, transient, Some(4)),
                After(0, transient, Some(8)), After(0, transient, Some(16)), After(0, transient, Some(32)),
                After(0, transient, Some(60)), After(0, transient, Some(60)), After(0, transient, Some(60)),
            ]),
            ("retry-after from the server is respected", vec![
                After(0, Attempt::Failed(Failure::Transient { retry_after: Some(Duration::from_secs(20)) }), Some(20)),
            ]),
            ("news from the server cuts the wait too", vec![
                After(0, transient, Some(1)), After(1, transient, Some(3)),
                On(2, Trigger::RemoteChange, true),
            ]),
            ("network back cuts the wait", vec![
                After(0, transient, Some(1)), After(1, transient, Some(3)),
                On(2, Trigger::NetworkBack, true),
            ]),
            ("unauthorized waits for a sign-in", vec![
                After(0, Attempt::Failed(Failure::Unauthorized), None),
                On(100, Trigger::Timer, false),
                On(100, Trigger::LocalWrite, false),
                On(101, Trigger::SessionChanged, true),
            ]),
        ];
        for (name, steps) in scenarios {
            let t0 = Instant::now();
            let at = |s: u64| t0 + Duration::from_secs(s);
            let mut scheduler = Scheduler::new(policy(), t0);
            let mut rng = Fraction(1, 1);
            for (i, step) in steps.into_iter().enumerate() {
                match step {
                    On(s, trigger, expected) => assert_eq!(
                        scheduler.on_trigger(trigger, at(s)),
                        expected,
                        "{name}: step {i} ({trigger:?} at {s} s)"
                    ),
                    After(s, attempt, expected) => {
                        scheduler.after(attempt, at(s), &mut rng);
                        assert_eq!(
                            scheduler.next_wake(),
                            expected.map(at),
                            "{name}: step {i} (after {attempt:?} at {s} s)"
                        );
                    }
                }
            }
        }
    }
}
