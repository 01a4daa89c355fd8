import { describe, expect, it } from 'vitest';
import { costUsd, physicalFloor } from '../../../tools/bench/lib/floor.js';

describe('physicalFloor', () => {
  it("adds up the demo world's physics: bake, boot, checks from the first passable one, step waits", () => {
    // Act
    const f = physicalFloor({
      bake: { bootSeconds: 30, installSeconds: 120, stopSeconds: 10, imageSeconds: 60 },
      bootSeconds: 30,
      appStartSeconds: 15,
      healthCheck: { intervalSeconds: 10, healthyThreshold: 3 },
      traffic: { steps: 3, waitSeconds: 120 },
    });
    // Assess: checks at +10 (app not up), +20, +30, +40 → healthy 40 s after running
    expect(f).toEqual({ bakeSeconds: 220, bootSeconds: 30, healthSeconds: 40, trafficSeconds: 240, totalSeconds: 530 });
  });

  it('is interval × threshold when the app answers by the first check, and has no bake for a prebaked image', () => {
    // Act
    const f = physicalFloor({ bake: null, bootSeconds: 30, appStartSeconds: 0, healthCheck: { intervalSeconds: 30, healthyThreshold: 5 }, traffic: { steps: 1, waitSeconds: 300 } });
    // Assess
    expect(f.healthSeconds).toBe(150);
    expect(f.totalSeconds).toBe(180);
  });
});

describe('costUsd', () => {
  it('prices transitions at $0.025 per 1,000 and Lambda arm64 by GB-s and requests', () => {
    // Act
    const c = costUsd({ transitions: 150, invocations: [{ memoryMb: 1024, billedMs: 1000 }] });
    // Assess
    expect(c.stepFunctions).toBeCloseTo(0.00375, 10);
    expect(c.lambda).toBeCloseTo(0.0000133334 + 0.0000002, 12);
  });
});
