/** The one Powertools logger every function shares; cluster and deployment are appended per call. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'redblack' });
