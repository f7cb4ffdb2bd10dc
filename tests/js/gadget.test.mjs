// The dashboard gadget: its settings, its hosts' storage (Connect dashboard item property,
// Forge gadget configuration) and the demo Jira's dashboard item properties.
// @ts-check
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {dashboardItemAnswer} from '../../static/js/demo/dashboard-items.js';
import {PROPERTY_KEY, connectGadget, forgeGadget} from '../../static/js/host/gadget.js';
import {checkForm, partToShow, readSettings} from '../../static/js/gadget/settings.js';

const OWNER = '5b10a2844c20165700ede21g';
const OTHER = '5b10ac8d82e05b22cc7d4e11';
const PATH = `/rest/api/3/dashboard/10000/items/1/properties/${PROPERTY_KEY}`;

const dashboards = () => ({
  dashboards: new Map([['10000', {owner: OWNER, items: new Set(['1', '2'])}]]),
  properties: new Map(),
});

test('stored settings are read back cleanly; out-of-range values take their defaults', () => {
  assert.equal(readSettings(null), null);
  assert.equal(readSettings({reportId: '  '}), null);
  assert.deepEqual(readSettings({reportId: 'r1', show: 'pivot', rows: 5, refreshMinutes: 30}),
    {reportId: 'r1', show: 'pivot', rows: 5, refreshMinutes: 30});
  assert.deepEqual(readSettings({reportId: 'r1', show: 'pie', rows: 0, refreshMinutes: 5}),
    {reportId: 'r1', show: 'auto', rows: 10, refreshMinutes: 15});
});

test('the form refuses a refresh under 15 minutes, a bad row count and no report', () => {
  const {settings, errors} = checkForm({reportId: '', show: 'auto', rows: '101',
    refreshMinutes: '14'});
  assert.equal(settings, null);
  assert.deepEqual(Object.keys(errors).sort(), ['refreshMinutes', 'reportId', 'rows']);
  assert.deepEqual(checkForm({reportId: 'r9', show: 'table', rows: '3', refreshMinutes: '15'}),
    {settings: {reportId: 'r9', show: 'table', rows: 3, refreshMinutes: 15}, errors: {}});
});

test('the gadget shows the asked part when the report has it, else the first it has', () => {
  const pivot = {pivot: {}, groupBy: [{field: 'status'}]};
  assert.equal(partToShow('auto', pivot), 'pivot');
  assert.equal(partToShow('chart', pivot), 'chart');
  assert.equal(partToShow('series', pivot), 'pivot');
  assert.equal(partToShow('auto', {timeSeries: {}}), 'series');
  assert.equal(partToShow('chart', {groupBy: []}), 'table');
});

test('the demo Jira answers dashboard item properties as the OpenAPI spec says', () => {
  const jira = dashboards();
  const call = (/** @type {any} */ more, who = OWNER) =>
    dashboardItemAnswer(jira, who, {url: PATH, ...more});
  assert.equal(call({})?.status, 404);
  assert.equal(call({method: 'PUT', body: '{"reportId":"r1"}'})?.status, 201);
  assert.equal(call({method: 'PUT', body: '{"reportId":"r2"}'})?.status, 200);
  assert.deepEqual(JSON.parse(call({})?.body ?? ''), {key: PROPERTY_KEY, value: {reportId: 'r2'}});
  assert.equal(call({method: 'PUT', body: '{"reportId":"r3"}'}, OTHER)?.status, 403);
  assert.equal(call({method: 'PUT', body: 'not json'})?.status, 400);
  assert.equal(call({method: 'PUT', body: ''})?.status, 400);
  assert.equal(call({method: 'PUT', body: JSON.stringify('x'.repeat(32767))})?.status, 400);
  assert.deepEqual(JSON.parse(call({})?.body ?? '').value, {reportId: 'r2'}, 'refusals keep it');
  assert.equal(dashboardItemAnswer(jira, OWNER, {url: PATH.replace('/1/', '/9/')})?.status, 404);
  assert.match(JSON.parse(call({method: 'PUT', body: '1'}, OTHER)?.body ?? '').errorMessages[0],
    /permission/);
  assert.equal(dashboardItemAnswer(jira, OWNER, {url: '/rest/api/3/myself'}), null);
});

test('a Connect gadget keeps its settings in its dashboard item property', async () => {
  Object.assign(globalThis, {window: {location: {search:
    '?dashboardId=10000&dashboardItemId=1&view=default&xdm_e=https%3A%2F%2Fx.atlassian.net'}}});
  const jira = dashboards();
  const requestJira = async (/** @type {string} */ url, /** @type {any} */ options = {}) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const answer = dashboardItemAnswer(jira, OWNER, {method: options.method, url, body});
    const status = answer?.status ?? 500;
    return {status, ok: status < 300, headers: {get: () => null},
      body: answer?.body ? JSON.parse(answer.body) : null};
  };
  let edit = /** @type {Function|null} */ (null);
  const onDashboardItemEdit = (/** @type {any} */ f) => { edit = f; };
  const AP = {jira: {DashboardItem: {onDashboardItemEdit}}};
  const gadget = connectGadget(AP, requestJira);
  assert.equal(await gadget.load(), null);
  const settings = {reportId: 'r1', show: /** @type {const} */ ('auto'), rows: 10,
    refreshMinutes: 15};
  await gadget.save(settings);
  assert.deepEqual(await gadget.load(), settings);
  let edited = 0;
  gadget.onEdit(() => { edited += 1; });
  edit?.();
  assert.equal(edited, 1);
  assert.equal(gadget.reportPath('r 1'),
    '/plugins/servlet/ac/jql-reports/reports-all#!report=r%201');
  jira.dashboards.get('10000').owner = OTHER;
  await assert.rejects(gadget.save(settings), /Only the dashboard's owner/);
});

test('a Forge gadget reads its configuration from the context and submits it with refresh',
  async () => {
    /** @type {any[]} */
    const submitted = [];
    const bridge = {view: {getContext: async () => ({}),
      submit: async (/** @type {any} */ payload) => { submitted.push(payload); }}};
    const context = {localId: 'ari:cloud:ecosystem::extension/app-1/env-2/static/jqlr-gadget',
      extension: {entryPoint: 'edit', gadgetConfiguration: {reportId: 'r1'}}};
    const gadget = forgeGadget(bridge, context);
    assert.equal(gadget.editing, true);
    assert.deepEqual(await gadget.load(), {reportId: 'r1'});
    await gadget.save({reportId: 'r2', show: 'table', rows: 5, refreshMinutes: 30});
    assert.deepEqual(submitted, [{reportId: 'r2', show: 'table', rows: 5, refreshMinutes: 30,
      refresh: 30}]);
    assert.equal(gadget.reportPath('r2'), '/jira/apps/app-1/env-2?report=r2');
    assert.equal(forgeGadget(bridge, {extension: {}}).configurable, false);
  });

test('the gadget keeps nothing in the browser: its settings are Jira\'s', async () => {
  const {readFile, readdir} = await import('node:fs/promises');
  const folder = new URL('../../static/js/gadget/', import.meta.url);
  const files = [...(await readdir(folder)).map((name) => new URL(name, folder)),
    new URL('../../static/js/host/gadget.js', import.meta.url)];
  assert.ok(files.length >= 5);
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    assert.doesNotMatch(source, /localStorage|sessionStorage|indexedDB|document\.cookie/,
      file.pathname);
  }
});

test('Configure reaches a Connect gadget through AP.require where AP has no jira module', () => {
  Object.assign(globalThis, {window: {location: {search: '?dashboardId=1&dashboardItemId=2'}}});
  let edit = /** @type {Function|null} */ (null);
  const jira = {DashboardItem: {onDashboardItemEdit: (/** @type {any} */ f) => { edit = f; }}};
  /** @type {string[][]} */
  const asked = [];
  const AP = {require: (/** @type {string[]} */ names, /** @type {Function} */ use) => {
    asked.push(names);
    use(jira);
  }};
  let edited = 0;
  connectGadget(AP, async () => /** @type {any} */ ({})).onEdit(() => { edited += 1; });
  edit?.();
  assert.deepEqual([asked, edited], [[['jira']], 1]);
});
