import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { policyText } from '../src/policy/policyText.js';

const FILE = `# The site's policy: comments explain it.
explicit: true
rulesetTypes:
  - name: site.page
    title: Page
    description: >-
      A long description folded
      over two lines.
policy:
  operationMapping:
    site.page: moderateCaching # the usual
  operations:
    moderateCaching:
      options: { smaxage: 1d, ramCache: true }
`;

describe('policyText', () => {
  it('edits changed values in place, keeping every comment, folded text and flow style', () => {
    const doc = parse(FILE) as {
      policy: {
        operationMapping: Record<string, string>;
        operations: { moderateCaching: { options: Record<string, unknown> } };
      };
    };
    doc.policy.operationMapping['site.page'] = 'noCaching';
    doc.policy.operations.moderateCaching.options.smaxage = '2h';
    const text = policyText('cacheset.yaml', FILE, doc as unknown as Record<string, unknown>);
    expect(text).toBe(
      FILE.replace('site.page: moderateCaching # the usual', 'site.page: noCaching # the usual').replace(
        'smaxage: 1d',
        'smaxage: 2h',
      ),
    );
  });

  it('rewrites the document when keys are added or removed, keeping the top comment, saying exactly the edit', () => {
    const doc = parse(FILE) as { policy: Record<string, unknown> };
    doc.policy.enabled = false;
    const text = policyText('cacheset.yaml', FILE, doc as unknown as Record<string, unknown>);
    expect(parse(text)).toEqual(doc);
    expect(text.startsWith("# The site's policy: comments explain it.")).toBe(true);
  });

  it('writes JSON files as JSON', () => {
    expect(policyText('policy.json', '{}', { policy: { enabled: true } })).toBe(
      '{\n  "policy": {\n    "enabled": true\n  }\n}\n',
    );
  });
});
