// Optional filters of a list query: each given value adds one condition and its named parameter;
// absent values add nothing. The SQL text comes from the caller's constants, values only as params.
import type { SqlValue } from './store.ts';

export class Filters {
  private readonly conditions: string[] = [];
  readonly params: Record<string, SqlValue> = {};

  /** Adds `condition` (which names `$name`) when `value` is given. */
  when(value: SqlValue | undefined, name: string, condition: string): this {
    if (value === undefined || value === null || value === '') return this;
    this.conditions.push(condition);
    this.params[name] = value;
    return this;
  }

  /** Adds a condition that always applies, with its parameters. */
  always(condition: string, params: Record<string, SqlValue> = {}): this {
    this.conditions.push(condition);
    Object.assign(this.params, params);
    return this;
  }

  /** `WHERE a AND b`, or nothing. */
  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }

  /** `a AND b`, or `true`. */
  get all(): string {
    return this.conditions.length ? this.conditions.join(' AND ') : 'true';
  }
}
