import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from './fsProblem.js';

/** The folder under the root (dot-named: nginx never serves it, the scan never indexes it). */
export const MARKS_DIR = '.cs-marks';

/** A ticket older than this (in nanoseconds) counts as stale, so marks older than this can be deleted. */
const MARK_LIFETIME_NS = 10 * 60e9;
/** How long a purge waits for another process's write to finish before it deletes again anyway. */
const WRITER_WAIT_MS = 2_000;
/** Prune old marks once every this many purges. */
const PRUNE_EVERY = 1_024;

/**
 * The clock marks and tickets are compared on: the machine's monotonic clock in nanoseconds, shared
 * by every process on it (containers included) and never stepped by NTP, unlike the wall clock, whose
 * milliseconds would also tie a purge and a request begun in the same millisecond.
 */
export function markClock(): number {
  return Number(process.hrtime.bigint());
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Purges seen by every process writing the same root. `PurgeGenerations` orders a purge and a write
 * inside one process; several processes sharing one dump folder (a node cluster, several containers
 * on one volume) also need a purge in one to stop a write in another, or a page another process
 * rendered just before an edit is installed right after the edit deleted it, and nginx serves it.
 *
 * The protocol (two shared facts, checked in opposite orders, so one of the two sides always sees
 * the other): a purge records the time in its key's mark file, then deletes the files, then waits for
 * the writes of that key announced in `writing/` and deletes again if there were any. A write
 * announces itself in `writing/`, reads the mark (refused if the purge is newer than its ticket),
 * renames its files into place, reads the mark again (and removes what it installed if a purge came
 * meanwhile), then withdraws its announcement. A purge that resolves has left no older page behind,
 * whichever process wrote it. The times compared are one machine's monotonic clock (`markClock`), so
 * this holds for the processes of one machine; machines do not share one dump folder (each machine's
 * nginx serves its own, and its processes follow the Redis tier's broadcasts).
 */
export class SharedPurgeMarks {
  readonly #purged: string;
  readonly #writing: string;
  readonly #mode: number;
  #ready: Promise<void> | undefined;
  #purges = 0;

  constructor(root: string, dirMode: number) {
    this.#purged = join(root, MARKS_DIR, 'purged');
    this.#writing = join(root, MARKS_DIR, 'writing');
    this.#mode = dirMode;
  }

  /**
   * Records a purge of `key` (before its files are deleted); `key` '' is a clear of everything. The
   * time is read right before the write, so of two processes marking one key the later write holds
   * the later time (a mark never moves back past a purge another process recorded).
   */
  async mark(key: string): Promise<void> {
    await this.#ensure();
    await writeFile(join(this.#purged, nameOf(key)), String(markClock()), { mode: 0o600 });
    this.#purges += 1;
    if (this.#purges % PRUNE_EVERY === 0) void this.#prune();
  }

  /** True if a purge of `key` (or a clear) was recorded at or after `since`, or the ticket is too old to tell. */
  async purgedSince(key: string, since: number): Promise<boolean> {
    if (markClock() - since > MARK_LIFETIME_NS) return true;
    const [own, all] = await Promise.all([this.#read(nameOf(key)), this.#read(nameOf(''))]);
    return own >= since || all >= since;
  }

  /** Announces a write of `key`; call the returned function once the write is installed or given up. */
  async announce(key: string): Promise<() => Promise<void>> {
    await this.#ensure();
    const file = join(this.#writing, `${nameOf(key)}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await writeFile(file, '', { mode: 0o600, flag: 'wx' });
    return () => unlink(file).catch(() => undefined);
  }

  /**
   * Waits until no process is writing `key` (any key for '', a clear), at most a couple of seconds;
   * true if some write was seen, so the caller deletes again. An announcement older than that wait is one a killed process
   * left behind: it is ignored, and deleted (the process id in its name is for a reader of the
   * folder; it is not checked, since processes in other containers have other process ids).
   */
  async awaitWriters(key: string): Promise<boolean> {
    const prefix = key === '' ? '' : `${nameOf(key)}.`;
    const until = Date.now() + WRITER_WAIT_MS;
    let seen = false;
    for (;;) {
      const names = (await readdir(this.#writing).catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
      let live = 0;
      for (const name of names) {
        const path = join(this.#writing, name);
        const info = await stat(path).catch(() => undefined);
        if (info === undefined) continue;
        if (Date.now() - info.mtimeMs <= WRITER_WAIT_MS) live += 1;
        else await rm(path, { force: true });
      }
      if (live === 0 || Date.now() > until) return seen;
      seen = true;
      await sleep(2);
    }
  }

  async #read(name: string): Promise<number> {
    try {
      const text = await readFile(join(this.#purged, name), 'utf8');
      // A mark being rewritten can read empty: count it as a purge just now.
      const at = Number(text);
      return text === '' || !Number.isFinite(at) ? Number.POSITIVE_INFINITY : at;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return Number.NEGATIVE_INFINITY;
      return Number.POSITIVE_INFINITY;
    }
  }

  #ensure(): Promise<void> {
    this.#ready ??= Promise.all([
      mkdir(this.#purged, { recursive: true, mode: this.#mode }),
      mkdir(this.#writing, { recursive: true, mode: this.#mode }),
    ]).then(
      () => undefined,
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    );
    return this.#ready;
  }

  /** Deletes marks no ticket can predate any more (best effort: a failure only keeps a small file). */
  async #prune(): Promise<void> {
    const now = markClock();
    for (const name of await readdir(this.#purged).catch(() => [] as string[])) {
      if ((await this.#read(name)) < now - 2 * MARK_LIFETIME_NS)
        await rm(join(this.#purged, name), { force: true }).catch(() => undefined);
    }
  }
}

function nameOf(key: string): string {
  return key === '' ? 'all' : createHash('sha1').update(key).digest('hex');
}
