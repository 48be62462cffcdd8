import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The embedding script (docs/embedding.md): one ES module, dist/embed/widgets.js, served by the
// project's server at /embed/widgets.js. A portal loads it with <script type="module" src=…>.
// Components named *.ce.vue are compiled as custom elements: their styles go into each shadow root.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue({ customElement: /\.ce\.vue$/ })],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/embed', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    lib: {
      // widgets.js for portals; frame.js for the iframe mode's pages (/embed/report, …), which imports it.
      entry: {
        widgets: fileURLToPath(new URL('./src/embed/widgets.ts', import.meta.url)),
        frame: fileURLToPath(new URL('./src/embed/frame.ts', import.meta.url)),
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    // The chunks widgets.js imports (shared code; the report widget, on first use), served beside it.
    rollupOptions: { output: { chunkFileNames: 'widgets-chunk-[hash].js' } },
  },
});
