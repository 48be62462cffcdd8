// For the root `tsc -p tsconfig.json` (NodeNext, no Vue plugin), which also checks these tests:
// vue-tsc (dashboard/tsconfig.json) resolves the real component types instead.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<Record<string, unknown>, Record<string, unknown>, unknown>;
  export default component;
}
