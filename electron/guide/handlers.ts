/** The `guide.*` commands, mapped onto the GuideService. */
import type { HandlersFor } from '../api/router';
import type { GuideService } from './guide-service';

/** What the handlers are given, built by the composition root. */
export interface GuideServices {
  guide: GuideService;
}

export function createGuideHandlers({ guide }: GuideServices): HandlersFor<'guide'> {
  return {
    'guide.progress': () => guide.refresh(),
    'guide.setHidden': ({ hidden }) => guide.setHidden(hidden),
    'guide.reset': () => guide.reset(),
  };
}
