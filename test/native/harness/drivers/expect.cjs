// Linux harness drivers: small assertions shared by the drivers.
'use strict';
const assert = require('node:assert/strict');

/** The reason a Promise rejects; fails when it resolves. */
async function rejection(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

/** What a synchronous call throws; fails when it returns. */
function thrown(run) {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected a throw');
}

module.exports = { rejection, thrown };
