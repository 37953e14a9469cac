// Generated from proto/ by tools/scripts/codegen.sh; index.spec.ts fails when a module is missing.
//
// Shared vocabulary (clement.common.v1) and the platform package are exported flat. Each domain
// package is exported as one namespace named `<domain>V<N>` after its proto package, because
// domains reuse event names (crmV1.HoldLifted is what a creditor asks for, caseV1.HoldLifted is
// what happened to a case): `import { crmV1 } from '@clement/contracts'`, then
// `crmV1.DebtorUpsertedSchema`. The CloudEvents `ce_type` is the full name either way.
export * from './gen/clement/common/v1/actor_pb';
export * from './gen/clement/common/v1/contact_pb';
export * from './gen/clement/common/v1/encrypted_value_pb';
export * from './gen/clement/common/v1/hold_pb';
export * from './gen/clement/common/v1/money_pb';
export * from './gen/clement/common/v1/vulnerability_pb';
export * from './gen/clement/platform/v1/probe_pb';

export * as caseV1 from './gen/clement/case/v1/case_pb';
export * as crmV1 from './gen/clement/crm/v1/crm_pb';
export * as dispatchV1 from './gen/clement/dispatch/v1/dispatch_pb';
export * as paymentV1 from './gen/clement/payment/v1/payment_pb';
export * as portalV1 from './gen/clement/portal/v1/portal_pb';
export * as strategyV1 from './gen/clement/strategy/v1/strategy_pb';

export * from './registry';
export * from './topics';
export * from './crm/crm-inbound-validation';
