import { describe, expect, it } from 'vitest';
import { managersClosedAfterEach } from './support/helpers.js';

const manager = managersClosedAfterEach();

// An object's entries are held directly while it has one and in a set from the second: the
// statistics must read the same through every step of that.
describe("an object's entries as it gains and loses them", () => {
  it('counts entries, views and hits from one entry to several and back', async () => {
    const ram = manager();
    const row = () => ram.report().find((r) => r.kind === 'value' && r.path === '/doc');
    await ram.values.set('/doc', 'full');
    expect(row()).toMatchObject({ entries: 1, views: ['<default>'], hits: 0 });
    await ram.values.get('/doc');
    await ram.values.set('/doc', 'teaser', { view: 'teaser' });
    await ram.values.set('/doc', 'card', { view: 'card' });
    await ram.values.get('/doc', { view: 'teaser' });
    await ram.values.get('/doc', { view: 'card' });
    expect(row()).toMatchObject({ entries: 3, views: ['<default>', 'card', 'teaser'], hits: 3 });
    // A value stored again replaces its entry: the reads of the replaced one still count.
    await ram.values.set('/doc', 'teaser 2', { view: 'teaser' });
    expect(row()).toMatchObject({ entries: 3, hits: 3 });
    expect(await ram.values.get('/doc', { view: 'teaser' })).toBe('teaser 2');
    expect(row()?.hits).toBe(4);
    // Invalidated: no entries left, the row keeps its counts.
    ram.invalidate('/doc');
    expect(await ram.values.get('/doc')).toBeUndefined();
    expect(row()).toMatchObject({ entries: 0, views: [], hits: 4 });
    await ram.values.set('/doc', 'again');
    expect(row()).toMatchObject({ entries: 1, views: ['<default>'] });
    expect(ram.statistics().entries).toBe(1);
  });
});
