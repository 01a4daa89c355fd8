/** Shapes of the AWS resource ids the configuration and inputs refer to (`<prefix>-` + 8 or 17 hex). */

const hexId = (prefix: string): RegExp => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);

export const IMAGE_ID_PATTERN = hexId('ami');
export const SUBNET_ID_PATTERN = hexId('subnet');
export const SECURITY_GROUP_ID_PATTERN = hexId('sg');
export const VPC_ID_PATTERN = hexId('vpc');

export function isImageId(id: unknown): id is string {
  return typeof id === 'string' && IMAGE_ID_PATTERN.test(id);
}
