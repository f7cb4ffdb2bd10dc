// Demo issue descriptions: small Atlassian Document Format documents, one per topic and shape.
// @ts-check

// Issues share their description objects: they reach clients only as JSON copies.
const DOCS = new Map();

/**
 * The description of an issue about `topic`: a paragraph, and a bullet list when `list`.
 * @param {string} topic  @param {boolean} list
 */
export function adf(topic, list) {
  const key = `${list}${topic}`;
  if (DOCS.has(key)) return DOCS.get(key);
  const text = (/** @type {string} */ t) => ({ type: 'text', text: t });
  const para = (/** @type {object[]} */ content) => ({ type: 'paragraph', content });
  const items = ['Steps to reproduce', 'Expected result'].map((b) => ({ type: 'listItem',
    content: [para([text(b)])] }));
  const content = [para([text('This is about '), { ...text(topic), marks: [{ type: 'strong' }] },
    text('.')]), ...(list ? [{ type: 'bulletList', content: items }] : [])];
  return DOCS.set(key, { type: 'doc', version: 1, content }).get(key);
}
