import { create } from '@bufbuild/protobuf';
import { MoneySchema } from '@clement/contracts';

/** Integer minor units as the contracts carry them (int64). */
export function money(amountMinor: number, currency: string) {
  return create(MoneySchema, { amountMinor: BigInt(amountMinor), currency });
}
