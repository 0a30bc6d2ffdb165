import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the API process from console/dist; `vite` (dev) proxies the API to :3000.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/docs', '/openapi.json', '/health'].map((prefix) => [prefix, 'http://127.0.0.1:3000']),
    ),
  },
});
