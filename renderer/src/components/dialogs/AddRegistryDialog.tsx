/** Save another registry (a company's, a friend's) so it shows in the sidebar and the Tag dialog. */
import { useState } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import { readTypedRegistryHost } from '../../../../electron/common/reference';
import { useRemoteRegistriesStore } from '../../stores/remote-registries-store';
import { useAppStore } from '../../stores/app-store';
import { ErrorWithFix } from '../ErrorWithFix';
import { Field } from '../Field';
import { Dialog } from './Dialog';
import { registryHostProblem } from './registry-choices';

export function AddRegistryDialog({ onClose }: { onClose: () => void }) {
  const add = useRemoteRegistriesStore((state) => state.add);
  const setView = useAppStore((state) => state.setView);
  const [host, setHost] = useState('');
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<AppErrorData | undefined>(undefined);
  const typed = readTypedRegistryHost(host);
  const problem = host === '' ? undefined : registryHostProblem(host);
  const save = async () => {
    if (registryHostProblem(host)) return;
    const error = await add(typed.host, name);
    if (error) {
      setFailure(error);
      return;
    }
    onClose();
    setView({ kind: 'registry', host: typed.host.toLowerCase() });
  };
  return (
    <Dialog
      title="Add a registry"
      onClose={onClose}
      actions={
        <>
          <button
            type="button"
            className="button primary"
            disabled={host === '' || problem !== undefined}
            onClick={() => void save()}
          >
            Add
          </button>
        </>
      }
    >
      <Field
        id="registry-host"
        label="Registry host"
        help={
          typed.plainHttp && problem === undefined
            ? `Saved as ${typed.host}. http:// means no TLS: Docker will need it as an insecure registry before it pushes there.`
            : 'The part before the first / of an image name on that registry, with its port if it has one.'
        }
        error={problem}
      >
        {(control) => (
          <input
            {...control}
            className="text-input"
            placeholder="registry.example.com:5000"
            value={host}
            onChange={(event) => setHost(event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Field id="registry-name" label="Name in the sidebar">
        {(control) => (
          <input
            {...control}
            className="text-input"
            placeholder="optional, e.g. Work"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        )}
      </Field>
      {failure && <ErrorWithFix error={failure} />}
    </Dialog>
  );
}
