import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newClusterId } from '../../local/kafka/broker';

// A base64url id starting with '-' made kafka-storage read it as an option: a 1-in-64 flaky startup.
test('cluster ids are 22 base64url characters and never start with "-"', () => {
  for (let i = 0; i < 20_000; i++) {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});
