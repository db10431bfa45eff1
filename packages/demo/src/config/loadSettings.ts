import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { configError, CachesetError, type ConfigSource } from '@cacheset/core';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { demoError, DemoErrorCodes } from '../domain/DemoErrorCodes.js';
import { closestName } from './closestName.js';
import type { DemoSettings } from './DemoSettings.js';
import { packagePath } from './packagePath.js';
import {
  checkAdminToken,
  checkEditorToken,
  checkHost,
  checkMilliseconds,
  checkPath,
  checkPort,
  checkProxies,
  checkPublicUrl,
  checkRedisNodes,
  checkRedisUrl,
  checkSwitch,
  type Checked,
} from './settingRules.js';

interface SettingSpec {
  /** The environment variable. */
  readonly env: string;
  /** The command-line flag, for settings that have one. */
  readonly flag?: string;
  readonly check: (raw: unknown) => Checked<unknown>;
  /** A path in a config file is relative to the file's folder. */
  readonly path?: true;
}

// #region settings
/** Every setting: its key in a config file, its environment variable, its flag and its check. */
export const SETTINGS = {
  port: { env: 'PORT', flag: '--port', check: checkPort },
  host: { env: 'HOST', check: checkHost },
  dataDir: { env: 'CACHESET_DATA_DIR', check: checkPath, path: true },
  editorToken: { env: 'DEMO_EDITOR_TOKEN', check: checkEditorToken },
  adminToken: { env: 'CACHESET_ADMIN_TOKEN', check: checkAdminToken },
  redisUrl: { env: 'REDIS_URL', check: checkRedisUrl },
  redisClusterNodes: { env: 'REDIS_CLUSTER_NODES', check: checkRedisNodes },
  purgeProxies: { env: 'PURGE_PROXIES', check: checkProxies },
  purgeSync: { env: 'PURGE_SYNC', check: checkSwitch },
  purgeSyncTimeoutMs: { env: 'PURGE_SYNC_TIMEOUT_MS', check: checkMilliseconds },
  dumpRoot: { env: 'DUMP_ROOT', check: checkPath, path: true },
  publicUrl: { env: 'PUBLIC_URL', check: checkPublicUrl },
} as const satisfies Record<string, SettingSpec>;
// #endregion settings

type Key = keyof typeof SETTINGS;
const KEYS = Object.keys(SETTINGS) as Key[];

export const USAGE = `Usage: npm start -- [--port N] [--config FILE]

Settings come from the command line, then the environment, then the config file (--config FILE or
CACHESET_DEMO_CONFIG, YAML or JSON with the keys ${KEYS.join(', ')}), then the defaults.`;

function invalid(message: string, details: Readonly<Record<string, unknown>>): CachesetError {
  return demoError(DemoErrorCodes.INVALID_SETTINGS, message, details);
}

/** Values from `--port 3001` / `--port=3001` and `--config file`; anything else is an error. */
function readArguments(argv: readonly string[]): { values: Partial<Record<Key, unknown>>; config?: string } {
  const values: Partial<Record<Key, unknown>> = {};
  let config: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const known = flag === '--port' || flag === '--config';
    if (!known) {
      const suggestion = closestName(flag, ['--port', '--config']);
      throw invalid(
        `${arg}: unknown argument.${suggestion === undefined ? '' : ` Did you mean ${suggestion}?`}\n${USAGE}`,
        { argument: arg },
      );
    }
    const value = inline ?? argv[++i];
    if (value === undefined)
      throw invalid(`${flag}: give a value (${flag} ${flag === '--port' ? '3001' : 'gallery.yaml'}).`, {
        argument: flag,
      });
    if (flag === '--config') config = value;
    else values.port = value;
  }
  return config === undefined ? { values } : { values, config };
}

interface FileSettings {
  readonly values: Partial<Record<Key, unknown>>;
  readonly source: ConfigSource;
}

/** Reads a YAML or JSON settings file; every problem names the file, the line, the key and the value. */
function readFile(file: string, origin: string): FileSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(`Cannot read the settings file ${file} (named by ${origin}): ${(error as Error).message}`, {
      file,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const source: ConfigSource = {
    file,
    position(path, at = 'value') {
      const top = doc.contents;
      if (!isMap(top)) return undefined;
      const pair = top.items.find((item) => isScalar(item.key) && item.key.value === path[0]);
      const node = at === 'key' ? pair?.key : pair?.value;
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range === undefined) return undefined;
      const { line, col } = lines.linePos(range[0]);
      return { line, column: col };
    },
  };
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw invalid(`${file}:${line}:${col}: not valid YAML or JSON: ${first.message.split('\n')[0] ?? ''}`, {
      file,
      line,
      column: col,
    });
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw invalid(`${file}: the file must hold a mapping of settings (${KEYS.join(', ')}).`, { file });
  const values: Partial<Record<Key, unknown>> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(key in SETTINGS)) {
      const suggestion = closestName(key, KEYS);
      throw configError(
        DemoErrorCodes.INVALID_SETTINGS,
        [key],
        `unknown setting.${suggestion === undefined ? '' : ` Did you mean ${suggestion}?`}` +
          ` Known settings: ${KEYS.join(', ')}.`,
        value,
        source,
        'key',
      );
    }
    const spec: SettingSpec = SETTINGS[key as Key];
    // A relative path in a file means relative to the file, wherever the site is started from.
    values[key as Key] =
      spec.path === true && typeof value === 'string' && !isAbsolute(value) ? join(dirname(file), value) : value;
  }
  return { values, source };
}

const describe = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * The site's settings from the command line, the environment and an optional config file (in that
 * order of precedence), each checked: a bad value is `ERR_CACHESET_DEMO_INVALID_SETTINGS` naming
 * where it came from (the flag, the variable, or the file with line, column and key) and the value.
 */
export function loadSettings(argv: readonly string[], env: NodeJS.ProcessEnv): DemoSettings {
  const args = readArguments(argv);
  const configFile = args.config ?? (env.CACHESET_DEMO_CONFIG || undefined);
  const file =
    configFile === undefined
      ? undefined
      : readFile(resolve(configFile), args.config === undefined ? 'CACHESET_DEMO_CONFIG' : '--config');
  /** One setting from the first source that has it, checked; undefined when none has it. */
  const read = <T>(key: Key, check: (raw: unknown) => Checked<T>): T | undefined => {
    const spec: SettingSpec = SETTINGS[key];
    const fromArgs = args.values[key];
    const fromEnv = env[spec.env] === '' ? undefined : env[spec.env];
    const raw = fromArgs ?? fromEnv ?? file?.values[key];
    if (raw === undefined) return undefined;
    const checked = check(raw);
    if ('value' in checked) return checked.value;
    if (fromArgs !== undefined)
      throw invalid(`${spec.flag ?? key} ${describe(raw)}: ${checked.problem}`, { key, value: raw });
    if (fromEnv !== undefined) throw invalid(`${spec.env}=${describe(raw)}: ${checked.problem}`, { key, value: raw });
    throw configError(DemoErrorCodes.INVALID_SETTINGS, [key], `${describe(raw)} ${checked.problem}`, raw, file?.source);
  };
  const dataDir = resolve(read('dataDir', SETTINGS.dataDir.check) ?? packagePath('var'));
  const redisUrl = read('redisUrl', SETTINGS.redisUrl.check);
  const redisClusterNodes = read('redisClusterNodes', SETTINGS.redisClusterNodes.check);
  if (redisUrl !== undefined && redisClusterNodes !== undefined)
    throw invalid('REDIS_URL and REDIS_CLUSTER_NODES are both set: give one Redis or the seed nodes of a cluster.', {
      key: 'redisClusterNodes',
    });
  return {
    port: read('port', SETTINGS.port.check) ?? 3000,
    host: read('host', SETTINGS.host.check) ?? '127.0.0.1',
    dataDir,
    editorToken: read('editorToken', SETTINGS.editorToken.check),
    adminToken: read('adminToken', SETTINGS.adminToken.check),
    redisUrl,
    redisClusterNodes,
    purgeProxies: read('purgeProxies', SETTINGS.purgeProxies.check) ?? [],
    purgeSync: read('purgeSync', SETTINGS.purgeSync.check) ?? false,
    purgeSyncTimeoutMs: read('purgeSyncTimeoutMs', SETTINGS.purgeSyncTimeoutMs.check) ?? 2_000,
    dumpRoot: resolve(read('dumpRoot', SETTINGS.dumpRoot.check) ?? join(dataDir, 'dump')),
    publicUrl: read('publicUrl', SETTINGS.publicUrl.check),
  };
}
