import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER_AUTH_NAME } from '../auth/staff-api.decorator';
import { ErrorBodySchema } from './error-body';
import { HttpErrorFilter } from './http-error.filter';
import { validationPipe } from './validation';

/** Global validation and error bodies; call before `app.listen()` / `app.init()`. */
export function configureHttp(app: INestApplication): void {
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new HttpErrorFilter(app.get(HttpAdapterHost)));
}

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
}

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs-json';

/** Swagger UI at `/docs`, the document at `/docs-json`; both public, like health and metrics. */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions): void {
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH_NAME);
  if (options.description) {
    builder.setDescription(options.description);
  }
  const config = builder.build();
  // Built on first request, after every module has registered its routes.
  const document = () =>
    SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodySchema] });
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'docs-yaml',
  });
}
