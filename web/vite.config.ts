/**
 * Builds the planner's page: `npm run build:web` → web/dist, which the server serves at `/`.
 * `npx vite --config web/vite.config.ts` serves it for development, with /api proxied to a
 * parkzones server on 127.0.0.1:8080 (`npm start`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500, // kB: MapLibre alone is ~1 MB
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
