//! Flags to plain settings: the library crates never see clap. Every error here is bad
//! usage (a [`BadInput`], exit code 2) and names the flag and what to write instead.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use imago_core::blocklist::Blocklist;
use imago_core::dates::DateTime;
use imago_core::filter::Filter;
use imago_core::filter_spec::FilterText;
use imago_core::hdrules::HdRules;
use imago_core::naming::Template;
use imago_core::siterules::SiteRules;
use imago_core::sort::SortKey;
use imago_core::units::{parse_duration, parse_size};
use imago_engine::filter_lists;
use imago_engine::grab::{read_url_list, Discovery, PageInput};
use imago_engine::ClientConfig;
use imago_server::config::{self, Config};
use url::Url;

use crate::cli::{EncodeArgs, FilterArgs, NetArgs, PageArgs, PageInputs, ResizeArgs, StitchArgs};
use crate::{BadInput, ResultExt};

type Result<T> = std::result::Result<T, BadInput>;

/// The pages named on the command line and in `-i FILE`, checked.
pub fn pages(args: &PageInputs) -> Result<Vec<PageInput>> {
    let base = base_url(args)?;
    let mut raw = args.inputs.clone();
    if let Some(file) = &args.input_file {
        let text = if file.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("-i -: cannot read standard input")?
        } else {
            std::fs::read_to_string(file)
                .with_context(|| format!("-i {}: cannot read the URL list", file.display()))?
        };
        raw.extend(read_url_list(&text));
    }
    if raw.is_empty() {
        return Err(anyhow!(
            "no page given: name a URL or a saved HTML file (or -i FILE with one per line)"
        )
        .into());
    }
    raw.iter()
        .map(|a| PageInput::parse(a, base.as_ref()).bad_input())
        .collect()
}

/// `--base-url`, checked.
pub fn base_url(args: &PageInputs) -> Result<Option<Url>> {
    args.base_url
        .as_deref()
        .map(|b| {
            Url::parse(b)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| anyhow!("--base-url {b}: not an http(s) URL").into())
        })
        .transpose()
}

pub fn discovery(args: &PageArgs) -> Result<Discovery> {
    let defaults = Discovery::default();
    Ok(Discovery {
        deep: args.deep,
        main: match (args.main, args.no_main) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        site_rules: Arc::new(site_rules(args.site_rules.as_deref())?),
        max_stylesheets: if args.no_linked_css {
            0
        } else {
            defaults.max_stylesheets
        },
        ..defaults
    })
}

/// The built-in site rules, then the user's file (if any).
pub fn site_rules(user: Option<&Path>) -> Result<SiteRules> {
    let mut rules = SiteRules::builtin();
    if let Some(path) = user {
        rules.extend(
            SiteRules::from_toml(&read_rule_file(path)?, &path.display().to_string())
                .bad_input()?,
        );
    }
    Ok(rules)
}

/// The built-in HD rules, with the user's file (if any) tried first.
pub fn hd_rules(user: Option<&Path>) -> Result<HdRules> {
    let mut rules = HdRules::builtin();
    if let Some(path) = user {
        let text = read_rule_file(path)?;
        rules.extend_front(HdRules::from_toml(&text, &path.display().to_string()).bad_input()?);
    }
    Ok(rules)
}

fn read_rule_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the rule file", path.display()))
        .bad_input()
}

pub fn filter(args: &FilterArgs) -> Result<Filter> {
    let text = FilterText {
        min_width: args.min_width,
        max_width: args.max_width,
        min_height: args.min_height,
        max_height: args.max_height,
        min_bytes: args.min_bytes.clone(),
        max_bytes: args.max_bytes.clone(),
        min_aspect: args.min_aspect.clone(),
        max_aspect: args.max_aspect.clone(),
        formats: args.formats.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        allow_domains: args.allow_domains.clone(),
        deny_domains: args.deny_domains.clone(),
        sources: args.sources.clone(),
    };
    // SpecError names the flag as typed here: "--min-bytes lots: ...".
    text.build().bad_input()
}

/// Where the ad/tracker lists come from, first found wins.
#[derive(Debug, PartialEq)]
enum ListSource {
    Flags,
    Env,
    /// `filter_lists` of this settings file.
    File(String),
    Debian,
    /// None found, or `--no-filter-lists`: discovery's built-in tracker hosts only.
    BuiltIn {
        off: bool,
    },
}

/// `--filter-list` files, else those of `IMAGO_FILTER_LISTS` (`env`, split like `PATH`),
/// else `filter_lists` of the settings file (`file`: its name and paths), else Debian's
/// EasyList and EasyPrivacy (`debian`, those installed), else none. The file is read only
/// when the flags and the environment name no list.
fn list_paths(
    args: &FilterArgs,
    env: Option<OsString>,
    file: impl FnOnce() -> Result<Option<(String, Vec<PathBuf>)>>,
    debian: impl FnOnce() -> Vec<PathBuf>,
) -> Result<(Vec<PathBuf>, ListSource)> {
    if args.no_filter_lists {
        return Ok((Vec::new(), ListSource::BuiltIn { off: true }));
    }
    if !args.filter_lists.is_empty() {
        return Ok((args.filter_lists.clone(), ListSource::Flags));
    }
    // An empty variable is unset, as for the other IMAGO_* settings.
    if let Some(v) = env.filter(|v| !v.is_empty()) {
        return Ok((std::env::split_paths(&v).collect(), ListSource::Env));
    }
    if let Some((name, paths)) = file()? {
        return Ok((paths, ListSource::File(name)));
    }
    let found = debian();
    Ok(if found.is_empty() {
        (found, ListSource::BuiltIn { off: false })
    } else {
        (found, ListSource::Debian)
    })
}

/// `filter_lists = ["...", ...]` of the settings file `imago serve` reads too (the file of
/// `IMAGO_CONFIG`, else `imago.toml` in the current folder when there is one), read by
/// the server's own parser: a key it does not know is refused here as there. Relative
/// paths are relative to the file's folder.
fn file_lists(config: Option<OsString>) -> Result<Option<(String, Vec<PathBuf>)>> {
    let Some(path) = config::settings_file(config.map(PathBuf::from)) else {
        return Ok(None);
    };
    let lists = Config::from_file(&path).bad_input()?.filter_lists;
    Ok((!lists.is_empty()).then(|| (path.display().to_string(), lists)))
}

/// The ad/tracker lists in force, read and built, and a one-line note saying which they
/// are (printed with `--verbose`). A list that cannot be used is bad input, named with
/// where it came from.
pub fn blocklist(args: &FilterArgs) -> Result<(Option<Arc<Blocklist>>, String)> {
    let (paths, source) = list_paths(
        args,
        std::env::var_os("IMAGO_FILTER_LISTS"),
        || file_lists(std::env::var_os("IMAGO_CONFIG")),
        filter_lists::debian_lists,
    )?;
    let from = match &source {
        ListSource::Flags => "--filter-list".to_string(),
        ListSource::Env => "IMAGO_FILTER_LISTS".to_string(),
        ListSource::File(name) => format!("{name} (filter_lists)"),
        ListSource::Debian => "Debian's uBlock Origin package".to_string(),
        ListSource::BuiltIn { off } => {
            let why = if *off {
                "--no-filter-lists"
            } else {
                "none found: install webext-ublock-origin-chromium or pass --filter-list FILE"
            };
            return Ok((
                None,
                format!("ad/tracker lists: {why}; only the built-in tracker hosts are dropped"),
            ));
        }
    };
    let start = Instant::now();
    let lists = filter_lists::load(&paths).map_err(|e| match source {
        ListSource::Debian => anyhow!(
            "{from}: {e} (reinstall webext-ublock-origin-chromium, or pass --no-filter-lists)"
        ),
        _ => anyhow!("{from}: {e}"),
    })?;
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let note = format!(
        "ad/tracker lists from {from}: {} ({} rules, read in {} ms)",
        names.join(", "),
        lists.rules(),
        start.elapsed().as_millis()
    );
    Ok((Some(Arc::new(lists)), note))
}

pub fn sort(args: &FilterArgs) -> Result<Option<(SortKey, bool)>> {
    args.sort
        .as_deref()
        .map(|s| {
            SortKey::parse(s).map(|k| (k, args.reverse)).ok_or_else(|| {
                anyhow!("--sort {s}: use page, area, width, height, bytes or url").into()
            })
        })
        .transpose()
}

pub fn template(flag: &str, t: &str) -> Result<Template> {
    Template::parse(t).map_err(|e| anyhow!("{flag} {t:?}: {e}").into())
}

pub fn client(args: &NetArgs) -> Result<ClientConfig> {
    let mut cfg = ClientConfig {
        concurrency: args.concurrency.max(1),
        per_host: args.per_host.max(1),
        retries: args.retries,
        total_timeout: duration("--timeout", &args.timeout)?,
        connect_timeout: duration("--connect-timeout", &args.connect_timeout)?,
        read_timeout: duration("--read-timeout", &args.read_timeout)?,
        max_redirects: args.max_redirects,
        max_bytes: parse_size(&args.max_size)
            .map_err(|e| anyhow!("--max-size {}: {e}", args.max_size))?,
        cookies_file: args.cookies.clone(),
        send_referer: !args.no_referer,
        ..ClientConfig::default()
    };
    if let Some(d) = &args.delay {
        cfg.per_host_delay = duration("--delay", d)?;
    }
    if let Some(ua) = &args.user_agent {
        cfg.user_agent = ua.clone();
    }
    for h in &args.headers {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| anyhow!("--header {h:?}: write it as \"Name: value\""))?;
        cfg.headers
            .push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(cfg)
}

/// A network or browser wait: a duration as [`parse_duration`] reads it (`500ms`, `2s`,
/// `1.5m`, plain seconds), at most a week.
pub fn duration(flag: &str, s: &str) -> Result<Duration> {
    let d = parse_duration(s).map_err(|e| anyhow!("{flag}: {e}"))?;
    if d > Duration::from_secs(7 * 86_400) {
        return Err(anyhow!("{flag} {s}: at most a week (7d)").into());
    }
    Ok(d)
}

/// Today as YYYY-MM-DD (UTC) for `{date}`: the core has no clock, so it is given here.
pub fn today() -> String {
    DateTime::from_unix(imago_core::dates::unix_now()).date()
}

/// `--to` and the like: a format imago writes.
pub fn target(flag: &str, s: &str) -> Result<imago_media::codecs::Target> {
    imago_media::codecs::Target::parse(s.trim().trim_start_matches('.')).ok_or_else(|| {
        BadInput(anyhow!(
            "{flag} {s:?}: not a format imago writes (jpg, png, webp, avif or gif)"
        ))
    })
}

/// A colour: `#rgb`, `#rrggbb`, `white` or `black`.
pub fn colour(flag: &str, s: &str) -> Result<[u8; 3]> {
    let bad = || {
        BadInput(anyhow!(
            "{flag} {s:?}: write a colour as #rrggbb, #rgb, white or black"
        ))
    };
    let t = s.trim().to_ascii_lowercase();
    match t.as_str() {
        "white" => return Ok([255; 3]),
        "black" => return Ok([0; 3]),
        _ => {}
    }
    let hex = t.strip_prefix('#').unwrap_or(&t);
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    match digits.as_slice() {
        [r, g, b] => Ok([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Ok([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => Err(bad()),
    }
}

/// How the pixel tools write.
pub fn encode(args: &EncodeArgs) -> Result<imago_media::codecs::WriteOptions> {
    Ok(imago_media::codecs::WriteOptions {
        quality: args.quality,
        lossless: args.lossless,
        background: colour("--background", &args.background)?,
        srgb: args.srgb,
        avif_speed: args.avif_speed,
    })
}

/// `--max`, `--width`, `--height`, `--fit`, `--no-upscale`.
pub fn resize(args: &ResizeArgs) -> Result<imago_media::tools::ResizeOptions> {
    use imago_media::tools::{Fit, Size};
    let positive = |flag: &str, n: u32| {
        if n == 0 {
            Err(BadInput(anyhow!("{flag} 0: a size is at least 1 pixel")))
        } else {
            Ok(n)
        }
    };
    let size = match (args.max, args.width, args.height) {
        (Some(n), _, _) => Size::Max(positive("--max", n)?),
        (None, Some(w), Some(h)) => Size::Box(positive("--width", w)?, positive("--height", h)?),
        (None, Some(w), None) => Size::Width(positive("--width", w)?),
        (None, None, Some(h)) => Size::Height(positive("--height", h)?),
        (None, None, None) => {
            return Err(BadInput(anyhow!("say a size: --max, --width or --height")))
        }
    };
    let fit = match args.fit.as_str() {
        "contain" => Fit::Contain,
        "cover" => Fit::Cover,
        other => {
            return Err(BadInput(anyhow!(
                "--fit {other:?}: contain (all of it inside) or cover (the box filled)"
            )))
        }
    };
    Ok(imago_media::tools::ResizeOptions {
        size,
        fit,
        upscale: !args.no_upscale,
    })
}

/// `--vertical`, `--horizontal` or `--grid COLSxROWS`.
pub fn layout(args: &StitchArgs) -> Result<imago_media::tools::Layout> {
    use imago_media::tools::Layout;
    if let Some(grid) = &args.grid {
        let bad = || BadInput(anyhow!("--grid {grid:?}: write columns x rows, e.g. 3x2"));
        let lower = grid.to_ascii_lowercase();
        let (c, r) = lower.split_once('x').ok_or_else(bad)?;
        let cols: u32 = c.trim().parse().map_err(|_| bad())?;
        let rows: u32 = r.trim().parse().map_err(|_| bad())?;
        if cols == 0 || rows == 0 {
            return Err(bad());
        }
        return Ok(Layout::Grid { cols, rows });
    }
    Ok(if args.horizontal {
        Layout::Horizontal
    } else {
        Layout::Vertical
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            duration("--x", "500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(duration("--x", "2m").unwrap(), Duration::from_secs(120));
        assert_eq!(duration("--x", "3").unwrap(), Duration::from_secs(3));
        let e = duration("--delay", "fast").unwrap_err().to_string();
        assert!(e.starts_with("--delay: bad duration \"fast\""), "{e}");
        let e = duration("--timeout", "8d").unwrap_err().to_string();
        assert!(e.starts_with("--timeout 8d: at most a week"), "{e}");
    }

    fn lists_args(flags: &[&str], off: bool) -> FilterArgs {
        use clap::Parser;
        #[derive(Parser)]
        struct F {
            #[command(flatten)]
            f: FilterArgs,
        }
        let mut f = F::parse_from(["x"]).f;
        f.filter_lists = flags.iter().map(PathBuf::from).collect();
        f.no_filter_lists = off;
        f
    }

    #[test]
    fn lists_come_from_the_flags_the_environment_the_file_then_debian() {
        let debian = || vec![PathBuf::from("/usr/share/easylist.txt")];
        let env = || Some(OsString::from("a.txt:b.txt"));
        let file = || {
            Ok(Some((
                "imago.toml".to_string(),
                vec![PathBuf::from("f.txt")],
            )))
        };
        let no_file = || Ok(None);
        let paths = |flags: &[&str], env, file: &dyn Fn() -> _, debian: &dyn Fn() -> _| {
            list_paths(&lists_args(flags, false), env, file, debian).unwrap()
        };
        let (p, s) = paths(&["mine.txt"], env(), &file, &debian);
        assert_eq!((p, s), (vec![PathBuf::from("mine.txt")], ListSource::Flags));
        let (p, s) = paths(&[], env(), &file, &debian);
        assert_eq!(s, ListSource::Env);
        assert_eq!(p, [PathBuf::from("a.txt"), PathBuf::from("b.txt")]);
        let (p, s) = paths(&[], Some(OsString::new()), &file, &debian);
        assert_eq!(s, ListSource::File("imago.toml".into()));
        assert_eq!(p, [PathBuf::from("f.txt")]);
        let (p, s) = paths(&[], None, &no_file, &debian);
        assert_eq!((p, s), (debian(), ListSource::Debian));
        let (p, s) = paths(&[], None, &no_file, &Vec::new);
        assert_eq!((p.len(), s), (0, ListSource::BuiltIn { off: false }));
        let (p, s) = list_paths(&lists_args(&[], true), env(), file, debian).unwrap();
        assert_eq!((p.len(), s), (0, ListSource::BuiltIn { off: true }));
    }

    #[test]
    fn the_settings_file_names_lists_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imago.toml");
        let read = || file_lists(Some(path.clone().into_os_string()));
        std::fs::write(&path, "listen = \"127.0.0.1:1\"\n").unwrap();
        assert!(read().unwrap().is_none(), "no key: the next layer");
        std::fs::write(&path, "filter_lists = [\"lists/a.txt\", \"/abs/b.txt\"]\n").unwrap();
        let (name, paths) = read().unwrap().unwrap();
        assert_eq!(name, path.display().to_string());
        assert_eq!(
            paths,
            [dir.path().join("lists/a.txt"), PathBuf::from("/abs/b.txt")]
        );
        for bad in [
            "filter_lists = \"a.txt\"\n",
            "filter_lists = []\n",
            "filter_lists = [1]\n",
        ] {
            std::fs::write(&path, bad).unwrap();
            let e = read().unwrap_err().to_string();
            assert!(
                e.contains("imago.toml (filter_lists): write a list of files"),
                "{bad}: {e}"
            );
        }
        std::fs::write(&path, "filter_lists = [\n").unwrap();
        let e = read().unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        let missing = dir.path().join("none.toml");
        let e = file_lists(Some(missing.into_os_string()))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("cannot read "), "{e}");
        std::fs::write(&path, "filter_list = [\"a.txt\"]\n").unwrap();
        let e = read().unwrap_err().to_string();
        assert!(
            e.contains("unknown field `filter_list`"),
            "a typo is refused: {e}"
        );
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"), "{t}");
    }
}
