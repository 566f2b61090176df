/**
 * Which Node.js release lines the product supports, for the warning at start and the doctor's
 * line. Supported: the lines CI and the README name (22, 24, 26). Node.js 20 reached its end of life
 * in April 2026: the product still starts on 20.19+, with a warning, until a dependency needs more.
 */

export interface NodeSupport {
  supported: boolean;
  /** Said to people: empty when supported. */
  advice: string;
}

/** `version` as `process.versions.node` gives it, e.g. "24.22.3". */
export function nodeSupport(version: string): NodeSupport {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 22 && minor < 12) {
    return { supported: false, advice: `Node.js ${version} is older than 22.12, the first 22 release this product runs on: upgrade to the latest Node.js 22, or to 24 LTS.` };
  }
  if (major < 22) {
    return {
      supported: false,
      advice: `Node.js ${version} is past its end of life (Node.js 20 ended in April 2026) and not supported: install Node.js 24 LTS (or 22 or 26), then run npm ci again so the native modules are built for it.`,
    };
  }
  if (major % 2 === 1) {
    return { supported: false, advice: `Node.js ${version} is an odd-numbered line, supported for a few months only: run an even one (22, 24 or 26).` };
  }
  // An even line newer than the ones tested is let through: it is most likely fine.
  return { supported: true, advice: '' };
}
