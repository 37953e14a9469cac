// One implementation for servers and tests alike.
export { findFreePort } from '@clement/local-infra';
