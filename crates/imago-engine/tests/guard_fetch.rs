//! Guarded fetches against a local server, with an injected resolver.
//!
//! No test sends traffic anywhere but 127.0.0.1: test host names (`images.test`, ...) are
//! answered by a table, and every fetcher carries a connect hook that panics the test if
//! the guard ever hands the network an address other than 127.0.0.1. A refusal test then
//! also asserts that the hook saw nothing at all: the refusal came before any connection.
//! 127.0.0.1 stands in for a public address only where `allow_loopback_for_tests` is on.

mod support;

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use imago_engine::guard::{GuardConfig, GuardError, GuardedFetcher, Resolve, SystemResolver};
use support::{png, Reply, Server};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Answers host names from a table. A host has one answer per call (the last one
/// repeats), so a test can play a rebinding DNS server; every call is logged.
#[derive(Default)]
struct TableResolver {
    answers: HashMap<String, Vec<Vec<IpAddr>>>,
    calls: Mutex<Vec<String>>,
}

impl TableResolver {
    fn with(mut self, host: &str, answers: &[&[&str]]) -> Self {
        let parsed = answers
            .iter()
            .map(|one| {
                one.iter()
                    .map(|a| a.parse().expect("test address"))
                    .collect()
            })
            .collect();
        self.answers.insert(host.to_string(), parsed);
        self
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    fn calls_for(&self, host: &str) -> usize {
        self.calls().iter().filter(|h| *h == host).count()
    }
}

impl Resolve for TableResolver {
    fn resolve(&self, host: &str, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        let nth = {
            let mut calls = self.calls.lock().unwrap();
            let nth = calls.iter().filter(|h| *h == host).count();
            calls.push(host.to_string());
            nth
        };
        let answer = match self.answers.get(host) {
            Some(list) => {
                let one = list.get(nth).or(list.last()).cloned().unwrap_or_default();
                Ok(one
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, port))
                    .collect())
            }
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such test host")),
        };
        Box::pin(std::future::ready(answer))
    }
}

/// Addresses the guard handed to the network, in order.
type Connections = Arc<Mutex<Vec<SocketAddr>>>;

fn config(allow_loopback: bool) -> GuardConfig {
    GuardConfig {
        max_bytes: 1_000_000,
        total_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(1),
        max_redirects: 3,
        user_agent: "imago-guard-test".to_string(),
        allow_loopback_for_tests: allow_loopback,
    }
}

/// A fetcher whose connect step panics on anything but 127.0.0.1.
fn fetcher(cfg: GuardConfig, resolver: Arc<dyn Resolve>) -> (GuardedFetcher, Connections) {
    let seen: Connections = Arc::default();
    let log = seen.clone();
    let fetcher = GuardedFetcher::new(cfg, resolver)
        .expect("fetcher")
        .with_connect_hook(Arc::new(move |addr: SocketAddr| {
            // Logged first: should the panic land in a task of the HTTP stack rather than
            // the test's, the log still shows the address to the test's assertions.
            log.lock().unwrap().push(addr);
            assert_eq!(
                addr.ip(),
                LOOPBACK,
                "the guard let a connection to {addr} through"
            );
        }));
    (fetcher, seen)
}

fn port(server: &Server) -> u16 {
    server.url("/").port().expect("test server port")
}

fn seen(c: &Connections) -> Vec<SocketAddr> {
    c.lock().unwrap().clone()
}

/// Fetches and expects a refusal with `code`.
async fn refused(f: &GuardedFetcher, url: &str, code: &str) -> GuardError {
    match f.fetch(url).await {
        Ok(got) => panic!(
            "{url} was fetched ({} bytes), expected {code}",
            got.bytes.len()
        ),
        Err(e) => {
            assert_eq!(e.code(), code, "{url}: {e}");
            e
        }
    }
}

/// The address a `forbidden_address` refusal was about.
fn refused_addr(err: &GuardError) -> IpAddr {
    match err {
        GuardError::ForbiddenAddress { addr, .. } => *addr,
        other => panic!("not a forbidden address: {other:?}"),
    }
}

#[tokio::test]
async fn fetches_through_the_checked_address() {
    let image = png(3, 2, 300);
    let body = image.clone();
    let server = Server::start(move |_, _| Reply::ok("image/png", &body)).await;
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let (f, conns) = fetcher(config(true), resolver.clone());
    let p = port(&server);

    let got = f
        .fetch(&format!("http://images.test:{p}/cat.png"))
        .await
        .expect("fetch");

    assert_eq!(got.bytes.as_ref(), image.as_slice());
    assert_eq!(got.content_type.as_deref(), Some("image/png"));
    assert_eq!(
        got.final_url.as_str(),
        format!("http://images.test:{p}/cat.png")
    );
    assert_eq!(seen(&conns), vec![SocketAddr::new(LOOPBACK, p)]);
    assert_eq!(resolver.calls(), vec!["images.test".to_string()]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    // The request names the host the user gave, though it went to the pinned address.
    assert_eq!(
        reqs[0].header("host"),
        Some(format!("images.test:{p}").as_str())
    );
    assert_eq!(reqs[0].header("user-agent"), Some("imago-guard-test"));
    assert_eq!(reqs[0].header("cookie"), None);
}

#[tokio::test]
async fn literal_ip_urls_are_refused_before_any_connection() {
    // A real listener on 127.0.0.1: if a refusal came late, it would get the request.
    let server = Server::start(|_, _| Reply::ok("image/png", b"nope")).await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default());
    let (f, conns) = fetcher(config(false), resolver.clone());

    let cases = [
        (format!("http://127.0.0.1:{p}/"), "loopback"),
        // Odd spellings the URL parser turns into 127.0.0.1.
        (format!("http://2130706433:{p}/"), "loopback"),
        (format!("http://0x7f.1:{p}/"), "loopback"),
        (format!("http://0177.0.0.1:{p}/"), "loopback"),
        (format!("http://[::ffff:127.0.0.1]:{p}/"), "loopback"),
        (format!("http://[::ffff:7f00:1]:{p}/"), "loopback"),
        (format!("http://[::1]:{p}/"), "loopback"),
        // 0.0.0.0 reaches the local host on Linux.
        (format!("http://0:{p}/"), "unspecified"),
        (
            "http://169.254.169.254/latest/meta-data/".into(),
            "metadata",
        ),
        ("http://10.0.0.1/".into(), "private"),
        ("https://192.168.1.1/admin".into(), "private"),
        ("http://100.64.0.1/".into(), "carrier-grade NAT"),
        ("http://[fd00::1]/".into(), "unique local"),
        ("http://[fe80::1]/".into(), "link-local"),
        ("http://[64:ff9b::a9fe:a9fe]/".into(), "metadata"),
        ("http://[2002:a00:1::1]/".into(), "private"),
        ("http://224.0.0.1/".into(), "multicast"),
        ("http://255.255.255.255/".into(), "broadcast"),
    ];
    for (url, word) in &cases {
        let err = refused(&f, url, "forbidden_address").await;
        assert!(err.to_string().contains(word), "{url}: {err}");
    }

    assert!(seen(&conns).is_empty(), "connections: {:?}", seen(&conns));
    assert!(server.requests().is_empty());
    assert!(resolver.calls().is_empty(), "a literal needs no lookup");
}

#[tokio::test]
async fn the_test_switch_opens_127_0_0_1_only() {
    let server = Server::start(|_, _| Reply::ok("image/png", b"nope")).await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default());
    let (f, conns) = fetcher(config(true), resolver);

    for url in [
        format!("http://[::ffff:127.0.0.1]:{p}/"),
        format!("http://[::1]:{p}/"),
        format!("http://127.0.0.2:{p}/"),
        format!("http://10.0.0.1:{p}/"),
    ] {
        refused(&f, &url, "forbidden_address").await;
    }
    assert!(seen(&conns).is_empty());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn names_resolving_to_forbidden_addresses_are_refused() {
    let server = Server::start(|_, _| Reply::ok("image/png", b"nope")).await;
    let p = port(&server);
    let resolver = Arc::new(
        TableResolver::default()
            .with("local.test", &[&["127.0.0.1"]])
            .with("intranet.test", &[&["10.0.0.1"]])
            .with("router.test", &[&["192.168.1.1"]])
            .with("metadata.test", &[&["169.254.169.254"]])
            .with("ula.test", &[&["fd00::1"]])
            .with("mapped.test", &[&["::ffff:10.0.0.1"]])
            .with("nat64.test", &[&["64:ff9b::a00:1"]])
            .with("teredo.test", &[&["2001::1"]]),
    );
    let (f, conns) = fetcher(config(false), resolver.clone());

    let cases = [
        ("local.test", "127.0.0.1"),
        ("intranet.test", "10.0.0.1"),
        ("router.test", "192.168.1.1"),
        ("metadata.test", "169.254.169.254"),
        ("ula.test", "fd00::1"),
        ("mapped.test", "::ffff:10.0.0.1"),
        ("nat64.test", "64:ff9b::a00:1"),
        ("teredo.test", "2001::1"),
    ];
    for (host, addr) in cases {
        let err = refused(&f, &format!("http://{host}:{p}/a.png"), "forbidden_address").await;
        assert_eq!(
            refused_addr(&err),
            addr.parse::<IpAddr>().unwrap(),
            "{host}"
        );
        let text = err.to_string();
        assert!(text.contains(host), "{text}");
        // The user learns the kind of address, not what the server's DNS knows.
        if host != "metadata.test" {
            assert!(!text.contains(addr), "{text}");
        }
        assert_eq!(resolver.calls_for(host), 1);
    }
    assert!(seen(&conns).is_empty(), "connections: {:?}", seen(&conns));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn one_forbidden_address_in_a_mixed_answer_refuses_the_host() {
    let server = Server::start(|_, _| Reply::ok("image/png", b"nope")).await;
    let p = port(&server);
    // 127.0.0.1 is the public stand-in here; the 10.x and fd00:: next to it are not.
    let resolver = Arc::new(
        TableResolver::default()
            .with("public-first.test", &[&["127.0.0.1", "10.0.0.1"]])
            .with("private-first.test", &[&["10.0.0.1", "127.0.0.1"]])
            .with("v6-mixed.test", &[&["127.0.0.1", "fd00::1"]]),
    );
    let (f, conns) = fetcher(config(true), resolver);

    for host in ["public-first.test", "private-first.test", "v6-mixed.test"] {
        refused(&f, &format!("http://{host}:{p}/"), "forbidden_address").await;
    }
    assert!(seen(&conns).is_empty(), "connections: {:?}", seen(&conns));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_rebinding_resolver_cannot_move_the_connection() {
    let server = Server::start(|_, _| Reply::ok("image/png", b"the checked one")).await;
    let p = port(&server);
    // First answer: the (stand-in) public address. Any later lookup would get 10.0.0.1.
    let resolver =
        Arc::new(TableResolver::default().with("rebind.test", &[&["127.0.0.1"], &["10.0.0.1"]]));
    let (f, conns) = fetcher(config(true), resolver.clone());

    let got = f
        .fetch(&format!("http://rebind.test:{p}/x"))
        .await
        .expect("fetch");

    assert_eq!(got.bytes.as_ref(), b"the checked one");
    assert_eq!(resolver.calls_for("rebind.test"), 1, "one lookup per hop");
    assert_eq!(seen(&conns), vec![SocketAddr::new(LOOPBACK, p)]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_redirect_hop_is_resolved_and_checked_again() {
    let server = Server::start(move |req, _| match req.path.as_str() {
        "/start" => Reply::raw(302, &[("Location", "/next".to_string())], b""),
        _ => Reply::ok("image/png", b"should not be fetched"),
    })
    .await;
    let p = port(&server);
    let resolver =
        Arc::new(TableResolver::default().with("rebind.test", &[&["127.0.0.1"], &["10.0.0.1"]]));
    let (f, conns) = fetcher(config(true), resolver.clone());

    let err = refused(
        &f,
        &format!("http://rebind.test:{p}/start"),
        "forbidden_address",
    )
    .await;

    assert_eq!(refused_addr(&err), "10.0.0.1".parse::<IpAddr>().unwrap());
    assert_eq!(resolver.calls_for("rebind.test"), 2, "once per hop");
    assert_eq!(seen(&conns), vec![SocketAddr::new(LOOPBACK, p)]);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, vec!["/start"]);
}

#[tokio::test]
async fn redirects_to_private_addresses_are_refused() {
    let server = Server::start(move |req, _| {
        let to = match req.path.as_str() {
            "/to-metadata" => "http://metadata.test/latest/meta-data/".to_string(),
            "/to-literal" => "http://10.0.0.1/secret".to_string(),
            "/to-mapped" => "http://[::ffff:192.168.0.1]/".to_string(),
            "/to-v6-loopback" => "http://[::1]/".to_string(),
            _ => return Reply::ok("image/png", b"x"),
        };
        Reply::raw(302, &[("Location", to)], b"")
    })
    .await;
    let p = port(&server);
    let resolver = Arc::new(
        TableResolver::default()
            .with("images.test", &[&["127.0.0.1"]])
            .with("metadata.test", &[&["169.254.169.254"]]),
    );
    let (f, conns) = fetcher(config(true), resolver);

    for (path, word) in [
        ("/to-metadata", "metadata"),
        ("/to-literal", "private"),
        ("/to-mapped", "private"),
        ("/to-v6-loopback", "loopback"),
    ] {
        let err = refused(
            &f,
            &format!("http://images.test:{p}{path}"),
            "forbidden_address",
        )
        .await;
        assert!(err.to_string().contains(word), "{path}: {err}");
    }
    // Only the first hop of each, to the local stand-in, was ever connected.
    assert_eq!(seen(&conns), vec![SocketAddr::new(LOOPBACK, p); 4]);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn redirects_to_other_schemes_are_refused() {
    let server = Server::start(move |req, _| {
        let to = match req.path.as_str() {
            "/file" => "file:///etc/passwd",
            "/gopher" => "gopher://images.test/1",
            "/ftp" => "ftp://images.test/a.png",
            "/js" => "javascript:alert(1)",
            _ => return Reply::ok("image/png", b"x"),
        };
        Reply::raw(302, &[("Location", to.to_string())], b"")
    })
    .await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let (f, conns) = fetcher(config(true), resolver.clone());

    for path in ["/file", "/gopher", "/ftp", "/js"] {
        let err = refused(&f, &format!("http://images.test:{p}{path}"), "bad_redirect").await;
        assert!(err.to_string().contains("only http and https"), "{err}");
    }
    assert_eq!(server.requests().len(), 4);
    assert_eq!(seen(&conns).len(), 4);
    assert_eq!(resolver.calls_for("images.test"), 4);
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    // /r/N redirects to /r/N+1 (relative Location); /r/10 is the image.
    let server = Server::start(move |req, _| {
        let n: u32 = req
            .path
            .strip_prefix("/r/")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if n >= 10 {
            Reply::ok("image/png", b"end of the chain")
        } else {
            Reply::raw(302, &[("Location", format!("/r/{}", n + 1))], b"")
        }
    })
    .await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let (f, _conns) = fetcher(config(true), resolver); // max_redirects: 3

    // Three redirects: allowed.
    let got = f
        .fetch(&format!("http://images.test:{p}/r/7"))
        .await
        .expect("three redirects");
    assert_eq!(got.bytes.as_ref(), b"end of the chain");
    assert_eq!(
        got.final_url.as_str(),
        format!("http://images.test:{p}/r/10")
    );

    // Four: refused at the fourth, after three were followed.
    let before = server.requests().len();
    refused(
        &f,
        &format!("http://images.test:{p}/r/0"),
        "too_many_redirects",
    )
    .await;
    let paths: Vec<String> = server.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, vec!["/r/0", "/r/1", "/r/2", "/r/3"]);
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let big = vec![7u8; 5000];
    let exact = vec![9u8; 1000];
    let server = Server::start(move |req, _| match req.path.as_str() {
        // Announced in Content-Length.
        "/announced" => Reply::ok("image/png", &big),
        // No length: only counting while reading can tell.
        "/unannounced" => Reply::raw(200, &[("Content-Type", "image/png".into())], &big),
        // Lying: announces 500, sends 5000.
        "/lying" => Reply::raw(200, &[("Content-Length", "500".into())], &big),
        "/exact" => Reply::raw(200, &[], &exact),
        _ => Reply::status(404, &[], b""),
    })
    .await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let cfg = GuardConfig {
        max_bytes: 1000,
        ..config(true)
    };
    let (f, _conns) = fetcher(cfg, resolver);

    for path in ["/announced", "/unannounced"] {
        let err = refused(&f, &format!("http://images.test:{p}{path}"), "too_large").await;
        assert!(err.to_string().contains("1000 bytes"), "{err}");
    }
    // HTTP/1.1 stops at the announced length: what arrives is the 500 bytes, under the cap.
    let lying = f
        .fetch(&format!("http://images.test:{p}/lying"))
        .await
        .expect("lying length");
    assert_eq!(lying.bytes.len(), 500);
    let got = f
        .fetch(&format!("http://images.test:{p}/exact"))
        .await
        .expect("exactly the cap");
    assert_eq!(got.bytes.len(), 1000);
    assert_eq!(got.content_type, None);
}

#[tokio::test]
async fn a_slow_body_runs_into_the_total_timeout() {
    let server = Server::start(|_, _| {
        Reply::ok("image/png", &[1u8; 2000]).stall_after(200, Duration::from_secs(10))
    })
    .await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let cfg = GuardConfig {
        total_timeout: Duration::from_millis(400),
        ..config(true)
    };
    let (f, _conns) = fetcher(cfg, resolver);

    let start = Instant::now();
    let err = refused(&f, &format!("http://images.test:{p}/slow"), "timeout").await;
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(err.to_string().contains("400ms"), "{err}");
}

#[tokio::test]
async fn an_error_status_is_http_status() {
    let server = Server::start(|_, _| Reply::status(404, &[], b"not here")).await;
    let p = port(&server);
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let (f, _conns) = fetcher(config(true), resolver);

    let err = refused(
        &f,
        &format!("http://images.test:{p}/gone.png"),
        "http_status",
    )
    .await;
    assert!(
        matches!(err, GuardError::HttpStatus { status: 404 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("404"));
}

#[tokio::test]
async fn bad_urls_are_refused_without_a_lookup() {
    let resolver = Arc::new(TableResolver::default().with("images.test", &[&["127.0.0.1"]]));
    let (f, conns) = fetcher(config(true), resolver.clone());

    for url in [
        "not a url",
        "/relative/path.png",
        "ftp://images.test/a.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "http://user:secret@images.test/a.png",
        "http://images.test:0/a.png",
    ] {
        refused(&f, url, "bad_url").await;
    }
    let err = refused(&f, "http://user:secret@images.test/a.png", "bad_url").await;
    assert!(!err.to_string().contains("secret"), "{err}");
    assert!(resolver.calls().is_empty());
    assert!(seen(&conns).is_empty());
}

#[tokio::test]
async fn a_resolver_that_never_answers_runs_into_the_total_timeout() {
    struct Silent;
    impl Resolve for Silent {
        fn resolve(&self, _: &str, _: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
            Box::pin(std::future::pending())
        }
    }
    let cfg = GuardConfig {
        total_timeout: Duration::from_millis(200),
        ..config(true)
    };
    let (f, conns) = fetcher(cfg, Arc::new(Silent));

    let start = Instant::now();
    refused(&f, "http://images.test/a.png", "timeout").await;
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(seen(&conns).is_empty());
}

#[tokio::test]
async fn lookup_failures_and_dead_ports_are_reported() {
    // A port that was listening a moment ago and no longer is.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let resolver = Arc::new(
        TableResolver::default()
            .with("images.test", &[&["127.0.0.1"]])
            .with("empty.test", &[&[]]),
    );
    let (f, _conns) = fetcher(config(true), resolver);

    refused(&f, "http://nowhere.test/a.png", "dns").await;
    refused(&f, "http://empty.test/a.png", "dns").await;
    refused(&f, &format!("http://images.test:{dead}/a.png"), "connect").await;
}

#[tokio::test]
async fn the_system_resolver_is_checked_the_same_way() {
    // `localhost` resolves from /etc/hosts: no network, and a loopback answer.
    let server = Server::start(|_, _| Reply::ok("image/png", b"nope")).await;
    let p = port(&server);
    let f = GuardedFetcher::new(config(false), Arc::new(SystemResolver)).expect("fetcher");

    refused(&f, &format!("http://localhost:{p}/"), "forbidden_address").await;
    assert!(server.requests().is_empty());
}

#[test]
fn unusable_settings_are_refused() {
    let resolver: Arc<dyn Resolve> = Arc::new(TableResolver::default());
    for cfg in [
        GuardConfig {
            max_bytes: 0,
            ..config(false)
        },
        GuardConfig {
            total_timeout: Duration::ZERO,
            ..config(false)
        },
        GuardConfig {
            user_agent: "bad\nagent".into(),
            ..config(false)
        },
    ] {
        let err = GuardedFetcher::new(cfg, resolver.clone()).expect_err("refused");
        assert_eq!(err.code(), "bad_config");
    }
}

#[tokio::test]
async fn https_goes_through_the_same_pinned_address() {
    // A listener that hangs up on every connection: enough to see where https dials.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let p = listener.local_addr().expect("addr").port();
    let accepted = Arc::new(Mutex::new(0usize));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            drop(stream);
        }
    });
    let resolver = Arc::new(TableResolver::default().with("secure.test", &[&["127.0.0.1"]]));
    let (f, conns) = fetcher(config(true), resolver.clone());

    let err = f
        .fetch(&format!("https://secure.test:{p}/a.png"))
        .await
        .expect_err("no TLS server there");

    assert!(
        matches!(err.code(), "connect" | "network"),
        "{}: {err}",
        err.code()
    );
    assert_eq!(seen(&conns), vec![SocketAddr::new(LOOPBACK, p)]);
    assert_eq!(*accepted.lock().unwrap(), 1);
    assert_eq!(resolver.calls_for("secure.test"), 1);
}

/// A whole engine client fetching for someone else (a server saving an HLS stream a user
/// named) refuses what the guarded fetcher refuses: names that resolve to a private
/// address, IP literals, redirects there; without retrying (a refusal is final).
#[tokio::test]
async fn a_guarded_client_refuses_private_names_literals_and_redirects() {
    use imago_engine::guard::ClientGuard;
    use imago_engine::{Client, ClientConfig, FetchError};
    let server = Server::start(move |req, _| {
        if req.path == "/to-private" {
            Reply::status(302, &[("Location", "http://10.0.0.1/x".to_string())], b"")
        } else {
            Reply::ok("text/html", b"<html>ok</html>")
        }
    })
    .await;
    let p = port(&server);
    let resolver = Arc::new(
        TableResolver::default()
            .with("private.test", &[&["10.0.0.7"]])
            .with("public.test", &[&["127.0.0.1"]]),
    );
    let client = |allow_loopback_for_tests| {
        Client::new(ClientConfig {
            guard: Some(ClientGuard {
                resolver: resolver.clone(),
                allow_loopback_for_tests,
            }),
            retries: 3,
            backoff_base: Duration::from_millis(1),
            ..ClientConfig::default()
        })
        .unwrap()
    };
    let strict = client(false);
    let fetch = |c: &Client, url: String| {
        let c = c.clone();
        async move { c.fetch_text(&url::Url::parse(&url).unwrap(), None).await }
    };
    for url in [
        format!("http://private.test:{p}/"),
        format!("http://127.0.0.1:{p}/"),
        format!("http://public.test:{p}/"),
        format!("http://user:pw@public.test:{p}/"),
    ] {
        let err = fetch(&strict, url.clone()).await.unwrap_err();
        assert!(matches!(err, FetchError::Refused(_)), "{url}: {err}");
    }
    assert!(server.requests().is_empty(), "nothing reached the server");
    assert_eq!(resolver.calls_for("private.test"), 1, "not retried");

    // 127.0.0.1 standing in for a public host: the page comes, its redirect to a
    // private literal does not.
    let open = client(true);
    let page = fetch(&open, format!("http://public.test:{p}/"))
        .await
        .unwrap();
    assert_eq!(page.text, "<html>ok</html>");
    let err = fetch(&open, format!("http://public.test:{p}/to-private"))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "{err}");
    assert_eq!(server.requests().len(), 2);
}
