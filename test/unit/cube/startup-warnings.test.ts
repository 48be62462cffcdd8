/**
 * Cube's start-up warnings that are false here are filtered by exactly their text
 * (server/cube/startup-warnings.ts); any other still prints. Driven through Cube's own cli module.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isExpectedCubeWarning, silenceExpectedCubeWarnings } from '../../../server/cube/startup-warnings.js';

const require = createRequire(import.meta.url);
const shared = require('@cubejs-backend/shared') as {
  displayCLIWarning(message: string): void;
  displayCLIWarningOnce(key: string, message: string): void;
};

afterEach(() => vi.restoreAllMocks());

describe("Cube's expected start-up warnings", () => {
  it("are not printed, through either of Cube's warning functions; others are", () => {
    silenceExpectedCubeWarnings();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    shared.displayCLIWarning('Cube Store is not found. Please follow this documentation to configure Cube Store https://…');
    shared.displayCLIWarning('Using undefined as an external database is deprecated. Please use Cube Store instead: https://…');
    shared.displayCLIWarningOnce(
      'CUBEJS_TESSERACT_SQL_PLANNER',
      'Tesseract planner is a default one, but you are trying to use a legacy planner which will be removed in the near future.',
    );
    expect(log).not.toHaveBeenCalled();
    shared.displayCLIWarning('Something else went wrong');
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]![0])).toContain('Something else went wrong');
  });

  it('match only by their beginning', () => {
    expect(isExpectedCubeWarning('Cube Store is not found. …')).toBe(true);
    expect(isExpectedCubeWarning('Warning: Cube Store is not found.')).toBe(false);
  });
});
