/**
 * The one name-to-object registry of the library (layers, initializers, activations,
 * regularizers, losses, optimizers, metrics). Each entry registers itself beside its definition:
 * `const ACTIVATIONS = new Registry<Fn>('activation'); ACTIVATIONS.register(['relu'], relu);`.
 * Lookup ignores case and underscores, so `'heNormal'`, `'he_normal'` and `'HeNormal'` agree;
 * an unknown name throws an error listing the known ones (the first name of each entry).
 */
export class Registry<T> {
  private readonly byKey = new Map<string, T>();
  private readonly primary: string[] = [];
  private readonly nameByValue = new Map<T, string>();

  /** `kind` names what is looked up, for errors: "unknown activation 'foo'; expected one of …". */
  constructor(readonly kind: string) {}

  register(names: string | readonly string[], value: T): T {
    const list = typeof names === 'string' ? [names] : names;
    this.primary.push(list[0]);
    for (const n of list) this.byKey.set(Registry.key(n), value);
    if (!this.nameByValue.has(value)) this.nameByValue.set(value, list[0]);
    return value;
  }

  /** The first name `value` was registered under (how it is written to a saved config). */
  nameOf(value: T): string | undefined {
    return this.nameByValue.get(value);
  }

  lookup(name: string): T | undefined {
    return this.byKey.get(Registry.key(name));
  }

  /** The entry, or an error naming `op`, the unknown name and every known one. */
  get(name: string, op: string): T {
    const v = this.lookup(name);
    if (v === undefined) throw new RangeError(`${op}: unknown ${this.kind} ${JSON.stringify(name)}; expected one of ${this.names().join(', ')}`);
    return v;
  }

  names(): string[] {
    return [...this.primary];
  }

  private static key(name: string): string {
    return name.replace(/_/g, '').toLowerCase();
  }
}
