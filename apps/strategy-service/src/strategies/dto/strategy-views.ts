import type { StrategyProblem } from '@clement/strategy-engine';
import type { ActivationOutcome } from '../strategy-activation';
import type {
  ActivePointer,
  ChallengerPointer,
  ListedStrategyVersion,
  StoredStrategyVersion,
  StrategyOverview,
} from '../strategies.repository';

export function validationView(problems: readonly StrategyProblem[]) {
  return { valid: problems.length === 0, problems };
}

export function uploadedView(version: StoredStrategyVersion) {
  return {
    strategyId: version.strategyId,
    version: version.version,
    documentSha256: version.documentSha256,
    name: version.name,
    format: version.format,
    createdAt: version.createdAt.toISOString(),
  };
}

export function overviewView(overview: StrategyOverview) {
  return {
    strategyId: overview.strategyId,
    name: overview.name,
    latestVersion: overview.latestVersion,
    latestCreatedAt: overview.latestCreatedAt.toISOString(),
    activeVersion: overview.activeVersion,
  };
}

export function versionSummaryView(summary: ListedStrategyVersion) {
  return {
    version: summary.version,
    name: summary.name,
    format: summary.format,
    documentSha256: summary.documentSha256,
    createdAt: summary.createdAt.toISOString(),
    createdBy: summary.createdBy,
    active: summary.active,
  };
}

export function versionView(version: StoredStrategyVersion) {
  return {
    strategyId: version.strategyId,
    version: version.version,
    name: version.name,
    format: version.format,
    documentSha256: version.documentSha256,
    createdAt: version.createdAt.toISOString(),
    createdBy: version.createdBy,
    document: version.document,
  };
}

function challengerView(challenger: ChallengerPointer | null) {
  return (
    challenger && {
      strategyId: challenger.strategyId,
      version: challenger.version,
      shareBps: challenger.shareBps,
    }
  );
}

export function activationView({ activation, documentSha256, changed }: ActivationOutcome) {
  return {
    strategyId: activation.strategyId,
    version: activation.version,
    documentSha256,
    previous: activation.previous,
    challenger: challengerView(activation.challenger),
    activatedAt: activation.activatedAt.toISOString(),
    activatedBy: activation.activatedBy,
    changed,
  };
}

export function activeView(active: ActivePointer & { documentSha256: string }) {
  return {
    strategyId: active.strategyId,
    version: active.version,
    documentSha256: active.documentSha256,
    challenger: challengerView(active.challenger),
    activatedAt: active.activatedAt.toISOString(),
    activatedBy: active.activatedBy,
  };
}
