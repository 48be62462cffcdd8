import { describe, expect, it } from 'vitest';
import { frameAction, frameWidget, parentOrigin } from '../../../dashboard/src/embed/frame-messages.js';
import { WidgetConfigError } from '../../../dashboard/src/embed/widget-options.js';

describe('the iframe mode’s addresses', () => {
  it('names the widget and passes the report URL’s filters and the widget’s own attributes', () => {
    expect(frameWidget('/embed/chart', '?kind=heatmap&from=2026-07-01&to=2026-09-30&payors=none,12&theme=dark&token=x')).toEqual({
      tag: 'scu-chart',
      attributes: {
        filters: JSON.stringify({ from: '2026-07-01', to: '2026-09-30', payors: ['none', '12'] }),
        theme: 'dark',
        kind: 'heatmap',
      },
    });
    expect(frameWidget('/embed/figure/', '?measure=total_billed&locale=fr-CA&currency=CAD')).toEqual({
      tag: 'scu-figure',
      attributes: { filters: '{}', locale: 'fr-CA', currency: 'CAD', measure: 'total_billed' },
    });
    // A report takes no kind or measure; a figure no kind.
    expect(frameWidget('/embed/report', '?kind=trend&measure=x').attributes).toEqual({ filters: '{}' });
    expect(frameWidget('/embed/figure', '?kind=trend').attributes).toEqual({ filters: '{}' });
    expect(() => frameWidget('/embed/table', '')).toThrow(WidgetConfigError);
  });
});

describe('the portal’s messages', () => {
  it('takes the actions the protocol names, with values of the right type, and nothing else', () => {
    expect(frameAction({ type: 'service-code-usage:token', token: 'a.b.c' })).toEqual({ action: 'token', token: 'a.b.c' });
    expect(frameAction({ type: 'service-code-usage:set-filters', filters: { billing: 'billable' } })).toEqual({
      action: 'set-filters',
      filters: { billing: 'billable' },
    });
    expect(frameAction({ type: 'service-code-usage:set-theme', theme: 'dark' })).toEqual({ action: 'set-theme', theme: 'dark' });
    expect(frameAction({ type: 'service-code-usage:set-locale', locale: 'fr-CA' })).toEqual({ action: 'set-locale', locale: 'fr-CA' });
    expect(frameAction({ type: 'service-code-usage:refresh' })).toEqual({ action: 'refresh' });
    for (const bad of [
      null,
      'service-code-usage:refresh',
      { type: 'service-code-usage:token', token: 42 },
      { type: 'service-code-usage:token', token: '' },
      { type: 'service-code-usage:set-filters', filters: [1] },
      { type: 'service-code-usage:set-filters', filters: null },
      { type: 'service-code-usage:set-theme' },
      { type: 'service-code-usage:loaded', ms: 5 },
      { type: 'other:refresh' },
    ])
      expect(frameAction(bad), JSON.stringify(bad)).toBeNull();
  });

  it('talks only to a parent of an allowed origin', () => {
    const allowed = ['https://portal.example', 'http://localhost:3000'];
    expect(parentOrigin(allowed, ['https://portal.example'], '')).toBe('https://portal.example');
    expect(parentOrigin(allowed, undefined, 'http://localhost:3000/clinic/7?x=1')).toBe('http://localhost:3000');
    expect(parentOrigin(allowed, ['https://evil.example'], 'https://portal.example/')).toBeNull();
    expect(parentOrigin(allowed, undefined, 'https://portal.example.evil.test/')).toBeNull();
    expect(parentOrigin(allowed, undefined, '')).toBeNull();
    expect(parentOrigin([], ['https://portal.example'], '')).toBeNull();
  });
});
