import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const MAX_MINOR = Number.MAX_SAFE_INTEGER;

export class MakeOfferRequest {
  @ApiPropertyOptional({
    type: Number,
    description: 'Stated monthly income, minor units (with expenditure)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MINOR)
  monthlyIncomeMinor?: number;

  @ApiPropertyOptional({
    type: Number,
    description: 'Stated monthly expenditure, minor units (with income)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MINOR)
  monthlyExpenditureMinor?: number;

  @ApiPropertyOptional({
    type: String,
    description: "The case's strategy segment (settlement discounts)",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  segment?: string;
}
