/**
 * Which dialog is open, so any view (a row action, a drop on the sidebar, an error's fix button) can
 * open one and the App renders it once, above everything.
 */
import { create } from 'zustand';
import type { ImageGroup } from '../../stores/images-store';
import type { CopySource } from './CopyOptions';

/** What the Tag dialog starts with. `registry` is a picker value (see registry-choices.ts). */
export interface TagDialogRequest {
  /** The local image to tag: one of its names, or its ID. */
  source: string;
  /** Preselected registry picker value, e.g. 'local' or 'docker.io'. */
  registry?: string;
  /** 'push' makes "Tag and push" the primary button (Push to…, drag and drop). */
  intent: 'tag' | 'push' | 'copy';
  /** With intent 'copy': the registry image copied (issue 21); `source` is then its name. */
  copy?: CopySource;
}

export type OpenDialog =
  | { kind: 'tag'; request: TagDialogRequest }
  | { kind: 'remove'; group: ImageGroup }
  /** Without a registry, the dialog asks which. */
  | { kind: 'login'; registry?: string; onLoggedIn?: () => void }
  | { kind: 'add-registry' };

interface DialogState {
  open: OpenDialog | undefined;
  /**
   * Counts openings: the host keys the dialog by it, so a dialog opened while another of the same kind
   * is showing starts fresh (its fields, its choice) instead of keeping the previous one's.
   */
  opening: number;
  show: (dialog: OpenDialog) => void;
  close: () => void;
}

export const useDialogStore = create<DialogState>((set) => ({
  open: undefined,
  opening: 0,
  show: (dialog) => set((state) => ({ open: dialog, opening: state.opening + 1 })),
  close: () => set({ open: undefined }),
}));
