//! The `[video]` settings: whether videos are accepted, their limits, and where ffmpeg
//! and ffprobe are. Layered like the rest of [`crate::Config`]: defaults, the file's
//! `[video]` table, `IMAGO_VIDEO*` / `IMAGO_FFMPEG` / `IMAGO_FFPROBE`.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::config::{parse_secs, parse_size, secs_value, size_value};

/// How the server takes videos (MP4, MOV, WebM).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoConfig {
    /// Accept videos at all (default on); off, they answer 415.
    pub enabled: bool,
    /// Largest video, in bytes (default 50 MiB; images keep `body_limit`).
    pub max_bytes: usize,
    /// Longest video, in seconds (default 10 minutes; the file and the environment also
    /// take a duration such as `10m`).
    pub max_duration_secs: u64,
    /// The ffmpeg program (a name looked up on `PATH`, or a path). When it cannot be
    /// started, videos get a placeholder poster and are stored with their metadata.
    pub ffmpeg: PathBuf,
    /// The ffprobe program. When it cannot be started, duration and size are read from
    /// the container's header (see `imago_media::video`).
    pub ffprobe: PathBuf,
    /// Longest one ffmpeg or ffprobe run may take before it is killed.
    pub timeout_secs: u64,
}

impl Default for VideoConfig {
    fn default() -> Self {
        VideoConfig {
            enabled: true,
            max_bytes: 50 * 1024 * 1024,
            max_duration_secs: 600,
            ffmpeg: PathBuf::from("ffmpeg"),
            ffprobe: PathBuf::from("ffprobe"),
            timeout_secs: 60,
        }
    }
}

/// The file's `[video]` table; unknown keys are refused like everywhere else.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileVideo {
    enabled: Option<bool>,
    max_bytes: Option<toml::Value>,
    max_duration_secs: Option<toml::Value>,
    ffmpeg: Option<PathBuf>,
    ffprobe: Option<PathBuf>,
    timeout_secs: Option<toml::Value>,
}

impl VideoConfig {
    /// Applies the file's `[video]` table; the error names the key.
    pub(crate) fn apply_file(&mut self, file: FileVideo) -> Result<(), (String, String)> {
        if let Some(v) = file.enabled {
            self.enabled = v;
        }
        if let Some(v) = file.max_bytes {
            self.max_bytes = size_value(v).map_err(|m| ("video.max_bytes".to_string(), m))?;
        }
        if let Some(v) = file.max_duration_secs {
            self.max_duration_secs =
                secs_value(v).map_err(|m| ("video.max_duration_secs".to_string(), m))?;
        }
        if let Some(v) = file.ffmpeg {
            self.ffmpeg = v;
        }
        if let Some(v) = file.ffprobe {
            self.ffprobe = v;
        }
        if let Some(v) = file.timeout_secs {
            self.timeout_secs = secs_value(v)
                .map_err(|m| ("video.timeout_secs".to_string(), m))?
                .max(1);
        }
        Ok(())
    }

    /// Applies one environment variable; `Ok(false)` when it is not a video setting.
    pub(crate) fn apply_env(&mut self, name: &str, value: &str) -> Result<bool, String> {
        match name {
            "IMAGO_VIDEO" => {
                self.enabled = match value.trim().to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => true,
                    "0" | "false" | "no" | "off" => false,
                    _ => return Err(format!("{value:?} is not true or false")),
                }
            }
            "IMAGO_VIDEO_MAX_BYTES" => self.max_bytes = parse_size(value)?,
            "IMAGO_VIDEO_MAX_DURATION_SECS" => self.max_duration_secs = parse_secs(value)?,
            "IMAGO_VIDEO_TIMEOUT_SECS" => self.timeout_secs = parse_secs(value)?.max(1),
            "IMAGO_FFMPEG" => self.ffmpeg = PathBuf::from(value),
            "IMAGO_FFPROBE" => self.ffprobe = PathBuf::from(value),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl VideoConfig {
    /// The programs and the timeout `imago_media::video::prepare` runs with.
    pub fn tools(&self) -> imago_media::video::Tools {
        imago_media::video::Tools {
            ffmpeg: self.ffmpeg.clone(),
            ffprobe: self.ffprobe.clone(),
            timeout: Duration::from_secs(self.timeout_secs.max(1)),
        }
    }
}

impl crate::Config {
    /// The most bytes an upload body may have before its kind is known: the image limit,
    /// or the video limit when videos are on and allow more. Each kind is held to its own
    /// limit once its magic is read.
    pub fn upload_body_limit(&self) -> usize {
        if self.video.enabled {
            self.body_limit.max(self.video.max_bytes)
        } else {
            self.body_limit
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::env;
    use crate::{Config, ConfigError, Overrides};

    #[test]
    fn the_video_table_and_variables_layer_like_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(
            &path,
            "[video]\nmax_bytes = \"20MiB\"\nmax_duration_secs = \"1m 30s\"\nffmpeg = \"/opt/ff/ffmpeg\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("IMAGO_FFPROBE", "/opt/ff/ffprobe"),
                ("IMAGO_VIDEO", "off"),
                ("IMAGO_VIDEO_TIMEOUT_SECS", "2m"),
            ]),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.video.max_bytes, 20 << 20);
        assert_eq!(c.video.max_duration_secs, 90);
        assert_eq!(c.video.timeout_secs, 120);
        assert_eq!(c.video.ffmpeg, std::path::Path::new("/opt/ff/ffmpeg"));
        assert_eq!(c.video.ffprobe, std::path::Path::new("/opt/ff/ffprobe"));
        assert!(!c.video.enabled);
        // Off, videos no longer raise the largest body.
        assert_eq!(c.upload_body_limit(), c.body_limit);
        let on = Config::default();
        assert!(on.video.enabled);
        assert_eq!(on.upload_body_limit(), 50 << 20);
    }

    #[test]
    fn a_typo_in_the_video_table_or_a_bad_value_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        std::fs::write(&path, "[video]\nmax_duration = 90\n").unwrap();
        match Config::load(Some(&path), env(&[]), Overrides::default()) {
            Err(ConfigError::Toml { line, message, .. }) => {
                assert_eq!(line, 2);
                assert!(message.contains("max_duration"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let e = Config::load(
            None,
            env(&[("IMAGO_VIDEO_MAX_DURATION_SECS", "ten minutes")]),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("IMAGO_VIDEO_MAX_DURATION_SECS"),
            "{e}"
        );
    }
}
