// The console's HTTP client: JSON over fetch with the session's Bearer token. Failures become
// ApiError carrying the server's {code, message, field}; a 401 signs the user out.
import { useCallback, useEffect, useRef, useState } from 'react';

const tokenKey = 'yiti.token';

export const session = {
  token: (): string | null => localStorage.getItem(tokenKey),
  store: (token: string): void => localStorage.setItem(tokenKey, token),
  clear: (): void => localStorage.removeItem(tokenKey),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let unauthorized: () => void = () => undefined;

/** Who to tell when the server no longer accepts the session (the auth provider). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Query;
  /** sent as JSON */
  body?: unknown;
  /** sent as multipart/form-data */
  form?: FormData;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.form) {
    body = options.form;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method: options.method ?? 'GET', headers, body, signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', (error as Error).message);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = undefined;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = undefined;
  }
  if (!response.ok) {
    const problem = (payload ?? {}) as { code?: string; message?: string; field?: string };
    const error = new ApiError(response.status, problem.code ?? `HTTP_${response.status}`, problem.message ?? response.statusText, problem.field);
    if (response.status === 401 && !path.startsWith('/api/auth/login')) {
      session.clear();
      unauthorized();
    }
    throw error;
  }
  return payload as T;
}

/**
 * Downloads a file answer (CSV, Excel) with the session's token, which a plain link could not send,
 * and saves it as `filename`. A refusal becomes an ApiError like any other call's.
 */
export async function downloadFile(path: string, filename: string, query?: Query): Promise<void> {
  const response = await fetch(withQuery(path, query), { headers: { authorization: `Bearer ${session.token() ?? ''}` } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string; message?: string; field?: string };
    throw new ApiError(response.status, problem.code ?? `HTTP_${response.status}`, problem.message ?? response.statusText, problem.field);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `value` once it has stopped changing for `ms`: a filter typed key by key asks the server once. */
export function useDebounced<T>(value: T, ms = 400): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `path` (GET) and reloads when it or the query changes; `null` loads nothing.
 * Keeps the previous answer while the next one loads, so tables do not flash empty.
 * With `refreshMs` it polls; the caller decides (e.g. only while a job runs).
 */
export function useApi<T>(path: string | null, query?: Query, options: { refreshMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const url = path === null ? null : withQuery(path, query);
  const refreshMs = options.refreshMs;
  const timer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => {
    if (url === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(url, { signal: controller.signal }).then(
      (data) => {
        setState({ data, loading: false });
        if (refreshMs) timer.current = setTimeout(reload, refreshMs);
      },
      (error: Error) => {
        if (error.name === 'AbortError') return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, 'CLIENT', error.message);
        setState((s) => ({ data: s.data, error: apiError, loading: false }));
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer.current);
    };
  }, [url, generation, refreshMs, reload]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

const once = new Map<string, Promise<unknown>>();

/**
 * A catalogue that does not change while the console is open (e.g. the segment fields): fetched once
 * per page load and shared by every component that asks; a failure is forgotten so that a retry asks again.
 */
export function useOnce<T>(path: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let answer = once.get(path) as Promise<T> | undefined;
    if (!answer) {
      answer = api<T>(path);
      once.set(path, answer);
      answer.catch(() => once.delete(path));
    }
    let live = true;
    answer.then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error: error instanceof ApiError ? error : new ApiError(0, 'CLIENT', error.message), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, generation]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
