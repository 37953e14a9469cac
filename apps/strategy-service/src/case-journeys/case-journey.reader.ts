import type { JourneyState } from '@clement/strategy-engine';
import type { DataSource } from 'typeorm';

/** Reads stored journeys for the staff API; the tenant is part of every query. */
export class CaseJourneyReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async find(
    tenantId: string,
    caseId: string,
  ): Promise<{ journey: JourneyState; updatedAt: Date } | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT "state", "updated_at" FROM "${this.schema}"."journeys"
       WHERE "tenant_id" = $1 AND "case_id" = $2 AND "state" IS NOT NULL`,
      [tenantId, caseId],
    )) as { state: JourneyState; updated_at: Date }[];
    const [row] = rows;
    return row ? { journey: row.state, updatedAt: row.updated_at } : undefined;
  }
}
