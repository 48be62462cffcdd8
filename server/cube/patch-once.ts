/**
 * Guards the project's patches of Cube's classes so that each is applied once per patched class,
 * not once per instance of the patching module. A module-level flag is not enough: Vitest gives each
 * project's global setup a module graph of its own (server/cube/orchestrator-id.ts), so the server's
 * modules can be loaded twice in one process while Cube's modules, and so their prototypes, are
 * loaded once. The mark is a registered symbol on the patched prototype itself.
 */
export function firstPatch(prototype: object, name: string): boolean {
  const mark = Symbol.for(`service-code-usage.patch.${name}`);
  const marked = prototype as Record<symbol, boolean>;
  if (marked[mark]) return false;
  marked[mark] = true;
  return true;
}
