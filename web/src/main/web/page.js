// The Billing page at /app/admin/billing/credits: signs in with OpenID Connect (Authorization Code + PKCE, through
// oidc-client-ts) against the issuer that config.json names, then shows <credits-billing> for the signed-in org.
// config.json is written by whoever serves the page: the local runner, or CloudFront's function in template.yaml.
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { SigningIn } from './api.js';
import './credits-billing.js';

const BASE = '/app/admin/billing/credits';
const SIGNED_OUT = 'credits-billing:signed-out';
const SIGNED_IN_AT = 'credits-billing:signed-in-at';
const main = document.querySelector('main');

function show(...nodes) {
  main.replaceChildren(...nodes);
}

function paragraph(text, role) {
  const p = document.createElement('p');
  p.textContent = text;
  if (role) {
    p.setAttribute('role', role);
    p.className = 'billing-error';
  }
  return p;
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

/** The claims the API authorizes with: the access token's (a JWT), else the ID token's profile. */
function claimsOf(user) {
  try {
    const payload = user.access_token.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
    return { ...user.profile, ...JSON.parse(atob(payload)) };
  } catch {
    return user.profile;
  }
}

async function start() {
  let config;
  try {
    const response = await fetch(`${BASE}/config.json`, { cache: 'no-store' });
    config = await response.json();
  } catch {
    show(paragraph('The Billing page could not load its configuration (config.json). Reload to try again.', 'alert'));
    return;
  }
  const users = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${window.location.origin}${BASE}/callback`,
    response_type: 'code',
    scope: config.scope ?? 'openid email profile',
    loadUserInfo: false,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  const here = () => `${window.location.pathname}${window.location.search}`;
  const signIn = async () => {
    sessionStorage.removeItem(SIGNED_OUT);
    show(paragraph('Signing in…'));
    await users.signinRedirect({ state: { returnTo: here() } });
  };

  if (window.location.pathname === `${BASE}/callback`) {
    try {
      const user = await users.signinRedirectCallback();
      sessionStorage.setItem(SIGNED_IN_AT, String(Date.now()));
      window.history.replaceState(null, '', user.state?.returnTo?.startsWith(BASE) ? user.state.returnTo : BASE);
    } catch (error) {
      show(paragraph(`Sign-in failed: ${error.message}`, 'alert'), button('Sign in', signIn));
      return;
    }
  }

  const user = await users.getUser();
  if (!user || user.expired) {
    if (sessionStorage.getItem(SIGNED_OUT)) {
      show(paragraph('You are signed out.'), button('Sign in', signIn));
    } else {
      await signIn();
    }
    return;
  }

  const claims = claimsOf(user);
  const requested = new URLSearchParams(window.location.search).get('org');
  // Staff look after every org (?org=...); everyone else sees the org of their token.
  const orgId = claims.role === 'staff' && requested ? requested : claims.org_id;
  document.querySelector('#who').textContent =
    `${claims.email ?? claims.sub} (${claims.role ?? 'no role'}) · organization ${orgId ?? 'none'}`;
  const signOut = document.querySelector('#sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', async () => {
    await users.removeUser();
    sessionStorage.setItem(SIGNED_OUT, '1');
    window.location.assign(BASE);
  });
  if (!orgId) {
    show(paragraph('Your sign-in carries no organization (org_id claim): billing needs one.', 'alert'));
    return;
  }

  const billing = document.createElement('credits-billing');
  billing.setAttribute('org-id', orgId);
  billing.setAttribute('user-role', claims.role ?? '');
  billing.setAttribute('api-base', config.apiBase ?? '');
  const signInAgain = async () => {
    billing.saveDrafts();
    await users.removeUser();
    await signIn();
    throw new SigningIn();
  };
  billing.getToken = async () => {
    const current = await users.getUser();
    if (!current || current.expired) {
      return signInAgain();
    }
    return current.access_token;
  };
  billing.addEventListener('credits-billing-unauthorized', () => {
    // A token refused right after signing in would loop: then the API's message stays on screen instead.
    if (Date.now() - Number(sessionStorage.getItem(SIGNED_IN_AT) ?? 0) > 15_000) {
      signInAgain().catch(() => {});
    }
  });
  document.querySelector('h1').textContent = `Billing · ${orgId}`;
  show(billing);
}

start();
