// The credits API as the page speaks it (docs/api.md, the contract): JSON in and out, a bearer token on every call,
// and every failure turned into an ApiError carrying the API's own `message`, which is what the page shows.

/** A failed call: `status` 0 means the service could not be reached at all. */
export class ApiError extends Error {
  constructor(status, type, code, message) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
  }

  /** Worth trying again as it is: the contract says 500/503 are safe to retry, and so is a network failure. */
  get retryable() {
    return this.status === 0 || this.status === 500 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** Thrown by a token callback that has sent the person to sign in again: nothing to show. */
export class SigningIn extends Error {}

/**
 * @param {{base: string, getToken: () => Promise<string>, onUnauthorized: (e: ApiError) => void}} options
 */
export function createApi({ base, getToken, onUnauthorized }) {
  async function request(method, path, { body, headers = {}, accept = 'application/json' } = {}) {
    const token = await getToken();
    const init = { method, headers: { Accept: accept, Authorization: `Bearer ${token}`, ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(base + path, init);
    } catch {
      throw new ApiError(0, 'network', 'network',
        'The billing service could not be reached. Check your connection; the page tries again by itself.');
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status === 401) {
        onUnauthorized(error);
      }
      throw error;
    }
    return accept === 'text/csv' ? response.text() : response.json();
  }

  const org = (orgId) => `/orgs/${encodeURIComponent(orgId)}`;
  return {
    balance: (o) => request('GET', `${org(o)}/balance`),
    logs: (o, cursor) => request('GET', `${org(o)}/logs?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    logsCsv: (o) => request('GET', `${org(o)}/logs`, { accept: 'text/csv' }),
    usage: (o, from, to, granularity) => request('GET', `${org(o)}/usage?from=${from}&to=${to}&granularity=${granularity}`),
    pricing: (o, credits) => request('GET', `${org(o)}/pricing?credits=${credits}`),
    checkout: (o, body, key) => request('POST', `${org(o)}/checkout`, { body, headers: { 'Idempotency-Key': key } }),
    invites: (o, cursor) => request('GET', `${org(o)}/invites?status=pending${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    revokeInvite: (o, inviteId) => request('DELETE', `${org(o)}/invites/${encodeURIComponent(inviteId)}`),
    settings: (o) => request('GET', `${org(o)}/settings`),
    saveSettings: (o, body) => request('PUT', `${org(o)}/settings`, { body }),
    autoTopUp: (o) => request('GET', `${org(o)}/auto-top-up`),
    saveAutoTopUp: (o, body) => request('PUT', `${org(o)}/auto-top-up`, { body }),
    autoTopUpAttempts: (o) => request('GET', `${org(o)}/auto-top-up/attempts?limit=5`),
    plan: (o) => request('GET', `${org(o)}/plan`),
    savePlan: (o, body) => request('PUT', `${org(o)}/plan`, { body }),
    adjust: (o, body, key) => request('POST', `${org(o)}/adjustments`, { body, headers: { 'Idempotency-Key': key } }),
  };
}

async function errorOf(response) {
  let error = {};
  try {
    error = (await response.json()).error ?? {};
  } catch {
    // not the contract's JSON (a proxy's page, say): fall back to the status
  }
  return new ApiError(response.status, error.type ?? 'http', error.code ?? String(response.status),
    error.message ?? `The billing service answered ${response.status} ${response.statusText}.`.trim());
}
