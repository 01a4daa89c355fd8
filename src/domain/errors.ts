/**
 * Every error class of the project. A Lambda error's `name` becomes the Step Functions error code
 * (`errorType`), so each class pins `this.name` explicitly — minifiers and subclassing must not
 * change it — and the state machine's Catch/Retry clauses match on these exact strings.
 */

/** The error codes the state machine can see; keep in step with the classes below. */
export const ERROR_NAMES = [
  'InvalidInput',
  'InvalidClusterConfig',
  'ClusterNotFound',
  'DeploymentInProgress',
  'ImageNotFound',
  'BakeFailed',
  'BakeTimedOut',
  'HealthGateTimedOut',
  'AlarmTriggered',
  'TrafficGuardViolation',
  'ListenerDrifted',
  'TeardownRefused',
  'RollbackUnavailable',
  'NamespaceExhausted',
  'CanaryFailed',
  'ApprovalNotPending',
  'ApprovalTimedOut',
  'OutsideDeploymentWindow',
  'ChangeFreeze',
] as const;

export type ErrorName = (typeof ERROR_NAMES)[number];

/** Base of every project error; `name` is one of ERROR_NAMES. */
export abstract class DomainError extends Error {
  abstract override readonly name: ErrorName;
}

/** Renders the root of a document as something a reader can find. */
function at(field: string): string {
  return field === '' ? '(root)' : field;
}

/** A deploy input, trigger event or rollback request is malformed. `field` is the dotted path. */
export class InvalidInput extends DomainError {
  override readonly name = 'InvalidInput' as const;
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`invalid input: ${at(field)}: ${problem}`);
  }
}

/** A cluster's configuration document breaks the schema. `field` is the dotted path. */
export class InvalidClusterConfig extends DomainError {
  override readonly name = 'InvalidClusterConfig' as const;
  constructor(
    readonly cluster: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`invalid configuration of cluster ${cluster}: ${at(field)}: ${problem}`);
  }
}

/** No configuration (or no live group where one is required) for the cluster. */
export class ClusterNotFound extends DomainError {
  override readonly name = 'ClusterNotFound' as const;
  constructor(
    readonly cluster: string,
    detail = `no configuration at /redblack/clusters/${cluster}`,
  ) {
    super(`cluster ${cluster} not found: ${detail}`);
  }
}

/** The cluster's deployment lock is held by another execution. */
export class DeploymentInProgress extends DomainError {
  override readonly name = 'DeploymentInProgress' as const;
  constructor(
    readonly cluster: string,
    readonly deployment: string,
  ) {
    super(`deployment ${deployment} of cluster ${cluster} in progress`);
  }
}

/** A given (prebaked) image or the bake's base image does not exist or is not usable. */
export class ImageNotFound extends DomainError {
  override readonly name = 'ImageNotFound' as const;
  constructor(
    readonly imageId: string,
    detail = 'does not exist or is not available',
  ) {
    super(`image ${imageId} ${detail}`);
  }
}

/** The builder instance reported a failed install, or the image ended `failed`. */
export class BakeFailed extends DomainError {
  override readonly name = 'BakeFailed' as const;
  constructor(
    readonly reason: string,
    readonly instanceId?: string,
  ) {
    super(`bake failed${instanceId ? ` on ${instanceId}` : ''}: ${reason}`);
  }
}

/** The bake did not finish within `bake.timeoutMinutes`. */
export class BakeTimedOut extends DomainError {
  override readonly name = 'BakeTimedOut' as const;
  constructor(
    readonly timeoutMinutes: number,
    readonly instanceId?: string,
  ) {
    super(`bake${instanceId ? ` on ${instanceId}` : ''} did not finish within ${timeoutMinutes} minutes`);
  }
}

/** The new group did not reach the required healthy count before the gate's deadline. */
export class HealthGateTimedOut extends DomainError {
  override readonly name = 'HealthGateTimedOut' as const;
  constructor(
    readonly serverGroup: string,
    readonly healthy: number,
    readonly required: number,
    readonly timeoutMinutes: number,
  ) {
    super(`server group ${serverGroup} has ${healthy} of ${required} required healthy targets after ${timeoutMinutes} minutes`);
  }
}

/** One or more watched CloudWatch alarms are in ALARM. */
export class AlarmTriggered extends DomainError {
  override readonly name = 'AlarmTriggered' as const;
  constructor(readonly alarmNames: readonly string[]) {
    super(`alarm${alarmNames.length === 1 ? '' : 's'} in ALARM: ${alarmNames.join(', ')}`);
  }
}

/** A listener change would send traffic to a target group with too few healthy targets. */
export class TrafficGuardViolation extends DomainError {
  override readonly name = 'TrafficGuardViolation' as const;
  constructor(
    readonly targetGroup: string,
    readonly healthy: number,
    readonly required: number,
    readonly reason?: string,
  ) {
    super(`refusing to send traffic to ${targetGroup}: ${reason ? `${reason} (${healthy} healthy targets)` : `${healthy} healthy targets, ${required} required`}`);
  }
}

/** The listener (or rule) no longer forwards the way this deployment left it. */
export class ListenerDrifted extends DomainError {
  override readonly name = 'ListenerDrifted' as const;
  constructor(
    readonly listenerArn: string,
    readonly detail: string,
  ) {
    super(`listener ${listenerArn} changed under the deployment: ${detail}`);
  }
}

/** Teardown would delete a serving group or the cluster's only healthy group. */
export class TeardownRefused extends DomainError {
  override readonly name = 'TeardownRefused' as const;
  constructor(readonly serverGroup: string, readonly reason: string) {
    super(`refusing to tear down ${serverGroup}: ${reason}`);
  }
}

/** A rollback was asked for but there is nothing safe to roll back to. */
export class RollbackUnavailable extends DomainError {
  override readonly name = 'RollbackUnavailable' as const;
  constructor(readonly cluster: string, readonly reason: string) {
    super(`cannot roll back cluster ${cluster}: ${reason}`);
  }
}

/** All server group numbers v000–v999 are in use. */
export class NamespaceExhausted extends DomainError {
  override readonly name = 'NamespaceExhausted' as const;
  constructor(readonly cluster?: string) {
    super(`all server group numbers v000-v999 are in use${cluster ? ` in cluster ${cluster}` : ''}`);
  }
}

/** The canary judge found the new group worse than its baseline; `metrics` names the metrics that failed. */
export class CanaryFailed extends DomainError {
  override readonly name = 'CanaryFailed' as const;
  constructor(
    readonly serverGroup: string,
    readonly metrics: readonly string[],
    readonly reason: string,
  ) {
    super(`canary ${serverGroup} failed${metrics.length > 0 ? ` on ${Array.from(metrics).join(', ')}` : ''}: ${reason}`);
  }
}

/** A promote or reject found nothing to answer: no deployment waits for an approval, or it was answered or timed out. */
export class ApprovalNotPending extends DomainError {
  override readonly name = 'ApprovalNotPending' as const;
  constructor(
    readonly cluster: string,
    readonly reason: string,
  ) {
    super(`no approval pending for cluster ${cluster}: ${reason}`);
  }
}

/** The approval window closed without an answer (RequestApproval, asked for a further slice after it). */
export class ApprovalTimedOut extends DomainError {
  override readonly name = 'ApprovalTimedOut' as const;
  /** `expiresAt`: when the window closed, ISO 8601. */
  constructor(readonly expiresAt: string) {
    super(`no one approved or rejected the next traffic step by ${expiresAt} (approval.timeoutMinutes)`);
  }
}

/** The cluster's deployment windows are all closed; `nextOpen` (ISO 8601) is when one opens. */
export class OutsideDeploymentWindow extends DomainError {
  override readonly name = 'OutsideDeploymentWindow' as const;
  constructor(
    readonly cluster: string,
    readonly nextOpen: string | undefined,
    detail = '',
  ) {
    super(`cluster ${cluster} is outside its deployment windows${nextOpen ? `; the next opens at ${nextOpen}` : ''}${detail ? ` (${detail})` : ''}`);
  }
}

/** An account-wide change freeze is in force until `until` (ISO 8601), if readable. */
export class ChangeFreeze extends DomainError {
  override readonly name = 'ChangeFreeze' as const;
  constructor(
    readonly reason: string,
    readonly until: string | undefined,
  ) {
    super(`change freeze${until ? ` until ${until}` : ''}: ${reason}`);
  }
}

/** True for an instance of one of the classes above. */
export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/**
 * True when a name is one of ours. Errors that crossed a Lambda or Step Functions boundary arrive
 * as plain `{ name/Error, message }` objects, so callers match on the name, not the class.
 */
export function isErrorName(name: unknown): name is ErrorName {
  return typeof name === 'string' && (ERROR_NAMES as readonly string[]).includes(name);
}
