/**
 * The command line speaks the user's language: CRM_TELEPHONY_LANG, else LC_ALL, LC_MESSAGES, LANG.
 * Messages for people follow it; what scripts read (JSON, tokens) never does.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.ts';
import { freePort } from '../support/ports.ts';

async function run(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env };
  return { code: await main(argv, io), ...out };
}

describe('the command line in Russian', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-lang-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'demo.sqlite');

  it('seed with CRM_TELEPHONY_LANG=ru: the summary in Russian, the same counts; --json stays as it is', async () => {
    const r = await run(['seed', '--contacts', '300', '--seed', '7'], { DATABASE_URL: database, DEFAULT_REGION: 'RU', CRM_TELEPHONY_LANG: 'ru' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Загружено в .*demo\.sqlite \(регион RU, seed 7\) за \d+,\d с:/);
    assert.match(r.stdout, /пользователи: alice \(101, администратор\), bob \(102\)/);
    assert.match(r.stdout, /контакты: {5}300\n/);
    assert.match(r.stdout, /записей создано 390, обновлено 0\./);
    assert.match(r.stdout, /У демо-пользователей нет пароля, и войти они не могут/);
    assert.match(r.stdout, /Попробуйте: crm-telephony lookup "\+\d+"/);
    const json = await run(['seed', '--contacts', '300', '--seed', '7', '--json'], { DATABASE_URL: database, CRM_TELEPHONY_LANG: 'ru' });
    assert.deepEqual(Object.keys(JSON.parse(json.stdout)).slice(0, 4), ['database', 'region', 'seed', 'passwordSet']);
  });

  it('usage, errors and the help line in Russian, from LANG as the system sets it', async () => {
    const env = { DATABASE_URL: database, LANG: 'ru_RU.UTF-8' };
    const help = await run(['seed', '--help'], env);
    assert.match(help.stdout, /^Использование: crm-telephony seed --contacts <N>/);
    assert.match(help.stdout, /от 0 до 10\s000\s000/, 'numbers as Russians write them');
    const bad = await run(['seed', '--contacts', 'lots'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ошибка: --contacts должен быть целым числом от 0 до 10\s000\s000; получено "lots"\.\nСправка: "crm-telephony seed --help"\./);
    const top = await run(['nonsense'], env);
    assert.match(top.stderr, /^ошибка: неизвестная команда "nonsense"\.\n\nИспользование: crm-telephony <команда>/);
  });

  it('import: the summary in Russian, with the separator and the plural forms', async () => {
    const file = join(dir, 'accounts.csv');
    writeFileSync(file, 'id;name;phone_office\nru-1;Ромашка;8 (495) 123-45-67\nru-2;Лютик;8 (495) 765-43-21\n');
    const r = await run(['import', file, '--type', 'accounts'], { DATABASE_URL: database, DEFAULT_REGION: 'RU', CRM_TELEPHONY_LANG: 'ru' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Импорт организаций из .*accounts\.csv \(разделитель — точка с запятой\): прочитаны 2 строки за \d+,\d с\.\n {2}создано: {4}2\n/);
  });

  it('LC_ALL=C is English whatever LANG says; CRM_TELEPHONY_LANG wins over both', async () => {
    const english = await run(['seed', '--help'], { LC_ALL: 'C', LANG: 'ru_RU.UTF-8' });
    assert.match(english.stdout, /^Usage: crm-telephony seed/);
    const russian = await run(['seed', '--help'], { CRM_TELEPHONY_LANG: 'ru', LC_ALL: 'C' });
    assert.match(russian.stdout, /^Использование:/);
  });

  it('doctor: its lines in Russian, its --json in English for scripts', async () => {
    const env = { DATABASE_URL: database, AGI_PORT: '0', HTTP_PORT: String(await freePort()), CRM_TELEPHONY_LANG: 'ru', RECORDINGS_LOCAL_DIR: dir };
    const text = await run(['doctor', '--timeout', '500'], env);
    assert.match(text.stdout, /^ОК {8}хранилище: .*demo\.sqlite: открыто, миграции применены, 4 пользователя$/m);
    assert.match(text.stdout, /^ОК {8}CRM: встроенный справочник \(SUITECRM_URL не задан\)$/m);
    const json = JSON.parse((await run(['doctor', '--json', '--timeout', '500'], env)).stdout) as { checks: { check: string; message: string }[] };
    const store = json.checks.find((c) => c.check === 'store');
    assert.match(store?.message ?? '', /opened, migrations up to date, 4 users$/);
  });
});
