import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class SetUpMandateBody {
  @ApiProperty({
    type: Number,
    minimum: 1,
    maximum: 28,
    description: 'The day of the month collections are made',
  })
  @IsInt()
  @Min(1)
  @Max(28)
  collectionDay!: number;

  @ApiPropertyOptional({ type: String, description: 'The live plan the mandate pays' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9:_.-]{1,128}$/)
  planId?: string;
}

export class ChangeMandateBody {
  @ApiProperty({ type: Number, minimum: 1, maximum: 28 })
  @IsInt()
  @Min(1)
  @Max(28)
  collectionDay!: number;
}
