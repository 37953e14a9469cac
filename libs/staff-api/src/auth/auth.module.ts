import { type DynamicModule, Module } from '@nestjs/common';
import { assertValidAuthConfig, type AuthConfig } from './auth.config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { createTokenVerifier, TOKEN_VERIFIER } from './token-verifier';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/**
 * Token verification for the staff API. Global, so any feature module's controller can use
 * `@StaffApi()` without importing it; no guard is installed globally.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    // Fail at boot, not on the first request.
    assertValidAuthConfig(config);
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: TOKEN_VERIFIER, useFactory: () => createTokenVerifier(config) },
        JwtAuthGuard,
      ],
      exports: [TOKEN_VERIFIER, JwtAuthGuard],
    };
  }
}
