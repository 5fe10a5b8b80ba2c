//! Politeness: how many requests are in flight at once, over all hosts and per host, and
//! the least time between two request starts to one host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

/// The slots held by one request in flight; dropping it frees them.
#[derive(Debug)]
pub(crate) struct Permits {
    // `None` only if a semaphore were closed, which this module never does.
    _host: Option<OwnedSemaphorePermit>,
    _global: Option<OwnedSemaphorePermit>,
}

#[derive(Debug)]
struct Host {
    slots: Arc<Semaphore>,
    /// When the next request to this host may start.
    next_start: Mutex<Option<Instant>>,
}

/// The global and per-host limits of one client.
#[derive(Debug)]
pub(crate) struct HostLimits {
    global: Arc<Semaphore>,
    per_host: usize,
    delay: Duration,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostLimits {
    pub(crate) fn new(global: usize, per_host: usize, delay: Duration) -> HostLimits {
        HostLimits {
            global: Arc::new(Semaphore::new(global.max(1))),
            per_host: per_host.max(1),
            delay,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot for `url`'s host, then a global one, then the host's delay.
    ///
    /// The host slot comes first so that requests queued for one busy host do not sit
    /// on global slots other hosts could use.
    pub(crate) async fn acquire(&self, url: &Url) -> Permits {
        let host = self.host(url);
        let host_permit = host.slots.clone().acquire_owned().await.ok();
        let global_permit = self.global.clone().acquire_owned().await.ok();
        if !self.delay.is_zero() {
            let start = {
                let mut next = host.next_start.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let start = match *next {
                    Some(t) if t > now => t,
                    _ => now,
                };
                *next = Some(start + self.delay);
                start
            };
            tokio::time::sleep_until(start).await;
        }
        Permits {
            _host: host_permit,
            _global: global_permit,
        }
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or("").to_ascii_lowercase(),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host {
                    slots: Arc::new(Semaphore::new(self.per_host)),
                    next_start: Mutex::new(None),
                })
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn per_host_delay_spaces_request_starts() {
        let limits = Arc::new(HostLimits::new(8, 8, Duration::from_millis(100)));
        let url = Url::parse("http://a.test/x").unwrap();
        let t0 = Instant::now();
        let _a = limits.acquire(&url).await;
        let _b = limits.acquire(&url).await;
        let _c = limits.acquire(&url).await;
        assert!(t0.elapsed() >= Duration::from_millis(200));
        // Another host is not delayed by the first one's schedule.
        let t1 = Instant::now();
        let _d = limits
            .acquire(&Url::parse("http://b.test/x").unwrap())
            .await;
        assert!(t1.elapsed() < Duration::from_millis(100));
    }
}
