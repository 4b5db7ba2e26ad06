import { paramError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { encodeAttributes, encodeItem, encodeRef, keychainEntry } from './codec.js';
import { schemas } from './schema.js';
import type { ClassAttributes, ItemClassName, ItemQuery, ItemSpec, KeychainKind, RefClassName } from './types.js';
import type { Accessibility, ThisDeviceOnlyAccessibility } from './words.js';

/**
 * Immutable builders, one per class: each setter maps to exactly one Apple key and returns a
 * new builder, so a half-built value can be shared and extended safely. The builder's type
 * records what was set, which lets `build()` refuse at compile time what Apple's SecItem.h
 * forbids (a synchronizable item with a ThisDeviceOnly accessibility).
 */

/** What a builder can set for class C (and, for a key, certificate or identity, its `ref`). */
export type BuilderFields<C extends ItemClassName> = ClassAttributes[C] & {
  accessible?: Accessibility;
  synchronizable?: boolean;
  keychain?: KeychainKind;
} & (C extends RefClassName ? { ref?: SecHandle } : unknown);

/** `build` of a key, certificate or identity is not callable before `ref` is set. */
export interface RefNotSet {
  readonly 'a key, certificate or identity item is its object: set ref first': never;
}

/** `build` is not callable when the recorded settings break a rule; the property name says which. */
export interface SynchronizableThisDeviceOnly {
  readonly 'a synchronizable item cannot use a ThisDeviceOnly accessibility': never;
}

export type ItemBuilder<C extends ItemClassName, S = {}> = {
  readonly [K in keyof BuilderFields<C>]-?: <V extends NonNullable<BuilderFields<C>[K]>>(value: V) => ItemBuilder<C, Omit<S, K> & { [P in K]: V }>;
} & {
  /** The item description to store; checks every value at run time too (errSecParam). */
  readonly build: S extends { synchronizable: true; accessible: ThisDeviceOnlyAccessibility }
    ? SynchronizableThisDeviceOnly
    : C extends RefClassName ? (S extends { ref: SecHandle } ? () => ItemSpec<C> : RefNotSet) : () => ItemSpec<C>;
  /** The same values as a search. */
  readonly query: () => ItemQuery<C>;
  /** The values set so far. */
  readonly fields: Readonly<S>;
};

function makeBuilder<C extends ItemClassName>(name: C, fields: Readonly<Record<string, unknown>>): ItemBuilder<C> {
  const builder: Record<string, unknown> = {};
  const schema = schemas[name];
  const settable = [...Object.entries(schema.attributes).filter(([, d]) => !d.readOnly).map(([n]) => n), 'keychain', ...(schema.byRef ? ['ref'] : [])];
  for (const field of settable) {
    builder[field] = (value: unknown) => {
      checkField(name, field, value);
      return makeBuilder(name, { ...fields, [field]: value });
    };
  }
  const snapshot = () => ({ class: name, ...fields });
  builder.build = () => {
    const spec = snapshot();
    encodeItem(spec, 'add', 'item'); // run-time check for plain JavaScript callers
    encodeRef(schema, spec, 'item');
    return Object.freeze(spec);
  };
  builder.query = () => {
    // A search names attributes; the object is what it finds (item.ref), not part of it.
    const { ref: _ref, ...query } = snapshot() as Record<string, unknown>;
    encodeItem(query, 'query', 'query');
    return Object.freeze(query);
  };
  builder.fields = Object.freeze({ ...fields });
  return Object.freeze(builder) as unknown as ItemBuilder<C>;
}

/**
 * A setter's value, checked when it is given (errSecParam naming `genericPassword.account`, …)
 * as a search would take it; build() checks the whole item again as an add takes it, so a
 * search-only value ("any" for synchronizable) and the pairs Apple refuses fail there.
 */
function checkField(name: ItemClassName, field: string, value: unknown): void {
  if (value === undefined) throw paramError(`${name}.${field} needs a value`);
  if (field === 'keychain') keychainEntry(value, name);
  else if (field === 'ref') encodeRef(schemas[name], { ref: value }, name);
  else encodeAttributes(schemas[name], { [field]: value }, 'query', name);
}

/** A builder for a generic password (`kSecClassGenericPassword`). */
export function genericPassword(): ItemBuilder<'genericPassword'> {
  return makeBuilder('genericPassword', {});
}

/** A builder for an internet password (`kSecClassInternetPassword`). */
export function internetPassword(): ItemBuilder<'internetPassword'> {
  return makeBuilder('internetPassword', {});
}

/** A builder for a key item (`kSecClassKey`): `.ref(secKey)` to store one, attributes to find it. */
export function key(): ItemBuilder<'key'> {
  return makeBuilder('key', {});
}

/** A builder for a certificate item (`kSecClassCertificate`): `.ref(secCertificate)` to store one. */
export function certificate(): ItemBuilder<'certificate'> {
  return makeBuilder('certificate', {});
}

/** A builder for an identity (`kSecClassIdentity`): `.ref(secIdentity)` to store its certificate and key. */
export function identity(): ItemBuilder<'identity'> {
  return makeBuilder('identity', {});
}
