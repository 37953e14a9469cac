export {
  PORTAL_LINK_MIN_KEY_BYTES,
  PortalLinkSigner,
  parsePortalLinkKeys,
  type PortalLink,
  type PortalLinkClaims,
  type PortalLinkFailure,
  type PortalLinkKey,
  type PortalLinkSignerOptions,
  type PortalLinkVerification,
} from './portal-link-signer';
