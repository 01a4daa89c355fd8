import { describe, expect, it } from 'vitest';
import * as errors from '../../src/domain/errors.js';
import {
  AlarmTriggered,
  DeploymentInProgress,
  ERROR_NAMES,
  InvalidClusterConfig,
  InvalidInput,
  isDomainError,
  isErrorName,
  NamespaceExhausted,
  TeardownRefused,
} from '../../src/domain/errors.js';

describe('errors', () => {
  it('has one class per error name, whose instances carry that name', () => {
    // Prepare
    type AnyError = new (...args: any[]) => Error;
    const classes = (Object.values(errors) as unknown[]).filter((v): v is AnyError => typeof v === 'function' && v.prototype instanceof errors.DomainError);
    // Act
    const names = classes.map((C) => new C(['a'], 'b', 1, 2).name);
    // Assess
    expect(new Set(names)).toEqual(new Set(ERROR_NAMES));
    expect(names).toHaveLength(ERROR_NAMES.length);
  });

  it('names the field of an input error in its message', () => {
    // Act
    const e = new InvalidInput('artifact.key', 'must not be empty');
    // Assess
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InvalidInput');
    expect(e.field).toBe('artifact.key');
    expect(e.message).toBe('invalid input: artifact.key: must not be empty');
  });

  it('names cluster and field of a configuration error, and shows the root as (root)', () => {
    // Act
    const e = new InvalidClusterConfig('web-prod', 'traffic.steps[2]', 'must be greater than the step before it (50)');
    const root = new InvalidClusterConfig('web-prod', '', 'must be a JSON object');
    // Assess
    expect(e.message).toBe('invalid configuration of cluster web-prod: traffic.steps[2]: must be greater than the step before it (50)');
    expect(root.message).toContain('(root)');
  });

  it('words the lock conflict as the design fixes it', () => {
    // Act
    const e = new DeploymentInProgress('web-prod', 'web-prod-1_1_0-abc');
    // Assess
    expect(e.message).toBe('deployment web-prod-1_1_0-abc of cluster web-prod in progress');
  });

  it('lists alarm names and explains refusals', () => {
    // Act
    const alarm = new AlarmTriggered(['5xx', 'latency']);
    const refused = new TeardownRefused('web-prod-v001', 'it serves traffic');
    const exhausted = new NamespaceExhausted('web-prod');
    // Assess
    expect(alarm.message).toBe('alarms in ALARM: 5xx, latency');
    expect(alarm.alarmNames).toEqual(['5xx', 'latency']);
    expect(refused.message).toBe('refusing to tear down web-prod-v001: it serves traffic');
    expect(exhausted.message).toContain('v000-v999');
  });

  it('recognises its own errors and their names, and nothing else', () => {
    // Assess
    expect(isDomainError(new InvalidInput('x', 'y'))).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError({ name: 'InvalidInput' })).toBe(false);
    expect(isErrorName('ListenerDrifted')).toBe(true);
    expect(isErrorName('States.Timeout')).toBe(false);
    expect(isErrorName(42)).toBe(false);
  });
});
