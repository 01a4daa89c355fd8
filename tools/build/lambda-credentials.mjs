/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundles (see esbuild-plugins.cjs).
 * In Lambda the runtime hands the function's role credentials over in the environment, which is
 * the first place the SDK's full chain looks anyway; the rest of the chain (SSO, STS web identity,
 * shared files, container and instance metadata) never runs there and is ~56 KB of every bundle.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init = {}) => fromEnv(init);
