/**
 * The import formats (pure): each one a module behind ImportFormat, all of them in the one list IMPORT_FORMATS that
 * the API, the `auto` detection and the UI's format list read. How to add one: docs/ARCHITECTURE.md, "Imports".
 */
import { netboxIpAddresses, netboxPrefixes } from './netbox.js';
import { phpipamAddresses, phpipamSubnets } from './phpipam.js';
import { spreadsheet } from './spreadsheet.js';

export type { Cell } from './sheet.js';

/** A field a format fills: `aliases` are the header names it is recognised by (compared as sheet.ts headerKey does). */
export interface FieldSpec {
  field: string;
  label: string;
  aliases: readonly string[];
  /** The format needs this column; the address column of every format. */
  required?: boolean;
}

/** A host as one row describes it; a field left out keeps its stored value (or the default for a new host). */
export interface HostRecord {
  /** Canonical address text. */
  ip: string;
  /** The block the file says the address is in (phpIPAM's subnet column, NetBox's address/len). */
  subnetHint?: string;
  hostname?: string;
  description?: string;
  tags?: string[];
  notes?: string;
  reserved?: boolean;
  reservedBy?: string;
  reservedNote?: string;
  /** Lower case with colons (schema/mac.ts). */
  mac?: string;
  /** The address is its subnet's gateway. */
  gateway?: boolean;
}

/** A subnet as one row describes it. */
export interface SubnetRecord {
  /** Canonical CIDR text. */
  cidr: string;
  name?: string;
  notes?: string;
  groupName?: string;
  vlan?: number;
  gateway?: string;
}

export type ImportTarget = 'hosts' | 'subnets';

export interface ImportFormat<Id extends string = string> {
  id: Id;
  label: string;
  target: ImportTarget;
  fields: readonly FieldSpec[];
  /** How well these header cells fit (0: not this format); `format: 'auto'` takes the best. */
  detect(headers: string[]): number;
  /** One data row (cells keyed by mapped field, '' or absent when empty) → a record; throws Error(message for the row). */
  record(cells: Partial<Record<string, string>>): HostRecord | SubnetRecord;
}

/** Every format, in the order `auto` prefers on equal scores and the UI lists them. */
export const IMPORT_FORMATS = [spreadsheet, phpipamSubnets, phpipamAddresses, netboxPrefixes, netboxIpAddresses] as const;

/** One of the listed formats (its id typed as one of theirs). */
export type ListedFormat = (typeof IMPORT_FORMATS)[number];
export type ImportFormatId = ListedFormat['id'];

export const IMPORT_FORMAT_IDS = IMPORT_FORMATS.map((f) => f.id) as [ImportFormatId, ...ImportFormatId[]];

export function importFormat(id: string): ListedFormat | undefined {
  return IMPORT_FORMATS.find((f) => f.id === id);
}

/** What the import page offers: every format with its label, what it imports and the fields it fills (a plain value). */
export function importFormatList() {
  return IMPORT_FORMATS.map((f) => ({ id: f.id, label: f.label, target: f.target, fields: f.fields.map(({ field, label, required }) => ({ field, label, required: required === true })) }));
}
