/* Ethical recruitment directory: the widget for partner websites (GET /embed.js).
 *
 *   <script src="https://directory.example/embed.js" defer></script>
 *   <recruitment-directory></recruitment-directory>          search + corridor filter + cards
 *   <recruiter-card slug="himalayan-overseas-manpower"></recruiter-card>
 *   <certificate-badge number="ERS-NP-2024-0000012"></certificate-badge>   live status
 *   <certificate-badge></certificate-badge>                  a "verify a certificate" form
 *   <help-panel origin="NP" destination="QA"></help-panel>   where to get help on a corridor
 *
 * Every element takes `api` (the directory's base URL; by default where this script came
 * from) and speaks the language of its `lang` attribute (its own or its nearest ancestor's),
 * else the browser's, when the directory has it (English otherwise). No framework, no dependencies. Data is only ever put into the page as text nodes
 * (never innerHTML), inside shadow roots so the partner's CSS and ours do not mix. */
(() => {
  'use strict';
  if (customElements.get('recruitment-directory')) return; // the script was included twice

  const me = document.currentScript || document.querySelector('script[src*="embed.js"]');
  const scriptBase = new URL('.', (me && me.src) || location.href);
  const apiOf = (el) => new URL('graphql', el.getAttribute('api') ? new URL(el.getAttribute('api').replace(/\/?$/, '/'), location.href) : scriptBase);

  /* ---- DOM helpers: text only ---- */
  const h = (tag, props, ...kids) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
    el.append(...kids.flat(9).filter((kid) => kid != null && kid !== false));
    return el;
  };
  /* Names come in many scripts: `dir=auto` lets Arabic read right to left, and `lang` picks the
   * right font and screen-reader voice. The country disambiguates shared scripts. */
  const SCRIPTS = [
    [/\p{Script=Devanagari}/u, (c) => (c === 'IN' ? 'hi' : 'ne')], [/\p{Script=Bengali}/u, 'bn'],
    [/\p{Script=Arabic}/u, (c) => ({ PK: 'ur', AF: 'ps', IR: 'fa' })[c] || 'ar'], [/\p{Script=Thai}/u, 'th'],
    [/\p{Script=Myanmar}/u, 'my'], [/\p{Script=Khmer}/u, 'km'], [/\p{Script=Sinhala}/u, 'si'],
    [/\p{Script=Lao}/u, 'lo'], [/\p{Script=Tamil}/u, 'ta'], [/\p{Script=Han}/u, 'zh'],
  ];
  const langOf = (text, country) => {
    for (const [re, lang] of SCRIPTS) if (re.test(text)) return typeof lang === 'function' ? lang(country) : lang;
  };
  const txt = (tag, text, country, props) => h(tag, { dir: 'auto', lang: langOf(text, country), ...props }, text);
  const words = (code) => code.replace(/_/g, ' ');
  const TONE = {
    CERTIFIED: 'ok', SUSPENDED: 'warn', EXPIRED: 'bad', WITHDRAWN: 'bad', REJECTED: 'bad',
    APPLICANT: 'info', DEFERRED: 'info', NOT_FOUND: 'bad', ERROR: 'info',
  };

  /* ---- the visitor's language: the directory's message files (GET /embed/messages/{code}.json),
   * English compiled in, the others loaded once per page when first needed ---- */
  const ENGLISH = /*ENGLISH*/{};
  const LANGUAGES = /*LANGUAGES*/[];
  const catalogs = new Map([['en', Promise.resolve(ENGLISH)]]);
  const languageOf = (el) => {
    const marked = el.closest('[lang]');
    const asked = [marked && marked.getAttribute('lang'), ...(navigator.languages || [navigator.language])];
    for (const tag of asked.filter(Boolean)) {
      const primary = tag.toLowerCase().split(/[-_]/)[0];
      const code = primary === 'fil' ? 'tl' : primary;
      if (LANGUAGES.includes(code)) return code;
    }
    return 'en';
  };
  const display = (code, type) => { try { return new Intl.DisplayNames([code, 'en'], { type }); } catch { return null; } };
  const translator = (code, messages) => {
    const raw = (key) => messages[key] || ENGLISH[key] || key;
    /* `t(key, values)`: the message with its {placeholders} filled; `t.nodes` keeps values that
     * are DOM nodes (a name with its own `lang`) as nodes. */
    const t = (key, values) => raw(key).replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? values[name] : whole));
    t.nodes = (key, values) => raw(key).split(/(\{\w+\})/).filter(Boolean)
      .map((part) => { const name = part.slice(1, -1); return part[0] === '{' && name in values ? values[name] : part; });
    t.code = code;
    t.dir = messages['language.dir'] === 'rtl' ? 'rtl' : 'ltr';
    const regions = display(code, 'region'), languages = display(code, 'language');
    const named = (names, value) => { try { return (names && names.of(value)) || value; } catch { return value; } };
    t.country = (value) => named(regions, value);
    t.language = (value) => named(languages, value);
    t.date = (iso) => { try { return new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)); } catch { return iso; } };
    t.time = (iso) => { try { return new Date(iso).toLocaleString(code); } catch { return iso; } };
    return t;
  };
  /* The element's words; its host gets the language and direction unless the page set them. */
  const speak = (el) => {
    const code = languageOf(el);
    if (!catalogs.has(code)) {
      const url = new URL(`embed/messages/${code}.json`, apiOf(el));
      catalogs.set(code, fetch(url, { credentials: 'omit' }).then((r) => (r.ok ? r.json() : ENGLISH)).catch(() => ENGLISH));
    }
    return catalogs.get(code).then((messages) => {
      const t = translator(code, messages);
      if (!el.hasAttribute('lang')) el.setAttribute('lang', code);
      if (!el.hasAttribute('dir')) el.setAttribute('dir', t.dir);
      return t;
    });
  };

  /* Search highlights come HTML-escaped with matches in <mark>; rebuilt as nodes, never parsed. */
  const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  const unescape = (text) => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]);
  const highlight = (snippet, countryCode) => {
    const out = h('span', { class: 'hl', dir: 'auto', lang: langOf(snippet, countryCode) });
    let marked = false;
    for (const part of snippet.split(/(<\/?mark>)/)) {
      if (part === '<mark>' || part === '</mark>') { marked = part === '<mark>'; continue; }
      const text = unescape(part);
      if (text) out.append(marked ? h('mark', {}, text) : text);
    }
    return out;
  };

  /* ---- the API ---- */
  async function gql(el, query, variables, signal) {
    const response = await fetch(apiOf(el), {
      method: 'POST', mode: 'cors', credentials: 'omit', signal,
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json().catch(() => null);
    const error = body && body.errors && body.errors[0];
    if (error) throw Object.assign(new Error(error.message), { code: error.extensions && error.extensions.code });
    if (!response.ok || !body) throw new Error(`the directory answered HTTP ${response.status}`);
    return body.data;
  }
  const aborted = (error) => error && error.name === 'AbortError';

  /* One graphql-transport-ws connection per API, shared by every badge on the page. A
   * (re)connection tells subscribers to re-check, so events missed while offline are not lost. */
  const feeds = new Map();
  const SUBSCRIPTION = 'subscription($ids:[ID!]){certificationChanged(recruiterIds:$ids){sequence}}';
  function subscribe(el, recruiterId, onChange) {
    const url = apiOf(el).href.replace(/^http/, 'ws');
    let feed = feeds.get(url);
    if (!feed) {
      feed = { subs: new Map(), ws: null, ready: false, next: 1, delay: 1000 };
      feeds.set(url, feed);
    }
    const f = feed;
    const send = (message) => f.ws.send(JSON.stringify(message));
    const start = (id, sub) => send({ id, type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { ids: [sub.recruiterId] } } });
    const open = () => {
      const ws = (f.ws = new WebSocket(url, 'graphql-transport-ws'));
      ws.onopen = () => send({ type: 'connection_init' });
      ws.onmessage = ({ data }) => {
        let message;
        try { message = JSON.parse(data); } catch { return; }
        if (message.type === 'connection_ack') {
          f.ready = true; f.delay = 1000;
          for (const [id, sub] of f.subs) { if (sub.started) sub.onChange(); sub.started = true; start(id, sub); }
        } else if (message.type === 'ping') send({ type: 'pong' });
        else if (message.type === 'next' && f.subs.has(message.id)) f.subs.get(message.id).onChange();
      };
      ws.onclose = () => {
        f.ready = false; f.ws = null;
        if (f.subs.size) setTimeout(() => f.subs.size && !f.ws && open(), (f.delay = Math.min(f.delay * 2, 60000)));
      };
    };
    const id = String(f.next++);
    const sub = { recruiterId, onChange, started: f.ready };
    f.subs.set(id, sub);
    if (f.ready) start(id, sub);
    else if (!f.ws) open();
    return () => {
      f.subs.delete(id);
      if (f.ready) send({ id, type: 'complete' });
      if (!f.subs.size && f.ws) f.ws.close();
    };
  }

  /* ---- styles: AA contrast (4.5:1 or more), focus always visible; themable with --rd-* ---- */
  const CSS = `
:host{display:block;font:inherit;line-height:1.45;color:var(--rd-fg,#1b1b1b);--a:var(--rd-accent,#0b4f8a)}
:host([hidden]){display:none}
*{box-sizing:border-box}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.box{background:var(--rd-bg,#fff);border:1px solid #8a8a8a;border-radius:6px;padding:1rem}
label{font-weight:600}
input,select,button{font:inherit;color:inherit;background:#fff;border:1px solid #5c5c5c;border-radius:4px;padding:.4rem .5rem;min-height:2.5rem}
button{cursor:pointer;text-align:start}
input[type=checkbox]{min-height:0;width:1.25rem;height:1.25rem;margin:0;accent-color:var(--a)}
.check{display:inline-flex;gap:.5rem;align-items:center}
.row{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:0 0 .75rem}
.row div{display:flex;flex-direction:column;gap:.25rem}
.grow{flex:1 1 14rem}
fieldset{border:0;padding:0;margin:0;display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
legend{font-weight:600;padding:0}
.status{margin:.5rem 0;color:#3d3d3d}
ul{margin:0;padding:0;list-style:none}
.results li+li{margin-top:.25rem}
.results button{width:100%;display:block;border-color:#8a8a8a}
.results button[aria-current=true]{border:2px solid var(--a)}
.name{font-weight:700;color:var(--a)}
.meta,.hl{display:block;color:#3d3d3d;font-size:.9em}
mark{background:#fff3a8;color:inherit}
h3{margin:.75rem 0 .25rem;font-size:1.25em}
h4{margin:.75rem 0 .25rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{font-weight:600}dd{margin:0}
a{color:var(--a)}
.badge{display:inline-flex;flex-wrap:wrap;gap:.25rem .5rem;align-items:baseline;border:2px solid;border-radius:6px;padding:.4rem .6rem}
.badge strong{text-transform:uppercase}
.ok{color:#0d5c2e;background:#e6f4ea}.warn{color:#6b3900;background:#fff4e5}
.bad{color:#8b1a1a;background:#fdecec}.info{color:#333;background:#f0f0f0}
.small{font-size:.9em}
.services>li+li{margin-top:.75rem}.service strong{display:block}.channels li{margin-top:.15rem}
@media (forced-colors:active){.badge{border-color:CanvasText}}`;
  const shadow = (el) => {
    const root = el.shadowRoot || el.attachShadow({ mode: 'open' });
    root.replaceChildren(h('style', {}, CSS));
    return root;
  };

  /* ---- <certificate-badge number="…" [compact] [refresh="300"] [api]> ---- */
  const VERIFY = `query($n:String!){verifyCertificate(number:$n){number found certified status checkedAt
    bodyInGoodStanding recruiter{id legalName country}
    certification{certificateNumber scheme certificationBody expiresOn lastAudit{startedOn endedOn}}}}`;
  class CertificateBadge extends HTMLElement {
    static observedAttributes = ['number'];
    connectedCallback() {
      this.root = this.root || shadow(this);
      speak(this).then((t) => { this.t = t; if (this.isConnected) this.render(); });
    }
    disconnectedCallback() { this.stop(); }
    attributeChangedCallback() { if (this.t) this.render(); }
    stop() {
      clearInterval(this.timer); this.timer = null;
      if (this.unsubscribe) this.unsubscribe();
      this.unsubscribe = this.watching = null;
      if (this.abort) this.abort.abort();
    }
    render() {
      this.stop();
      this.shown = null;
      const number = (this.current = (this.getAttribute('number') || '').trim());
      this.out = h('div', { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
      const parts = [h('style', {}, CSS)];
      if (!this.hasAttribute('number')) parts.push(this.form());
      parts.push(this.out);
      this.root.replaceChildren(...parts);
      /* "Certified today" also changes with the calendar (expiry), which no event announces:
       * re-check on an interval as well as on every pushed change. */
      const seconds = Math.max(15, Number(this.getAttribute('refresh')) || 300);
      this.timer = setInterval(() => this.current && this.check(this.current), seconds * 1000);
      if (!number) return;
      this.out.append(h('span', { class: 'small' }, this.t('verify.checking', { number })));
      this.check(number);
    }
    form() {
      const input = h('input', { id: 'n', type: 'text', autocomplete: 'off', spellcheck: 'false', required: true });
      return h('form', {
        class: 'row', onsubmit: (event) => {
          event.preventDefault();
          this.current = input.value.trim();
          if (this.current) this.check(this.current);
        },
      }, h('div', { class: 'grow' }, h('label', { for: 'n' }, this.t('verify.label')), input),
      h('div', {}, h('button', { type: 'submit' }, this.t('verify.button'))));
    }
    async check(number) {
      if (this.abort) this.abort.abort();
      const abort = (this.abort = new AbortController());
      let result;
      try {
        result = (await gql(this, VERIFY, { n: number }, abort.signal)).verifyCertificate;
      } catch (error) {
        if (aborted(error)) return;
        result = { error: error.message || String(error), number };
      }
      if (abort.signal.aborted) return;
      const recruiterId = result.recruiter && result.recruiter.id;
      if (recruiterId && this.watching !== recruiterId) {
        if (this.unsubscribe) this.unsubscribe();
        this.watching = recruiterId;
        this.unsubscribe = subscribe(this, recruiterId, () => this.current && this.check(this.current));
      }
      this.show(result);
    }
    show(v) {
      const status = v.error ? 'ERROR' : v.found ? v.status : 'NOT_FOUND';
      const c0 = v.certification || {};
      const key = JSON.stringify([status, v.number, c0.expiresOn, c0.lastAudit, v.bodyInGoodStanding, v.error]);
      if (key === this.shown) return; // unchanged: do not make screen readers announce it again
      this.shown = key;
      const t = this.t;
      const tone = TONE[status] || 'info';
      const label = t(`status.${status}`);
      const c = v.certification || {};
      const holder = v.recruiter;
      const detail = v.error
        ? t('verify.failed', { number: v.number, error: v.error })
        : !v.found
          ? t('verify.notFound', { number: v.number })
          : [t('verify.certificate', { number: c.certificateNumber || v.number }), c.scheme && ` (${c.scheme})`,
            c.expiresOn && `, ${t(v.certified ? 'verify.validUntil' : 'verify.expiry', { date: t.date(c.expiresOn) })}`].filter(Boolean).join('');
      this.out.replaceChildren(h('p', { class: `badge ${tone}`, part: 'badge', 'data-status': status },
        h('span', { 'aria-hidden': 'true' }, tone === 'ok' ? '✓' : tone === 'bad' ? '✗' : '•'),
        h('strong', {}, label), h('span', { class: 'small' }, detail),
        holder && !this.hasAttribute('compact') && h('span', { class: 'small' },
          t.nodes('verify.heldBy', { name: txt('span', holder.legalName, holder.country) })),
        c.certificationBody && h('span', { class: 'small' }, t('verify.auditedBy', { body: c.certificationBody })),
        c.lastAudit && h('span', { class: 'small', part: 'last-audit' },
          t('verify.lastAudit', { date: t.date(c.lastAudit.endedOn || c.lastAudit.startedOn) })),
        v.found && v.bodyInGoodStanding === false && h('span', { class: 'small', part: 'body-warning', role: 'note' },
          t('verify.bodyNotInGoodStanding', { body: c.certificationBody || '' })),
        v.checkedAt && h('span', { class: 'small' }, t('verify.checkedAt', { time: t.time(v.checkedAt) }))));
    }
  }

  /* ---- <recruiter-card recruiter-id="…" | slug="…" [api]> ---- */
  const RECRUITER = `query($id:ID,$slug:String){recruiter(id:$id,slug:$slug){id slug legalName tradingNames
    formerNames country city website languages sectors cbpLevel certified corridors{origin destination}
    certifications{certificateNumber status}}}`;
  class RecruiterCard extends HTMLElement {
    static observedAttributes = ['recruiter-id', 'slug'];
    connectedCallback() {
      this.root = this.root || shadow(this);
      speak(this).then((t) => { this.t = t; if (this.isConnected) this.load(); });
    }
    disconnectedCallback() { if (this.abort) this.abort.abort(); }
    attributeChangedCallback() { if (this.t) this.load(); }
    async load() {
      if (this.abort) this.abort.abort();
      const abort = (this.abort = new AbortController());
      const id = this.getAttribute('recruiter-id');
      const slug = this.getAttribute('slug');
      const t = this.t;
      const status = h('p', { role: 'status', class: 'status' }, t('card.loading'));
      this.root.replaceChildren(h('style', {}, CSS), status);
      if (!id && !slug) return status.replaceChildren(t('card.needId'));
      try {
        const { recruiter } = await gql(this, RECRUITER, { id, slug }, abort.signal);
        if (!recruiter) return status.replaceChildren(t('card.notFound'));
        this.root.replaceChildren(h('style', {}, CSS), this.card(recruiter));
        this.describe(recruiter.slug, abort.signal);
        this.dispatchEvent(new CustomEvent('recruiter-loaded', { detail: { id: recruiter.id }, bubbles: true, composed: true }));
      } catch (error) {
        if (!aborted(error)) status.replaceChildren(error.code === 'NOT_FOUND' ? t('card.notFound') : t('card.failed', { error: error.message }));
      }
    }
    /* The recruiter as schema.org JSON-LD (GET /recruiters/{slug}), in the page itself (not the
     * shadow root) so search engines that run scripts read it. Best effort: the card stands
     * without it. Set as text of a script element, never parsed as HTML. */
    async describe(slug, signal) {
      try {
        const response = await fetch(new URL(`recruiters/${encodeURIComponent(slug)}`, apiOf(this)),
          { headers: { accept: 'application/ld+json' }, credentials: 'omit', signal });
        if (!response.ok) return;
        const document_ = await response.json();
        const old = this.querySelector(':scope > script[type="application/ld+json"]');
        const script = h('script', { type: 'application/ld+json' });
        script.textContent = JSON.stringify(document_);
        if (old) old.replaceWith(script); else this.append(script);
      } catch { /* no JSON-LD this time */ }
    }
    /* Focus the card's heading, so keyboard and screen-reader users land on what they opened. */
    focus() { const heading = this.root && this.root.querySelector('h3'); if (heading) heading.focus(); }
    card(r) {
      const t = this.t;
      const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
      const list = (items) => h('ul', {}, items.map((item) => h('li', {}, item)));
      let website = null;
      try {
        const url = new URL(r.website);
        if (url.protocol === 'https:' || url.protocol === 'http:')
          website = h('a', { href: url.href, rel: 'noopener noreferrer nofollow', target: '_blank' }, url.host);
      } catch { website = r.website || null; }
      return h('article', { class: 'box', 'aria-labelledby': 'name' },
        txt('h3', r.legalName, r.country, { id: 'name', tabindex: '-1' }),
        r.tradingNames.length > 0 && h('p', {}, `${t('card.tradingAs')} `, r.tradingNames.map((n, i) => [i ? ', ' : '', txt('span', n, r.country)])),
        r.formerNames.length > 0 && h('p', { class: 'small' }, `${t('card.formerly')} `, r.formerNames.map((n, i) => [i ? ', ' : '', txt('span', n, r.country)])),
        h('dl', {},
          row(t('card.basedIn'), r.city ? [txt('span', r.city, r.country), ', '] : '', t.country(r.country)),
          row(t('card.corridors'), r.corridors.length ? h('ul', { class: 'corridors' }, r.corridors.map((c) =>
            h('li', { 'data-corridor': `${c.origin}-${c.destination}` }, `${t.country(c.origin)} ${t.dir === 'rtl' ? '←' : '→'} ${t.country(c.destination)}`))) : t('card.noneListed')),
          row(t('card.sectors'), r.sectors.map(words).join(', ') || t('card.noneListed')),
          row(t('card.languages'), r.languages.map(t.language).join(', ') || t('card.noneListed')),
          row(t('card.capacity'), words(r.cbpLevel.toLowerCase())),
          website && row(t('card.website'), website)),
        h('h4', {}, t('card.certification')),
        h('p', { 'data-certified': String(r.certified) }, t(r.certified ? 'verify.certifiedToday' : 'verify.notCertifiedToday')),
        r.certifications.length > 0 && list(r.certifications.map((c) =>
          h('certificate-badge', { number: c.certificateNumber, compact: true, api: this.getAttribute('api'), lang: t.code }))));
    }
  }

  /* ---- <recruitment-directory [origin] [destination] [query] [page-size="10"] [api]> ---- */
  const SEARCH = `query($q:String!,$f:SearchFilter,$n:Int,$after:String){search(query:$q,filter:$f,first:$n,after:$after){
    totalCount pageInfo{hasNextPage endCursor} edges{highlights node{__typename
    ...on Recruiter{id slug legalName tradingNames country city certified corridors{origin destination}}}}}}`;
  const CORRIDORS = 'query{search(query:"",filter:{recordTypes:[RECRUITER]},first:0){facets{corridor{value}}}}';
  class RecruitmentDirectory extends HTMLElement {
    connectedCallback() {
      if (this.root) return;
      this.root = shadow(this);
      speak(this).then((t) => { this.t = t; if (this.isConnected) this.build(); });
    }
    build() {
      const t = this.t;
      const select = (id, label) => h('div', {}, h('label', { for: id }, label),
        h('select', { id, onchange: () => this.search() }, h('option', { value: '' }, t('search.anyCountry'))));
      this.input = h('input', {
        id: 'q', type: 'search', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'hint',
        'aria-controls': 'results', value: this.getAttribute('query') || '',
        oninput: () => { clearTimeout(this.debounce); this.debounce = setTimeout(() => this.search(), 250); },
        onkeydown: (event) => { if (event.key === 'ArrowDown') { event.preventDefault(); this.move(0); } },
      });
      this.certifiedOnly = h('input', { id: 'c', type: 'checkbox', onchange: () => this.search() });
      this.status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'status' });
      this.results = h('ul', { class: 'results', id: 'results', 'aria-label': t('search.results'), onkeydown: (event) => this.keys(event) });
      this.more = h('button', { type: 'button', hidden: true, onclick: () => this.search(true) }, t('search.more'));
      this.detail = h('div', { id: 'detail' });
      this.root.append(h('div', { class: 'box' },
        h('form', { role: 'search', onsubmit: (event) => { event.preventDefault(); this.search(); } },
          h('div', { class: 'row' },
            h('div', { class: 'grow' }, h('label', { for: 'q' }, t('search.label')), this.input,
              h('span', { id: 'hint', class: 'small' }, t('search.hint'))),
            h('fieldset', {}, h('legend', {}, t('search.corridor')), select('o', t('search.from')), select('d', t('search.to')))),
          h('div', { class: 'row' }, h('label', { class: 'check' }, this.certifiedOnly, t('search.certifiedOnly')))),
        this.status, this.results, this.more, this.detail));
      this.origin = this.root.getElementById('o');
      this.destination = this.root.getElementById('d');
      this.loadCorridors();
      this.search();
    }
    disconnectedCallback() { if (this.abort) this.abort.abort(); clearTimeout(this.debounce); }
    /* The corridor choices are the corridors recruiters actually serve (search facets). */
    async loadCorridors() {
      const preset = [this.getAttribute('origin'), this.getAttribute('destination')];
      const codes = [new Set(), new Set()];
      preset.forEach((code, i) => code && codes[i].add(code.toUpperCase()));
      try {
        const data = await gql(this, CORRIDORS, {});
        for (const { value } of data.search.facets.corridor) value.split('-').forEach((code, i) => codes[i].add(code));
      } catch { /* the filter keeps its presets; the search reports the error */ }
      [this.origin, this.destination].forEach((select, i) => {
        const chosen = select.value || (preset[i] || '').toUpperCase();
        const options = [...codes[i]].map((code) => [this.t.country(code), code]).sort((a, b) => a[0].localeCompare(b[0], this.t.code));
        select.append(...options.map(([label, code]) => h('option', { value: code }, label)));
        select.value = chosen;
      });
    }
    filter() {
      const origin = this.origin.value || (this.origin.length < 2 && this.getAttribute('origin')) || null;
      const destination = this.destination.value || (this.destination.length < 2 && this.getAttribute('destination')) || null;
      const filter = { recordTypes: ['RECRUITER'] };
      if (origin || destination) filter.corridor = { origin, destination };
      if (this.certifiedOnly.checked) filter.certified = true;
      return filter;
    }
    async search(more) {
      clearTimeout(this.debounce);
      const query = this.input.value.trim();
      const filter = this.filter();
      if (!query && !filter.corridor && !filter.certified) {
        if (this.abort) this.abort.abort();
        this.results.replaceChildren(); this.more.hidden = true;
        this.status.textContent = this.t('search.prompt');
        return;
      }
      if (this.abort) this.abort.abort(); // a newer search makes the older answer useless
      const abort = (this.abort = new AbortController());
      const size = Math.min(100, Number(this.getAttribute('page-size')) || 10);
      this.setAttribute('aria-busy', 'true');
      try {
        const { search } = await gql(this, SEARCH, { q: query, f: filter, n: size, after: more ? this.cursor : null }, abort.signal);
        this.cursor = search.pageInfo.endCursor;
        if (!more) this.results.replaceChildren();
        const start = this.results.children.length;
        this.results.append(...search.edges.filter((e) => e.node.__typename === 'Recruiter').map((e) => this.item(e)));
        const shown = this.results.children.length;
        this.more.hidden = !search.pageInfo.hasNextPage;
        const total = search.totalCount;
        const t = this.t;
        this.status.textContent = total === 0
          ? (query ? t('search.noneFor', { query }) : t('search.none'))
          : t(shown < total ? 'search.showing' : 'search.found', { count: total.toLocaleString(t.code), shown: shown.toLocaleString(t.code) });
        if (more && this.results.children[start]) this.move(start);
      } catch (error) {
        if (aborted(error)) return;
        this.status.textContent = this.t('search.failed', { error: error.message });
      } finally {
        if (this.abort === abort) this.removeAttribute('aria-busy');
      }
    }
    item({ node: r, highlights }) {
      const t = this.t;
      const place = [r.city, t.country(r.country)].filter(Boolean).join(', ');
      const corridors = r.corridors.slice(0, 3).map((c) => `${c.origin}→${c.destination}`).join(' ');
      /* Why it matched, when not by its name: a trading or former name, a number, the description. */
    const extra = highlights.find((snippet) => ![r.legalName, r.slug].includes(unescape(snippet.replace(/<\/?mark>/g, ''))));
      return h('li', {}, h('button', {
        type: 'button', tabindex: this.results.children.length ? '-1' : '0', 'data-id': r.id,
        onclick: (event) => this.open(r.id, event.currentTarget),
      }, txt('span', r.legalName, r.country, { class: 'name' }),
      h('span', { class: 'meta' }, `${place} · ${t(r.certified ? 'search.certified' : 'search.notCertified')}${corridors ? ` · ${corridors}` : ''}`),
      extra && highlight(extra, r.country)));
    }
    buttons() { return [...this.results.querySelectorAll('button')]; }
    /* Roving focus: one tab stop for the list, arrow keys (and Home/End) inside it. */
    move(index) {
      const buttons = this.buttons();
      if (!buttons.length) return;
      const target = buttons[Math.max(0, Math.min(index, buttons.length - 1))];
      buttons.forEach((button) => button.setAttribute('tabindex', button === target ? '0' : '-1'));
      target.focus();
    }
    keys(event) {
      const buttons = this.buttons();
      const at = buttons.indexOf(this.root.activeElement);
      if (at < 0) return;
      const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (event.key === 'Escape' || (event.key === 'ArrowUp' && at === 0)) { event.preventDefault(); this.input.focus(); }
      else if (to !== undefined) { event.preventDefault(); this.move(to); }
    }
    open(id, button) {
      this.buttons().forEach((b) => b.removeAttribute('aria-current'));
      button.setAttribute('aria-current', 'true');
      /* Inside a shadow root `closest('[lang]')` cannot see the page: the language is passed on. */
      const card = h('recruiter-card', { 'recruiter-id': id, api: this.getAttribute('api'), lang: this.t.code });
      card.addEventListener('recruiter-loaded', () => card.focus(), { once: true });
      this.detail.replaceChildren(card);
    }
  }

  /* ---- <help-panel origin="NP" destination="QA" [api]>: where a migrant of the corridor gets
   * help, before leaving and abroad, those helping in the visitor's language first ---- */
  const SERVICE = `nodes{name kind operator languages free openNow website
    channels{kind address openNow}}`;
  const HELP = `query($o:String!,$d:String!){corridor(origin:$o,destination:$d){
    supportAtOrigin(first:20){${SERVICE}} supportAtDestination(first:20){${SERVICE}}}}`;
  /* A channel as a link the phone can follow; only links we build, or http(s) addresses. */
  const channelLink = (channel) => {
    const digits = channel.address.replace(/[^\d+]/g, '');
    switch (channel.kind) {
      case 'PHONE': return `tel:${digits}`;
      case 'WHATSAPP': return `https://wa.me/${digits.replace(/^\+/, '')}`;
      case 'VIBER': return `viber://chat?number=${encodeURIComponent(digits)}`;
      case 'EMAIL': return `mailto:${channel.address}`;
      case 'WEB': case 'MESSENGER': return /^https?:\/\//i.test(channel.address) ? channel.address : null;
      default: return null;
    }
  };
  class HelpPanel extends HTMLElement {
    static observedAttributes = ['origin', 'destination'];
    connectedCallback() {
      this.root = this.root || shadow(this);
      speak(this).then((t) => { this.t = t; if (this.isConnected) this.load(); });
    }
    disconnectedCallback() { if (this.abort) this.abort.abort(); }
    attributeChangedCallback() { if (this.t) this.load(); }
    async load() {
      if (this.abort) this.abort.abort();
      const abort = (this.abort = new AbortController());
      const t = this.t;
      const origin = (this.getAttribute('origin') || '').toUpperCase();
      const destination = (this.getAttribute('destination') || '').toUpperCase();
      const status = h('p', { role: 'status', class: 'status' }, t('help.loading'));
      this.root.replaceChildren(h('style', {}, CSS), status);
      if (!origin || !destination) return status.replaceChildren(t('help.needCorridor'));
      try {
        const { corridor } = await gql(this, HELP, { o: origin, d: destination }, abort.signal);
        this.root.replaceChildren(h('style', {}, CSS), h('section', { class: 'box', part: 'help', 'aria-labelledby': 'help-title' },
          h('h3', { id: 'help-title' }, t('help.title')),
          this.side(t('help.atOrigin', { country: t.country(origin) }), corridor.supportAtOrigin.nodes, origin),
          this.side(t('help.atDestination', { country: t.country(destination) }), corridor.supportAtDestination.nodes, destination)));
      } catch (error) {
        if (!aborted(error)) status.replaceChildren(t('help.failed', { error: error.message }));
      }
    }
    /* One end of the corridor: services that help in the visitor's language first. */
    side(title, services, country) {
      const t = this.t;
      const speaks = (s) => s.languages.includes(t.code);
      const ordered = [...services.filter(speaks), ...services.filter((s) => !speaks(s))];
      const others = [...new Set(services.flatMap((s) => s.languages))].map(t.language).join(', ');
      return h('div', { 'data-country': country },
        h('h4', {}, title),
        services.length === 0 && h('p', { class: 'small' }, t('help.none')),
        services.length > 0 && !services.some(speaks) && t.code !== 'en' && h('p', { class: 'small', role: 'note' }, t('help.otherLanguages', { languages: others })),
        h('ul', { class: 'services' }, ordered.map((s) => h('li', {}, this.service(s, country)))));
    }
    service(s, country) {
      const t = this.t;
      return h('div', { class: 'service', 'data-kind': s.kind },
        txt('strong', s.name, country),
        h('span', { class: 'small' }, [t(`help.kind.${s.kind.toLowerCase()}`), t('help.runBy', { operator: s.operator }),
          t(s.free ? 'help.free' : 'help.paid'), s.openNow != null && t(s.openNow ? 'help.openNow' : 'help.closedNow')]
          .filter(Boolean).join(' · ')),
        h('ul', { class: 'channels' }, s.channels.map((c) => {
          const href = channelLink(c);
          const label = `${t(`help.channel.${c.kind.toLowerCase()}`)}: `;
          const address = h('span', { dir: 'ltr' }, c.address);
          return h('li', { 'data-channel': c.kind }, label, href ? h('a', { href, rel: 'noopener', target: '_blank' }, address) : address);
        })));
    }
  }

  customElements.define('certificate-badge', CertificateBadge);
  customElements.define('recruiter-card', RecruiterCard);
  customElements.define('recruitment-directory', RecruitmentDirectory);
  customElements.define('help-panel', HelpPanel);
})();
