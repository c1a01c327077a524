import { MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeError } from '../shared/metrics';

/**
 * The check that a secret's replicas are in sync: Secrets Manager reports each replica's
 * `ReplicationStatus` (`InSync`, `Failed`, `InProgress`) on the primary secret (API Reference,
 * DescribeSecret), and CloudFormation reports a stack complete even when a replica failed (for
 * example on its KMS key), so the probe reads it every run.
 */
export interface SecretReplicationCheck {
  /** Name (or ARN) of the primary secret. */
  readonly secretId: string;
  /** Region of the primary secret. */
  readonly region: string;
  /** Regions whose replica must be in sync. */
  readonly replicaRegions: string[];
}

/** One replica's state. */
export interface SecretReplicaState {
  readonly region: string;
  readonly inSync: boolean;
  /** The status Secrets Manager gives, or why none was read. */
  readonly status: string;
  readonly message?: string;
}

/** Reads the replicas' status; never throws: a failed call reports every replica as not in sync, with the reason. */
export async function checkSecretReplication(client: SecretsManagerClient, check: SecretReplicationCheck): Promise<SecretReplicaState[]> {
  try {
    const out = await client.send(new DescribeSecretCommand({ SecretId: check.secretId }));
    return check.replicaRegions.map((region) => {
      const replica = (out.ReplicationStatus ?? []).find((r) => r.Region === region);
      if (!replica) return { region, inSync: false, status: 'NoReplica', message: `${check.secretId} has no replica in ${region}` };
      return { region, inSync: replica.Status === 'InSync', status: replica.Status ?? 'Unknown', message: replica.StatusMessage };
    });
  } catch (err) {
    return check.replicaRegions.map((region) => ({ region, inSync: false, status: 'DescribeSecretFailed', message: describeError(err) }));
  }
}

/** `SecretReplicaInSync` (1 or 0) per replica Region, by `Database` when given. */
export function secretReplicationMetricData(states: SecretReplicaState[], timestamp: Date, database?: string): MetricDatum[] {
  return states.map((s) => ({
    MetricName: 'SecretReplicaInSync',
    Dimensions: [...(database !== undefined ? [{ Name: 'Database', Value: database }] : []), { Name: 'ReplicaRegion', Value: s.region }],
    Value: s.inSync ? 1 : 0,
    Unit: StandardUnit.Count,
    Timestamp: timestamp,
  }));
}
