// Small DOM helpers. Text from the server or from files only ever goes in through
// textContent, value or attributes set one by one: never parsed as markup.

export const $ = (id) => document.getElementById(id);

export function fromTemplate(id) {
  return $(id).content.firstElementChild.cloneNode(true);
}

export function show(el, visible) { el.hidden = !visible; }
