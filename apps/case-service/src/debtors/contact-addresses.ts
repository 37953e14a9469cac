import { fromBinary, toJsonString } from '@bufbuild/protobuf';
import { PostalAddressSchema } from '@clement/contracts';
import type { DataSource } from 'typeorm';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { DebtorVault } from './debtor-vault';
import type { ContactPointKindName, DebtorsRepository } from './debtors.repository';

/** One contact point's address in the clear, or why there is none. */
export type ContactAddressResult =
  | {
      readonly outcome: 'found';
      /** E.164 phone, email, or for postal the protobuf-JSON of `clement.common.v1.PostalAddress`. */
      readonly address: string;
      readonly kind: ContactPointKindName;
      readonly keyId: string;
    }
  | { readonly outcome: 'debtor_not_found' }
  | { readonly outcome: 'contact_point_not_found' }
  | { readonly outcome: 'erased' };

/**
 * Decrypts one contact point's address for another service (dispatch-service at send time),
 * which holds addresses only as ciphertext and no data keys. Erased debtors have no key, so
 * their addresses stay unreadable here too.
 */
export class ContactAddresses {
  constructor(
    private readonly dataSource: DataSource,
    private readonly debtors: DebtorsRepository,
    private readonly vault: DebtorVault,
  ) {}

  async resolve(
    scope: TenantScope,
    debtorId: string,
    contactPointId: string,
  ): Promise<ContactAddressResult> {
    const db = this.dataSource.manager;
    const debtor = await this.debtors.findById(db, scope, debtorId);
    if (!debtor) return { outcome: 'debtor_not_found' };
    if (debtor.erasedAt) return { outcome: 'erased' };
    const points = await this.debtors.contactPointsOf(db, scope, debtorId);
    const point = points.find((candidate) => candidate.id === contactPointId);
    if (!point) return { outcome: 'contact_point_not_found' };
    // A destroyed key with the erasure not yet marked (or marked in a racing transaction).
    const sealer = await this.vault.sealerFor(db, scope, debtor);
    if (!sealer) return { outcome: 'erased' };
    const plaintext = sealer.openBytes(point.value);
    const address =
      point.kind === 'postal'
        ? toJsonString(PostalAddressSchema, fromBinary(PostalAddressSchema, plaintext))
        : plaintext.toString('utf8');
    return { outcome: 'found', address, kind: point.kind, keyId: debtor.keyId };
  }
}
