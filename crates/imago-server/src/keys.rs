//! Users and API keys. A key is `prefix.secret`: the prefix (8 base62 characters) is
//! public and looked up, the secret (32 bytes from the OS RNG, hex) is shown once; only
//! its SHA-256 is stored, and it is compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::ids;
use crate::repo::{ApiKey, Repo, RepoError, User};

const PREFIX_LEN: usize = 8;
const SECRET_BYTES: usize = 32;

/// What can go wrong managing users and keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("no user named {0:?}")]
    NoSuchUser(String),
    #[error("a user named {0:?} already exists")]
    UserExists(String),
    #[error("user names are 1 to 64 letters, digits, '-', '_' or '.'")]
    BadName,
    #[error("the operating system gave no randomness: {0}")]
    Random(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

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
) -> Result<(User, String), KeyError> {
    if !valid_name(name) {
        return Err(KeyError::BadName);
    }
    let user = match repo.create_user(name, admin).await {
        Ok(user) => user,
        Err(RepoError::Conflict(_)) => return Err(KeyError::UserExists(name.to_string())),
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
) -> Result<(ApiKey, String), KeyError> {
    let user = repo
        .user_by_name(user)
        .await?
        .ok_or_else(|| KeyError::NoSuchUser(user.to_string()))?;
    new_key(repo, user.id, label).await
}

/// The keys of the user named `user` (revoked ones too, with their date).
pub async fn list_keys(repo: &dyn Repo, user: &str) -> Result<Vec<ApiKey>, KeyError> {
    let user = repo
        .user_by_name(user)
        .await?
        .ok_or_else(|| KeyError::NoSuchUser(user.to_string()))?;
    Ok(repo.list_keys(user.id).await?)
}

/// Revokes the key with this prefix (a full key is accepted too: its prefix is used);
/// `false` when no live key has it.
pub async fn revoke_key(repo: &dyn Repo, prefix: &str) -> Result<bool, KeyError> {
    let prefix = prefix.split('.').next().unwrap_or(prefix);
    Ok(repo.revoke_key(prefix, crate::time::now()).await?)
}

async fn new_key(
    repo: &dyn Repo,
    user_id: i64,
    label: Option<&str>,
) -> Result<(ApiKey, String), KeyError> {
    let mut secret = [0u8; SECRET_BYTES];
    ids::random_bytes(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
    let secret = hex::encode(secret);
    let digest = sha256_hex(&secret);
    // 62^8 prefixes: a collision is rare, but a unique index may say so; draw again.
    let mut last = None;
    for _ in 0..5 {
        let prefix = ids::base62(PREFIX_LEN).map_err(|e| KeyError::Random(e.to_string()))?;
        match repo.add_key(user_id, &prefix, &digest, label).await {
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
    if key.revoked_at.is_some() || !digests_equal(&sha256_hex(secret), &key.secret_sha256) {
        return Ok(None);
    }
    Ok(repo.user(key.user_id).await?.map(|user| (user, key)))
}
