/** What the host backend asks of Parley's Management API: tokens for its users and one dialog per order. */
import { AGENT, ASSISTANT, ORDERS, SCOPE, USERS, userById } from './data.mjs';

export function parleyAdmin(parleyUrl, adminToken) {
  const call = async (method, path, body, { missingOk = false } = {}) => {
    const res = await fetch(`${parleyUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? undefined : await res.json();
    if (missingOk && res.status === 404) return undefined;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json?.data;
  };
  return {
    /** A short-lived token for one of the host's users, with the host's scope and the profile it knows. */
    async mint(userId, ttl = 600) {
      const user = userById(userId) ?? (userId === AGENT.id ? AGENT : undefined);
      if (!user) throw new Error(`unknown user ${userId}`);
      const profile = { display_name: user.name, company: user.company, ...(user.email ? { email: user.email } : {}) };
      return (await call('POST', '/api/v1/management/tokens', { user_id: user.id, scope: SCOPE, profile, ttl_seconds: ttl })).token;
    },
    /** Creates the dialog of each order that has none yet (the customer, the support manager and the agent). */
    async ensureOrderDialogs(hostUrl) {
      const ids = {};
      for (const order of ORDERS) {
        const found = await call('POST', '/api/v1/management/dialogs/search', {
          object_type: 'order',
          object_id: order.id,
          access_scopes: [SCOPE],
        });
        if (found) {
          ids[order.id] = found.id;
          continue;
        }
        const customer = userById(order.customer);
        const bob = userById('bob');
        const created = await call('POST', '/api/v1/management/dialogs', {
          object_type: 'order',
          object_id: order.id,
          title: `Order #${order.id}: ${order.item}`,
          object_url: `${hostUrl}/orders/${order.id}`,
          participants: [
            { user_id: customer.id, display_name: customer.name, company: customer.company, email: customer.email },
            { user_id: bob.id, display_name: bob.name, company: bob.company, email: bob.email },
            { user_id: AGENT.id, display_name: AGENT.name, company: AGENT.company },
          ],
          access_scopes: [SCOPE],
        });
        ids[order.id] = created.id;
      }
      return ids;
    },
    /**
     * Registers Parley's built-in demo agent and gives each user a chat with it, where it streams its replies
     * (`hello` → `Echo: hello`, `/slow`, `/widget`, `/fail`; docs/agents.md). Returns user id → dialog id.
     */
    async ensureAssistantDialogs() {
      if (!(await call('GET', `/api/v1/management/agents/${ASSISTANT.id}`, undefined, { missingOk: true }))) {
        await call('POST', '/api/v1/management/agents', { id: ASSISTANT.id, display_name: ASSISTANT.name, kind: 'demo' });
      }
      const ids = {};
      for (const user of USERS) {
        const found = await call('POST', '/api/v1/management/dialogs/search', {
          object_type: 'assistant',
          object_id: user.id,
          access_scopes: [SCOPE],
        });
        ids[user.id] = (
          found ??
          (await call('POST', '/api/v1/management/dialogs', {
            object_type: 'assistant',
            object_id: user.id,
            title: 'Demo assistant: try hello, /slow, /widget, /fail',
            participants: [
              { user_id: user.id, display_name: user.name, company: user.company, email: user.email },
              { user_id: `agent:${ASSISTANT.id}` },
            ],
            access_scopes: [SCOPE],
          }))
        ).id;
      }
      return ids;
    },
    users: USERS,
  };
}

/** The agent answers as a user of the Chat API, with its own token. */
export async function agentReply(parleyUrl, token, dialogId, html, replyTo) {
  const res = await fetch(`${parleyUrl}/api/v1/dialogs/${dialogId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: html, ...(replyTo ? { reply_to: replyTo } : {}) }),
  });
  if (!res.ok) throw new Error(`agent reply: ${res.status} ${await res.text()}`);
}
