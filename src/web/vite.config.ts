import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The web UI: root src/web, built into dist/web at the repository root, which `daicho serve` serves
 * (index.html for every non-/api path, /assets/* as files). The CSP allows no inline scripts, so the
 * module-preload polyfill (which Vite may inline) is off; every browser we support has modulepreload.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  publicDir: path.join(here, 'public'),
  build: {
    outDir: path.resolve(here, '../../dist/web'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
    target: 'es2022',
  },
  server: {
    // `npm run dev:web`: the API runs on `npm run daicho -- serve` (port 3000 by default).
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
