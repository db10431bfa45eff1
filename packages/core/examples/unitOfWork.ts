// A unit of work: purges queued inside it are handled once each when it commits, and never when it fails.
import { EventBus, Purge, currentUnitOfWork, runInUnitOfWork, trackWork } from '@cacheset/core';

class Page {
  constructor(readonly path: string) {}
}

export async function main(): Promise<{ sent: string[][]; failed: string; order: string[] }> {
  const bus = new EventBus();
  const sent: string[][] = [];
  const order: string[] = [];
  const queueKey = Symbol('example.purgeQueue');

  // What a purge plugin does: collect per unit, send at commit.
  bus.subscribe(Purge, (event) => {
    const unit = currentUnitOfWork();
    const path = (event.object as Page).path;
    if (unit === undefined) return void sent.push([path]);
    const queue = unit.state(queueKey, () => {
      const paths = new Set<string>();
      unit.onCommit(() => {
        sent.push([...paths]);
        order.push('proxy purges sent');
      });
      return paths;
    });
    queue.add(path);
  });

  // What a disk cache does: start deleting at once; the unit is finished only when the files are gone.
  bus.subscribe(Purge, (event) => {
    const deleting = new Promise((resolve) => setTimeout(resolve, 10));
    trackWork(
      deleting.then(() => void order.push(`deleted ${(event.object as Page).path}`)),
      { label: 'deleting the dumps' },
    );
  });

  const importPages = async (paths: string[]): Promise<void> => {
    for (const path of paths) bus.notify(new Purge(new Page(path)));
  };

  await runInUnitOfWork(() => importPages(['/news', '/news/1', '/news']), { label: 'nightly import' });
  order.push('import finished');

  let failed = '';
  try {
    await runInUnitOfWork(async () => {
      await importPages(['/gallery']);
      throw new Error('import failed halfway');
    });
  } catch (error) {
    failed = (error as Error).message; // re-thrown after the abort; '/gallery' was never sent
  }
  return { sent, failed, order };
}
