import { CachesetError, type CachesetErrorCode } from '../errors/CachesetError.js';

export type ConfigPath = readonly (string | number)[];

/** Where configuration came from, so errors can name the file, line and column. */
export interface ConfigSource {
  readonly file: string;
  /** 1-based position of the value (or of its key) at `path` from the document root, when known. */
  position(path: ConfigPath, at?: 'key' | 'value'): { readonly line: number; readonly column: number } | undefined;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `policy.operationMapping["site.frontpage"]`, `rulesetTypes[2].name` */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(top level)' : text;
}

/** A configuration error naming the file (with line and column when known), the key and the problem. */
export function configError(
  code: CachesetErrorCode,
  path: ConfigPath,
  problem: string,
  value: unknown,
  source?: ConfigSource,
  at: 'key' | 'value' = 'value',
): CachesetError {
  const key = formatConfigPath(path);
  const position = source?.position(path, at);
  const where =
    source === undefined
      ? ''
      : position === undefined
        ? `${source.file}: `
        : `${source.file}:${position.line}:${position.column}: `;
  return new CachesetError(code, `${where}${key}: ${problem}`, {
    details: {
      key,
      path,
      value,
      ...(source === undefined ? {} : { file: source.file }),
      ...(position === undefined ? {} : { line: position.line, column: position.column }),
    },
  });
}
