//! The TypeScript types of what crosses the boundary, emitted into the generated
//! `imago_wasm.d.ts`. They mirror the serde shapes of `imago_core::model` and of this
//! crate's own types; `tests/native.rs` checks that every source kind and format is
//! listed, so a new variant in the core cannot be forgotten here.

use wasm_bindgen::prelude::*;

/// The text of the TypeScript declarations (also read by the native tests).
pub const TYPESCRIPT: &str = r#"
/** Where on a page a candidate was found (`imago list --json` prints it as `source`). */
export type SourceKind =
  | "img" | "srcset" | "picture" | "input" | "poster" | "svg" | "embed" | "lazy"
  | "noscript" | "css-inline" | "css-style" | "css-linked" | "open-graph" | "twitter"
  | "image-src" | "icon" | "json-ld" | "link" | "script" | "background" | "canvas"
  | "resource" | "dom";

/** An image format as probed (and as `formats` of a filter names it). */
export type Format =
  | "jpeg" | "png" | "gif" | "webp" | "avif" | "heif" | "bmp" | "ico" | "svg" | "tiff" | "jxl";

/** An srcset / image-set descriptor: `640w` is `{width: 640}`, `2x` is `{density: 2}`. */
export type Descriptor = { width: number } | { density: number };

/** One URL found on a page, before merging (the live-DOM collector hands these over). */
export interface Candidate {
  url: string;
  kind: SourceKind;
  /** Candidates with the same group are versions of one picture. */
  group?: number;
  descriptor?: Descriptor;
  alt?: string;
  /** Declared width/height (attributes): hints, not measurements. */
  width?: number;
  height?: number;
  /** `type` of a `<source>`. */
  mime?: string;
  placeholder?: boolean;
  /** The full size of a thumbnail: preferred over the rest of its group. */
  full_size?: boolean;
  /** Position on the page, for page order. */
  order: number;
}

/** One picture after merging: its best URL and the other versions. */
export interface Image {
  url: string;
  source: SourceKind;
  sources: SourceKind[];
  alt?: string;
  alternates: string[];
  width?: number;
  height?: number;
  order: number;
}

/** What is known of an image's file; an unknown value passes every filter. */
export interface Measured {
  width?: number | null;
  height?: number | null;
  format?: Format | null;
  bytes?: number | null;
}

/** An image with what was measured of it, as `filter` and `sortImages` take it. */
export interface Item {
  image: Image;
  measured?: Measured;
}

export interface PageOptions {
  /** `--deep`: image URLs in inline scripts and JSON; same-origin iframes listed. */
  deep?: boolean;
  /** The user's site rules (TOML), used with the built-in ones. */
  siteRules?: string;
  /** `true`: only the product's own pictures; `false`: every image; absent: as the site rules say. */
  main?: boolean;
}

export interface Discovered {
  title?: string;
  candidates: Candidate[];
  /** Linked stylesheets: fetch each and hand it to `discoverCss`. */
  stylesheets: string[];
  /** With `deep`: same-origin iframes to fetch and hand to `discover`. */
  iframes: string[];
}

export interface CssDiscovered {
  candidates: Candidate[];
  /** `@import`ed stylesheets, to fetch in turn. */
  imports: string[];
}

/** One original-size candidate and the HD rule that made it. */
export interface Rewrite {
  url: string;
  rule: string;
}

/** Where a rule text is wrong: `origin` is "hd-rules" or "site-rules", `line` from 1. */
export interface RuleError {
  origin: string;
  line: number;
  message: string;
}

export type Validation = { ok: true } | { error: RuleError };

/**
 * The filter flags of `imago list` / `imago grab` in camelCase. Sizes take a number of
 * bytes or text (`"20k"`, `"1.5MB"`: powers of 1000; `"300KiB"`, `"2MiB"`: of 1024);
 * ratios a number or text (`"16:9"`, `"square"`);
 * patterns are substrings, globs (`*`, `?`) or `re:REGEX`.
 */
export interface FilterSpec {
  minWidth?: number;
  maxWidth?: number;
  minHeight?: number;
  maxHeight?: number;
  minBytes?: number | string;
  maxBytes?: number | string;
  minAspect?: number | string;
  maxAspect?: number | string;
  formats?: string[];
  include?: string[];
  exclude?: string[];
  allowDomains?: string[];
  denyDomains?: string[];
  sources?: SourceKind[];
}

export type RejectRule =
  | "width" | "height" | "bytes" | "aspect" | "format" | "include" | "exclude" | "domain"
  | "source" | "other";

export interface Filtered {
  /** Indices of the items kept, in input order. */
  kept: number[];
  /** Indices of the items turned away, with the command line's reason text. */
  rejected: { index: number; rule: RejectRule; reason: string }[];
  /** A size, byte, ratio or format filter is set: probe unmeasured images, filter again. */
  needsMeasure: boolean;
}

export type SortKey = "page" | "area" | "width" | "height" | "bytes" | "size" | "url";

/** What `renderNames` knows of one image; extra fields are ignored. */
export interface NameItem {
  url: string;
  pageUrl: string;
  title?: string;
  alt?: string;
  width?: number;
  height?: number;
  /** Extension of the probed format (`"jpg"`); else taken from the URL. */
  ext?: string;
  /** SHA-256 of the content in hex, for `{hash8}`. */
  hash8?: string;
  /** `{n}`; the position in the list (from 1) when absent. */
  n?: number;
}

export type Probed =
  | { format: Format; width: number; height: number; orientation?: number }
  | { needMore: number }
  | { notImage: string };

/** One ad/tracker list for `new AdLists(...)`: its name (for errors) and its text. */
export interface ListText {
  name: string;
  text: string;
}

export interface ProductOptions {
  /** The user's site rules (TOML), used with the built-in ones (`[site.fields]`). */
  siteRules?: string;
}

/** Where a product field came from, most trusted first. */
export type ProductSource = "siterule" | "jsonld" | "microdata" | "rdfa" | "meta" | "heuristic";

/** A price: `amount` decimal with `.` (`"1299.00"`), `max` the top of a range,
 * `currency` ISO 4217 when known, `raw` as the page wrote it. */
export interface ProductPrice {
  amount: string;
  max?: string;
  currency: string | null;
  raw: string;
}

/** What `product` reads from a page: the object of `imago product --json`. `null`: the
 * page does not say. */
export interface ProductJson {
  url: string;
  title: string | null;
  price: ProductPrice | null;
  /** The price before a sale, when the page shows both. */
  list_price: ProductPrice | null;
  sku: string | null;
  mpn: string | null;
  gtin: string | null;
  brand: string | null;
  /** A schema.org ItemAvailability name: `InStock`, `OutOfStock`, `PreOrder`, ... */
  availability: string | null;
  description: string | null;
  /** Image URLs the structured data names, as written. */
  images: string[];
  /** The sizes, colours, ... it is sold in, each with its own SKU, price, stock, pictures. */
  variants: ProductVariant[];
  /** What a shopper picks from: `{"size": ["S", "M"], "color": ["Red"]}`. */
  options: Record<string, string[]>;
  /** Each named field's source. */
  source: Partial<Record<"title" | "price" | "list_price" | "sku" | "mpn" | "gtin" | "brand" | "availability" | "description", ProductSource>>;
}

/** One variant of a product (from the structured data). */
export interface ProductVariant {
  /** What tells it apart: `{"color": "Red", "size": "M"}`. */
  options: Record<string, string>;
  name: string | null;
  sku: string | null;
  gtin: string | null;
  price: ProductPrice | null;
  availability: string | null;
  /** Its own pictures, as written. */
  images: string[];
  /** Its own page, when it has one. */
  url: string | null;
}

/** One page of `products.csv`. */
export interface ProductCsvRow {
  /** The page (the product's `url` when absent). */
  url?: string;
  product: ProductJson;
  /** Where its pictures were saved, and their file names there. */
  folder?: string;
  files?: string[];
}

/** A video a page names (`imago list --video`). */
export interface VideoRef {
  url: string;
  kind: "hls" | "file";
  source: "video" | "source" | "lazy" | "link" | "meta" | "json-ld" | "script" | "resource";
  poster?: string;
  order: number;
}

/** One variant of an HLS master playlist. */
export interface PlaylistVariant {
  url: string;
  width: number | null;
  height: number | null;
  bandwidth: number;
  codecs: string | null;
  /** The separate audio rendition that plays with it. */
  audio: string | null;
}

/** What an HLS playlist offers (`readPlaylist`). */
export interface PlaylistInfo {
  kind: "master" | "media";
  /** Best first; empty for a media playlist. */
  variants: PlaylistVariant[];
  /** A master's audio rendition playlists: part of this stream. */
  renditions: string[];
  /** Seconds, for a media playlist. */
  duration: number | null;
  segments: number | null;
  live: boolean | null;
  encrypted: boolean | null;
}

export interface ProductCsvOptions {
  /** A UTF-8 byte-order mark first, for spreadsheet programs. */
  bom?: boolean;
}

export interface SiteSuggestOptions {
  /** The user's site rules (TOML), in force with the built-in ones. */
  siteRules?: string;
}

export interface HdSuggestOptions {
  /** The user's HD rules (TOML), in force before the built-in ones. */
  hdRules?: string;
}

/** What a suggested site rule reads on one page, beside what the page gives without it. */
export interface SuggestedPageCheck {
  url: string;
  fields: {
    field: string;
    /** What the rule reads (`null`: its selector gives nothing here). */
    rule: string | null;
    /** What the page gives without the rule. */
    page: string | null;
    agrees: boolean;
  }[];
  /** Pictures main mode keeps with the rule's gallery, on its heuristics, and both;
   * `null` when the rule names no gallery. */
  gallery: { rule: number; heuristic: number; both: number } | null;
}

/** A site rule learned from a page (`imago rules suggest`). */
export interface SiteRuleSuggestion {
  /** `suggested-<host>`, not a name of the rules in force. */
  name: string;
  /** The host glob the rule matches. */
  host: string;
  /** One `[[site]]` table. */
  ruleToml: string;
  /** `[site.fields]`: a CSS selector or `url:REGEX`, and what it reads on the page. */
  fields: { field: string; selector: string; value: string | null }[];
  /** The rule's `gallery` selectors (empty: none learned). */
  gallery: string[];
  /** Fields the page gives that no selector reads right. */
  unanchored: string[];
  /** Fields (and `gallery`) the rules in force already read: not learned again. */
  covered: string[];
  pages: SuggestedPageCheck[];
}

/** An HD rule learned from a page's thumbnail/full-size pairs (`imago rules suggest-hd`). */
export interface HdRuleSuggestion {
  host: string;
  name: string;
  /** One `[[rule]]` table. */
  ruleToml: string;
  /** Pairs of the host the rule rewrites; `checked` of them to their full size. */
  pairs: number;
  checked: number;
  /** Up to three `[thumbnail, full size]` pairs it maps. */
  examples: [string, string][];
}

export interface Vocabulary {
  formats: Format[];
  sources: SourceKind[];
  sortKeys: SortKey[];
  nameVariables: string[];
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = TYPESCRIPT;
