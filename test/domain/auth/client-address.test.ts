import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rateLimitAddress } from '../../../src/domain/auth/client-address.ts';

test('IPv6 clients count per /64, however the address is written; IPv4 per address', () => {
  assert.equal(rateLimitAddress('2001:db8:1:2::a'), '2001:db8:1:2::/64');
  assert.equal(rateLimitAddress('2001:0DB8:0001:0002:ffff:0:0:b'), '2001:db8:1:2::/64');
  assert.equal(rateLimitAddress('2001:db8:1:2:3:4:5:6%eth0'), '2001:db8:1:2::/64');
  assert.equal(rateLimitAddress('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(rateLimitAddress('::1'), '0:0:0:0::/64');
  assert.equal(rateLimitAddress('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  assert.notEqual(rateLimitAddress('2001:db8:1:2::a'), rateLimitAddress('2001:db8:1:3::a'));
  assert.equal(rateLimitAddress('::ffff:192.0.2.1'), '192.0.2.1', 'IPv4 through a dual-stack socket');
  assert.equal(rateLimitAddress('192.0.2.1'), '192.0.2.1');
  assert.equal(rateLimitAddress('not:an:address::x::y'), 'not:an:address::x::y', 'what is not an address is used as it is');
  assert.equal(rateLimitAddress('unknown'), 'unknown');
});
