/**
 * "Start with Berth": whether the local registry starts when the app does. The setting lives in the
 * host (settings.registry.autoStart; the first start turns it on); this switch shows and changes it.
 */
import { useEffect, useState } from 'react';
import { api, errorData } from '../../api/client';

export function AutoStartSwitch() {
  const [on, setOn] = useState<boolean | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    void api
      .call('settings.get', {})
      .then((settings) => live && setOn(settings.registry.autoStart))
      .catch(() => undefined);
    const stop = api.on('settings.changed', (settings) => setOn(settings.registry.autoStart));
    return () => {
      live = false;
      stop();
    };
  }, []);

  const change = async (next: boolean) => {
    setProblem(undefined);
    try {
      const settings = await api.call('settings.update', { registry: { autoStart: next } });
      setOn(settings.registry.autoStart);
    } catch (error) {
      setProblem(errorData(error).message);
    }
  };

  return (
    <div className="auto-start">
      <label className="switch-label">
        <input
          type="checkbox"
          role="switch"
          checked={on === true}
          disabled={on === undefined}
          aria-describedby="auto-start-help"
          onChange={(event) => void change(event.target.checked)}
        />
        Start with Berth
      </label>
      <p id="auto-start-help" className="fact-detail">
        {on ? 'Starts again whenever Berth opens.' : 'Stays stopped until you press Start.'}
      </p>
      {problem && (
        <p className="warn-text" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
