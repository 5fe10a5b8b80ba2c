// The tab picker of "download from all tabs": every web tab of every window, all checked;
// the user unchecks what to leave out, and each checked tab is saved into its own folder.
import { call } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import '../background/api.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export async function showTabs(): Promise<void> {
  $('actions').hidden = true;
  $('tabs').hidden = false;
  const list = $('tab-list');
  list.replaceChildren();
  const tabs = (await chrome.tabs.query({})).filter((tab) => tab.id !== undefined && /^(https?|file):/.test(tab.url ?? ''));
  for (const tab of tabs) {
    const li = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.value = String(tab.id);
    box.id = `tab-${tab.id}`;
    const label = document.createElement('label');
    label.htmlFor = box.id;
    const text = document.createElement('span');
    // Titles and URLs are the pages' own text: text nodes only.
    text.textContent = tab.title || tab.url || '';
    text.title = tab.url ?? '';
    label.append(text);
    li.append(box, label);
    li.dataset.tabId = String(tab.id);
    list.append(li);
  }
  const boxes = () => [...list.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
  $('tabs-all').onclick = () => boxes().forEach((b) => (b.checked = true));
  $('tabs-none').onclick = () => boxes().forEach((b) => (b.checked = false));
  $('tabs-download').onclick = () => {
    const tabIds = boxes().filter((b) => b.checked).map((b) => Number(b.value));
    const results = $('tab-results');
    results.replaceChildren();
    $('status').textContent = t('popupTabsWorking', String(tabIds.length));
    void call('downloadTabs', { tabIds }).then(
      (outs) => {
        for (const o of outs) {
          const li = document.createElement('li');
          li.dataset.tabId = String(o.tabId);
          li.textContent = o.error
            ? t('popupTabFailed', o.title, o.error)
            : t('popupTabDone', o.title, String(o.saved), o.folder, String(o.failed));
          results.append(li);
        }
        $('status').textContent = t('popupTabsDone');
      },
      (e: unknown) => ($('status').textContent = e instanceof Error ? e.message : String(e)),
    );
  };
}
