// The grid page: every image of one tab (`grid.html?tab=<tabId>`), merged by the core.
// MINIMAL FIRST VERSION: collect, merge, one card per image with `data-url`.
import { call } from '../shared/messages.ts';
import { loadCore } from '../shared/core.ts';
import { localize, t } from '../shared/i18n.ts';

async function main(): Promise<void> {
  localize();
  const tabId = Number(new URLSearchParams(location.search).get('tab'));
  const status = document.getElementById('status')!;
  if (!Number.isInteger(tabId) || tabId < 0) {
    status.textContent = t('gridNoTab');
    return;
  }
  const [core, frames] = await Promise.all([loadCore(), call('collect', { tabId })]);
  const images = core.merge(frames.flatMap((f) => f.candidates));
  const grid = document.getElementById('grid')!;
  for (const image of images) {
    const card = document.createElement('figure');
    card.className = 'card';
    card.dataset.url = image.url;
    const img = document.createElement('img');
    img.loading = 'lazy';
    img.src = image.url;
    card.append(img);
    grid.append(card);
  }
  status.textContent = t('gridCount', String(images.length));
}

main().catch((e: unknown) => {
  document.getElementById('status')!.textContent = e instanceof Error ? e.message : String(e);
});
