// Reading response bodies in the host adapters: JSON when it parses, else null.
// @ts-check

/**
 * The parsed body, or null for an empty or non-JSON one (an HTML error page, say).
 * @param {string|null|undefined} text
 */
export function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
