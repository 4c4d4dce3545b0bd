export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Stores `value` under `key` as an own property. Plain assignment of `__proto__` would replace the
 * object's prototype instead, so a model writing `{"__proto__": 1}` would silently lose data.
 */
export function setOwn(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
