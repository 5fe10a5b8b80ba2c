// The grid's "search by image" choices: the enabled engines of the user's settings, in
// their order, then "my imago server" when it offers search.
import { SERVER_ENGINE_ID, orderedEngines, serverSearches } from '../shared/engines.ts';
import type { Settings } from '../shared/settings.ts';

export interface EngineChoice {
  id: string;
  name: string;
}

export function searchEngineChoices(settings: Pick<Settings, 'engines' | 'server'>): EngineChoice[] {
  const out: EngineChoice[] = orderedEngines(settings.engines)
    .filter((e) => e.enabled)
    .map(({ engine }) => ({ id: engine.id, name: engine.name }));
  if (serverSearches(settings)) out.push({ id: SERVER_ENGINE_ID, name: 'imago' });
  return out;
}
