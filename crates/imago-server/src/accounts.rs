//! Users, API keys and web sessions. A key is `prefix.secret`: the prefix (8 base62
//! characters) is public and looked up, the secret (32 bytes from the OS RNG, hex) is
//! shown once; only its SHA-256 is stored, and it is compared in constant time.
//!
//! A user may also have a password (stored as an argon2id hash) for the web page: a
//! sign-in with it gives a session, a key of the same shape that stops working after
//! [`SESSION_SECS`]. The page sends it like any API key, in a header, so there is no
//! cookie and nothing for another site to forge a request with.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::ids;
use crate::repo::{ApiKey, KeyKind, Repo, RepoError, User};

const PREFIX_LEN: usize = 8;
const SECRET_BYTES: usize = 32;

/// What can go wrong managing users and keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    #[error("no user named {0:?}")]
    NoSuchUser(String),
    #[error("a user named {0:?} already exists")]
    UserExists(String),
    #[error("user names are 1 to 64 letters, digits, '-', '_' or '.'")]
    BadName,
    #[error("passwords are {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_BYTES} bytes long")]
    BadPassword,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the operating system gave no randomness: {0}")]
    Random(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, in bytes: hashing cost must not grow with what a client
/// sends.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// How long a web session works after the sign-in, in seconds.
pub const SESSION_SECS: i64 = 12 * 60 * 60;
/// Password sign-in attempts per client address: ten at once, then one every six
/// seconds, so guessing a password from one address takes years.
pub const SIGN_IN_RATE: crate::config::RateLimit = crate::config::RateLimit {
    per_minute: 10,
    burst: 10,
};

/// Hex SHA-256 of a secret (or of a delete token).
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time equality of two hex digests.
pub fn digests_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Creates a user and a first key; returns the user and the full key (shown once).
pub async fn create_user(
    repo: &dyn Repo,
    name: &str,
    admin: bool,
) -> Result<(User, String), AccountError> {
    if !valid_name(name) {
        return Err(AccountError::BadName);
    }
    let user = match repo.create_user(name, admin).await {
        Ok(user) => user,
        Err(RepoError::Conflict(_)) => return Err(AccountError::UserExists(name.to_string())),
        Err(e) => return Err(e.into()),
    };
    let (_, full) = new_key(repo, user.id, Some("first key")).await?;
    Ok((user, full))
}

/// A new key for the user named `user`; returns its record and the full key.
pub async fn create_key(
    repo: &dyn Repo,
    user: &str,
    label: Option<&str>,
) -> Result<(ApiKey, String), AccountError> {
    let user = repo
        .user_by_name(user)
        .await?
        .ok_or_else(|| AccountError::NoSuchUser(user.to_string()))?;
    new_key(repo, user.id, label).await
}

/// The keys of the user named `user` (revoked ones too, with their date).
pub async fn list_keys(repo: &dyn Repo, user: &str) -> Result<Vec<ApiKey>, AccountError> {
    let user = repo
        .user_by_name(user)
        .await?
        .ok_or_else(|| AccountError::NoSuchUser(user.to_string()))?;
    Ok(repo.list_keys(user.id).await?)
}

/// Revokes the key with this prefix (a full key is accepted too: its prefix is used);
/// `false` when no live key has it.
pub async fn revoke_key(repo: &dyn Repo, prefix: &str) -> Result<bool, AccountError> {
    let prefix = prefix.split('.').next().unwrap_or(prefix);
    Ok(repo
        .revoke_key(prefix, imago_core::dates::unix_now())
        .await?)
}

/// Which kind of key row to make.
enum NewKey<'a> {
    Api { label: Option<&'a str> },
    Session { expires_at: i64 },
}

async fn new_key(
    repo: &dyn Repo,
    user_id: i64,
    label: Option<&str>,
) -> Result<(ApiKey, String), AccountError> {
    add_key_row(repo, user_id, NewKey::Api { label }).await
}

/// Draws a secret and a free prefix and stores the row; returns it and the full key.
async fn add_key_row(
    repo: &dyn Repo,
    user_id: i64,
    kind: NewKey<'_>,
) -> Result<(ApiKey, String), AccountError> {
    let mut secret = [0u8; SECRET_BYTES];
    ids::random_bytes(&mut secret).map_err(|e| AccountError::Random(e.to_string()))?;
    let secret = hex::encode(secret);
    let digest = sha256_hex(&secret);
    // 62^8 prefixes: a collision is rare, but a unique index may say so; draw again.
    let mut last = None;
    for _ in 0..5 {
        let prefix = ids::base62(PREFIX_LEN).map_err(|e| AccountError::Random(e.to_string()))?;
        let added = match kind {
            NewKey::Api { label } => repo.add_key(user_id, &prefix, &digest, label).await,
            NewKey::Session { expires_at } => {
                repo.add_session(user_id, &prefix, &digest, expires_at)
                    .await
            }
        };
        match added {
            Ok(key) => return Ok((key, format!("{prefix}.{secret}"))),
            Err(RepoError::Conflict(m)) => last = Some(RepoError::Conflict(m)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last
        .unwrap_or_else(|| RepoError::Backend("no free key prefix".into()))
        .into())
}

/// The user and key behind a presented full key; `None` when it is malformed, unknown
/// or revoked.
pub async fn authenticate(
    repo: &dyn Repo,
    presented: &str,
) -> Result<Option<(User, ApiKey)>, RepoError> {
    let Some((prefix, secret)) = presented.trim().split_once('.') else {
        return Ok(None);
    };
    if !ids::is_public_id(prefix) || secret.is_empty() || secret.len() > 256 {
        return Ok(None);
    }
    let Some(key) = repo.key_by_prefix(prefix).await? else {
        return Ok(None);
    };
    let expired = key
        .expires_at
        .is_some_and(|t| t <= imago_core::dates::unix_now());
    if key.revoked_at.is_some()
        || expired
        || !digests_equal(&sha256_hex(secret), &key.secret_sha256)
    {
        return Ok(None);
    }
    Ok(repo.user(key.user_id).await?.map(|user| (user, key)))
}

/// Whether `password` is long enough and not too long to be set, without hashing it.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::BadPassword);
    }
    Ok(())
}

/// An argon2id hash (PHC string, with a fresh salt) of `password`, after checking its
/// length. Slow on purpose (tens of milliseconds).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    check_password(password)?;
    let mut salt = [0u8; 16];
    ids::random_bytes(&mut salt).map_err(|e| AccountError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC `hash`; a malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Sets (or replaces) the web sign-in password of the user named `user`.
pub async fn set_password(repo: &dyn Repo, user: &str, password: &str) -> Result<(), AccountError> {
    let mut found = repo
        .user_by_name(user)
        .await?
        .ok_or_else(|| AccountError::NoSuchUser(user.to_string()))?;
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))??;
    found.password_hash = Some(hash);
    Ok(repo.update_user(&found).await?)
}

/// A web session: the key the page sends from now on, and when it stops working.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The full key, `prefix.secret`: shown to the page once.
    pub key: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for Session {
    // The key is a credential: it stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user.name)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A hash no password matches, verified when the name is unknown or has no password,
/// so that those answers take as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 24];
        // Without randomness the decoy is still a valid hash of an unguessable-enough
        // constant; it only has to cost the same time.
        let _ = ids::random_bytes(&mut secret);
        hash_password(&hex::encode(secret)).unwrap_or_default()
    })
}

/// Checks `password` for the user named `name` and opens a session; `None` when the
/// name is unknown, has no password, or the password is wrong (indistinguishably, and
/// in about the same time). Expired sessions of every user are dropped on the way.
pub async fn sign_in(
    repo: &dyn Repo,
    name: &str,
    password: &str,
) -> Result<Option<Session>, AccountError> {
    let user = if valid_name(name) {
        repo.user_by_name(name).await?
    } else {
        None
    };
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_string());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    let Some(user) = user.filter(|u| matches && u.password_hash.is_some()) else {
        return Ok(None);
    };
    let now = imago_core::dates::unix_now();
    repo.drop_expired_sessions(now).await?;
    let expires_at = now + SESSION_SECS;
    let (_, key) = add_key_row(repo, user.id, NewKey::Session { expires_at }).await?;
    Ok(Some(Session {
        user,
        key,
        expires_at,
    }))
}

/// Ends the session behind a presented key; `false` when it is not a live session (an
/// API key is never revoked this way).
pub async fn sign_out(repo: &dyn Repo, presented: &str) -> Result<bool, RepoError> {
    match authenticate(repo, presented).await? {
        Some((_, key)) if key.kind == KeyKind::Session => {
            repo.revoke_key(&key.prefix, imago_core::dates::unix_now())
                .await
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_to_argon2id_and_verify() {
        let started = std::time::Instant::now();
        let hash = hash_password("correct horse").unwrap();
        eprintln!("hash took {:?}", started.elapsed());
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        let started = std::time::Instant::now();
        assert!(verify_password(&hash, "correct horse"));
        eprintln!("verify took {:?}", started.elapsed());
        assert!(!verify_password(&hash, "correct horsf"));
        assert!(!verify_password("not a hash", "correct horse"));
        // A fresh salt each time: the same password never gives the same hash.
        assert_ne!(hash_password("correct horse").unwrap(), hash);
    }

    #[test]
    fn passwords_outside_the_length_bounds_are_refused() {
        assert!(matches!(
            hash_password("short"),
            Err(AccountError::BadPassword)
        ));
        // Eight characters of two bytes each is long enough: characters count, not bytes.
        assert!(hash_password("密码密码密码密码").is_ok());
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert!(matches!(
            hash_password(&long),
            Err(AccountError::BadPassword)
        ));
        assert!(!verify_password(decoy_hash(), &long));
    }
}
