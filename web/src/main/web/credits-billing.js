// <credits-billing>: the Billing page's content as one custom element. The page (page.js) wraps it with OpenID
// Connect sign-in; a host app embeds it and hands it a token callback:
//
//   <script type="module" src="https://billing.example.com/app/admin/billing/credits/credits-billing.js"></script>
//   <credits-billing org-id="org_demo" user-role="admin" api-base="https://api.example.com"></credits-billing>
//   document.querySelector('credits-billing').getToken = async () => myApp.accessToken();
//
// Light DOM on purpose: labels, headings and live regions belong to the host document, as screen readers expect.
import { LitElement, html, nothing, svg } from 'lit';
import { ApiError, SigningIn, createApi } from './api.js';
import { fromMinorUnits, money, periods, signed, toMinorUnits, when, words } from './format.js';
import css from './billing.css';

const PENDING_CHECKOUT = 'credits-billing:checkout';
const DRAFTS = 'credits-billing:drafts';
const MAX_CREDITS = 10_000;
const SECTION_TITLES = {
  balance: 'Credits', usage: 'Usage', logs: 'Logs', invites: 'Invites', settings: 'Settings', autoTopUp: 'Auto top-up',
  plan: 'Plan',
};
let instances = 0;

export class CreditsBilling extends LitElement {
  static properties = {
    orgId: { attribute: 'org-id' },
    // Not "role": that is the ARIA attribute, and a screen reader would read "admin" as the element's role.
    userRole: { attribute: 'user-role' },
    apiBase: { attribute: 'api-base' },
  };

  constructor() {
    super();
    this.uid = `cb${++instances}`;
    this.apiBase = '';
    this.userRole = 'admin';
    this.s = { errors: {}, notices: {}, busy: {}, logs: [], invites: [], granularity: 'day' };
    /** What the person typed and has not saved yet: field key to value. Survives a new sign-in (see saveDrafts). */
    this.edits = {};
    this.retries = {};
    this.quoteSeq = 0;
  }

  /** Set by the host: an async function returning a bearer token for the API. */
  set getToken(callback) {
    this.tokenCallback = callback;
    if (this.isConnected) {
      this.start();
    }
  }

  get getToken() {
    return this.tokenCallback;
  }

  updated() {
    this.start();
  }

  createRenderRoot() {
    return this;
  }

  connectedCallback() {
    super.connectedCallback();
    try {
      const saved = JSON.parse(sessionStorage.getItem(`${DRAFTS}:${this.orgId}`) ?? '{}');
      this.edits = { ...saved, ...this.edits };
      sessionStorage.removeItem(`${DRAFTS}:${this.orgId}`);
    } catch {
      // no drafts
    }
    this.start();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    Object.values(this.retries).forEach((r) => clearTimeout(r.timer));
    clearTimeout(this.quoteTimer);
  }

  /** Keeps what was typed for after the next sign-in (called before sending the person to sign in again). */
  saveDrafts() {
    sessionStorage.setItem(`${DRAFTS}:${this.orgId}`, JSON.stringify(this.edits));
  }

  get isStaff() {
    return this.userRole === 'staff';
  }

  get isMember() {
    return this.userRole === 'member';
  }

  set(patch) {
    Object.assign(this.s, patch);
    this.requestUpdate();
  }

  setIn(map, key, value) {
    this.s[map] = { ...this.s[map], [key]: value };
    this.requestUpdate();
  }

  start() {
    if (this.started || !this.orgId || !this.getToken || this.isMember) {
      return;
    }
    this.started = true;
    this.api = createApi({
      base: this.apiBase ?? '',
      getToken: () => this.getToken(),
      onUnauthorized: (error) => {
        this.saveDrafts();
        this.dispatchEvent(new CustomEvent('credits-billing-unauthorized', { detail: error, bubbles: true, composed: true }));
      },
    });
    for (const section of this.sections()) {
      this.load(section);
    }
    if (this.edits['buy.credits']) {
      this.quoteSoon();
    }
    this.returnFromCheckout();
  }

  sections() {
    return ['balance', 'usage', 'logs', 'invites', 'settings', 'autoTopUp', ...(this.isStaff ? ['plan'] : [])];
  }

  // ------------------------------------------------------------------ loading, errors and retries

  loaders() {
    const o = this.orgId;
    return {
      balance: async () => this.set({ balance: await this.api.balance(o) }),
      usage: async () => {
        const names = periods(this.s.granularity);
        const from = this.s.granularity === 'month' ? `${names[0]}-01` : names[0];
        const to = new Date().toISOString().slice(0, 10);
        const answer = await this.api.usage(o, from, to, this.s.granularity);
        this.set({ usage: { granularity: this.s.granularity, names, data: answer.data } });
      },
      logs: async () => {
        const page = await this.api.logs(o);
        this.set({ logs: page.data, logsCursor: page.nextCursor });
      },
      invites: async () => {
        const page = await this.api.invites(o);
        this.set({ invites: page.data, invitesCursor: page.nextCursor });
      },
      settings: async () => this.set({ settings: await this.api.settings(o) }),
      autoTopUp: async () => {
        const autoTopUp = await this.api.autoTopUp(o);
        this.set({ autoTopUp });
        const attempts = await this.api.autoTopUpAttempts(o);
        this.set({ attempts: attempts.data });
      },
      plan: async () => this.set({ plan: await this.api.plan(o) }),
    };
  }

  /** Loads one section; a retryable failure is shown and tried again by itself, sooner or later (2 s to 30 s). */
  async load(section) {
    const retry = this.retries[section] ?? { attempt: 0 };
    clearTimeout(retry.timer);
    this.setIn('busy', section, true);
    try {
      await this.loaders()[section]();
      this.retries[section] = { attempt: 0 };
      this.setIn('errors', section, null);
    } catch (error) {
      if (error instanceof SigningIn) {
        return;
      }
      const shown = asApiError(error);
      this.setIn('errors', section, shown);
      if (shown.retryable) {
        const delay = Math.min(30_000, 2_000 * 2 ** retry.attempt);
        this.retries[section] = { attempt: retry.attempt + 1, timer: setTimeout(() => this.load(section), delay) };
      }
    } finally {
      this.setIn('busy', section, false);
    }
  }

  errorBox(section) {
    const error = this.s.errors[section];
    if (!error) {
      return nothing;
    }
    return html`<div class="cb-error" role="alert">
      <p>${error.message}</p>
      ${error.status === 403 && section === 'balance'
        ? html`<p>Billing is for admins of this organization.</p>` : nothing}
      ${error.retryable ? html`<p>The page tries again by itself.</p>` : nothing}
      <button type="button" class="cb-secondary" aria-label="Try again to load ${SECTION_TITLES[section]}"
        @click=${() => this.load(section)}>Try again</button>
    </div>`;
  }

  notice(key) {
    return html`<p class="cb-notice" role="status">${this.s.notices[key] ?? ''}</p>`;
  }

  /** A field's value: what the person typed if anything, else what the API says. */
  val(key, fromApi) {
    return key in this.edits ? this.edits[key] : fromApi;
  }

  edit(key, value) {
    this.edits = { ...this.edits, [key]: value };
    this.requestUpdate();
  }

  forget(...keys) {
    const edits = { ...this.edits };
    keys.forEach((k) => delete edits[k]);
    this.edits = edits;
  }

  /** Runs a write: shows the API's message on failure, a notice on success. */
  async write(key, action) {
    this.setIn('busy', key, true);
    this.setIn('errors', key, null);
    this.setIn('notices', key, '');
    try {
      const notice = await action();
      this.setIn('notices', key, notice);
    } catch (error) {
      if (!(error instanceof SigningIn)) {
        this.setIn('errors', key, asApiError(error));
      }
    } finally {
      this.setIn('busy', key, false);
    }
  }

  writeError(key) {
    const error = this.s.errors[key];
    return error ? html`<div class="cb-error" role="alert"><p>${error.message}</p>
      ${error.retryable ? html`<p>Nothing was changed twice: press the button again to retry.</p>` : nothing}</div>` : nothing;
  }

  // ------------------------------------------------------------------ render

  render() {
    if (this.isMember) {
      return html`<div class="cb-banner" role="alert">
        <h2>Billing is for admins</h2>
        <p>You are signed in as a team member of ${this.orgId}. Ask one of its admins to buy credits or change billing
          settings.</p>
      </div>`;
    }
    return html`
      ${this.renderCheckoutReturn()}
      <div class="cb-grid">
        ${this.renderCounters()} ${this.renderBuy()} ${this.renderInvites()} ${this.renderUsage()} ${this.renderLogs()}
        ${this.renderSettings()} ${this.renderAutoTopUp()}
        ${this.isStaff ? this.renderStaffTools() : nothing}
      </div>`;
  }

  renderCounters() {
    const b = this.s.balance;
    const value = (v) => (b ? v : '…');
    return html`<section class="cb-wide" aria-labelledby="${this.uid}-credits-h" aria-busy=${b ? 'false' : 'true'}>
      <h2 id="${this.uid}-credits-h">Credits</h2>
      ${b?.submissionsBlocked ? html`<div class="cb-banner" role="alert">
        <strong>Submissions are blocked:</strong> no credits left. Buy credits to let your team submit again.</div>` : nothing}
      ${this.errorBox('balance')}
      <dl class="cb-counters">
        <div><dt>Credits left</dt><dd>${value(b?.creditsLeft)}</dd></div>
        <div><dt>Credits used</dt><dd>${value(b?.creditsUsed)}</dd></div>
        <div><dt>Invites pending</dt><dd>${value(b?.invitesPending)}</dd></div>
        <div><dt>Credits reserved</dt><dd>${value(b?.creditsReserved)}</dd></div>
      </dl>
      ${b ? html`<p>Package: <strong>${b.package === 'lite' ? 'Lite' : 'Standard'}</strong>
        (${b.package === 'lite' ? '0.25 a submission' : '1 credit a submission'}).
        Credits bought so far: ${b.lifetimeCreditsPurchased}.</p>` : nothing}
      <button type="button" class="cb-secondary" @click=${() => this.refresh()}>Refresh</button>
    </section>`;
  }

  refresh() {
    for (const section of this.sections()) {
      this.load(section);
    }
  }

  // ------------------------------------------------------------------ buy credits

  renderBuy() {
    const id = `${this.uid}-buy`;
    const q = this.s.quote;
    return html`<section aria-labelledby="${id}-h">
      <h2 id="${id}-h">Buy credits</h2>
      <form @submit=${(e) => this.checkout(e)} novalidate>
        <label for="${id}-credits">Credits</label>
        <p class="cb-hint" id="${id}-hint">A whole number from 1 to 10,000.</p>
        <input id="${id}-credits" type="number" inputmode="numeric" min="1" max=${MAX_CREDITS} step="1"
          aria-describedby="${id}-hint" .value=${this.val('buy.credits', '')}
          @input=${(e) => { this.edit('buy.credits', e.target.value); this.quoteSoon(); }}>
        <div aria-live="polite" aria-atomic="true">
          ${this.s.errors.quote ? html`<div class="cb-error"><p>${this.s.errors.quote.message}</p></div>` : nothing}
          ${q && !this.s.errors.quote ? html`<dl class="cb-facts">
            <dt>Unit price</dt><dd>${money(q.unitPrice)}${q.discountPercent > 0 ? ` (list ${money(q.listUnitPrice)})` : ''}</dd>
            <dt>Discount</dt><dd>${q.fixedPricing ? 'Negotiated fixed price' : `${q.discountPercent}%`}</dd>
            <dt>Total</dt><dd>${money(q.total)}</dd>
            <dt>Next tier</dt><dd>${this.nextTierText(q)}</dd>
          </dl>` : nothing}
        </div>
        <label class="cb-check"><input type="checkbox" .checked=${this.val('buy.saveCard', false)}
          @change=${(e) => this.edit('buy.saveCard', e.target.checked)}> Save card for auto top-up</label>
        ${this.writeError('checkout')}
        <button type="submit" ?disabled=${this.s.busy.checkout}>${this.s.busy.checkout ? 'Opening Checkout…' : 'Checkout'}</button>
      </form>
    </section>`;
  }

  nextTierText(q) {
    const next = this.s.nextTier;
    if (q.fixedPricing) {
      return 'None: a fixed price has no volume tiers';
    }
    if (!next || next.credits !== q.credits) {
      return '…';
    }
    return next.more === null
      ? 'This is the best discount up to 10,000 credits'
      : `${next.more} more credit${next.more === 1 ? '' : 's'} reach ${next.discountPercent}% off`;
  }

  quoteSoon() {
    clearTimeout(this.quoteTimer);
    this.quoteTimer = setTimeout(() => this.quote(), 250);
  }

  async quote() {
    const text = String(this.val('buy.credits', '')).trim();
    const seq = ++this.quoteSeq;
    if (text === '') {
      this.set({ quote: null, nextTier: null });
      this.setIn('errors', 'quote', null);
      return;
    }
    try {
      const quote = await this.api.pricing(this.orgId, encodeURIComponent(text));
      if (seq !== this.quoteSeq) {
        return;
      }
      this.setIn('errors', 'quote', null);
      this.set({ quote });
      if (!quote.fixedPricing) {
        const nextTier = await this.findNextTier(quote);
        if (seq === this.quoteSeq) {
          this.set({ nextTier });
        }
      }
    } catch (error) {
      if (seq === this.quoteSeq && !(error instanceof SigningIn)) {
        this.set({ quote: null });
        this.setIn('errors', 'quote', asApiError(error));
      }
    }
  }

  /**
   * The smallest order bigger than this one that gets a bigger discount: the tier table is the server's
   * configuration, so it is found by asking /pricing (discounts only grow with the order): doubling, then halving.
   */
  async findNextTier(quote) {
    const discountAt = async (n) => (await this.api.pricing(this.orgId, n)).discountPercent;
    const ordered = Number(quote.credits);
    let low = ordered;
    let high = null;
    let highDiscount = null;
    for (let n = Math.max(2, low * 2); ; n = Math.min(MAX_CREDITS, n * 2)) {
      const d = await discountAt(n);
      if (d > quote.discountPercent) {
        high = n;
        highDiscount = d;
        break;
      }
      low = n;
      if (n >= MAX_CREDITS) {
        return { credits: quote.credits, more: null };
      }
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      const d = await discountAt(mid);
      if (d > quote.discountPercent) {
        high = mid;
        highDiscount = d;
      } else {
        low = mid;
      }
    }
    return { credits: quote.credits, more: high - ordered, discountPercent: highDiscount };
  }

  async checkout(event) {
    event.preventDefault();
    const credits = String(this.val('buy.credits', '')).trim();
    await this.write('checkout', async () => {
      const here = new URL(window.location.href);
      here.search = '';
      here.hash = '';
      const back = (outcome) => `${here}?checkout=${outcome}`;
      const body = { credits: /^\d+$/.test(credits) ? Number(credits) : credits, successUrl: back('success'), cancelUrl: back('cancelled') };
      if (this.val('buy.saveCard', false)) {
        body.saveCard = true;
      }
      const session = await this.api.checkout(this.orgId, body, `checkout-${crypto.randomUUID()}`);
      sessionStorage.setItem(PENDING_CHECKOUT, JSON.stringify({
        orgId: this.orgId, sessionId: session.checkoutSessionId, credits: session.quote?.credits ?? body.credits,
      }));
      this.forget('buy.credits', 'buy.saveCard');
      window.location.assign(session.url);
      return 'Opening Stripe Checkout…';
    });
  }

  /** Back from Stripe Checkout: wait for the webhook to credit the purchase, then show the new balance. */
  async returnFromCheckout() {
    const url = new URL(window.location.href);
    const outcome = url.searchParams.get('checkout');
    if (!outcome) {
      return;
    }
    url.searchParams.delete('checkout');
    window.history.replaceState(window.history.state, '', url);
    const pending = JSON.parse(sessionStorage.getItem(PENDING_CHECKOUT) ?? 'null');
    sessionStorage.removeItem(PENDING_CHECKOUT);
    if (outcome !== 'success') {
      this.set({ checkoutReturn: { kind: 'cancelled' } });
      return;
    }
    if (!pending || pending.orgId !== this.orgId) {
      this.set({ checkoutReturn: { kind: 'paid-unknown' } });
      return;
    }
    this.set({ checkoutReturn: { kind: 'waiting', credits: pending.credits } });
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      try {
        const page = await this.api.logs(this.orgId);
        if (page.data.some((entry) => entry.reference === pending.sessionId)) {
          await this.load('balance');
          this.set({ checkoutReturn: { kind: 'credited', credits: pending.credits } });
          this.load('logs');
          this.load('usage');
          return;
        }
      } catch (error) {
        if (error instanceof SigningIn) {
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    this.set({ checkoutReturn: { kind: 'late', credits: pending.credits } });
  }

  renderCheckoutReturn() {
    const r = this.s.checkoutReturn;
    if (!r) {
      return nothing;
    }
    const text = {
      cancelled: 'Checkout was cancelled: nothing was charged and no credits were added.',
      'paid-unknown': 'Payment received. Your credits appear below once Stripe has confirmed it.',
      waiting: `Payment received. Waiting for Stripe to confirm it and add ${r.credits} credits…`,
      credited: `${r.credits} credits were added. Credits left: ${this.s.balance?.creditsLeft ?? '…'}.`,
      late: `Payment received, but Stripe has not confirmed it yet. The ${r.credits} credits will appear here; refresh in a minute.`,
    }[r.kind];
    return html`<p class=${r.kind === 'cancelled' || r.kind === 'late' ? 'cb-error' : 'cb-notice'} role="status">${text}</p>`;
  }

  // ------------------------------------------------------------------ usage

  renderUsage() {
    const id = `${this.uid}-usage`;
    const u = this.s.usage;
    const byMonth = this.s.granularity === 'month';
    return html`<section class="cb-wide" aria-labelledby="${id}-h">
      <h2 id="${id}-h">Usage</h2>
      <fieldset>
        <legend>Show</legend>
        <div class="cb-inline">
          <label class="cb-check"><input type="radio" name="${id}-granularity" .checked=${!byMonth}
            @change=${() => this.setGranularity('day')}> By day (last 30 days)</label>
          <label class="cb-check"><input type="radio" name="${id}-granularity" .checked=${byMonth}
            @change=${() => this.setGranularity('month')}> By month (last 12 months)</label>
        </div>
      </fieldset>
      ${this.errorBox('usage')}
      ${u ? this.renderUsageData(u, id) : html`<p class="cb-muted">Loading usage…</p>`}
    </section>`;
  }

  setGranularity(granularity) {
    this.set({ granularity });
    this.load('usage');
  }

  renderUsageData(u, id) {
    const byPeriod = new Map(u.data.map((p) => [p.period, p]));
    const rows = u.names.map((name) => byPeriod.get(name) ?? { period: name, purchased: '0', used: '0' });
    u.data.filter((p) => !u.names.includes(p.period)).forEach((p) => rows.push(p));
    const unit = u.granularity === 'month' ? 'Month' : 'Day';
    const span = u.granularity === 'month' ? 'by month, last 12 months' : 'by day, last 30 days';
    return html`
      ${usageChart(rows, `Chart of credits purchased and used ${span}. The table below has the same numbers.`)}
      <ul class="cb-legend" aria-hidden="true">
        <li><span class="cb-swatch cb-purchased"></span>Purchased</li>
        <li><span class="cb-swatch cb-used"></span>Used</li>
      </ul>
      <div class="cb-table" role="region" tabindex="0" aria-labelledby="${id}-caption">
        <table>
          <caption id="${id}-caption">Credits purchased and used ${span}</caption>
          <thead><tr><th scope="col">${unit}</th><th scope="col" class="cb-num">Purchased</th>
            <th scope="col" class="cb-num">Used</th></tr></thead>
          <tbody>${rows.map((p) => html`<tr><th scope="row">${p.period}</th>
            <td class="cb-num">${p.purchased}</td><td class="cb-num">${p.used}</td></tr>`)}</tbody>
        </table>
      </div>`;
  }

  // ------------------------------------------------------------------ logs

  renderLogs() {
    const id = `${this.uid}-logs`;
    return html`<section class="cb-wide" aria-labelledby="${id}-h">
      <h2 id="${id}-h">Logs</h2>
      ${this.errorBox('logs')}
      <div class="cb-table" role="region" tabindex="0" aria-labelledby="${id}-caption">
        <table>
          <caption id="${id}-caption">Every change of the balance, newest first</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col" class="cb-num">Credits</th>
            <th scope="col" class="cb-num">Balance after</th><th scope="col">Description</th><th scope="col">Reference</th></tr></thead>
          <tbody>${this.s.logs.map((e) => html`<tr>
            <td>${when(e.createdAt)}</td><td>${words(e.type)}</td><td class="cb-num">${signed(e.credits)}</td>
            <td class="cb-num">${e.balanceAfter}</td><td class="cb-wrap">${e.description}</td><td><code>${e.reference}</code></td>
          </tr>`)}</tbody>
        </table>
      </div>
      ${this.s.logs.length === 0 && !this.s.busy.logs ? html`<p class="cb-muted">No movements yet.</p>` : nothing}
      ${this.writeError('moreLogs')} ${this.writeError('csv')}
      ${this.s.logsCursor ? html`<button type="button" class="cb-secondary" ?disabled=${this.s.busy.moreLogs}
        @click=${() => this.loadMoreLogs()}>Load more</button>` : nothing}
      <button type="button" class="cb-secondary" ?disabled=${this.s.busy.csv} @click=${() => this.downloadCsv()}>Download CSV</button>
      ${this.notice('moreLogs')}
    </section>`;
  }

  loadMoreLogs() {
    return this.write('moreLogs', async () => {
      const page = await this.api.logs(this.orgId, this.s.logsCursor);
      this.set({ logs: [...this.s.logs, ...page.data], logsCursor: page.nextCursor });
      return `${page.data.length} more entries loaded${page.nextCursor ? '' : '; that is the whole log'}.`;
    });
  }

  downloadCsv() {
    return this.write('csv', async () => {
      const csv = await this.api.logsCsv(this.orgId);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      link.download = `credits-log-${this.orgId}-${new Date().toISOString().slice(0, 10)}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      return '';
    });
  }

  // ------------------------------------------------------------------ invites

  renderInvites() {
    const id = `${this.uid}-invites`;
    const invites = this.s.invites;
    return html`<section aria-labelledby="${id}-h">
      <h2 id="${id}-h">Invites</h2>
      ${this.errorBox('invites')} ${this.writeError('revoke')}
      ${invites.length === 0 ? html`<p class="cb-muted">${this.s.busy.invites ? 'Loading invites…' : 'No pending invites.'}</p>`
        : html`<p class="cb-hint" id="${id}-about">Each pending invite holds its credits in reserve until it is used,
          revoked or expires.</p>
          <ul class="cb-invites" aria-describedby="${id}-about">${invites.map((i) => html`<li>
            <span><strong>${i.email}</strong><br>
              <span class="cb-muted">${i.creditsReserved} reserved · sent ${when(i.createdAt)}</span></span>
            <button type="button" class="cb-secondary" aria-label="Revoke invite for ${i.email}"
              ?disabled=${this.s.busy.revoke} @click=${() => this.revoke(i)}>Revoke</button>
          </li>`)}</ul>`}
      ${this.s.invitesCursor ? html`<button type="button" class="cb-secondary" @click=${() => this.loadMoreInvites()}>Load more invites</button>` : nothing}
      ${this.notice('revoke')}
    </section>`;
  }

  revoke(invite) {
    return this.write('revoke', async () => {
      const result = await this.api.revokeInvite(this.orgId, invite.inviteId);
      this.set({ invites: this.s.invites.filter((i) => i.inviteId !== invite.inviteId) });
      this.load('balance');
      this.load('logs');
      return `Invite for ${invite.email} revoked; its ${invite.creditsReserved} reserved credits are free again. Credits left: ${result.creditsLeft}.`;
    });
  }

  loadMoreInvites() {
    return this.write('revoke', async () => {
      const page = await this.api.invites(this.orgId, this.s.invitesCursor);
      this.set({ invites: [...this.s.invites, ...page.data], invitesCursor: page.nextCursor });
      return '';
    });
  }

  // ------------------------------------------------------------------ settings

  renderSettings() {
    const id = `${this.uid}-settings`;
    const st = this.s.settings;
    return html`<section aria-labelledby="${id}-h">
      <h2 id="${id}-h">Settings</h2>
      ${this.errorBox('settings')}
      ${st ? html`<form @submit=${(e) => this.saveSettings(e)} novalidate>
        <label class="cb-check"><input type="checkbox" .checked=${this.val('settings.emails', st.lowCreditEmails)}
          @change=${(e) => this.edit('settings.emails', e.target.checked)}> Low-credit emails</label>
        <label for="${id}-threshold">Threshold</label>
        <p class="cb-hint" id="${id}-threshold-hint">An email goes out when credits left drop below this many.</p>
        <input id="${id}-threshold" type="text" inputmode="decimal" aria-describedby="${id}-threshold-hint"
          .value=${this.val('settings.threshold', st.lowCreditThreshold)}
          @input=${(e) => this.edit('settings.threshold', e.target.value)}>
        <label for="${id}-recipients">Recipients</label>
        <p class="cb-hint" id="${id}-recipients-hint">Email addresses, one a line, at most 10.</p>
        <textarea id="${id}-recipients" aria-describedby="${id}-recipients-hint"
          .value=${this.val('settings.recipients', (st.notificationEmails ?? []).join('\n'))}
          @input=${(e) => this.edit('settings.recipients', e.target.value)}></textarea>
        ${this.writeError('settings-save')}
        <button type="submit" ?disabled=${this.s.busy['settings-save']}>Save</button>
        ${this.notice('settings-save')}
      </form>` : html`<p class="cb-muted">Loading settings…</p>`}
    </section>`;
  }

  saveSettings(event) {
    event.preventDefault();
    const st = this.s.settings;
    const recipients = String(this.val('settings.recipients', (st.notificationEmails ?? []).join('\n')))
      .split(/[\n,;]/).map((r) => r.trim()).filter(Boolean);
    return this.write('settings-save', async () => {
      const saved = await this.api.saveSettings(this.orgId, {
        lowCreditEmails: this.val('settings.emails', st.lowCreditEmails),
        lowCreditThreshold: String(this.val('settings.threshold', st.lowCreditThreshold)).trim(),
        notificationEmails: recipients,
      });
      this.forget('settings.emails', 'settings.threshold', 'settings.recipients');
      this.set({ settings: { ...st, ...saved } });
      return 'Settings saved.';
    });
  }

  // ------------------------------------------------------------------ auto top-up

  renderAutoTopUp() {
    const id = `${this.uid}-atu`;
    const a = this.s.autoTopUp;
    const statusText = {
      active: 'Active', paused: 'Paused', no_payment_method: 'No saved card', off: 'Off',
    };
    return html`<section aria-labelledby="${id}-h">
      <h2 id="${id}-h">Auto top-up</h2>
      <p class="cb-hint">Buys credits automatically with a saved card when credits left run low.</p>
      ${this.errorBox('autoTopUp')}
      ${a ? html`
        <dl class="cb-facts">
          <dt>Status</dt><dd>${statusText[a.status] ?? a.status}${a.pausedReason ? ` (${a.pausedReason})` : ''}</dd>
          <dt>Card</dt><dd>${a.paymentMethod
            ? `${words(a.paymentMethod.brand)} ending ${a.paymentMethod.last4}, expires ${a.paymentMethod.expMonth}/${a.paymentMethod.expYear}`
            : 'None saved: tick "Save card for auto top-up" at your next checkout'}</dd>
          <dt>This month</dt><dd>${a.topUpsThisMonth ?? 0} of ${a.monthlyLimit} top-ups</dd>
        </dl>
        <form @submit=${(e) => this.saveAutoTopUp(e)} novalidate>
          <label class="cb-check"><input type="checkbox" .checked=${this.val('atu.enabled', a.enabled)}
            @change=${(e) => this.edit('atu.enabled', e.target.checked)}> Turn on auto top-up</label>
          <label for="${id}-threshold">When credits left drop below</label>
          <input id="${id}-threshold" type="text" inputmode="decimal" .value=${this.val('atu.threshold', a.thresholdCredits)}
            @input=${(e) => this.edit('atu.threshold', e.target.value)}>
          <label for="${id}-credits">Credits to buy each time</label>
          <input id="${id}-credits" type="number" inputmode="numeric" min="1" max=${MAX_CREDITS} step="1"
            .value=${this.val('atu.credits', a.topUpCredits)} @input=${(e) => this.edit('atu.credits', e.target.value)}>
          <label for="${id}-limit">At most this many top-ups a month</label>
          <input id="${id}-limit" type="number" inputmode="numeric" min="1" max="31" step="1"
            .value=${String(this.val('atu.limit', a.monthlyLimit))} @input=${(e) => this.edit('atu.limit', e.target.value)}>
          ${this.writeError('atu-save')}
          <button type="submit" ?disabled=${this.s.busy['atu-save']}>Save auto top-up</button>
          ${this.notice('atu-save')}
        </form>
        ${this.s.attempts?.length ? html`<div class="cb-table" role="region" tabindex="0" aria-labelledby="${id}-caption"><table>
          <caption id="${id}-caption">Recent automatic purchases</caption>
          <thead><tr><th scope="col">Date</th><th scope="col" class="cb-num">Credits</th><th scope="col" class="cb-num">Amount</th>
            <th scope="col">Status</th></tr></thead>
          <tbody>${this.s.attempts.map((t) => html`<tr><td>${when(t.createdAt)}</td><td class="cb-num">${t.credits}</td>
            <td class="cb-num">${money(t.amount)}</td><td>${words(t.status)}${t.failureCode ? ` (${t.failureCode})` : ''}</td></tr>`)}</tbody>
        </table></div>` : nothing}` : nothing}
    </section>`;
  }

  saveAutoTopUp(event) {
    event.preventDefault();
    const a = this.s.autoTopUp;
    const whole = (v) => (/^\d+$/.test(String(v).trim()) ? Number(v) : String(v).trim());
    return this.write('atu-save', async () => {
      const saved = await this.api.saveAutoTopUp(this.orgId, {
        enabled: this.val('atu.enabled', a.enabled),
        thresholdCredits: String(this.val('atu.threshold', a.thresholdCredits)).trim(),
        topUpCredits: String(this.val('atu.credits', a.topUpCredits)).trim(),
        monthlyLimit: whole(this.val('atu.limit', a.monthlyLimit)),
      });
      this.forget('atu.enabled', 'atu.threshold', 'atu.credits', 'atu.limit');
      this.set({ autoTopUp: { ...a, ...saved } });
      return 'Auto top-up saved.';
    });
  }

  // ------------------------------------------------------------------ staff tools

  renderStaffTools() {
    const id = `${this.uid}-staff`;
    const plan = this.s.plan;
    const currency = plan?.fixedUnitPrice?.currency ?? this.s.quote?.listUnitPrice?.currency ?? 'usd';
    const key = this.val('adj.key', null) ?? this.newAdjustmentKey();
    const kind = this.val('adj.kind', 'adjustment');
    return html`<section class="cb-wide" aria-labelledby="${id}-h">
      <h2 id="${id}-h">Staff tools</h2>
      <p class="cb-hint">Only the vendor's staff see this.</p>
      <div class="cb-grid">
        <form @submit=${(e) => this.adjust(e, key)} novalidate aria-labelledby="${id}-adj-h">
          <h3 id="${id}-adj-h">Adjustment</h3>
          <label for="${id}-adj-credits">Adjustment credits</label>
          <p class="cb-hint" id="${id}-adj-hint">Signed, up to two decimals: 10 adds, -2.5 takes away.</p>
          <input id="${id}-adj-credits" type="text" inputmode="decimal" aria-describedby="${id}-adj-hint"
            .value=${this.val('adj.credits', '')} @input=${(e) => this.edit('adj.credits', e.target.value)}>
          <fieldset>
            <legend>Kind</legend>
            <div class="cb-inline">
              <label class="cb-check"><input type="radio" name="${id}-kind" .checked=${kind === 'adjustment'}
                @change=${() => this.edit('adj.kind', 'adjustment')}> Adjustment</label>
              <label class="cb-check"><input type="radio" name="${id}-kind" .checked=${kind === 'bonus'}
                @change=${() => this.edit('adj.kind', 'bonus')}> Bonus (promotional, not a purchase)</label>
            </div>
          </fieldset>
          <label for="${id}-adj-reason">Reason</label>
          <input id="${id}-adj-reason" type="text" .value=${this.val('adj.reason', '')}
            @input=${(e) => this.edit('adj.reason', e.target.value)}>
          <p class="cb-hint">Idempotency-Key <code>${key}</code>: kept until the adjustment is applied, so pressing
            again after an error can never apply it twice.</p>
          ${this.writeError('adjust')}
          <button type="submit" ?disabled=${this.s.busy.adjust}>Apply adjustment</button>
          ${this.notice('adjust')}
        </form>
        <form @submit=${(e) => this.savePlan(e, currency)} novalidate aria-labelledby="${id}-plan-h">
          <h3 id="${id}-plan-h">Plan</h3>
          ${this.errorBox('plan')}
          ${plan ? html`
            <label for="${id}-package">Package</label>
            <select id="${id}-package" @change=${(e) => this.edit('plan.package', e.target.value)}>
              ${[['standard', 'Standard (1 credit a submission)'], ['lite', 'Lite (0.25 a submission)']].map(([value, label]) =>
                html`<option value=${value} ?selected=${this.val('plan.package', plan.package) === value}>${label}</option>`)}
            </select>
            <label for="${id}-price">Fixed price per credit</label>
            <p class="cb-hint" id="${id}-price-hint">In ${currency.toUpperCase()}, e.g. 19.00. Empty: the volume discounts apply.</p>
            <input id="${id}-price" type="text" inputmode="decimal" aria-describedby="${id}-price-hint"
              .value=${this.val('plan.price', plan.fixedUnitPrice ? fromMinorUnits(plan.fixedUnitPrice.amount, currency) : '')}
              @input=${(e) => this.edit('plan.price', e.target.value)}>
            ${this.writeError('plan-save')}
            <button type="submit" ?disabled=${this.s.busy['plan-save']}>Save plan</button>
            ${this.notice('plan-save')}` : nothing}
        </form>
      </div>
    </section>`;
  }

  newAdjustmentKey() {
    const key = `adj-${crypto.randomUUID()}`;
    this.edits = { ...this.edits, 'adj.key': key };
    return key;
  }

  adjust(event, key) {
    event.preventDefault();
    return this.write('adjust', async () => {
      const result = await this.api.adjust(this.orgId, {
        credits: String(this.val('adj.credits', '')).trim(),
        reason: String(this.val('adj.reason', '')).trim(),
        kind: this.val('adj.kind', 'adjustment'),
      }, key);
      this.forget('adj.credits', 'adj.reason', 'adj.kind', 'adj.key');
      this.load('balance');
      this.load('logs');
      this.load('usage');
      return `Adjustment of ${signed(result.credits)} credits applied. Credits left: ${result.creditsLeft}.`;
    });
  }

  savePlan(event, currency) {
    event.preventDefault();
    const plan = this.s.plan;
    const priceText = String(this.val('plan.price',
      plan.fixedUnitPrice ? fromMinorUnits(plan.fixedUnitPrice.amount, currency) : '')).trim();
    return this.write('plan-save', async () => {
      let fixedUnitPrice = null;
      if (priceText !== '') {
        const amount = toMinorUnits(priceText, currency);
        if (amount === null) {
          throw new ApiError(400, 'invalid_request', 'invalid_price',
            `Fixed price per credit must be an amount in ${currency.toUpperCase()}, e.g. 19.00.`);
        }
        fixedUnitPrice = { amount, currency };
      }
      const saved = await this.api.savePlan(this.orgId, { package: this.val('plan.package', plan.package), fixedUnitPrice });
      this.forget('plan.package', 'plan.price');
      this.set({ plan: saved });
      this.load('balance');
      if (this.s.quote) {
        this.quote();
      }
      return 'Plan saved.';
    });
  }
}

function asApiError(error) {
  return error instanceof ApiError ? error : new ApiError(0, 'client', 'client', String(error?.message ?? error));
}

function usageChart(rows, label) {
  const width = 600;
  const height = 180;
  const values = rows.flatMap((p) => [Number(p.purchased), Number(p.used)]);
  const max = Math.max(1, ...values);
  const slot = width / rows.length;
  const bar = Math.max(1, slot * 0.38);
  const y = (v) => height - (v / max) * (height - 20);
  return html`<svg class="cb-chart" viewBox="0 0 ${width} ${height + 20}" role="img" aria-label=${label}>
    ${rows.map((p, i) => svg`
      <rect class="cb-bar-purchased" x=${i * slot + slot * 0.1} y=${y(Number(p.purchased))} width=${bar}
        height=${height - y(Number(p.purchased))}></rect>
      <rect class="cb-bar-used" x=${i * slot + slot * 0.1 + bar} y=${y(Number(p.used))} width=${bar}
        height=${height - y(Number(p.used))}></rect>`)}
    <line x1="0" x2=${width} y1=${height} y2=${height} stroke="#6b7280"></line>
    <text x="0" y="12" font-size="12" fill="#4b5563">${max}</text>
    <text x="0" y=${height + 16} font-size="12" fill="#4b5563">${rows[0]?.period ?? ''}</text>
    <text x=${width} y=${height + 16} font-size="12" fill="#4b5563" text-anchor="end">${rows.at(-1)?.period ?? ''}</text>
  </svg>`;
}

let adopted = false;
function adoptStyles() {
  if (!adopted) {
    adopted = true;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
}

adoptStyles();
if (!customElements.get('credits-billing')) {
  customElements.define('credits-billing', CreditsBilling);
}
