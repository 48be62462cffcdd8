// @vitest-environment happy-dom
import type { Query } from '@cubejs-client/core';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { provideCubeClient, type CubeClient } from '../../../dashboard/src/composables/useCubeApi.js';
import { useDrillLines, type DrillLines } from '../../../dashboard/src/composables/useDrillLines.js';
import { drillOf, LINES_PAGE_SIZE, type DrillSelection } from '../../../dashboard/src/lib/drill.js';
import {
  firstMonthWindow,
  linesWindow,
  monthLinesOf,
  monthLinesQuery,
  MONTH_LINES_MEMBER,
  type MonthLines,
} from '../../../dashboard/src/lib/drill-months.js';
import type { ReportFilterValues } from '../../../dashboard/src/lib/report-query.js';

const NO_FILTERS: ReportFilterValues = { providers: [], payors: [], caseTypes: [], codes: [], billing: null };
const RANGE = { from: '2026-01-15', to: '2026-04-20' };
const COUNTS: MonthLines = new Map([
  ['2026-01-01', 30],
  ['2026-03-01', 40],
  ['2026-04-01', 100],
]);
const desc = (drill: DrillSelection): DrillSelection => ({ ...drill, sort: { column: 'date_of_service', direction: 'desc' } });

describe('the months a page of lines spans', () => {
  it('reads from the month of the page’s first line to the month of its last, cut to the range', () => {
    const drill = drillOf('lines', RANGE);
    expect(linesWindow(drill, COUNTS, 0, 50)).toEqual({ from: '2026-01-15', to: '2026-03-31', offset: 0, limit: 50 });
    // Lines 50–99: March holds 30–69, April 70–169.
    expect(linesWindow(drill, COUNTS, 50, 50)).toEqual({ from: '2026-03-01', to: '2026-04-20', offset: 20, limit: 50 });
    expect(linesWindow(drill, COUNTS, 100, 50)).toEqual({ from: '2026-04-01', to: '2026-04-20', offset: 30, limit: 50 });
    // Past the last line: one month, past its end (an empty page).
    expect(linesWindow(drill, COUNTS, 200, 50)).toEqual({ from: '2026-04-01', to: '2026-04-20', offset: 130, limit: 50 });
  });

  it('counts from the latest month when the newest lines come first', () => {
    const drill = desc(drillOf('lines', RANGE));
    expect(linesWindow(drill, COUNTS, 0, 50)).toEqual({ from: '2026-04-01', to: '2026-04-20', offset: 0, limit: 50 });
    expect(linesWindow(drill, COUNTS, 90, 50)).toEqual({ from: '2026-03-01', to: '2026-04-20', offset: 90, limit: 50 });
    expect(linesWindow(drill, COUNTS, 130, 50)).toEqual({ from: '2026-01-15', to: '2026-03-31', offset: 30, limit: 50 });
  });

  it('gives exactly the page of the whole range, for any lines, page and direction', () => {
    // Lines as the server orders them: by date, ties by line number as text; a window reads its
    // dates only, in the same order, then offset and limit.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial++) {
      const from = `2025-${String(1 + Math.floor(random() * 6)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const to = `2025-${String(7 + Math.floor(random() * 6)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const lines = Array.from({ length: Math.floor(random() * 400) }, (_, i) => {
        const month = Number(from.slice(5, 7)) + Math.floor(random() * (Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1));
        const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
        return { date: `2025-${String(month).padStart(2, '0')}-${day}`, id: String(1 + i) };
      }).filter((l) => l.date >= from && l.date <= to);
      const perMonth = new Map<string, number>();
      for (const l of lines) perMonth.set(`${l.date.slice(0, 7)}-01`, (perMonth.get(`${l.date.slice(0, 7)}-01`) ?? 0) + 1);
      const counts = monthLinesOf(monthRows([...perMonth]));
      for (const direction of ['asc', 'desc'] as const) {
        const drill: DrillSelection = { ...drillOf('lines', { from, to }), sort: { column: 'date_of_service', direction } };
        const ordered = (within: typeof lines) =>
          [...within].sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date === (direction === 'asc') ? -1 : 1));
        const all = ordered(lines);
        const limit = 1 + Math.floor(random() * 60);
        const offset = Math.floor(random() * (lines.length + 20));
        const w = linesWindow(drill, counts, offset, limit);
        const read = ordered(lines.filter((l) => l.date >= w.from && l.date <= w.to)).slice(w.offset, w.offset + w.limit);
        expect(
          read.map((l) => l.id),
          `${from}…${to} ${direction} ${offset}+${limit}`,
        ).toEqual(all.slice(offset, offset + limit).map((l) => l.id));
      }
    }
  });

  it('asks the rollup for the lines of each month, one range per month, under the drill’s filters', () => {
    const drill = drillOf('units_billed', RANGE, { codes: ['97110'] });
    expect(monthLinesQuery({ ...NO_FILTERS, payors: ['none'] }, desc(drill))).toEqual({
      measures: ['service_code_usage.line_count'],
      timeDimensions: [
        {
          dimension: 'service_code_usage.date_of_service',
          compareDateRange: [
            ['2026-01-15', '2026-01-31'],
            ['2026-02-01', '2026-02-28'],
            ['2026-03-01', '2026-03-31'],
            ['2026-04-01', '2026-04-20'],
          ],
        },
      ],
      filters: [
        { member: 'service_code_usage.payor_id', operator: 'notSet' },
        { member: 'service_code_usage.service_code', operator: 'equals', values: ['97110'] },
      ],
    });
    // Past the ranges one request may compare: grouped by month.
    const long = drillOf('lines', { from: '2024-12-31', to: '2025-12-01' });
    expect(monthLinesQuery(NO_FILTERS, long).timeDimensions).toEqual([
      { dimension: 'service_code_usage.date_of_service', granularity: 'month', dateRange: ['2024-12-31', '2025-12-01'] },
    ]);
    expect(firstMonthWindow(drill)).toEqual({ from: '2026-01-15', to: '2026-01-31', offset: 0, limit: LINES_PAGE_SIZE });
    expect(firstMonthWindow(desc(drill))).toEqual({ from: '2026-04-01', to: '2026-04-20', offset: 0, limit: LINES_PAGE_SIZE });
  });

  it('reads the counts from compared ranges and from months alike; a month without lines counts zero', () => {
    const compared = monthLinesOf([
      { compareDateRange: '2026-01-15T00:00:00.000 - 2026-01-31T23:59:59.999', [MONTH_LINES_MEMBER]: '30' },
      { compareDateRange: '2026-02-01T00:00:00.000 - 2026-02-28T23:59:59.999', [MONTH_LINES_MEMBER]: null },
    ]);
    expect([...compared]).toEqual([
      ['2026-01-01', 30],
      ['2026-02-01', 0],
    ]);
    expect([...monthLinesOf(monthRows([['2026-03-01', 12]]))]).toEqual([['2026-03-01', 12]]);
  });
});

/** A client whose answers the test releases one by one. */
function pendingClient() {
  const sent: { query: Query; answer: (rows: Record<string, unknown>[]) => void }[] = [];
  const client = {
    load: (query: Query) =>
      new Promise((resolve) => {
        sent.push({
          query,
          answer: (rows) => {
            const result = { rawData: () => rows };
            resolve({ ...result, decompose: () => [result] });
          },
        });
      }),
    meta: () => Promise.reject(new Error('unused')),
  } as unknown as CubeClient;
  const find = (test: (q: Query) => boolean) => sent.filter((s) => test(s.query));
  return { client, sent, find };
}

const isMonths = (q: Query) => q.measures?.[0] === MONTH_LINES_MEMBER;
const isTotals = (q: Query) => q.measures?.[0] === 'visit_lines.line_count';
const isPage = (q: Query) => q.ungrouped === true;
const range = (q: Query) => q.timeDimensions![0]!.dateRange;
const monthRows = (counts: [string, number][]) =>
  counts.map(([month, n]) => ({ 'service_code_usage.date_of_service.month': `${month}T00:00:00.000`, [MONTH_LINES_MEMBER]: String(n) }));
const lineRows = (n: number) => Array.from({ length: n }, (_, i) => ({ 'visit_lines.line_number': String(i + 1) }));

function mountLines(client: CubeClient, drill: DrillSelection): DrillLines {
  let lines: DrillLines | undefined;
  mount(
    defineComponent({
      setup() {
        provideCubeClient(client);
        return () => h(defineComponent({ setup: () => ((lines = useDrillLines({ filters: NO_FILTERS, drill })), () => null) }));
      },
    }),
  );
  return lines!;
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
};

describe('the drill panel’s pages, month by month', () => {
  it('opens page 1 from the first month beside the counts, and shows it when that month fills a page', async () => {
    const { client, find } = pendingClient();
    const lines = mountLines(client, drillOf('lines', RANGE));
    const [page] = find(isPage);
    expect(range(page!.query)).toEqual(['2026-01-15', '2026-01-31']);
    expect(find(isMonths)).toHaveLength(1);
    page!.answer(lineRows(50));
    await settle();
    expect(lines.rows.value).toHaveLength(50);
    // The counts agree with the first month: no second request for page 1.
    find(isMonths)[0]!.answer(
      monthRows([
        ['2026-01-01', 60],
        ['2026-04-01', 5],
      ]),
    );
    await settle();
    expect(find(isPage)).toHaveLength(1);
    expect(lines.lineCount.value).toBe(65n);
  });

  it('waits for the counts when the first month holds less than a page, then reads the months the page spans', async () => {
    const { client, find } = pendingClient();
    const lines = mountLines(client, drillOf('lines', RANGE));
    find(isPage)[0]!.answer(lineRows(10));
    await settle();
    expect(lines.rows.value).toBeNull();
    expect(lines.pageLoading.value).toBe(true);
    find(isMonths)[0]!.answer(
      monthRows([
        ['2026-01-01', 10],
        ['2026-03-01', 30],
        ['2026-04-01', 100],
      ]),
    );
    await settle();
    const pages = find(isPage);
    expect(pages).toHaveLength(2);
    expect(range(pages[1]!.query)).toEqual(['2026-01-15', '2026-04-20']);
    expect(pages[1]!.query.offset).toBe(0);
  });

  it('asks for a later page only once the counts are in, and then for its months only', async () => {
    const { client, find } = pendingClient();
    mountLines(client, { ...drillOf('lines', RANGE), page: 3 });
    expect(find(isPage)).toHaveLength(0);
    find(isMonths)[0]!.answer(
      monthRows([
        ['2026-01-01', 30],
        ['2026-03-01', 40],
        ['2026-04-01', 100],
      ]),
    );
    await settle();
    const [page] = find(isPage);
    expect(range(page!.query)).toEqual(['2026-04-01', '2026-04-20']);
    expect(page!.query.offset).toBe(30);
  });

  it('reads the whole range when the counts do not add up to the lines’ own count', async () => {
    const { client, find } = pendingClient();
    mountLines(client, { ...drillOf('lines', RANGE), page: 3 });
    find(isMonths)[0]!.answer(
      monthRows([
        ['2026-01-01', 30],
        ['2026-03-01', 40],
        ['2026-04-01', 100],
      ]),
    );
    await settle();
    find(isTotals)[0]!.answer([{ 'visit_lines.line_count': '171' }]);
    await settle();
    const pages = find(isPage);
    expect(range(pages.at(-1)!.query)).toEqual(['2026-01-15', '2026-04-20']);
    expect(pages.at(-1)!.query.offset).toBe(100);
  });

  it('reads the whole range, with no counts, in any order but by date', async () => {
    const { client, find } = pendingClient();
    mountLines(client, { ...drillOf('lines', RANGE), sort: { column: 'billed_amount', direction: 'desc' } });
    expect(find(isMonths)).toHaveLength(0);
    expect(range(find(isPage)[0]!.query)).toEqual(['2026-01-15', '2026-04-20']);
  });
});
