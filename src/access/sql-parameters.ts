/**
 * Where the values of a SQL statement being assembled go: `add` keeps a value and returns the
 * placeholder to write in its place. The same SQL-writing code (access conditions, search
 * filters) then serves TypeORM's query builder (named `:name` parameters) and statements sent
 * straight to the driver (`$1`, `$2`, … in order).
 */
export interface SqlParameters {
  add(value: unknown): string;
}

/** `:prefix_0`, `:prefix_1`, …: for a TypeORM query builder, which takes `values` as its parameters. */
export class NamedParameters implements SqlParameters {
  readonly values: Record<string, unknown> = {};
  private next = 0;

  constructor(private readonly prefix: string) {}

  add(value: unknown): string {
    const name = `${this.prefix}_${this.next++}`;
    this.values[name] = value;
    return `:${name}`;
  }
}

/** `$1`, `$2`, …: for a statement sent to PostgreSQL as is, with `values` in that order. */
export class PositionalParameters implements SqlParameters {
  readonly values: unknown[];

  /** `first`: values already written as $1… (a statement's prefix kept from an earlier build). */
  constructor(first: readonly unknown[] = []) {
    this.values = [...first];
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
