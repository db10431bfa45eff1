/**
 * The `cacheset` executable's offline commands and conventions, run as a child process: check-config
 * on good and bad files, exit codes, one-line errors, --help with an example, --json, no colour off a
 * terminal, and the shipped VCL as varnish-vcl's default.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cacheset } from './support/cliRun.js';

const GOOD = 'packages/demo/cacheset.yaml';
const BAD = 'test/fixtures/cli/bad-policy.yaml';
const COMMANDS = [
  'check-config',
  'nginx-config',
  'apache-config',
  'varnish-vcl',
  'explain',
  'purge',
  'stats',
  'policy',
  'policy get',
  'policy set',
  'warm',
];

describe('cacheset check-config', () => {
  it('accepts the gallery policy with exit status 0', async () => {
    const run = await cacheset(['check-config', GOOD]);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe(`${GOOD}: no problems\n`);
  });

  it('lists every problem of a bad file, one a line with file:line:column and key, and exits 1', async () => {
    const run = await cacheset(['check-config', BAD]);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((l) => /^(\S+?):(\d+):\d+: (\S+): /.exec(l)?.slice(1, 4))).toEqual([
      [BAD, '3', 'rulesetTypes[0].name'],
      [BAD, '7', 'policy.operationMapping["site.x"]'],
      [BAD, '10', 'policy.operations.strongCaching.options.maxage'],
      [BAD, '10', 'policy.operations.strongCaching.options.colour'],
    ]);
    expect(lines[0]).toContain('"Bad-Name"');
    expect(lines[2]).toContain('"soon" is not a duration');
    expect(run.stderr).toBe(
      `cacheset: 4 problems in ${BAD}; fix them and run check-config again [ERR_CACHESET_CLI_CONFIG_PROBLEMS]\n`,
    );
  });

  it('gives the problems as JSON with --json', async () => {
    const run = await cacheset(['check-config', BAD, '--json']);
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { file: string; ok: boolean; problems: { code: string; line: number }[] };
    expect(json.file).toBe(BAD);
    expect(json.ok).toBe(false);
    expect(json.problems.map((p) => p.code)).toEqual([
      'ERR_CACHESET_INVALID_RULESET_NAME',
      'ERR_CACHESET_RULESET_NOT_DECLARED',
      'ERR_CACHESET_INVALID_OPTION',
      'ERR_CACHESET_INVALID_OPTION',
    ]);
  });

  it('accepts types declared in code with --declared', async () => {
    const run = await cacheset(['check-config', 'test/fixtures/cli/declared-in-code.yaml']);
    expect(run.status).toBe(1);
    const declared = await cacheset([
      'check-config',
      'test/fixtures/cli/declared-in-code.yaml',
      '--declared',
      'site.frontpage',
    ]);
    expect(declared.status).toBe(0);
  });

  it('a missing file is a failure (1) with what to do, not a stack', async () => {
    const run = await cacheset(['check-config', 'no/such/file.yaml']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'cacheset: cannot read no/such/file.yaml: no such file; check the path [ERR_CACHESET_CLI_FILE_READ]\n',
    );
    const debug = await cacheset(['check-config', 'no/such/file.yaml', '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('cacheset conventions', () => {
  it('usage errors exit 2 with one line naming the help to read', async () => {
    for (const [args, line] of [
      [[], "cacheset: no command given; run 'cacheset --help' for the commands [ERR_CACHESET_CLI_USAGE]"],
      [
        ['frobnicate'],
        "cacheset: unknown command 'frobnicate'; run 'cacheset --help' for usage [ERR_CACHESET_CLI_USAGE]",
      ],
      [
        ['check-config'],
        "cacheset: missing required argument 'file'; run 'cacheset check-config --help' for usage [ERR_CACHESET_CLI_USAGE]",
      ],
      [
        ['varnish-vcl', '--colour'],
        "cacheset: unknown option '--colour'; run 'cacheset varnish-vcl --help' for usage [ERR_CACHESET_CLI_USAGE]",
      ],
      [
        ['nginx-config', '--root', '/srv/cache'],
        'cacheset: --app is required: the address of the application [ERR_CACHESET_CLI_USAGE]',
      ],
      [
        ['explain', '/'],
        'cacheset: no application given: pass --url http://host:port/ or set CACHESET_URL [ERR_CACHESET_CLI_USAGE]',
      ],
    ] as const) {
      const run = await cacheset(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toBe(`${line}\n`);
      expect(run.stdout).toBe('');
    }
  });

  it('every command has --help with an example, exit 0', async () => {
    for (const command of COMMANDS) {
      const run = await cacheset([...command.split(' '), '--help']);
      expect(run.status, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: cacheset ${command}`);
      expect(run.stdout, command).toMatch(/Examples?:\n\s+\$ cacheset /);
    }
  });

  it('never colours output that is not a terminal, whatever the environment', async () => {
    const run = await cacheset(['check-config', BAD], { FORCE_COLOR: '1', TERM: 'xterm-256color' });
    expect(`${run.stdout}${run.stderr}`).not.toContain('\u001b[');
  });

  it('an unreachable application is a failure (1) in one line', async () => {
    const run = await cacheset(['stats', '--url', 'http://127.0.0.1:9/', '--timeout', '5']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^cacheset: cannot reach the admin API at http:\/\/127\.0\.0\.1:9\/_cacheset\/ \(.+\); check --url and that the application runs \[ERR_CACHESET_CLI_ADMIN_UNREACHABLE\]\n$/,
    );
  });
});

describe('cacheset varnish-vcl', () => {
  it('prints the shipped docs/varnish/cacheset.vcl for the given backend', async () => {
    const shipped = await readFile('docs/varnish/cacheset.vcl', 'utf8');
    const run = await cacheset(['varnish-vcl', '--backend', '127.0.0.1:8123']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(shipped.replace('${BACKEND_PORT}', '8123'));
  });

  it('takes the purge ACL and leaves xkey out on request', async () => {
    const run = await cacheset(['varnish-vcl', '--purger', '10.0.0.0/8', '--purger', '::1', '--no-xkey', '--json']);
    const json = JSON.parse(run.stdout) as { vcl: string; purgers: string[]; xkey: boolean };
    expect(json.purgers).toEqual(['10.0.0.0/8', '::1']);
    expect(json.xkey).toBe(false);
    expect(json.vcl).toContain('acl purgers {\n    "10.0.0.0"/8;\n    "::1";\n}');
    expect(json.vcl).not.toMatch(/xkey\./);
    expect(json.vcl).not.toContain('import xkey');
  });

  it('refuses a bad backend or network with exit status 2', async () => {
    for (const args of [
      ['--backend', 'host:99999'],
      ['--backend', 'bad host:80'],
      ['--purger', '10.0.0.0/40'],
    ]) {
      const run = await cacheset(['varnish-vcl', ...args]);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n')).toHaveLength(2);
    }
  });
});
