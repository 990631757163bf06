import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectAppStore } from './stores/app-store';
import { connectImagesStore } from './stores/images-store';
import { connectRegistryStore } from './stores/registry-store';
import { connectDaemonConfigStore } from './stores/daemon-config-store';
import './styles.css';

connectAppStore();
connectImagesStore();
connectRegistryStore();
connectDaemonConfigStore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
