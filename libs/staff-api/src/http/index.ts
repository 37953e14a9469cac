export {
  configureHttp,
  OPENAPI_JSON_PATH,
  OPENAPI_UI_PATH,
  type OpenApiOptions,
  setupOpenApi,
} from './configure-http';
export {
  type CodedError,
  DOMAIN_ERROR_STATUS,
  domainErrorStatus,
  isCodedError,
  registerDomainErrorStatuses,
} from './domain-error-status';
export {
  type ErrorBody,
  ErrorBodySchema,
  errorBody,
  type FieldError,
  FieldErrorSchema,
} from './error-body';
export { HttpErrorFilter } from './http-error.filter';
export {
  fieldErrors,
  VALIDATION_FAILED,
  ValidBody,
  ValidQuery,
  validationException,
  validationPipe,
} from './validation';
export { PageQuery } from './page-query';
