// The filter controls and the FilterSpec they stand for. The core checks and applies the
// spec, so the grid filters exactly as `imago list` does with the same flags.
import type { FilterSpec, SourceKind } from 'imago-wasm';

/** What the controls hold. */
export interface FilterControls {
  minWidth: number;
  minHeight: number;
  formats: string[];
  urlText: string;
  sources: SourceKind[];
}

/** The spec for the core: the user's default filters, overridden by the controls. */
export function specOf(c: FilterControls, defaults: FilterSpec = {}): FilterSpec {
  const spec: FilterSpec = { ...defaults };
  delete spec.minWidth;
  delete spec.minHeight;
  delete spec.formats;
  delete spec.sources;
  if (c.minWidth > 0) spec.minWidth = c.minWidth;
  if (c.minHeight > 0) spec.minHeight = c.minHeight;
  if (c.formats.length > 0) spec.formats = [...c.formats];
  if (c.sources.length > 0) spec.sources = [...c.sources];
  const text = c.urlText.trim();
  const include = (defaults.include ?? []).slice(1);
  if (text) include.unshift(text);
  if (include.length > 0) spec.include = include;
  else delete spec.include;
  return spec;
}

/** The controls as the user's default filters set them (the first include pattern goes in
 * the URL box). */
export function controlsOf(defaults: FilterSpec): FilterControls {
  return {
    minWidth: defaults.minWidth ?? 0,
    minHeight: defaults.minHeight ?? 0,
    formats: [...(defaults.formats ?? [])],
    urlText: defaults.include?.[0] ?? '',
    sources: [...(defaults.sources ?? [])],
  };
}
