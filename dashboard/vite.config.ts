import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const dashboardRoot = fileURLToPath(new URL('.', import.meta.url));

// The report page is served by the project's own server from dist/dashboard (server/app.ts).
export default defineConfig({
  root: dashboardRoot,
  base: '/',
  plugins: [vue()],
  define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One chunk on purpose; its gzipped size is the budget, measured by scripts/bench/measure-dashboard.ts.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `vite --config dashboard/vite.config.ts` during development: the API comes from a local server.
    proxy: { '/cubejs-api': { target: process.env.SCU_API_ORIGIN ?? 'http://localhost:4000', ws: true } },
  },
});
