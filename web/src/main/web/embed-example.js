// 3. Give the element a token callback: an async function returning a bearer token for the credits API. A real
// host app returns the access token of its own signed-in user; this runnable example (served by the local runner)
// asks the runner's /_local/token for an admin token of org_demo, as a host app's backend would mint one.
const billing = document.querySelector('credits-billing');
let token = null;
billing.getToken = async () => {
  if (!token) {
    const response = await fetch('/_local/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sub: 'user_host_app', org_id: 'org_demo', role: 'admin', email: 'admin@demo.example' }),
    });
    token = (await response.json()).token;
  }
  return token;
};
// A 401 means the token was refused: a host app would refresh its session here.
billing.addEventListener('credits-billing-unauthorized', () => { token = null; });
