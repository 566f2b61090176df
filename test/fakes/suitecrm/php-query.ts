/**
 * Query strings read the way PHP reads them for SuiteCRM: `+` is a space, `%XX` is decoded, keys
 * with brackets (`filter[phone_work][eq]`, also `%5B...%5D`) become nested arrays, the last
 * duplicate wins. A raw `+` in a phone number therefore arrives as a space (recording 28).
 */
export type PhpValue = string | { [key: string]: PhpValue };

export interface PhpQuery {
  params: Record<string, PhpValue>;
  /** Each `key=value` part decoded, in order: what SuiteCRM echoes in `links` (decoded). */
  decodedParts: { key: string; value: string }[];
}

export function phpDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

export function parsePhpQuery(query: string): PhpQuery {
  const params: Record<string, PhpValue> = {};
  const decodedParts: { key: string; value: string }[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = phpDecode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : phpDecode(part.slice(eq + 1));
    decodedParts.push({ key, value });
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (m === null) {
      params[key] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    let node: Record<string, PhpValue> = params;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      const next = node[k];
      if (typeof next !== 'object') node[k] = {};
      node = node[k] as Record<string, PhpValue>;
    }
    node[path[path.length - 1]!] = value;
  }
  return { params, decodedParts };
}

/** PHP's urlencoded form body (application/x-www-form-urlencoded): flat key -> value. */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of parsePhpQuery(body).decodedParts) out[key] = value;
  return out;
}
