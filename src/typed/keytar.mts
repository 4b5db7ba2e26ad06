/**
 * `security-framework/keytar` for `import`: the same module as `require` gets (./keytar.js, one
 * instance, so no state is doubled), with a true ES default export.
 *
 * keytar users write `import keytar from 'keytar'`. A CommonJS file's default, seen from an ES
 * module in Node (and in bundlers that follow Node there), is its whole `module.exports`, not
 * `exports.default`; this face makes the default the keytar object itself everywhere.
 */
import keytarModule from './keytar.js';

export { createKeytar, getPassword, setPassword, deletePassword, findPassword, findCredentials } from './keytar.js';
export type { KeytarApi, KeytarArgumentError } from './keytar.js';

const keytar: import('./keytar.js').KeytarApi = keytarModule.default;
export default keytar;
