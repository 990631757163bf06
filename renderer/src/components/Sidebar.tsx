/**
 * The sidebar: local images, the registries the user works with and Docker's logins for them, and
 * Docker Engine settings. A registry item is a drop target: dropping an image row on it opens the Tag
 * dialog for that registry; dropping another registry's tag opens it to copy the tag there.
 */
import { useAppStore, type ViewId } from '../stores/app-store';
import { guideCount, useGuideStore } from '../stores/guide-store';
import { useRemoteRegistriesStore } from '../stores/remote-registries-store';
import { useDialogStore } from './dialogs/dialog-store';
import { readDraggedTag, TAG_DRAG_TYPE } from './dialogs/tag-drag';
import type { CopySource } from './dialogs/CopyOptions';
import { AnchorIcon, PlusIcon } from './icons';

/** A status dot's colour (styles.css): green running, grey stopped, amber on the way, red crashed. */
export type DotState = 'on' | 'idle' | 'wait' | 'off';

export interface SidebarRegistry {
  id: string;
  label: string;
  detail?: string;
  view: ViewId;
  /** The local registry's status dot. */
  state?: DotState;
}

/** A saved registry's host goes on its own line, whole (a long host cut short hid which one it was). */
function hostBelow(extra: { detail?: string; registry?: SidebarRegistry } | undefined): boolean {
  return extra?.detail !== undefined && extra.registry !== undefined && extra.registry.id !== 'local';
}

function sameView(a: ViewId, b: ViewId): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function Sidebar({
  registries,
  onDropImage,
  onDropTag,
}: {
  registries: SidebarRegistry[];
  onDropImage?: (registry: SidebarRegistry, image: string) => void;
  /** A registry's tag dropped here: copy it to this registry (issue 21). */
  onDropTag?: (registry: SidebarRegistry, tag: CopySource) => void;
}) {
  const view = useAppStore((state) => state.view);
  const setView = useAppStore((state) => state.setView);
  const showDialog = useDialogStore((state) => state.show);
  const loginCount = useRemoteRegistriesStore((state) => state.overview?.logins.length ?? 0);
  const guide = useGuideStore((state) => state.progress);
  const guideDone = guide ? guideCount(guide) : undefined;

  const item = (
    id: string,
    label: string,
    target: ViewId,
    extra?: { detail?: string; state?: DotState; registry?: SidebarRegistry },
  ) => (
    <li key={id}>
      <button
        type="button"
        className={`nav-item${sameView(view, target) ? ' active' : ''}${hostBelow(extra) ? ' host-below' : ''}`}
        aria-current={sameView(view, target) ? 'page' : undefined}
        onClick={() => setView(target)}
        title={
          extra?.registry && onDropImage ? 'Drop an image here to push it, or a tag to copy it' : undefined
        }
        onDragOver={
          extra?.registry && (onDropImage || onDropTag)
            ? (event) => {
                const types = event.dataTransfer.types;
                if (
                  (onDropImage && types.includes('application/x-berth-image')) ||
                  (onDropTag && types.includes(TAG_DRAG_TYPE))
                ) {
                  event.preventDefault();
                  event.currentTarget.classList.add('drop-target');
                }
              }
            : undefined
        }
        onDragLeave={(event) => event.currentTarget.classList.remove('drop-target')}
        onDrop={
          extra?.registry && (onDropImage || onDropTag)
            ? (event) => {
                event.currentTarget.classList.remove('drop-target');
                const image = event.dataTransfer.getData('application/x-berth-image');
                const tag = readDraggedTag(event.dataTransfer);
                if (image && onDropImage) {
                  event.preventDefault();
                  onDropImage(extra.registry!, image);
                } else if (tag && onDropTag) {
                  event.preventDefault();
                  onDropTag(extra.registry!, tag);
                }
              }
            : undefined
        }
      >
        {extra?.state && <span className={`dot ${extra.state}`} aria-hidden="true" />}
        <span className="nav-label">{label}</span>
        {extra?.detail && <span className="nav-detail">{extra.detail}</span>}
      </button>
    </li>
  );

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <AnchorIcon />
        </span>{' '}
        Berth
      </div>
      <h2 className="nav-heading">This computer</h2>
      <ul className="nav-list">{item('images', 'Images', { kind: 'images' })}</ul>
      <h2 className="nav-heading">Registries</h2>
      <ul className="nav-list" aria-label="Registries">
        {registries.map((registry) =>
          item(registry.id, registry.label, registry.view, {
            ...(registry.detail ? { detail: registry.detail } : {}),
            ...(registry.state ? { state: registry.state } : {}),
            registry,
          }),
        )}
        <li>
          <button
            type="button"
            className="nav-item nav-add"
            onClick={() => showDialog({ kind: 'add-registry' })}
          >
            <PlusIcon />
            <span className="nav-label">Add registry…</span>
          </button>
        </li>
      </ul>
      <ul className="nav-list">
        {item(
          'logins',
          'Logins',
          { kind: 'logins' },
          loginCount > 0 ? { detail: String(loginCount) } : undefined,
        )}
      </ul>
      <div className="nav-spacer" />
      <ul className="nav-list">
        {item(
          'getting-started',
          'Getting started',
          { kind: 'getting-started' },
          guideDone && !guide?.hidden && guideDone.done < guideDone.total
            ? { detail: `${guideDone.done}/${guideDone.total}` }
            : undefined,
        )}
        {item('docker-engine', 'Docker Engine settings', { kind: 'docker-engine' })}
      </ul>
    </nav>
  );
}
