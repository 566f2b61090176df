/**
 * Query strings the way SuiteCRM reads them (PHP): keys with their brackets written literally
 * (`filter[phone_work][eq]`), values percent-encoded in full. `+` must travel as %2B (PHP turns a raw
 * `+` into a space, recording 28) and `%` as %25 (a `like` wildcard). Commas stay literal, as in
 * `fields[Contacts]=first_name,last_name`. Values are never taken from `links.next`: those come
 * back decoded (recording 21), and following them turns `+` into a space.
 */
export type QueryParams = readonly (readonly [key: string, value: string])[];

const KEY = /^[A-Za-z0-9_]+(\[[A-Za-z0-9_]+\])*$/;

export function encodeQuery(params: QueryParams): string {
  return params
    .map(([key, value]) => {
      // Keys are ours (module and field names from settings); anything else is a bug, not data.
      if (!KEY.test(key)) throw new RangeError(`Not a SuiteCRM query key: ${JSON.stringify(key)}`);
      return `${key}=${encodeValue(value)}`;
    })
    .join('&');
}

export function encodeValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2C/g, ',');
}
