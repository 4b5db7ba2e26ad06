// The typed layer (Keychain) and the keytar facade, each against the raw calls it makes.
// The raw dictionaries are written out from src/typed/keychain.ts and src/typed/keytar.ts;
// checkLayers() records what each layer actually sends and throws if they differ.
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
const { Keychain } = require('../../dist/index.js');
const { createKeytar } = require('../../dist/typed/keytar.js');

const errSecDuplicateItem = -25299;

/** What Keychain.set and keytar's setPassword do: add, and on errSecDuplicateItem update. */
async function addOrUpdate(kc, add, query, changes) {
  try {
    await kc.SecItemAdd(add);
    return;
  } catch (error) {
    if (error?.status !== errSecDuplicateItem) throw error;
  }
  await kc.SecItemUpdate(query, changes);
}

// layer(t, svce, acct, pw) with t = { keychain, keytar }; raw(kc, svce, acct, pw).
// `fresh`: the call adds an item that does not exist yet; otherwise it names an existing one.
export const LAYER_CASES = [
  {
    name: 'Keychain.get', fresh: false,
    layer: (t, svce, acct) => t.keychain.get({ class: 'genericPassword', service: svce, account: acct }),
    raw: (kc, svce, acct) => kc.SecItemCopyMatching({ class: 'genp', svce, acct, r_Data: true, m_Limit: 'm_LimitOne' }),
  },
  {
    name: 'Keychain.set, new item', fresh: true,
    layer: (t, svce, acct, pw) => t.keychain.set({ class: 'genericPassword', service: svce, account: acct }, pw),
    raw: (kc, svce, acct, pw) => kc.SecItemAdd({ class: 'genp', svce, acct, v_Data: Buffer.from(pw) }),
  },
  {
    name: 'Keychain.set, existing item', fresh: false,
    layer: (t, svce, acct, pw) => t.keychain.set({ class: 'genericPassword', service: svce, account: acct }, pw),
    raw: (kc, svce, acct, pw) => {
      const data = Buffer.from(pw);
      return addOrUpdate(kc, { class: 'genp', svce, acct, v_Data: data }, { class: 'genp', nleg: false, acct, svce }, { v_Data: data });
    },
  },
  {
    name: 'keytar getPassword', fresh: false,
    layer: (t, svce, acct) => t.keytar.getPassword(svce, acct),
    raw: (kc, svce, acct) => kc.SecItemCopyMatching({ class: 'genp', nleg: false, svce, acct, r_Data: true, m_Limit: 'm_LimitOne' }),
  },
  {
    name: 'keytar setPassword, new item', fresh: true,
    layer: (t, svce, acct, pw) => t.keytar.setPassword(svce, acct, pw),
    raw: (kc, svce, acct, pw) => kc.SecItemAdd({ class: 'genp', nleg: false, svce, acct, v_Data: Buffer.from(pw) }),
  },
  {
    name: 'keytar setPassword, existing item', fresh: false,
    layer: (t, svce, acct, pw) => t.keytar.setPassword(svce, acct, pw),
    raw: (kc, svce, acct, pw) => {
      const data = Buffer.from(pw);
      return addOrUpdate(kc, { class: 'genp', nleg: false, svce, acct, v_Data: data }, { class: 'genp', nleg: false, acct, svce }, { v_Data: data });
    },
  },
];

/** The typed layer and the keytar facade over `backend`. */
export const layersOver = (backend) => ({ keychain: new Keychain({ backend }), keytar: createKeytar(backend) });

/**
 * `kc` with its SecItem calls appended to `log` as [name, ...arguments]. Symbol-keyed
 * properties are hidden, so a layer cannot reach past the proxy to the backend `kc` wraps.
 */
function recording(kc, log) {
  return new Proxy(kc, {
    get(target, prop) {
      if (typeof prop === 'symbol') return undefined;
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!String(prop).startsWith('SecItem')) return value.bind(target);
      return (...args) => {
        log.push([prop, ...args]);
        return value.apply(target, args);
      };
    },
  });
}

/**
 * Throws unless every case's layer makes exactly the raw calls its `raw` side makes, with the
 * same dictionaries. `existing` names an item in `kc`; fresh items are deleted afterwards.
 */
export async function checkLayers(kc, existing) {
  for (const c of LAYER_CASES) {
    const [svce, acct] = c.fresh ? [existing.svce, 'bench-check'] : [existing.svce, existing.acct];
    const logs = [];
    for (const run of [(k) => c.layer(layersOver(k), svce, acct, 'pw'), (k) => c.raw(k, svce, acct, 'pw')]) {
      const log = [];
      await run(recording(kc, log));
      if (c.fresh) await kc.SecItemDelete({ class: 'genp', svce, acct });
      logs.push(log);
    }
    if (!isDeepStrictEqual(logs[0], logs[1])) {
      throw new Error(`${c.name} no longer makes the raw calls the bench compares it with; update scripts/bench/layers.mjs:\n` +
        ` layer ${JSON.stringify(logs[0])}\n raw   ${JSON.stringify(logs[1])}`);
    }
  }
}
