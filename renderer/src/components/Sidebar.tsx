/**
 * The sidebar: local images, the registries the user works with and Docker's logins for them, and
 * Docker Engine settings. A registry item is a drop target: dropping an image row on it opens the Tag
 * dialog for that registry.
 */
import { useAppStore, type ViewId } from '../stores/app-store';
import { guideCount, useGuideStore } from '../stores/guide-store';
import { useRemoteRegistriesStore } from '../stores/remote-registries-store';
import { useDialogStore } from './dialogs/dialog-store';
import { PlusIcon } from './icons';

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
}: {
  registries: SidebarRegistry[];
  onDropImage?: (registry: SidebarRegistry, image: string) => void;
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
        title={extra?.registry && onDropImage ? 'Drop an image here to push it' : undefined}
        onDragOver={
          extra?.registry && onDropImage
            ? (event) => {
                if (event.dataTransfer.types.includes('application/x-berth-image')) {
                  event.preventDefault();
                  event.currentTarget.classList.add('drop-target');
                }
              }
            : undefined
        }
        onDragLeave={(event) => event.currentTarget.classList.remove('drop-target')}
        onDrop={
          extra?.registry && onDropImage
            ? (event) => {
                event.currentTarget.classList.remove('drop-target');
                const image = event.dataTransfer.getData('application/x-berth-image');
                if (image) {
                  event.preventDefault();
                  onDropImage(extra.registry!, image);
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
          ⚓
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
