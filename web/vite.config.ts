import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard is built into the package (dist/web) and served by `clipcast serve` at `/`: no CDN.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
});
