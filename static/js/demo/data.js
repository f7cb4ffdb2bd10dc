// Demo Jira site data: the field list, its catalogues and issues generated from a seed.
// @ts-check
import { adf } from './descriptions.js';

export const SITE = 'https://demo.atlassian.net';
const API = `${SITE}/rest/api/3`;
const DAY = 86_400_000;

/** Small seeded PRNG (mulberry32): the same seed always gives the same issues. */
export function mulberry32(seed = 1) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Initials on a coloured disc, so avatars show without a network.
 * @param {string} initials  @param {string} color */
function avatarUrls(initials, color) {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><circle cx="24" '
    + `cy="24" r="24" fill="#${color}"/><text x="24" y="31" font-family="sans-serif" `
    + `font-size="19" text-anchor="middle" fill="#fff">${initials}</text></svg>`;
  const url = `data:image/svg+xml,${encodeURIComponent(svg)}`;
  return { '48x48': url, '24x24': url, '16x16': url, '32x32': url };
}

const COLORS = ['0052CC', '00875A', '6554C0', 'FF5630', 'FF991F', '00A3BF', '403294', '5E6C84'];
const PEOPLE = [['Mia Krystof', 'Europe/Berlin'], ['Daniel Okafor', 'Africa/Lagos'],
  ['Priya Raman', 'Asia/Kolkata'], ['Lukas Weber', 'Europe/Vienna'],
  ['Sofia Álvarez', 'America/Mexico_City'], ['Chen Wei', 'Asia/Shanghai'],
  ['Hannah Lindqvist', 'Europe/Stockholm'], ['Tom Becker', 'America/New_York']];
export const USERS = PEOPLE.map(([displayName, timeZone], i) => {
  const accountId = ['5b10a2844c20165700ede21g'][i] ?? `5b10ac8d82e05b22cc7d4e${i + 10}`;
  const initials = displayName.split(' ').map((w) => w[0]).join('');
  return { self: `${API}/user?accountId=${accountId}`, accountId, accountType: 'atlassian',
    avatarUrls: avatarUrls(initials, COLORS[i]), displayName, active: i !== 7, timeZone };
});
/** Who the demo can be used as (its user switcher; demo.py's USERS): a Jira administrator,
 * then someone who is not. */
export const DEMO_USERS = [{ user: USERS[0], admin: true }, { user: USERS[1], admin: false }];
/** The person using the demo: currentUser() in JQL, /myself, the account of the demo's tokens.
 * One of DEMO_USERS, chosen by useDemoUser before the fake Jira answers anything. */
export let DEMO_USER = USERS[0];

/** Use the demo as one of DEMO_USERS; any other account gives the first.
 * @param {string|null} accountId */
export function useDemoUser(accountId) {
  const chosen = DEMO_USERS.find(({ user }) => user.accountId === accountId) ?? DEMO_USERS[0];
  DEMO_USER = chosen.user;
  return DEMO_USER;
}

const CATEGORIES = { 2: ['new', 'blue-gray', 'To Do'], 3: ['done', 'green', 'Done'],
  4: ['indeterminate', 'yellow', 'In Progress'] };
/** @param {[string, string, 2|3|4]} status */
const status = ([id, name, cat]) => ({ self: `${API}/status/${id}`, description: '',
  iconUrl: `${SITE}/`, name, id, statusCategory: { self: `${API}/statuscategory/${cat}`, id: cat,
    key: CATEGORIES[cat][0], colorName: CATEGORIES[cat][1], name: CATEGORIES[cat][2] } });
/** @param {[string, string, number]} type */
const issueType = ([id, name, avatarId]) => ({ self: `${API}/issuetype/${id}`, id,
  description: '', iconUrl: `${API}/universal_avatar/view/type/issuetype/avatar/${avatarId}`,
  name, subtask: false, avatarId, hierarchyLevel: name === 'Epic' ? 1 : 0 });
/** @param {number} first  @param {string[]} names  @param {string} path */
const named = (first, names, path) => names.map((name, i) => ({
  self: `${API}/${path}/${first + i}`, id: String(first + i), name }));
/** @type {[string, number][]} version names and release dates in days from today */
const VERSIONS = [['2.1.0', -120], ['2.2.0', -40], ['2.3.0', 45], ['2026.2', -60],
  ['2026.3', 30], ['Spring sale', 70]];
const PROJECT_KEYS = ['RPT', 'OPS', 'WEB'];

/** Every value the demo site knows, by JQL field kind. */
export const CATALOG = {
  status: /** @type {[string, string, 2|3|4][]} */ ([['1', 'To Do', 2], ['3', 'In Progress', 4],
    ['10001', 'In Review', 4], ['10002', 'Done', 3]]).map(status),
  priority: named(1, ['Highest', 'High', 'Medium', 'Low', 'Lowest'], 'priority').map((p) => ({
    ...p, iconUrl: `${SITE}/images/icons/priorities/${p.name.toLowerCase()}.svg` })),
  issuetype: /** @type {[string, string, number][]} */ ([['10001', 'Story', 10315],
    ['10004', 'Bug', 10303], ['10002', 'Task', 10318], ['10000', 'Epic', 10307]]).map(issueType),
  resolution: named(10000, ['Done', "Won't Do"], 'resolution').map((r, i) => ({ ...r,
    description: ['Work has been completed on this issue.', "This issue won't be actioned."][i] })),
  option: named(10050, ['Atlas', 'Borealis', 'Comet', 'Dynamo'], 'customFieldOption')
    .map(({ self, id, name }) => ({ self, value: name, id })),
  user: USERS,
  project: named(10000, ['Reporting', 'Operations', 'Web Shop'], 'project').map((p, i) => ({
    ...p, key: PROJECT_KEYS[i], projectTypeKey: 'software', simplified: false,
    avatarUrls: avatarUrls(PROJECT_KEYS[i], '172B4D') })),
  component: named(10100, ['API', 'Report builder', 'Exports', 'Infrastructure', 'Monitoring',
    'Checkout', 'Search'], 'component'),
  version: named(10200, VERSIONS.map(([name]) => name), 'version').map((v, i) => ({
    ...v, archived: false, released: VERSIONS[i][1] < 0 })),
};
// Per project: its components and versions, as indexes into CATALOG.
const PARTS = [[[0, 1, 2], [0, 1, 2]], [[3, 4], [3, 4]], [[5, 6, 0], [5]]];

/** A /field entry. `typeItems` is the schema type, then its items after a slash ('array/string');
 * flags: o = orderable, s = searchable (all are navigable); `custom` = [customId, type URI, label].
 * @param {string} id  @param {string} name  @param {string[]} clauseNames
 * @param {string} typeItems  @param {[number, string, string]} [custom] */
function field(id, name, clauseNames, typeItems, flags = 'os', custom) {
  const [type, items] = typeItems.split('/');
  const schema = custom ? { type, custom: custom[1], customId: custom[0] }
    : { type, ...(items && { items }), system: id };
  const names = custom ? [`cf[${custom[0]}]`, name, `${name}[${custom[2]}]`] : clauseNames;
  return { id, key: id, name, ...(custom && { untranslatedName: name }), custom: !!custom,
    orderable: flags.includes('o'), navigable: true, searchable: flags.includes('s'),
    clauseNames: names, ...(type && { schema }) };
}

/** The answer of GET /rest/api/3/field. */
export const FIELDS = [
  field('issuekey', 'Key', ['id', 'issue', 'issuekey', 'key'], '', ''),
  field('summary', 'Summary', ['summary'], 'string'),
  field('description', 'Description', ['description'], 'string'),
  field('project', 'Project', ['project'], 'project', 's'),
  field('issuetype', 'Issue Type', ['issuetype', 'type'], 'issuetype'),
  field('status', 'Status', ['status'], 'status', 's'),
  field('priority', 'Priority', ['priority'], 'priority'),
  field('resolution', 'Resolution', ['resolution'], 'resolution'),
  field('assignee', 'Assignee', ['assignee'], 'user'),
  field('reporter', 'Reporter', ['reporter'], 'user'),
  field('labels', 'Labels', ['labels'], 'array/string'),
  field('components', 'Components', ['component'], 'array/component'),
  field('fixVersions', 'Fix versions', ['fixVersion'], 'array/version'),
  field('created', 'Created', ['created', 'createdDate'], 'datetime', 's'),
  field('updated', 'Updated', ['updated', 'updatedDate'], 'datetime', 's'),
  field('resolutiondate', 'Resolved', ['resolutiondate', 'resolved'], 'datetime', 's'),
  field('duedate', 'Due date', ['due', 'duedate'], 'date'),
  field('timeoriginalestimate', 'Original estimate', ['originalEstimate', 'timeoriginalestimate'],
    'number', 's'),
  field('customfield_10016', 'Story point estimate', [], 'number', 'os',
    [10016, 'com.pyxis.greenhopper.jira:jsw-story-points', 'Number']),
  field('customfield_10020', 'Team', [], 'option', 'os',
    [10020, 'com.atlassian.jira.plugin.system.customfieldtypes:select', 'Dropdown']),
];

const LABELS = ['backend', 'frontend', 'customer', 'tech-debt', 'security', 'perf', 'ux', 'q4'];
const VERBS = ['Fix', 'Add', 'Improve', 'Investigate', 'Remove', 'Update', 'Document', 'Speed up'];
const TOPICS = ['CSV export of large reports', 'login timeout on mobile', 'search results paging',
  'checkout address form', 'nightly backup job', 'alerting for disk usage', 'report sharing dialog',
  'the <b>bold</b> tag shown as text', 'Ünïcode names & "quotes"', 'dashboard gadget 🚀',
  'rate limit handling', 'date pickers in Safari', 'audit log retention', 'on-call rota'];
const [OPEN, REPORTERS] = [CATALOG.status.slice(0, 3), USERS.slice(0, 7)];

const datetime = (/** @type {number} */ ms) => new Date(ms).toISOString().replace('Z', '+0000');
const date = (/** @type {number} */ ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * Generate `count` issues from `seed`, dated up to `now` (default: today 00:00 UTC).
 * @param {{issues?: number, seed?: number, now?: number}} options
 */
export function generateIssues({ issues: count = 5000, seed = 1, now = Date.now() } = {}) {
  now = Math.floor(now / DAY) * DAY;
  const rand = mulberry32(seed);
  const pick = (/** @type {any[]} */ list) => list[Math.floor(rand() * list.length)];
  const numbers = [0, 0, 0];
  const step = (365 * DAY) / Math.max(count, 1);
  const versions = CATALOG.version.map((v, i) => ({ ...v,
    releaseDate: date(now + VERSIONS[i][1] * DAY) }));
  return Array.from({ length: count }, (_, i) => {
    const p = rand() < 0.5 ? 0 : rand() < 0.6 ? 1 : 2;
    numbers[p] += 1;
    const id = String(10001 + i);
    const created = Math.floor(now - 365 * DAY + (i + rand() * 0.9) * step);
    return { id, key: `${PROJECT_KEYS[p]}-${numbers[p]}`, self: `${API}/issue/${id}`,
      fields: issueFields(pick, rand, { p, created, now, age: 1 - i / count, versions }) };
  });
}

/** @param {(list: any[]) => any} pick  @param {() => number} rand
 * @param {{p: number, created: number, now: number, age: number, versions: any[]}} at */
function issueFields(pick, rand, { p, created, now, age, versions }) {
  const c = CATALOG;
  const done = rand() < 0.1 + 0.75 * age;
  const resolved = done ? created + rand() * (now - created) : null;
  const type = c.issuetype[rand() < 0.08 ? 3 : Math.floor(rand() * 3)];
  const [parts, topic] = [PARTS[p], pick(TOPICS)];
  const several = (/** @type {number} */ most, /** @type {any[]} */ list) =>
    [...new Set(Array.from({ length: Math.floor(rand() * (most + 1)) }, () => pick(list)))];
  return {
    summary: `${pick(VERBS)} ${topic}`,
    description: rand() < 0.25 ? null : adf(topic, rand() < 0.3),
    project: c.project[p], issuetype: type, status: done ? c.status[3] : pick(OPEN),
    priority: c.priority[[0, 1, 1, 2, 2, 2, 2, 3, 3, 4][Math.floor(rand() * 10)]],
    resolution: done ? c.resolution[rand() < 0.9 ? 0 : 1] : null,
    assignee: rand() < 0.15 ? null : pick(USERS), reporter: pick(REPORTERS),
    labels: several(3, LABELS), components: several(2, parts[0]).map((n) => c.component[n]),
    fixVersions: rand() < 0.6 ? [versions[pick(parts[1])]] : [],
    created: datetime(created), resolutiondate: resolved && datetime(resolved),
    updated: datetime(Math.min(now, (resolved ?? created) + rand() * 0.3 * (now - created))),
    duedate: rand() < 0.6 ? null : date(created + (7 + Math.floor(rand() * 54)) * DAY),
    timeoriginalestimate: rand() < 0.35 ? null : pick([1, 2, 4, 8, 16, 24, 40]) * 3600,
    customfield_10016: type.name === 'Epic' || rand() < 0.25 ? null : pick([1, 2, 3, 5, 8, 13]),
    customfield_10020: rand() < 0.2 ? null : pick(c.option),
  };
}
