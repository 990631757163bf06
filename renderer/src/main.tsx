import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectAppStore } from './stores/app-store';
import { connectImagesStore } from './stores/images-store';
import './styles.css';

connectAppStore();
connectImagesStore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
