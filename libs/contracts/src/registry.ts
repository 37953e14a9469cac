import { createRegistry, type DescFile, type DescMessage, type Registry } from '@bufbuild/protobuf';
import { file_clement_case_v1_case } from './gen/clement/case/v1/case_pb';
import { file_clement_common_v1_actor } from './gen/clement/common/v1/actor_pb';
import { file_clement_common_v1_contact } from './gen/clement/common/v1/contact_pb';
import { file_clement_common_v1_encrypted_value } from './gen/clement/common/v1/encrypted_value_pb';
import { file_clement_common_v1_hold } from './gen/clement/common/v1/hold_pb';
import { file_clement_common_v1_money } from './gen/clement/common/v1/money_pb';
import { file_clement_common_v1_vulnerability } from './gen/clement/common/v1/vulnerability_pb';
import { file_clement_crm_v1_crm } from './gen/clement/crm/v1/crm_pb';
import { file_clement_dispatch_v1_dispatch } from './gen/clement/dispatch/v1/dispatch_pb';
import { file_clement_payment_v1_payment } from './gen/clement/payment/v1/payment_pb';
import { file_clement_platform_v1_probe } from './gen/clement/platform/v1/probe_pb';
import { file_clement_portal_v1_portal } from './gen/clement/portal/v1/portal_pb';
import { file_clement_strategy_v1_strategy } from './gen/clement/strategy/v1/strategy_pb';

/** Every generated proto file; registry.spec.ts fails when a generated file is missing here. */
export const contractFiles: readonly DescFile[] = [
  file_clement_case_v1_case,
  file_clement_common_v1_actor,
  file_clement_common_v1_contact,
  file_clement_common_v1_encrypted_value,
  file_clement_common_v1_hold,
  file_clement_common_v1_money,
  file_clement_common_v1_vulnerability,
  file_clement_crm_v1_crm,
  file_clement_dispatch_v1_dispatch,
  file_clement_payment_v1_payment,
  file_clement_platform_v1_probe,
  file_clement_portal_v1_portal,
  file_clement_strategy_v1_strategy,
];

/** All Clement message and enum types, by protobuf full name. */
export const contractsRegistry: Registry = createRegistry(...contractFiles);

/**
 * The schema for a CloudEvents `ce_type` (a protobuf full name such as
 * `clement.platform.v1.ProbeEmitted`), or undefined when Clement declares no such message.
 */
export function schemaForType(typeName: string): DescMessage | undefined {
  return contractsRegistry.getMessage(typeName);
}

/** The CloudEvents `ce_type` of events carrying this schema: its protobuf full name. */
export function eventTypeOf<Schema extends DescMessage>(schema: Schema): Schema['typeName'] {
  return schema.typeName;
}
