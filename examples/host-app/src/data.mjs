/** The demo host's own data: its users, its orders, and the scope its people share in Parley. */

export const SCOPE = { scope_level0: ['demo'], scope_level1: ['logistics'] };

export const USERS = [
  { id: 'alice', name: 'Alice Martin', company: 'Acme Retail', email: 'alice@acme.example', role: 'Customer' },
  { id: 'bob', name: 'Bob Stone', company: 'Parley Demo Logistics', email: 'bob@demo.example', role: 'Support manager' },
  {
    id: 'carol',
    name: 'Carol Li',
    company: 'Parley Demo Logistics',
    email: 'carol@demo.example',
    role: 'Logistics manager (not in the chats yet: may join)',
  },
];

/** The demo support agent: a participant of every order chat that answers the customer (through the Chat API). */
export const AGENT = { id: 'agent-sam', name: 'Sam (support agent)', company: 'Parley Demo Logistics' };

/** Parley's built-in demo agent (kind `demo`): each user has a chat with it to try streaming, stop, widgets and errors. */
export const ASSISTANT = { id: 'assistant', name: 'Demo assistant' };

export const ORDERS = [
  { id: '1001', customer: 'alice', item: 'Office chairs × 12', status: 'In transit', eta: 'Tuesday' },
  { id: '1002', customer: 'alice', item: 'Standing desks × 3', status: 'Being packed', eta: 'Friday' },
  { id: '1003', customer: 'alice', item: 'Monitor arms × 20', status: 'Delivered', eta: '—' },
];

export const userById = (id) => USERS.find((u) => u.id === id);
export const orderById = (id) => ORDERS.find((o) => o.id === id);
