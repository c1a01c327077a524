import { CfnResource } from 'aws-cdk-lib';
import { regionOf, synthesized } from '../rules/template';

/** How a Region holds (part of) a classified resource. */
export type ResidencyRole = 'resource' | 'replica' | 'peer' | 'witness';

/** One Region a classified resource's data lives in. */
export interface ResidencyPlacement {
  readonly region: string;
  readonly role: ResidencyRole;
}

const DSQL_ARN_REGION = /^arn:aws[a-z-]*:dsql:([a-z0-9-]+):/;

/**
 * Every Region the data of `node` lives in, as its template says: its own stack's Region, and
 * the replica, peer and witness Regions of a DynamoDB global table, a replicated secret or a
 * multi-Region Aurora DSQL cluster (a witness holds a window of the encrypted transaction log:
 * Aurora DSQL User Guide, "Configuring multi-Region clusters"). Regions known only at deploy
 * (a peer ARN behind a cross-Region reference) are not listed; that peer is a resource of its own.
 */
export function residencyPlacements(node: CfnResource): ResidencyPlacement[] {
  const out: ResidencyPlacement[] = [];
  const add = (region: unknown, role: ResidencyRole) => {
    if (typeof region === 'string' && !out.some((p) => p.region === region)) out.push({ region, role });
  };
  add(regionOf(node), 'resource');
  const props = synthesized(node).properties ?? {};
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  switch (node.cfnResourceType) {
    case 'AWS::DynamoDB::GlobalTable':
      for (const r of list(props.Replicas)) add((r as { Region?: unknown })?.Region, 'replica');
      for (const w of list(props.GlobalTableWitnesses)) add((w as { Region?: unknown })?.Region, 'witness');
      break;
    case 'AWS::SecretsManager::Secret':
      for (const r of list(props.ReplicaRegions)) add((r as { Region?: unknown })?.Region, 'replica');
      break;
    case 'AWS::DSQL::Cluster': {
      const multi = props.MultiRegionProperties ?? {};
      for (const arn of list(multi.Clusters)) {
        if (typeof arn === 'string') add(DSQL_ARN_REGION.exec(arn)?.[1], 'peer');
      }
      add(multi.WitnessRegion, 'witness');
      break;
    }
  }
  return out;
}
