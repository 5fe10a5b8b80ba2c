// Text from _locales/: every visible string goes through here, and into the page as text
// nodes only (page content is hostile: never innerHTML).

/** The message `key` of the browser's language, or the key itself when it is missing. */
export function t(key: string, ...substitutions: string[]): string {
  return chrome.i18n.getMessage(key, substitutions) || key;
}

/** Fills every `[data-i18n]` element's text (and `[data-i18n-title]`'s title) under `root`. */
export function localize(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n ?? '');
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle ?? '');
  }
}
