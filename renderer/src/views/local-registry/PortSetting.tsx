/**
 * The local registry's port, as a visible setting: the "Use port 5001" fix is not a one-way door.
 * Changing it starts (or moves) the registry on the new port; the host saves it once it runs there.
 * Images named for the old port then need their new name, which a failed push offers.
 */
import { useState, type FormEvent } from 'react';
import { useRegistryStore } from '../../stores/registry-store';

export function PortSetting({ port }: { port: number }) {
  const start = useRegistryStore((state) => state.start);
  const busy = useRegistryStore((state) => state.busy);
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState(String(port));
  const wanted = Number(typed);
  const valid = Number.isInteger(wanted) && wanted >= 1024 && wanted <= 65535;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    setEditing(false);
    if (wanted !== port) void start(wanted);
  };

  if (!editing) {
    return (
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setTyped(String(port));
          setEditing(true);
        }}
      >
        Change port…
      </button>
    );
  }
  return (
    <form className="port-setting" onSubmit={submit} aria-label="Registry port">
      <label htmlFor="registry-port">Port</label>
      <input
        id="registry-port"
        className="text-input port-input"
        inputMode="numeric"
        value={typed}
        onChange={(event) => setTyped(event.target.value.trim())}
        aria-invalid={!valid}
        aria-describedby="registry-port-help"
      />
      <button type="submit" className="button small primary" disabled={!valid || busy !== undefined}>
        Use this port
      </button>
      <button type="button" className="button small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <p id="registry-port-help" className="fact-detail">
        {valid ? 'Docker then pushes to localhost:' + String(wanted) + '.' : 'A number from 1024 to 65535.'}
      </p>
    </form>
  );
}
