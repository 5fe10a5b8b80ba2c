//! Settings, layered: defaults, then `imago.toml`, then `IMAGO_*` environment variables,
//! then command-line flags (the CLI fills an [`Overrides`]). Library code never sees clap.
//! Sizes and durations read the same in all three places ([`imago_core::units`]).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use imago_core::units;
use serde::Deserialize;

use crate::backends::{FileStorage, StorageConfig};

/// A token bucket: `per_minute` requests on average, bursts of up to `burst`.
/// `per_minute = 0` turns the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// Everything `imago serve` needs to know, after layering.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Address to bind (`127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The data folder: database, stored bytes, `tmp/`, the server secret.
    pub data_dir: PathBuf,
    /// Base of every URL the server hands out (`https://img.example.com`), without a
    /// trailing slash; `None`: `http://` + the bound address.
    pub public_url: Option<String>,
    /// Largest upload, in bytes, after base64 decoding (default 5 MiB).
    pub body_limit: usize,
    /// Keyless uploads (off by default).
    pub guest_uploads: bool,
    /// Expiry given to uploads that carry none (nor an album default).
    pub default_expiry_secs: Option<i64>,
    /// Largest pixel area accepted (width x height, checked from the header).
    pub max_pixels: u64,
    pub rate_per_key: RateLimit,
    pub rate_per_ip: RateLimit,
    /// Strip EXIF/XMP/GPS from uploads unless the user turned it off.
    pub strip_metadata: bool,
    /// Store a HEIC upload as a JPEG (browsers other than Safari show no HEIC); `false`
    /// keeps it as sent. File `heic = "jpeg" | "keep"`, `IMAGO_HEIC`.
    pub heic_as_jpeg: bool,
    /// Seconds between two runs of the expiry reaper.
    pub reaper_interval_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (for per-address limits);
    /// empty: the peer address is the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Videos: on or off, their limits, ffmpeg (the `[video]` table).
    pub video: crate::video::VideoConfig,
    /// Where metadata and bytes live (the `[storage]` table).
    pub storage: StorageConfig,
    /// Search by image (the `[search]` table).
    pub search: crate::search::SearchConfig,
    /// The ad/tracker list files `imago list` and `grab` read (`filter_lists`, paths
    /// relative to the file's folder); the server itself does not use them. Empty: none
    /// named.
    pub filter_lists: Vec<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("imago-data"),
            public_url: None,
            body_limit: 5 * 1024 * 1024,
            guest_uploads: false,
            default_expiry_secs: None,
            max_pixels: 100_000_000,
            rate_per_key: RateLimit {
                per_minute: 120,
                burst: 60,
            },
            rate_per_ip: RateLimit {
                per_minute: 240,
                burst: 120,
            },
            strip_metadata: true,
            heic_as_jpeg: true,
            reaper_interval_secs: 30,
            trusted_proxies: Vec::new(),
            video: crate::video::VideoConfig::default(),
            storage: StorageConfig::default(),
            search: crate::search::SearchConfig::default(),
            filter_lists: Vec::new(),
        }
    }
}

/// The settings file: the one named (`--config`, `IMAGO_CONFIG`), else `imago.toml` in the
/// current folder when there is one. The server, `imago list` and `imago grab` all read
/// the file this names.
pub fn settings_file(named: Option<PathBuf>) -> Option<PathBuf> {
    named
        .filter(|p| !p.as_os_str().is_empty())
        .or_else(|| Some(PathBuf::from("imago.toml")).filter(|p| p.is_file()))
}

/// Flags from the command line; `None` leaves the lower layers' value.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub public_url: Option<String>,
    /// A size as typed (`5MB`), read like the file's and the environment's.
    pub body_limit: Option<String>,
    pub guest_uploads: Option<bool>,
    /// A duration (`7d`, `P7D`), or `never`.
    pub default_expiry: Option<String>,
    pub strip_metadata: Option<bool>,
    pub database_url: Option<String>,
    pub store: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A TOML syntax or type error, with the 1-based line it is on.
    #[error("{path}:{line}: {message}")]
    Toml {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{source_name}: {message}")]
    Value {
        /// Where the value came from: a file key, an environment variable or a flag.
        source_name: String,
        message: String,
    },
}

/// The file's shape: every key optional, unknown keys refused (a typo must not pass
/// silently).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data: Option<PathBuf>,
    public_url: Option<String>,
    body_limit: Option<toml::Value>,
    guest_uploads: Option<bool>,
    default_expiry: Option<String>,
    max_pixels: Option<u64>,
    strip_metadata: Option<bool>,
    heic: Option<String>,
    reaper_interval_secs: Option<toml::Value>,
    trusted_proxies: Option<Vec<String>>,
    rate_limit: Option<FileRates>,
    video: Option<crate::video::FileVideo>,
    storage: Option<FileStorage>,
    search: Option<crate::search::FileSearch>,
    /// Read by `imago list` and `grab` (the ad/tracker lists), not by the server.
    filter_lists: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRates {
    per_key: Option<RateLimit>,
    per_ip: Option<RateLimit>,
}

impl Config {
    /// Layers defaults, the file (when given), the `IMAGO_*` variables of `env` and the
    /// flags, in that order.
    pub fn load(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
        overrides: Overrides,
    ) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        for (name, value) in env {
            config.apply_env(&name, &value)?;
        }
        config.apply_overrides(overrides)?;
        config
            .storage
            .check()
            .map_err(|m| value_error("[storage]".into(), m))?;
        Ok(config)
    }

    /// The defaults and the file alone: what `imago list` and `grab` read of it (they
    /// take nothing from the server's environment variables).
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::default();
        config.apply_toml(path, &text)?;
        Ok(config)
    }

    fn apply_toml(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let file: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Toml {
            path: path.to_path_buf(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
            message: e.message().to_string(),
        })?;
        let name = |key: &str| format!("{} ({key})", path.display());
        if let Some(v) = file.listen {
            self.listen = parse_listen(&v).map_err(|m| value_error(name("listen"), m))?;
        }
        if let Some(v) = file.data {
            self.data_dir = v;
        }
        if let Some(v) = file.public_url {
            self.public_url =
                Some(parse_public_url(&v).map_err(|m| value_error(name("public_url"), m))?);
        }
        if let Some(v) = file.body_limit {
            self.body_limit = size_value(v).map_err(|m| value_error(name("body_limit"), m))?;
        }
        if let Some(v) = file.guest_uploads {
            self.guest_uploads = v;
        }
        if let Some(v) = file.default_expiry {
            self.default_expiry_secs =
                parse_expiry(&v).map_err(|m| value_error(name("default_expiry"), m))?;
        }
        if let Some(v) = file.max_pixels {
            self.max_pixels = v;
        }
        if let Some(v) = file.strip_metadata {
            self.strip_metadata = v;
        }
        if let Some(v) = file.heic {
            self.heic_as_jpeg = parse_heic(&v).map_err(|m| value_error(name("heic"), m))?;
        }
        if let Some(v) = file.reaper_interval_secs {
            self.reaper_interval_secs = secs_value(v)
                .map_err(|m| value_error(name("reaper_interval_secs"), m))?
                .max(1);
        }
        if let Some(list) = file.trusted_proxies {
            self.trusted_proxies =
                parse_ips(&list.join(",")).map_err(|m| value_error(name("trusted_proxies"), m))?;
        }
        if let Some(v) = file.storage {
            self.storage.apply_file(v);
        }
        if let Some(v) = file.video {
            self.video
                .apply_file(v)
                .map_err(|(key, m)| value_error(name(&key), m))?;
        }
        if let Some(v) = file.search {
            self.search
                .apply_file(v, path.parent().unwrap_or(Path::new("")));
        }
        if let Some(v) = file.filter_lists {
            let dir = path.parent().unwrap_or(Path::new(""));
            self.filter_lists = list_of_files(&v)
                .ok_or_else(|| {
                    value_error(
                        name("filter_lists"),
                        "write a list of files, e.g. [\"easylist.txt\"]".into(),
                    )
                })?
                .into_iter()
                .map(|p| dir.join(p))
                .collect();
        }
        if let Some(rates) = file.rate_limit {
            if let Some(r) = rates.per_key {
                self.rate_per_key = r;
            }
            if let Some(r) = rates.per_ip {
                self.rate_per_ip = r;
            }
        }
        Ok(())
    }

    fn apply_env(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let err = |m: String| value_error(name.to_string(), m);
        match name {
            "IMAGO_LISTEN" => self.listen = parse_listen(value).map_err(err)?,
            "IMAGO_DATA" => self.data_dir = PathBuf::from(value),
            "IMAGO_PUBLIC_URL" => self.public_url = Some(parse_public_url(value).map_err(err)?),
            "IMAGO_BODY_LIMIT" => self.body_limit = parse_size(value).map_err(err)?,
            "IMAGO_GUEST_UPLOADS" => self.guest_uploads = parse_bool(value).map_err(err)?,
            "IMAGO_DEFAULT_EXPIRY" => {
                self.default_expiry_secs = parse_expiry(value).map_err(err)?
            }
            "IMAGO_MAX_PIXELS" => {
                self.max_pixels = value
                    .trim()
                    .parse()
                    .map_err(|_| err("a whole number".to_string()))?
            }
            "IMAGO_STRIP_METADATA" => self.strip_metadata = parse_bool(value).map_err(err)?,
            "IMAGO_HEIC" => self.heic_as_jpeg = parse_heic(value).map_err(err)?,
            "IMAGO_RATE_PER_KEY" => self.rate_per_key = parse_rate(value).map_err(err)?,
            "IMAGO_RATE_PER_IP" => self.rate_per_ip = parse_rate(value).map_err(err)?,
            "IMAGO_TRUSTED_PROXIES" => self.trusted_proxies = parse_ips(value).map_err(err)?,
            // IMAGO_DATABASE_URL, IMAGO_STORE, IMAGO_S3_*: the [storage] table's.
            _ if self.storage.apply_env(name, value) => {}
            _ if self.search.apply_env(name, value).map_err(err)? => {}
            // Other IMAGO_* variables belong to videos or to other commands (the grab
            // client).
            _ => {
                self.video.apply_env(name, value).map_err(err)?;
            }
        }
        Ok(())
    }

    fn apply_overrides(&mut self, o: Overrides) -> Result<(), ConfigError> {
        if let Some(v) = o.listen {
            self.listen = v;
        }
        if let Some(v) = o.data_dir {
            self.data_dir = v;
        }
        if let Some(v) = o.public_url {
            self.public_url =
                Some(parse_public_url(&v).map_err(|m| value_error("--public-url".into(), m))?);
        }
        if let Some(v) = o.body_limit {
            self.body_limit = parse_size(&v).map_err(|m| value_error("--body-limit".into(), m))?;
        }
        if let Some(v) = o.guest_uploads {
            self.guest_uploads = v;
        }
        if let Some(v) = o.default_expiry {
            self.default_expiry_secs =
                parse_expiry(&v).map_err(|m| value_error("--default-expiry".into(), m))?;
        }
        if let Some(v) = o.strip_metadata {
            self.strip_metadata = v;
        }
        let storage = [
            (&mut self.storage.database_url, o.database_url),
            (&mut self.storage.store, o.store),
            (&mut self.storage.s3_endpoint, o.s3_endpoint),
            (&mut self.storage.s3_region, o.s3_region),
        ];
        for (slot, value) in storage {
            if value.is_some() {
                *slot = value;
            }
        }
        Ok(())
    }
}

fn value_error(source_name: String, message: String) -> ConfigError {
    ConfigError::Value {
        source_name,
        message,
    }
}

/// A non-empty array of strings.
fn list_of_files(v: &toml::Value) -> Option<Vec<&str>> {
    let list = v
        .as_array()?
        .iter()
        .map(toml::Value::as_str)
        .collect::<Option<Vec<_>>>()?;
    (!list.is_empty()).then_some(list)
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn parse_listen(v: &str) -> Result<SocketAddr, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("{v:?} is not an address such as 127.0.0.1:8080"))
}

fn parse_public_url(v: &str) -> Result<String, String> {
    let v = v.trim().trim_end_matches('/');
    if v.starts_with("http://") || v.starts_with("https://") {
        Ok(v.to_string())
    } else {
        Err(format!("{v:?} must start with http:// or https://"))
    }
}

/// `127.0.0.1, ::1`: a comma-separated list of addresses.
fn parse_ips(v: &str) -> Result<Vec<IpAddr>, String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("{s:?} is not an IP address")))
        .collect()
}

/// `heic`: `jpeg` (store HEIC uploads as JPEG) or `keep` (as sent).
fn parse_heic(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "jpeg" | "jpg" => Ok(true),
        "keep" => Ok(false),
        other => Err(format!(
            "{other:?}: write jpeg (store HEIC uploads as JPEG) or keep (as sent)"
        )),
    }
}

pub(crate) fn parse_bool(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{v:?} is not true or false")),
    }
}

/// A size: `5MB` (SI, 5,000,000 bytes), `5MiB` (IEC, 5,242,880), `1048576`.
pub(crate) fn parse_size(v: &str) -> Result<usize, String> {
    units::parse_size_usize(v).map_err(|e| e.to_string())
}

/// A size in the file: a number of bytes, or a string read by [`parse_size`].
pub(crate) fn size_value(v: toml::Value) -> Result<usize, String> {
    match v {
        toml::Value::Integer(n) => {
            usize::try_from(n).map_err(|_| "must not be negative".to_string())
        }
        toml::Value::String(s) => parse_size(&s),
        _ => Err("a number of bytes or a size such as \"5MB\" or \"5MiB\"".to_string()),
    }
}

/// Whole seconds: a number in the file, or a duration string (`"10m"`) read like the
/// environment's and the flags'.
pub(crate) fn secs_value(v: toml::Value) -> Result<u64, String> {
    match v {
        toml::Value::Integer(n) => u64::try_from(n).map_err(|_| "must not be negative".to_string()),
        toml::Value::String(s) => parse_secs(&s),
        _ => Err("a number of seconds or a duration such as \"10m\"".to_string()),
    }
}

/// Whole seconds from a duration (`90`, `10m`, `PT10M`).
pub(crate) fn parse_secs(v: &str) -> Result<u64, String> {
    units::parse_duration(v)
        .map(|d| d.as_secs())
        .map_err(|e| e.to_string())
}

/// An expiry: a duration (`7d`, `P7D`, `12h`) in seconds, or `never` (`None`).
fn parse_expiry(v: &str) -> Result<Option<i64>, String> {
    let t = v.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    let d = units::parse_duration(t).map_err(|e| e.to_string())?;
    i64::try_from(d.as_secs())
        .map(Some)
        .map_err(|_| format!("{v:?} is too long"))
}

/// `60/30`: 60 per minute, bursts of 30; `0` turns the limit off.
fn parse_rate(v: &str) -> Result<RateLimit, String> {
    let bad = || format!("{v:?} is not PER_MINUTE/BURST such as 60/30");
    let (rate, burst) = match v.trim().split_once('/') {
        Some((r, b)) => (r.trim(), b.trim()),
        None => (v.trim(), ""),
    };
    let per_minute: u32 = rate.parse().map_err(|_| bad())?;
    let burst: u32 = if burst.is_empty() {
        per_minute
    } else {
        burst.parse().map_err(|_| bad())?
    };
    Ok(RateLimit { per_minute, burst })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Environment pairs as `Config::load` takes them (also used by video/config.rs).
    pub(crate) fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = Config::load(None, env(&[]), Overrides::default()).unwrap();
        assert_eq!(c.body_limit, 5 * 1024 * 1024);
        assert_eq!(c.storage, StorageConfig::default());
        assert!(!c.guest_uploads);
        assert!(c.strip_metadata);
        assert_eq!(c.default_expiry_secs, None);
    }

    #[test]
    fn layers_apply_in_order_file_env_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nbody_limit = \"1MB\"\nguest_uploads = true\n\
             default_expiry = \"P1D\"\n[rate_limit]\nper_ip = { per_minute = 10, burst = 5 }\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("IMAGO_BODY_LIMIT", "2MB"),
                ("IMAGO_GUEST_UPLOADS", "false"),
                ("HOME", "/x"),
            ]),
            Overrides {
                body_limit: Some("3".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(c.default_expiry_secs, Some(86_400));
        assert_eq!(
            c.rate_per_ip,
            RateLimit {
                per_minute: 10,
                burst: 5
            }
        );
        assert!(!c.guest_uploads, "the environment overrides the file");
        assert_eq!(c.body_limit, 3, "flags override the environment");
    }

    #[test]
    fn toml_errors_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:1\"\n\nguest_uploads = maybe\n").unwrap();
        match Config::load(Some(&path), env(&[]), Overrides::default()) {
            Err(ConfigError::Toml { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        std::fs::write(&path, "# comment\nguest_upload = true\n").unwrap();
        match Config::load(Some(&path), env(&[]), Overrides::default()) {
            Err(ConfigError::Toml { line, message, .. }) => {
                assert_eq!(line, 2);
                assert!(message.contains("guest_upload"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_key_list_and_grab_read_does_not_stop_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(
            &path,
            "filter_lists = [\"easylist.txt\"]\nguest_uploads = true\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), env(&[]), Overrides::default()).unwrap();
        assert!(c.guest_uploads);
        assert_eq!(c.filter_lists, [dir.path().join("easylist.txt")]);
        assert_eq!(Config::from_file(&path).unwrap(), c, "no environment here");
    }

    #[test]
    fn bad_values_are_refused_with_their_source() {
        let e = Config::load(
            None,
            env(&[("IMAGO_DEFAULT_EXPIRY", "soon")]),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("IMAGO_DEFAULT_EXPIRY: bad duration \"soon\""),
            "{e}"
        );
        let e = Config::load(
            None,
            env(&[]),
            Overrides {
                body_limit: Some("5 parsecs".into()),
                ..Overrides::default()
            },
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--body-limit: bad size \"5 parsecs\""),
            "{e}"
        );
        let c = Config::load(
            None,
            env(&[("IMAGO_TRUSTED_PROXIES", "127.0.0.1, ::1")]),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(Config::load(
            None,
            env(&[("IMAGO_TRUSTED_PROXIES", "proxy")]),
            Overrides::default()
        )
        .is_err());
    }

    /// The bug this guards: `--body-limit 5MB` was 5,000,000 bytes while
    /// `IMAGO_BODY_LIMIT=5MB` and `body_limit = "5MB"` were 5,242,880.
    #[test]
    fn a_size_reads_the_same_from_the_file_the_environment_and_a_flag() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(&path, "body_limit = \"5MB\"\n").unwrap();
        let file = Config::load(Some(&path), env(&[]), Overrides::default()).unwrap();
        let var = Config::load(
            None,
            env(&[("IMAGO_BODY_LIMIT", "5MB")]),
            Overrides::default(),
        )
        .unwrap();
        let flag = Config::load(
            None,
            env(&[]),
            Overrides {
                body_limit: Some("5MB".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(
            (file.body_limit, var.body_limit, flag.body_limit),
            (5_000_000, 5_000_000, 5_000_000)
        );
        let var = Config::load(
            None,
            env(&[("IMAGO_BODY_LIMIT", "5MiB")]),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(var.body_limit, 5 * 1024 * 1024);
    }

    #[test]
    fn expiry_reads_like_every_other_duration() {
        for (text, secs) in [
            ("P7D", Some(604_800)),
            ("7d", Some(604_800)),
            ("12h", Some(43_200)),
            ("never", None),
        ] {
            let c = Config::load(
                None,
                env(&[("IMAGO_DEFAULT_EXPIRY", text)]),
                Overrides::default(),
            )
            .unwrap();
            assert_eq!(c.default_expiry_secs, secs, "{text}");
        }
    }

    #[test]
    fn storage_layers_file_then_environment_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(
            &path,
            "[storage]\ndatabase_url = \"postgres://file/db\"\nstore = \"s3://file-bucket\"\n\
             s3_endpoint = \"http://127.0.0.1:3900\"\ns3_region = \"file-region\"\n\
             s3_access_key_id = \"GKfile\"\ns3_secret_access_key = \"file-secret\"\n",
        )
        .unwrap();
        let from_file = Config::load(Some(&path), env(&[]), Overrides::default()).unwrap();
        assert_eq!(
            from_file.storage,
            StorageConfig {
                database_url: Some("postgres://file/db".into()),
                store: Some("s3://file-bucket".into()),
                s3_endpoint: Some("http://127.0.0.1:3900".into()),
                s3_region: Some("file-region".into()),
                s3_access_key_id: Some("GKfile".into()),
                s3_secret_access_key: Some("file-secret".into()),
            }
        );
        let vars = [
            ("IMAGO_DATABASE_URL", "postgres://env/db"),
            ("IMAGO_STORE", "s3://env-bucket"),
            ("IMAGO_S3_SECRET_ACCESS_KEY", "env-secret"),
        ];
        let from_env = Config::load(Some(&path), env(&vars), Overrides::default()).unwrap();
        assert_eq!(
            from_env.storage.database_url.as_deref(),
            Some("postgres://env/db")
        );
        assert_eq!(from_env.storage.store.as_deref(), Some("s3://env-bucket"));
        assert_eq!(
            from_env.storage.s3_secret_access_key.as_deref(),
            Some("env-secret")
        );
        assert_eq!(
            from_env.storage.s3_region.as_deref(),
            Some("file-region"),
            "the file fills what the environment leaves"
        );
        let from_flags = Config::load(
            Some(&path),
            env(&vars),
            Overrides {
                database_url: Some("postgres://flag/db".into()),
                store: Some("s3://flag-bucket/prefix".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(
            from_flags.storage.database_url.as_deref(),
            Some("postgres://flag/db")
        );
        assert_eq!(
            from_flags.storage.store.as_deref(),
            Some("s3://flag-bucket/prefix")
        );
        let shown = format!("{from_flags:?}");
        assert!(
            !shown.contains("env-secret") && !shown.contains("flag/db"),
            "{shown}"
        );
    }

    #[test]
    fn a_bad_storage_setting_is_refused_before_connecting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(&path, "[storage]\nstore = \"s3://pics\"\n").unwrap();
        let e = Config::load(Some(&path), env(&[]), Overrides::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("[storage]: store s3://pics: needs an endpoint"),
            "{e}"
        );
        std::fs::write(&path, "[storage]\nbucket = \"pics\"\n").unwrap();
        match Config::load(Some(&path), env(&[]), Overrides::default()) {
            Err(ConfigError::Toml { line, message, .. }) => {
                assert_eq!(line, 2);
                assert!(message.contains("bucket"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
