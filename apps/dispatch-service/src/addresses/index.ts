export {
  type AddressLookup,
  type AddressResolver,
  AddressResolverUnavailableError,
} from './address-resolver';
export { bearerTokenSource, type BearerTokenSourceOptions } from './bearer-token-source';
export {
  CaseServiceAddressResolver,
  type CaseServiceAddressResolverOptions,
  RESOLVE_PATH,
} from './case-service-address-resolver';
