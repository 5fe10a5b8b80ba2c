//! One suite for the metadata seam, run against every backend: SQLite (a file in a temp
//! folder) and PostgreSQL (the server `scripts/services/postgres.sh` starts; each test
//! gets its own schema). Every test function below runs once per backend, as
//! `sqlite::NAME` and `postgres::NAME`.

#[path = "support/services.rs"]
mod services;

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::Arc;

use imago_server::repo::{
    Album, FingerprintRecord, ImageRecord, KeyKind, Repo, RepoError, SqlRepo, Usage, Visibility,
};
use sqlx::postgres::PgConnectOptions;

/// Two handles on one database, as two nodes (or two processes) would have.
struct Fixture {
    repo: Arc<dyn Repo>,
    second: Arc<dyn Repo>,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite_fixture(_test: &str) -> Option<Fixture> {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = SqlRepo::open_in(dir.path()).await.expect("open sqlite");
    a.migrate().await.expect("migrate");
    let b = SqlRepo::open_in(dir.path())
        .await
        .expect("open sqlite again");
    // A second node migrating an up-to-date database changes nothing.
    b.migrate().await.expect("migrate again");
    Some(Fixture {
        repo: Arc::new(a),
        second: Arc::new(b),
        _dir: Some(dir),
    })
}

async fn postgres_fixture(test: &str) -> Option<Fixture> {
    let vals = services::require(test, "postgres", "postgres.sh", &[services::POSTGRES_URL])?;
    let url = &vals[0];
    let schema = services::unique("t");
    let admin = sqlx::PgPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {}: {e}", services::POSTGRES_URL));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let options = PgConnectOptions::from_str(url)
        .expect("postgres url")
        .options([("search_path", schema.as_str())]);
    let a = SqlRepo::connect_with(options.clone(), 4)
        .await
        .expect("connect");
    a.migrate().await.expect("migrate");
    let b = SqlRepo::connect_with(options, 4)
        .await
        .expect("connect again");
    b.migrate().await.expect("migrate again");
    Some(Fixture {
        repo: Arc::new(a),
        second: Arc::new(b),
        _dir: None,
    })
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::sqlite_fixture(stringify!($name)).await {
                        super::$name(&f).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::postgres_fixture(stringify!($name)).await {
                        super::$name(&f).await;
                    }
                }
            )*
        }
    };
}

conformance!(
    users_are_created_and_found,
    user_names_are_unique,
    users_are_updated,
    keys_are_added_found_by_prefix_and_revoked,
    key_prefixes_are_unique,
    sessions_are_keys_that_expire_and_are_not_listed,
    the_server_secret_is_stored_once_for_every_node,
    images_are_inserted_and_read_back,
    image_by_sha256_is_per_user,
    expired_images_are_not_found_by_sha256,
    images_list_newest_first_with_a_cursor,
    images_are_updated,
    deleting_an_image_returns_its_record,
    blob_refs_count_every_record_using_a_key,
    albums_are_created_listed_updated,
    deleting_an_album_keeps_its_images,
    usage_counts_images_bytes_and_albums,
    expired_images_are_claimed_once_per_lease,
    concurrent_expiry_claimers_get_disjoint_sets,
    migrating_again_keeps_the_data,
    fingerprints_are_followed_replaced_and_go_with_their_image,
);

fn image(id: &str, user_id: Option<i64>, sha256: &str, created_at: i64) -> ImageRecord {
    ImageRecord {
        id: id.to_string(),
        user_id,
        album_id: None,
        sha256: sha256.to_string(),
        ext: "png".to_string(),
        mime: "image/png".to_string(),
        size: 1234,
        width: 640,
        height: 480,
        frames: 1,
        title: None,
        description: None,
        nsfw: false,
        original_key: format!("o/{sha256}.png"),
        thumb_key: Some(format!("t/{sha256}.webp")),
        medium_key: None,
        delete_token_sha256: format!("del-{id}"),
        created_at,
        expires_at: None,
    }
}

fn album(id: &str, user_id: i64, name: &str) -> Album {
    Album {
        id: id.to_string(),
        user_id,
        name: name.to_string(),
        visibility: Visibility::Public,
        default_expiry_secs: None,
        created_at: 1_700_000_000,
    }
}

fn ids(images: &[ImageRecord]) -> Vec<&str> {
    images.iter().map(|i| i.id.as_str()).collect()
}

async fn users_are_created_and_found(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", true).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    assert_ne!(alice.id, bob.id);
    assert_eq!(alice.name, "alice");
    assert!(alice.is_admin);
    assert!(!bob.is_admin);
    // Metadata stripping is on unless a user turns it off.
    assert!(alice.strip_metadata && bob.strip_metadata);
    assert_eq!(alice.password_hash, None);
    assert!(
        alice.created_at > 1_600_000_000,
        "created_at is unix seconds now"
    );

    assert_eq!(r.user(alice.id).await.unwrap(), Some(alice.clone()));
    assert_eq!(r.user_by_name("bob").await.unwrap(), Some(bob.clone()));
    // The other node sees the same rows.
    assert_eq!(f.second.user(bob.id).await.unwrap(), Some(bob));
    assert_eq!(r.user_by_name("carol").await.unwrap(), None);
    assert_eq!(r.user(alice.id + 1000).await.unwrap(), None);
}

async fn user_names_are_unique(f: &Fixture) {
    let r = &f.repo;
    r.create_user("alice", false).await.unwrap();
    let err = r.create_user("alice", true).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "{err:?}");
    let mut bob = r.create_user("bob", false).await.unwrap();
    bob.name = "alice".to_string();
    let err = r.update_user(&bob).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "{err:?}");
    assert_eq!(r.user(bob.id).await.unwrap().unwrap().name, "bob");
}

async fn users_are_updated(f: &Fixture) {
    let r = &f.repo;
    let mut u = r.create_user("alice", false).await.unwrap();
    u.is_admin = true;
    u.strip_metadata = false;
    u.password_hash = Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string());
    r.update_user(&u).await.unwrap();
    assert_eq!(r.user(u.id).await.unwrap(), Some(u.clone()));

    u.password_hash = None;
    r.update_user(&u).await.unwrap();
    assert_eq!(r.user(u.id).await.unwrap().unwrap().password_hash, None);

    let mut ghost = u.clone();
    ghost.id += 1000;
    ghost.name = "ghost".to_string();
    let err = r.update_user(&ghost).await.unwrap_err();
    assert!(matches!(err, RepoError::NotFound(_)), "{err:?}");
}

async fn keys_are_added_found_by_prefix_and_revoked(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    let k1 = r
        .add_key(alice.id, "im_aaaa1111", &"ab".repeat(32), Some("laptop"))
        .await
        .unwrap();
    let k2 = r
        .add_key(alice.id, "im_bbbb2222", &"cd".repeat(32), None)
        .await
        .unwrap();
    r.add_key(bob.id, "im_cccc3333", &"ef".repeat(32), None)
        .await
        .unwrap();
    assert_eq!(k1.user_id, alice.id);
    assert_eq!(k1.prefix, "im_aaaa1111");
    assert_eq!(k1.secret_sha256, "ab".repeat(32));
    assert_eq!(k1.label.as_deref(), Some("laptop"));
    assert_eq!(k1.revoked_at, None);

    assert_eq!(
        r.key_by_prefix("im_bbbb2222").await.unwrap(),
        Some(k2.clone())
    );
    assert_eq!(r.key_by_prefix("im_nope").await.unwrap(), None);
    // Only the owner's keys, oldest first.
    assert_eq!(
        r.list_keys(alice.id).await.unwrap(),
        vec![k1.clone(), k2.clone()]
    );

    assert!(r.revoke_key("im_aaaa1111", 1_800_000_000).await.unwrap());
    // Revoking twice, or a key that does not exist, revokes nothing.
    assert!(!r.revoke_key("im_aaaa1111", 1_800_000_100).await.unwrap());
    assert!(!r.revoke_key("im_nope", 1_800_000_100).await.unwrap());
    let revoked = r.key_by_prefix("im_aaaa1111").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(1_800_000_000));
    assert_eq!(
        r.key_by_prefix("im_bbbb2222")
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        None
    );
}

async fn key_prefixes_are_unique(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    r.add_key(alice.id, "im_same", "x", None).await.unwrap();
    let err = r.add_key(bob.id, "im_same", "y", None).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "{err:?}");
    // A key for a user who does not exist is refused, not stored.
    let err = r
        .add_key(bob.id + 1000, "im_orphan", "z", None)
        .await
        .unwrap_err();
    assert!(matches!(err, RepoError::NotFound(_)), "{err:?}");
}

async fn sessions_are_keys_that_expire_and_are_not_listed(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let api = r
        .add_key(alice.id, "im_api00001", "aa", Some("cli"))
        .await
        .unwrap();
    assert_eq!((api.kind, api.expires_at), (KeyKind::Api, None));
    let old = r
        .add_session(alice.id, "im_sess0001", "bb", 1_700_000_000)
        .await
        .unwrap();
    let live = r
        .add_session(alice.id, "im_sess0002", "cc", 1_900_000_000)
        .await
        .unwrap();
    assert_eq!(
        (old.kind, old.expires_at, old.secret_sha256.as_str()),
        (KeyKind::Session, Some(1_700_000_000), "bb")
    );
    assert_eq!(
        f.second.key_by_prefix("im_sess0002").await.unwrap(),
        Some(live.clone())
    );
    // Sessions share the prefix space with API keys.
    let err = r
        .add_session(alice.id, "im_api00001", "dd", 1_900_000_000)
        .await
        .unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "{err:?}");
    assert_eq!(r.list_keys(alice.id).await.unwrap(), vec![api.clone()]);
    // Only sessions expired at `now` go; API keys never expire this way.
    assert_eq!(r.drop_expired_sessions(1_800_000_000).await.unwrap(), 1);
    assert_eq!(r.key_by_prefix("im_sess0001").await.unwrap(), None);
    assert_eq!(r.key_by_prefix("im_sess0002").await.unwrap(), Some(live));
    assert_eq!(r.key_by_prefix("im_api00001").await.unwrap(), Some(api));
    assert_eq!(r.drop_expired_sessions(1_800_000_000).await.unwrap(), 0);
}

async fn the_server_secret_is_stored_once_for_every_node(f: &Fixture) {
    let first = f.repo.server_secret(&"1f".repeat(32)).await.unwrap();
    assert_eq!(first, "1f".repeat(32));
    // A second node with its own candidate adopts the stored one.
    let second = f.second.server_secret(&"2e".repeat(32)).await.unwrap();
    assert_eq!(second, "1f".repeat(32));
    assert_eq!(
        f.repo.server_secret(&"3d".repeat(32)).await.unwrap(),
        "1f".repeat(32)
    );
}

async fn images_are_inserted_and_read_back(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    r.create_album(&album("alb1", alice.id, "Trip"))
        .await
        .unwrap();
    let mut img = image("Abc123XYZ0", Some(alice.id), &"1".repeat(64), 1_700_000_000);
    img.album_id = Some("alb1".to_string());
    img.title = Some("Sunset".to_string());
    img.description = Some("over the sea".to_string());
    img.nsfw = true;
    img.size = 5_000_000_000; // beyond 32 bits
    img.width = u32::MAX;
    img.frames = 24;
    img.medium_key = Some("m/x.webp".to_string());
    img.expires_at = Some(1_800_000_000);
    r.insert_image(&img).await.unwrap();
    assert_eq!(r.image("Abc123XYZ0").await.unwrap(), Some(img.clone()));
    assert_eq!(
        f.second.image("Abc123XYZ0").await.unwrap(),
        Some(img.clone())
    );
    assert_eq!(r.image("nope").await.unwrap(), None);
    // Ids are case-sensitive (base62).
    assert_eq!(r.image("abc123xyz0").await.unwrap(), None);

    let err = r.insert_image(&img).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "{err:?}");

    // Guest uploads have no user.
    let guest = image("Guest00001", None, &"2".repeat(64), 1_700_000_001);
    r.insert_image(&guest).await.unwrap();
    assert_eq!(r.image("Guest00001").await.unwrap(), Some(guest));
}

async fn image_by_sha256_is_per_user(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    let carol = r.create_user("carol", false).await.unwrap();
    let sha = "a".repeat(64);
    let a = image("alice00001", Some(alice.id), &sha, 100);
    let b = image("bob0000001", Some(bob.id), &sha, 101);
    let g = image("guest00001", None, &sha, 102);
    for i in [&a, &b, &g] {
        r.insert_image(i).await.unwrap();
    }
    let now = 1_000;
    assert_eq!(
        r.image_by_sha256(Some(alice.id), &sha, now).await.unwrap(),
        Some(a)
    );
    assert_eq!(
        r.image_by_sha256(Some(bob.id), &sha, now).await.unwrap(),
        Some(b)
    );
    assert_eq!(
        r.image_by_sha256(Some(carol.id), &sha, now).await.unwrap(),
        None
    );
    assert_eq!(r.image_by_sha256(None, &sha, now).await.unwrap(), Some(g));
    assert_eq!(
        r.image_by_sha256(Some(alice.id), &"b".repeat(64), now)
            .await
            .unwrap(),
        None
    );
}

async fn expired_images_are_not_found_by_sha256(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let sha = "c".repeat(64);
    let mut img = image("expiring01", Some(alice.id), &sha, 100);
    img.expires_at = Some(1_000);
    r.insert_image(&img).await.unwrap();
    assert_eq!(
        r.image_by_sha256(Some(alice.id), &sha, 999).await.unwrap(),
        Some(img.clone())
    );
    // Expired at or before `now`: the same bytes are a new upload again.
    assert_eq!(
        r.image_by_sha256(Some(alice.id), &sha, 1_000)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        r.image_by_sha256(Some(alice.id), &sha, 5_000)
            .await
            .unwrap(),
        None
    );

    // A live copy uploaded after the expired one is found.
    let fresh = image("fresh00001", Some(alice.id), &sha, 2_000);
    r.insert_image(&fresh).await.unwrap();
    assert_eq!(
        r.image_by_sha256(Some(alice.id), &sha, 5_000)
            .await
            .unwrap(),
        Some(fresh)
    );
}

async fn images_list_newest_first_with_a_cursor(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    r.create_album(&album("alb1", alice.id, "One"))
        .await
        .unwrap();
    // i3 and i4 share a second: the later insert counts as newer.
    let plan = [
        ("i1", 100),
        ("i2", 200),
        ("i3", 300),
        ("i4", 300),
        ("i5", 500),
    ];
    for (n, (id, t)) in plan.iter().enumerate() {
        let mut img = image(id, Some(alice.id), &format!("{n:064}"), *t);
        if *id == "i2" || *id == "i4" {
            img.album_id = Some("alb1".to_string());
        }
        r.insert_image(&img).await.unwrap();
    }
    r.insert_image(&image("b1", Some(bob.id), &"f".repeat(64), 400))
        .await
        .unwrap();

    let page1 = r.list_images(alice.id, None, None, 2).await.unwrap();
    assert_eq!(ids(&page1), ["i5", "i4"]);
    let page2 = r.list_images(alice.id, None, Some("i4"), 2).await.unwrap();
    assert_eq!(ids(&page2), ["i3", "i2"]);
    let page3 = r.list_images(alice.id, None, Some("i2"), 2).await.unwrap();
    assert_eq!(ids(&page3), ["i1"]);
    assert!(r
        .list_images(alice.id, None, Some("i1"), 2)
        .await
        .unwrap()
        .is_empty());
    // An unknown cursor ends the listing instead of starting it over.
    assert!(r
        .list_images(alice.id, None, Some("nope"), 2)
        .await
        .unwrap()
        .is_empty());

    let all = r.list_images(alice.id, None, None, 100).await.unwrap();
    assert_eq!(ids(&all), ["i5", "i4", "i3", "i2", "i1"]);
    let in_album = r
        .list_images(alice.id, Some("alb1"), None, 100)
        .await
        .unwrap();
    assert_eq!(ids(&in_album), ["i4", "i2"]);
    let in_album2 = r
        .list_images(alice.id, Some("alb1"), Some("i4"), 100)
        .await
        .unwrap();
    assert_eq!(ids(&in_album2), ["i2"]);
    assert_eq!(
        ids(&r.list_images(bob.id, None, None, 100).await.unwrap()),
        ["b1"]
    );
    assert!(r
        .list_images(alice.id, None, None, 0)
        .await
        .unwrap()
        .is_empty());
}

async fn images_are_updated(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    r.create_album(&album("alb1", alice.id, "One"))
        .await
        .unwrap();
    let mut img = image("img0000001", Some(alice.id), &"d".repeat(64), 100);
    r.insert_image(&img).await.unwrap();
    img.title = Some("New title".to_string());
    img.description = Some("words".to_string());
    img.nsfw = true;
    img.album_id = Some("alb1".to_string());
    img.expires_at = Some(9_999);
    img.medium_key = Some("m/d.webp".to_string());
    r.update_image(&img).await.unwrap();
    assert_eq!(r.image("img0000001").await.unwrap(), Some(img.clone()));

    img.title = None;
    img.album_id = None;
    img.expires_at = None;
    r.update_image(&img).await.unwrap();
    assert_eq!(r.image("img0000001").await.unwrap(), Some(img.clone()));

    let mut ghost = img.clone();
    ghost.id = "ghost00001".to_string();
    let err = r.update_image(&ghost).await.unwrap_err();
    assert!(matches!(err, RepoError::NotFound(_)), "{err:?}");
    assert_eq!(r.image("ghost00001").await.unwrap(), None);
}

async fn deleting_an_image_returns_its_record(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let img = image("img0000001", Some(alice.id), &"e".repeat(64), 100);
    let other = image("img0000002", Some(alice.id), &"f".repeat(64), 101);
    r.insert_image(&img).await.unwrap();
    r.insert_image(&other).await.unwrap();
    assert_eq!(r.delete_image("img0000001").await.unwrap(), Some(img));
    assert_eq!(r.image("img0000001").await.unwrap(), None);
    assert_eq!(r.delete_image("img0000001").await.unwrap(), None);
    assert_eq!(r.image("img0000002").await.unwrap(), Some(other));
}

fn fingerprint(image_id: &str, byte: u8, vector: bool) -> FingerprintRecord {
    FingerprintRecord {
        image_id: image_id.to_string(),
        version: "2".to_string(),
        codes: vec![byte; 41],
        vector: vector.then(|| vec![byte; 512]),
        model: vector.then(|| "m1".to_string()),
    }
}

/// What a node's search index reads: rows in the order they were written, through
/// either handle, a replacement as a new row, none left of a deleted image; and which
/// images still need one.
async fn fingerprints_are_followed_replaced_and_go_with_their_image(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    for (i, id) in ["fp00000001", "fp00000002", "fp00000003"]
        .iter()
        .enumerate()
    {
        r.insert_image(&image(
            id,
            Some(alice.id),
            &format!("{i}").repeat(64),
            100 + i as i64,
        ))
        .await
        .unwrap();
    }
    let mut video = image("fp00000004", Some(alice.id), &"9".repeat(64), 200);
    video.mime = "video/mp4".into();
    r.insert_image(&video).await.unwrap();
    let todo = |model: Option<&'static str>| {
        let r = r.clone();
        async move {
            let got = r.images_to_fingerprint("2", model, None, 10).await.unwrap();
            got.into_iter().map(|i| i.id).collect::<Vec<_>>()
        }
    };
    // Images only, oldest first.
    assert_eq!(todo(None).await, ["fp00000001", "fp00000002", "fp00000003"]);

    r.put_fingerprint(&fingerprint("fp00000002", 2, false))
        .await
        .unwrap();
    f.second
        .put_fingerprint(&fingerprint("fp00000001", 1, true))
        .await
        .unwrap();
    let rows = r.fingerprints_after(0, 10).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].seq < rows[1].seq);
    assert_eq!(rows[0].fingerprint, fingerprint("fp00000002", 2, false));
    assert_eq!(rows[1].fingerprint, fingerprint("fp00000001", 1, true));
    assert_eq!(rows[1].sha256, "0".repeat(64));
    assert_eq!(
        r.fingerprints_after(rows[0].seq, 10).await.unwrap(),
        rows[1..].to_vec()
    );
    assert_eq!(r.fingerprints_after(rows[0].seq, 0).await.unwrap(), []);
    assert_eq!(todo(None).await, ["fp00000003"]);
    // With a model, a fingerprint without its vector is still to do.
    assert_eq!(todo(Some("m1")).await, ["fp00000002", "fp00000003"]);
    // A cursor: after the first image.
    let after = r
        .images_to_fingerprint("2", Some("m1"), Some("fp00000002"), 10)
        .await
        .unwrap();
    assert_eq!(ids(&after), ["fp00000003"]);

    // A replacement is a new row, after the others; the old one is gone.
    r.put_fingerprint(&fingerprint("fp00000002", 7, true))
        .await
        .unwrap();
    let rows2 = f.second.fingerprints_after(0, 10).await.unwrap();
    assert_eq!(rows2.len(), 2);
    assert_eq!(rows2[0], rows[1]);
    assert!(rows2[1].seq > rows[1].seq);
    assert_eq!(rows2[1].fingerprint, fingerprint("fp00000002", 7, true));

    // A deleted image takes its row; a fingerprint of no image is refused.
    r.delete_image("fp00000001").await.unwrap();
    let rows3 = r.fingerprints_after(0, 10).await.unwrap();
    assert_eq!(rows3, rows2[1..].to_vec());
    assert!(matches!(
        r.put_fingerprint(&fingerprint("fp00000001", 1, false))
            .await,
        Err(RepoError::NotFound(_))
    ));
}

async fn blob_refs_count_every_record_using_a_key(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    let sha = "9".repeat(64);
    // Same bytes from two users: two records, one set of blobs.
    let mut a = image("alice00001", Some(alice.id), &sha, 100);
    a.medium_key = Some("m/shared.webp".to_string());
    let mut b = image("bob0000001", Some(bob.id), &sha, 101);
    b.medium_key = Some("m/shared.webp".to_string());
    r.insert_image(&a).await.unwrap();
    r.insert_image(&b).await.unwrap();
    let original = a.original_key.clone();
    let thumb = a.thumb_key.clone().unwrap();
    assert_eq!(r.blob_refs(&original).await.unwrap(), 2);
    assert_eq!(r.blob_refs(&thumb).await.unwrap(), 2);
    assert_eq!(r.blob_refs("m/shared.webp").await.unwrap(), 2);
    assert_eq!(r.blob_refs("o/unused.png").await.unwrap(), 0);

    // Deleting one user's image leaves the other's blobs referenced.
    r.delete_image("alice00001").await.unwrap();
    assert_eq!(r.blob_refs(&original).await.unwrap(), 1);
    assert_eq!(r.blob_refs(&thumb).await.unwrap(), 1);
    r.delete_image("bob0000001").await.unwrap();
    assert_eq!(r.blob_refs(&original).await.unwrap(), 0);
    assert_eq!(r.blob_refs("m/shared.webp").await.unwrap(), 0);
}

async fn albums_are_created_listed_updated(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    let mut a1 = album("alb1", alice.id, "Trip");
    let mut a2 = album("alb2", alice.id, "Work");
    a2.created_at += 10;
    a2.visibility = Visibility::Private;
    a2.default_expiry_secs = Some(86_400);
    let b1 = album("alb3", bob.id, "Bob's");
    for a in [&a1, &a2, &b1] {
        r.create_album(a).await.unwrap();
    }
    assert_eq!(r.album("alb2").await.unwrap(), Some(a2.clone()));
    assert_eq!(r.album("nope").await.unwrap(), None);
    assert_eq!(
        r.list_albums(alice.id).await.unwrap(),
        vec![a1.clone(), a2.clone()]
    );
    assert_eq!(r.list_albums(bob.id).await.unwrap(), vec![b1.clone()]);

    let err = r
        .create_album(&album("alb1", bob.id, "Taken"))
        .await
        .unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "{err:?}");

    a1.name = "Trip 2026".to_string();
    a1.visibility = Visibility::Unlisted;
    a1.default_expiry_secs = Some(3_600);
    r.update_album(&a1).await.unwrap();
    assert_eq!(r.album("alb1").await.unwrap(), Some(a1.clone()));
    a1.visibility = Visibility::Private;
    a1.default_expiry_secs = None;
    r.update_album(&a1).await.unwrap();
    assert_eq!(r.album("alb1").await.unwrap(), Some(a1.clone()));

    let err = r
        .update_album(&album("ghost", alice.id, "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, RepoError::NotFound(_)), "{err:?}");
}

async fn deleting_an_album_keeps_its_images(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    r.create_album(&album("alb1", alice.id, "Trip"))
        .await
        .unwrap();
    let mut img = image("img0000001", Some(alice.id), &"7".repeat(64), 100);
    img.album_id = Some("alb1".to_string());
    r.insert_image(&img).await.unwrap();

    assert!(r.delete_album("alb1").await.unwrap());
    assert_eq!(r.album("alb1").await.unwrap(), None);
    let kept = r.image("img0000001").await.unwrap().expect("image kept");
    assert_eq!(kept.album_id, None);
    assert_eq!(kept.original_key, img.original_key);
    assert!(!r.delete_album("alb1").await.unwrap());
    // An image cannot point at an album that does not exist.
    let mut stray = image("img0000002", Some(alice.id), &"8".repeat(64), 101);
    stray.album_id = Some("alb1".to_string());
    let err = r.insert_image(&stray).await.unwrap_err();
    assert!(matches!(err, RepoError::NotFound(_)), "{err:?}");
}

async fn usage_counts_images_bytes_and_albums(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    let bob = r.create_user("bob", false).await.unwrap();
    let carol = r.create_user("carol", false).await.unwrap();
    let mut a1 = image("a1", Some(alice.id), &"1".repeat(64), 1);
    a1.size = 100;
    let mut a2 = image("a2", Some(alice.id), &"2".repeat(64), 2);
    a2.size = 250;
    let mut b1 = image("b1", Some(bob.id), &"3".repeat(64), 3);
    b1.size = 7;
    for i in [&a1, &a2, &b1] {
        r.insert_image(i).await.unwrap();
    }
    r.create_album(&album("alb1", alice.id, "A")).await.unwrap();
    assert_eq!(
        r.usage(alice.id).await.unwrap(),
        Usage {
            images: 2,
            bytes: 350,
            albums: 1
        }
    );
    assert_eq!(
        r.usage(bob.id).await.unwrap(),
        Usage {
            images: 1,
            bytes: 7,
            albums: 0
        }
    );
    assert_eq!(r.usage(carol.id).await.unwrap(), Usage::default());
}

async fn expired_images_are_claimed_once_per_lease(f: &Fixture) {
    let r = &f.repo;
    let alice = r.create_user("alice", false).await.unwrap();
    for n in 0..5 {
        let mut img = image(&format!("exp{n}"), Some(alice.id), &format!("{n:064}"), 10);
        img.expires_at = Some(100 + n);
        r.insert_image(&img).await.unwrap();
    }
    r.insert_image(&image("forever", Some(alice.id), &"f".repeat(64), 10))
        .await
        .unwrap();
    let mut later = image("later", Some(alice.id), &"e".repeat(64), 10);
    later.expires_at = Some(50_000);
    r.insert_image(&later).await.unwrap();

    // Expired at or before `now`, oldest expiry first, at most `limit`.
    let got = r.claim_expired(102, 2).await.unwrap();
    assert_eq!(ids(&got), ["exp0", "exp1"]);
    assert_eq!(got[0].expires_at, Some(100));
    let got = r.claim_expired(102, 10).await.unwrap();
    assert_eq!(ids(&got), ["exp2"]);
    // Claimed ones are not handed out again while the claim holds...
    let got = f.second.claim_expired(104, 10).await.unwrap();
    assert_eq!(ids(&got), ["exp3", "exp4"]);
    assert!(r.claim_expired(104, 10).await.unwrap().is_empty());
    // ...the reaper deletes what it claimed...
    r.delete_image("exp0").await.unwrap();
    r.delete_image("exp1").await.unwrap();
    // ...and what a dead reaper left is claimable again once its claim lapsed.
    let got = r.claim_expired(104 + 3_600, 10).await.unwrap();
    assert_eq!(ids(&got), ["exp2", "exp3", "exp4"]);
    for id in ["exp2", "exp3", "exp4"] {
        r.delete_image(id).await.unwrap();
    }
    let got = r.claim_expired(60_000, 10).await.unwrap();
    assert_eq!(
        ids(&got),
        ["later"],
        "an image without expiry is never claimed"
    );
}

async fn drain_expired(repo: Arc<dyn Repo>) -> Vec<String> {
    let mut got = Vec::new();
    loop {
        let imgs = repo.claim_expired(1_000, 3).await.unwrap();
        if imgs.is_empty() {
            return got;
        }
        got.extend(imgs.into_iter().map(|i| i.id));
        tokio::task::yield_now().await;
    }
}

async fn concurrent_expiry_claimers_get_disjoint_sets(f: &Fixture) {
    let alice = f.repo.create_user("alice", false).await.unwrap();
    let mut all = BTreeSet::new();
    for n in 0..50 {
        let mut img = image(&format!("x{n:03}"), Some(alice.id), &format!("{n:064}"), 1);
        img.expires_at = Some(500);
        f.repo.insert_image(&img).await.unwrap();
        all.insert(img.id);
    }
    let a = tokio::spawn(drain_expired(f.repo.clone()));
    let b = tokio::spawn(drain_expired(f.second.clone()));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let sa: BTreeSet<String> = a.iter().cloned().collect();
    let sb: BTreeSet<String> = b.iter().cloned().collect();
    assert_eq!(sa.len(), a.len());
    assert_eq!(sb.len(), b.len());
    assert!(
        sa.is_disjoint(&sb),
        "both reapers claimed {:?}",
        sa.intersection(&sb)
    );
    let union: BTreeSet<String> = sa.union(&sb).cloned().collect();
    assert_eq!(union, all);
}

async fn migrating_again_keeps_the_data(f: &Fixture) {
    let u = f.repo.create_user("alice", false).await.unwrap();
    f.repo.migrate().await.unwrap();
    f.second.migrate().await.unwrap();
    assert_eq!(f.second.user_by_name("alice").await.unwrap(), Some(u));
}

/// The embedded default is one file under the data folder, in WAL mode.
#[tokio::test]
async fn sqlite_is_a_wal_file_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    // The data folder need not exist yet.
    let data = dir.path().join("data");
    let repo = SqlRepo::open_in(&data).await.unwrap();
    repo.migrate().await.unwrap();
    repo.create_user("alice", false).await.unwrap();
    let file = data.join("imago.db");
    assert!(file.is_file());
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM imago_schema")
        .fetch_one(&pool)
        .await
        .unwrap();
    // 0001 the tables, 0002 sessions and shared settings, 0003 search fingerprints.
    assert_eq!(version, 3);
}

/// A database written by a newer imago is left alone rather than half-understood.
#[tokio::test]
async fn sqlite_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let repo = SqlRepo::open_in(dir.path()).await.unwrap();
    repo.migrate().await.unwrap();
    let file = dir.path().join("imago.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::query("INSERT INTO imago_schema (version, applied_at) VALUES (999, 0)")
        .execute(&pool)
        .await
        .unwrap();
    let err = repo.migrate().await.unwrap_err();
    assert!(
        matches!(&err, RepoError::Backend(m) if m.contains("999")),
        "{err:?}"
    );
}
