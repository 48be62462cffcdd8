import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The React adapter (dashboard/react/README.md) as one ES module, dist/react/index.js, for a React portal
// to bundle: React, ReactDOM and the Cube clients stay the portal's own (installed at the versions the
// README gives), so they are not in it. No type declarations: a TypeScript portal imports the sources.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../dist/react', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: fileURLToPath(new URL('./react/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'index.js',
    },
    rollupOptions: { external: [/^react(-dom)?($|\/)/, /^@cubejs-client\//] },
  },
});
