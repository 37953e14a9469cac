export * from './auth';
export { type DevTokenClaims, mintToken } from './auth/dev-token';
export * from './http';
