/**
 * GET /Api/V8/module/{Module}: filters, sort and paging as SuiteCRM 7.14 does them, quirks
 * included. Filter values go to "SQL" unchanged: strings compare without regard to case, `like`
 * takes the caller's own wildcards, dates compare with the database's seconds (an offset is ignored,
 * garbage compares as the zero date). Without `page[size]` at most 20 rows and no paging; without
 * `page[number]`, `links.next` points at page 1 again. Links echo the decoded query.
 */
import { renderItem } from './attributes.ts';
import { DATE_FIELDS } from './modules.ts';
import type { ModuleDef } from './modules.ts';
import type { PhpQuery, PhpValue } from './php-query.ts';
import { CT_JSON, CT_VND, v8Error, v8Ok, type FakeAnswer } from './render.ts';
import type { FakeRecord, FakeStore } from './store.ts';

const OPERATORS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like']);
const DB_FAILURE = 'Database failure. Please refer to suitecrm.log for details.';

interface Condition {
  field: string;
  op: string;
  value: string;
  match: (r: FakeRecord) => boolean;
}

/** `fields[Module]` checked against the vardefs; hidden fields are silently dropped. */
export function fieldsParam(def: ModuleDef, params: Record<string, PhpValue>, pathModule: string): { fields: string[] | null; error?: FakeAnswer } {
  const f = params['fields'];
  if (typeof f !== 'object') return { fields: null };
  const raw = f[pathModule] ?? f[def.name] ?? f[def.singular];
  if (typeof raw !== 'string') return { fields: null };
  const fields = raw.split(',').filter((x) => x !== '');
  for (const field of fields) {
    if (!def.order.includes(field) && !def.hidden.has(field)) return { fields, error: v8Error(400, `The following field in ${def.singular} module is not found: ${field}`, CT_JSON) };
  }
  return { fields };
}

export function listRecords(store: FakeStore, def: ModuleDef, pathModule: string, query: PhpQuery): FakeAnswer {
  const { params } = query;
  const fields = fieldsParam(def, params, pathModule);
  if (fields.error) return fields.error;

  // Filters: validated first (parameter errors are application/json), run later.
  const conditions: Condition[] = [];
  let operator = 'and';
  const filter = params['filter'];
  if (filter !== undefined) {
    if (typeof filter !== 'object') return v8Error(400, 'Filter must be an array', CT_JSON);
    for (const [field, ops] of Object.entries(filter)) {
      if (field === 'operator') {
        operator = String(ops).toLowerCase();
        continue;
      }
      if (typeof ops !== 'object') return v8Error(400, `Filter field ${field} must be an array`, CT_JSON);
      if (!def.order.includes(field) && !def.hidden.has(field) && field !== 'id') return v8Error(400, `Filter field ${field} in ${def.singular} module is not found`, CT_JSON);
      for (const [op, value] of Object.entries(ops)) {
        if (!OPERATORS.has(op.toLowerCase())) return v8Error(400, `Filter operator ${op} is invalid`, CT_JSON);
        conditions.push({ field, op: op.toLowerCase(), value: String(value), match: () => false });
      }
    }
  }
  if (conditions.some((c) => def.nonDb.has(c.field))) return v8Error(400, DB_FAILURE, CT_VND, DB_FAILURE);
  for (const c of conditions) c.match = matcher(c.field, c.op, c.value);

  const sortParam = typeof params['sort'] === 'string' ? params['sort'] : null;
  if (sortParam !== null && sortParam.includes(',')) return v8Error(400, 'Multiple sort fields are not supported', CT_JSON);
  const desc = sortParam?.startsWith('-') ?? false;
  const sortField = sortParam === null || sortParam === '' ? null : sortParam.replace(/^-/, '');
  if (sortField !== null && sortField !== 'id' && !def.order.includes(sortField)) return v8Error(400, `Sort field ${sortField} in ${def.singular} module is not found`, CT_JSON);

  const page = typeof params['page'] === 'object' ? params['page'] : null;
  const sizeText = page && typeof page['size'] === 'string' ? page['size'] : null;
  const numberText = page && typeof page['number'] === 'string' ? page['number'] : null;
  if (sizeText !== null && !(Number(sizeText) >= 1 && Number.isInteger(Number(sizeText)))) return v8Error(400, `The option "size" with value "${sizeText}" is invalid.`, CT_JSON);
  if (numberText !== null && !(Number(numberText) >= 1 && Number.isInteger(Number(numberText)))) return v8Error(400, `The option "number" with value "${numberText}" is invalid.`, CT_JSON);

  // Run: a filter on `deleted` is the only way deleted rows get into a v8 list (and then it fails).
  const withDeleted = conditions.some((c) => c.field === 'deleted');
  const matches = (r: FakeRecord): boolean =>
    (withDeleted || !r.deleted) && (conditions.length === 0 || (operator === 'or' ? conditions.some((c) => c.match(r)) : conditions.every((c) => c.match(r))));
  // Keyset fast path: `id > X` with AND starts scanning after X in the sorted ids.
  const idAfter = operator !== 'or' && (sortField === null || sortField === 'id') && !desc ? conditions.find((c) => c.field === 'id' && c.op === 'gt')?.value : undefined;
  let rows: FakeRecord[] = [];
  for (const r of store.inIdOrder(def.name, idAfter)) if (matches(r)) rows.push(r);
  if (sortField !== null && sortField !== 'id') {
    rows = rows.sort((a, b) => compareValues(valueOf(a, sortField), valueOf(b, sortField)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (desc) rows.reverse();
  } else if (desc) rows.reverse();

  const size = sizeText === null ? null : Number(sizeText);
  const number = numberText === null ? 0 : Number(numberText);
  const slice = size === null ? rows.slice(0, 20) : rows.slice(Math.max(0, number - 1) * size, Math.max(1, number) * size);
  if (slice.length === 0) return v8Ok({ meta: { message: 'Request was successful, but there is no result' }, data: [] });
  // SuiteCRM reads each row again by id; a deleted one is "not found" (recording 98).
  const gone = slice.find((r) => r.deleted);
  if (gone) return v8Error(400, `${def.name} module with id ${gone.id} is not found`);
  const data = slice.map((r) => renderItem(store, r, fields.fields, pathModule));
  if (size === null) return v8Ok({ data });
  const totalPages = Math.ceil(rows.length / size);
  const link = (n: number): string => `V8/module/${pathModule}?${linkQuery(query, n)}`;
  return v8Ok({
    meta: { 'total-pages': totalPages, 'records-on-this-page': slice.length },
    data,
    links: {
      first: number > 1 ? link(1) : null,
      prev: number > 1 ? link(number - 1) : null,
      next: number < totalPages ? link(number + 1) : null,
      last: number < totalPages ? link(totalPages) : null,
    },
  });
}

/** The decoded query with page[number] set (appended when the request had none). */
function linkQuery(query: PhpQuery, n: number): string {
  const parts = query.decodedParts.map((p) => ({ ...p }));
  const at = parts.findIndex((p) => p.key === 'page[number]');
  if (at === -1) parts.push({ key: 'page[number]', value: String(n) });
  else parts[at]!.value = String(n);
  return parts.map((p) => `${p.key}=${p.value}`).join('&');
}

function valueOf(r: FakeRecord, field: string): string {
  if (field === 'id') return r.id;
  const v = r.attrs[field];
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
}

function compareValues(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** MySQL's reading of a string compared with a DATETIME: a date prefix, else the zero date. */
export function mysqlDateTime(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text.trim());
  if (m === null) return '0000-00-00 00:00:00';
  return `${m[1]}-${m[2]}-${m[3]} ${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`;
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'is');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function matcher(field: string, op: string, value: string): (r: FakeRecord) => boolean {
  if (op === 'like') {
    const re = likeRegex(value);
    return (r) => re.test(valueOf(r, field));
  }
  const date = DATE_FIELDS.has(field);
  const want = date ? mysqlDateTime(value) : value.toLowerCase().trimEnd();
  return (r) => {
    const raw = valueOf(r, field);
    if (date && raw === '') return false; // NULL compares as nothing
    const have = date ? raw : raw.toLowerCase().trimEnd();
    switch (op) {
      case 'eq':
        return have === want;
      case 'neq':
        return have !== want;
      case 'gt':
        return have > want;
      case 'gte':
        return have >= want;
      case 'lt':
        return have < want;
      default:
        return have <= want;
    }
  };
}
