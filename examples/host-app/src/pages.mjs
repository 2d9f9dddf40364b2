/** The demo's HTML pages: sign-in, full chat, orders with the inline chat, and the webhook log. */
import { ORDERS, USERS, orderById } from './data.mjs';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function layout({ title, user, parleyUrl, body, active }) {
  const nav = [
    ['/chat', 'Chat'],
    ['/orders', 'Orders'],
    ['/webhooks', 'Webhook log'],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Parley demo</title>
<script type="module" src="${esc(parleyUrl)}/ui/parley-ui.js"></script>
<style>
  :root { color-scheme: light; }
  body { margin: 0; font: 14px/1.45 system-ui, sans-serif; background: #eef0f3; color: #1d2129; }
  body.dark { background: #0f1013; color: #e8eaed; color-scheme: dark; }
  header.top { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 16px; background: #1d2b4a; color: #fff; }
  header.top a { color: #fff; text-decoration: none; padding: 4px 8px; border-radius: 6px; }
  header.top a[aria-current="page"] { background: rgba(255,255,255,.18); }
  header.top .brand { font-weight: 700; margin-right: 8px; }
  header.top .spacer { flex: 1; }
  header.top select { font: inherit; }
  main { padding: 16px; max-width: 1200px; margin: 0 auto; }
  .chat-full { height: calc(100vh - 110px); min-height: 420px; }
  .card { background: #fff; border-radius: 10px; padding: 16px; margin-bottom: 16px; }
  body.dark .card { background: #1b1d22; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #d7dae0; vertical-align: top; }
  a { color: #1f5fcc; }
  body.dark main a { color: #8ab4f8; }
  .order { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr); gap: 16px; }
  .order parley-chat { height: 520px; }
  @media (max-width: 760px) { .order { grid-template-columns: 1fr; } .chat-full { height: calc(100vh - 150px); } main { padding: 8px; } }
  code { font-size: 12px; }
  .muted { color: #5c6370; }
  body.dark .muted { color: #a9afba; }
</style>
</head>
<body>
<header class="top">
  <span class="brand">Parley demo</span>
  <nav aria-label="Demo pages">${nav.map(([href, label]) => `<a href="${href}"${active === href ? ' aria-current="page"' : ''}>${label}</a>`).join('')}</nav>
  <span class="spacer"></span>
  ${user ? `<span>Signed in as <strong>${esc(user.name)}</strong></span> <a href="/signout">Switch user</a>` : ''}
  <label>Language <select id="locale"><option value="en">English</option><option value="ru">Русский</option><option value="zh">中文</option></select></label>
  <label>Theme <select id="theme"><option value="light">Light</option><option value="dark">Dark</option></select></label>
</header>
<main>
${body}
</main>
<script>
  // Locale and theme: kept in localStorage and applied to every <parley-chat> on the page, live.
  const locale = document.getElementById('locale');
  const theme = document.getElementById('theme');
  locale.value = localStorage.getItem('demo-locale') || 'en';
  theme.value = localStorage.getItem('demo-theme') || 'light';
  const apply = () => {
    document.body.classList.toggle('dark', theme.value === 'dark');
    document.documentElement.lang = locale.value;
    for (const chat of document.querySelectorAll('parley-chat')) {
      chat.setAttribute('locale', locale.value);
      chat.setAttribute('theme', theme.value);
    }
  };
  locale.onchange = () => { localStorage.setItem('demo-locale', locale.value); apply(); };
  theme.onchange = () => { localStorage.setItem('demo-theme', theme.value); apply(); };
  apply();
</script>
</body>
</html>`;
}

export function signInPage({ parleyUrl }) {
  return layout({
    title: 'Sign in',
    parleyUrl,
    active: '',
    body: `<div class="card">
  <h1>Sign in to the demo</h1>
  <p>This small host application owns its users and orders. It mints a Parley token for whoever signs in, creates a
  chat per order (customer, support manager and a demo support agent), gives each user a chat with Parley's built-in
  demo agent (try <code>hello</code>, <code>/slow</code>, <code>/widget</code>, <code>/fail</code>), and shows the webhooks Parley sends it.</p>
  <ul>${USERS.map((u) => `<li><form method="post" action="/signin" style="display:inline"><input type="hidden" name="user" value="${u.id}"><button type="submit">Sign in as ${esc(u.name)}</button></form> <span class="muted">${esc(u.role)}, ${esc(u.company)}</span></li>`).join('')}</ul>
</div>`,
  });
}

export function chatPage({ parleyUrl, user }) {
  return layout({
    title: 'Chat',
    parleyUrl,
    user,
    active: '/chat',
    body: `<h1 class="sr-only" style="position:absolute;left:-9999px">Chat</h1>
<parley-chat class="chat-full" base-url="${esc(parleyUrl)}" token-url="/api/parley-token"></parley-chat>
<script type="module">
  const chat = document.querySelector('parley-chat');
  chat.profile = ${JSON.stringify({ displayName: user.name, company: user.company, email: user.email })};
</script>`,
  });
}

export function ordersPage({ parleyUrl, user }) {
  return layout({
    title: 'Orders',
    parleyUrl,
    user,
    active: '/orders',
    body: `<div class="card"><h1>Orders</h1>
<table><thead><tr><th>Order</th><th>Item</th><th>Status</th></tr></thead><tbody>
${ORDERS.map((o) => `<tr><td><a href="/orders/${o.id}">#${o.id}</a></td><td>${esc(o.item)}</td><td>${esc(o.status)}</td></tr>`).join('\n')}
</tbody></table></div>`,
  });
}

export function orderPage({ parleyUrl, user, orderId }) {
  const order = orderById(orderId);
  if (!order) return undefined;
  return layout({
    title: `Order #${order.id}`,
    parleyUrl,
    user,
    active: '/orders',
    body: `<div class="order">
  <div class="card">
    <h1>Order #${esc(order.id)}</h1>
    <p>${esc(order.item)}</p>
    <p>Status: <strong>${esc(order.status)}</strong> · ETA: ${esc(order.eta)}</p>
    <p class="muted">The chat on the right is <code>&lt;parley-chat mode="inline" object-type="order" object-id="${esc(order.id)}"&gt;</code>: the one dialog of this order.</p>
  </div>
  <parley-chat mode="inline" object-type="order" object-id="${esc(order.id)}" base-url="${esc(parleyUrl)}" token-url="/api/parley-token"></parley-chat>
</div>
<script type="module">
  document.querySelector('parley-chat').profile = ${JSON.stringify({ displayName: user.name, company: user.company, email: user.email })};
</script>`,
  });
}

export function webhooksPage({ parleyUrl, user, log }) {
  return layout({
    title: 'Webhook log',
    parleyUrl,
    user,
    active: '/webhooks',
    body: `<div class="card"><h1>Webhooks received</h1>
<p class="muted">Parley signs every request (HMAC-SHA256); this host checks the signatures before it logs or acts on one. Newest first; the page refreshes itself.</p>
<table><thead><tr><th>Received</th><th>Event</th><th>Signature</th><th>Payload</th></tr></thead><tbody id="log">
${renderLogRows(log)}
</tbody></table></div>
<script type="module">
  setInterval(async () => {
    const res = await fetch('/api/webhooks/rows');
    if (res.ok) document.getElementById('log').innerHTML = await res.text();
  }, 2000);
</script>`,
  });
}

export function renderLogRows(log) {
  if (!log.length) return '<tr><td colspan="4" class="muted">No webhook yet: send a message in a chat.</td></tr>';
  return log
    .slice()
    .reverse()
    .map(
      (e) =>
        `<tr data-event="${esc(e.event)}"><td>${esc(e.received_at.slice(11, 19))}</td><td>${esc(e.event)}</td><td>${e.verified ? 'verified' : 'REJECTED'}</td><td><code>${esc(JSON.stringify(e.payload).slice(0, 300))}</code></td></tr>`,
    )
    .join('\n');
}
