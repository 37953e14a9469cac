import {
  type CompiledStrategy,
  loadStrategy,
  StrategyDocumentError,
  type StrategyProblem,
} from '@clement/strategy-engine';
import type { DataSource } from 'typeorm';
import {
  assertDocumentSize,
  documentFormat,
  documentSha256,
} from './domain/strategy-document-text';
import {
  InvalidStrategyDocumentError,
  StrategyDomainError,
  StrategyErrorCode,
} from './domain/strategy-errors';
import type {
  ListedStrategyVersion,
  StoredStrategyVersion,
  StrategiesRepository,
  StrategyOverview,
} from './strategies.repository';

/** Uploading and reading strategy versions. A version, once stored, never changes. */
export class StrategyVersions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: StrategiesRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Every problem of the document, without storing it; empty when it is valid. */
  validate(document: string): StrategyProblem[] {
    assertDocumentSize(document);
    try {
      compile(document, 'validation', 1);
      return [];
    } catch (error) {
      if (error instanceof InvalidStrategyDocumentError) return [...error.problems];
      throw error;
    }
  }

  /** Stores the document as the strategy's next version (numbers are serialised per strategy). */
  async upload(
    tenantId: string,
    strategyId: string,
    document: string,
    uploadedBy: string,
  ): Promise<StoredStrategyVersion> {
    assertDocumentSize(document);
    // Version numbers do not change validity; compile before taking the lock.
    const compiled = compile(document, strategyId, 1);
    return this.dataSource.transaction(async (manager) => {
      await this.repository.lockStrategy(manager, tenantId, strategyId);
      const version: StoredStrategyVersion = {
        strategyId,
        version: (await this.repository.latestVersion(manager, tenantId, strategyId)) + 1,
        name: compiled.document.name,
        format: documentFormat(document),
        documentSha256: documentSha256(document),
        createdAt: this.clock(),
        createdBy: uploadedBy,
        document,
      };
      await this.repository.insertVersion(manager, tenantId, version);
      return version;
    });
  }

  list(tenantId: string): Promise<StrategyOverview[]> {
    return this.repository.listStrategies(this.dataSource, tenantId);
  }

  async versions(tenantId: string, strategyId: string): Promise<ListedStrategyVersion[]> {
    const versions = await this.repository.listVersions(this.dataSource, tenantId, strategyId);
    if (versions.length === 0) {
      throw new StrategyDomainError(StrategyErrorCode.NotFound, `no strategy ${strategyId}`);
    }
    return versions;
  }

  async version(
    tenantId: string,
    strategyId: string,
    version: number,
  ): Promise<StoredStrategyVersion> {
    const stored = await this.repository.findVersion(
      this.dataSource,
      tenantId,
      strategyId,
      version,
    );
    if (!stored) {
      throw new StrategyDomainError(
        StrategyErrorCode.VersionNotFound,
        `no version ${version} of strategy ${strategyId}`,
      );
    }
    return stored;
  }
}

function compile(document: string, strategyId: string, version: number): CompiledStrategy {
  try {
    return loadStrategy(document, { strategyId, version });
  } catch (error) {
    if (error instanceof StrategyDocumentError) {
      throw new InvalidStrategyDocumentError(error.problems);
    }
    throw error;
  }
}
