/** A small HTTP client for tests: real requests over the network, status + parsed body + headers back. */
export interface Res<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export class Api {
  constructor(
    readonly base: string,
    readonly headers: Record<string, string>,
  ) {}

  with(headers: Record<string, string>): Api {
    return new Api(this.base, { ...this.headers, ...headers });
  }

  /** X-Scope-Config as MTChat's SDK sends it. */
  withScope(scope: { scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[]; tenant_uid?: string }): Api {
    return this.with({ 'x-scope-config': Buffer.from(JSON.stringify(scope)).toString('base64') });
  }

  async request<T = any>(method: string, path: string, body?: unknown, extra: RequestInit = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...this.headers };
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(this.base + path, { method, headers, body: payload, ...extra });
    const text = await res.text();
    let parsed: any;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}
