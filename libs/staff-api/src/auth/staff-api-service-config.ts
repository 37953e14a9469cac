import { ServiceConfig } from '@clement/observability';
import { IsOptional, IsString, IsUrl, MinLength, ValidateIf } from 'class-validator';
import type { AuthConfig } from './auth.config';

/** The config of a service with a staff API: the common variables plus how tokens are verified. */
export class StaffApiServiceConfig extends ServiceConfig {
  /** JWKS of the identity provider that signs staff tokens (production). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AUTH_JWKS_URL?: string;

  /** HS256 secret for staff tokens in local runs and tests, when there is no JWKS. */
  @ValidateIf((config: StaffApiServiceConfig) => !config.AUTH_JWKS_URL)
  @IsString({ message: 'AUTH_JWT_SECRET or AUTH_JWKS_URL must be set' })
  @MinLength(32)
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  /** What AuthModule.forRoot takes. */
  get staffAuth(): AuthConfig {
    return {
      jwksUrl: this.AUTH_JWKS_URL,
      sharedSecret: this.AUTH_JWT_SECRET,
      issuer: this.AUTH_ISSUER,
      audience: this.AUTH_AUDIENCE,
    };
  }
}
