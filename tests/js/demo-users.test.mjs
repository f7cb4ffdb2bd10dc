// The demo's users: the one the demo runs as is what the fake Jira's /myself and currentUser() name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeJira } from '../../static/js/demo/fake-jira.js';
import * as data from '../../static/js/demo/data.js';

const { DEMO_USERS, USERS, useDemoUser } = data;

/** Ask the fake Jira; answers the parsed body. */
async function ask(jira, method, url, body) {
  const answer = await jira.handle({ method, url, body: body && JSON.stringify(body) });
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body);
}

test('the demo can be used as a Jira administrator and as someone who is not', () => {
  assert.deepEqual(DEMO_USERS.map(({ user, admin }) => [user, admin]),
    [[USERS[0], true], [USERS[1], false]]);
  assert.equal(data.DEMO_USER, USERS[0]);
});

test('/myself and currentUser() follow the chosen demo user', async (t) => {
  t.after(() => useDemoUser(null));
  const jira = createFakeJira({ issues: 300 });
  for (const { user } of [...DEMO_USERS].reverse()) {
    assert.equal(useDemoUser(user.accountId), user);
    assert.equal(data.DEMO_USER, user);
    assert.deepEqual(await ask(jira, 'GET', '/rest/api/3/myself'), user);
    // A fresh query each time: the fake Jira keeps a minute of answers by JQL text.
    const jql = `assignee = currentUser() AND summary !~ "${user.accountId}"`;
    const found = await ask(jira, 'POST', '/rest/api/3/search/jql',
      { jql, fields: ['assignee'], maxResults: 100 });
    assert.ok(found.issues.length > 0);
    assert.ok(found.issues.every((issue) => issue.fields.assignee.accountId === user.accountId));
  }
});

test('anyone else is not a demo user: the demo stays with the first', (t) => {
  t.after(() => useDemoUser(null));
  useDemoUser(DEMO_USERS[1].user.accountId);
  for (const other of [USERS[2].accountId, 'nobody', '', null]) {
    assert.equal(useDemoUser(other), USERS[0]);
  }
});
