import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cliError, CliErrorCodes } from './errors/cliErrorCodes.js';

/** Reads a file named on the command line; a missing or unreadable one is a clear failure. */
export async function readTextFile(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
    throw cliError(CliErrorCodes.FILE_READ, `cannot read ${file}: ${reason}; check the path`, { file });
  }
}
