// The engines list of the options page: a checkbox and up/down buttons per engine.
import { moveEngine, orderedEngines, setEngineEnabled } from '../shared/engines.ts';
import type { EngineState } from '../shared/settings.ts';
import { t } from '../shared/i18n.ts';

/** Draws the list into `ol` and keeps `state.engines` up to date as the user edits it. */
export function enginesList(ol: HTMLElement, state: { engines: EngineState[] }): void {
  const draw = () => {
    ol.replaceChildren();
    const rows = orderedEngines(state.engines);
    for (const [i, { engine, enabled }] of rows.entries()) {
      const li = document.createElement('li');
      li.dataset.engine = engine.id;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = enabled;
      box.id = `engine-${engine.id}`;
      box.addEventListener('change', () => {
        state.engines = setEngineEnabled(state.engines, engine.id, box.checked);
      });
      const name = document.createElement('label');
      name.className = 'name';
      name.htmlFor = box.id;
      name.textContent = engine.name;
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = engine.kind === 'url' ? t('optEngineUrl') : t('optEnginePage');
      const up = document.createElement('button');
      up.type = 'button';
      up.textContent = '↑';
      up.title = t('optEngineUp');
      up.disabled = i === 0;
      up.addEventListener('click', () => {
        state.engines = moveEngine(state.engines, engine.id, -1);
        draw();
      });
      const down = document.createElement('button');
      down.type = 'button';
      down.textContent = '↓';
      down.title = t('optEngineDown');
      down.disabled = i === rows.length - 1;
      down.addEventListener('click', () => {
        state.engines = moveEngine(state.engines, engine.id, 1);
        draw();
      });
      li.append(box, name, up, down, kind);
      ol.append(li);
    }
  };
  draw();
}
