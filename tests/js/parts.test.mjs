// Importing an export file in parts: the split by size, sending in order, what the user reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../static/js/server/api.js';
import {
  MAX_REPORTS, PART_BYTES, outcomeText, sendParts, splitDocument, tooMany,
} from '../../static/js/list/parts.js';

const HEAD = { format: 'jql-reports', version: 3, exportedAt: '2026-12-03T10:00:00.000Z' };
const size = (value) => new TextEncoder().encode(JSON.stringify(value)).length;
/** A report of about `chars` characters, with non-ASCII text so bytes and characters differ. */
const report = (n, chars = 100) => ({ name: `Report ${n} ✓`, jql: 'project = RPT',
  columns: ['key'], description: 'é'.repeat(chars) });
const documentOf = (reports) => ({ ...HEAD, reports });

test('a document that fits goes whole, as it is', () => {
  const document = documentOf([report(1), report(2)]);
  assert.deepEqual(splitDocument(document), [{ document, first: 0 }]);
});

test('a larger document splits into parts that each fit, in order, nothing lost', () => {
  const reports = Array.from({ length: 300 }, (_, n) => report(n, 1 + ((n * 7919) % 3000)));
  const parts = splitDocument(documentOf(reports), 50_000);
  assert.ok(parts.length > 10);
  for (const { document } of parts) {
    assert.ok(size(document) <= 50_000, `${size(document)} bytes`);
    assert.deepEqual({ ...document, reports: undefined }, { ...HEAD, reports: undefined });
  }
  assert.deepEqual(parts.flatMap((p) => p.document.reports), reports);
  assert.deepEqual(parts.map((p) => p.first),
    parts.map((_, i) => parts.slice(0, i).reduce((n, p) => n + p.document.reports.length, 0)));
});

test('parts are cut by bytes, not by count: each is as full as the next report allows', () => {
  const reports = Array.from({ length: 40 }, (_, n) => report(n, 2000));
  const parts = splitDocument(documentOf(reports), 20_000);
  for (const [i, { document }] of parts.slice(0, -1).entries()) {
    const next = parts[i + 1].document.reports[0];
    const grown = { ...document, reports: [...document.reports, next] };
    assert.ok(size(grown) > 20_000);
  }
});

test('a report larger than a part goes alone', () => {
  const reports = [report(1), report(2, 30_000), report(3)];
  const parts = splitDocument(documentOf(reports), 20_000);
  assert.deepEqual(parts.map((p) => p.document.reports.length), [1, 1, 1]);
});

test('the default part fits Forge\'s 500 KB request', () => {
  assert.ok(PART_BYTES < 500_000);
  const reports = Array.from({ length: 2000 }, (_, n) => report(n, 300));
  for (const { document } of splitDocument(documentOf(reports))) {
    assert.ok(size(document) <= PART_BYTES);
  }
});

test('what is not a document goes as it is, for the server to refuse', () => {
  for (const document of [null, [], { format: 'csv' }, { reports: 'x'.repeat(600_000) }]) {
    assert.deepEqual(splitDocument(document), [{ document, first: 0 }]);
  }
});

const parts3 = splitDocument(documentOf(Array.from({ length: 30 }, (_, n) => report(n, 2000))),
  25_000);

test('parts are sent in order and sending stops at the first failure', async () => {
  const sent = [];
  const outcome = await sendParts(parts3, async (document) => {
    sent.push(document);
    if (sent.length === 2) throw new ApiError(400, 'The request has invalid fields.');
    return { ids: document.reports.map((_, i) => `id${i}`) };
  });
  assert.deepEqual(sent, parts3.slice(0, 2).map((p) => p.document));
  assert.equal(outcome.imported, parts3[0].document.reports.length);
  assert.equal(outcome.failed.part, 1);
});

test('the user reads that every report was imported, and in how many parts', () => {
  assert.deepEqual(outcomeText({ parts: parts3.slice(0, 1), imported: 1 }),
    { ok: true, text: 'Imported 1 report.' });
  assert.equal(outcomeText({ parts: parts3, imported: 1234 }).text,
    `Imported all 1,234 reports, in ${parts3.length} parts.`);
});

test('a failed middle part names what was imported, why, and what was not', () => {
  assert.ok(parts3.length >= 4);
  const error = new ApiError(400, 'The request has invalid fields.',
    { 'reports[2].name': 'must be 1 to 200 characters' });
  const imported = parts3[0].document.reports.length + parts3[1].document.reports.length;
  const { ok, text } = outcomeText({ parts: parts3, imported, failed: { part: 2, error } });
  const k = parts3.length;
  const bad = parts3[2].first + 3;
  assert.equal(ok, false);
  assert.equal(text, `The file went in ${k} parts. Parts 1–2 (${imported} reports) were `
    + `imported; part 3 failed: report ${bad} of the file: name must be 1 to 200 characters. `
    + `Nothing of parts 3–${k} was imported (from report ${parts3[2].first + 1} of the file on).`);
});

test('a failed first or only part says nothing was imported, with the server\'s message', () => {
  const error = new ApiError(400, 'A site holds at most 10,000 reports; this one has 9,999.');
  assert.match(outcomeText({ parts: parts3, imported: 0, failed: { part: 0, error } }).text,
    /^The file went in \d+ parts\. Nothing was imported; part 1 failed: A site holds at most 10,000 reports; this one has 9,999\. Nothing of parts 1–\d+ was imported/);
  assert.equal(outcomeText({ parts: parts3.slice(0, 1), imported: 0, failed: { part: 0, error } })
    .text, 'Could not import the reports: A site holds at most 10,000 reports; this one has '
    + '9,999. Nothing was imported.');
});

test('a file of more reports than a site holds is refused before sending', () => {
  assert.equal(tooMany(documentOf(new Array(MAX_REPORTS).fill(report(1)))), null);
  assert.equal(tooMany(documentOf(new Array(MAX_REPORTS + 1).fill(report(1)))),
    'The file holds 10,001 reports; a site holds at most 10,000 reports. Nothing was imported.');
});
