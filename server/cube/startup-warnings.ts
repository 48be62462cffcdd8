/**
 * Cube prints warnings at start that are false for this server, by design (DESIGN.md, "Cube where its
 * native module is missing"): each is answered here and not printed; any other Cube warning still is.
 *
 * - "Cube Store is not found" (production) / "Using undefined as an external database is deprecated"
 *   (outside production): Cube Store needs a binary from GitHub and cannot be installed here; the
 *   pre-aggregations are built in the source database (`external: false`), which is what this project
 *   runs, measured and documents (README "How Cube runs here").
 * - "Tesseract planner is a default one, but you are trying to use a legacy planner": Tesseract is
 *   native; without the native module the JS planner is the one that works (server/cube/js-mode.ts).
 *   The pinned Cube version keeps it; an upgrade that removes it fails the tests.
 *
 * Cube prints them through `displayCLIWarning` of @cubejs-backend/shared's cli module, read from that
 * module's exports at each call; it is wrapped with a filter of exactly these messages.
 */
import { createRequire } from 'node:module';
import { firstPatch } from './patch-once.js';

const require = createRequire(import.meta.url);

/** The beginnings of the warnings that are expected here, each explained above. */
export const EXPECTED_CUBE_WARNINGS = [
  'Cube Store is not found.',
  'Using undefined as an external database is deprecated.',
  'Tesseract planner is a default one, but you are trying to use a legacy planner',
];

export function isExpectedCubeWarning(message: string): boolean {
  return EXPECTED_CUBE_WARNINGS.some((start) => message.startsWith(start));
}

/** Installs the filter for the whole process. Idempotent. */
export function silenceExpectedCubeWarnings(): void {
  const cli = require('@cubejs-backend/shared/dist/src/cli.js') as { displayCLIWarning: (message: string) => void };
  if (!firstPatch(cli, 'startup-warnings')) return;
  const display = cli.displayCLIWarning;
  cli.displayCLIWarning = (message: string) => {
    if (!isExpectedCubeWarning(message)) display(message);
  };
}
