import { defineConfig } from 'vite';

// The studio is served by `mote serve` from web/dist; `npm run dev` proxies the API to a running server.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 200 },
  server: { proxy: { '/api': 'http://127.0.0.1:4446' } },
});
