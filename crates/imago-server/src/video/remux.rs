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
    /// Whether both programs start, asked once per process (`grab --video` saves many
    /// streams with one remux).
    checked: std::sync::OnceLock<Result<(), String>>,
}

impl FfmpegRemux {
    /// The server's configured programs and timeout.
    pub fn with_tools(tools: imago_media::video::Tools) -> FfmpegRemux {
        FfmpegRemux {
            tools,
            checked: std::sync::OnceLock::new(),
        }
    }

    /// `ffmpeg` (a name on `PATH` or a path), with ffprobe beside it.
    pub fn new(ffmpeg: &Path) -> FfmpegRemux {
        let ffprobe = match ffmpeg.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => dir.join("ffprobe"),
            None => PathBuf::from("ffprobe"),
        };
        FfmpegRemux::with_tools(imago_media::video::Tools {
            ffmpeg: ffmpeg.to_path_buf(),
            ffprobe,
            // Copying packets runs at disk speed; an hour is a stuck process.
            timeout: Duration::from_secs(3600),
        })
    }
}

impl Remux for FfmpegRemux {
    fn ready(&self) -> Result<(), String> {
        self.checked
            .get_or_init(|| {
                let tools = [&self.tools.ffmpeg, &self.tools.ffprobe];
                // Both at once: each start costs about 0.1 s.
                let started = std::thread::scope(|s| {
                    let probes = tools.map(|t| s.spawn(move || imago_media::video::tool_available(t)));
                    probes.map(|p| p.join().unwrap_or(false))
                });
                match tools.iter().zip(started).find(|(_, ok)| !ok) {
                    Some((tool, _)) => Err(format!(
                        "{} cannot be started: install ffmpeg (Debian: apt-get install ffmpeg) or give --ffmpeg PATH",
                        tool.display()
                    )),
                    None => Ok(()),
                }
            })
            .clone()
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
