import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodySchema } from '../http/error-body';
import { JwtAuthGuard } from './jwt-auth.guard';

/** The name of the OpenAPI security scheme (`setupOpenApi` registers it). */
export const BEARER_AUTH_NAME = 'bearer';

/**
 * Marks a controller as staff API: bearer token required (`JwtAuthGuard`), roles checked against
 * `@Roles`, and the 401/403 answers documented.
 */
export const StaffApi = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(BEARER_AUTH_NAME),
    ApiUnauthorizedResponse({
      description: 'Missing or invalid bearer token',
      type: ErrorBodySchema,
    }),
    ApiForbiddenResponse({ description: 'The token lacks a required role', type: ErrorBodySchema }),
  );
