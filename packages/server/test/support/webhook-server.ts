/** A test file's webhook setup: a receiver, and a server that delivers to it, up before the tests and down after. */
import { afterAll, beforeAll } from 'vitest';
import { startServer, type TestServer } from './server.js';
import { startReceiver, webhookEnv, type Receiver } from './webhook-receiver.js';

/** Starts both before the file's tests (handing them to `use`) and stops both after. */
export function webhookServerPerFile(use: (receiver: Receiver, server: TestServer) => void): void {
  let receiver: Receiver | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startServer(webhookEnv(receiver));
    use(receiver, server);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.stop();
  });
}

/** The id of the message a delivery is about, if it is about one. */
export const deliveredMessageId = (r: { json: any }) => r.json?.payload?.message?.id as string | undefined;
