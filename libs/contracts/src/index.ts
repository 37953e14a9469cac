// Generated from proto/ by tools/scripts/codegen.sh; index.spec.ts fails when a module is missing.
export * from './gen/clement/common/v1/actor_pb';
export * from './gen/clement/common/v1/money_pb';
export * from './gen/clement/platform/v1/probe_pb';

export * from './registry';
export * from './topics';
