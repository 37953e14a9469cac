import { createKafkajsPort, type KafkaPort } from '@clement/messaging';
import { mintToken } from '@clement/staff-api';
import { requiredEnv } from '@clement/testing';
import {
  startStrategyService,
  type StrategyServiceHarness,
  testJwtSecret,
} from '../../__fixtures__/strategy-service-harness';

export interface StaffApiClient {
  readonly service: StrategyServiceHarness;
  /** For reading what the service published. */
  readonly kafka: KafkaPort;
  token(claims: { tenantId?: string; roles: string[]; subject?: string }): Promise<string>;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** strategy-service in-process (the service harness), called over HTTP as staff members. */
export async function startStaffApiClient(schema: string): Promise<StaffApiClient> {
  const jwtSecret = testJwtSecret();
  const service = await startStrategyService({ schema, jwtSecret });
  const kafka = createKafkajsPort({
    clientId: `staff-api-it-${schema}`,
    brokers: requiredEnv('KAFKA_BROKERS').split(','),
  });
  return {
    service,
    kafka,
    token: ({ tenantId, roles, subject }) =>
      mintToken(jwtSecret, { subject: subject ?? 'staff-1', tenantId, roles }),
    async request(method, path, { token, body } = {}) {
      const response = await fetch(`${service.baseUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => service.close(),
  };
}
