// SPDX-License-Identifier: MIT
/**
 * guest-image/cli/ - the `kdbus` command line - against the real guest
 * kernel, plus the host-side unit tests of its D-Bus marshaller
 * (guest-image/cli/tests/dbus-wire-test.c).
 *
 * The CLI is compiled here with i686-linux-gnu-gcc (static glibc: no musl
 * download needed) and copied in as /usr/bin/kdbus, so this tests the
 * sources in the tree even when public/guest/initrd.img is older.
 *
 * Every guest script starts its long-running commands (bus make, serve,
 * monitor...) in the background, records their PIDs and kills them at
 * the end: exec returns only when every process holding its output ended.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { bootGuest, type TestGuest } from '../helpers/guest.js';
import { compileForGuest, expectKernelClean } from '../helpers/guest-programs.js';

const CLI_DIR = join(REPO_ROOT, 'guest-image/cli');

/** Builds the CLI; returns the binary, or why it could not be built. */
function buildCli(dir: string): { binary: string } | { error: string } {
  const sources = readdirSync(CLI_DIR).filter((f) => f.endsWith('.c')).sort().map((f) => join(CLI_DIR, f));
  return compileForGuest(sources, join(dir, 'kdbus'));
}

/** A guest script with helpers: bg (start + remember), waitfor (poll a log). */
function script(body: string): string {
  return [
    'PIDS=""',
    'bg() { "$@" & PIDS="$PIDS $!"; }',
    'waitfor() { i=0; until grep -q "$2" "$1" 2>/dev/null; do i=$((i+1)); [ $i -lt 100 ] || { echo "timeout waiting for $2 in $1" >&2; cat "$1" >&2; return 1; }; sleep 0.1; done; }',
    'cleanup() { kill $PIDS 2>/dev/null; wait 2>/dev/null; }',
    body,
    'rc=$?; cleanup; exit $rc',
  ].join('\n');
}

/** A script that first makes bus NAME (as root: 0-NAME) and uses it by default. */
function onBus(name: string, body: string): string {
  return script([
    `bg kdbus bus make ${name} >/tmp/bus-${name}.log 2>&1`,
    `waitfor /tmp/bus-${name}.log /bus || exit 9`,
    `export KDBUS_BUS=0-${name}`,
    body,
  ].join('\n'));
}

const E = 'org.example.Echo';
const P = '/org/example/Echo';

describe('D-Bus marshaller unit tests (host)', () => {
  it('dbus-wire-test passes (alignment, containers, variants, malformed input)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-wire-'));
    try {
      const bin = join(dir, 'dbus-wire-test');
      const src = [join(CLI_DIR, 'tests/dbus-wire-test.c'), join(CLI_DIR, 'dbus-wire.c')];
      const base = ['-g', '-Wall', '-Wextra', '-Werror', '-I', CLI_DIR, '-o', bin, ...src];
      // Sanitizers make "never a crash" strict; fall back if the host lacks them.
      let r = spawnSync('gcc', ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', ...base], { encoding: 'utf8' });
      if (r.error || r.status !== 0) r = spawnSync('gcc', base, { encoding: 'utf8' });
      expect(r.error?.message ?? r.stderr, 'gcc (host) must build the marshaller test').toBe('');
      expect(r.status).toBe(0);
      const t = spawnSync(bin, [], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
      expect(t.stdout.split('\n').filter((l) => l.startsWith('not ok'))).toEqual([]);
      expect(t.stderr).toBe('');
      expect(t.status).toBe(0);
      expect(t.stdout).toMatch(/PASS: 0 failure/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kdbus CLI (guest-image/cli) in the guest', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kp-kdbus-cli-'));
  let guest: TestGuest | undefined;
  let problem: string | null = null;

  function ready(): TestGuest {
    if (problem || !guest) throw new Error(problem ?? 'no guest');
    return guest;
  }
  const run = (body: string) => ready().run(body);

  beforeAll(async () => {
    const built = buildCli(scratch);
    if ('error' in built) {
      problem = built.error;
      return;
    }
    guest = await bootGuest('snapshot');
    await guest.machine.putFile('/usr/bin/kdbus', new Uint8Array(readFileSync(built.binary)), 0o755);
  });

  afterAll(async () => {
    await guest?.machine.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('--help everywhere; bad usage prints the usage and exits 2', async () => {
    const cmds = ['ls', 'list', 'status', 'bus make', 'endpoint make', 'domain', 'hello', 'own', 'call',
      'emit', 'monitor', 'listen', 'serve', 'activate', 'policy'];
    const r = await run(script([
      'kdbus --help >/dev/null; echo "top $?"',
      ...cmds.map((c) => `kdbus ${c} --help | head -1; echo "${c} $?"`),
      'kdbus frobnicate; echo "unknown $?"',
      'kdbus call; echo "call-none $?"',
      'kdbus list --bogus; echo "bogus $?"',
      `kdbus call ${E} ${P} ${E} Add ii 1 x; echo "nan $?"`,
      `kdbus call ${E} ${P} ${E} Add ii 1; echo "few $?"`,
      `kdbus call ${E} ${P} ${E} Echo s a b; echo "many $?"`,
      `kdbus call ${E} not/a/path ${E} Echo; echo "path $?"`,
      'kdbus hello --send-meta creds,bogus; echo "meta $?"',
      'kdbus own :1.5; echo "own-unique $?"',
      'kdbus policy org.x.Y frob:world; echo "rule $?"',
    ].join('\n')));
    const out = r.stdout;
    expect(out).toContain('top 0');
    for (const c of cmds) {
      expect(out).toContain(`${c} 0`);
      expect(out).toContain(`usage: kdbus ${c.split(' ')[0]}`);
    }
    for (const k of ['unknown', 'call-none', 'bogus', 'nan', 'few', 'many', 'path', 'meta', 'own-unique', 'rule']) {
      expect(out, k).toContain(`${k} 2`);
    }
    expect(r.stderr).toContain('kdbus: unknown command "frobnicate"');
    expect(r.stderr).toContain('kdbus: unknown option --bogus');
    expect(r.stderr).toContain('"x" is not a number');
    expect(r.stderr).toContain('too few arguments');
    expect(r.stderr).toContain('too many arguments for signature "s"');
    expect(r.stderr).toContain('unknown metadata "bogus"');
    expect(r.stderr).toMatch(/usage: kdbus call/);
  });

  it('bus make, ls, hello, list, status (bus and connection)', async () => {
    const r = await run(onBus('cli', [
      'cat /tmp/bus-cli.log',
      'kdbus ls',
      'kdbus hello --send-meta creds,pids --description probe',
      'bg kdbus serve org.example.Echo --interval 0 >/tmp/serve.log 2>&1',
      'waitfor /tmp/serve.log "as :1" || exit 9',
      'kdbus list',
      'echo ---status',
      `kdbus status ${E}`,
      'echo ---bus',
      'kdbus status',
      'kdbus status org.nobody.Here; echo "noname $?"',
      'kdbus status 999; echo "noid $?"',
    ].join('\n')));
    expect(r.stderr).toContain('kdbus: CONN_INFO: ESRCH: nobody owns that name: org.nobody.Here');
    expect(r.stderr).toContain('kdbus: CONN_INFO: ENXIO: no connection with that ID: 999');
    const out = r.stdout;
    expect(out).toMatch(/^\/sys\/fs\/kdbus\/0-cli\/bus$/m);
    expect(out).toMatch(/^0-cli\s+bus\s+0600\s+0\s+0 \/sys\/fs\/kdbus\/0-cli\/bus$/m);
    expect(out).toMatch(/^ID: \d+$/m);
    expect(out).toMatch(/^BusID128: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/m);
    expect(out).toContain('BloomSize: 64\nBloomHashes: 2\n');
    expect(out).toContain('SendMeta: creds,pids\n');
    expect(out).toMatch(/^org\.example\.Echo\s+\d+ primary\s+\d+ kdbus\s+0 -/m);
    expect(out).toMatch(/^:1\.\d+ .* \(you\)$/m);
    const status = out.split('---status\n')[1]?.split('---bus\n')[0] ?? '';
    for (const label of ['UID=0 EUID=0', 'PID=', 'TIDComm: kdbus', 'PIDComm: kdbus', 'Exe: /usr/bin/kdbus',
      'CommandLine: kdbus', 'CGroup: ', 'Caps: last_cap=40', 'OwnedName: org.example.Echo (primary)']) {
      expect(status).toContain(label);
    }
    expect(out).toContain('BusName: 0-cli');
    expect(out).toContain('noname 1');
    expect(out).toContain('noid 1');
  });

  it('a bus that requires metadata: ECONNREFUSED names what is missing; creator metadata', async () => {
    const r = await run(script([
      'bg kdbus bus make strict --require-meta creds,pids --creator-meta pids,comm >/tmp/b.log 2>&1',
      'waitfor /tmp/b.log /bus || exit 9',
      'kdbus hello --bus 0-strict --send-meta creds; echo "refused $?"',
      'kdbus hello --bus 0-strict --send-meta creds,pids >/dev/null; echo "accepted $?"',
      'kdbus status --bus 0-strict',
    ].join('\n')));
    expect(r.stderr).toContain('kdbus: HELLO: ECONNREFUSED: the bus requires metadata you did not offer: pids\n');
    expect(r.stdout).toContain('refused 1');
    expect(r.stdout).toContain('accepted 0');
    expect(r.stdout).toContain('RequiredMetadata: creds,pids');
    expect(r.stdout).toMatch(/PID=\d+ TID=\d+ PPID=\d+/);
    expect(r.stdout).toContain('PIDComm: kdbus');
    expect(r.stdout).not.toContain('UID=');	// creds were not in --creator-meta
  });

  it('serve + call: Echo, Add, Sleep, Fail, bad signature, unknown name, by ID', async () => {
    const r = await run(onBus('call', [
      'bg kdbus serve org.example.Echo --interval 0 >/tmp/serve.log 2>&1',
      'waitfor /tmp/serve.log "as :1" || exit 9',
      `kdbus call ${E} ${P} ${E} Echo s "hello, kdbus"; echo "echo $?"`,
      `kdbus call ${E} ${P} ${E} Add ii -2 5; echo "add $?"`,
      `kdbus call ${E} ${P} ${E} Add ii 2147483647 1; echo "overflow $?"`,
      `kdbus call ${E} ${P} ${E} Sleep u 50; echo "sleep $?"`,
      `kdbus call ${E} ${P} ${E} Fail; echo "fail $?"`,
      `kdbus call ${E} ${P} ${E} Echo i 5; echo "badsig $?"`,
      `kdbus call ${E} ${P} ${E} Nope; echo "nomethod $?"`,
      `kdbus call ${E} ${P} org.freedesktop.DBus.Peer Ping; echo "ping $?"`,
      'kdbus call org.nobody.Here /x a.b C; echo "noname $?"',
      `ID=$(sed -n 's/.* as \\(:1\\.[0-9]*\\),.*/\\1/p' /tmp/serve.log)`,
      `kdbus call $ID ${P} ${E} Echo s by-id; echo "byid $?"`,
      `kdbus call ${E} ${P} ${E} Sleep u 3000 --timeout 0.2; echo "timeout $?"`,
    ].join('\n')));
    const out = r.stdout;
    expect(out).toContain('s "hello, kdbus"\necho 0');
    expect(out).toContain('i 3\nadd 0');
    expect(out).toContain('overflow 1');
    expect(out).toContain('sleep 0');
    expect(out).toContain('fail 1');
    expect(out).toContain('badsig 1');
    expect(out).toContain('nomethod 1');
    expect(out).toContain('ping 0');
    expect(out).toContain('noname 1');
    expect(out).toContain('s "by-id"\nbyid 0');
    expect(out).toContain('timeout 1');
    expect(r.stderr).toContain('kdbus: call failed: org.example.Error.Overflow: the sum does not fit in an int32');
    expect(r.stderr).toContain('kdbus: call failed: org.example.Error.Failed: Fail() always fails');
    expect(r.stderr).toContain('kdbus: call failed: org.freedesktop.DBus.Error.InvalidArgs');
    expect(r.stderr).toContain('kdbus: call failed: org.freedesktop.DBus.Error.UnknownMethod');
    expect(r.stderr).toContain('kdbus: SEND: ESRCH: nobody owns the destination name: org.nobody.Here');
    expect(r.stderr).toContain('kdbus: SEND: ETIMEDOUT: no reply before the timeout');
  });

  it('monitor prints calls, replies, errors, signals and kernel notifications', async () => {
    const r = await run(onBus('mon', [
      'bg kdbus monitor >/tmp/mon.log 2>&1',
      'waitfor /tmp/mon.log Monitoring || exit 9',
      'bg kdbus serve org.example.Echo --interval 0 >/tmp/serve.log 2>&1',
      'waitfor /tmp/serve.log "as :1" || exit 9',
      `kdbus call ${E} ${P} ${E} Echo s hi >/dev/null`,
      `kdbus call ${E} ${P} ${E} Fail 2>/dev/null`,
      'kdbus emit /org/example/Echo org.example.Echo Changed a{sv} 2 answer i 42 name s x',
      'waitfor /tmp/mon.log Changed || exit 9',
      'sleep 0.2; cat /tmp/mon.log',
    ].join('\n')));
    const out = r.stdout;
    expect(out).toMatch(/‣ Kernel IdAdd {2}Id=:1\.\d+ {2}Flags=-/);
    expect(out).toMatch(/‣ Kernel NameAdd {2}Name=org\.example\.Echo {2}Old=- {2}New=:1\.\d+\(primary\)/);
    expect(out).toMatch(/‣ Type=method_call {2}Endian=l {2}Flags=0 {2}Version=1 {2}Cookie=1/);
    expect(out).toContain(`Destination=${E}  Path=${P}  Interface=${E}  Member=Echo`);
    expect(out).toContain('  MESSAGE "s" {\n          STRING "hi";\n  };');
    expect(out).toMatch(/‣ Type=method_return .* ReplyCookie=1/);
    expect(out).toContain('ErrorName=org.example.Error.Failed');
    expect(out).toMatch(/‣ Type=signal /);
    expect(out).toContain('ARRAY "{sv}" {');
    expect(out).toContain('DICT_ENTRY "sv" {');
    expect(out).toContain('VARIANT "i" {');
    expect(out).toContain('INT32 42;');
    expect(out).toMatch(/PID=\d+ Comm=kdbus UID=0/);
  });

  it('emit: the bloom filter lets matching listeners (and only those) receive', async () => {
    const r = await run(onBus('bloom', [
      'bg kdbus listen --interface org.example.Sig --member Hello --count 1 >/tmp/l1.log 2>&1',
      'bg kdbus listen --interface org.example.Other --count 1 >/tmp/l2.log 2>&1',
      'bg kdbus listen --arg0 world --path /a/b --count 1 >/tmp/l3.log 2>&1',
      'bg kdbus listen --arg0 moon --count 1 >/tmp/l4.log 2>&1',
      'for f in 1 2 3 4; do waitfor /tmp/l$f.log Listening || exit 9; done',
      'kdbus emit /a/b org.example.Sig Hello s world; echo "emit $?"',
      'waitfor /tmp/l1.log Hello; waitfor /tmp/l3.log Hello; sleep 0.3',
      'for f in 1 2 3 4; do echo "== l$f"; cat /tmp/l$f.log; done',
      'kdbus emit /a/b org.example.Sig Hello s world --dest org.nobody.X; echo "unicast-noname $?"',
    ].join('\n')));
    const logs = Object.fromEntries(r.stdout.split('== ').slice(1).map((s) => [s.slice(0, 2), s]));
    expect(r.stdout).toContain('emit 0');
    expect(logs.l1).toContain('Member=Hello');
    expect(logs.l3).toContain('STRING "world";');
    expect(logs.l2).not.toContain('Member=Hello');
    expect(logs.l4).not.toContain('Member=Hello');
    expect(r.stdout).toContain('unicast-noname 1');
    expect(r.stderr).toContain('ESRCH');
  });

  it('own: acquire, queue, replacement, and list --queued', async () => {
    const r = await run(onBus('own', [
      'bg kdbus own org.example.Name --allow-replacement >/tmp/o1.log 2>&1',
      'waitfor /tmp/o1.log "owned by" || exit 9',
      'kdbus own org.example.Name; echo "taken $?"',
      'bg kdbus own org.example.Name --queue >/tmp/o2.log 2>&1',
      'waitfor /tmp/o2.log queued || exit 9',
      'kdbus list --queued | grep org.example.Name',
      'bg kdbus own org.example.Name --replace >/tmp/o3.log 2>&1',
      'waitfor /tmp/o3.log "owned by" || exit 9',
      'waitfor /tmp/o1.log "taken over" || exit 9',
      'cat /tmp/o1.log /tmp/o2.log /tmp/o3.log',
      `kdbus call org.example.Name / a.b C; echo "call-own $?"`,
    ].join('\n')));
    expect(r.stderr).toContain('kdbus: NAME_ACQUIRE: EEXIST: another connection owns the name (try --queue or --replace): org.example.Name');
    expect(r.stdout).toContain('taken 1');
    expect(r.stdout).toMatch(/^org\.example\.Name\s+\d+ primary,allow-replacement /m);
    expect(r.stdout).toMatch(/^org\.example\.Name\s+\d+ in-queue,queue /m);
    expect(r.stdout).toMatch(/org\.example\.Name: queued as :1\.\d+ \(queue,in-queue,acquired\)/);
    expect(r.stdout).toMatch(/org\.example\.Name: owned by :1\.\d+ \(primary,acquired\)/);
    expect(r.stdout).toMatch(/org\.example\.Name: taken over by :1\.\d+/);
    expect(r.stdout).toContain('call-own 1');
    expect(r.stderr).toContain('org.freedesktop.DBus.Error.UnknownMethod');
  });

  it('activate starts the service on the first call, which then gets the call', async () => {
    const r = await run(onBus('act', [
      'bg kdbus activate org.example.Act -- kdbus serve org.example.Act --interval 0 >/tmp/a.log 2>&1',
      'waitfor /tmp/a.log "held by activator" || exit 9',
      'kdbus list --activatable | grep org.example.Act',
      'kdbus call org.example.Act /org/example/Act org.example.Act Echo s woken; echo "call $?"',
      'kdbus call org.example.Act /org/example/Act org.example.Act Echo s again --no-auto-start; echo "again $?"',
      'kdbus list | grep org.example.Act',
      'cat /tmp/a.log',
    ].join('\n')));
    expect(r.stdout).toMatch(/^org\.example\.Act\s+\d+ activator\s.*activator$/m);
    expect(r.stdout).toContain('s "woken"\ncall 0');
    expect(r.stdout).toContain('s "again"\nagain 0');
    expect(r.stdout).toMatch(/^org\.example\.Act\s+\d+ primary /m);
    expect(r.stdout).toContain('activate: a message for org.example.Act arrived, starting kdbus');
    expect(r.stdout).toMatch(/serve: :1\.\d+ calls org\.example\.Act\.Echo\(s\)/);
  });

  it('policy holder, custom endpoint with --allow, domain mount', async () => {
    const r = await run(onBus('pol', [
      'bg kdbus policy org.example.Pol own:user:1000 talk:world >/tmp/p.log 2>&1',
      'waitfor /tmp/p.log "policy held" || exit 9',
      'cat /tmp/p.log',
      'kdbus list | grep policy-holder',
      'kdbus policy org.example.Pol see:world; echo "second-holder $?"',
      'bg kdbus endpoint make 0-pol web --allow org.example.Echo:talk:world --world >/tmp/ep.log 2>&1',
      'waitfor /tmp/ep.log 0-web || exit 9',
      'cat /tmp/ep.log',
      'kdbus ls | grep 0-web',
      'kdbus hello --bus 0-pol/0-web | head -1',
      'kdbus monitor --bus 0-pol/0-web --count 1; echo "monitor-ep $?"',
      'kdbus endpoint make 0-nope x; echo "ep-nobus $?"',
      'kdbus domain mount /tmp/dom && kdbus --root /tmp/dom ls',
      'bg kdbus bus make other --root /tmp/dom >/tmp/d.log 2>&1',
      'waitfor /tmp/d.log /bus || exit 9',
      'kdbus ls --root /tmp/dom | grep 0-other',
      'KDBUS_BUS= kdbus hello --root /tmp/dom | grep Endpoint',
    ].join('\n')));
    expect(r.stdout).toMatch(/org\.example\.Pol: policy held by :1\.\d+: own:user:1000 talk:world/);
    expect(r.stdout).toMatch(/^:1\.\d+\s+\d+ -\s.*policy-holder$/m);
    expect(r.stderr).toContain('kdbus: HELLO: EEXIST: the name already has an activator, or another connection holds its policy');
    expect(r.stdout).toContain('second-holder 1');
    expect(r.stdout).toContain('/sys/fs/kdbus/0-pol/0-web\n  allow org.example.Echo:talk:world');
    expect(r.stdout).toMatch(/^0-pol\s+0-web\s+0666\s+0\s+0 \/sys\/fs\/kdbus\/0-pol\/0-web$/m);
    expect(r.stdout).toContain('Endpoint: /sys/fs/kdbus/0-pol/0-web');
    expect(r.stderr).toContain('kdbus: HELLO: EOPNOTSUPP: monitors cannot connect through a custom endpoint');
    expect(r.stdout).toContain('monitor-ep 1');
    expect(r.stdout).toContain('ep-nobus 1');
    expect(r.stdout).toContain('(no buses in /tmp/dom)');
    expect(r.stdout).toMatch(/^0-other\s+bus\s+0600/m);
    expect(r.stdout).toContain('Endpoint: /tmp/dom/0-other/bus');
  });

  it('left the kernel clean (no reports, clean dmesg)', async () => {
    await expectKernelClean(ready());
  });
});
