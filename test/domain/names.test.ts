import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput, NamespaceExhausted } from '../../src/domain/errors.js';
import {
  baselineGroupName,
  baselineTargetGroupName,
  belongsToCluster,
  clusterProblem,
  executionName,
  imageName,
  nextSequence,
  parseCluster,
  parseServerGroup,
  RELEASE_PATTERN,
  scheduleName,
  serverGroupName,
  targetGroupName,
} from '../../src/domain/names.js';
import { clusterArb, releaseArb, sequenceArb } from './arbitraries.js';

const TG_RULES = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const AMI_RULES = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;
const SCHEDULE_RULES = /^[0-9a-zA-Z\-_.]{1,64}$/;
const EXECUTION_RULES = /^[A-Za-z0-9_-]{1,80}$/;

describe('parseCluster', () => {
  it('splits app, stack and detail (detail keeps its hyphens)', () => {
    // Act / Assess
    expect(parseCluster('web')).toEqual({ app: 'web' });
    expect(parseCluster('web-prod')).toEqual({ app: 'web', stack: 'prod' });
    expect(parseCluster('web-prod-eu-west')).toEqual({ app: 'web', stack: 'prod', detail: 'eu-west' });
  });

  it.each([
    ['', 'must not be empty'],
    ['Web', 'lowercase'],
    ['web--prod', 'lowercase'],
    ['-web', 'lowercase'],
    ['web_prod', 'lowercase'],
    ['a'.repeat(33), 'at most 32'],
    ['web-v001', 'vNNN'],
  ])('rejects %j naming the field', (name, why) => {
    // Act
    const act = () => parseCluster(name, 'detail.cluster');
    // Assess
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(why);
    expect(act).toThrow('detail.cluster');
  });

  it('rejects non-strings', () => {
    // Assess
    expect(clusterProblem(42)).toBe('must be a string');
  });

  it('property: arbitrary input only ever throws InvalidInput, and valid names round-trip', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), clusterArb), (x) => {
        try {
          // Act
          const { app, stack, detail } = parseCluster(x);
          // Assess
          expect([app, stack, detail].filter((p) => p !== undefined).join('-')).toBe(x);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidInput);
        }
      }),
    );
  });
});

describe('server groups', () => {
  it('names and parses <cluster>-vNNN', () => {
    // Act
    const name = serverGroupName('web-prod', 7);
    // Assess
    expect(name).toBe('web-prod-v007');
    expect(parseServerGroup(name)).toEqual({ cluster: 'web-prod', sequence: 7 });
  });

  it('never attributes web-prod-v001 to cluster web', () => {
    // Assess
    expect(belongsToCluster('web-prod-v001', 'web')).toBe(false);
    expect(belongsToCluster('web-prod-v001', 'web-prod')).toBe(true);
    expect(belongsToCluster('web-v001', 'web')).toBe(true);
    expect(belongsToCluster('web-v1', 'web')).toBe(false);
    expect(belongsToCluster('web-v0001', 'web')).toBe(false);
  });

  it('returns undefined for names that are not server groups', () => {
    // Assess
    expect(parseServerGroup('web-prod')).toBeUndefined();
    expect(parseServerGroup('Web-v001')).toBeUndefined();
    expect(parseServerGroup('-v001')).toBeUndefined();
  });

  it('property: parseServerGroup never throws and only accepts exact <cluster>-vNNN names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (s) => {
        // Act
        const parsed = parseServerGroup(s);
        // Assess
        if (parsed) expect(serverGroupName(parsed.cluster, parsed.sequence)).toBe(s);
      }),
    );
  });

  it('rejects numbers outside v000-v999', () => {
    // Assess
    expect(() => serverGroupName('web', 1000)).toThrow(RangeError);
    expect(() => serverGroupName('web', 1.5)).toThrow(RangeError);
  });

  it('property: name and parse round-trip, and a group belongs only to its own cluster', () => {
    fc.assert(
      fc.property(clusterArb, clusterArb, sequenceArb, (c, other, n) => {
        // Act
        const name = serverGroupName(c, n);
        // Assess
        expect(parseServerGroup(name)).toEqual({ cluster: c, sequence: n });
        expect(belongsToCluster(name, other)).toBe(other === c);
      }),
    );
  });
});

describe('nextSequence', () => {
  it.each<[number[], number]>([
    [[], 0],
    [[1], 2],
    [[1, 2], 3],
    [[3, 1], 4],
    [[999], 0],
    [[998, 999, 0], 1],
    [[999, 0, 1], 2],
    [[0, 999], 1],
    [[500, 999], 0],
    [[0, 500], 501],
  ])('after %j comes %i', (inUse, next) => {
    // Act / Assess
    expect(nextSequence(inUse)).toBe(next);
  });

  it('starts after the newest group when the caller knows it, skipping numbers in use', () => {
    // Act / Assess
    expect(nextSequence([100, 900], 100)).toBe(101);
    expect(nextSequence([5, 6, 7, 998], 5)).toBe(8);
    expect(nextSequence([999, 0, 1], 999)).toBe(2);
  });

  it('throws NamespaceExhausted when all 1000 numbers are used', () => {
    // Prepare
    const all = Array.from({ length: 1000 }, (_, i) => i);
    // Act / Assess
    expect(() => nextSequence(all)).toThrow(NamespaceExhausted);
    expect(() => nextSequence(all, 3)).toThrow(NamespaceExhausted);
    expect(nextSequence(all.slice(1))).toBe(0);
  });

  it('rejects numbers out of range', () => {
    // Assess
    expect(() => nextSequence([1000])).toThrow(RangeError);
    expect(() => nextSequence([1], -1)).toThrow(RangeError);
  });

  it('property: never returns a number in use, always 0-999', () => {
    fc.assert(
      fc.property(fc.array(sequenceArb, { maxLength: 999 }), fc.option(sequenceArb, { nil: undefined }), (inUse, newest) => {
        // Prepare
        fc.pre(new Set(inUse).size < 1000);
        // Act
        const n = nextSequence(inUse, newest);
        // Assess
        expect(inUse).not.toContain(n);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(999);
      }),
    );
  });

  it('property: a run of recent numbers (wrapped or not) continues after its end', () => {
    fc.assert(
      fc.property(sequenceArb, fc.integer({ min: 1, max: 400 }), (start, length) => {
        // Prepare: the sequence of `length` consecutive deployments starting at `start`.
        const run = Array.from({ length }, (_, i) => (start + i) % 1000);
        // Act / Assess
        expect(nextSequence(run)).toBe((start + length) % 1000);
      }),
    );
  });

  it('property: with a known newest group, the result is the first free number after it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(sequenceArb, { minLength: 1, maxLength: 50 }), (inUse) => {
        // Prepare
        const newest = inUse[0] as number;
        // Act
        const n = nextSequence(inUse, newest);
        // Assess: every number strictly between newest and n (circularly) is in use.
        for (let k = (newest + 1) % 1000; k !== n; k = (k + 1) % 1000) expect(inUse).toContain(k);
      }),
    );
  });
});

describe('targetGroupName', () => {
  it('keeps server group names that fit', () => {
    // Assess
    expect(targetGroupName('web-prod-v001')).toBe('web-prod-v001');
  });

  it('shortens long names to prefix-hash-vNNN, deterministically', () => {
    // Prepare
    const group = serverGroupName('checkout-payments-eu-west-canary', 12);
    // Act
    const name = targetGroupName(group);
    // Assess
    expect(group.length).toBeGreaterThan(32);
    expect(name).toMatch(/^checkout-payments-[0-9a-f]{8}-v012$/);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(targetGroupName(group)).toBe(name);
  });

  it('makes any string valid for ELB', () => {
    // Act
    const name = targetGroupName('-weird name_with+chars--and-more-than-32-characters-');
    // Assess
    expect(name).toMatch(TG_RULES);
    expect(name).not.toContain('--');
  });

  it('property: always valid, ≤ 32, and distinct per server group', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(clusterArb, sequenceArb), { minLength: 2, maxLength: 20, selector: ([c, n]) => `${c}/${n}` }), (pairs) => {
        // Act
        const names = pairs.map(([c, n]) => targetGroupName(serverGroupName(c, n)));
        // Assess
        for (const n of names) {
          expect(n).toMatch(TG_RULES);
          expect(n).not.toContain('--');
        }
        expect(new Set(names).size).toBe(names.length);
      }),
    );
  });

  it('property: arbitrary strings still give valid names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        // Act / Assess
        expect(targetGroupName(s)).toMatch(TG_RULES);
      }),
    );
  });
});

describe('fresh baseline names', () => {
  it('are <server group>-baseline when that fits', () => {
    // Act / Assess
    expect(baselineGroupName('web-prod-v002')).toBe('web-prod-v002-baseline');
    expect(baselineTargetGroupName('web-prod-v002')).toBe('web-prod-v002-baseline');
  });

  it('refuse what is not a server group name', () => {
    // Assess
    expect(() => baselineGroupName('web-prod')).toThrow(InvalidInput);
    expect(() => baselineTargetGroupName('web-prod-v002-baseline')).toThrow(InvalidInput);
  });

  it('property: never a server group (of any cluster); target group valid for ELBv2, ends in -vNNN-baseline, distinct per server group', () => {
    fc.assert(
      fc.property(clusterArb, clusterArb, sequenceArb, sequenceArb, (a, b, n, m) => {
        // Act
        const group = baselineGroupName(serverGroupName(a, n));
        const tg = baselineTargetGroupName(serverGroupName(a, n));
        // Assess
        expect(parseServerGroup(group)).toBeUndefined();
        expect(parseServerGroup(tg)).toBeUndefined();
        expect(tg.length).toBeLessThanOrEqual(32);
        expect(tg).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/);
        expect(tg).toMatch(new RegExp(`-v${String(n).padStart(3, '0')}-baseline$`));
        expect(tg).not.toBe(targetGroupName(serverGroupName(a, n)));
        if (a !== b || n !== m) expect(tg).not.toBe(baselineTargetGroupName(serverGroupName(b, m)));
      }),
    );
  });
});

describe('imageName', () => {
  it('is redblack/<cluster>/<release>/<deployment>, with + replaced', () => {
    // Act / Assess
    expect(imageName('web-prod', '1.4.2', 'web-prod-1_4_2-abc')).toBe('redblack/web-prod/1.4.2/web-prod-1_4_2-abc');
    expect(imageName('web-prod', '1.4.2+build.7', 'd')).toBe('redblack/web-prod/1.4.2_build.7/d');
  });

  it('shortens with a hash when over 128 characters', () => {
    // Prepare
    const cluster = 'a'.repeat(32);
    const release = 'r'.repeat(64);
    // Act
    const one = imageName(cluster, release, 'x'.repeat(80));
    const two = imageName(cluster, release, `${'x'.repeat(79)}y`);
    // Assess
    expect(one.length).toBe(128);
    expect(one).toMatch(/-[0-9a-f]{12}$/);
    expect(one).not.toBe(two);
  });

  it('rejects an invalid release or empty deployment', () => {
    // Assess
    expect(() => imageName('web', 'a/b', 'd')).toThrow(InvalidInput);
    expect(() => imageName('web', '1', '')).toThrow(InvalidInput);
  });

  it('property: always valid for EC2 and deterministic', () => {
    fc.assert(
      fc.property(clusterArb, releaseArb, fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/), (c, r, d) => {
        // Act
        const name = imageName(c, r, d);
        // Assess
        expect(name).toMatch(AMI_RULES);
        expect(imageName(c, r, d)).toBe(name);
      }),
    );
  });
});

describe('scheduleName', () => {
  it('is redblack-teardown-<server group>', () => {
    // Assess
    expect(scheduleName('web-prod-v002')).toBe('redblack-teardown-web-prod-v002');
  });

  it('property: valid for Scheduler for any input, unchanged for real server groups', () => {
    fc.assert(
      fc.property(clusterArb, sequenceArb, fc.string({ maxLength: 100 }), (c, n, junk) => {
        // Act
        const real = scheduleName(serverGroupName(c, n));
        const odd = scheduleName(junk);
        // Assess
        expect(real).toBe(`redblack-teardown-${c}-v${String(n).padStart(3, '0')}`);
        expect(real).toMatch(SCHEDULE_RULES);
        expect(odd).toMatch(SCHEDULE_RULES);
      }),
    );
  });
});

describe('executionName', () => {
  it('reads as <cluster>-<release>-<hash>', () => {
    // Act
    const name = executionName({ cluster: 'web-prod', release: '1.4.2', identity: 's3://art/releases/web-prod/1.4.2/web.tgz#v1' });
    // Assess
    expect(name).toMatch(/^web-prod-1_4_2-[0-9a-f]{16}$/);
  });

  it('rejects empty identities and bad releases', () => {
    // Assess
    expect(() => executionName({ cluster: 'web', release: '1', identity: '' })).toThrow(InvalidInput);
    expect(() => executionName({ cluster: 'web', release: 'x y', identity: 'i' })).toThrow(InvalidInput);
  });

  it('property: valid, ≤ 80, deterministic, ending in the hash', () => {
    fc.assert(
      fc.property(clusterArb, releaseArb, fc.string({ minLength: 1, maxLength: 1200 }), (cluster, release, identity) => {
        // Act
        const name = executionName({ cluster, release, identity });
        // Assess
        expect(name).toMatch(EXECUTION_RULES);
        expect(name).toMatch(/-[0-9a-f]{16}$/);
        expect(name.startsWith(`${cluster}-`)).toBe(true);
        expect(executionName({ cluster, release, identity })).toBe(name);
      }),
    );
  });

  it('property: injective on the identity (distinct artifacts never share a name)', () => {
    fc.assert(
      fc.property(clusterArb, releaseArb, fc.uniqueArray(fc.string({ minLength: 1, maxLength: 200 }), { minLength: 2, maxLength: 30 }), (cluster, release, identities) => {
        // Act
        const names = identities.map((identity) => executionName({ cluster, release, identity }));
        // Assess
        expect(new Set(names).size).toBe(identities.length);
      }),
    );
  });

  it('exports the release pattern', () => {
    // Assess
    expect(RELEASE_PATTERN.test('1.4.2+build-7_a')).toBe(true);
    expect(RELEASE_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(RELEASE_PATTERN.test('1/2')).toBe(false);
  });
});
