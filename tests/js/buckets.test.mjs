// Calendar buckets: ISO weeks, quarters and years, and local days across DST and half-hour zones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bucketBounds, bucketKey, bucketRange, dateDay, nextBucket,
} from '../../static/js/engine/buckets.js';
import {dayReader} from '../../static/js/engine/zones.js';

const keyOfDate = (text, interval) => bucketKey(dateDay(text), interval);
const keyAt = (iso, interval, zone) =>
  bucketKey(dayReader('datetime', zone)(Date.parse(iso)), interval);

test('ISO weeks start on Monday and carry the ISO week-year (ISO 8601 §3.2.2)', () => {
  assert.equal(keyOfDate('2026-01-31', 'week'), '2026-W05');
  assert.equal(keyOfDate('2025-12-29', 'week'), '2026-W01');  // Monday of 2026-W01
  assert.equal(keyOfDate('2025-12-28', 'week'), '2025-W52');  // the Sunday before
  assert.equal(keyOfDate('2027-01-01', 'week'), '2026-W53');
  assert.equal(keyOfDate('2027-01-03', 'week'), '2026-W53');
  assert.equal(keyOfDate('2027-01-04', 'week'), '2027-W01');
  assert.equal(keyOfDate('2021-01-03', 'week'), '2020-W53');
});

test('months, quarters and years turn over on their first day', () => {
  assert.equal(keyOfDate('2026-03-31', 'quarter'), '2026-Q1');
  assert.equal(keyOfDate('2026-04-01', 'quarter'), '2026-Q2');
  assert.equal(keyOfDate('2026-12-31', 'quarter'), '2026-Q4');
  assert.equal(keyOfDate('2026-12-31', 'year'), '2026');
  assert.equal(keyOfDate('2027-01-01', 'year'), '2027');
  assert.equal(keyOfDate('2024-02-29', 'month'), '2024-02');
  assert.equal(keyOfDate('2026-01-31', 'day'), '2026-01-31');
});

test('bucket bounds are wall-clock strings with an exclusive end', () => {
  assert.deepEqual(bucketBounds('2026-01-31', 'day'),
    { start: '2026-01-31 00:00', end: '2026-02-01 00:00' });
  assert.deepEqual(bucketBounds('2026-W01', 'week'),
    { start: '2025-12-29 00:00', end: '2026-01-05 00:00' });
  assert.deepEqual(bucketBounds('2026-W53', 'week'),
    { start: '2026-12-28 00:00', end: '2027-01-04 00:00' });
  assert.deepEqual(bucketBounds('2026-12', 'month'),
    { start: '2026-12-01 00:00', end: '2027-01-01 00:00' });
  assert.deepEqual(bucketBounds('2026-Q4', 'quarter'),
    { start: '2026-10-01 00:00', end: '2027-01-01 00:00' });
  assert.deepEqual(bucketBounds('2024', 'year'),
    { start: '2024-01-01 00:00', end: '2025-01-01 00:00' });
});

test('next buckets and ranges cross year ends', () => {
  assert.equal(nextBucket('2026-W53', 'week'), '2027-W01');
  assert.equal(nextBucket('2026-Q4', 'quarter'), '2027-Q1');
  assert.equal(nextBucket('2026-12', 'month'), '2027-01');
  assert.equal(nextBucket('2024-02-28', 'day'), '2024-02-29');
  assert.deepEqual(bucketRange('2026-11', '2027-02', 'month'),
    ['2026-11', '2026-12', '2027-01', '2027-02']);
  assert.deepEqual(bucketRange('2026-Q1', '2026-Q1', 'quarter'), ['2026-Q1']);
});

test('an instant falls on its wall-clock day in the zone, across DST changes', () => {
  // Berlin springs forward at 01:00 UTC on 2026-03-29 and falls back at 01:00 UTC on 2026-10-25.
  assert.equal(keyAt('2026-03-28T22:59:59Z', 'day', 'Europe/Berlin'), '2026-03-28');
  assert.equal(keyAt('2026-03-28T23:00:00Z', 'day', 'Europe/Berlin'), '2026-03-29');
  assert.equal(keyAt('2026-03-29T21:59:59Z', 'day', 'Europe/Berlin'), '2026-03-29');
  assert.equal(keyAt('2026-03-29T22:00:00Z', 'day', 'Europe/Berlin'), '2026-03-30');
  assert.equal(keyAt('2026-10-24T21:59:59Z', 'day', 'Europe/Berlin'), '2026-10-24');
  assert.equal(keyAt('2026-10-24T22:00:00Z', 'day', 'Europe/Berlin'), '2026-10-25');
  assert.equal(keyAt('2026-10-25T22:59:59Z', 'day', 'Europe/Berlin'), '2026-10-25');
  assert.equal(keyAt('2026-10-25T23:00:00Z', 'day', 'Europe/Berlin'), '2026-10-26');
});

test('New York days and months change at local midnight on both sides of DST', () => {
  // New York springs forward at 07:00 UTC on 2026-03-08 and falls back at 06:00 UTC on 2026-11-01.
  assert.equal(keyAt('2026-03-08T04:59:59Z', 'day', 'America/New_York'), '2026-03-07');
  assert.equal(keyAt('2026-03-08T05:00:00Z', 'day', 'America/New_York'), '2026-03-08');
  assert.equal(keyAt('2026-03-09T03:59:59Z', 'day', 'America/New_York'), '2026-03-08');
  assert.equal(keyAt('2026-03-09T04:00:00Z', 'day', 'America/New_York'), '2026-03-09');
  assert.equal(keyAt('2026-11-01T03:59:59Z', 'month', 'America/New_York'), '2026-10');
  assert.equal(keyAt('2026-11-01T04:00:00Z', 'month', 'America/New_York'), '2026-11');
  assert.equal(keyAt('2026-11-01T06:30:00Z', 'day', 'America/New_York'), '2026-11-01');
  assert.equal(keyAt('2027-01-01T04:59:59Z', 'year', 'America/New_York'), '2026');
});

test('half-hour zones and zones ahead of UTC move instants across day and year ends', () => {
  assert.equal(keyAt('2026-12-31T18:29:59Z', 'year', 'Asia/Kolkata'), '2026');
  assert.equal(keyAt('2026-12-31T18:30:00Z', 'year', 'Asia/Kolkata'), '2027');
  assert.equal(keyAt('2026-03-31T18:30:00Z', 'quarter', 'Asia/Kolkata'), '2026-Q2');
  assert.equal(keyAt('2026-03-31T18:30:00Z', 'quarter', 'UTC'), '2026-Q1');
  assert.equal(keyAt('2026-01-04T23:00:00Z', 'week', 'Pacific/Auckland'), '2026-W02');
  // Lord Howe falls back half an hour (+11 to +10:30) at 15:00 UTC on 2026-04-04.
  assert.equal(keyAt('2026-04-04T12:59:59Z', 'day', 'Australia/Lord_Howe'), '2026-04-04');
  assert.equal(keyAt('2026-04-04T13:00:00Z', 'day', 'Australia/Lord_Howe'), '2026-04-05');
  assert.equal(keyAt('2026-04-04T15:00:00Z', 'day', 'Australia/Lord_Howe'), '2026-04-05');
  assert.equal(keyAt('2026-04-05T13:29:59Z', 'day', 'Australia/Lord_Howe'), '2026-04-05');
  assert.equal(keyAt('2026-04-05T13:30:00Z', 'day', 'Australia/Lord_Howe'), '2026-04-06');
});

test('a Jira date is its own day, whatever the zone', () => {
  assert.equal(dateDay('1970-01-02'), 1);
  assert.ok(Number.isNaN(dateDay('')));
  assert.ok(Number.isNaN(dayReader('datetime', 'UTC')(NaN)));
  assert.equal(dayReader('date')(Date.parse('1970-01-02')), 1);
  assert.equal(bucketKey(NaN, 'month'), '');
  assert.equal(dayReader('number'), null);
});
