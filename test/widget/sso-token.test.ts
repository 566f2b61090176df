/**
 * The widget's sign-in token (src/web/auth/crm-sso.ts), pure: a good token, and every way a token
 * must be refused: expired, forged, another user's id under someone else's signature, a wrong
 * version, garbage, and an expiry too far ahead. The clock is an argument, never waited for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReplayGuard, signWidgetToken, verifyWidgetToken, crmSsoConfigSchema } from '../../src/web/auth/crm-sso.ts';
import { createHmac } from 'node:crypto';

const SECRET = 'x'.repeat(20) + 'secret-for-widget-tokens-0123456789';
const OTHER_SECRET = 'y'.repeat(20) + 'another-secret-entirely-987654321';
const ALICE = '6d6813b5-4321-83dd-a2d2-6b049619527b';
const BOB = 'cbd154c0-b27d-c88e-802e-6b04962eaacb';
const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const nowS = NOW / 1000;
const check = (token: unknown, secrets = [SECRET], now = NOW) => verifyWidgetToken(token, { secrets, now });

test('a token SuiteCRM signed for a user, within its lifetime, names that user', () => {
  const token = signWidgetToken(SECRET, ALICE, nowS + 300);
  assert.match(token, /^v1\.6d6813b5-4321-83dd-a2d2-6b049619527b\.\d+\.[0-9a-f]{64}$/);
  const r = check(token);
  assert.ok(r.ok);
  assert.equal(r.userId, ALICE);
  assert.equal(r.expiresAt, nowS + 300);
  // SuiteCRM's admin has the id "1"; demo data has ids like seed_sally_id.
  for (const id of ['1', 'seed_sally_id']) assert.ok(check(signWidgetToken(SECRET, id, nowS + 60)).ok, id);
});

test('the signature is HMAC-SHA256 over "v1.<user>.<expiry>" in lower-case hex, as PHP\'s hash_hmac prints it', () => {
  const token = signWidgetToken(SECRET, ALICE, 1795464000);
  const expected = createHmac('sha256', SECRET).update(`v1.${ALICE}.1795464000`).digest('hex');
  assert.equal(token, `v1.${ALICE}.1795464000.${expected}`);
});

test('expired: refused once past its expiry plus the clock skew (60 s), accepted within the skew', () => {
  const token = signWidgetToken(SECRET, ALICE, nowS - 1);
  assert.ok(check(token).ok, 'a second late is within the skew');
  assert.ok(check(signWidgetToken(SECRET, ALICE, nowS - 60)).ok);
  assert.deepEqual(check(signWidgetToken(SECRET, ALICE, nowS - 61)), { ok: false, reason: 'expired' });
  assert.deepEqual(check(token, [SECRET], NOW + 3600_000), { ok: false, reason: 'expired' });
});

test('an expiry too far ahead is refused (a hook must not mint long-lived tokens)', () => {
  assert.ok(check(signWidgetToken(SECRET, ALICE, nowS + 600 + 60)).ok);
  assert.deepEqual(check(signWidgetToken(SECRET, ALICE, nowS + 600 + 61)), { ok: false, reason: 'too-long-lived' });
  assert.deepEqual(check(signWidgetToken(SECRET, ALICE, nowS + 365 * 86400)), { ok: false, reason: 'too-long-lived' });
});

test('forged: a made-up or altered signature, or the right shape under another secret, is refused', () => {
  const good = signWidgetToken(SECRET, ALICE, nowS + 300);
  assert.deepEqual(check(`${good.slice(0, -64)}${'0'.repeat(64)}`), { ok: false, reason: 'signature' });
  const flipped = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
  assert.deepEqual(check(flipped), { ok: false, reason: 'signature' });
  assert.deepEqual(check(signWidgetToken(OTHER_SECRET, ALICE, nowS + 300)), { ok: false, reason: 'signature' });
  // A later expiry on a signature made for an earlier one.
  const [v, u, , sig] = good.split('.');
  assert.deepEqual(check(`${v}.${u}.${nowS + 400}.${sig}`), { ok: false, reason: 'signature' });
});

test("another user's id under a signature made for someone else is refused", () => {
  const alices = signWidgetToken(SECRET, ALICE, nowS + 300);
  const [v, , exp, sig] = alices.split('.');
  assert.deepEqual(check(`${v}.${BOB}.${exp}.${sig}`), { ok: false, reason: 'signature' });
  // Nor does a prefix of her id, or her id with one character changed, carry her signature.
  assert.deepEqual(check(`${v}.${ALICE.slice(0, 8)}.${exp}.${sig}`), { ok: false, reason: 'signature' });
  assert.deepEqual(check(`${v}.${ALICE.slice(0, -1)}c.${exp}.${sig}`), { ok: false, reason: 'signature' });
});

test('a wrong version is refused, even correctly signed', () => {
  const exp = nowS + 300;
  const sig = (payload: string) => createHmac('sha256', SECRET).update(payload).digest('hex');
  assert.deepEqual(check(`v2.${ALICE}.${exp}.${sig(`v2.${ALICE}.${exp}`)}`), { ok: false, reason: 'version' });
  assert.deepEqual(check(`v0.${ALICE}.${exp}.${sig(`v0.${ALICE}.${exp}`)}`), { ok: false, reason: 'version' });
  assert.deepEqual(check(`V1.${ALICE}.${exp}.${sig(`V1.${ALICE}.${exp}`)}`), { ok: false, reason: 'malformed' });
});

test('garbage is refused as malformed, whatever its type', () => {
  const good = signWidgetToken(SECRET, ALICE, nowS + 300);
  const garbage: unknown[] = [
    undefined,
    null,
    42,
    {},
    [good],
    '',
    'garbage',
    'v1...',
    good.toUpperCase(),
    `${good}.`,
    ` ${good}`,
    `${good}\n`,
    good.replace(ALICE, 'a.b'),
    good.replace(ALICE, 'Ïvan'),
    good.replace(ALICE, '<script>'),
    good.replace(ALICE, 'x'.repeat(37)),
    good.slice(0, -2),
    `${good}00`,
    `v1.${ALICE}.-5.${'a'.repeat(64)}`,
    `v1.${ALICE}.1e9.${'a'.repeat(64)}`,
    'v1.' + 'a'.repeat(300),
  ];
  for (const g of garbage) assert.deepEqual(check(g), { ok: false, reason: 'malformed' }, JSON.stringify(g));
});

test('property: any one-character change to a good token is refused', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,36}$/), fc.nat(), fc.constantFrom(...'0123456789abcdefvxAZ._-'), (user, at, ch) => {
      const token = signWidgetToken(SECRET, user, nowS + 120);
      const i = at % token.length;
      if (token[i] === ch) return;
      const mutated = token.slice(0, i) + ch + token.slice(i + 1);
      assert.equal(check(mutated).ok, false, mutated);
    }),
    { numRuns: 500 },
  );
});

test('several secrets (rotation: new,old) all verify; an unlisted one does not', () => {
  const old = signWidgetToken(OTHER_SECRET, ALICE, nowS + 300);
  assert.ok(check(old, [SECRET, OTHER_SECRET]).ok);
  assert.ok(check(signWidgetToken(SECRET, ALICE, nowS + 300), [SECRET, OTHER_SECRET]).ok);
  assert.equal(check(old, [SECRET]).ok, false);
  assert.equal(check(old, []).ok, false);
});

test('CRM_WIDGET_SECRET: unset is no secret; a list is split on commas; a short secret is refused in words', () => {
  assert.deepEqual(crmSsoConfigSchema.parse({}).CRM_WIDGET_SECRET, []);
  assert.deepEqual(crmSsoConfigSchema.parse({ CRM_WIDGET_SECRET: ` ${SECRET} , ${OTHER_SECRET} ` }).CRM_WIDGET_SECRET, [SECRET, OTHER_SECRET]);
  const short = crmSsoConfigSchema.safeParse({ CRM_WIDGET_SECRET: 'too-short' });
  assert.equal(short.success, false);
  assert.match(short.error!.issues[0]!.message, /at least 32 characters/);
});

test('a token is good once: the replay guard refuses a second use until it has expired, and stays bounded', () => {
  const guard = new ReplayGuard(3);
  assert.equal(guard.firstUse('a', nowS + 300, NOW, 60), true);
  assert.equal(guard.firstUse('a', nowS + 300, NOW + 1000, 60), false);
  assert.equal(guard.firstUse('b', nowS + 10, NOW, 60), true);
  // Long after both expired, neither is remembered.
  assert.equal(guard.firstUse('c', nowS + 2000, NOW + 1000_000, 60), true);
  assert.equal(guard.size, 1);
  for (const s of ['d', 'e', 'f', 'g']) guard.firstUse(s, nowS + 3000, NOW + 1000_000, 60);
  assert.ok(guard.size <= 3, `size ${guard.size}`);
});
