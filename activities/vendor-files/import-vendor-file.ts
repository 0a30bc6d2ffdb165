import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { type Readable, Transform } from 'node:stream';
import Papa from 'papaparse';
import type postgres from 'postgres';
import {
  detectFormat,
  type LineError,
  lineReader,
  requiredColumns,
  type VendorFileFormat,
  type VendorLine,
} from './formats.js';

export interface VendorImport {
  id: number;
  vendor: string;
  format: VendorFileFormat;
  sha256: string;
  lineCount: number;
  firstChargeDate: string | null;
  lastChargeDate: string | null;
  importedBy: string;
  importedAt: string;
}

export type ImportOutcome =
  | { kind: 'imported'; import: VendorImport }
  | { kind: 'already_imported'; import: VendorImport }
  | { kind: 'refused'; errors: LineError[]; errorCount: number; lines: number };

export interface ImportRequest {
  tenantId: string;
  /** The vendor of a Microsoft file, and the default name for a generic one. */
  vendor: string;
  format?: VendorFileFormat;
  encoding: 'csv' | 'ndjson';
  importedBy: string;
  /** The SHA-256 (hex) the client stated for the file: a body that hashes otherwise is refused. */
  expectedSha256?: string;
}

/** At most this many bad lines are listed; the count says how many there were in all. */
export const MAX_LISTED_ERRORS = 10_000;
const COPY_CHUNK = 1 << 16;
const COPY_COLUMNS = `import_id, line_number, tenant_id, vendor, vendor_customer_id, vendor_customer_domain,
  vendor_customer_name, vendor_product_id, product_name, charge_type, subscription_id, charge_start, charge_end,
  quantity, unit_cost, amount, currency`;

/** The file's bytes do not hash to the SHA-256 the client stated: it was changed on the way. */
export class DigestMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the body's SHA-256 is ${actual}, not the ${expected} stated`);
  }
}

/** A problem with the file as a whole (no header, unknown format, not CSV): nothing is stored. */
export class VendorFileError extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Imports one vendor file, all or nothing: lines are validated as they stream in and copied into
 * the import's transaction; any bad line rolls it all back and every bad line is reported. The
 * file's SHA-256 (known only at its end) makes the import idempotent: the same bytes again return
 * the import already stored, and the new transaction is rolled back.
 */
export async function importVendorFile(
  sql: postgres.Sql,
  request: ImportRequest,
  body: Readable,
): Promise<ImportOutcome> {
  const hash = createHash('sha256');
  const hashed = body.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
  );
  body.on('error', (error) => hashed.destroy(error));
  const records: AsyncGenerator<FileRecord[]> =
    request.encoding === 'csv' ? csvRecords(hashed) : ndjsonRecords(hashed);

  const refusal = Symbol('refused');
  let outcome: ImportOutcome | undefined;
  try {
    await sql.begin(async (tx) => {
      const first = await records.next();
      const headerRecord = first.done ? undefined : first.value[0];
      if (!headerRecord) throw new VendorFileError('body', 'the file is empty: expected a header line');
      const pending = first.done ? [] : first.value.slice(1);
      const header = headerRecord.fields.map((name) =>
        String(name)
          .trim()
          .replace(/^\uFEFF/, ''),
      );
      const format = request.format ?? detectFormat(header);
      if (!format) {
        throw new VendorFileError(
          'format',
          `the header matches neither format: a Microsoft NCE file needs ${requiredColumns.microsoft_nce.join(', ')}; a generic one needs ${requiredColumns.generic.join(', ')}`,
        );
      }
      const missing = requiredColumns[format].filter((column) => !header.includes(column));
      if (missing.length > 0) throw new VendorFileError('header', `missing column(s): ${missing.join(', ')}`);

      const [created] = await tx<{ id: number }[]>`
        insert into vendor_imports (tenant_id, vendor, format, sha256, line_count, imported_by)
        values (${request.tenantId}, ${request.vendor}, ${format}, ${`pending:${crypto.randomUUID()}`}, 0,
                ${request.importedBy})
        returning id`;
      const importId = created?.id as number;
      const copy = await tx.unsafe(`copy vendor_lines (${COPY_COLUMNS}) from stdin`).writable();
      const copied = new Promise<void>((resolve, reject) => {
        copy.on('finish', resolve);
        copy.on('error', reject);
      });

      const read = lineReader(format, header, request.vendor);
      const errors: LineError[] = [];
      let errorCount = 0;
      let lines = 0;
      let firstDate: string | null = null;
      let lastDate: string | null = null;
      let buffer = '';
      const prefix = `${importId}\t`;
      const tenant = copyText(request.tenantId);
      for await (const batch of prepend(pending, records))
        for (const record of batch) {
          lines += 1;
          const lineErrors: LineError[] = [];
          const line = read(record.fields, record.line, lineErrors);
          if (!line) {
            errorCount += lineErrors.length;
            for (const error of lineErrors) if (errors.length < MAX_LISTED_ERRORS) errors.push(error);
            continue;
          }
          if (errorCount > 0) continue; // the file is refused: keep reading only to list every bad line
          if (firstDate === null || line.chargeStart < firstDate) firstDate = line.chargeStart;
          if (lastDate === null || line.chargeEnd > lastDate) lastDate = line.chargeEnd;
          buffer += `${prefix}${record.line}\t${tenant}\t${copyRow(line)}`;
          if (buffer.length >= COPY_CHUNK) {
            if (!copy.write(buffer)) await once(copy, 'drain');
            buffer = '';
          }
        }
      // Ending the copy cleanly (rather than destroying it) keeps the connection usable for the rollback.
      copy.end(errorCount > 0 ? '' : buffer);
      await copied;
      if (errorCount > 0 || lines === 0) {
        outcome =
          lines === 0
            ? {
                kind: 'refused',
                errors: [{ line: 2, column: 'body', reason: 'no lines after the header' }],
                errorCount: 1,
                lines,
              }
            : { kind: 'refused', errors, errorCount, lines };
        throw refusal;
      }

      const sha256 = hash.digest('hex');
      if (request.expectedSha256 !== undefined && request.expectedSha256 !== sha256) {
        throw new DigestMismatchError(request.expectedSha256, sha256);
      }
      const [existing] = (await tx.unsafe(`${SELECT_IMPORT} where tenant_id = $1 and sha256 = $2`, [
        request.tenantId,
        sha256,
      ])) as VendorImport[];
      if (existing) {
        outcome = { kind: 'already_imported', import: existing };
        throw refusal;
      }
      await tx`
        update vendor_imports set sha256 = ${sha256}, line_count = ${lines},
          first_charge_date = ${firstDate}, last_charge_date = ${lastDate}
        where id = ${importId}`;
      const [stored] = (await tx.unsafe(`${SELECT_IMPORT} where id = $1`, [importId])) as VendorImport[];
      outcome = { kind: 'imported', import: stored as VendorImport };
    });
  } catch (error) {
    if (error === refusal && outcome) return outcome;
    // The same file imported concurrently: the other transaction won the unique key.
    if ((error as { code?: string }).code === '23505' && /vendor_imports_file/.test(String(error))) {
      const sha256 = hash.digest('hex');
      const [existing] = (await sql.unsafe(`${SELECT_IMPORT} where tenant_id = $1 and sha256 = $2`, [
        request.tenantId,
        sha256,
      ])) as VendorImport[];
      if (existing) return { kind: 'already_imported', import: existing };
    }
    throw error;
  }
  return outcome as ImportOutcome;
}

/** An import as the API shows it; `where` is appended by the caller with $1, $2 parameters. */
export const SELECT_IMPORT = `
    select id, vendor, format, sha256, line_count as "lineCount", first_charge_date::text as "firstChargeDate",
           last_charge_date::text as "lastChargeDate", imported_by as "importedBy",
           to_char(imported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "importedAt"
    from vendor_imports`;

interface FileRecord {
  fields: unknown[];
  line: number;
}

/**
 * CSV records in batches, one per chunk PapaParse hands over (its chunk mode is several times
 * cheaper than a record at a time); the input pauses while a batch waits, so memory stays bounded.
 * Line numbers count records from the header's 1; blank lines count but yield nothing.
 */
async function* csvRecords(input: Readable): AsyncGenerator<FileRecord[]> {
  // Decode in the stream, not per chunk, so a character split across two chunks stays whole.
  input.setEncoding('utf8');
  const batches: FileRecord[][] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  let line = 0;
  Papa.parse<string[]>(input as unknown as File, {
    delimiter: ',',
    chunk: (results) => {
      if (results.errors.length > 0 && failure === undefined) {
        const error = results.errors[0] as Papa.ParseError;
        failure = new VendorFileError(
          'body',
          `not a readable CSV file near record ${line + (error.row ?? 0) + 1}: ${error.message}`,
        );
      }
      const batch: FileRecord[] = [];
      for (const fields of results.data) {
        line += 1;
        if (fields.length === 1 && fields[0] === '') continue;
        batch.push({ fields, line });
      }
      batches.push(batch);
      input.pause();
      notify();
    },
    complete: () => {
      finished = true;
      notify();
    },
    error: (error: Error) => {
      failure = error;
      finished = true;
      notify();
    },
  });
  input.on('error', (error) => {
    failure = error;
    finished = true;
    notify();
  });
  while (true) {
    const batch = batches.shift();
    if (batch) {
      if (batches.length === 0) input.resume();
      yield batch;
      continue;
    }
    if (failure !== undefined) throw failure;
    if (finished) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

/** NDJSON: one object per line keyed by column; the first object's keys are the header. */
async function* ndjsonRecords(input: Readable): AsyncGenerator<FileRecord[]> {
  let header: string[] | undefined;
  let line = 0;
  let batch: FileRecord[] = [];
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new VendorFileError('body', `line ${line} is not JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new VendorFileError('body', `line ${line} is not a JSON object`);
    }
    if (!header) {
      header = Object.keys(value);
      batch.push({ fields: header, line: 0 });
    }
    const record = value as Record<string, unknown>;
    batch.push({ fields: header.map((name) => record[name]), line });
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* prepend<T>(first: T[], rest: AsyncIterator<T[]>): AsyncGenerator<T[]> {
  if (first.length > 0) yield first;
  while (true) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** One row in COPY's text format, after import id, line number and tenant. */
function copyRow(line: VendorLine): string {
  return (
    `${copyText(line.vendor)}\t${copyText(line.vendorCustomerId)}\t${copyText(line.vendorCustomerDomain)}\t` +
    `${copyText(line.vendorCustomerName)}\t${copyText(line.vendorProductId)}\t${copyText(line.productName)}\t` +
    `${copyText(line.chargeType)}\t${copyText(line.subscriptionId)}\t${line.chargeStart}\t${line.chargeEnd}\t` +
    `${line.quantity}\t${line.unitCost}\t${line.amount}\t${line.currency}\n`
  );
}

const COPY_SPECIAL = /[\\\t\n\r]/;
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
