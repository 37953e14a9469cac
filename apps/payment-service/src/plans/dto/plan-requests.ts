import { FREQUENCIES, type Frequency } from '@clement/payment-plans';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreatePlanBody {
  @ApiProperty({ type: String, description: 'The offer the plan is chosen from' })
  @IsString()
  @Matches(/^[A-Za-z0-9:_.-]{1,128}$/)
  offerId!: string;

  @ApiPropertyOptional({
    type: String,
    enum: FREQUENCIES,
    description: 'Required unless settlement',
  })
  @IsOptional()
  @IsIn(FREQUENCIES)
  frequency?: Frequency;

  @ApiPropertyOptional({ type: Number, description: 'How many instalments (or instalmentMinor)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(520)
  instalments?: number;

  @ApiPropertyOptional({
    type: Number,
    description: 'The instalment amount, minor units (or instalments)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  instalmentMinor?: number;

  @ApiProperty({
    type: String,
    example: '2024-03-01',
    description: "The first due date, the debtor's calendar",
  })
  @Matches(LOCAL_DATE)
  firstPaymentDate!: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'The offered settlement: one payment by its date',
  })
  @IsOptional()
  @IsBoolean()
  settlement?: boolean;
}

export class ChangePlanBody {
  @ApiPropertyOptional({ type: Number, description: 'The new instalment amount (or instalments)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  instalmentMinor?: number;

  @ApiPropertyOptional({
    type: Number,
    description: 'How many instalments the rest is spread over',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(520)
  instalments?: number;

  @ApiPropertyOptional({ type: String, enum: FREQUENCIES })
  @IsOptional()
  @IsIn(FREQUENCIES)
  frequency?: Frequency;

  @ApiPropertyOptional({
    type: String,
    example: '2024-03-28',
    description: 'The next due date; monthly plans then keep to its day of the month',
  })
  @IsOptional()
  @Matches(LOCAL_DATE)
  paymentDay?: string;
}
