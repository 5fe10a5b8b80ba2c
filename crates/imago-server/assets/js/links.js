// The forms people paste an uploaded image in. Adding a form is adding a row.

const md = (s) => s.replace(/[\\[\]()]/g, '\\$&');
const html = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const bb = (s) => s.replace(/[[\]]/g, '');

export const FORMS = [
  { key: 'link.direct', make: (i) => i.url },
  { key: 'link.viewer', make: (i) => i.viewer },
  { key: 'link.markdown', make: (i) => `![${md(i.alt)}](${i.url})` },
  { key: 'link.html', make: (i) => `<a href="${html(i.viewer)}"><img src="${html(i.url)}" alt="${html(i.alt)}"></a>` },
  { key: 'link.bbcode', make: (i) => `[url=${bb(i.viewer)}][img]${bb(i.url)}[/img][/url]` },
  { key: 'link.delete', make: (i) => i.deleteUrl },
];

/** The link rows of one uploaded image (Chevereto's `image` object). */
export function linksOf(image, fileName) {
  const info = {
    url: image.url,
    viewer: image.url_viewer,
    deleteUrl: image.delete_url,
    alt: (image.title || fileName || image.filename || '').toString(),
  };
  return FORMS.filter((f) => f.make(info)).map((f) => ({ key: f.key, text: f.make(info) }));
}
