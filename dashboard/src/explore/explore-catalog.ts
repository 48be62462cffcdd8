/**
 * What an analyst may pick, from the API's `meta`: every public view with its members, their titles
 * and descriptions (the model's definitions), and the filter operators that fit each member's type.
 */

/** How a value is shown and exported. */
export type ValueFormat = 'currency' | 'percent' | 'number' | 'text' | 'time' | 'boolean';

export interface CatalogMember {
  name: string;
  view: string;
  kind: 'measure' | 'dimension';
  /** Cube's type: number, string, time or boolean. */
  type: string;
  /** `shortTitle`: what a table's header says (docs/contract.md, "Explorer contract"). */
  title: string;
  description: string;
  format: ValueFormat;
  /** A sum or a count: the total of rows is the sum of their values (a distinct count or a ratio is not). */
  additive: boolean;
}

export interface CatalogView {
  name: string;
  title: string;
  description: string;
  measures: CatalogMember[];
  /** Dimensions other than time. */
  dimensions: CatalogMember[];
  timeDimensions: CatalogMember[];
}

export interface Catalog {
  views: CatalogView[];
  members: ReadonlyMap<string, CatalogMember>;
}

/** The fields of Cube's meta the catalog reads (the client's `Meta#cubes` and the REST JSON alike). */
interface MetaMember {
  name: string;
  type: string;
  title?: string;
  shortTitle?: string;
  description?: string;
  format?: unknown;
  aggType?: string;
  isVisible?: boolean;
  public?: boolean;
}
interface MetaCube {
  name: string;
  type?: string;
  title?: string;
  description?: string;
  isVisible?: boolean;
  public?: boolean;
  measures: MetaMember[];
  dimensions: MetaMember[];
}

const visible = (m: { isVisible?: boolean; public?: boolean }) => m.isVisible !== false && m.public !== false;

function formatOf(m: MetaMember): ValueFormat {
  if (m.format === 'currency') return 'currency';
  if (m.format === 'percent') return 'percent';
  if (m.type === 'number') return 'number';
  if (m.type === 'time') return 'time';
  if (m.type === 'boolean') return 'boolean';
  return 'text';
}

/** The catalog of the public views (Cube lists cubes too when a token may see them; the explorer shows views only). */
export function catalogOf(cubes: readonly MetaCube[]): Catalog {
  const members = new Map<string, CatalogMember>();
  const views: CatalogView[] = [];
  for (const cube of cubes) {
    if (!visible(cube) || (cube.type !== undefined && cube.type !== 'view')) continue;
    const member = (m: MetaMember, kind: CatalogMember['kind']): CatalogMember => {
      const entry: CatalogMember = {
        name: m.name,
        view: cube.name,
        kind,
        type: m.type,
        title: m.shortTitle || m.title || m.name,
        description: m.description ?? '',
        format: formatOf(m),
        additive: kind === 'measure' && (m.aggType === 'sum' || m.aggType === 'count'),
      };
      members.set(m.name, entry);
      return entry;
    };
    const dims = cube.dimensions.filter(visible).map((d) => member(d, 'dimension'));
    views.push({
      name: cube.name,
      title: cube.title || cube.name,
      description: cube.description ?? '',
      measures: cube.measures.filter(visible).map((m) => member(m, 'measure')),
      dimensions: dims.filter((d) => d.type !== 'time'),
      timeDimensions: dims.filter((d) => d.type === 'time'),
    });
  }
  return { views, members };
}

/**
 * The operators a filter on a member of each type may use: the query guard's list
 * (server/security/query-guard.ts, OPERATORS_BY_TYPE; a unit test keeps them equal), in the order
 * an analyst reaches for them.
 */
export const OPERATORS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  string: [
    'equals',
    'notEquals',
    'contains',
    'notContains',
    'startsWith',
    'notStartsWith',
    'endsWith',
    'notEndsWith',
    'in',
    'notIn',
    'gt',
    'gte',
    'lt',
    'lte',
    'set',
    'notSet',
  ],
  number: ['equals', 'notEquals', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'set', 'notSet'],
  time: [
    'inDateRange',
    'notInDateRange',
    'onTheDate',
    'beforeDate',
    'beforeOrOnDate',
    'afterDate',
    'afterOrOnDate',
    'equals',
    'notEquals',
    'in',
    'notIn',
    'gt',
    'gte',
    'lt',
    'lte',
    'set',
    'notSet',
  ],
  boolean: ['equals', 'notEquals', 'set', 'notSet'],
};

export const OPERATOR_LABELS: Readonly<Record<string, string>> = {
  equals: 'is',
  notEquals: 'is not',
  contains: 'contains',
  notContains: 'does not contain',
  startsWith: 'starts with',
  notStartsWith: 'does not start with',
  endsWith: 'ends with',
  notEndsWith: 'does not end with',
  in: 'is one of',
  notIn: 'is none of',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  set: 'is set',
  notSet: 'is not set',
  inDateRange: 'between',
  notInDateRange: 'not between',
  onTheDate: 'on',
  beforeDate: 'before',
  beforeOrOnDate: 'on or before',
  afterDate: 'after',
  afterOrOnDate: 'on or after',
};

/** How many values an operator takes: none, exactly one, a [from, to] range, or one or more. */
export type Arity = 'none' | 'one' | 'range' | 'many';

export function arityOf(operator: string): Arity {
  if (operator === 'set' || operator === 'notSet') return 'none';
  if (operator === 'inDateRange' || operator === 'notInDateRange') return 'range';
  if (['gt', 'gte', 'lt', 'lte', 'onTheDate', 'beforeDate', 'beforeOrOnDate', 'afterDate', 'afterOrOnDate'].includes(operator)) {
    return 'one';
  }
  return 'many';
}

/** The operators for a member; a measure filters its groups (Cube's HAVING) with the number operators. */
export function operatorsFor(member: CatalogMember): readonly string[] {
  return OPERATORS_BY_TYPE[member.kind === 'measure' ? 'number' : member.type] ?? [];
}
