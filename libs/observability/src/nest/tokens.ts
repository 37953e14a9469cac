/** Checks handed to `ObservabilityModule.forRoot` (an array of ReadinessCheck). */
export const READINESS_CHECKS = Symbol('clement.observability.readiness-checks');

/** The resolved ObservabilityModuleOptions. */
export const OBSERVABILITY_OPTIONS = Symbol('clement.observability.options');
