/**
 * A stand-in for a host application's backend: it holds the admin token and mints short-lived Parley tokens
 * for its users (POST /api/v1/management/tokens), which the page hands to the client as `getClientSecret`.
 */
export interface HostBackend {
  /** The hosted-mode auth option for one user's client. */
  auth(userId: string): { getClientSecret(current: string | null): Promise<string> };
  /** How many tokens were minted for a user. */
  minted(userId: string): number;
  /** Mints a token directly (for tests that need one without a client). */
  mint(userId: string): Promise<string>;
}

export function hostBackend(
  serverUrl: () => string,
  adminToken: string,
  opts: { ttlSeconds?: number; scope?: Record<string, string[]> } = {},
): HostBackend {
  const counts = new Map<string, number>();
  const mint = async (userId: string): Promise<string> => {
    const res = await fetch(`${serverUrl()}/api/v1/management/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        user_id: userId,
        ...(opts.ttlSeconds ? { ttl_seconds: opts.ttlSeconds } : {}),
        ...(opts.scope ? { scope: opts.scope } : {}),
      }),
    });
    if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: { token: string } };
    counts.set(userId, (counts.get(userId) ?? 0) + 1);
    return body.data.token;
  };
  return {
    auth: (userId) => ({ getClientSecret: () => mint(userId) }),
    minted: (userId) => counts.get(userId) ?? 0,
    mint,
  };
}
