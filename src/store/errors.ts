// Typed domain errors. The server maps them to HTTP statuses with {code, message, field};
// the CLI prints the message and exits non-zero.

export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, status: number, message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export class InvalidInput extends DomainError {
  constructor(message: string, opts: { field?: string; details?: Record<string, unknown>; code?: string } = {}) {
    super(opts.code ?? 'INVALID_INPUT', 400, message, opts);
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string | number) {
    super('NOT_FOUND', 404, `${what} ${id} does not exist`, { details: { what, id } });
  }
}

export class Forbidden extends DomainError {
  constructor(message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    super('FORBIDDEN', 403, message, opts);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Sign in first: this request carries no valid session token') {
    super('UNAUTHORIZED', 401, message);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, opts: { field?: string; details?: Record<string, unknown>; code?: string } = {}) {
    super(opts.code ?? 'CONFLICT', 409, message, opts);
  }
}

/** The database file is held by another process (DuckDB allows one writer). */
export class DatabaseLocked extends DomainError {
  constructor(file: string, holder: string) {
    super(
      'DATABASE_LOCKED',
      423,
      `The database ${file} is already open in another process (${holder}). ` +
        `Stop that process (for example the Yiti server) or run this against another file with --db.`,
    );
  }
}

/** A JSON pointer of a schema error as the field a person reads: '/events/3/subscriberId' → 'events[3].subscriberId'. */
export function fieldOfPointer(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
