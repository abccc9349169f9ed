// The store's HTTP API as the UI calls it: URLs relative to the page (so a reverse proxy's path
// prefix works), the browser's credentials, an optional tenant header, and readable 401/403 errors.

// The page lives at <prefix>/ui/, the API at <prefix>/loki/api/v1/...
const base = new URL('../', window.location.href);
let tenant = '';

export function setTenant(t) { tenant = t || ''; }

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export function apiUrl(path, params = {}) {
  const u = new URL(path, base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
  return u;
}

function explain(status, body) {
  const detail = body.trim();
  if (status === 401 && detail === 'no org id') {
    return 'No tenant (401): this store has auth_enabled, so every request names a tenant; enter it in the tenant box.';
  }
  if (status === 401) {
    return 'Sign-in required (401): this store checks credentials and the API calls need the "read" scope. ' +
      'Reload the page to enter a username and password.' + (detail ? ` Store said: ${detail}` : '');
  }
  if (status === 403) return `Access denied (403): your credential cannot read this data. Store said: ${detail}`;
  if (status === 429) return `The store is busy (429): ${detail}`;
  return detail || `HTTP ${status}`;
}

export async function apiGet(path, params = {}, signal = undefined) {
  const headers = tenant ? { 'X-Scope-OrgID': tenant } : {};
  let res;
  try {
    res = await fetch(apiUrl(path, params), { credentials: 'same-origin', headers, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `Cannot reach the store: ${e.message}`);
  }
  if (!res.ok) throw new ApiError(res.status, explain(res.status, await res.text()));
  return res.json();
}

// ws(s)://…/loki/api/v1/tail?query=… (browsers send cookies and cached Basic credentials along).
// A WebSocket cannot carry X-Scope-OrgID, so the tenant goes as the store's `org_id` parameter,
// which it reads on tail upgrades only and checks as it checks the header.
export function tailSocket(query, limit) {
  const u = apiUrl('loki/api/v1/tail', { query, limit, org_id: tenant });
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocket(u.toString());
}
