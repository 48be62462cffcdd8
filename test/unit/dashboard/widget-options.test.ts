import { afterEach, describe, expect, it, vi } from 'vitest';
import jwt from 'jsonwebtoken';
import {
  FIGURE_MEASURES,
  parseChartKind,
  parseLocks,
  filtersOf,
  parseApiUrl,
  parseCurrency,
  parseFilters,
  parseLocale,
  parseMeasure,
  parseTheme,
  WidgetConfigError,
} from '../../../dashboard/src/embed/widget-options.js';
import { optionAttributes } from '../../../dashboard/src/embed/widget-elements.js';
import { createWidgetToken, RENEW_BEFORE_MS } from '../../../dashboard/src/embed/widget-token.js';
import { unlockedPatch } from '../../../dashboard/src/lib/filter-locks.js';
import { parseReportState } from '../../../dashboard/src/lib/report-state.js';

const fails = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(WidgetConfigError);
  expect(fn).toThrow(message);
};

describe('the filters attribute', () => {
  it('means what the same names mean in the report URL', () => {
    const state = parseFilters(
      JSON.stringify({
        from: '2026-07-01',
        to: '2026-09-30',
        providers: [7, '9'],
        payors: 'none,12',
        case_types: ['3'],
        codes: ['97110'],
        billing: 'non-billable',
        group: 'payor',
        compare: 'last_year',
      }),
    );
    expect(state).toEqual(
      parseReportState(
        '?from=2026-07-01&to=2026-09-30&providers=7,9&payors=none,12&case_types=3&codes=97110&billing=non-billable&group=payor&compare=last_year',
      ),
    );
    expect(state.payors).toEqual(['none', '12']);
    expect(parseFilters('')).toEqual(parseReportState(''));
    expect(parseFilters(undefined).from).toBeNull();
    expect(parseFilters('{"billing":null}').billing).toBeNull();
  });

  it('writes a state back as the same filters (what scu-filters-change carries)', () => {
    const filters = {
      from: '2026-07-01',
      to: '2026-09-30',
      providers: ['7', '9'],
      payors: ['none', '12'],
      billing: 'billable',
      group: 'payor',
      compare: 'previous',
    };
    expect(filtersOf(parseFilters(JSON.stringify(filters)))).toEqual(filters);
    // Defaults are left out; what is not a filter (sort, drill, pivot) never appears.
    const state = {
      ...parseFilters(JSON.stringify({ from: '2026-07-01', to: '2026-09-30' })),
      sort: { column: 'units_billed', direction: 'desc' as const },
      pivot: true,
    };
    expect(filtersOf(state)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
  });

  it('refuses what the URL would silently ignore, saying which key and why', () => {
    fails(() => parseFilters('{"from":"2026-07-01"'), /filters is not valid JSON/);
    fails(() => parseFilters('[1,2]'), /filters must be a JSON object/);
    fails(() => parseFilters('{"payor":"5"}'), /unknown key "payor": the keys are from, to, providers/);
    fails(() => parseFilters('{"from":"2026-07-01"}'), /both "from" and "to"/);
    fails(() => parseFilters('{"from":"2026-09-01","to":"2026-07-01"}'), /filters.from \(2026-09-01\) is after filters.to/);
    fails(() => parseFilters('{"from":"2026-02-30","to":"2026-03-01"}'), /filters.from must be a date of service as YYYY-MM-DD/);
    fails(() => parseFilters('{"providers":[1.5]}'), /filters.providers must be a list of ids/);
    fails(() => parseFilters('{"codes":{}}'), /filters.codes must be a list of ids/);
    fails(() => parseFilters('{"billing":"yes"}'), /filters.billing must be one of billable, non-billable, got "yes"/);
    fails(() => parseFilters('{"group":"patient"}'), /filters.group must be one of code, provider/);
    fails(() => parseFilters('{"compare":"yoy"}'), /filters.compare must be one of previous, last_year/);
  });
});

describe('the other attributes', () => {
  it('takes a measure of the report, and names them all when it is not one', () => {
    expect(parseMeasure('insurance_paid_ratio')).toBe('insurance_paid_ratio');
    expect(FIGURE_MEASURES).toContain('visits_used');
    expect(FIGURE_MEASURES).not.toContain('lines');
    fails(() => parseMeasure('lines'), /measure "lines" is not a figure of the report: one of units_billed/);
    fails(() => parseMeasure(undefined), /measure is required/);
  });

  it('reads locked and hidden as the controls they fix, a hidden one locked too', () => {
    const locks = parseLocks('from, billing', 'providers,case_types');
    expect([...locks.locked].sort()).toEqual(['billing', 'caseTypes', 'dates', 'providers']);
    expect([...locks.hidden].sort()).toEqual(['caseTypes', 'providers']);
    expect(parseLocks(undefined, '').locked.size).toBe(0);
    fails(() => parseLocks('payor', null), /locked names an unknown filter "payor": the filters are from, to, providers/);
    fails(() => parseLocks(null, 'sort'), /hidden names an unknown filter "sort"/);
    // The state keeps what is fixed, whatever a change says (a chart's "Show only", "Clear filters").
    const patch = { from: '2026-01-01', to: '2026-01-31', billing: null, codes: ['97110'], group: 'payor' as const, pivot: true };
    expect(unlockedPatch(patch, parseLocks('to,group', 'billing'))).toEqual({ codes: ['97110'] });
    expect(unlockedPatch(patch, parseLocks('', ''))).toEqual(patch);
  });

  it('takes a chart of the report by its kind', () => {
    for (const kind of ['trend', 'top-codes', 'payor-mix', 'maturity', 'heatmap']) expect(parseChartKind(kind)).toBe(kind);
    fails(() => parseChartKind('pie'), /kind "pie" is not a chart of the report: one of trend, top-codes, payor-mix, maturity, heatmap/);
    fails(() => parseChartKind(''), /kind is required/);
  });

  it('reads theme, locale, currency and the API address strictly', () => {
    expect(parseTheme(undefined)).toBe('light');
    expect(parseTheme('dark')).toBe('dark');
    fails(() => parseTheme('blue'), /theme must be light or dark/);
    expect(parseLocale('fr-ca')).toBe('fr-CA');
    expect(parseLocale('')).toBeUndefined();
    fails(() => parseLocale('not a locale!'), /locale must be a BCP 47 language tag/);
    expect(parseCurrency('CAD')).toBe('CAD');
    fails(() => parseCurrency('usd'), /currency must be an ISO 4217 code/);
    expect(parseApiUrl('https://reports.example.com/cubejs-api/v1/', 'https://portal.example/')).toBe(
      'https://reports.example.com/cubejs-api/v1',
    );
    expect(parseApiUrl('/cubejs-api/v1', 'https://portal.example/x/')).toBe('https://portal.example/cubejs-api/v1');
    fails(() => parseApiUrl(undefined, 'https://portal.example/'), /api-url is required/);
    fails(() => parseApiUrl('javascript:alert(1)', 'https://portal.example/'), /api-url must be http\(s\)/);
  });
});

describe('options as attributes (mount and the React components)', () => {
  it('writes what is given, removes what is emptied, leaves what is not given', () => {
    expect(
      optionAttributes({
        apiUrl: '/cubejs-api/v1',
        kind: 'heatmap',
        filters: { from: '2026-07-01', to: '2026-09-30' },
        locked: ['codes', 'billing'],
        hidden: [],
        token: null,
        theme: '',
      }),
    ).toEqual({
      'api-url': '/cubejs-api/v1',
      kind: 'heatmap',
      filters: '{"from":"2026-07-01","to":"2026-09-30"}',
      locked: 'codes,billing',
      hidden: null,
      token: null,
      theme: null,
    });
    expect(optionAttributes({})).toEqual({});
  });
});

describe('the widget’s token', () => {
  afterEach(() => vi.useRealTimers());
  const tokenExpiringIn = (seconds: number) =>
    jwt.sign({ clinic_id: 1, role: 'owner', exp: Math.floor(Date.now() / 1000) + seconds }, 'secret-for-the-unit-test-only-0123456789');

  it('asks getToken once, again only when its token is about to expire, and never twice at once', async () => {
    let calls = 0;
    let next = tokenExpiringIn(30); // within RENEW_BEFORE_MS of its expiry
    const token = createWidgetToken(
      () => ({ getToken: async () => (calls++, next) }),
      () => undefined,
    );
    const [a, b] = await Promise.all([token.current(), token.current()]);
    expect([a, b, calls]).toEqual([next, next, 1]);
    // About to expire: the next request asks again, and gets a fresh one.
    next = tokenExpiringIn(3600);
    expect(await token.current()).toBe(next);
    expect(calls).toBe(2);
    // Fresh: kept.
    expect(await token.current()).toBe(next);
    expect(calls).toBe(2);
  });

  it('refuses an empty getToken answer and a missing token with a clear message', async () => {
    await expect(
      createWidgetToken(
        () => ({ getToken: async () => '' }),
        () => undefined,
      ).current(),
    ).rejects.toThrow(/getToken\(\) must resolve to a token/);
    await expect(
      createWidgetToken(
        () => ({}),
        () => undefined,
      ).current(),
    ).rejects.toThrow(/no token: set the token attribute or the getToken property/);
  });

  it('tells the host a minute before a plain token expires', () => {
    vi.useFakeTimers();
    const warned: number[] = [];
    const token = createWidgetToken(
      () => ({}),
      (at) => warned.push(at),
    );
    const t = tokenExpiringIn(600);
    token.watch(t);
    vi.advanceTimersByTime(600_000 - RENEW_BEFORE_MS - 1_000);
    expect(warned).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(warned).toHaveLength(1);
    expect(Math.abs(warned[0]! - (Date.now() + RENEW_BEFORE_MS))).toBeLessThan(2_000);
    token.watch(null);
    token.dispose();
  });
});
