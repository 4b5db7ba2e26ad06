// Linux harness driver: the SecKey and SecAccessControl entry points, their CFError paths, and
// the handles they take and give.
'use strict';
const assert = require('node:assert/strict');
const { rejection } = require('./expect.cjs');

const ALG = 'algid:sign:ECDSA:message-X962:SHA256';
const cfError = (code, description, domain = 'NSOSStatusErrorDomain') => ({ $error: { domain, code, description } });

/** Every SecKey entry point that reports failure through a CFError, with a call that reaches it. */
function calls(addon, key, pub) {
  return [
    ['SecKeyCreateRandomKey', () => addon.secKeyCreateRandomKey({ type: '73', bsiz: 256 })],
    ['SecKeyCreateWithData', () => addon.secKeyCreateWithData(Buffer.alloc(65, 4), { type: '73', kcls: '0' })],
    ['SecKeyCopyExternalRepresentation', () => addon.secKeyCopyExternalRepresentation(pub)],
    ['SecKeyCreateSignature', () => addon.secKeyCreateSignature(key, ALG, Buffer.from('m'))],
    ['SecKeyVerifySignature', () => addon.secKeyVerifySignature(pub, ALG, Buffer.from('m'), Buffer.from('0m'))],
    ['SecKeyCreateEncryptedData', () => addon.secKeyCreateEncryptedData(pub, 'algid:encrypt:ECIES:ECDH:KDFX963:SHA256:AESGCM', Buffer.from('p'))],
    ['SecKeyCreateDecryptedData', () => addon.secKeyCreateDecryptedData(key, 'algid:encrypt:ECIES:ECDH:KDFX963:SHA256:AESGCM', Buffer.from('c'))],
    ['SecKeyCopyKeyExchangeResult', () => addon.secKeyCopyKeyExchangeResult(key, 'algid:keyexchange:ECDH:standard', pub, {})],
    ['SecAccessControlCreateWithFlags', () => addon.secAccessControlCreateWithFlags('ak', 1)],
  ];
}

exports.cases = {
  async 'a generated key signs; its public key verifies, exports and reports attributes'({ addon }) {
    const key = await addon.secKeyCreateRandomKey({ type: '73', bsiz: 256, private: { perm: false } });
    assert.equal(key.kind, 'SecKey');
    assert.equal(key.released, false);
    const signature = await addon.secKeyCreateSignature(key, ALG, Buffer.from('msg'));
    assert.ok(Buffer.isBuffer(signature));
    const pub = await addon.secKeyCopyPublicKey(key);
    assert.equal(pub.kind, 'SecKey');
    assert.equal(await addon.secKeyVerifySignature(pub, ALG, Buffer.from('msg'), signature), true);
    assert.equal((await addon.secKeyCopyExternalRepresentation(pub)).length, 65);
    assert.deepStrictEqual(await addon.secKeyCopyAttributes(key), { bsiz: 256, type: '73' });
    assert.equal(await addon.secKeyIsAlgorithmSupported(key, 0, ALG), true);
    assert.equal(await addon.secKeyIsAlgorithmSupported(pub, 0, ALG), false);
    assert.equal((await addon.secKeyCopyKeyExchangeResult(key, 'algid:keyexchange:ECDH:standard', pub, { requestedSize: 32 })).length, 32);
    const imported = await addon.secKeyCreateWithData(Buffer.alloc(65, 4), { type: '73', kcls: '0' });
    assert.equal(imported.kind, 'SecKey');
    assert.deepEqual(await addon.secKeyCreateEncryptedData(pub, 'algid:encrypt:RSA:OAEP:SHA256', Buffer.from('p')), Buffer.from('p'));
  },
  async 'a failed verification rejects with the CFError the framework filled in'({ addon }) {
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    const pub = await addon.secKeyCopyPublicKey(key);
    const e = await rejection(addon.secKeyVerifySignature(pub, ALG, Buffer.from('msX'), Buffer.from('0msg')));
    assert.equal(e.status, -67808);
    assert.equal(e.domain, 'NSOSStatusErrorDomain');
    assert.equal(e.operation, 'SecKeyVerifySignature');
    assert.match(e.message, /verification failed/);
  },
  async 'every CFError a SecKey or SecAccessControl call returns becomes its rejection: domain, code and text'({ addon, control }) {
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    const pub = await addon.secKeyCopyPublicKey(key);
    for (const [name, call] of calls(addon, key, pub)) {
      control.inject(name, { error: cfError(-25308, `${name} needs the user`) });
      let e = await rejection(call());
      assert.equal(e.status, -25308, name);
      assert.equal(e.message, `${name} needs the user`);
      assert.equal(e.operation, name);
      control.inject(name, { error: cfError(42, 'another domain', 'com.example.Other') });
      e = await rejection(call());
      assert.equal(e.domain, 'com.example.Other', name);
      assert.equal(e.nativeCode, 42, name);
      control.inject(name, { status: -50 });
      e = await rejection(call());
      assert.equal(e.status, -50, name);
    }
  },
  async 'a NULL result without an error object is errSecInternalComponent naming the call'({ addon, control }) {
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    const pub = await addon.secKeyCopyPublicKey(key);
    for (const [name, call] of calls(addon, key, pub)) {
      if (name === 'SecKeyVerifySignature') continue;  // false without an error is an answer (below)
      control.inject(name, { returnNull: true });
      const e = await rejection(call());
      assert.equal(e.status, -2070, name);
      assert.match(e.message, new RegExp(`${name} failed without an error object`));
    }
    control.inject('SecKeyCopyAttributes', { returnNull: true });
    assert.equal((await rejection(addon.secKeyCopyAttributes(key))).status, -2070);
  },
  async 'SecKeyVerifySignature false without an error resolves false; SecKeyCopyPublicKey NULL resolves null'({ addon, control }) {
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    control.inject('SecKeyVerifySignature', { returnNull: true });
    assert.equal(await addon.secKeyVerifySignature(key, ALG, Buffer.from('m'), Buffer.from('x')), false);
    control.inject('SecKeyCopyPublicKey', { returnNull: true });
    assert.equal(await addon.secKeyCopyPublicKey(key), null);
  },
  async 'a key call given another kind of handle, a released handle or no handle is errSecParam'({ addon, control }) {
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    let e = await rejection(addon.secKeyCopyAttributes(access));
    assert.equal(e.status, -50);
    assert.match(e.message, /expected a SecKey handle, got a SecAccessControl/);
    key.release();
    assert.equal(key.released, true);
    e = await rejection(addon.secKeyCreateSignature(key, ALG, Buffer.from('m')));
    assert.match(e.message, /released/);
    for (const notAKey of [undefined, null, {}, Object.create(Object.getPrototypeOf(key)), 'key']) {
      assert.equal((await rejection(addon.secKeyCopyAttributes(notAKey))).status, -50);
    }
    assert.equal((await rejection(addon.secKeyCreateSignature(access, 5, Buffer.from('m')))).status, -50);
    assert.equal(control.calls('SecKeyCopyAttributes') + control.calls('SecKeyCreateSignature'), 0);
  },
  async 'SecAccessControlCreateWithFlags gives a handle, passes the flags, and refuses flags beyond 32 bits'({ addon, control }) {
    const access = await addon.secAccessControlCreateWithFlags('cku', 0x40000001);
    assert.equal(access.kind, 'SecAccessControl');
    let e = await rejection(addon.secAccessControlCreateWithFlags('nope', 0));
    assert.equal(e.status, -50);
    assert.match(e.message, /invalid protection/);
    for (const flags of [2 ** 32, -1, 1.5, '1']) {
      e = await rejection(addon.secAccessControlCreateWithFlags('ak', flags));
      assert.equal(e.status, -50, String(flags));
      assert.match(e.message, /flags/);
    }
    assert.equal(control.calls('SecAccessControlCreateWithFlags'), 2);
  },
  async 'handles ride inside dictionaries: an access control and a context as their keys, a key as kSecValueRef'({ addon, control }) {
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    const context = addon.laContextCreate();
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    await addon.secItemAdd({ class: 'keys', v_Ref: key, accc: access, u_AuthCtx: context });
    const sent = Object.fromEntries(control.lastArgument('SecItemAdd').v.map(([k, v]) => [k.v, v.t]));
    assert.deepEqual(sent, { class: 'string', v_Ref: 'SecKey', accc: 'SecAccessControl', u_AuthCtx: 'LAContext' });
    const e = await rejection(addon.secItemAdd({ class: 'genp', u_AuthCtx: access }));
    assert.equal(e.status, -50);
    assert.match(e.message, /u_AuthCtx: expected a LAContext handle, got a SecAccessControl/);
  },
};
