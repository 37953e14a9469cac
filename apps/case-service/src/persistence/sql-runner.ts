// Repositories in this service take the shared SqlRunner (a connection or a transaction).
export { rowsOf, type SqlRunner } from '@clement/persistence';
