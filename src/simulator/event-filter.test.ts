/** A session's event filters, decided as Asterisk 20's manager.c decides (should_send_event, manager_add_filter). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePosix, EventFilters, FILTER_COMPILE_FAIL, FILTER_FORMAT_ERROR } from './event-filter.ts';
import { encodeMessage } from './message-encoder.ts';

const newchannel = encodeMessage([['Event', 'Newchannel'], ['Privilege', 'call,all'], ['Channel', 'PJSIP/101-00000001'], ['Exten', '101']]);
const local = encodeMessage([['Event', 'Newchannel'], ['Privilege', 'call,all'], ['Channel', 'Local/101@agents-00000000;1'], ['Exten', '101']]);
const hangup = encodeMessage([['Event', 'Hangup'], ['Privilege', 'call,all'], ['Channel', 'PJSIP/101-00000001'], ['Cause', '16']]);
const varSet = encodeMessage([['Event', 'VarSet'], ['Privilege', 'dialplan,all'], ['Channel', 'PJSIP/101-00000001'], ['Variable', 'DIALSTATUS'], ['Value', 'ANSWER']]);

function filters(...added: [string, string?][]): EventFilters {
  const f = new EventFilters();
  for (const [pattern, criteria] of added) assert.deepEqual(f.add(pattern, criteria), { ok: true }, pattern);
  return f;
}

describe('event filters (legacy: a regular expression over the whole event)', () => {
  it('no filter: every event', () => {
    const f = new EventFilters();
    assert.equal(f.active, false);
    assert.ok(f.allows('Hangup', hangup));
  });

  it('include filters only: an event one of them matches', () => {
    const f = filters(['Event: Newchannel'], ['Event: VarSet.*Variable: DIALSTATUS']);
    assert.equal(f.active, true);
    assert.ok(f.allows('Newchannel', newchannel));
    assert.ok(f.allows('VarSet', varSet), "'.' runs over the line ends, as regcomp without REG_NEWLINE");
    assert.ok(!f.allows('Hangup', hangup));
  });

  it("exclude filters only ('!'): every event none of them matches", () => {
    const f = filters(['!Channel: Local/']);
    assert.ok(f.allows('Newchannel', newchannel));
    assert.ok(!f.allows('Newchannel', local));
  });

  it('both: included, then not excluded', () => {
    const f = filters(['Event: Newchannel'], ['!Channel: Local/']);
    assert.ok(f.allows('Newchannel', newchannel));
    assert.ok(!f.allows('Newchannel', local));
    assert.ok(!f.allows('Hangup', hangup));
  });

  it('refuses an empty pattern and one that does not compile, as Asterisk words it', () => {
    const f = new EventFilters();
    assert.deepEqual(f.add(''), { ok: false, message: FILTER_FORMAT_ERROR });
    assert.deepEqual(f.add('Event: (Newchannel'), { ok: false, message: FILTER_COMPILE_FAIL });
    assert.deepEqual(f.add('[[:nonsense:]]'), { ok: false, message: FILTER_COMPILE_FAIL });
    assert.equal(f.active, false, 'nothing was added');
  });
});

describe('event filters (advanced: MatchCriteria)', () => {
  it('name() alone keeps the events of that name', () => {
    const f = filters(['', 'action(include),name(Newchannel)']);
    assert.ok(f.allows('Newchannel', newchannel));
    assert.ok(!f.allows('Hangup', hangup));
  });

  it('header() with a method looks at that header only', () => {
    const f = filters(['Local/', 'action(exclude),name(Newchannel),header(Channel),method(starts_with)']);
    assert.ok(f.allows('Newchannel', newchannel));
    assert.ok(!f.allows('Newchannel', local));
    assert.ok(f.allows('Hangup', hangup), "another name is not this filter's business");
    const exact = filters(['ANSWER', 'header(Value),method(exact)']);
    assert.ok(exact.allows('VarSet', varSet));
    assert.ok(!filters(['ANSW', 'header(Value),method(exact)']).allows('VarSet', varSet));
    assert.ok(filters(['SWE', 'header(Value:),method(contains)']).allows('VarSet', varSet));
    assert.ok(filters(['^DIAL', 'header(Variable),method(regex)']).allows('VarSet', varSet), 'a regex sees the value alone');
  });

  it('refuses what manager.c refuses', () => {
    const f = new EventFilters();
    for (const criteria of ['name(Newchannel', 'action(sometimes)', 'colour(red)', 'method(fuzzy)', 'name()']) {
      assert.deepEqual(f.add('x', criteria), { ok: false, message: FILTER_FORMAT_ERROR }, criteria);
    }
    assert.deepEqual(f.add('Newchannel', 'name(Newchannel)'), { ok: false, message: FILTER_FORMAT_ERROR }, 'a pattern needs a method');
    assert.deepEqual(f.add('', 'method(regex)'), { ok: false, message: FILTER_FORMAT_ERROR }, 'a method needs a pattern');
    assert.deepEqual(f.add('', 'action(include)'), { ok: false, message: FILTER_FORMAT_ERROR }, 'neither name, header nor pattern');
  });
});

describe('POSIX extended expressions as JavaScript ones', () => {
  it('reads bracket classes and a leading ] as POSIX does', () => {
    assert.ok(compilePosix('Event: Hangup[[:space:]]')!.test('Event: Hangup\r\n'));
    assert.ok(!compilePosix('Event: Hangup[[:space:]]')!.test('Event: HangupRequest\r\n'));
    assert.ok(compilePosix('x[]]y')!.test('x]y'));
    assert.ok(compilePosix('a[^[:alnum:]]')!.test('a\r'));
    assert.ok(compilePosix('[\\]')!.test('\\'), 'a backslash inside brackets is itself');
  });

  it('fails where regcomp fails', () => {
    assert.equal(compilePosix('(a'), null);
    assert.equal(compilePosix('[abc'), null);
  });
});
