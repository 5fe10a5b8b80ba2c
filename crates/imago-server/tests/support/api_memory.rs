//! TEMPORARY: an in-memory Repo and Store for the API tests until the SQLite repo and the
//! local store land from branch `serve-storage`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

use async_trait::async_trait;
use bytes::Bytes;
use imago_server::repo::{Album, ApiKey, ImageRecord, Job, Repo, RepoError, Usage, User};
use imago_server::store::{Store, StoreError};

#[derive(Default)]
struct Data {
    users: Vec<User>,
    keys: Vec<ApiKey>,
    images: Vec<ImageRecord>,
    albums: Vec<Album>,
}

#[derive(Default)]
pub struct MemRepo(Mutex<Data>);

fn uses(r: &ImageRecord, key: &str) -> bool {
    r.original_key == key
        || r.thumb_key.as_deref() == Some(key)
        || r.medium_key.as_deref() == Some(key)
}

#[async_trait]
impl Repo for MemRepo {
    async fn migrate(&self) -> Result<(), RepoError> {
        Ok(())
    }
    async fn create_user(&self, name: &str, is_admin: bool) -> Result<User, RepoError> {
        let mut d = self.0.lock().unwrap();
        if d.users.iter().any(|u| u.name == name) {
            return Err(RepoError::Conflict(name.into()));
        }
        let user = User {
            id: d.users.len() as i64 + 1,
            name: name.into(),
            is_admin,
            strip_metadata: true,
            password_hash: None,
            created_at: 0,
        };
        d.users.push(user.clone());
        Ok(user)
    }
    async fn user(&self, id: i64) -> Result<Option<User>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .users
            .iter()
            .find(|u| u.id == id)
            .cloned())
    }
    async fn user_by_name(&self, name: &str) -> Result<Option<User>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .users
            .iter()
            .find(|u| u.name == name)
            .cloned())
    }
    async fn update_user(&self, user: &User) -> Result<(), RepoError> {
        let mut d = self.0.lock().unwrap();
        if let Some(u) = d.users.iter_mut().find(|u| u.id == user.id) {
            *u = user.clone();
        }
        Ok(())
    }
    async fn add_key(
        &self,
        user_id: i64,
        prefix: &str,
        secret_sha256: &str,
        label: Option<&str>,
    ) -> Result<ApiKey, RepoError> {
        let mut d = self.0.lock().unwrap();
        if d.keys.iter().any(|k| k.prefix == prefix) {
            return Err(RepoError::Conflict(prefix.into()));
        }
        let key = ApiKey {
            id: d.keys.len() as i64 + 1,
            user_id,
            prefix: prefix.into(),
            secret_sha256: secret_sha256.into(),
            label: label.map(String::from),
            created_at: 0,
            revoked_at: None,
        };
        d.keys.push(key.clone());
        Ok(key)
    }
    async fn key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .keys
            .iter()
            .find(|k| k.prefix == prefix)
            .cloned())
    }
    async fn list_keys(&self, user_id: i64) -> Result<Vec<ApiKey>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .keys
            .iter()
            .filter(|k| k.user_id == user_id)
            .cloned()
            .collect())
    }
    async fn revoke_key(&self, prefix: &str, now: i64) -> Result<bool, RepoError> {
        let mut d = self.0.lock().unwrap();
        match d
            .keys
            .iter_mut()
            .find(|k| k.prefix == prefix && k.revoked_at.is_none())
        {
            Some(k) => {
                k.revoked_at = Some(now);
                Ok(true)
            }
            None => Ok(false),
        }
    }
    async fn insert_image(&self, image: &ImageRecord) -> Result<(), RepoError> {
        let mut d = self.0.lock().unwrap();
        if d.images.iter().any(|i| i.id == image.id) {
            return Err(RepoError::Conflict(image.id.clone()));
        }
        d.images.push(image.clone());
        Ok(())
    }
    async fn image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .images
            .iter()
            .find(|i| i.id == id)
            .cloned())
    }
    async fn image_by_sha256(
        &self,
        user_id: Option<i64>,
        sha256: &str,
        now: i64,
    ) -> Result<Option<ImageRecord>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .images
            .iter()
            .find(|i| {
                i.user_id == user_id && i.sha256 == sha256 && i.expires_at.is_none_or(|t| t > now)
            })
            .cloned())
    }
    async fn list_images(
        &self,
        user_id: i64,
        album_id: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        let d = self.0.lock().unwrap();
        let mut all: Vec<&ImageRecord> = d
            .images
            .iter()
            .filter(|i| {
                i.user_id == Some(user_id)
                    && (album_id.is_none() || i.album_id.as_deref() == album_id)
            })
            .collect();
        all.reverse();
        let start = match before {
            Some(b) => all
                .iter()
                .position(|i| i.id == b)
                .map_or(all.len(), |p| p + 1),
            None => 0,
        };
        Ok(all
            .into_iter()
            .skip(start)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    async fn update_image(&self, image: &ImageRecord) -> Result<(), RepoError> {
        let mut d = self.0.lock().unwrap();
        match d.images.iter_mut().find(|i| i.id == image.id) {
            Some(i) => {
                *i = image.clone();
                Ok(())
            }
            None => Err(RepoError::NotFound(image.id.clone())),
        }
    }
    async fn delete_image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError> {
        let mut d = self.0.lock().unwrap();
        Ok(d.images
            .iter()
            .position(|i| i.id == id)
            .map(|p| d.images.remove(p)))
    }
    async fn blob_refs(&self, key: &str) -> Result<u64, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .images
            .iter()
            .filter(|i| uses(i, key))
            .count() as u64)
    }
    async fn claim_expired(&self, now: i64, limit: u32) -> Result<Vec<ImageRecord>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .images
            .iter()
            .filter(|i| i.expires_at.is_some_and(|t| t <= now))
            .take(limit as usize)
            .cloned()
            .collect())
    }
    async fn create_album(&self, album: &Album) -> Result<(), RepoError> {
        let mut d = self.0.lock().unwrap();
        if d.albums.iter().any(|a| a.id == album.id) {
            return Err(RepoError::Conflict(album.id.clone()));
        }
        d.albums.push(album.clone());
        Ok(())
    }
    async fn album(&self, id: &str) -> Result<Option<Album>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .albums
            .iter()
            .find(|a| a.id == id)
            .cloned())
    }
    async fn list_albums(&self, user_id: i64) -> Result<Vec<Album>, RepoError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .albums
            .iter()
            .filter(|a| a.user_id == user_id)
            .cloned()
            .collect())
    }
    async fn update_album(&self, album: &Album) -> Result<(), RepoError> {
        let mut d = self.0.lock().unwrap();
        if let Some(a) = d.albums.iter_mut().find(|a| a.id == album.id) {
            *a = album.clone();
        }
        Ok(())
    }
    async fn delete_album(&self, id: &str) -> Result<bool, RepoError> {
        let mut d = self.0.lock().unwrap();
        let before = d.albums.len();
        d.albums.retain(|a| a.id != id);
        for i in d
            .images
            .iter_mut()
            .filter(|i| i.album_id.as_deref() == Some(id))
        {
            i.album_id = None;
        }
        Ok(d.albums.len() < before)
    }
    async fn usage(&self, user_id: i64) -> Result<Usage, RepoError> {
        let d = self.0.lock().unwrap();
        let mine = d.images.iter().filter(|i| i.user_id == Some(user_id));
        Ok(Usage {
            images: mine.clone().count() as u64,
            bytes: mine.map(|i| i.size).sum(),
            albums: d.albums.iter().filter(|a| a.user_id == user_id).count() as u64,
        })
    }
    async fn enqueue_job(
        &self,
        _kind: &str,
        _payload: &str,
        _run_at: i64,
    ) -> Result<i64, RepoError> {
        Ok(0)
    }
    async fn claim_jobs(
        &self,
        _kind: &str,
        _now: i64,
        _limit: u32,
        _lease_secs: i64,
    ) -> Result<Vec<Job>, RepoError> {
        Ok(Vec::new())
    }
    async fn complete_job(&self, _id: i64) -> Result<(), RepoError> {
        Ok(())
    }
}

#[derive(Default)]
pub struct MemStore(Mutex<HashMap<String, Bytes>>);

#[async_trait]
impl Store for MemStore {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.0.lock().unwrap().insert(key.into(), bytes);
        Ok(())
    }
    async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        Ok(self.0.lock().unwrap().get(key).cloned())
    }
    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Option<Bytes>, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .get(key)
            .map(|b| b.slice(range.start as usize..(range.end as usize).min(b.len()))))
    }
    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        Ok(self.0.lock().unwrap().get(key).map(|b| b.len() as u64))
    }
    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.0.lock().unwrap().remove(key);
        Ok(())
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }
}
