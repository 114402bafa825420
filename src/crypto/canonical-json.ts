import canonicalize from 'canonicalize';

import { BadUserInputError } from '../errors/domain-error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

// Deep enough for any report, shallow enough that a hostile document cannot exhaust the stack.
const MAX_DEPTH = 64;

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') {
    return `${path}[${key}]`;
  }
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Refuses anything JSON.stringify would silently change (Dates, Maps, class instances, NaN,
 * functions...), so that what is signed parses back to exactly what the caller passed.
 * Object properties that are `undefined` are left out, as JSON does.
 */
function assertJson(value: unknown, path: string, depth: number, seen: Set<object>): void {
  const field = path === '' ? 'value' : path;
  if (depth > MAX_DEPTH) {
    throw new BadUserInputError(`JSON nested deeper than ${MAX_DEPTH} levels`, [field]);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new BadUserInputError('Numbers must be finite to be represented in JSON', [field]);
      }
      return;
    case 'object':
      break;
    default:
      throw new BadUserInputError(`A ${typeof value} value cannot be represented in JSON`, [field]);
  }
  if (value === null) {
    return;
  }
  if (seen.has(value)) {
    throw new BadUserInputError('Circular structures cannot be represented in JSON', [field]);
  }
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      if (item === undefined) {
        throw new BadUserInputError('Arrays cannot contain undefined in JSON', [childPath(path, index)]);
      }
      assertJson(item, childPath(path, index), depth + 1, seen);
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        assertJson(item, childPath(path, key), depth + 1, seen);
      }
    }
  } else {
    throw new BadUserInputError('Only plain objects, arrays and primitives can be represented in JSON', [field]);
  }
  seen.delete(value);
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation: the exact bytes that get signed, so a
 * signature can be re-verified by anyone who canonicalises the same report.
 */
export function canonicalJson(value: unknown, field = ''): string {
  assertJson(value, field, 0, new Set());
  let result: string | undefined;
  try {
    result = canonicalize(value);
  } catch {
    // canonicalize refuses lone UTF-16 surrogates (not representable in UTF-8).
    throw new BadUserInputError('Strings must be valid Unicode to be represented in JSON', [field || 'value']);
  }
  if (result === undefined) {
    throw new BadUserInputError('The value cannot be represented in JSON', [field || 'value']);
  }
  return result;
}

/**
 * Parses signed content that must be a JSON object already in canonical form: a signature over
 * non-canonical bytes could not be re-verified against the canonical form we store.
 */
export function parseCanonicalJsonObject(text: string, field: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadUserInputError('The content is not valid JSON', [field]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadUserInputError('The content must be a JSON object', [field]);
  }
  const canonical = canonicalJson(parsed, field);
  if (canonical !== text) {
    throw new BadUserInputError(
      'The signed content is not in canonical JSON form (RFC 8785); sign the canonicalised report, with no extra whitespace or trailing newline',
      [field],
    );
  }
  return parsed as JsonObject;
}
