import { PageQuery } from '@clement/staff-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDateString,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { CASE_RESOLUTIONS, CASE_STATUSES } from '../domain/case-lifecycle';
import { DAYS_PAST_DUE_BUCKETS } from '../domain/days-past-due';
import {
  HOLD_KINDS,
  type HoldKindName,
  VULNERABILITY_CATEGORIES,
  type VulnerabilityCategoryName,
} from './api-vocabulary';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: (typeof CASE_STATUSES)[number];

  @ApiPropertyOptional({
    type: String,
    enum: DAYS_PAST_DUE_BUCKETS,
    description: 'Days past due of the most overdue account',
  })
  @IsOptional()
  @IsIn(DAYS_PAST_DUE_BUCKETS)
  dpdBucket?: (typeof DAYS_PAST_DUE_BUCKETS)[number];

  @ApiPropertyOptional({ type: String, description: 'Minimum total balance in minor units' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'minBalanceMinor must be a non-negative integer' })
  minBalanceMinor?: string;

  @ApiPropertyOptional({ type: String, description: 'Maximum total balance in minor units' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'maxBalanceMinor must be a non-negative integer' })
  maxBalanceMinor?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  vulnerable?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Cases with (true) or without (false) a hold in force',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  onHold?: boolean;

  @ApiPropertyOptional({
    type: String,
    description: 'Prefix of an account reference (case-insensitive)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  accountReference?: string;
}

export class PlaceHoldRequest {
  @ApiProperty({ type: String, enum: HOLD_KINDS })
  @IsIn(HOLD_KINDS)
  kind!: HoldKindName;

  @ApiPropertyOptional({ type: String, description: 'Why; no personal data', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({ type: String, description: 'When the hold ends on its own (RFC 3339)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  endsAt?: string;
}

export class FlagVulnerabilityRequest {
  @ApiProperty({
    type: String,
    enum: VULNERABILITY_CATEGORIES,
    isArray: true,
    description: 'Empty clears the flag',
  })
  @ArrayMaxSize(VULNERABILITY_CATEGORIES.length)
  @IsIn(VULNERABILITY_CATEGORIES, { each: true })
  categories!: VulnerabilityCategoryName[];

  @ApiPropertyOptional({ type: String, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'reviewDate must be a date YYYY-MM-DD' })
  reviewDate?: string;
}

export class AddNoteRequest {
  @ApiProperty({ type: String, maxLength: 4000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  body!: string;
}

export class ResolveCaseRequest {
  @ApiProperty({ type: String, enum: CASE_RESOLUTIONS })
  @IsIn(CASE_RESOLUTIONS)
  resolution!: (typeof CASE_RESOLUTIONS)[number];
}
