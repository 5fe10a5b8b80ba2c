// The popup: open the grid, download from several tabs, screenshots, click-to-download.
// Shown by the toolbar button when the user chose it, or opened as a page
// (`popup.html?view=tabs` from the menus; `?tab=<id>` names the tab to act on).
import { call } from '../shared/messages.ts';
import { localize, t } from '../shared/i18n.ts';
import { loadSettings } from '../shared/settings.ts';
import '../background/api.ts';
import { showTabs } from './tabs.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

/** The tab the popup acts on: `?tab=` or the active tab of the window it was opened over. */
async function targetTab(): Promise<number | undefined> {
  const given = Number(params.get('tab'));
  if (Number.isInteger(given) && given > 0) return given;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function status(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

/** Runs a popup action, showing its error instead of failing silently. */
function action(fn: () => Promise<void>): () => void {
  return () => void fn().catch((e: unknown) => status(e instanceof Error ? e.message : String(e), true));
}

async function main(): Promise<void> {
  localize();
  if (params.get('view') === 'tabs') {
    await showTabs();
    return;
  }
  const tabId = await targetTab();
  const settings = await loadSettings();
  $('shot-upload-row').hidden = !settings.server;
  const click = $<HTMLInputElement>('click-mode');
  if (tabId !== undefined) click.checked = await call('clickModeState', { tabId }).catch(() => false);

  $('open-grid').addEventListener('click', action(async () => {
    if (tabId === undefined) return;
    await call('openGrid', { tabId });
    window.close();
  }));
  $('options').addEventListener('click', (e) => {
    e.preventDefault();
    void chrome.runtime.openOptionsPage();
  });
  $('show-tabs').addEventListener('click', action(() => showTabs()));
  const shot = (region: boolean) =>
    action(async () => {
      if (tabId === undefined) return;
      const upload = $<HTMLInputElement>('shot-upload').checked;
      // The region is dragged on the page itself: the popup must get out of the way (the
      // background keeps working after the popup closes).
      const done = call('screenshot', { tabId, region, upload });
      if (region && !params.has('tab')) window.close();
      const out = await done;
      if (out.ok) status(out.url ?? t('popupSaved', out.filename ?? ''));
      else status(out.error ?? 'failed', true);
    });
  $('shot-visible').addEventListener('click', shot(false));
  $('shot-region').addEventListener('click', shot(true));
  click.addEventListener('change', action(async () => {
    if (tabId === undefined) return;
    click.checked = await call('clickMode', { tabId, on: click.checked });
    status(click.checked ? t('popupClickOn') : t('popupClickOff'));
  }));
}

void main().catch((e: unknown) => status(e instanceof Error ? e.message : String(e), true));
