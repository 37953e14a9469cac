import { SetMetadata } from '@nestjs/common';

// Same metadata as @nestjs/swagger's @ApiExcludeController(); importing swagger itself would load
// @nestjs/core before startTelemetry could instrument it.
export const ExcludeFromOpenApi = (): ClassDecorator =>
  SetMetadata('swagger/apiExcludeController', [true]);
