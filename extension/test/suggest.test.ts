// "Suggest rules for this site" with the real core: what it learns from the e2e shop page
// (a classed price, SKU and stock, no structured data; thumbnails linking to their large
// selves), and adding a rule: appended after a blank line, never rewriting the user's
// text, refused when the name is taken or the text would not load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addRule, appendRule, fieldRows, galleryCount, hdExamples, ruleChecks } from '../src/grid/suggest.ts';
import { core } from './grid-core.ts';

const LAMP_URL = 'http://127.0.0.1:8000/suggest/lamp.html';
const lamp = () => fs.readFileSync(path.resolve(import.meta.dirname, '../e2e/pages/suggest/lamp.html'), 'utf8');
const SITE = '[[site]]\nname = "mine"\nmatch = ["a.example"]\n[site.fields]\nprice = ".p"';

test('appendRule: after a blank line, the text before it untouched', () => {
  const rule = '[[site]]\nname = "x"\nmatch = ["x.example"]\n';
  assert.equal(appendRule('', rule), rule);
  assert.equal(appendRule(SITE, rule), `${SITE}\n\n${rule}`);
  assert.equal(appendRule(`${SITE}\n`, rule), `${SITE}\n\n${rule}`);
  assert.equal(appendRule(`${SITE}\n\n\n`, rule), `${SITE}\n\n\n\n${rule}`, 'the user\'s blank lines are kept');
  assert.equal(appendRule('# my notes', rule.trimEnd()), `# my notes\n\n${rule}`, 'the rule ends its line');
  for (const before of ['', SITE, `${SITE}\n`, '# only a comment\n']) {
    assert.ok(appendRule(before, rule).startsWith(before), JSON.stringify(before));
  }
});

test('the site rule learned from the lamp page reads price, SKU and stock, and its gallery', () => {
  const s = core.suggestSiteRule(lamp(), LAMP_URL, {});
  assert.deepEqual(fieldRows(s), [
    { field: 'price', selector: '.price-current', value: '89.50' },
    { field: 'sku', selector: '.sku', value: 'LMP-2041' },
    { field: 'availability', selector: '.stock-status', value: 'InStock' },
  ]);
  assert.equal(galleryCount(s), 3);
  assert.equal(s.name, 'suggested-127.0.0.1');
  assert.throws(() => core.suggestSiteRule('<p>hello</p>', 'https://blog.example/post', {}), /nothing to suggest/);
});

test('the HD rule learned from the lamp page: checked 3 of 3 pairs, small/ -> large/', () => {
  const [s, ...rest] = core.suggestHdRules(lamp(), LAMP_URL, {});
  assert.ok(s);
  assert.deepEqual(rest, []);
  assert.deepEqual([s.checked, s.pairs], [3, 3]);
  assert.deepEqual(hdExamples(s)[0], ['http://127.0.0.1:8000/suggest/img/small/lamp-1.jpg', 'http://127.0.0.1:8000/suggest/img/large/lamp-1.jpg']);
  assert.equal(core.hdCandidates('http://127.0.0.1:8000/x/small/desk.jpg', s.ruleToml)[0]?.url, 'http://127.0.0.1:8000/x/large/desk.jpg');
});

test('addRule: appended and checked by the core; a taken name or broken text refused', () => {
  const s = core.suggestSiteRule(lamp(), LAMP_URL, {});
  const site = ruleChecks('site', core);
  const added = addRule(SITE, s, site);
  assert.ok('text' in added, JSON.stringify(added));
  assert.equal(added.text, `${SITE}\n\n${s.ruleToml}`);
  // Added twice (another grid added it meanwhile): the name is taken.
  assert.deepEqual(addRule(added.text, s, site), { clash: 'suggested-127.0.0.1' });
  // The user's text does not load as it is: nothing is added, the line is said.
  const broken = addRule('[[site]]\nname = 3\n', s, site);
  assert.ok('broken' in broken && broken.broken.startsWith('site-rules:'), JSON.stringify(broken));
  // A rule that would not load beside the user's is refused by the whole-text check.
  const bad = addRule(SITE, { name: 'bad', ruleToml: '[[site]]\nname = "bad"\nmatch = [3]\n' }, site);
  assert.ok('broken' in bad && /^site-rules:\d+: /.test(bad.broken), JSON.stringify(bad));

  const [hd] = core.suggestHdRules(lamp(), LAMP_URL, {});
  assert.ok(hd);
  const hdChecks = ruleChecks('hd', core);
  const hdAdded = addRule('', hd, hdChecks);
  assert.deepEqual(hdAdded, { text: hd.ruleToml });
  assert.deepEqual(addRule(hd.ruleToml, hd, hdChecks), { clash: hd.name });
});
