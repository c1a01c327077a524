import { App } from 'aws-cdk-lib';

/** Context keys the default app and the examples read from cdk.json, so they synthesize with no look-ups. */
export const CONTEXT = {
  /** Placeholder AWS account of every stack. */
  account: 'multi-region-cdk:account',
  /** The public hosted zone's domain name. */
  domainName: 'multi-region-cdk:domainName',
  /** The public hosted zone's id. */
  hostedZoneId: 'multi-region-cdk:hostedZoneId',
} as const;

/** A context value that must be set, with an error saying where to set it. */
export function requireContext(app: App, key: string): string {
  const value = app.node.tryGetContext(key);
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`context '${key}' is missing; set it in cdk.json or pass -c ${key}=<value>.`);
  }
  return value;
}
