/** The reducer is pure and idempotent: the same event applied twice counts once (a replay may overlap a refetch). */
import { describe, expect, it } from 'vitest';
import { applyEvent, type ChatState } from '../src/index.js';

const D = '01900000-0000-7000-8000-000000000001';
const M1 = '01900000-0000-7000-8000-0000000000a1';
const M2 = '01900000-0000-7000-8000-0000000000a2';

function state(withMessages: boolean): ChatState {
  return {
    user_id: 'me',
    dialogs: {
      [D]: {
        unread_count: 0,
        is_archived: false,
        is_pinned: false,
        notifications_enabled: true,
        participants: ['me', 'you'],
        last_message_id: null,
      },
    },
    messages: withMessages ? { [D]: [] } : {},
  };
}

const incoming = (id: string, sender = 'you') =>
  ({
    type: 'message.new',
    id,
    dialog_id: D,
    sender_id: sender,
    content: 'hi',
    sent_at: '2026-01-01T00:00:00Z',
    message_type: 'user',
  }) as const;

describe('applyEvent', () => {
  for (const loaded of [true, false]) {
    it(`counts a repeated message.new once (messages ${loaded ? 'loaded' : 'not loaded'})`, () => {
      const before = state(loaded);
      const once = applyEvent(before, incoming(M1));
      const twice = applyEvent(once, incoming(M1));
      expect(once.dialogs[D]!.unread_count).toBe(1);
      expect(twice).toEqual(once);
      expect(before.dialogs[D]!.unread_count).toBe(0);
      expect(applyEvent(twice, incoming(M2)).dialogs[D]!.unread_count).toBe(2);
    });
  }

  it('resets unread on an own message', () => {
    const s = applyEvent(applyEvent(state(true), incoming(M1)), incoming(M2, 'me'));
    expect(s.dialogs[D]!.unread_count).toBe(0);
    expect(s.messages[D]!.map((m) => m.id)).toEqual([M1, M2]);
  });
});
