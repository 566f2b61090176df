/**
 * API v8 routes of the fake SuiteCRM besides lists: one record, create (POST, 201), change (PATCH,
 * 201 too), soft delete, relationships by link name (and the generic route that says "added" and
 * writes nothing), a link removed (DELETE .../relationships/{link}/{id}, not recorded: built from
 * SuiteCRM 7's RelationshipService), the current user, logout. A missing record is 400, never 404.
 */
import { renderAttributes, renderItem, renderRelationships } from './attributes.ts';
import { fieldsParam, listRecords } from './v8-list.ts';
import type { PhpQuery } from './php-query.ts';
import { CT_JSON, v8Error, v8Ok, type FakeAnswer } from './render.ts';
import type { FakeStore } from './store.ts';
import { DATE_FIELDS } from './modules.ts';

export interface V8Request {
  method: string;
  /** Path segments after /Api/V8/module. */
  segments: string[];
  query: PhpQuery;
  body: string;
  /** The API user (the token's user). */
  userId: string;
}

const notFound = (module: string, id: string): FakeAnswer => v8Error(400, `${module} module with id ${id} is not found`);

export function moduleRoute(store: FakeStore, req: V8Request): FakeAnswer {
  const [moduleName, id, rel, linkName, ...rest] = req.segments;
  if (moduleName === undefined || moduleName === '') {
    if (req.method === 'POST') return createRecord(store, req);
    if (req.method === 'PATCH') return updateRecord(store, req);
    return v8Error(400, 'Module name is missing', CT_JSON);
  }
  const def = store.resolveModule(moduleName);
  if (!def) return v8Error(400, `Module ${moduleName} does not exist`, CT_JSON);
  if (id === undefined) return req.method === 'GET' ? listRecords(store, def, moduleName, req.query) : v8Error(405, 'Method not allowed', CT_JSON);
  if (rel === undefined) {
    if (req.method === 'GET') {
      const fields = fieldsParam(def, req.query.params, moduleName);
      if (fields.error) return fields.error;
      const r = store.get(def.name, id);
      return r ? v8Ok({ data: renderItem(store, r, fields.fields, moduleName) }) : notFound(def.name, id);
    }
    if (req.method === 'DELETE') {
      return store.softDelete(def.name, id) ? v8Ok({ meta: { message: `Record with id ${id} is deleted` }, data: [] }) : notFound(def.name, id);
    }
    return v8Error(405, 'Method not allowed', CT_JSON);
  }
  if (rel !== 'relationships' || rest.length > 1 || (rest.length === 1 && req.method !== 'DELETE')) return v8Error(404, 'Not found', CT_JSON);
  const source = store.get(def.name, id);
  if (!source) return notFound(def.name, id);
  if (rest.length === 1 && linkName !== undefined) {
    // DELETE .../relationships/{link}/{relatedId}: 200, or 400 when the pair is not linked (SuiteCRM's
    // RelationshipService::deleteRelationship, a DomainException).
    const relatedId = rest[0]!;
    const related = store.related(def.name, id, linkName);
    if (related === null) return v8Error(400, `Link field ${linkName} is not found in ${def.singular} module`, CT_JSON);
    if (!related.ids.includes(relatedId)) return v8Error(400, `Module with ${relatedId} id is not related to ${def.singular}`);
    store.unlink(def.name, id, linkName, relatedId);
    const relatedDef = store.def(related.module);
    return v8Ok({ meta: { message: `Relationship has been deleted between ${def.singular} with id ${id} and ${relatedDef.singular} with id ${relatedId}` }, data: [] });
  }
  if (linkName === undefined) {
    // The generic route: it answers that the record was added, and writes nothing (recording 91).
    if (req.method !== 'POST') return v8Error(405, 'Method not allowed', CT_JSON);
    const data = (JSON.parse(req.body || '{}') as { data?: { type?: string; id?: string } }).data ?? {};
    const relatedDef = store.resolveModule(String(data.type));
    if (!relatedDef) return v8Error(400, `Module ${String(data.type)} does not exist`, CT_JSON);
    return v8Ok({ meta: { message: `${relatedDef.singular} with id ${data.id} has been added to ${def.singular} with id ${id}` }, data: [] }, 201);
  }
  if (req.method === 'GET') {
    const related = store.related(def.name, id, linkName);
    if (related === null || related.ids.length === 0) return v8Ok({ meta: { message: `There is no relationship set in ${def.singular} module with ${linkName} link field` }, data: [] });
    const relatedDef = store.def(related.module);
    const data = related.ids.map((rid) => {
      const r = store.get(related.module, rid)!;
      return { type: relatedDef.singular, id: rid, attributes: renderAttributes(store, r, null), links: { self: `V8/module/${relatedDef.singular}/${rid}` } };
    });
    return v8Ok({ meta: { 'total-records': data.length, 'total-pages': 1, 'records-on-this-page': data.length }, data });
  }
  if (req.method === 'POST') {
    const data = (JSON.parse(req.body || '{}') as { data?: { type?: string; id?: string } }).data ?? {};
    const relatedDef = store.resolveModule(String(data.type));
    if (!relatedDef) return v8Error(400, `Module ${String(data.type)} does not exist`, CT_JSON);
    const relatedId = String(data.id);
    if (!store.get(relatedDef.name, relatedId)) return notFound(relatedDef.name, relatedId);
    if (store.related(def.name, id, linkName) === null) return v8Error(400, `Link field ${linkName} is not found in ${def.singular} module`, CT_JSON);
    store.link(def.name, id, linkName, relatedId);
    return v8Ok(
      {
        meta: {
          message: `${relatedDef.name} record with id ${relatedId} has been related to ${def.name} record with id ${id} using link ${linkName}`,
          sourceModule: def.name,
          sourceModuleLabel: def.name,
          sourceId: id,
          relatedModule: relatedDef.name,
          relatedModuleLabel: relatedDef.name,
          relatedId,
          relationshipLink: linkName,
        },
        data: [],
      },
      201,
    );
  }
  return v8Error(405, 'Method not allowed', CT_JSON);
}

function writeBody(req: V8Request): { type: string; id?: string; attributes: Record<string, unknown> } | null {
  try {
    const body = JSON.parse(req.body) as { data?: { type?: unknown; id?: unknown; attributes?: unknown } };
    const d = body.data;
    if (!d || typeof d.type !== 'string') return null;
    return { type: d.type, ...(typeof d.id === 'string' ? { id: d.id } : {}), attributes: (d.attributes ?? {}) as Record<string, unknown> };
  } catch {
    return null;
  }
}

/** Values as the database keeps them; a date not written `YYYY-MM-DD HH:MM:SS` is stored as NULL (recording 71). */
function toStored(store: FakeStore, module: string, attrs: Record<string, unknown>): { values: Record<string, unknown>; error?: FakeAnswer } {
  const def = store.def(module);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (!def.order.includes(k) && !def.hidden.has(k)) return { values, error: v8Error(400, `Property ${k} in ${def.singular} module is invalid`, CT_JSON) };
    if (typeof v === 'boolean' || (typeof v === 'object' && v !== null)) {
      values[k] = v;
      continue;
    }
    let text = v === null || v === undefined ? '' : String(v);
    if (DATE_FIELDS.has(k)) text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? text : '';
    if (def.stripTags.has(k)) text = text.replace(/<[^>]*>/g, '');
    const max = def.maxLength[k];
    if (max !== undefined && text.length > max) text = text.slice(0, max);
    values[k] = text;
  }
  return { values };
}

function endOf(start: unknown, hours: unknown, minutes: unknown): string {
  if (typeof start !== 'string' || start === '') return '';
  const ms = Date.parse(`${start.replace(' ', 'T')}Z`) + (Number(hours) || 0) * 3_600_000 + (Number(minutes) || 0) * 60_000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function createRecord(store: FakeStore, req: V8Request): FakeAnswer {
  const body = writeBody(req);
  if (!body) return v8Error(400, 'The request body is not valid JSON:API', CT_JSON);
  const def = store.resolveModule(body.type);
  if (!def) return v8Error(400, `Module ${body.type} does not exist`, CT_JSON);
  const { values, error } = toStored(store, def.name, body.attributes);
  if (error) return error;
  if (def.name === 'Calls') values['date_end'] = endOf(values['date_start'], values['duration_hours'], values['duration_minutes']);
  const r = store.create(def.name, values, req.userId);
  return v8Ok({ data: renderItem(store, r, null, null, 'create') }, 201);
}

function updateRecord(store: FakeStore, req: V8Request): FakeAnswer {
  const body = writeBody(req);
  if (!body || body.id === undefined) return v8Error(400, 'The request body is not valid JSON:API', CT_JSON);
  const def = store.resolveModule(body.type);
  if (!def) return v8Error(400, `Module ${body.type} does not exist`, CT_JSON);
  const current = store.get(def.name, body.id);
  if (!current) return v8Error(400, `${def.name} module with id ${body.id} is not found`);
  const { values, error } = toStored(store, def.name, body.attributes);
  if (error) return error;
  if (def.name === 'Calls') {
    if ('date_start' in values) {
      values['date_end'] = endOf(values['date_start'], values['duration_hours'] ?? current.attrs['duration_hours'], values['duration_minutes'] ?? current.attrs['duration_minutes']);
    } else {
      // Saved back from the H:i display format: the seconds are lost, date_end is not recomputed (recording 73).
      for (const k of ['date_start', 'date_end']) {
        const v = current.attrs[k];
        if (typeof v === 'string' && v.length === 19) values[k] = `${v.slice(0, 16)}:00`;
      }
    }
  }
  const r = store.update(def.name, body.id, { ...values, modified_user_id: req.userId })!;
  return v8Ok({ data: renderItem(store, r, null, null, 'patch') }, 201);
}

export function currentUser(store: FakeStore, userId: string): FakeAnswer {
  const r = store.get('Users', userId);
  if (!r) return v8Error(400, `Users module with id ${userId} is not found`);
  return v8Ok({ data: { type: 'User', id: r.id, attributes: renderAttributes(store, r, null, 'current-user'), relationships: renderRelationships(store, r, null, true) } });
}
