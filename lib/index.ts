export * from './topology/posture';
export * from './topology/regions';
export * from './topology/multi-region-app';
export * from './keys/key-service';
export * from './keys/regional-key';
export * from './compliance/multi-region-checks';
