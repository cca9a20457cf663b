/**
 * An object whose values are built the first time each is read, then kept: for schemas that cost
 * building (zod 4 builds each schema eagerly) and that most readers of a module never touch.
 */
export function builtOnFirstUse<T extends Record<string, () => unknown>>(builders: T): { [K in keyof T]: ReturnType<T[K]> } {
  const out = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const [key, build] of Object.entries(builders)) {
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = build();
        Object.defineProperty(out, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return out;
}
