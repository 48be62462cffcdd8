import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const dashboardRoot = fileURLToPath(new URL('.', import.meta.url));

// The explorer (`/explore`, docs/explorer.md) is a page of its own, served by server/dashboard-static.ts
// from dist/explore: the report page's script (a budget of its own) carries none of it.
export default defineConfig({
  root: dashboardRoot,
  base: '/explore/',
  plugins: [vue()],
  define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  build: {
    outDir: fileURLToPath(new URL('../dist/explore', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: { input: fileURLToPath(new URL('explore.html', import.meta.url)) },
  },
  server: {
    proxy: { '/cubejs-api': { target: process.env.SCU_API_ORIGIN ?? 'http://localhost:4000', ws: true } },
  },
});
