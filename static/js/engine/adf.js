// Rich text as Jira's REST API v3 sends it (Atlassian Document Format), read as plain text.
// @ts-check

/** Plain text of an ADF document: depth-first, one line per block. */
export function adfText(doc) {
  const parts = [];
  adfWalk(doc, parts);
  return parts.join('').replace(/\n{2,}/g, '\n').trim();
}

function adfWalk(node, parts) {
  if (!node || typeof node !== 'object') return;
  if (typeof node.text === 'string') parts.push(node.text);
  else if (node.type === 'hardBreak') parts.push('\n');
  else if (typeof node.attrs?.text === 'string') parts.push(node.attrs.text);  // mention, emoji
  if (!Array.isArray(node.content)) return;
  for (const child of node.content) adfWalk(child, parts);
  parts.push('\n');
}
