import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Search by contact point; in the body, never the URL, because phone numbers and emails are PII. */
export class DebtorSearchRequest {
  @ApiPropertyOptional({ type: String, description: 'E.164 phone number, e.g. +447700900123' })
  @ValidateIf((request: DebtorSearchRequest) => request.phone !== undefined || !request.email)
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be an E.164 number (or give email)' })
  phone?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;
}

export class LegalRetentionRequest {
  @ApiPropertyOptional({
    type: String,
    description: 'YYYY-MM-DD; null removes the retention hold',
    nullable: true,
  })
  @ValidateIf((request: LegalRetentionRequest) => request.until !== null)
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: 'until must be a date YYYY-MM-DD or null',
  })
  until!: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'The legal basis, e.g. "open court claim"; no personal data',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
