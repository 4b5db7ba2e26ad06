/**
 * X.501 names as the two Mac keychains see them. The data protection keychain stores a
 * certificate's subject and issuer in the form of SecCertificate.c createNormalizedX501Name;
 * the file-based keychain in the form of the CDSA certificate library's
 * CL_normalizeX509NameNSS (clNameUtils.cpp, through CertFields.cpp getFieldSubjectNorm and
 * Certificate.cpp populateAttributes). Both upper-case PrintableString values and fold their
 * white space, but not the same way and not into the same bytes: the data protection form is
 * the name's content (no outer SEQUENCE header) with runs of blanks made one space; the
 * file-based form is the whole Name with runs of white space cut to their first character.
 * Also here: SecCertificateCopySubjectSummary's walk over a name (SecCertificate.c
 * obtainSummaryFromX501Name) and the file-based keychain's label (Certificate.cpp inferLabel).
 */
import { TAG, children, encodeLength, encodeTlv, expectTag, oidText, type Tlv } from './der.js';

export const OID = {
  commonName: '2.5.4.3',
  organizationalUnitName: '2.5.4.11',
  organizationName: '2.5.4.10',
  description: '2.5.4.13',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** One attribute of a name: its type and its value element, with the RDN it sits in. */
export interface NameAttribute {
  readonly type: string;
  readonly value: Tlv;
  readonly rdn: number;
}

/** The attributes of a Name (SEQUENCE OF SET OF AttributeTypeAndValue), in order. */
export function nameAttributes(name: Tlv): NameAttribute[] {
  expectTag(name, TAG.sequence, 'Name');
  const out: NameAttribute[] = [];
  children(name).forEach((rdn, index) => {
    expectTag(rdn, TAG.set, 'RelativeDistinguishedName');
    for (const atv of children(rdn)) {
      const [type, value] = children(expectTag(atv, TAG.sequence, 'AttributeTypeAndValue'));
      out.push({ type: oidText(expectTag(type, TAG.oid, 'attribute type').content), value: value!, rdn: index });
    }
  });
  return out;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09; // C isblank
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d); // C isspace

/**
 * createNormalizedX501Name's PrintableString rule: a–z upper-cased, leading and trailing
 * blanks dropped, every run of blanks one space.
 */
function normalizeDataProtection(value: Buffer): Buffer {
  const out: number[] = [];
  let lastWasBlank = false;
  for (const ch of value) {
    if (isBlank(ch)) {
      if (!lastWasBlank && out.length > 0) out.push(0x20);
      lastWasBlank = true;
    } else {
      lastWasBlank = false;
      out.push(ch >= 0x61 && ch <= 0x7a ? ch - 0x20 : ch);
    }
  }
  if (lastWasBlank && out.length > 0 && out[out.length - 1] === 0x20) out.pop();
  return Buffer.from(out);
}

/**
 * CL_normalizeString: trailing NULs and white space dropped, upper-cased, leading white space
 * dropped, and each run of white space cut to its first character (which is kept as it is).
 */
function normalizeFileBased(value: Buffer): Buffer {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end--;
  while (end > 0 && isSpace(value[end - 1]!)) end--;
  let i = 0;
  while (i < end && isSpace(value[i]!)) i++;
  const out: number[] = [];
  while (i < end) {
    const ch = value[i++]!;
    out.push(ch >= 0x61 && ch <= 0x7a ? ch - 0x20 : ch);
    if (isSpace(ch)) while (i < end && isSpace(value[i]!)) i++;
  }
  return Buffer.from(out);
}

/** The name rebuilt with each PrintableString value normalized, re-encoded with minimal lengths. */
function rebuild(name: Tlv, normalize: (value: Buffer) => Buffer): Buffer[] {
  return children(name).map((rdn) => encodeTlv(TAG.set, Buffer.concat(children(rdn).map((atv) => {
    const [type, value] = children(atv);
    const v = value!.tag === TAG.printableString ? encodeTlv(TAG.printableString, normalize(value!.content)) : value!.bytes;
    return encodeTlv(TAG.sequence, Buffer.concat([type!.bytes, v]));
  }))));
}

/** kSecAttrSubject / kSecAttrIssuer in the data protection keychain: the normalized name's content. */
export function dataProtectionName(name: Tlv): Buffer {
  nameAttributes(name); // the structure is checked first
  return Buffer.concat(rebuild(name, normalizeDataProtection));
}

/** kSecAttrSubject / kSecAttrIssuer in the file-based keychain: the whole normalized Name. */
export function fileBasedName(name: Tlv): Buffer {
  nameAttributes(name);
  const content = Buffer.concat(rebuild(name, normalizeFileBased));
  return Buffer.concat([Buffer.from([TAG.sequence]), encodeLength(content.length), content]);
}

/**
 * A directory string as text (SecCertificate.c copyDERThingDescription with printableOnly):
 * the string types only; anything else is undefined.
 */
export function directoryString(value: Tlv): string | undefined {
  switch (value.tag) {
    case TAG.utf8String:
    case TAG.printableString:
    case TAG.ia5String:
    case 0x12: // NumericString
    case 0x1a: // VisibleString
      return value.content.toString('utf8');
    case TAG.t61String:
      return value.content.toString('latin1');
    case TAG.bmpString: {
      const swapped = Buffer.from(value.content);
      if (swapped.length % 2) return undefined;
      return swapped.swap16().toString('utf16le');
    }
    case TAG.universalString: {
      if (value.content.length % 4) return undefined;
      let s = '';
      for (let i = 0; i < value.content.length; i += 4) s += String.fromCodePoint(value.content.readUInt32BE(i));
      return s;
    }
    default:
      return undefined;
  }
}

/** SecCertificate.c's summary types, least to most desired. */
const enum SummaryType { None, Printable, OrganizationName, OrganizationalUnitName, CommonName }

/**
 * obtainSummaryFromX501Name over a whole name: every value of the most desired attribute
 * type (common name, then organizational unit, then organization, then any printable value),
 * later ones first, joined with ", "; a description, when there is a common name, follows it
 * in parentheses. Returns whether the summary is of common names.
 */
export function nameSummary(name: Tlv): { summary: string | undefined; commonName: boolean } {
  let type = SummaryType.None;
  let summary: string | undefined;
  let description: string | undefined;
  for (const { type: oid, value } of nameAttributes(name)) {
    let stype = SummaryType.None;
    let text: string | undefined;
    if (oid === OID.commonName) stype = SummaryType.CommonName;
    else if (oid === OID.organizationalUnitName) stype = SummaryType.OrganizationalUnitName;
    else if (oid === OID.organizationName) stype = SummaryType.OrganizationName;
    else if (oid === OID.description) {
      text = directoryString(value);
      if (text !== undefined) {
        description = description === undefined ? text : `${text}, ${description}`;
        stype = SummaryType.Printable;
      }
    } else stype = SummaryType.Printable;
    if (type <= stype) {
      text ??= directoryString(value);
      if (text !== undefined) {
        summary = type === stype && summary !== undefined ? `${text}, ${summary}` : text;
        type = stype;
      }
    }
  }
  if (description !== undefined && type === SummaryType.CommonName) summary = `${summary} (${description})`;
  return { summary, commonName: type === SummaryType.CommonName };
}

/**
 * Certificate.cpp inferLabelFromX509Name: the last common name, else the first organizational
 * unit, organization or emailAddress attribute, else the first printable value; with a
 * description appended as " (description)" when one of the named types was found.
 */
export function fileBasedNameLabel(name: Tlv): string | undefined {
  const attributes = nameAttributes(name);
  const printable = (oid: string | undefined, last: boolean): string | undefined => {
    const found = attributes.filter((a) => (oid === undefined || a.type === oid) && directoryString(a.value) !== undefined);
    const pick = last ? found[found.length - 1] : found[0];
    return pick && directoryString(pick.value)!.replace(/\0$/, '');
  };
  const description = printable(OID.description, false);
  for (const [oid, last] of [[OID.commonName, true], [OID.organizationalUnitName, false], [OID.organizationName, false], [OID.emailAddress, false]] as const) {
    const label = printable(oid, last);
    if (label !== undefined && label !== 'Thawte Freemail Member') return description ? `${label} (${description})` : label;
    if (label !== undefined) return undefined; // Certificate.cpp never uses that name: it falls back to an email address
  }
  return printable(undefined, false);
}

/** The emailAddress attributes of a name, as text (SecCertificate.c appendRFC822NamesFromX501Name). */
export function nameEmailAddresses(name: Tlv): string[] {
  return nameAttributes(name).filter((a) => a.type === OID.emailAddress).map((a) => directoryString(a.value)).filter((s): s is string => s !== undefined);
}
