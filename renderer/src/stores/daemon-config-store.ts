/**
 * Docker Engine settings (daemon.json) as the UI edits them: read → preview with a diff → confirm →
 * write → apply → verify, each step's result kept so the view can say exactly where things stand.
 */
import { create } from 'zustand';
import type { AppErrorData } from '../../../electron/api/contract';
import type {
  DaemonConfigApplyResult,
  DaemonConfigPreview,
  DaemonConfigRaw,
  DaemonConfigSnapshot,
  DaemonConfigStep,
  DaemonConfigVerifyResult,
  DaemonConfigWriteResult,
} from '../../../electron/api/contract/daemon-config';
import { api, errorData } from '../api/client';

export interface PendingChange {
  addInsecureRegistries?: string[];
  removeInsecureRegistries?: string[];
  addRegistryMirrors?: string[];
  removeRegistryMirrors?: string[];
}

export type SavePhase = 'idle' | 'previewing' | 'saving' | 'applying' | 'verifying' | 'done';

/** A save is being written, applied or verified: no other change may start (see `propose`). */
export function isSaving(phase: SavePhase): boolean {
  return phase === 'saving' || phase === 'applying' || phase === 'verifying';
}

interface DaemonConfigState {
  snapshot: DaemonConfigSnapshot | undefined;
  /** Set when the file could not be read (DAEMON_CONFIG_INVALID carries the raw text in `raw`). */
  readError: AppErrorData | undefined;
  /** The file's text and version when it does not parse, for the raw editor. */
  raw: DaemonConfigRaw | undefined;
  preview: DaemonConfigPreview | undefined;
  pending: PendingChange | undefined;
  phase: SavePhase;
  error: AppErrorData | undefined;
  written: DaemonConfigWriteResult | undefined;
  applied: DaemonConfigApplyResult | undefined;
  verified: DaemonConfigVerifyResult | undefined;
  load: () => Promise<void>;
  /**
   * Preview a change; answers whether the preview is now on screen. Refused (false) while a save is
   * being written, applied or verified: a second change then would hide that save's progress and
   * allow a second save alongside it.
   */
  propose: (change: PendingChange) => Promise<boolean>;
  discard: () => void;
  confirm: () => Promise<boolean>;
  saveRaw: (text: string, baseVersion: string) => Promise<void>;
}

/** The save phase each step of `daemonConfig.save` puts the view in while it runs. */
const PHASE_OF_STEP: Record<DaemonConfigStep['step'], SavePhase> = {
  write: 'saving',
  apply: 'applying',
  verify: 'verifying',
};

export const useDaemonConfigStore = create<DaemonConfigState>((set, get) => ({
  snapshot: undefined,
  readError: undefined,
  raw: undefined,
  preview: undefined,
  pending: undefined,
  phase: 'idle',
  error: undefined,
  written: undefined,
  applied: undefined,
  verified: undefined,
  async load() {
    try {
      set({ snapshot: await api.call('daemonConfig.read', {}), readError: undefined, raw: undefined });
    } catch (error) {
      const readError = errorData(error);
      const raw =
        readError.code === 'DAEMON_CONFIG_INVALID'
          ? await api.call('daemonConfig.readRaw', {}).catch(() => undefined)
          : undefined;
      set({ snapshot: undefined, readError, raw });
    }
  },
  async propose(change) {
    const { snapshot: base, phase } = get();
    if (!base || phase === 'previewing' || isSaving(phase)) return false;
    set({
      phase: 'previewing',
      error: undefined,
      written: undefined,
      applied: undefined,
      verified: undefined,
    });
    try {
      const preview = await api.call('daemonConfig.preview', { ...change, baseVersion: base.version });
      set({ preview, pending: change, phase: 'idle' });
      return true;
    } catch (error) {
      set({ error: errorData(error), phase: 'idle', preview: undefined, pending: undefined });
      return false;
    }
  },
  discard: () => set({ preview: undefined, pending: undefined }),
  async confirm() {
    const { preview, pending } = get();
    if (!preview || !pending) return false;
    set({ phase: 'saving', error: undefined });
    // One host command writes, applies and verifies; its steps move the phase shown.
    const operationId = crypto.randomUUID();
    const stopListening = api.on('daemonConfig.step', (event) => {
      if (event.operationId === operationId && event.state === 'running')
        set({ phase: PHASE_OF_STEP[event.step] });
    });
    try {
      const outcome = await api.call('daemonConfig.save', {
        ...pending,
        baseVersion: preview.baseVersion,
        operationId,
        confirm: true,
      });
      set({
        ...(outcome.written ? { written: outcome.written } : {}),
        applied: outcome.applied,
        verified: outcome.verified ?? undefined,
        preview: undefined,
        phase: 'done',
        pending: undefined,
      });
      await get().load();
      return outcome.verified?.ok ?? true;
    } catch (error) {
      const data = errorData(error);
      set({ error: data, phase: 'idle', written: undefined, applied: undefined, verified: undefined });
      // Someone else changed the file: show what is there now; the user's change is re-proposed on top.
      if (data.code === 'DAEMON_CONFIG_CHANGED') {
        await get().load();
        set({ preview: undefined });
      }
      return false;
    } finally {
      stopListening();
    }
  },
  async saveRaw(text, baseVersion) {
    // The same one host command as a structured change: write, reload, verify, each step told.
    set({ phase: 'saving', error: undefined, written: undefined, applied: undefined, verified: undefined });
    const operationId = crypto.randomUUID();
    const stopListening = api.on('daemonConfig.step', (event) => {
      if (event.operationId === operationId && event.state === 'running')
        set({ phase: PHASE_OF_STEP[event.step] });
    });
    try {
      const outcome = await api.call('daemonConfig.save', {
        rawText: text,
        baseVersion,
        operationId,
        confirm: true,
      });
      set({
        ...(outcome.written ? { written: outcome.written } : {}),
        applied: outcome.applied,
        verified: outcome.verified ?? undefined,
        phase: 'done',
      });
      await get().load();
    } catch (error) {
      set({ error: errorData(error), phase: 'idle' });
    } finally {
      stopListening();
    }
  },
}));

export function connectDaemonConfigStore(): void {
  api.on('daemonConfig.changed', () => void useDaemonConfigStore.getState().load());
}
