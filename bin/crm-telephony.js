#!/usr/bin/env node
// The `crm-telephony` command. It runs the TypeScript sources in place through tsx (a runtime
// dependency), so a checkout needs no build step: `npx crm-telephony ami tail`.

// `crm-telephony ami tail | head` closes our stdout early: a normal way to stop, not a crash.
process.stdout.on('error', (err) => {
  process.exit(err.code === 'EPIPE' ? 0 : 1);
});

try {
  // Imported here, not statically, so that a broken install is reported in words below.
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // main() reports its own failures; this is for an install that cannot start at all.
  console.error(`error: crm-telephony could not start: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Run "npm ci" in the crm-telephony checkout, then try again (DEBUG=1 shows the stack).');
  if (process.env.DEBUG) console.error(err);
  process.exitCode = 1;
}
