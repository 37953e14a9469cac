export * from './blind-index';
export * from './debtor-key-store';
export * from './master-key-provider';
export * from './pii-cipher';
export * from './pii-errors';
