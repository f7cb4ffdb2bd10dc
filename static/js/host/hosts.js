// Picks the host adapter once at start: Connect when all.js gave us AP, Forge otherwise.
// @ts-check
import { forgeHost } from './forge-host.js';
import { connectHost } from './host.js';

// Built into the Forge resource only (forge/build.mjs); a variable keeps tools from resolving it.
const FORGE_BRIDGE = '../vendor/forge-bridge.js';

/**
 * The Host for this page. The Forge bridge is loaded only here: it throws when imported
 * outside a Forge frame.
 * @returns {Promise<import('./host.js').Host>}
 */
export async function pickHost() {
  const page = /** @type {any} */ (globalThis);
  if (page.AP) return connectHost(page.AP);
  const bridge = page.forgeBridge ?? (await import(FORGE_BRIDGE));
  return forgeHost(bridge);
}
