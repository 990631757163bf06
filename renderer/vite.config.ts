import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { COMPILE_HINT } from './compile-hint';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The compile hint first in the entry bundle, after minification (which would drop the comment). */
function compileHint(): Plugin {
  return {
    name: 'berth:compile-hint',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk' && file.isEntry) file.code = `${COMPILE_HINT}\n${file.code}`;
      }
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), compileHint()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
