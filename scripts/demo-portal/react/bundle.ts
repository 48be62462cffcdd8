/**
 * Bundles the React page (app.ts, with React, the adapter and the Cube client) into one ES module when
 * the portal starts: Vite's build API from node_modules, in memory, no network and nothing written.
 * A portal of your own bundles the adapter with its own build instead (dashboard/react/README.md).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';

const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'app.ts');

export async function bundleReactApp(): Promise<string> {
  const result = await build({
    configFile: false,
    root: path.dirname(APP),
    logLevel: 'warn',
    // React's production build whatever NODE_ENV the portal runs under (a test runner sets 'test').
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      target: 'es2022',
      rollupOptions: { input: APP, output: { format: 'es', entryFileNames: 'react-app.js' } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`expected one chunk for the React page, got ${chunks.map((c) => c.fileName).join(', ')}`);
  return chunks[0]!.code;
}
