import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const PURPOSES = ['full', 'part', 'instalment', 'advance'] as const;
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export class PayNowBody {
  @ApiProperty({
    type: String,
    enum: PURPOSES,
    description:
      "full: the whole balance; part: amountMinor of it; instalment: the plan's next one; advance: amountMinor ahead of the plan",
  })
  @IsIn(PURPOSES)
  purpose!: (typeof PURPOSES)[number];

  @ApiPropertyOptional({
    type: Number,
    description: 'Minor units (cents); required for part and advance',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor?: number;

  @ApiPropertyOptional({ type: String, description: 'The plan paid (instalment, advance)' })
  @IsOptional()
  @IsString()
  @Matches(ID)
  planId?: string;

  @ApiPropertyOptional({ type: String, description: 'The promise this payment keeps' })
  @IsOptional()
  @IsString()
  @Matches(ID)
  promiseId?: string;
}

export class RefundBody {
  @ApiPropertyOptional({
    type: Number,
    description: 'Minor units; default: all that is refundable',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor?: number;
}
