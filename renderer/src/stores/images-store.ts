/**
 * The local images, kept live: reloaded when Docker reports an image event (tag, untag, delete, pull,
 * load…) or the connection comes back. Bursts of events (a pull emits several) cause one reload.
 */
import { create } from 'zustand';
import type { LocalImage } from '../../../electron/api/contract/images';
import type { AppErrorData } from '../../../electron/api/contract';
import { api, errorData } from '../api/client';

interface ImagesState {
  images: LocalImage[];
  loaded: boolean;
  error: AppErrorData | undefined;
  filter: string;
  setFilter: (filter: string) => void;
  reload: () => Promise<void>;
}

/**
 * Reloads overlap (a debounced event, a view opening, a tag removed): only the newest one's answer is
 * kept, so a slower older answer can't bring back an image list from before the change.
 */
let latestReload = 0;

export const useImagesStore = create<ImagesState>((set) => ({
  images: [],
  loaded: false,
  error: undefined,
  filter: '',
  setFilter: (filter) => set({ filter }),
  async reload() {
    const mine = ++latestReload;
    try {
      const images = await api.call('images.list', {});
      if (mine === latestReload) set({ images, loaded: true, error: undefined });
    } catch (error) {
      if (mine === latestReload) set({ error: errorData(error), loaded: true });
    }
  },
}));

const RELOAD_DELAY_MS = 100;

export function connectImagesStore(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const scheduleReload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void useImagesStore.getState().reload(), RELOAD_DELAY_MS);
  };
  api.on('images.changed', scheduleReload);
  api.on('docker.status', (status) => {
    if (status.state === 'connected') scheduleReload();
  });
  api.onConnection((state) => {
    if (state === 'open') scheduleReload();
  });
  void useImagesStore.getState().reload();
}

/** One row per image ID, with every name it has. */
export interface ImageGroup {
  id: string;
  shortId: string;
  names: string[];
  digests: string[];
  size: number;
  created: number;
}

export function groupImages(images: LocalImage[], filter: string): ImageGroup[] {
  const needle = filter.trim().toLowerCase();
  const groups = images.map((image) => ({
    id: image.id,
    shortId: image.id.replace(/^sha256:/, '').slice(0, 12),
    names: [...image.repoTags].sort(),
    digests: image.repoDigests,
    size: image.size,
    created: image.created,
  }));
  const visible = needle
    ? groups.filter(
        (group) =>
          group.shortId.includes(needle) || group.names.some((name) => name.toLowerCase().includes(needle)),
      )
    : groups;
  return visible.sort((a, b) => b.created - a.created || a.id.localeCompare(b.id));
}
