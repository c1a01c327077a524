export * from './topology/posture';
export * from './topology/regions';
export * from './topology/multi-region-app';
export * from './keys/key-service';
export * from './keys/regional-key';
export * from './data/dsql-cluster';
export * from './data/dsql-peering';
export * from './data/dsql-peered-clusters';
