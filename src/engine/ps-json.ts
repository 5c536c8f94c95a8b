/**
 * Helpers for JSON written by PowerShell's ConvertTo-Json and by Graph: keys in any case, dates as
 * Windows PowerShell 5.1 `/Date(ms)/` or ISO 8601, values sometimes wrapped as `{ "value": … }`.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Case-insensitive own-property lookup (never walks the prototype: `__proto__` is just a key). */
export function pick(obj: JsonObject | undefined, name: string): unknown {
  if (!obj) return undefined;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === wanted) return obj[key];
  }
  return undefined;
}

export function pickString(obj: JsonObject | undefined, name: string): string | undefined {
  const value = pick(obj, name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A System.Uri as ConvertTo-Json writes it: a string, or an object with AbsoluteUri. */
export function pickUri(obj: JsonObject | undefined, name: string): string | undefined {
  const value = pick(obj, name);
  if (typeof value === 'string') return value;
  const absolute = isObject(value) ? pick(value, 'AbsoluteUri') : undefined;
  return typeof absolute === 'string' ? absolute : undefined;
}

/** Parses `/Date(1719878400000)/`, `/Date(1719878400000+0200)/` and ISO strings; else undefined. */
export function parsePsDate(value: unknown): Date | undefined {
  if (isObject(value)) {
    return parsePsDate(pick(value, 'value') ?? pick(value, 'DateTime'));
  }
  if (typeof value !== 'string') return undefined;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value.trim());
  if (ms?.[1]) return new Date(Number(ms[1]));
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Accepts true/false, "True"/"False", 1/0. */
export function parsePsBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    if (/^true$/i.test(value.trim())) return true;
    if (/^false$/i.test(value.trim())) return false;
  }
  return undefined;
}

export function parsePsNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Unwraps `{ "value": [ … ] }`, `{ "value": { … } }`, a bare array or a bare object into a list. */
export function unwrapList(json: unknown): JsonObject[] {
  if (Array.isArray(json)) return json.filter(isObject);
  if (isObject(json)) {
    const value = pick(json, 'value');
    if (Array.isArray(value)) return value.filter(isObject);
    if (isObject(value)) return [value];
    return [json];
  }
  return [];
}
