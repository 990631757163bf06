/** The status bar: is Docker there, which engine, which API, and where Berth looks for it. */
import { useAppStore } from '../stores/app-store';

export function StatusBar() {
  const docker = useAppStore((state) => state.docker);
  const link = useAppStore((state) => state.link);
  if (link === 'host-restarted' || link === 'host-stopped') {
    return (
      <footer className="status-bar error host-gone" role="alert">
        <span className="dot off" aria-hidden="true" />{' '}
        {link === 'host-restarted'
          ? "Berth's host restarted, and this tab belongs to the one before it."
          : "Berth's host stopped."}
        <span className="status-detail">
          {link === 'host-restarted'
            ? 'Open the address it printed when it started (http://127.0.0.1:…/?token=…); this tab can close.'
            : 'Start it again (npm run web) and open the address it prints; this tab cannot follow it there.'}
        </span>
      </footer>
    );
  }
  if (link === 'reconnecting') {
    return (
      <footer className="status-bar warn" role="status">
        <span className="dot off" aria-hidden="true" /> Lost the connection to Berth's host — reconnecting…
      </footer>
    );
  }
  if (!docker || docker.state === 'connecting') {
    return (
      <footer className="status-bar" role="status">
        <span className="dot wait" aria-hidden="true" /> Connecting to Docker…
      </footer>
    );
  }
  if (docker.state === 'disconnected') {
    return (
      <footer className="status-bar error" role="status" data-docker-state="disconnected">
        <span className="dot off" aria-hidden="true" /> {docker.problem ?? "Docker isn't running."}
        <span className="status-detail">Looking at {docker.endpoint.description}</span>
      </footer>
    );
  }
  const engine = docker.engine!;
  const details = `API ${engine.apiVersion} · ${engine.os} · ${engine.arch} · image store: ${engine.imageStore}${engine.rootless ? ' · rootless' : ''}`;
  // Where Berth looks for Docker stays in view; the engine's details give way first in a narrow window
  // (860 px cut "via unix:///var/run/docker…"), and the whole line is the footer's tooltip.
  return (
    <footer
      className="status-bar"
      role="status"
      data-docker-state="connected"
      title={`Connected to ${engine.name} ${engine.version} via ${docker.endpoint.description} · ${details}`}
    >
      <span className="dot on" aria-hidden="true" />
      <span className="status-main">
        Connected to {engine.name} {engine.version}
      </span>
      <span className="status-endpoint">via {docker.endpoint.description}</span>
      <span className="status-detail">{details}</span>
    </footer>
  );
}
