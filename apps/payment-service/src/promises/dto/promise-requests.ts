import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class MakePromiseBody {
  @ApiProperty({
    type: Number,
    description: 'The amount promised, minor units (at most the balance)',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor!: number;

  @ApiProperty({
    type: String,
    example: '2024-03-29',
    description: "The date promised, the debtor's calendar",
  })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dueDate!: string;
}
