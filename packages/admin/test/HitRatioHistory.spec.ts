import { describe, expect, it } from 'vitest';
import { hitRatioChart } from '../src/html/hitRatioChart.js';
import { HitRatioHistory } from '../src/stats/HitRatioHistory.js';

describe('HitRatioHistory', () => {
  it('keeps the ratio of each interval from the growing counters, the last samples only', () => {
    const history = new HitRatioHistory({ intervalMs: 1000, samples: 3 });
    history.read(0, 0, 0);
    history.read(500, 5, 5); // within the interval: no sample yet
    history.read(1000, 3, 1);
    history.read(2000, 3, 1); // no lookups: a gap
    history.read(3000, 4, 4);
    history.read(4000, 10, 4);
    expect(history.list()).toEqual([
      { at: 2000, hits: 0, misses: 0, ratio: null },
      { at: 3000, hits: 1, misses: 3, ratio: 0.25 },
      { at: 4000, hits: 6, misses: 0, ratio: 1 },
    ]);
  });

  it('draws the samples as an SVG line with a gap, with a text alternative', () => {
    const svg = hitRatioChart(
      [
        { at: 1, hits: 1, misses: 1, ratio: 0.5 },
        { at: 2, hits: 0, misses: 0, ratio: null },
        { at: 3, hits: 1, misses: 0, ratio: 1 },
        { at: 4, hits: 0, misses: 1, ratio: 0 },
      ],
      10_000,
    ).text;
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/<title id="hit-ratio-title">RAM hit ratio over the last 1 minute\(s\), 4 samples\.<\/title>/);
    // Two segments: the gap splits the line; one point per sample with lookups.
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });
});
