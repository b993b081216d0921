// The two fields only a storefront's JSON carries: `user_agent` (text, bounded) and `ip` (v4 or v6).
// Optional and kept only when sent; anything else is refused with its own reason, after the CSV's checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER_AGENT_MAX_CHARS } from '../../contract';
import { toBehaviourEvent, type BehaviourFields } from '../../lambdas/collector/behaviour-rules';

const GOOD = { event_time: '2026-11-27T10:00:00Z', event_type: 'view', product_id: '1005', price: '9.99', user_id: '42', user_session: 's-1' };
const outcome = (extra: BehaviourFields) => toBehaviourEvent({ ...GOOD, ...extra }, 'collector/test', 2);
const reason = (extra: BehaviourFields) => {
  const result = outcome(extra);
  return 'reason' in result ? result.reason : null;
};

test('an event without them keeps the exact shape of a CSV event', () => {
  for (const extra of [{}, { user_agent: null, ip: null }, { user_agent: '  ', ip: '' }]) {
    const result = outcome(extra);
    assert.ok('event' in result);
    assert.ok(!('user_agent' in result.event) && !('ip' in result.event), JSON.stringify(extra));
  }
});

test('a user agent and an IPv4, IPv6 or IPv4-mapped address are kept as sent (trimmed)', () => {
  const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
  for (const ip of ['193.0.6.139', '2001:200::1', '::ffff:8.8.8.8']) {
    const result = outcome({ user_agent: ` ${ua} `, ip });
    assert.ok('event' in result, ip);
    assert.deepEqual([result.event.user_agent, result.event.ip], [ua, ip]);
  }
  assert.equal(reason({ user_agent: 'x'.repeat(USER_AGENT_MAX_CHARS) }), null);
});

test('a user agent that is too long or not text is invalid_user_agent', () => {
  assert.equal(reason({ user_agent: 'x'.repeat(USER_AGENT_MAX_CHARS + 1) }), 'invalid_user_agent');
  assert.equal(reason({ user_agent: 42 }), 'invalid_user_agent');
  assert.equal(reason({ user_agent: { browser: 'x' } }), 'invalid_user_agent');
});

test('an address that is not a v4 or v6 address is invalid_ip', () => {
  for (const ip of ['300.1.2.3', '1.2.3', '01.2.3.4', 'fe80::1%eth0', '2001:db8:::1', 'localhost', '1.2.3.4/24', 16843009])
    assert.equal(reason({ ip }), 'invalid_ip', String(ip));
});

test("the CSV's checks come first: an event with a bad price and a bad address is invalid_price", () => {
  assert.equal(reason({ price: 'free', ip: 'nowhere' }), 'invalid_price');
});
