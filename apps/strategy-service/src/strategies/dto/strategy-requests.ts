import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

export class StrategyDocumentRequest {
  @ApiProperty({
    type: String,
    description:
      'The strategy document, YAML or JSON text, checked against GET /v1/strategies/schema ' +
      '(at most 256 KiB). Stored exactly as sent.',
  })
  @IsString()
  @IsNotEmpty()
  document!: string;
}
