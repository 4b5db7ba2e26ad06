// Linux harness driver: the SecCertificate, SecIdentity and SecPKCS12Import entry points, their
// failure paths, and certificate and identity handles in and out of dictionaries (kSecValueRef,
// kSecMatchItemList, kSecReturnRef results, PKCS #12 items).
'use strict';
const assert = require('node:assert/strict');
const { rejection } = require('./expect.cjs');

const { ROOT, LEAF, ED25519 } = require('../../fixtures/certificates.cjs');

/** One DER element. */
function der(tag, ...contents) {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

/** The stand-in's PFX-shaped fixture (standins/certificates.cc): version 3, passphrase, certificates. */
const pfx = (passphrase, ...certificates) =>
  der(0x30, der(0x02, Buffer.from([3])), der(0x04, Buffer.from(passphrase, 'utf8')), der(0x30, ...certificates));

/** What native/ passed to a framework call, as { key: type } of the dictionary's entries. */
const sentTypes = (control, fn) => Object.fromEntries(control.lastArgument(fn).v.map(([k, v]) => [k.v, v.t === 'array' ? v.v.map((e) => e.t) : v.t]));

async function importIdentity(addon) {
  const [item] = await addon.secPKCS12Import(pfx('pa55 ✓', LEAF, ROOT), { passphrase: 'pa55 ✓' });
  return item.identity;
}

exports.cases = {
  async 'a DER certificate becomes a SecCertificate handle: its DER, subject summary and public key come back'({ addon, control }) {
    const leaf = await addon.secCertificateCreateWithData(LEAF);
    assert.equal(leaf.kind, 'SecCertificate');
    assert.deepEqual(await addon.secCertificateCopyData(leaf), LEAF);
    assert.equal(await addon.secCertificateCopySubjectSummary(leaf), 'Harness Leaf');
    const key = await addon.secCertificateCopyKey(leaf);
    assert.equal(key.kind, 'SecKey');
    assert.equal((await addon.secKeyCopyExternalRepresentation(key)).length, 65);
    // A Uint8Array view at an offset, and an ArrayBuffer, are read from where they start.
    const padded = new Uint8Array(LEAF.length + 3);
    padded.set(LEAF, 3);
    assert.deepEqual(await addon.secCertificateCopyData(await addon.secCertificateCreateWithData(padded.subarray(3))), LEAF);
    const buffer = new ArrayBuffer(ROOT.length);
    new Uint8Array(buffer).set(ROOT);
    assert.equal(await addon.secCertificateCopySubjectSummary(await addon.secCertificateCreateWithData(buffer)), 'Harness Root CA');
    assert.equal(control.calls('SecCertificateCreateWithData'), 3);
  },
  async 'a certificate whose key Apple does not support gives a null key; its summary falls back to the organization'({ addon }) {
    const ed = await addon.secCertificateCreateWithData(ED25519);
    assert.equal(await addon.secCertificateCopyKey(ed), null);
    assert.equal(await addon.secCertificateCopySubjectSummary(ed), 'Harness Ed25519');
  },
  async 'bytes that are not one DER X.509 certificate reject with errSecParam naming data'({ addon, control }) {
    const bad = [Buffer.alloc(0), Buffer.from('not a certificate'), LEAF.subarray(0, LEAF.length - 1),
      Buffer.concat([LEAF, Buffer.from([0])]), der(0x30, der(0x02, Buffer.from([1])))];
    for (const data of bad) {
      const e = await rejection(addon.secCertificateCreateWithData(data));
      assert.equal(e.status, -50);
      assert.equal(e.operation, 'SecCertificateCreateWithData');
      assert.equal(e.message, 'data: not a DER-encoded X.509 certificate');
    }
    assert.equal(control.calls('SecCertificateCreateWithData'), bad.length);
    for (const notData of [undefined, 'MIIB', 42, new Int16Array(4), [0x30], {}]) {
      const e = await rejection(addon.secCertificateCreateWithData(notData));
      assert.equal(e.status, -50);
      assert.match(e.message, /^data: expected a Buffer, Uint8Array or ArrayBuffer/);
    }
    assert.equal(control.calls('SecCertificateCreateWithData'), bad.length);
  },
  async 'NULL from SecCertificateCopyData is errSecInternalComponent; NULL summary and key resolve null'({ addon, control }) {
    const leaf = await addon.secCertificateCreateWithData(LEAF);
    control.inject('SecCertificateCopyData', { returnNull: true });
    const e = await rejection(addon.secCertificateCopyData(leaf));
    assert.equal(e.status, -2070);
    assert.match(e.message, /SecCertificateCopyData failed without an error object/);
    control.inject('SecCertificateCopySubjectSummary', { returnNull: true });
    assert.equal(await addon.secCertificateCopySubjectSummary(leaf), null);
    control.inject('SecCertificateCopyKey', { returnNull: true });
    assert.equal(await addon.secCertificateCopyKey(leaf), null);
    // A result of a type the header does not promise still converts or is refused, never leaked.
    control.inject('SecCertificateCopyKey', { result: { $set: true } });
    assert.equal((await rejection(addon.secCertificateCopyKey(leaf))).status, -2070);
  },
  async 'certificate and identity calls given another kind of handle, a released one or none are errSecParam naming the argument'({ addon, control }) {
    const leaf = await addon.secCertificateCreateWithData(LEAF);
    const identity = await importIdentity(addon);
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    const certificateCalls = ['secCertificateCopyData', 'secCertificateCopySubjectSummary', 'secCertificateCopyKey'];
    for (const call of certificateCalls) {
      let e = await rejection(addon[call](identity));
      assert.equal(e.status, -50, call);
      assert.equal(e.message, 'certificate: expected a SecCertificate handle, got a SecIdentity');
      e = await rejection(addon[call](key));
      assert.match(e.message, /got a SecKey/);
      for (const notAHandle of [undefined, null, LEAF, {}, Object.create(Object.getPrototypeOf(leaf))]) {
        assert.equal((await rejection(addon[call](notAHandle))).status, -50, call);
      }
    }
    for (const call of ['secIdentityCopyCertificate', 'secIdentityCopyPrivateKey']) {
      const e = await rejection(addon[call](leaf));
      assert.equal(e.status, -50, call);
      assert.equal(e.message, 'identity: expected a SecIdentity handle, got a SecCertificate');
    }
    leaf.release();
    const e = await rejection(addon.secCertificateCopyData(leaf));
    assert.equal(e.message, 'certificate: the SecCertificate handle was released');
    assert.equal(control.calls('SecCertificateCopyData') + control.calls('SecIdentityCopyCertificate') + control.calls('SecIdentityCopyPrivateKey'), 0);
  },
  async 'an identity gives its certificate and its private key, which signs'({ addon }) {
    const identity = await importIdentity(addon);
    assert.equal(identity.kind, 'SecIdentity');
    const certificate = await addon.secIdentityCopyCertificate(identity);
    assert.equal(certificate.kind, 'SecCertificate');
    assert.deepEqual(await addon.secCertificateCopyData(certificate), LEAF);
    const key = await addon.secIdentityCopyPrivateKey(identity);
    assert.equal(key.kind, 'SecKey');
    assert.ok((await addon.secKeyCreateSignature(key, 'algid:sign:ECDSA:message-X962:SHA256', Buffer.from('m'))).length > 0);
    // The identity was released first: the copies hold their own references.
    identity.release();
    assert.deepEqual(await addon.secCertificateCopyData(certificate), LEAF);
  },
  async 'SecIdentityCopy*: a failed status rejects with it, also when the framework filled the out-parameter; success without one is errSecInternalComponent'({ addon, control }) {
    const identity = await importIdentity(addon);
    for (const [call, fn, filler] of [['secIdentityCopyCertificate', 'SecIdentityCopyCertificate', { $certificate: LEAF }],
      ['secIdentityCopyPrivateKey', 'SecIdentityCopyPrivateKey', { $key: 'private' }]]) {
      control.inject(fn, { status: -25308 });
      let e = await rejection(addon[call](identity));
      assert.equal(e.status, -25308, fn);
      assert.equal(e.operation, fn);
      control.inject(fn, { status: -25293, result: filler });  // the +1 object is released with the failure
      e = await rejection(addon[call](identity));
      assert.equal(e.status, -25293, fn);
      control.inject(fn, { returnNull: true });
      e = await rejection(addon[call](identity));
      assert.equal(e.status, -2070, fn);
      assert.match(e.message, new RegExp(`${fn} failed without an error object`));
    }
  },
  async 'SecPKCS12Import resolves Apple\'s items: label, key ID, chain leaf first, identity, and no trust'({ addon, control }) {
    const items = await addon.secPKCS12Import(pfx('pa55 ✓', LEAF, ROOT), { passphrase: 'pa55 ✓' });
    assert.equal(items.length, 1);
    const [item] = items;
    assert.deepEqual(Object.keys(item).sort(), ['chain', 'identity', 'keyid', 'label']);
    assert.equal(item.label, 'Harness Leaf');
    assert.ok(Buffer.isBuffer(item.keyid) && item.keyid.length === 20);
    assert.deepEqual(item.chain.map((c) => c.kind), ['SecCertificate', 'SecCertificate']);
    assert.deepEqual(await addon.secCertificateCopyData(item.chain[0]), LEAF);
    assert.deepEqual(await addon.secCertificateCopyData(item.chain[1]), ROOT);
    assert.deepEqual(await addon.secCertificateCopyData(await addon.secIdentityCopyCertificate(item.identity)), LEAF);
    // The passphrase reached the framework under its own key, a CFString.
    assert.deepEqual(sentTypes(control, 'SecPKCS12Import'), { passphrase: 'string' });
  },
  async 'SecPKCS12Import: a wrong or missing passphrase is errSecAuthFailed, data that is not PKCS #12 errSecDecode'({ addon, control }) {
    const data = pfx('right', LEAF);
    for (const options of [{ passphrase: 'wrong' }, {}, { passphrase: '' }]) {
      const e = await rejection(addon.secPKCS12Import(data, options));
      assert.equal(e.status, -25293, JSON.stringify(options));
      assert.equal(e.operation, 'SecPKCS12Import');
    }
    for (const garbage of [Buffer.from('garbage'), Buffer.alloc(0), LEAF, data.subarray(0, data.length - 2), pfx('right'),
      der(0x30, der(0x02, Buffer.from([2])), der(0x04, Buffer.from('right')), der(0x30, LEAF))]) {
      const e = await rejection(addon.secPKCS12Import(garbage, { passphrase: 'right' }));
      assert.equal(e.status, -26275);
    }
    assert.equal((await rejection(addon.secPKCS12Import('data', {}))).message, 'pkcs12Data: expected a Buffer, Uint8Array or ArrayBuffer, got string');
    assert.match((await rejection(addon.secPKCS12Import(data, 'right'))).message, /^options: expected a dictionary/);
    assert.match((await rejection(addon.secPKCS12Import(data, { passphrase: Symbol('p') }))).message, /^passphrase: /);
    assert.equal(control.calls('SecPKCS12Import'), 9);
  },
  async 'SecPKCS12Import: items filled in with a failed status are released; NULL items resolve []; each trust is taken out'({ addon, control }) {
    control.inject('SecPKCS12Import', { status: -26275, result: [{ label: 'x', trust: { $trust: true } }] });
    assert.equal((await rejection(addon.secPKCS12Import(Buffer.from('x'), {}))).status, -26275);
    control.inject('SecPKCS12Import', { returnNull: true });
    assert.deepStrictEqual(await addon.secPKCS12Import(Buffer.from('x'), {}), []);
    control.inject('SecPKCS12Import', { result: [{ label: 'a', trust: { $trust: true } }, { trust: { $trust: true }, keyid: Buffer.from([1]) }, {}] });
    assert.deepStrictEqual(await addon.secPKCS12Import(Buffer.from('x'), {}), [{ label: 'a' }, { keyid: Buffer.from([1]) }, {}]);
    // Outside an item dictionary a trust has no JavaScript form: errSecInternalComponent naming it.
    control.inject('SecPKCS12Import', { result: [{ $trust: true }] });
    let e = await rejection(addon.secPKCS12Import(Buffer.from('x'), {}));
    assert.equal(e.status, -2070);
    assert.match(e.message, /SecTrust/);
    control.inject('SecPKCS12Import', { result: { $set: true } });
    e = await rejection(addon.secPKCS12Import(Buffer.from('x'), {}));
    assert.equal(e.status, -2070);
    assert.match(e.message, /SecPKCS12Import returned no array/);
  },
  async 'certificates and identities ride in dictionaries: kSecValueRef, and kSecMatchItemList with persistent references'({ addon, control }) {
    const leaf = await addon.secCertificateCreateWithData(LEAF);
    const identity = await importIdentity(addon);
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    await addon.secItemAdd({ class: 'cert', v_Ref: leaf, labl: 'leaf' });
    assert.deepEqual(sentTypes(control, 'SecItemAdd'), { class: 'string', v_Ref: 'SecCertificate', labl: 'string' });
    await addon.secItemAdd({ class: 'idnt', v_Ref: identity });
    assert.deepEqual(sentTypes(control, 'SecItemAdd'), { class: 'string', v_Ref: 'SecIdentity' });
    control.inject('SecItemCopyMatching', { echo: true });
    const echoed = await addon.secItemCopyMatching({ class: 'cert', m_ItemList: [leaf, identity, key, Buffer.from('persistent')] });
    assert.deepEqual(sentTypes(control, 'SecItemCopyMatching'), { class: 'string', m_ItemList: ['SecCertificate', 'SecIdentity', 'SecKey', 'data'] });
    assert.deepEqual(echoed.m_ItemList.map((v) => (Buffer.isBuffer(v) ? 'data' : v.kind)), ['SecCertificate', 'SecIdentity', 'SecKey', 'data']);
    assert.deepEqual(await addon.secCertificateCopyData(echoed.m_ItemList[0]), LEAF);
  },
  async 'kSecValueRef and kSecMatchItemList refuse what is not an item: errSecParam naming the key, before the framework'({ addon, control }) {
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    const context = addon.laContextCreate();
    const leaf = await addon.secCertificateCreateWithData(LEAF);
    const released = await addon.secCertificateCreateWithData(LEAF);
    released.release();
    const cases = [
      [{ v_Ref: access }, /^v_Ref: expected a SecKey, SecCertificate, SecIdentity or SecKeychainItem handle, got a SecAccessControl$/],
      [{ v_Ref: context }, /^v_Ref: .* got a LAContext$/],
      [{ v_Ref: LEAF }, /^v_Ref: expected a SecKey, SecCertificate, SecIdentity or SecKeychainItem handle$/],
      [{ v_Ref: released }, /^v_Ref: the SecCertificate handle was released$/],
      [{ m_ItemList: leaf }, /^m_ItemList: expected an array of item handles or persistent references, got object$/],
      [{ m_ItemList: [leaf, 'persistent'] }, /^m_ItemList\[1\]: expected a SecKey/],
      [{ m_ItemList: [context] }, /^m_ItemList\[0\]: .* got a LAContext$/],
      [{ m_ItemList: [leaf, released] }, /^m_ItemList\[1\]: the SecCertificate handle was released$/],
      [{ private: { v_Ref: access } }, /^private\.v_Ref: /],
    ];
    for (const [extra, message] of cases) {
      const e = await rejection(addon.secItemCopyMatching({ class: 'cert', ...extra }));
      assert.equal(e.status, -50, JSON.stringify(Object.keys(extra)));
      assert.match(e.message, message);
    }
    assert.equal(control.calls('SecItemCopyMatching'), 0);
  },
  async 'kSecReturnRef results: certificates and identities come back as handles, alone, in arrays and as v_Ref'({ addon, control }) {
    control.inject('SecItemCopyMatching', { result: { $certificate: LEAF } });
    const alone = await addon.secItemCopyMatching({ class: 'cert', r_Ref: true });
    assert.equal(alone.kind, 'SecCertificate');
    assert.equal(await addon.secCertificateCopySubjectSummary(alone), 'Harness Leaf');
    control.inject('SecItemCopyMatching', { result: [{ $identity: LEAF }, { $certificate: ROOT }] });
    const [identity, root] = await addon.secItemCopyMatching({ class: 'idnt', r_Ref: true, m_Limit: 'm_LimitAll' });
    assert.equal(identity.kind, 'SecIdentity');
    assert.deepEqual(await addon.secCertificateCopyData(await addon.secIdentityCopyCertificate(identity)), LEAF);
    assert.equal(root.kind, 'SecCertificate');
    control.inject('SecItemAdd', { result: { v_Ref: { $identity: LEAF }, labl: 'id' } });
    const added = await addon.secItemAdd({ class: 'idnt', r_Ref: true, r_Attributes: true });
    assert.equal(added.v_Ref.kind, 'SecIdentity');
    assert.equal(added.labl, 'id');
  },
};
