/**
 * The per-connection isolation setting (server/cube/patches/mysql-read-committed.ts): which servers get
 * READ COMMITTED, that it is set once per connection, and the warning where it cannot be. Its effect on
 * real row locks is proven on MariaDB in test/integration/reliability/host-row-locks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readCommittedAllowed, readCommittedOnce, STATEMENT_BINLOG_WARNING } from '../../../../server/cube/patches/mysql-read-committed.js';

/** A connection that answers the server-variables query with `server` and records every statement. */
function connection(server: { logBin: unknown; binlogFormat: unknown }) {
  const statements: string[] = [];
  return {
    statements,
    async execute(sql: string) {
      statements.push(sql);
      return sql.startsWith('SELECT @@log_bin') ? [server] : [];
    },
  };
}

describe('readCommittedAllowed', () => {
  it.each([
    [0, 'STATEMENT', true],
    [1, 'ROW', true],
    [1, 'MIXED', true],
    ['1', 'row', true],
    [0, null, true],
    [1, 'STATEMENT', false],
    ['1', 'statement', false],
  ])('log_bin %s, binlog_format %s: %s', (logBin, format, allowed) => {
    expect(readCommittedAllowed(logBin, format)).toBe(allowed);
  });
});

describe('readCommittedOnce', () => {
  it('sets READ COMMITTED on the first use of a connection, and does nothing on the next', async () => {
    const conn = connection({ logBin: 1, binlogFormat: 'ROW' });
    const warnings: string[] = [];
    await readCommittedOnce(conn, (m) => warnings.push(m));
    await readCommittedOnce(conn, (m) => warnings.push(m));
    expect(conn.statements).toEqual([
      'SELECT @@log_bin AS logBin, @@binlog_format AS binlogFormat',
      'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
    ]);
    expect(warnings).toEqual([]);
  });

  it('keeps the default isolation and warns when the server logs statements', async () => {
    const conn = connection({ logBin: 1, binlogFormat: 'STATEMENT' });
    const warnings: string[] = [];
    await readCommittedOnce(conn, (m) => warnings.push(m));
    await readCommittedOnce(conn, (m) => warnings.push(m));
    expect(conn.statements).toEqual(['SELECT @@log_bin AS logBin, @@binlog_format AS binlogFormat']);
    expect(warnings).toEqual([STATEMENT_BINLOG_WARNING]);
    expect(STATEMENT_BINLOG_WARNING).toMatch(/binlog_format to ROW or MIXED/);
  });

  it('a failed statement leaves the connection unprepared (the pool destroys it; a retry sets it again)', async () => {
    let fail = true;
    const statements: string[] = [];
    const conn = {
      async execute(sql: string) {
        statements.push(sql);
        if (fail) throw new Error('Connection lost');
        return sql.startsWith('SELECT') ? [{ logBin: 0, binlogFormat: 'MIXED' }] : [];
      },
    };
    await expect(readCommittedOnce(conn, () => undefined)).rejects.toThrow('Connection lost');
    fail = false;
    await readCommittedOnce(conn, () => undefined);
    expect(statements.filter((s) => s.startsWith('SET SESSION'))).toHaveLength(1);
  });
});
