// The JSON API of `mote serve` (docs/serve.md). The session cookie (set by the /?token= link, or by /login in teams
// mode) authorizes writes.

export class ApiError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  } else if (method !== 'GET') init.body = '';
  const res = await fetch(path, init);
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, `${method} ${path}: not JSON (${res.status})`);
  }
  // Asked with optional=1 (every GET below): "not there yet" comes back as 200 {missing: true}, which keeps the
  // browser's console free of 404s; callers still see an ApiError with status 404.
  if (res.ok && data && data.missing === true && method === 'GET') throw new ApiError(404, data.error);
  if (!res.ok) {
    let msg = data && data.error ? data.error : `${method} ${path} failed (${res.status})`;
    // Teams mode: the server names its login page; the studio goes there instead of failing.
    if (res.status === 401 && data && typeof data.login === 'string') window.location.assign(data.login);
    else if (res.status === 401) msg += ' — open the link with ?token= that `mote serve` printed to allow changes';
    throw new ApiError(res.status, msg);
  }
  return data as T;
}

export const get = <T = any>(path: string) => call<T>('GET', path + (path.includes('?') ? '&' : '?') + 'optional=1');
export const post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers);
export const put = <T = any>(path: string, body: unknown) => call<T>('PUT', path, body);
export const del = <T = any>(path: string) => call<T>('DELETE', path);

export interface SampleMeta {
  id: number;
  name: string;
  label: string;
  category: 'training' | 'testing';
  kind: string;
  frames?: number;
  length_ms?: number;
  frequency_hz?: number;
  interval_ms?: number;
  sensors?: { name: string; units: string }[];
  width?: number;
  height?: number;
  created_at: string;
}

export interface Sample extends SampleMeta {
  values?: number[][];
  image?: string;
}

export interface Job {
  id: number;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  error: string;
  created_at: string;
  started_at: string;
  finished_at: string;
  log?: string;
  result?: any;
}

export interface LabelCounts {
  labels: { label: string; training: number; testing: number }[];
  training: number;
  testing: number;
  test_fraction: number;
}

export async function startJob(kind: string, params: object = {}): Promise<number> {
  const r = await post<{ id: number }>('/api/jobs', { kind, params });
  return r.id;
}

export interface JobHandlers {
  onLog?: (line: string) => void;
  onProgress?: (p: number) => void;
  onState?: (job: Job) => void;  // the final state
}

// Follows a job's Server-Sent Events until its final state; returns a function that stops following.
export function followJob(id: number, h: JobHandlers): () => void {
  const es = new EventSource(`/api/jobs/${id}/events`);
  let finished = false;
  es.addEventListener('log', (e) => h.onLog?.(JSON.parse((e as MessageEvent).data).line));
  es.addEventListener('progress', (e) => h.onProgress?.(JSON.parse((e as MessageEvent).data).progress));
  es.addEventListener('job', (e) => h.onProgress?.(JSON.parse((e as MessageEvent).data).progress));
  es.addEventListener('state', (e) => {
    finished = true;
    es.close();
    h.onState?.(JSON.parse((e as MessageEvent).data));
  });
  let timer = 0;
  es.onerror = () => {
    // A dropped stream reconnects by itself (resuming after Last-Event-ID); a refused one (503) is closed:
    // then poll the job until it ends.
    if (finished || es.readyState !== EventSource.CLOSED) return;
    const poll = () => get<Job>(`/api/jobs/${id}`).then((j) => {
      if (j.state !== 'queued' && j.state !== 'running') { finished = true; h.onProgress?.(j.progress); h.onState?.(j); }
      else { h.onProgress?.(j.progress); timer = window.setTimeout(poll, 1000); }
    }).catch(() => { timer = window.setTimeout(poll, 2000); });
    poll();
  };
  return () => { finished = true; clearTimeout(timer); es.close(); };
}
