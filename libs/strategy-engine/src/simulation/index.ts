export * from './behaviour-model';
export { type Random, hashSeed, mulberry32, pickWeighted, randomFor } from './prng';
export { renderReportTable } from './report-table';
export { type SimulationOptions, SimulationError, simulatePortfolio } from './simulate-portfolio';
export * from './simulated-case';
export * from './simulation-report';
