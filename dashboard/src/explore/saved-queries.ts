/**
 * The explorer's saved queries: named Cube queries kept in the browser (localStorage), exported to and
 * imported from a JSON file. The browser keeps them in the same envelope as the file, so one reader
 * checks both. A query is kept as Cube's JSON in toCubeQuery's canonical form, so equal queries are
 * equal text and a saved query can be pasted into code.
 */
import type { Query } from '@cubejs-client/core';
import { fromCubeQuery, membersOf, toCubeQuery, type ExploreQuery } from './explore-query.js';

export interface SavedQuery {
  name: string;
  /** Cube's JSON, as toCubeQuery writes it. */
  query: Query;
  /** When it was saved, an ISO instant. */
  savedAt: string;
}

export const SAVED_QUERIES_KEY = 'service-code-usage:explorer:saved-queries';
export const SAVED_QUERIES_FORMAT = 'service-code-usage/explorer-queries';
export const SAVED_QUERIES_VERSION = 1;
/** The most queries a file may bring, and the browser may keep. */
export const MAX_SAVED_QUERIES = 500;

export const STORAGE_UNAVAILABLE = 'This browser does not let the page keep saved queries.';

const collator = new Intl.Collator(undefined, { numeric: true });
const byName = (a: SavedQuery, b: SavedQuery) => collator.compare(a.name, b.name);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface ReadSaved {
  queries: SavedQuery[];
  /** The text as a whole could not be read: no queries. */
  unreadable: string | null;
  /** Entries left out or read in part. */
  problems: string[];
}

/**
 * Reads the envelope `{ format, version, queries }`. `subject` names the text in messages ("The file").
 * Each entry's query goes through fromCubeQuery and is kept in canonical form; one that names no member
 * is left out, one read in part is kept with its problems named.
 */
function readSaved(text: string, subject: string, maxEntries: number): ReadSaved {
  const fail = (unreadable: string): ReadSaved => ({ queries: [], unreadable, problems: [] });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`${subject} is not JSON (${messageOf(e)}).`);
  }
  if (!isObject(raw) || raw.format !== SAVED_QUERIES_FORMAT) {
    return fail(`${subject} is not a file of explorer queries: its "format" must be "${SAVED_QUERIES_FORMAT}".`);
  }
  if (raw.version !== SAVED_QUERIES_VERSION) {
    return fail(`${subject} is version ${JSON.stringify(raw.version)} of the explorer queries format; this explorer reads version 1.`);
  }
  if (!Array.isArray(raw.queries)) return fail(`${subject} has no "queries" list.`);
  if (raw.queries.length > maxEntries) {
    return fail(`${subject} has ${raw.queries.length} queries; at most ${maxEntries} can be imported at once.`);
  }

  const queries: SavedQuery[] = [];
  const problems: string[] = [];
  raw.queries.forEach((entry: unknown, index) => {
    // Counted from 1, as a person reading the file counts.
    const at = `Entry ${index + 1}`;
    const name = isObject(entry) && typeof entry.name === 'string' ? entry.name.trim() : '';
    if (!isObject(entry) || !name) {
      problems.push(`${at} has no name; it was skipped.`);
      return;
    }
    if (entry.query === undefined) {
      problems.push(`${at} ("${name}") has no query; it was skipped.`);
      return;
    }
    const read = fromCubeQuery(entry.query);
    problems.push(...read.problems.map((p) => `"${name}": ${p}`));
    if (membersOf(read.query).length === 0) {
      problems.push(`"${name}": it names no measure or dimension; it was skipped.`);
      return;
    }
    let savedAt = new Date().toISOString();
    if (typeof entry.savedAt === 'string' && !Number.isNaN(Date.parse(entry.savedAt))) savedAt = entry.savedAt;
    else if (entry.savedAt !== undefined) problems.push(`"${name}": its "savedAt" is not a date; the time of reading is used.`);
    queries.push({ name, query: toCubeQuery(read.query), savedAt });
  });
  return { queries, unreadable: null, problems };
}

const canonical = (query: Query) => JSON.stringify(toCubeQuery(fromCubeQuery(query).query));

/**
 * The existing queries and the incoming ones, by name. An incoming name already kept with another query
 * becomes "<name> (2)", "(3)", …; one kept with the same query (under its name or a numbered one, as
 * when a file is imported twice) is not added again.
 */
export function mergeSaved(existing: readonly SavedQuery[], incoming: readonly SavedQuery[]): SavedQuery[] {
  const byNameMap = new Map(existing.map((s) => [s.name, s]));
  for (const entry of incoming) {
    const query = canonical(entry.query);
    for (let n = 1; ; n++) {
      const name = n === 1 ? entry.name : `${entry.name} (${n})`;
      const kept = byNameMap.get(name);
      if (!kept) {
        byNameMap.set(name, { ...entry, name });
        break;
      }
      if (canonical(kept.query) === query) break;
    }
  }
  return [...byNameMap.values()].sort(byName);
}

/** The JSON file of `queries`, pretty-printed. */
export function exportSavedQueries(queries: readonly SavedQuery[]): string {
  const file = { format: SAVED_QUERIES_FORMAT, version: SAVED_QUERIES_VERSION, queries };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Reads a file written by exportSavedQueries (or by hand). A file that is not JSON, not of this format
 * or of another version gives one problem and no queries; otherwise every entry left out or read in
 * part is named.
 */
export function importSavedQueries(text: string): { queries: SavedQuery[]; problems: string[] } {
  const read = readSaved(text, 'The file', MAX_SAVED_QUERIES);
  return { queries: read.queries, problems: read.unreadable ? [read.unreadable] : read.problems };
}

export interface SavedQueriesStore {
  /** Sorted by name; [] when storage is unavailable or unreadable (then `problem()` says why). */
  list(): SavedQuery[];
  /** Saves under the trimmed name, replacing a query of that name. Throws an Error with a message to show. */
  save(name: string, query: ExploreQuery): SavedQuery;
  /** Adds imported queries as mergeSaved does, in one write; returns those added, under their final names. */
  merge(incoming: readonly SavedQuery[]): SavedQuery[];
  /** Throws an Error with a message to show. */
  remove(name: string): void;
  /** Why the saved queries cannot be read or kept; null when they can. */
  problem(): string | null;
}

/** Storage full: each browser names it its own way. */
const isQuotaError = (e: unknown) =>
  typeof e === 'object' &&
  e !== null &&
  ['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED'].includes(String((e as { name?: unknown }).name));

/**
 * The saved queries in `storage` (null: the browser does not let the page keep anything, as in some
 * private modes). Read afresh on every call, so another tab's changes are seen. A failed write throws
 * and leaves the stored list as it was (the list is written as one item).
 */
/** The storage key of a clinic's saved queries: one browser can serve several clinics' tokens, and a
 * clinic's queries (their filter values: payor names, ids) are not another's to see. */
export function savedQueriesKey(scope: string | null = null): string {
  return scope ? `${SAVED_QUERIES_KEY}:${scope}` : SAVED_QUERIES_KEY;
}

export function savedQueriesStore(storage: Storage | null, scope: string | null = null): SavedQueriesStore {
  const key = savedQueriesKey(scope);
  let problem: string | null = storage ? null : STORAGE_UNAVAILABLE;

  function read(): SavedQuery[] {
    if (!storage) return [];
    let text: string | null;
    try {
      text = storage.getItem(key);
    } catch {
      problem = STORAGE_UNAVAILABLE;
      return [];
    }
    problem = null;
    if (text === null) return [];
    // What the page wrote itself has no size limit; an import is checked before it is merged.
    const saved = readSaved(text, 'the stored text', Infinity);
    if (saved.unreadable) problem = `Saved queries could not be read: ${saved.unreadable} Saving a query will replace them.`;
    else if (saved.problems.length) problem = `Some saved queries could not be read: ${saved.problems.join(' ')}`;
    return saved.queries.sort(byName);
  }

  function write(queries: SavedQuery[], failure: string): void {
    if (!storage) throw new Error(STORAGE_UNAVAILABLE);
    if (queries.length > MAX_SAVED_QUERIES) {
      throw new Error(`${failure}: at most ${MAX_SAVED_QUERIES} queries can be kept; delete some first.`);
    }
    try {
      storage.setItem(key, exportSavedQueries(queries));
    } catch (e) {
      const why = isQuotaError(e) ? "the browser's storage for this page is full. Delete or export some saved queries." : messageOf(e);
      throw new Error(`${failure}: ${why}`, { cause: e });
    }
  }

  return {
    list: read,
    save(name, query) {
      const trimmed = name.trim();
      if (!trimmed) throw new Error('Give the query a name.');
      if (membersOf(query).length === 0) throw new Error('The query is empty: choose a measure or a dimension first.');
      const entry: SavedQuery = { name: trimmed, query: toCubeQuery(query), savedAt: new Date().toISOString() };
      write([...read().filter((s) => s.name !== trimmed), entry].sort(byName), `“${trimmed}” was not saved`);
      return entry;
    },
    merge(incoming) {
      const existing = read();
      const merged = mergeSaved(existing, incoming);
      const before = new Set(existing.map((s) => s.name));
      const added = merged.filter((s) => !before.has(s.name));
      if (added.length) write(merged, 'The queries were not imported');
      return added;
    },
    remove(name) {
      const existing = read();
      const kept = existing.filter((s) => s.name !== name);
      if (kept.length !== existing.length) write(kept, `“${name}” was not deleted`);
    },
    problem() {
      read();
      return problem;
    },
  };
}
