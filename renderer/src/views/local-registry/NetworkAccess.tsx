/**
 * The opt-in to serve the registry to other computers. Off by default: the registry then listens on
 * 127.0.0.1 only. Turning it on says plainly what it means (no login, plain HTTP) and restarts a
 * running registry on the new address.
 */
import { useState } from 'react';
import { api, errorData } from '../../api/client';
import { useRegistryStore } from '../../stores/registry-store';

export function NetworkAccess({ exposed }: { exposed: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const change = async (exposeOnNetwork: boolean) => {
    setConfirming(false);
    setProblem(undefined);
    try {
      // One host command saves the choice and restarts a running registry on the new address.
      useRegistryStore.setState({ status: await api.call('registry.setNetworkAccess', { exposeOnNetwork }) });
    } catch (error) {
      setProblem(errorData(error).message);
    }
  };

  // A failed change shows next to whichever button is showing now (the confirmation closed first).
  const failure = problem && (
    <p className="warn-text" role="alert">
      {problem}
    </p>
  );
  if (exposed) {
    return (
      <>
        <button type="button" className="link-button" onClick={() => void change(false)}>
          Limit to this computer
        </button>
        {failure}
      </>
    );
  }
  if (!confirming) {
    return (
      <>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setProblem(undefined);
            setConfirming(true);
          }}
        >
          Share on my network…
        </button>
        {failure}
      </>
    );
  }
  return (
    <div className="confirm-network" role="group" aria-label="Share on my network">
      <p>
        Other computers on your network will be able to push and pull without a login, over plain HTTP. Their
        Docker will also need this computer in its insecure registries.
      </p>
      <button type="button" className="button small danger" onClick={() => void change(true)}>
        Share
      </button>{' '}
      <button type="button" className="button small" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  );
}
