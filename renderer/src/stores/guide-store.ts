/**
 * The Getting started checklist as the host assessed it (`guide.progress`), live from its event. The
 * host ticks the steps; the renderer only asks to hide, show or reset it.
 */
import { create } from 'zustand';
import type { GuideProgress } from '../../../electron/api/contract/guide';
import { api } from '../api/client';
import { useAppStore } from './app-store';

interface GuideState {
  progress: GuideProgress | undefined;
  setHidden: (hidden: boolean) => Promise<void>;
  reset: () => Promise<void>;
}

export const useGuideStore = create<GuideState>((set) => ({
  progress: undefined,
  async setHidden(hidden) {
    set({ progress: await api.call('guide.setHidden', { hidden }) });
  },
  async reset() {
    set({ progress: await api.call('guide.reset', {}) });
  },
}));

/** How many steps are done, of how many. */
export function guideCount(progress: GuideProgress): { done: number; total: number } {
  return { done: progress.steps.filter((step) => step.done).length, total: progress.steps.length };
}

/** Wire the store to the host once, at start-up; the first answer opens the checklist on a first run. */
export function connectGuideStore(): void {
  let firstAnswer = true;
  const load = async () => {
    const progress = await api.call('guide.progress', {});
    useGuideStore.setState({ progress });
    if (firstAnswer) {
      firstAnswer = false;
      const finished = guideCount(progress).done === progress.steps.length;
      const app = useAppStore.getState();
      // Opens on the checklist until it is hidden or finished, unless the user already went elsewhere.
      if (!progress.hidden && !finished && app.view.kind === 'images')
        app.setView({ kind: 'getting-started' });
    }
  };
  api.on('guide.progress', (progress) => useGuideStore.setState({ progress }));
  // Help → Getting started in the desktop app: the view un-hides it when it opens.
  api.on('guide.open', () => useAppStore.getState().setView({ kind: 'getting-started' }));
  api.onConnection((link) => {
    if (link === 'open') void load().catch(() => undefined);
  });
  void load().catch(() => undefined);
}
