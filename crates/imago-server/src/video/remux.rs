//! The remux step of HLS streams (`imago video`, `grab --video`, the desktop helper and
//! uploads by URL of an `.m3u8`): `imago-media`'s ffmpeg run, plugged into the engine's
//! [`Remux`] seam. It lives here, the one crate that depends on both, and the binary uses
//! it too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use imago_engine::video::{Remux, RemuxJob, Remuxed};

/// The remux step: `imago-media`'s ffmpeg run, plugged into the engine.
#[derive(Debug)]
pub struct FfmpegRemux {
    tools: imago_media::video::Tools,
}

impl FfmpegRemux {
    /// The server's configured programs and timeout.
    pub fn with_tools(tools: imago_media::video::Tools) -> FfmpegRemux {
        FfmpegRemux { tools }
    }

    /// `ffmpeg` (a name on `PATH` or a path), with ffprobe beside it.
    pub fn new(ffmpeg: &Path) -> FfmpegRemux {
        let ffprobe = match ffmpeg.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => dir.join("ffprobe"),
            None => PathBuf::from("ffprobe"),
        };
        FfmpegRemux {
            tools: imago_media::video::Tools {
                ffmpeg: ffmpeg.to_path_buf(),
                ffprobe,
                // Copying packets runs at disk speed; an hour is a stuck process.
                timeout: Duration::from_secs(3600),
            },
        }
    }
}

impl Remux for FfmpegRemux {
    fn ready(&self) -> Result<(), String> {
        for tool in [&self.tools.ffmpeg, &self.tools.ffprobe] {
            if !imago_media::video::tool_available(tool) {
                return Err(format!(
                    "{} cannot be started: install ffmpeg (Debian: apt-get install ffmpeg) or give --ffmpeg PATH",
                    tool.display()
                ));
            }
        }
        Ok(())
    }

    fn remux(&self, job: &RemuxJob<'_>) -> Result<Remuxed, String> {
        let facts = imago_media::video::remux_pieces(&self.tools, job.video, job.audio, job.out)
            .map_err(|e| e.to_string())?;
        Ok(Remuxed {
            width: facts.width,
            height: facts.height,
            duration_secs: facts.duration_secs,
        })
    }

    fn facts(&self, file: &Path) -> Result<Remuxed, String> {
        let facts = imago_media::video::file_facts(&self.tools, file).map_err(|e| e.to_string())?;
        Ok(Remuxed {
            width: facts.width,
            height: facts.height,
            duration_secs: facts.duration_secs,
        })
    }
}
