// The preview page of `cannery serve`: every response, searchable, and one
// response rendered with its placeholders filled. It reads the JSON API and
// nothing else, and reloads its data (never the page) when the server
// serves a new index.
//
// Safety: every piece of the library goes into the page as text
// (`textContent`, `append(string)`). The one exception is the HTML the
// server renders, which is already sanitized there; it is parsed into an
// inert <template> and cleaned again here (`safeHtml`) before it is shown.
// The page's Content-Security-Policy forbids inline scripts and handlers.
'use strict';

(() => {
  const API = '/api/v1';

  // ---------------------------------------------------------------- state

  const state = {
    // The index the page shows: `loaded_at|generation|revision` of the
    // health answer read before the data. An event naming the same index
    // (a reconnect) changes nothing.
    shown: null,
    loads: 0,
    responses: [],
    categories: [],
    tags: [],
    problems: [],
    summary: null,
    snippets: [],
    placeholders: new Map(),
    route: { id: null, locale: null },
    current: null,
    // What the author typed, by placeholder name; kept across responses.
    values: new Map(),
    rendered: { html: '', text: '' },
  };

  const BUILT_IN = {
    'contact.name': "The customer's full name",
    'contact.first_name': "The customer's first name",
    'contact.last_name': "The customer's last name",
    'contact.email': "The customer's email address",
    'contact.phone': "The customer's phone number",
    'agent.name': 'Your full name',
    'agent.first_name': 'Your first name',
    'agent.email': 'Your email address',
    'ticket.id': 'The ticket number',
    'ticket.subject': "The ticket's subject",
    'company.name': "The customer's company",
  };

  // ------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  // Builds an element. Children are nodes or strings; strings become text.
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child == null || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  // Text with `code` spans, as problem messages write them.
  function withCode(text) {
    return String(text || '')
      .split('`')
      .map((part, i) => (i % 2 ? h('code', { text: part }) : part));
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function getJSON(url) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-cache' });
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error && body.error.message;
      throw new ApiError(response.status, message || `The server answered ${response.status}.`);
    }
    return body;
  }

  // Every page of a list.
  async function getAll(path) {
    const items = [];
    let url = path + (path.includes('?') ? '&' : '?') + 'per_page=500';
    for (let guard = 0; url && guard < 1000; guard++) {
      const page = await getJSON(url);
      items.push(...page.data);
      url = page.links && page.links.next;
    }
    return items;
  }

  // An id in a URL path: each segment encoded, the slashes kept.
  const idPath = (id) => id.split('/').map(encodeURIComponent).join('/');

  const keyOf = (d) => `${d.loaded_at}|${d.generation}|${d.revision || ''}`;

  const fold = (s) =>
    String(s || '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();

  // `{{ name }}` and `{{ name | default: "text" }}`, and `\{{` that writes
  // a literal `{{`. A new RegExp per use: a shared global one keeps its
  // `lastIndex` between calls.
  const placeholdersIn = (text) =>
    String(text || '').matchAll(/\\?\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|\s*default:\s*"((?:[^"\\]|\\.)*)"\s*)?\}\}/g);
  const includesIn = (text) => [...String(text || '').matchAll(/\{\{>\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]);

  // The start of a text, for the list: placeholders become their default,
  // or their name (`{ name }`, shown marked). Computed once per load.
  function excerptOf(text, limit) {
    const flat = String(text || '').replace(/\s+/g, ' ').trim();
    const parts = [];
    let last = 0;
    let length = 0;
    const add = (part) => {
      parts.push(part);
      length += typeof part === 'string' ? part.length : part.name.length;
    };
    for (const m of placeholdersIn(flat)) {
      add(flat.slice(last, m.index));
      if (length > limit) break;
      if (m[0].startsWith('\\')) add(m[0].slice(1));
      else if (m[2] != null) add(m[2].replace(/\\(.)/g, '$1'));
      else add({ name: m[1] });
      last = m.index + m[0].length;
    }
    if (length <= limit) add(flat.slice(last, last + limit - length + 1));
    return parts;
  }

  const excerpt = (parts) => parts.map((p) => (typeof p === 'string' ? p : h('span', { class: 'ph-name', text: p.name })));

  // The default a body gives a placeholder, if it gives one.
  function defaultOf(body, name) {
    for (const m of placeholdersIn(body)) {
      if (m[1] === name && m[2] != null && !m[0].startsWith('\\')) return m[2].replace(/\\(.)/g, '$1');
    }
    return null;
  }

  function when(iso) {
    if (!iso) return '';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many || one + 's'}`;
  }

  // ------------------------------------------------------- safe HTML

  const TAGS = new Set([
    'P', 'BR', 'STRONG', 'EM', 'B', 'I', 'DEL', 'S', 'A', 'UL', 'OL', 'LI', 'H1', 'H2', 'H3', 'H4',
    'H5', 'H6', 'BLOCKQUOTE', 'CODE', 'PRE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'HR',
    'IMG', 'SPAN', 'SUP', 'SUB', 'DIV',
  ]);
  const ATTRIBUTES = { A: ['href', 'title'], IMG: ['src', 'alt', 'title'], OL: ['start'], TH: ['align'], TD: ['align'] };
  const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'MATH']);

  function safeUrl(url) {
    const u = String(url || '').trim();
    if (/^(https?:|mailto:|tel:)/i.test(u)) return u;
    // Relative URLs have no scheme before their first `/`, `?` or `#`.
    return /^[^:/?#]*(?:[/?#]|$)/.test(u) && !u.includes(':') ? u : null;
  }

  // The server's sanitized HTML, parsed where nothing runs (a template's
  // content is inert) and cleaned again: allowed tags and attributes only.
  function safeHtml(html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    const clean = (node) => {
      for (const child of [...node.childNodes]) {
        if (child.nodeType === Node.TEXT_NODE) continue;
        if (child.nodeType !== Node.ELEMENT_NODE || DROP.has(child.nodeName.toUpperCase())) {
          child.remove();
          continue;
        }
        clean(child);
        const tag = child.nodeName.toUpperCase();
        if (!TAGS.has(tag)) {
          child.replaceWith(...child.childNodes);
          continue;
        }
        const allowed = ATTRIBUTES[tag] || [];
        for (const attr of [...child.attributes]) {
          if (!allowed.includes(attr.name)) child.removeAttribute(attr.name);
        }
        for (const name of ['href', 'src']) {
          if (child.hasAttribute(name) && safeUrl(child.getAttribute(name)) == null) child.removeAttribute(name);
        }
        if (tag === 'A') {
          child.setAttribute('target', '_blank');
          child.setAttribute('rel', 'noopener noreferrer');
        }
      }
    };
    clean(template.content);
    return template.content;
  }

  // Marks every `{{ placeholder }}` left in a rendering, so the author sees
  // what a value would fill.
  function markPlaceholders(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const text = node.nodeValue;
      if (!text.includes('{{')) continue;
      const parts = [];
      let last = 0;
      for (const m of placeholdersIn(text)) {
        if (m[0].startsWith('\\')) continue;
        parts.push(text.slice(last, m.index), h('mark', { class: 'ph', title: `No value for ${m[1]}` }, m[0]));
        last = m.index + m[0].length;
      }
      parts.push(text.slice(last));
      node.replaceWith(...parts.filter((p) => p !== ''));
    }
    return root;
  }

  // The Markdown as written, its placeholders and snippet includes marked.
  function markSource(body) {
    const out = [];
    const pattern = /(\{\{>\s*[^}\s]+\s*\}\})|(\{\{[^}]*\}\})/g;
    let last = 0;
    for (const m of String(body).matchAll(pattern)) {
      out.push(body.slice(last, m.index));
      out.push(m[1] ? h('mark', { class: 'snip', title: 'Snippet: its text is included here' }, m[0]) : h('mark', { class: 'ph' }, m[0]));
      last = m.index + m[0].length;
    }
    out.push(body.slice(last));
    return out;
  }

  // ------------------------------------------------------------- loading

  let refreshing = null;
  let again = false;

  // Reads the library from the API and shows it, keeping what the author
  // typed, filtered and opened. Calls made while one runs fold into one
  // more run.
  function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        await loadAll();
      } while (again);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function loadAll() {
    let health;
    let loaded;
    try {
      health = (await getJSON(`${API}/health`)).data;
      loaded = await Promise.all([
        getAll(`${API}/canned-responses?active=any&sort=title`),
        getAll(`${API}/categories`),
        getAll(`${API}/tags`),
        getJSON(`${API}/problems`),
        getAll(`${API}/snippets`).catch(() => []),
        getAll(`${API}/placeholders`).catch(() => []),
      ]);
    } catch (e) {
      showError(e);
      return;
    }
    showError(null);
    const [responses, categories, tags, problems, snippets, placeholders] = loaded;
    const first = state.shown == null;
    state.shown = keyOf(health);
    state.responses = responses.map(indexed);
    state.categories = categories;
    state.tags = tags;
    state.problems = problems.data.problems;
    state.summary = problems.data.summary;
    state.snippets = snippets;
    state.placeholders = new Map(placeholders.map((p) => [p.name, p]));
    state.loads += 1;
    document.documentElement.dataset.loads = String(state.loads);
    document.documentElement.dataset.generation = String(health.generation);
    renderStats();
    renderProblems();
    renderFilters();
    renderList();
    await loadDetail();
    if (!first) toast('Reloaded: the library changed on disk');
  }

  // A response with what searching it needs.
  function indexed(r) {
    const variants = Object.values(r.variants || {});
    r.excerpt = excerptOf(r.text, 200);
    r.search = {
      title: fold(r.title),
      shortcut: fold(r.shortcut || ''),
      tags: (r.tags || []).map(fold),
      body: fold([r.body, ...variants.map((v) => `${v.title}\n${v.body}`)].join('\n')),
    };
    return r;
  }

  function showError(error) {
    const banner = $('error');
    if (!error) {
      banner.hidden = true;
      return;
    }
    banner.replaceChildren(
      h('strong', { text: error.status === 401 ? 'This server needs a token. ' : 'Cannot load the library. ' }),
      ...withCode(error.message),
    );
    banner.hidden = false;
  }

  // -------------------------------------------------------- live reload

  let events = null;
  let retry = null;
  let backoff = 1000;

  function setLive(what, title) {
    const live = $('live');
    const words = { live: 'Live', connecting: 'Reconnecting…', paused: 'Paused', offline: 'Offline' };
    live.dataset.state = what;
    live.textContent = words[what];
    live.title = title || {
      live: 'Saved changes show here within a second',
      connecting: 'The server is not answering; trying again',
      paused: 'Paused while this tab is hidden',
      offline: 'The server is not answering; trying again',
    }[what];
    document.documentElement.dataset.live = what;
  }

  // One event stream while the tab is visible. `EventSource` reconnects by
  // itself after a network error; after an answer it cannot use (a 503
  // when too many streams are open, a 401) it gives up, and we retry.
  function connect() {
    if (events || document.hidden) return;
    clearTimeout(retry);
    retry = null;
    const source = new EventSource(`${API}/events`);
    events = source;
    document.documentElement.dataset.connects = String(Number(document.documentElement.dataset.connects || 0) + 1);
    source.addEventListener('open', () => {
      backoff = 1000;
      setLive('live');
    });
    source.addEventListener('reload', (event) => {
      setLive('live');
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      // A reconnect hears about the index it already shows: nothing to do.
      if (keyOf(data) !== state.shown) refresh();
    });
    source.addEventListener('error', () => {
      // A server restarted within the same second (generation 1 again)
      // announces the same key as the one shown, though its library may
      // differ: after any break, the next announcement refreshes.
      state.shown = null;
      if (source.readyState !== EventSource.CLOSED) {
        setLive('connecting');
        return;
      }
      source.close();
      if (events === source) events = null;
      setLive('offline');
      retry = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    });
  }

  function disconnect() {
    if (events) events.close();
    events = null;
    clearTimeout(retry);
    retry = null;
    setLive('paused');
  }

  // Hidden tabs let go of their stream (a browser opens at most six
  // connections to one server over HTTP/1.1); back in view, the page asks
  // whether the library changed meanwhile, then listens again.
  async function visible() {
    if (document.hidden) {
      disconnect();
      return;
    }
    try {
      const health = (await getJSON(`${API}/health`)).data;
      if (keyOf(health) !== state.shown) await refresh();
    } catch (e) {
      // The stream's own retries take over.
    }
    connect();
  }

  // ------------------------------------------------------------- header

  function renderStats() {
    const inactive = state.responses.filter((r) => !r.active).length;
    $('stats').textContent =
      plural(state.responses.length, 'response') + (inactive ? ` (${inactive} inactive)` : '') + ` · ${plural(state.categories.length, 'category', 'categories')}`;
  }

  function renderProblems() {
    const section = $('problems');
    const problems = state.problems || [];
    if (!problems.length) {
      section.hidden = true;
      return;
    }
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    const parts = [];
    if (errors) parts.push(plural(errors, 'error'));
    if (warnings) parts.push(plural(warnings, 'warning'));
    $('problems-title').textContent = `${parts.join(' and ')} in the library`;
    section.dataset.severity = errors ? 'error' : 'warning';
    $('problems-list').replaceChildren(...problems.map(problemItem));
    section.hidden = false;
  }

  function problemItem(p) {
    const where = `${p.file}${p.line ? `:${p.line}` : ''}${p.column ? `:${p.column}` : ''}`;
    const id = p.file.replace(/\.md$/, '');
    const known = state.responses.some((r) => r.path === p.file);
    return h(
      'li',
      { class: `problem ${p.severity}` },
      h('span', { class: 'severity', text: p.severity === 'error' ? 'Error' : 'Warning' }),
      known ? h('a', { class: 'where', href: `#/${id}`, text: where }) : h('span', { class: 'where', text: where }),
      h('span', { class: 'message' }, withCode(p.message), p.hint ? h('span', { class: 'hint' }, ' — ', withCode(p.hint)) : null),
      h('span', { class: 'code', text: p.code }),
    );
  }

  $('problems-toggle').addEventListener('click', (event) => {
    const list = $('problems-list');
    list.hidden = !list.hidden;
    event.currentTarget.textContent = list.hidden ? 'Show' : 'Hide';
    event.currentTarget.setAttribute('aria-expanded', String(!list.hidden));
  });

  // ------------------------------------------------------------ the list

  const filters = { q: '', category: '', tag: '' };

  function renderFilters() {
    const category = $('category');
    const tag = $('tag');
    if (filters.category && !state.categories.some((c) => c.id === filters.category)) filters.category = '';
    if (filters.tag && !state.tags.some((t) => t.name === filters.tag)) filters.tag = '';
    category.replaceChildren(
      h('option', { value: '', text: 'All categories' }),
      ...state.categories.map((c) => h('option', { value: c.id, text: `${c.label} (${c.count})` })),
    );
    tag.replaceChildren(
      h('option', { value: '', text: 'Any tag' }),
      ...state.tags.map((t) => h('option', { value: t.name, text: `${t.name} (${t.count})` })),
    );
    category.value = filters.category;
    tag.value = filters.tag;
  }

  // The API's search (`q`), instantly: every word must be in the title,
  // shortcut, tags or body; title and shortcut hits rank first. Two
  // additions for agents: accents do not matter, and a language
  // variant's title and text count as body. A word starting with `/` is a
  // shortcut, as agents type it.
  function matches(r, words) {
    let rank = 0;
    for (const word of words) {
      const t = r.search;
      if (word.startsWith('/') && word.length > 1) {
        if (!t.shortcut.startsWith(word.slice(1))) return -1;
        rank += 4;
      } else if (t.title.includes(word) || t.shortcut.includes(word)) {
        rank += t.shortcut === word || t.title.split(/[^\p{L}\p{N}]+/u).includes(word) ? 4 : 3;
      } else if (t.tags.some((tag) => tag.includes(word))) rank += 2;
      else if (t.body.includes(word)) rank += 1;
      else return -1;
    }
    return rank;
  }

  function filtered() {
    const words = fold(filters.q).split(/\s+/).filter(Boolean);
    const found = [];
    for (const r of state.responses) {
      if (filters.category && r.category !== filters.category) continue;
      if (filters.tag && !(r.tags || []).some((t) => t.toLowerCase() === filters.tag)) continue;
      const rank = matches(r, words);
      if (rank >= 0) found.push({ r, rank });
    }
    found.sort(
      (a, b) =>
        Number(b.r.active) - Number(a.r.active) || b.rank - a.rank || a.r.title.localeCompare(b.r.title),
    );
    return found.map((f) => f.r);
  }

  function renderList() {
    const found = filtered();
    const total = state.responses.length;
    const narrowed = filters.q || filters.category || filters.tag;
    $('count').textContent = narrowed ? `${found.length} of ${plural(total, 'response')}` : plural(total, 'response');
    const groups = [];
    const byId = new Map();
    for (const c of state.categories) byId.set(c.id, { id: c.id, label: c.label, items: [] });
    for (const r of found) {
      if (!byId.has(r.category)) byId.set(r.category, { id: r.category, label: r.category, items: [] });
      byId.get(r.category).items.push(r);
    }
    for (const group of byId.values()) if (group.items.length) groups.push(group);
    const results = $('results');
    if (!found.length) {
      results.replaceChildren(
        h(
          'div',
          { class: 'no-results' },
          h('p', { text: total ? 'No response matches.' : 'The library has no responses yet.' }),
          narrowed ? h('button', { type: 'button', class: 'button', onclick: clearFilters, text: 'Clear search and filters' }) : null,
        ),
      );
      return;
    }
    results.replaceChildren(
      ...groups.map((group) =>
        h(
          'section',
          { class: 'group', 'aria-labelledby': `group-${group.id}` },
          h('h2', { id: `group-${group.id}`, class: 'group-title' }, group.label, h('span', { class: 'group-count', text: String(group.items.length) })),
          h('ul', { role: 'list' }, group.items.map((r) => h('li', {}, listItem(r)))),
        ),
      ),
    );
  }

  function listItem(r) {
    const locales = [r.locale, ...Object.keys(r.variants || {})];
    const selected = r.id === state.route.id;
    return h(
      'a',
      {
        class: `item${r.active ? '' : ' inactive'}${selected ? ' selected' : ''}`,
        href: `#/${r.id}`,
        'data-id': r.id,
        'aria-current': selected ? 'page' : null,
      },
      h(
        'span',
        { class: 'item-head' },
        h('span', { class: 'item-title', text: r.title }),
        r.shortcut ? h('span', { class: 'shortcut', text: `/${r.shortcut}` }) : null,
      ),
      h('span', { class: 'item-excerpt' }, excerpt(r.excerpt)),
      h(
        'span',
        { class: 'item-meta' },
        r.active ? null : h('span', { class: 'badge inactive-badge', text: 'Inactive' }),
        r.visibility !== 'shared' ? h('span', { class: 'badge', text: visibilityWords(r) }) : null,
        locales.length > 1 ? h('span', { class: 'badge locales', text: locales.join(' · ') }) : null,
        (r.tags || []).slice(0, 4).map((t) => h('span', { class: 'tag', text: t })),
      ),
    );
  }

  function visibilityWords(r) {
    if (r.visibility === 'private') return r.owner ? `Private · ${r.owner}` : 'Private';
    if (r.visibility === 'department') return r.department ? `Department · ${r.department}` : 'Department';
    return 'Shared';
  }

  function clearFilters() {
    filters.q = '';
    filters.category = '';
    filters.tag = '';
    $('q').value = '';
    $('category').value = '';
    $('tag').value = '';
    renderList();
    $('q').focus();
  }

  function setCategory(id) {
    filters.category = id;
    $('category').value = id;
    renderList();
    $('q').focus();
  }

  function setTag(tag) {
    filters.tag = tag.toLowerCase();
    $('tag').value = filters.tag;
    renderList();
  }

  $('q').addEventListener('input', (event) => {
    filters.q = event.target.value;
    renderList();
  });
  $('category').addEventListener('change', (event) => {
    filters.category = event.target.value;
    renderList();
  });
  $('tag').addEventListener('change', (event) => {
    filters.tag = event.target.value;
    renderList();
  });

  // ----------------------------------------------------------- keyboard

  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  document.addEventListener('keydown', (event) => {
    if (event.key === '/' && !typing(document.activeElement) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      $('q').focus();
      $('q').select();
    }
  });

  $('q').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && event.target.value) {
      event.preventDefault();
      event.target.value = '';
      filters.q = '';
      renderList();
    } else if (event.key === 'ArrowDown') {
      const first = $('results').querySelector('a.item');
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === 'Enter') {
      const first = $('results').querySelector('a.item');
      if (first) location.hash = `#/${first.dataset.id}`;
    }
  });

  $('results').addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = [...$('results').querySelectorAll('a.item')];
    const at = items.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    if (event.key === 'ArrowUp' && at === 0) $('q').focus();
    else (items[at + (event.key === 'ArrowDown' ? 1 : -1)] || items[at]).focus();
  });

  // -------------------------------------------------------------- routes

  // `#/support/business-hours?locale=pt-BR` opens a response.
  function readRoute() {
    const m = location.hash.match(/^#\/([^?]*)(?:\?(.*))?$/);
    const id = m && m[1] ? decodeURIComponent(m[1]) : null;
    const locale = m && m[2] ? new URLSearchParams(m[2]).get('locale') : null;
    return { id, locale };
  }

  window.addEventListener('hashchange', () => {
    const before = state.route.id;
    state.route = readRoute();
    document.body.classList.toggle('reading', Boolean(state.route.id));
    for (const a of $('results').querySelectorAll('a.item')) {
      const selected = a.dataset.id === state.route.id;
      a.classList.toggle('selected', selected);
      if (selected) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    loadDetail();
    if (before !== state.route.id) window.scrollTo(0, 0);
  });

  // ------------------------------------------------------------- detail

  let detailSeq = 0;

  async function loadDetail() {
    const { id, locale } = state.route;
    const seq = ++detailSeq;
    if (!id) {
      state.current = null;
      renderWelcome();
      return;
    }
    let object;
    try {
      const query = locale ? `?locale=${encodeURIComponent(locale)}` : '';
      object = (await getJSON(`${API}/canned-responses/${idPath(id)}${query}`)).data;
    } catch (e) {
      if (seq === detailSeq) renderGone(id, e);
      return;
    }
    if (seq !== detailSeq) return;
    state.current = object;
    renderDetail(object);
    renderNow();
    loadHistory(object, seq);
  }

  // With no response open: the library at a glance, for finding a way in.
  function renderWelcome() {
    const active = state.responses.filter((r) => r.active).length;
    const categories = state.categories.filter((c) => c.count + (c.inactive || 0) > 0);
    const placeholders = [...state.placeholders.values()];
    document.title = 'Cannery';
    swapDetail(
      h(
        'div',
        { class: 'overview' },
        h(
          'div',
          { class: 'overview-head' },
          h('h1', { text: 'Pick a response' }),
          h('p', { class: 'muted' }, `${plural(active, 'response')} ready to send. Press `, h('kbd', { text: '/' }), ' to search, ', h('kbd', { text: '↓' }), ' and ', h('kbd', { text: 'Enter' }), ' to open one. Saved changes to the library show up here by themselves.'),
        ),
        h('h2', { class: 'section-title', text: 'Categories' }),
        h(
          'div',
          { class: 'category-grid' },
          categories.map((c) =>
            h(
              'button',
              { type: 'button', class: 'card category-card', onclick: () => setCategory(c.id) },
              h('span', { class: 'category-label', text: c.label }),
              h('span', { class: 'category-count', text: plural(c.count, 'response') + (c.inactive ? ` · ${c.inactive} inactive` : '') }),
              h('span', { class: 'category-titles', text: state.responses.filter((r) => r.category === c.id && r.active).slice(0, 3).map((r) => r.title).join(' · ') }),
            ),
          ),
        ),
        placeholders.length
          ? [
              h('h2', { class: 'section-title', text: 'Placeholders' }),
              h(
                'div',
                { class: 'card table-card' },
                h(
                  'table',
                  { class: 'placeholders' },
                  h('thead', {}, h('tr', {}, h('th', { text: 'Write' }), h('th', { text: 'Means' }), h('th', { class: 'num', text: 'Used by' }))),
                  h(
                    'tbody',
                    {},
                    placeholders.map((p) =>
                      h(
                        'tr',
                        {},
                        h('td', {}, h('code', { text: `{{ ${p.name} }}` })),
                        h('td', {}, p.description || BUILT_IN[p.name] || '', p.example ? h('span', { class: 'muted', text: ` (e.g. ${p.example})` }) : null),
                        h('td', { class: 'num', text: String(p.count) }),
                      ),
                    ),
                  ),
                ),
              ),
            ]
          : null,
        state.snippets.length
          ? [
              h('h2', { class: 'section-title', text: 'Snippets' }),
              h(
                'ul',
                { class: 'card snippet-index' },
                state.snippets.map((sn) =>
                  h('li', {}, h('code', { class: 'snip', text: `{{> ${sn.name} }}` }), sn.description ? h('span', { text: ` ${sn.description}` }) : null, h('span', { class: 'muted', text: ` · used by ${plural((sn.used_by || []).length, 'response')}` })),
                ),
              ),
            ]
          : null,
      ),
    );
  }

  function renderGone(id, error) {
    swapDetail(
      h(
        'div',
        { class: 'placeholder-pane' },
        h('h1', { text: error.status === 404 ? 'This response is not in the library' : 'This response cannot be loaded' }),
        h('p', {}, withCode(error.message)),
        h('p', {}, h('a', { href: '#/', text: 'Back to all responses' })),
      ),
    );
    document.title = 'Cannery';
  }

  // Replaces the detail pane, keeping the focused field and its caret.
  function swapDetail(content) {
    const active = document.activeElement;
    const focusId = active && $('detail').contains(active) ? active.id : null;
    const selection = focusId && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : null;
    $('detail').replaceChildren(content);
    if (focusId && $(focusId)) {
      const el = $(focusId);
      el.focus({ preventScroll: true });
      if (selection && typeof el.setSelectionRange === 'function') el.setSelectionRange(...selection);
    }
  }

  function base(id) {
    return state.responses.find((r) => r.id === id) || null;
  }

  function renderDetail(r) {
    const original = base(state.route.id) || r;
    const locales = [original.locale, ...Object.keys(original.variants || {})];
    const category = state.categories.find((c) => c.id === r.category);
    const fileProblems = state.problems.filter((p) => p.file === r.path || p.file === original.path);
    document.title = `${r.title} · Cannery`;

    const header = h(
      'header',
      { class: 'detail-head' },
      h('a', { class: 'back', href: '#/', text: '← All responses' }),
      h('p', { class: 'eyebrow' }, category ? category.label : r.category, h('span', { class: 'path', text: r.path })),
      h('h1', { id: 'title', tabindex: '-1', text: r.title }),
      h(
        'div',
        { class: 'badges' },
        r.shortcut ? h('span', { class: 'shortcut big', title: 'Shortcut: what agents type', text: `/${r.shortcut}` }) : null,
        r.active ? null : h('span', { class: 'badge inactive-badge', text: 'Inactive' }),
        h('span', { class: 'badge', text: visibilityWords(r) }),
        h('span', { class: 'badge', title: 'Locale', text: r.locale }),
      ),
      r.description ? h('p', { class: 'note' }, h('strong', { text: 'Note for agents: ' }), r.description) : null,
      locales.length > 1 ? localeSwitch(locales, r.locale, original.locale) : null,
    );

    const warnings = fileProblems.length
      ? h(
          'div',
          { class: 'file-problems' },
          h('h2', { class: 'section-title', text: `${plural(fileProblems.length, 'problem')} in this file` }),
          h('ul', { class: 'problems-list' }, fileProblems.map(problemItem)),
        )
      : null;

    const renderings = h(
      'div',
      { class: 'renderings' },
      renderingCard('html', 'Email', 'HTML, as rich-text channels show it'),
      renderingCard('text', 'Chat', 'Plain text, as chat channels get it'),
    );

    const main = h(
      'div',
      { class: 'detail-main' },
      r.subject ? h('p', { class: 'subject' }, h('span', { class: 'label', text: 'Subject' }), r.subject) : null,
      renderings,
      snippetsNote(r),
      h(
        'details',
        { class: 'source' },
        h('summary', { text: 'Markdown source' }),
        h('pre', { class: 'source-body' }, markSource(r.body)),
      ),
    );

    const aside = h('div', { class: 'detail-aside' }, fillForm(r), metadata(r), historyBox());

    const sideBySide = locales.length > 1 ? languages(original, locales) : null;
    swapDetail(h('article', { class: 'response', 'aria-labelledby': 'title' }, header, warnings, h('div', { class: 'detail-grid' }, main, aside, sideBySide)));
  }

  function localeSwitch(locales, current, baseLocale) {
    return h(
      'nav',
      { class: 'locales-switch', 'aria-label': 'Language' },
      locales.map((l) =>
        h('a', {
          class: 'locale',
          href: l === baseLocale ? `#/${state.route.id}` : `#/${state.route.id}?locale=${encodeURIComponent(l)}`,
          'aria-current': l === current ? 'true' : null,
          lang: l,
          text: l,
        }),
      ),
    );
  }

  function renderingCard(kind, title, hint) {
    return h(
      'section',
      { class: `card rendering ${kind}`, 'aria-labelledby': `${kind}-title` },
      h(
        'div',
        { class: 'card-head' },
        h('div', {}, h('h2', { id: `${kind}-title`, class: 'card-title', text: title }), h('p', { class: 'card-hint', text: hint })),
        h('button', { type: 'button', class: 'button copy', id: `copy-${kind}`, 'data-kind': kind, onclick: copy }, 'Copy'),
      ),
      h('div', { class: kind === 'html' ? 'rendered' : 'rendered-text', id: `rendered-${kind}`, lang: null }),
    );
  }

  function languages(original, locales) {
    return h(
      'section',
      { class: 'languages', 'aria-labelledby': 'languages-title' },
      h('h2', { id: 'languages-title', class: 'section-title', text: 'All languages, side by side' }),
      h(
        'div',
        { class: 'language-grid' },
        locales.map((l) => {
          const title = l === original.locale ? original.title : original.variants[l].title;
          return h(
            'div',
            { class: 'card language', lang: l },
            h('p', { class: 'language-head' }, h('span', { class: 'badge', text: l }), h('span', { class: 'language-title', text: title })),
            h('div', { class: 'rendered small', id: `language-${l}` }),
          );
        }),
      ),
    );
  }

  function snippetsNote(r) {
    const used = state.snippets.filter((s) => (s.used_by || []).includes(r.id));
    const written = includesIn(r.body);
    if (!used.length && !written.length) return null;
    const names = new Set([...written, ...used.map((s) => s.name)]);
    return h(
      'section',
      { class: 'snippets', 'aria-labelledby': 'snippets-title' },
      h('h2', { id: 'snippets-title', class: 'section-title', text: 'Included snippets' }),
      h('p', { class: 'muted', text: 'Parts of the text above come from these shared snippets; edit them once and every response that includes them changes.' }),
      h(
        'ul',
        { class: 'snippet-list' },
        [...names].map((name) => {
          const s = state.snippets.find((x) => x.name === name);
          const direct = written.includes(name);
          return h(
            'li',
            {},
            h(
              'details',
              {},
              h(
                'summary',
                {},
                h('code', { class: 'snip', text: `{{> ${name} }}` }),
                s && s.description ? h('span', { class: 'muted', text: ` ${s.description}` }) : null,
                direct ? null : h('span', { class: 'badge', text: 'through another snippet' }),
              ),
              s ? h('p', { class: 'path', text: s.path }) : null,
              s ? h('pre', { class: 'source-body' }, markSource(s.body)) : h('p', { class: 'muted', text: 'This snippet is not in the library.' }),
            ),
          );
        }),
      ),
    );
  }

  // One labelled field per placeholder. Values are kept by name, so the
  // customer's name typed once fills every response opened after.
  function fillForm(r) {
    const names = r.placeholders || [];
    const form = h('form', { class: 'card fill', id: 'fill', 'aria-labelledby': 'fill-title', onsubmit: (e) => e.preventDefault() });
    form.append(
      h('div', { class: 'card-head' }, h('h2', { id: 'fill-title', class: 'card-title', text: 'Fill in' }),
        names.length ? h('button', { type: 'button', class: 'link-button', onclick: clearValues, text: 'Clear' }) : null),
    );
    if (!names.length) {
      form.append(h('p', { class: 'muted', text: 'This response has no placeholders: it is sent as written.' }));
      return form;
    }
    for (const name of names) {
      const info = state.placeholders.get(name);
      const dflt = defaultOf(r.body, name) ?? snippetDefault(r, name);
      const description = (info && info.description) || BUILT_IN[name] || null;
      const id = `field-${name}`;
      const hints = [];
      if (description) hints.push(description);
      if (dflt != null) hints.push(`Empty: “${dflt}”`);
      form.append(
        h(
          'div',
          { class: 'field', 'data-name': name },
          h('label', { for: id }, h('code', { text: name })),
          h('input', {
            id,
            name,
            type: 'text',
            autocomplete: 'off',
            spellcheck: 'false',
            placeholder: dflt != null ? dflt : (info && info.example) || '',
            value: state.values.get(name) || '',
            'aria-describedby': `${id}-hint`,
            oninput: (event) => {
              if (event.target.value) state.values.set(name, event.target.value);
              else state.values.delete(name);
              scheduleRender();
            },
          }),
          h('p', { class: 'field-hint', id: `${id}-hint`, text: hints.join(' · ') }),
        ),
      );
    }
    form.append(h('p', { class: 'missing-note', id: 'missing', 'aria-live': 'polite' }));
    return form;
  }

  function snippetDefault(r, name) {
    for (const s of state.snippets) {
      if ((s.used_by || []).includes(r.id)) {
        const d = defaultOf(s.body, name);
        if (d != null) return d;
      }
    }
    return null;
  }

  function clearValues() {
    const current = state.current;
    if (!current) return;
    for (const name of current.placeholders || []) state.values.delete(name);
    for (const input of $('detail').querySelectorAll('form.fill input')) input.value = '';
    renderNow();
  }

  function metadata(r) {
    const rows = [];
    const row = (term, ...value) => rows.push(h('dt', { text: term }), h('dd', {}, ...value));
    const category = state.categories.find((c) => c.id === r.category);
    row('Shortcut', r.shortcut ? h('code', { text: `/${r.shortcut}` }) : h('span', { class: 'muted', text: 'none' }));
    row('Category', category ? category.label : r.category);
    row(
      'Tags',
      (r.tags || []).length
        ? h('span', { class: 'tag-list' }, r.tags.map((t) => h('button', { type: 'button', class: 'tag', title: `Show responses tagged ${t}`, onclick: () => setTag(t), text: t })))
        : h('span', { class: 'muted', text: 'none' }),
    );
    row('Visibility', visibilityWords(r));
    row('Status', r.active ? 'Active' : 'Inactive: kept, not offered to agents');
    row('Locale', r.locale);
    if (r.subject) row('Subject', r.subject);
    row('File', h('code', { class: 'path', text: r.path }));
    if (r.created_at) row('Created', when(r.created_at), r.created_by ? ` by ${r.created_by.name}` : '');
    if (r.updated_at) row('Updated', when(r.updated_at), r.updated_by ? ` by ${r.updated_by.name}` : '');
    if (r.usage_count != null) row('Used', plural(r.usage_count, 'time'), r.last_used_at ? `, last ${when(r.last_used_at)}` : '');
    return h('section', { class: 'card meta', 'aria-labelledby': 'meta-title' }, h('h2', { id: 'meta-title', class: 'card-title', text: 'Details' }), h('dl', {}, rows));
  }

  function historyBox() {
    return h(
      'section',
      { class: 'card history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title', class: 'card-title', text: 'History' }),
      h('div', { id: 'history' }, h('p', { class: 'muted', text: 'Loading…' })),
    );
  }

  const KINDS = { created: 'Created', changed: 'Changed', renamed: 'Renamed', deleted: 'Deleted' };

  async function loadHistory(r, seq) {
    let events;
    let why = null;
    try {
      events = (await getJSON(`${API}/history/${idPath(state.route.id)}`)).data;
    } catch (e) {
      why = e;
    }
    if (seq !== detailSeq || !$('history')) return;
    let content;
    if (why) {
      // Servers without the history route answer 404 for the path itself.
      const absent = why.status === 404 && /nothing at/.test(why.message);
      const message = why.message.charAt(0).toUpperCase() + why.message.slice(1);
      content = h('p', { class: 'muted' }, absent ? 'This server does not serve history.' : withCode(message));
    } else if (!Array.isArray(events) || !events.length) {
      content = h('p', { class: 'muted', text: r.revision ? 'No commits touch this file.' : 'Not committed yet, or the library is not in a git repository.' });
    } else {
      content = h(
        'ol',
        { class: 'timeline' },
        events.map((e) =>
          h(
            'li',
            { class: `event ${e.kind}` },
            h('p', { class: 'event-head' }, h('span', { class: 'event-kind', text: KINDS[e.kind] || e.kind }), h('time', { datetime: e.date, text: when(e.date) })),
            h('p', { class: 'event-subject', text: e.subject || '' }),
            h(
              'p',
              { class: 'event-by muted' },
              e.author ? e.author.name : '',
              e.commit ? h('code', { text: String(e.commit).slice(0, 8) }) : null,
              e.kind === 'renamed' && e.old_id ? h('span', { text: ` from ${e.old_id}` }) : null,
            ),
          ),
        ),
      );
    }
    $('history').replaceChildren(content);
  }

  // --------------------------------------------------------- renderings

  let renderTimer = null;
  let renderSeq = 0;

  function scheduleRender() {
    clearTimeout(renderTimer);
    renderTimer = setTimeout(renderNow, 80);
  }

  // Fills the renderings through `/api/v1/render`, so the page fills
  // placeholders exactly as the API and `cannery show --set` do: a value
  // replaces the placeholder, else its default, else it stays and is
  // listed as missing.
  async function renderNow() {
    clearTimeout(renderTimer);
    const r = state.current;
    if (!r) return;
    const seq = ++renderSeq;
    const original = base(state.route.id) || r;
    const others = Object.keys(original.variants || {}).length ? [original.locale, ...Object.keys(original.variants)] : [];
    const ask = (format, locale) => {
      const params = new URLSearchParams({ format, locale });
      for (const name of r.placeholders || []) {
        const value = state.values.get(name);
        if (value) params.set(name, value);
      }
      return getJSON(`${API}/render/${idPath(state.route.id)}?${params}`).then((a) => a.data);
    };
    let answers;
    try {
      answers = await Promise.all([ask('html', r.locale), ask('text', r.locale), ...others.map((l) => ask('html', l))]);
    } catch (e) {
      if (seq === renderSeq) showError(e);
      return;
    }
    if (seq !== renderSeq || state.current !== r) return;
    const [html, text, ...columns] = answers;
    state.rendered = { html: html.content, text: text.content };
    const htmlBox = $('rendered-html');
    const textBox = $('rendered-text');
    if (htmlBox) htmlBox.replaceChildren(markPlaceholders(safeHtml(html.content)));
    if (textBox) textBox.replaceChildren(markPlaceholders(h('div', { class: 'text-body', text: text.content })));
    others.forEach((l, i) => {
      const box = $(`language-${l}`);
      if (box) box.replaceChildren(markPlaceholders(safeHtml(columns[i].content)));
    });
    const missing = html.missing || [];
    for (const field of $('detail').querySelectorAll('form.fill .field')) {
      field.classList.toggle('missing', missing.includes(field.dataset.name));
    }
    const note = $('missing');
    if (note) {
      note.replaceChildren(
        ...(missing.length
          ? [`${missing.length === 1 ? 'No value yet for' : 'No values yet for'} `, ...missing.flatMap((m, i) => [i ? ', ' : '', h('code', { text: m })]), ': sent as written until filled.']
          : ['Every placeholder has a value or a default.']),
      );
      note.classList.toggle('ok', !missing.length);
    }
    document.documentElement.dataset.rendered = String(seq);
  }

  // ---------------------------------------------------------------- copy

  async function copy(event) {
    const button = event.currentTarget;
    const kind = button.dataset.kind;
    const text = state.rendered.text;
    let done = false;
    try {
      if (kind === 'html' && window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
        // Rich text for editors that take it, the plain text for the rest.
        await navigator.clipboard.write([
          new ClipboardItem({
            'text/html': new Blob([state.rendered.html], { type: 'text/html' }),
            'text/plain': new Blob([text], { type: 'text/plain' }),
          }),
        ]);
        done = true;
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        await navigator.clipboard.writeText(text);
        done = true;
      }
    } catch (e) {
      done = false;
    }
    // Without the asynchronous clipboard (plain HTTP on another host is not
    // a secure context), copy a selection the old way.
    if (!done) done = copySelection(kind === 'html' ? $('rendered-html') : null, text);
    button.textContent = done ? 'Copied' : 'Copy failed';
    toast(done ? `Copied the ${kind === 'html' ? 'email' : 'chat'} text` : 'The browser did not let the page copy: select the text and copy it yourself');
    button.classList.toggle('done', done);
    document.documentElement.dataset.copied = done ? kind : '';
    setTimeout(() => {
      button.textContent = 'Copy';
      button.classList.remove('done');
    }, 1500);
  }

  function copySelection(element, text) {
    const selection = window.getSelection();
    let area = null;
    try {
      selection.removeAllRanges();
      const range = document.createRange();
      if (element) {
        range.selectNodeContents(element);
      } else {
        area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
        area.value = text;
        document.body.append(area);
        area.select();
      }
      if (element) selection.addRange(range);
      return document.execCommand('copy');
    } catch (e) {
      return false;
    } finally {
      selection.removeAllRanges();
      if (area) area.remove();
    }
  }

  // --------------------------------------------------------------- toast

  let toastTimer = null;
  function toast(message) {
    const box = $('toast');
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      box.hidden = true;
    }, 2500);
  }

  // ---------------------------------------------------------------- start

  state.route = readRoute();
  document.body.classList.toggle('reading', Boolean(state.route.id));
  setLive('connecting');
  document.addEventListener('visibilitychange', visible);
  refresh().then(connect);
})();
