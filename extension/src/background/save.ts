// Saving and uploading for the background's actions (menus, screenshots, all tabs): the
// grid's own modules, so a file saved from a menu is named exactly as from the grid.
export { downloadImages, today } from '../shared/download.ts';
export { uploadImage } from '../shared/upload.ts';

/** Saves a `data:` URL (a screenshot) as `filename` under the download folder. */
export async function saveDataUrl(dataUrl: string, filename: string): Promise<void> {
  await chrome.downloads.download({ url: dataUrl, filename, saveAs: false, conflictAction: 'uniquify' });
}

/** `blob` as a `data:` URL (a service worker has no URL.createObjectURL). */
export async function toDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(bin)}`;
}
