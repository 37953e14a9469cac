import type { LocalDate, Offers } from '@clement/payment-plans';
import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { StoredOffer } from './domain/stored-offer';

/** The jsonb `offers` column: the computed offers plus what they were computed with. */
interface OfferDocument {
  offers: Offers;
  today: LocalDate;
  timeZone: string;
  segment: string | null;
  affordabilityAssessed: boolean;
  minInstalmentMinor: number;
  maxTermMonths: number;
}

interface OfferRow {
  tenant_id: string;
  offer_id: string;
  case_id: string;
  debtor_id: string;
  offers: OfferDocument;
  created_at: Date;
  expires_at: Date;
}

export class OffersRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${assertSqlIdentifier(schema)}"."offers"`;
  }

  async insert(db: SqlRunner, offer: StoredOffer): Promise<void> {
    const document: OfferDocument = {
      offers: offer.offers,
      today: offer.today,
      timeZone: offer.timeZone,
      segment: offer.segment,
      affordabilityAssessed: offer.affordabilityAssessed,
      minInstalmentMinor: offer.minInstalmentMinor,
      maxTermMonths: offer.maxTermMonths,
    };
    await db.query(
      `INSERT INTO ${this.table} ("tenant_id", "offer_id", "case_id", "debtor_id", "offers", "created_at", "expires_at")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [
        offer.tenantId,
        offer.offerId,
        offer.caseId,
        offer.debtorId,
        JSON.stringify(document),
        offer.createdAt,
        offer.expiresAt,
      ],
    );
  }

  async find(db: SqlRunner, tenantId: string, offerId: string): Promise<StoredOffer | undefined> {
    const [row] = rowsOf<OfferRow>(
      await db.query(`SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "offer_id" = $2`, [
        tenantId,
        offerId,
      ]),
    );
    return row
      ? {
          offerId: row.offer_id,
          tenantId: row.tenant_id,
          caseId: row.case_id,
          debtorId: row.debtor_id,
          ...row.offers,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        }
      : undefined;
  }
}
