//! Requests as the server sees them: redirects, Referer, headers, cookies, politeness,
//! and pages fetched as text.

mod support;

use std::time::Duration;

use imago_engine::{Client, ClientConfig, DownloadRequest, FetchError};
use support::{config, png, Reply, Server};

#[tokio::test]
async fn a_redirect_loop_fails() {
    let server = Server::start(|req, _| {
        let to = if req.path == "/a" { "/b" } else { "/a" };
        Reply::status(302, &[("Location", to.into())], b"")
    })
    .await;
    let client = Client::new(config()).unwrap();
    let err = client
        .fetch_text(&server.url("/a"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop(_)), "{err}");
    assert!(err.to_string().contains("/a was already visited"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn too_many_redirects_fail() {
    let server = Server::start(|req, _| {
        let n: u32 = req.path.trim_start_matches("/r").parse().unwrap_or(0);
        Reply::status(301, &[("Location", format!("/r{}", n + 1))], b"")
    })
    .await;
    let client = Client::new(ClientConfig {
        max_redirects: 3,
        ..config()
    })
    .unwrap();
    let err = client
        .fetch_text(&server.url("/r0"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects(3)), "{err}");
    // The first request and three redirects followed.
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_redirect_out_of_http_is_refused() {
    let server =
        Server::start(|_, _| Reply::status(302, &[("Location", "file:///etc/passwd".into())], b""))
            .await;
    let client = Client::new(config()).unwrap();
    let err = client
        .fetch_text(&server.url("/x"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RedirectNotHttp(_)), "{err}");
}

#[tokio::test]
async fn redirects_are_followed_and_the_final_url_reported() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/old" => Reply::status(301, &[("Location", "/new/page.html".into())], b""),
        _ => Reply::ok("text/html; charset=iso-8859-1", b"<p>caf\xe9</p>"),
    })
    .await;
    let client = Client::new(config()).unwrap();
    let page = client.fetch_text(&server.url("/old"), None).await.unwrap();
    assert_eq!(page.final_url, server.url("/new/page.html"));
    assert_eq!(page.text, "<p>café</p>");
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=iso-8859-1")
    );
}

#[tokio::test]
async fn a_page_over_the_cap_is_refused() {
    let server = Server::start(|_, _| Reply::ok("text/html", &[b'a'; 5000])).await;
    let client = Client::new(ClientConfig {
        max_bytes: 1000,
        ..config()
    })
    .unwrap();
    let err = client.fetch_text(&server.url("/"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn referer_user_agent_headers_and_cookies_reach_the_server() {
    let image = png(10, 10, 1000);
    let server = Server::start(move |_, _| Reply::ok("image/png", &image)).await;
    let dir = tempfile::tempdir().unwrap();
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "# Netscape HTTP Cookie File\n\
         127.0.0.1\tFALSE\t/img\tFALSE\t0\tsession\tabc123\n\
         127.0.0.1\tFALSE\t/other\tFALSE\t0\tnot_here\t1\n\
         #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tauth\tzz\n\
         127.0.0.1\tFALSE\t/\tTRUE\t0\tsecure_only\t1\n\
         example.com\tTRUE\t/\tFALSE\t0\tforeign\t1\n",
    )
    .unwrap();
    let client = Client::new(ClientConfig {
        user_agent: "imago-test/1.0".into(),
        headers: vec![("X-Imago-Test".into(), "yes".into())],
        cookies_file: Some(cookies),
        ..config()
    })
    .unwrap();
    let page = url::Url::parse("https://shop.example/item/42?x=1#gallery").unwrap();

    client
        .download(DownloadRequest {
            candidates: vec![server.url("/img/a.png")],
            referer: Some(page),
            dir: dir.path().join("out"),
        })
        .await
        .unwrap();

    let reqs = server.requests();
    let r = &reqs[0];
    assert_eq!(
        r.header("referer"),
        Some("https://shop.example/item/42?x=1")
    );
    assert_eq!(r.header("user-agent"), Some("imago-test/1.0"));
    assert_eq!(r.header("x-imago-test"), Some("yes"));
    // Longest path first; not the other path's, the https-only or another domain's.
    assert_eq!(r.header("cookie"), Some("session=abc123; auth=zz"));
}

#[tokio::test]
async fn no_referer_when_told_not_to_send_it() {
    let server = Server::start(|_, _| Reply::ok("text/plain", b"hi")).await;
    let client = Client::new(ClientConfig {
        send_referer: false,
        ..config()
    })
    .unwrap();
    let page = url::Url::parse("https://shop.example/").unwrap();
    client
        .fetch_text(&server.url("/"), Some(&page))
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("referer"), None);
}

#[tokio::test]
async fn a_bad_cookies_file_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "# comment\n\na.test\tTRUE\t/\tFALSE\t0\tok\t1\na.test TRUE\n",
    )
    .unwrap();
    let err = Client::new(ClientConfig {
        cookies_file: Some(cookies.clone()),
        ..config()
    })
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}, line 4: ", cookies.display())),
        "{text}"
    );
}

#[tokio::test]
async fn a_bad_custom_header_is_refused_at_start() {
    let err = Client::new(ClientConfig {
        headers: vec![("Bad Header".into(), "x".into())],
        ..config()
    })
    .unwrap_err();
    assert!(err.to_string().contains("Bad Header"), "{err}");
}

#[tokio::test]
async fn the_per_host_limit_is_respected() {
    let image = png(10, 10, 1000);
    let server = Server::start(move |_, _| {
        Reply::ok("image/png", &image).delayed(Duration::from_millis(150))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        concurrency: 8,
        per_host: 2,
        ..config()
    })
    .unwrap();

    let jobs = (0..6).map(|i| {
        let client = client.clone();
        let req = DownloadRequest {
            candidates: vec![server.url(&format!("/{i}.png"))],
            referer: None,
            dir: dir.path().to_path_buf(),
        };
        tokio::spawn(async move { client.download(req).await })
    });
    for job in futures_util::future::join_all(jobs).await {
        job.unwrap().unwrap();
    }

    assert_eq!(server.requests().len(), 6);
    // Two at a time: never more, and the limit did let two run together.
    assert_eq!(server.max_in_flight(), 2);
}

#[tokio::test]
async fn the_global_limit_caps_all_hosts_together() {
    let image = png(10, 10, 1000);
    let server = Server::start(move |_, _| {
        Reply::ok("image/png", &image).delayed(Duration::from_millis(150))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        concurrency: 1,
        per_host: 4,
        ..config()
    })
    .unwrap();
    let jobs = (0..3).map(|i| {
        let client = client.clone();
        let req = DownloadRequest {
            candidates: vec![server.url(&format!("/{i}.png"))],
            referer: None,
            dir: dir.path().to_path_buf(),
        };
        tokio::spawn(async move { client.download(req).await })
    });
    for job in futures_util::future::join_all(jobs).await {
        job.unwrap().unwrap();
    }
    assert_eq!(server.max_in_flight(), 1);
}

#[tokio::test]
async fn the_per_host_delay_spaces_requests() {
    let server = Server::start(|_, _| Reply::ok("text/plain", b"x")).await;
    let client = Client::new(ClientConfig {
        per_host_delay: Duration::from_millis(200),
        ..config()
    })
    .unwrap();
    for i in 0..3 {
        client
            .fetch_text(&server.url(&format!("/{i}")), None)
            .await
            .unwrap();
    }
    let reqs = server.requests();
    for pair in reqs.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        // Timer granularity: allow a hair under the delay.
        assert!(gap >= Duration::from_millis(190), "{gap:?}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(ClientConfig {
        retries: 0,
        ..config()
    })
    .unwrap();
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let err = client.fetch_text(&url, None).await.unwrap_err();
    assert!(matches!(err, FetchError::Connect(_)), "{err}");
    assert!(err.is_retryable());
}
