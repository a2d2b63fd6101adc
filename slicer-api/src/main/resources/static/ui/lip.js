// Shared by the pages: the API token (kept in this tab's session storage, sent as a bearer header, never in a URL),
// requests that ask for it when the service answers 401, and formatting.
const Lip = (() => {
  const KEY = 'lip-token';
  const token = () => sessionStorage.getItem(KEY);
  const headers = (extra = {}) => token() ? { ...extra, Authorization: 'Bearer ' + token() } : extra;
  let waiting = null;

  function askToken(message) {
    if (waiting) return waiting;
    const box = document.getElementById('login');
    box.querySelector('.why').textContent = message;
    box.style.display = 'flex';
    waiting = new Promise(resolve => {
      box.querySelector('form').onsubmit = e => {
        e.preventDefault();
        sessionStorage.setItem(KEY, box.querySelector('input').value.trim());
        box.style.display = 'none';
        waiting = null;
        resolve();
      };
    });
    return waiting;
  }

  /** fetch with the token; on 401 asks for it and tries again. */
  async function api(path, options = {}) {
    for (;;) {
      const r = await fetch(path, { ...options, headers: headers(options.headers || {}) });
      if (r.status !== 401) return r;
      const body = await r.json().catch(() => ({}));
      await askToken(token() ? 'The token is wrong.' : (body.detail || 'This service needs an API token.'));
    }
  }

  async function json(path, options) {
    const r = await api(path, options);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.detail || (r.status + ' ' + r.statusText));
    return body;
  }

  const bytes = n => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KB'
    : n < 1073741824 ? (n / 1048576).toFixed(1) + ' MB' : (n / 1073741824).toFixed(2) + ' GB';
  const seconds = s => s < 60 ? s.toFixed(1) + ' s' : s < 3600 ? Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s'
    : Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  const age = iso => seconds((Date.now() - Date.parse(iso)) / 1000) + ' ago';
  const terminal = s => s === 'DONE' || s === 'FAILED' || s === 'CANCELLED';
  const el = (tag, props = {}, ...children) => {
    const e = Object.assign(document.createElement(tag), props);
    children.forEach(c => e.append(c));
    return e;
  };
  return { api, json, headers, token, bytes, seconds, age, terminal, el };
})();
